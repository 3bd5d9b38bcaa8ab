#!/usr/bin/env bash
# Bulk downloads through a real ss-proxy from the nginx of peers.sh, for
# //tests/integration:proxy_bulk_test and //bench:proxy_fanout_bench.
# Source it after peers.sh, once peers_start nginx has run:
#
#   proxy_files                 big64.bin (64 MiB) and mib1.bin (1 MiB) of
#                               random bytes next to peers.sh's large.bin
#                               (8 MiB); exports BIG64_SHA256, MIB1_SHA256
#   proxy_policy FILE           a policy for them: streamtypes big64, large,
#                               mib1 (h1 GETs); only default buffer keys (no
#                               proxy_buflen*, no client_buflen)
#   proxy_start SS_PROXY POLICY starts ss-proxy -v on an abstract socket:
#                               PROXY_EP (@name), PROXY_PID, PROXY_LOG
#   proxy_hwm_kb                the proxy's peak RSS so far (VmHWM, kB)
#   proxy_stop                  SIGTERM, wait; its last log line (how many
#                               links it accepted and dropped) in PROXY_END
#   fetch_start SS_CAT NAME STREAMTYPE [BYTES_PER_S]
#                               in the background: ss-cat --proxy -n into
#                               sink.py (rate-limited if asked); results in
#                               $FETCH_DIR/NAME.{rc,sum,err,end}
#   fetch_wait                  waits for every fetch_start
#   fetch_check NAME SIZE SHA   prints "ok: ..." or "FAIL: ..."; status 1 if
#                               the exit code is not 0 or the bytes differ
set -u

PROXY_FETCH_HERE="$(dirname "${BASH_SOURCE[0]}")"
FETCH_DIR="$PEERS_DIR/fetch"
FETCH_PIDS=()
PROXY_PID=""
mkdir -p "$FETCH_DIR"

proxy_files() {
  local html="$PEERS_DIR/nginx/html"
  head -c 67108864 /dev/urandom >"$html/big64.bin" || return 1
  head -c 1048576 /dev/urandom >"$html/mib1.bin" || return 1
  BIG64_SHA256=$(sha256sum "$html/big64.bin" | cut -d' ' -f1)
  MIB1_SHA256=$(sha256sum "$html/mib1.bin" | cut -d' ' -f1)
  export BIG64_SHA256 MIB1_SHA256
}

# One h1 GET streamtype: proxy_get_streamtype NAME URL
proxy_get_streamtype() {
  printf '{"%s":{"endpoint":"127.0.0.1","port":%s,"protocol":"h1","http_method":"GET",' \
    "$1" "$SS_NGINX_PORT"
  printf '"http_url":"%s","retry":"r","opportunistic":true}}' "$2"
}

proxy_policy() {
  {
    printf '{"release":"1","product":"proxy-bulk","schema-version":1,\n'
    printf ' "retry":[{"r":{"backoff":[100,200],"conceal":2,"jitterpc":0}}],\n'
    printf ' "s":[%s,\n      %s,\n      %s]}\n' "$(proxy_get_streamtype big64 big64.bin)" \
      "$(proxy_get_streamtype large large.bin)" "$(proxy_get_streamtype mib1 mib1.bin)"
  } >"$1"
}

proxy_start() {
  PROXY_EP="@ss-proxy-bulk-$$-$RANDOM"
  PROXY_LOG="$FETCH_DIR/proxy.log"
  "$1" --policy "$2" --listen "$PROXY_EP" -v 2>"$PROXY_LOG" &
  PROXY_PID=$!
  local _
  for _ in $(seq 1 100); do
    grep -q listening "$PROXY_LOG" && return 0
    kill -0 "$PROXY_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "ss-proxy did not start:" >&2
  cat "$PROXY_LOG" >&2
  return 1
}

proxy_hwm_kb() {
  awk '/^VmHWM:/ { print $2 }' "/proc/$PROXY_PID/status" 2>/dev/null
}

proxy_stop() {
  [ -n "$PROXY_PID" ] || return 0
  kill -TERM "$PROXY_PID" 2>/dev/null
  wait "$PROXY_PID" 2>/dev/null
  PROXY_PID=""
  # shellcheck disable=SC2034  # for the sourcing script
  PROXY_END=$(tail -n 1 "$PROXY_LOG")
}

fetch_start() {
  local ss_cat=$1 name=$2 type=$3 rate=${4:-}
  rm -f "$FETCH_DIR/$name".*
  (
    {
      # --timeout-ms bounds a stall (exit 4); timeout(1) a hang.
      timeout 40 "$ss_cat" --proxy "$PROXY_EP" "$type" -n --timeout-ms 35000 \
        2>"$FETCH_DIR/$name.err"
      echo $? >"$FETCH_DIR/$name.rc"
      date +%s.%N >"$FETCH_DIR/$name.end"
    } | "$PEERS_PY" "$PROXY_FETCH_HERE/sink.py" "$FETCH_DIR/$name.sum" ${rate:+"$rate"}
  ) &
  FETCH_PIDS+=($!)
}

fetch_wait() {
  local pid
  for pid in "${FETCH_PIDS[@]}"; do wait "$pid"; done
  FETCH_PIDS=()
}

fetch_check() {
  local name=$1 size=$2 sha=$3 rc got_size got_sha
  rc=$(cat "$FETCH_DIR/$name.rc" 2>/dev/null || echo none)
  read -r got_size got_sha 2>/dev/null <"$FETCH_DIR/$name.sum" ||
    { got_size=none; got_sha=none; }
  if [ "$rc" = 0 ] && [ "$got_size" = "$size" ] && [ "$got_sha" = "$sha" ]; then
    echo "ok: $name: $size bytes, sha256 equal, exit 0"
    return 0
  fi
  local why="exit $rc, $got_size of $size bytes"
  [ "$got_sha" = "$sha" ] || why="$why, sha256 differs"
  echo "FAIL: $name: $why; stderr: $(tr '\n' ' ' 2>/dev/null <"$FETCH_DIR/$name.err")"
  return 1
}
