#!/usr/bin/env bash
# 16 ss-cat --proxy clients at once through one real ss-proxy (default
# policy buffer keys), each fetching the same 8 MiB file from a local nginx
# (tests/integration/peers.sh); one of them is read at 1 MiB/s. The case of
# //tests/integration:proxy_bulk_test, timed. Per run: the proxy's peak RSS
# (VmHWM), its CPU time, the throughput of the 15 fast clients (their bytes
# over the time until the last of them ended) and the time until all 16
# ended; then median and min-max over the runs. Runs whose downloads were
# not all whole (size and SHA-256) are reported and left out. Target: peak
# RSS under 16 MB. The machine is shared and noisy: compare runs of one
# invocation.
#
#   bazel run -c opt //bench:proxy_fanout_bench [-- --runs N --clients N]
set -u
peers_sh=$1
proxy_fetch_sh=$2
ss_proxy=$3
ss_cat=$4
shift 4
runs=5
clients=16
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    *) echo "usage: proxy_fanout_bench [--runs N] [--clients N]" >&2; exit 2 ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ && "$clients" =~ ^[1-9][0-9]*$ ]] ||
  { echo "proxy_fanout_bench: --runs and --clients take a positive number" >&2; exit 2; }

work=$(mktemp -d)
export TEST_TMPDIR="$work"  # peers.sh keeps its files there
# shellcheck source=tests/integration/peers.sh
source "$peers_sh"
peers_start nginx || exit 1
# shellcheck source=tests/integration/proxy_fetch.sh
source "$proxy_fetch_sh"
trap 'proxy_stop; peers_stop; rm -rf "$work"' EXIT
proxy_policy "$FETCH_DIR/policy.json"

size=8388608
fast=$((clients - 1))
hwms=() cpus=() rates=() alls=()
clk_tck=$(getconf CLK_TCK)

# Prints the median and min-max of its numeric arguments.
stats() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "median %.2f, min %.2f, max %.2f", m, v[1], v[NR] }'
}

echo "$clients clients x 8 MiB through ss-proxy (one read at 1 MiB/s), $runs runs"
for run in $(seq 1 "$runs"); do
  proxy_start "$ss_proxy" "$FETCH_DIR/policy.json" || exit 1
  start=$(date +%s.%N)
  for i in $(seq 1 "$fast"); do fetch_start "$ss_cat" "fast$i" large; done
  fetch_start "$ss_cat" slow large 1048576
  fetch_wait
  hwm=$(proxy_hwm_kb)
  cpu=$(awk -v t="$clk_tck" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$PROXY_PID/stat")
  proxy_stop
  whole=1
  for i in $(seq 1 "$fast"); do
    fetch_check "fast$i" "$size" "$SS_LARGE_SHA256" >/dev/null || whole=0
  done
  fetch_check slow "$size" "$SS_LARGE_SHA256" >/dev/null || whole=0
  fast_end=$(cat "$FETCH_DIR"/fast*.end | sort -g | tail -n 1)
  all_end=$(cat "$FETCH_DIR"/*.end | sort -g | tail -n 1)
  rate=$(awk -v b=$((fast * size)) -v s="$start" -v e="$fast_end" \
    'BEGIN { printf "%.1f", b / (e - s) / 1e6 }')
  all=$(awk -v s="$start" -v e="$all_end" 'BEGIN { printf "%.2f", e - s }')
  mb=$(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }')
  line="run $run: peak RSS $mb MB ($hwm kB), proxy CPU $cpu s,"
  line="$line fast clients $rate MB/s, all done in $all s"
  if [ "$whole" = 1 ]; then
    echo "$line"
    hwms+=("$mb") cpus+=("$cpu") rates+=("$rate") alls+=("$all")
  else
    echo "$line -- INCOMPLETE: not every download was whole, left out:"
    for n in $(seq -f 'fast%g' 1 "$fast") slow; do
      fetch_check "$n" "$size" "$SS_LARGE_SHA256"
    done | grep FAIL | head -n 3
    grep 'closed:' "$PROXY_LOG" | head -n 1
  fi
done

if [ "${#hwms[@]}" -eq 0 ]; then
  echo "no complete run"
  exit 1
fi
echo "over ${#hwms[@]} complete runs:"
echo "  peak RSS (MB):           $(stats "${hwms[@]}")  (target: under 16 MB)"
echo "  proxy CPU (s):           $(stats "${cpus[@]}")"
echo "  fast clients (MB/s):     $(stats "${rates[@]}")"
echo "  all $clients done (s):         $(stats "${alls[@]}")"
