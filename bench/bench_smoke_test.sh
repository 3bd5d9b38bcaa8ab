#!/usr/bin/env bash
# The benchmark binaries run and their own checks hold (a benchmark that
# finds its core lost a frame, a message or a response reports an error):
# each once, with the smallest arguments and a tiny minimum time. Nothing
# is timed here; bench/run does the measuring (docs/benchmarks.md).
set -u
fail=0
run() {
  local name=$1 filter=$2 out
  out=$("$name" --benchmark_min_time=0.001 --benchmark_filter="$filter" 2>&1)
  local rc=$?
  if [ $rc -ne 0 ] || grep -q "ERROR OCCURRED" <<<"$out" || ! grep -q "^BM_" <<<"$out"; then
    echo "FAIL: $(basename "$name") (exit $rc):"
    echo "$out" | tail -n 20
    fail=1
  else
    echo "ok: $(basename "$name"): $(grep -c '^BM_' <<<"$out") benchmarks"
  fi
}
run "$1" 'BM_Wire|BM_PolicyParse|BM_H1ParseResponses/100$|BM_WsReceiveMessages/(16|1380)$'
run "$2" 'BM_TlsHandshake/772|BM_TlsBulk'
run "$3" 'BM_SchedulerPostStep|/1000$'
run "$4" '/1000$'
exit $fail
