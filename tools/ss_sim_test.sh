#!/usr/bin/env bash
# ss-sim command line: exit codes, summary, reproduction line, options, trace.
set -u
sim="$1"
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }

out=$("$sim" --seeds 50 2>/dev/null); rc=$?
check "clean campaign exits 0" "[[ $rc -eq 0 ]]"
check "summary line" "grep -q 'summary: scenario=default seeds=50 .*events=.*simulated_time=.*wall_time=.*violations=0' <<<\"\$out\""

out=$("$sim" --scenario echo-planted-bug --seeds 200 2>/dev/null); rc=$?
check "planted bug exits 1" "[[ $rc -eq 1 ]]"
check "planted bug prints seed and reproduce command" \
  "grep -q 'FAILED seed [0-9]*:' <<<\"\$out\" && grep -q 'reproduce: bazel run //tools:ss-sim -- --scenario echo-planted-bug --seed [0-9]* --trace' <<<\"\$out\""
seed=$(grep -o 'FAILED seed [0-9]*' <<<"$out" | head -1 | awk '{print $3}')
"$sim" --scenario echo-planted-bug --seed "$seed" >/dev/null 2>&1; rc=$?
check "the printed seed reproduces" "[[ $rc -eq 1 ]]"

out=$("$sim" --scenario echo --seed 3); rc=$?
check "--seed prints derived options" "[[ $rc -eq 0 ]] && grep -q 'fault plan:' <<<\"\$out\" && grep -q 'workload:' <<<\"\$out\" && grep -q 'world: seed=3' <<<\"\$out\""
out=$("$sim" --seed 3 --trace)
check "--trace prints events" "grep -q ' connect conn=' <<<\"\$out\" && grep -q 'hash=0x' <<<\"\$out\""
a=$("$sim" --seed 9 | grep hash=); b=$("$sim" --seed 9 | grep hash=)
check "same seed same hash" "[[ \"\$a\" == \"\$b\" ]]"

"$sim" --help | grep -q usage; check "--help" "[[ $? -eq 0 ]]"
for bad in "--seeds" "--seeds x" "--seeds 0" "--bogus" "--seed 1 --seeds 2" "--trace --seeds 3" "--scenario nope --seeds 1" ""; do
  err=$("$sim" $bad 2>&1 >/dev/null); rc=$?
  check "bad args '$bad' exit 2 with a message" "[[ $rc -eq 2 ]] && grep -q 'ss-sim: ' <<<\"\$err\""
done
exit $fail
