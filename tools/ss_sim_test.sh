#!/usr/bin/env bash
# ss-sim command line: exit codes, summary, reproduce lines, options, trace;
# campaigns that survive crashing, aborting, livelocking and hanging seeds
# (the test-only scenarios of ss-sim-planted), --jobs, --duration, --from,
# and the JSON / JUnit reports.
set -u
sim="$1"
planted="$2"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
# The reproduce command of a seed of a planted scenario (ASan builds add --config=asan).
repro_re='bazel run (--config=asan )?//tools:ss-sim-planted -- --scenario'

# --- the real ss-sim: clean campaign, planted invariant bug, one seed -------
out=$("$sim" --seeds 50 --jobs 2 --no-progress 2>"$tmp/err"); rc=$?
check "clean campaign exits 0" "[[ $rc -eq 0 ]]"
check "summary line" "grep -Eq '^summary: scenario=default seeds=50 \(1\.\.50\) jobs=2 events=[0-9]+ simulated_time=.* wall_time=.* seeds_per_s=.* sim_per_wall=.* passed=50 failed=0 ' <<<\"\$out\""
check "a clean campaign says nothing on stderr" "[[ ! -s $tmp/err ]]"

out=$("$sim" --scenario echo-planted-bug --seeds 200 --no-progress 2>"$tmp/err"); rc=$?
check "planted bug exits 1" "[[ $rc -eq 1 ]]"
check "planted bug prints seed and reproduce command" \
  "grep -q 'FAILED seed [0-9]*: violation: ' <<<\"\$out\" && grep -Eq 'reproduce: bazel run (--config=asan )?//tools:ss-sim -- --scenario echo-planted-bug --seed [0-9]+ --trace' <<<\"\$out\""
check "the failure reason is one line on stderr" \
  "[[ \$(wc -l <$tmp/err) -eq 1 ]] && grep -q '^ss-sim: [0-9]* of 200 seeds failed ([0-9]* violation); lowest: seed ' $tmp/err"
seed=$(grep -o 'FAILED seed [0-9]*' <<<"$out" | head -1 | awk '{print $3}')
"$sim" --scenario echo-planted-bug --seed "$seed" >/dev/null 2>"$tmp/err"; rc=$?
check "the printed seed reproduces, with one line on stderr" \
  "[[ $rc -eq 1 && \$(wc -l <$tmp/err) -eq 1 ]] && grep -q \"^ss-sim: seed $seed broke an invariant: \" $tmp/err"

out=$("$sim" --scenario echo --seed 3); rc=$?
check "--seed prints derived options" "[[ $rc -eq 0 ]] && grep -q 'fault plan:' <<<\"\$out\" && grep -q 'workload:' <<<\"\$out\" && grep -q 'world: seed=3' <<<\"\$out\""
out=$("$sim" --seed 3 --trace)
check "--trace prints events" "grep -q ' connect conn=' <<<\"\$out\" && grep -q 'hash=0x' <<<\"\$out\""
a=$("$sim" --seed 9 | grep hash=); b=$("$sim" --seed 9 | grep hash=)
check "same seed same hash" "[[ \"\$a\" == \"\$b\" ]]"

# A worker gives the hash that --seed S (in this process) gives.
"$sim" --seeds 8 --jobs 2 --no-progress --json "$tmp/det.json" >/dev/null 2>&1
same=1
for s in 1 2 3 4 5 6 7 8; do
  h=$("$sim" --seed "$s" | grep -o 'hash=0x[0-9a-f]*' | cut -d= -f2)
  j=$(python3 -c "import json,sys; print([r['hash'] for r in json.load(open('$tmp/det.json'))['results'] if r['seed']==$s][0])")
  [[ "$h" == "$j" ]] || { same=0; echo "seed $s: --seed $h, campaign $j"; }
done
check "campaign hashes equal --seed hashes" "[[ $same -eq 1 ]]"

# --- crashes, aborts, livelocks: every one named, the rest still run --------
out=$("$planted" --scenario planted-crash --seeds 40 --jobs 2 --max-events 100000 --no-progress \
  --json "$tmp/c2.json" --junit "$tmp/c2.xml" 2>"$tmp/err"); rc=$?
check "a campaign with crashing seeds exits 1" "[[ $rc -eq 1 ]]"
failed=$(grep -o '^FAILED seed [0-9]*' <<<"$out" | awk '{print $3}' | sort -n | tr '\n' ' ')
check "exactly the planted seeds fail (got: $failed)" "[[ '$failed' == '3 5 7 13 15 17 23 25 27 33 35 37 ' ]]"
ok=1
for s in 3 13 23 33; do
  grep -Eq "^FAILED seed $s: crash: (SIGSEGV|exit status 1 \(AddressSanitizer: SEGV)" <<<"$out" || ok=0
done
for s in 7 17 27 37; do
  grep -q "^FAILED seed $s: crash: SIGABRT (planted: abort() on seed $s)" <<<"$out" || ok=0
done
for s in 5 15 25 35; do
  grep -q "^FAILED seed $s: livelock: still busy after 100000 events" <<<"$out" || ok=0
done
check "each failure says crash (signal), abort or livelock" "[[ $ok -eq 1 ]]"
ok=1
for s in 3 5 7 13 15 17 23 25 27 33 35 37; do
  grep -Eq "^  reproduce: $repro_re planted-crash --seed $s --max-events 100000 --trace\$" <<<"$out" || ok=0
done
check "each failure has its reproduce command, with --max-events" "[[ $ok -eq 1 ]]"
check "the summary counts the rest as run and passed" \
  "grep -q '^summary: scenario=planted-crash seeds=40 (1\.\.40) .* passed=28 failed=12 (violation=0 livelock=4 crash=8 hang=0 leak=0 nondeterminism=0)' <<<\"\$out\""
check "one line on stderr" \
  "[[ \$(wc -l <$tmp/err) -eq 1 ]] && grep -q '^ss-sim: 12 of 40 seeds failed (4 livelock, 8 crash); lowest: seed 3, crash: ' $tmp/err"
check "the JSON report is well formed and complete" "python3 - '$tmp/c2.json' <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d['seeds'] == 40 and d['failed'] == 12 and d['passed'] == 28, d
assert [r['seed'] for r in d['results']] == list(range(1, 41))
for r in d['results']:
    want = {3: 'crash', 5: 'livelock', 7: 'crash'}.get(r['seed'] % 10, 'pass')
    assert r['status'] == want, r
    if want != 'pass':
        assert r['reproduce'].endswith('--scenario planted-crash --seed %d --max-events 100000 --trace' % r['seed']), r
EOF"
check "the JUnit report is well formed and complete" "python3 - '$tmp/c2.xml' <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == 'testsuites' and root.get('tests') == '40', root.attrib
assert root.get('failures') == '4' and root.get('errors') == '8', root.attrib
cases = root.findall('./testsuite/testcase')
assert len(cases) == 40
errors = sorted(int(c.get('name').split()[1]) for c in cases if c.find('error') is not None)
failures = sorted(int(c.get('name').split()[1]) for c in cases if c.find('failure') is not None)
assert errors == [3, 7, 13, 17, 23, 27, 33, 37], errors
assert failures == [5, 15, 25, 35], failures
EOF"

"$planted" --scenario planted-crash --seeds 40 --jobs 1 --max-events 100000 --no-progress \
  --json "$tmp/c1.json" >/dev/null 2>&1; rc=$?
check "--jobs 2 gives the same results as --jobs 1" "[[ $rc -eq 1 ]] && python3 - '$tmp/c1.json' '$tmp/c2.json' <<'EOF'
import json, sys
def results(path):
    return [{k: v for k, v in r.items() if k not in ('wall_s', 'output', 'detail', 'headline')}
            for r in json.load(open(sys.argv[path]))['results']]
a, b = results(1), results(2)
assert a == b, [(x, y) for x, y in zip(a, b) if x != y][:3]
EOF"

out=$("$planted" --scenario planted-crash --seeds 40 --max-events 100000 --show-failures 2 --no-progress 2>/dev/null)
check "--show-failures 2 prints two and counts the rest" \
  "[[ \$(grep -c '^FAILED seed' <<<\"\$out\") -eq 2 ]] && grep -q '^not printed: 10 of 12 failures' <<<\"\$out\" && grep -q '^failing seeds: 3 5 7 13 15 17 23 25 27 33 35 37\$' <<<\"\$out\""

out=$("$planted" --scenario planted-crash --seed 7 --max-events 100000 --trace 2>"$tmp/err"); rc=$?
check "the reproduce command of an abort aborts again, after printing its trace so far" \
  "[[ $rc -ne 0 && $rc -ne 1 ]] && grep -q '^trace:' <<<\"\$out\" && grep -q ' listen echo-1 ' <<<\"\$out\" && grep -q 'planted: abort() on seed 7' $tmp/err"
"$planted" --scenario planted-crash --seed 5 --max-events 100000 >/dev/null 2>"$tmp/err"; rc=$?
check "the reproduce command of a livelock livelocks again" "[[ $rc -eq 1 ]] && grep -q '^ss-sim: seed 5 livelocked: livelock: still busy after 100000 events' $tmp/err"

# A seed that never returns is a hang after --seed-timeout. It outlasts the
# 5 s progress interval, so (stdout not a terminal) a progress line shows.
out=$("$planted" --scenario planted-hang --seeds 4 --jobs 2 --seed-timeout 6s 2>"$tmp/err"); rc=$?
check "a hanging seed is reported and the campaign goes on" \
  "[[ $rc -eq 1 ]] && grep -Eq '^FAILED seed 2: hang: no result after 6s of wall time; worker killed' <<<\"\$out\" && grep -Eq \"^  reproduce: $repro_re planted-hang --seed 2 --trace\\\$\" <<<\"\$out\" && grep -q 'seeds=4 (1\.\.4) .* passed=3 failed=1 (violation=0 livelock=0 crash=0 hang=1 leak=0 nondeterminism=0)' <<<\"\$out\""
check "progress goes to stdout when stderr is no terminal; stderr has one line" \
  "grep -Eq '^progress: [0-9]+ seeds \([0-9]+ failed\), [0-9.]+ seeds/s, [0-9]+ simulated s per wall s, .* \[[0-9]+/4\]\$' <<<\"\$out\" && [[ \$(wc -l <$tmp/err) -eq 1 ]]"

# Sanitizer reports (ASan builds: bazel test --config=asan).
if "$planted" --list | grep -q '^planted-uaf '; then
  out=$("$planted" --scenario planted-uaf --seeds 20 --jobs 2 --no-progress 2>/dev/null); rc=$?
  check "ASan: a use-after-free seed is a crash with the sanitizer's headline" \
    "[[ $rc -eq 1 ]] && grep -q '^FAILED seed 3: crash: exit status 1 (AddressSanitizer: heap-use-after-free' <<<\"\$out\" && grep -q '^FAILED seed 13: crash: ' <<<\"\$out\" && grep -q 'passed=18 failed=2 ' <<<\"\$out\""
  out=$("$planted" --scenario planted-leak --seeds 20 --jobs 2 --no-progress 2>/dev/null); rc=$?
  check "ASan: a leaking seed is a leak, and only that seed" \
    "[[ $rc -eq 1 ]] && grep -q '^FAILED seed 3: leak: AddressSanitizer: 48 byte(s) leaked in 1 allocation(s)' <<<\"\$out\" && grep -q 'passed=18 failed=2 (violation=0 livelock=0 crash=0 hang=0 leak=2 nondeterminism=0)' <<<\"\$out\""
  "$planted" --scenario planted-leak --seeds 5 --no-leak-check --no-progress >/dev/null 2>&1; rc=$?
  check "ASan: --no-leak-check does not look for leaks" "[[ $rc -eq 0 ]]"
else
  echo "skip: the sanitizer cases need an ASan build (bazel test --config=asan)"
fi

# --- time budget, first seed, interrupt, report errors ------------------------
out=$("$planted" --scenario echo --duration 1s --from 100 --jobs 2 --no-progress --json "$tmp/d.json" 2>/dev/null); rc=$?
check "--duration runs seeds from --from, in a row" "[[ $rc -eq 0 ]] && python3 - '$tmp/d.json' <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
seeds = [r['seed'] for r in d['results']]
assert seeds and seeds == list(range(100, 100 + len(seeds))), seeds[:5]
assert d['duration_s'] == 1.0 and d['seed_limit'] is None
EOF"

"$planted" --scenario echo --duration 1h --jobs 2 --no-progress >"$tmp/int.out" 2>"$tmp/int.err" &
pid=$!
sleep 1
kill -INT "$pid"
wait "$pid"; rc=$?
check "an interrupt ends a campaign with 130, a summary and one stderr line" \
  "[[ $rc -eq 130 ]] && grep -q '^summary: scenario=echo ' $tmp/int.out && grep -q '^interrupted: ' $tmp/int.out && [[ \$(wc -l <$tmp/int.err) -eq 1 ]] && grep -q '^ss-sim: interrupted after ' $tmp/int.err"

"$planted" --scenario echo --seeds 3 --no-progress --json /nonexistent-dir/r.json >/dev/null 2>"$tmp/err"; rc=$?
check "an unwritable report exits 7 with one line" "[[ $rc -eq 7 && \$(wc -l <$tmp/err) -eq 1 ]] && grep -q '^ss-sim: cannot open /nonexistent-dir/r.json' $tmp/err"

# --- what every tool does the same way (docs/tools.md, "Every tool") ---------------
out=$("$sim" --version); rc=$?
check "--version: ss-sim <version> (<commit>)" "[[ $rc -eq 0 ]] && grep -Eq '^ss-sim [0-9][0-9A-Za-z.+-]* \(([0-9a-f]{7,40}|unknown)\)\$' <<<\"\$out\""
"$sim" --help >"$tmp/out" 2>&1; rc=$?
check "--help exits 0" "[[ $rc -eq 0 ]] && grep -q '^usage: ss-sim' $tmp/out"
"$sim" --frobnicate >/dev/null 2>"$tmp/err"; rc=$?
check "bad usage exits 2 with one line" "[[ $rc -eq 2 && \$(wc -l <$tmp/err) -eq 1 ]]"
sim_abs=$(realpath "$sim")
mkdir -p "$tmp/user"
(cd / && BUILD_WORKING_DIRECTORY="$tmp/user" "$sim_abs" --scenario echo --seeds 2 --no-progress --json r.json \
  --junit r.xml >/dev/null 2>&1 && BUILD_WORKING_DIRECTORY="$tmp/user" "$sim_abs" --scenario echo --seed 1 \
  --trace-json t.json >/dev/null 2>&1); rc=$?
check "relative --json/--junit/--trace-json land in BUILD_WORKING_DIRECTORY" \
  "[[ $rc -eq 0 && -s $tmp/user/r.json && -s $tmp/user/r.xml && -s $tmp/user/t.json ]]"
(cd / && BUILD_WORKING_DIRECTORY=/nonexistent "$sim_abs" --scenario echo --seed 1 >/dev/null 2>"$tmp/err"); rc=$?
check "a BUILD_WORKING_DIRECTORY that does not exist exits 7" "[[ $rc -eq 7 ]] && grep -q '^ss-sim: cannot enter BUILD_WORKING_DIRECTORY' $tmp/err"

# --- the determinism self-check (--recheck) --------------------------------------
# planted-nondeterminism traces a static run counter (seed%10==3) or whether
# the run is the first in its process (seed%10 in 1,2,4,6,8); nothing else
# differs and no invariant breaks.
out=$("$planted" --scenario planted-nondeterminism --seeds 20 --jobs 1 --recheck 1 --no-progress \
  --json "$tmp/nd.json" 2>"$tmp/err"); rc=$?
check "nondeterministic seeds fail the recheck" "[[ $rc -eq 1 ]]"
failed=$(grep -o '^FAILED seed [0-9]*' <<<"$out" | awk '{print $3}' | sort -n | tr '\n' ' ')
check "only planted seeds fail, each as nondeterminism (got: $failed)" \
  "[[ -n '$failed' ]] && ! grep '^FAILED seed' <<<\"\$out\" | grep -v ': nondeterminism: hash 0x[0-9a-f]* then 0x[0-9a-f]*; run again in ' && ! grep -Eq '^FAILED seed [0-9]*[0579]:' <<<\"\$out\""
check "the static counter is found in the same worker, with the first differing event" \
  "grep -Eq '^FAILED seed 3: nondeterminism: hash 0x[0-9a-f]{16} then 0x[0-9a-f]{16}; run again in the same process: first difference at event #[0-9]+: 0\.005000s planted \"run=[0-9]+\" vs 0\.005000s planted \"run=[0-9]+\"\$' <<<\"\$out\" && grep -q '^FAILED seed 13: nondeterminism: ' <<<\"\$out\""
check "a worker's first seed is cold, then warm when run again in it" \
  "grep -q '^FAILED seed 1: nondeterminism: .*same process: first difference at event #[0-9]*: 0\.005000s planted \"cold\" vs 0\.005000s planted \"warm\"\$' <<<\"\$out\""
check "a later seed differs only in a fresh process" \
  "grep -q '^FAILED seed [0-9]*: nondeterminism: .*run again in a fresh process: first difference at event #[0-9]*: 0\.005000s planted \"warm\" vs 0\.005000s planted \"cold\"\$' <<<\"\$out\""
check "the summary counts nondeterminism apart from violations" \
  "grep -Eq '^summary: .* failed=[1-9][0-9]* \(violation=0 livelock=0 crash=0 hang=0 leak=0 nondeterminism=[1-9][0-9]*\)' <<<\"\$out\" && [[ \$(wc -l <$tmp/err) -eq 1 ]] && grep -q 'nondeterminism); lowest: seed 1, nondeterminism: ' $tmp/err"
check "the JSON report has both hashes and the divergence" "python3 - '$tmp/nd.json' <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
assert d['recheck'] == 1 and d['failures']['violation'] == 0, d
bad = [r for r in d['results'] if r['status'] != 'pass']
assert bad and all(r['status'] == 'nondeterminism' for r in bad), bad
for r in bad:
    assert r['hash'] != r['recheck_hash'] and 'first difference at event #' in r['divergence'], r
EOF2"
check "a nondeterminism failure's reproduce command rechecks that seed alone" \
  "grep -Eq \"^  reproduce: $repro_re planted-nondeterminism --from 13 --seeds 1 --recheck 1\\\$\" <<<\"\$out\""
out=$("$planted" --scenario planted-nondeterminism --from 13 --seeds 1 --recheck 1 --no-progress 2>/dev/null); rc=$?
check "... and it fails the same way" \
  "[[ $rc -eq 1 ]] && grep -q '^FAILED seed 13: nondeterminism: .*same process: first difference at event #[0-9]*: 0\.005000s planted \"run=1\" vs 0\.005000s planted \"run=2\"\$' <<<\"\$out\""
"$planted" --scenario planted-nondeterminism --seeds 20 --recheck 0 --no-progress >/dev/null 2>&1; rc=$?
check "--recheck 0 turns the check off" "[[ $rc -eq 0 ]]"
out=$("$sim" --seeds 100 --recheck 1 --jobs 2 --no-progress 2>&1); rc=$?
check "the real scenarios pass the recheck" "[[ $rc -eq 0 ]] && grep -q 'passed=100 failed=0 ' <<<\"\$out\""

# --- looking at one seed: times, filters, Chrome trace JSON --------------------
out=$("$sim" --scenario proxy-bulk --seed 4 --trace)
check "--trace prints times with a unit" "grep -Eq '^[0-9]+\.[0-9]{6}s connect conn=1 ' <<<\"\$out\""
out=$("$sim" --scenario proxy-bulk --seed 4 --trace-filter fault,end)
kinds=$(sed -n '/^trace:/,/^result:/p' <<<"$out" | sed '1d;$d' | awk '{print $2}' | sort -u | tr '\n' ' ')
check "--trace-filter prints only those kinds (got: $kinds)" "[[ '$kinds' == 'end fault ' ]]"
out=$("$sim" --scenario proxy-bulk --seed 4 --trace-stream conn=3)
lines=$(sed -n '/^trace:/,/^result:/p' <<<"$out" | sed '1d;$d')
check "--trace-stream conn=3 prints only that connection" \
  "[[ -n \"\$lines\" ]] && ! grep -vEq ' conn=3( |\$)' <<<\"\$lines\" && grep -q 'hash=0x' <<<\"\$out\""
out=$("$sim" --scenario proxy-bulk --seed 4 --trace-stream 1)
lines=$(sed -n '/^trace:/,/^result:/p' <<<"$out" | sed '1d;$d')
check "--trace-stream 1 prints only stream ss1" "[[ -n \"\$lines\" ]] && ! grep -vEq '^[0-9.]+s [a-z0-9_.]+ ss1( |\$)' <<<\"\$lines\""
a=$("$sim" --scenario proxy-bulk --seed 4 | grep hash=); b=$("$sim" --scenario proxy-bulk --seed 4 --trace-json "$tmp/t4.json" --trace-filter end | grep hash=)
check "the trace views do not change the run" "[[ \"\$a\" == \"\$b\" ]]"
check "--trace-json: streams, connections, state spans, fault markers" "python3 - '$tmp/t4.json' <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
ev = d['traceEvents']
procs = {e['pid']: e['args']['name'] for e in ev if e['ph'] == 'M' and e['name'] == 'process_name'}
assert procs == {1: 'streams', 2: 'connections', 3: 'world'}, procs
threads = {(e['pid'], e['args']['name']) for e in ev if e['ph'] == 'M' and e['name'] == 'thread_name'}
# proxy-bulk seed 4 has five clients: five streams, and connections.
assert {(1, 'ss%d' % i) for i in range(1, 6)} <= threads, threads
assert (1, 'ss6') not in threads, threads
assert {(2, 'conn=1'), (2, 'conn=2'), (2, 'conn=3')} <= threads, threads
spans = [e for e in ev if e['ph'] == 'X' and e['pid'] == 1 and e['tid'] == 1]
names = [e['name'] for e in sorted(spans, key=lambda e: e['ts'])]
assert names[:3] == ['CREATING', 'CONNECTING', 'CONNECTED'], names
for a, b in zip(sorted(spans, key=lambda e: e['ts']), sorted(spans, key=lambda e: e['ts'])[1:]):
    assert a['ts'] + a['dur'] == b['ts'], (a, b)
faults = [e for e in ev if e['ph'] == 'i' and e['name'].startswith('fault: ')]
assert len(faults) >= 3 and all(e['s'] == 'g' for e in faults), faults
assert all(isinstance(e['ts'], int) for e in ev if e['ph'] != 'M')
EOF2"
"$sim" --scenario echo-planted-bug --seed "$seed" --trace-json "$tmp/bug.json" >/dev/null 2>&1
check "--trace-json marks a violation" "python3 -c \"import json; ev=json.load(open('$tmp/bug.json'))['traceEvents']; assert any(e['ph']=='i' and e['s']=='g' and e['name'].startswith('violation: ') for e in ev)\""
"$sim" --seed 4 --trace-json /nonexistent-dir/t.json >/dev/null 2>"$tmp/err"; rc=$?
check "an unwritable --trace-json exits 7 with one line" "[[ $rc -eq 7 && \$(wc -l <$tmp/err) -eq 1 ]]"

# --- scenario files, --show-scenario, --save-scenario, --shrink -------------
# planted-world (tools/campaign/planted_scenarios.h) stands in for the world
# scenario: its specs break "[big-proxied-reset]" when a proxied stream sends
# >= 1000 bytes and a reset fault exists, and abort() with no fault at all.
out=$("$sim" --seed 3 --show-scenario 2>"$tmp/err"); rc=$?
check "--show-scenario prints the derived options without running (exit 0)" \
  "[[ $rc -eq 0 && ! -s $tmp/err ]] && grep -q 'world: seed=3' <<<\"\$out\" && grep -q 'fault plan:' <<<\"\$out\" && ! grep -q '^result:' <<<\"\$out\""
out=$("$planted" --scenario planted-world --seed 4 --show-scenario); rc=$?
check "--show-scenario of a world prints its spec" "[[ $rc -eq 0 ]] && grep -q '\"ss-sim-world\": 1' <<<\"\$out\" && ! grep -q '^result:' <<<\"\$out\""

"$planted" --scenario planted-world --seed 4 --save-scenario "$tmp/w4.json" >/dev/null 2>"$tmp/err"; rc=$?
check "--save-scenario writes the seed's world (exit 0)" "[[ $rc -eq 0 && ! -s $tmp/err ]] && grep -q '\"ss-sim-world\": 1' $tmp/w4.json"
out=$("$planted" --scenario "$tmp/w4.json" 2>"$tmp/err"); rc=$?
check "--scenario FILE runs the saved world and fails as the seed does" \
  "[[ $rc -eq 1 ]] && grep -q '^VIOLATION: \[big-proxied-reset\]' <<<\"\$out\" && [[ \$(wc -l <$tmp/err) -eq 1 ]] && grep -q \"^ss-sim: $tmp/w4.json broke an invariant: \\[big-proxied-reset\\]\" $tmp/err"
a=$("$planted" --scenario planted-world --seed 4 | grep '^result:'); b=$("$planted" --scenario "$tmp/w4.json" | grep '^result:')
check "a saved world replays with the seed's hash" "[[ -n \"\$a\" && \"\$a\" == \"\$b\" ]]"
"$planted" --scenario echo --seed 4 --save-scenario "$tmp/e.json" >/dev/null 2>"$tmp/err"; rc=$?
check "--save-scenario of a seed that is no world exits 2" "[[ $rc -eq 2 && \$(wc -l <$tmp/err) -eq 1 ]] && grep -q 'not a world scenario' $tmp/err"

out=$("$planted" --scenario planted-world --seed 4 --shrink --shrink-out "$tmp/min4.json" 2>"$tmp/err"); rc=$?
check "--shrink writes the smallest world (exit 0)" "[[ $rc -eq 0 && ! -s $tmp/err && -s $tmp/min4.json ]]"
check "--shrink prints before/after, the invariant and the replay command" \
  "grep -q '^before: 4 streams, ' <<<\"\$out\" && grep -q '^after:  1 stream, 1 fault, ' <<<\"\$out\" && grep -q '^invariant: big-proxied-reset\$' <<<\"\$out\" && grep -q \"^replay: ss-sim --scenario $tmp/min4.json\\$\" <<<\"\$out\""
check "a candidate that crashes (abort() in its child) does not stop the shrinker" \
  "grep -q '^failed another way: [0-9]* candidates (not kept; the first: crash SIGABRT)' <<<\"\$out\""
check "the shrunk world is minimal" "python3 - '$tmp/min4.json' <<'EOF2'
import json, sys
w = json.load(open(sys.argv[1]))
assert len(w['streams']) == 1 and len(w['faults']) == 1 and w['faults'][0]['kind'] == 'reset', w
s = w['streams'][0]
assert s['via_proxy'] and len(s['messages']) == 1 and 1000 <= s['messages'][0] <= 1999, s
assert s['download'] == 0 and s['start_at_us'] == 0 and not w['buggify'], w
assert len(w['servers']) == 1 and len(w['streamtypes']) == 1 and w['retries'] == [], w
EOF2"
out=$("$planted" --scenario "$tmp/min4.json" 2>/dev/null); rc=$?
check "the shrunk world replays the same invariant" "[[ $rc -eq 1 ]] && grep -q '^VIOLATION: \[big-proxied-reset\]' <<<\"\$out\""
# Seed 2's first violation is [buggified]: shrinking keeps that one (and
# drops every stream), whatever else broke.
mkdir -p "$tmp/wd"
out=$(BUILD_WORKING_DIRECTORY="$tmp/wd" "$planted" --scenario planted-world --seed 2 --shrink 2>"$tmp/err"); rc=$?
check "--shrink writes shrunk-<scenario>-<seed>.json where the user ran it" "[[ $rc -eq 0 && -s $tmp/wd/shrunk-planted-world-2.json ]]"
check "--shrink keeps the first violation's invariant" \
  "grep -q '^invariant: buggified\$' <<<\"\$out\" && python3 -c \"import json; w=json.load(open('$tmp/wd/shrunk-planted-world-2.json')); assert w['buggify'] and w['streams']==[] and w['faults']==[], w\""
"$planted" --scenario planted-world --seed 5 --shrink --shrink-out "$tmp/x.json" >/dev/null 2>"$tmp/err"; rc=$?
check "--shrink of a passing seed exits 1: nothing to shrink" \
  "[[ $rc -eq 1 && ! -e $tmp/x.json && \$(wc -l <$tmp/err) -eq 1 ]] && grep -q '^ss-sim: seed 5 passes; nothing to shrink\$' $tmp/err"
"$planted" --scenario echo --seed 5 --shrink >/dev/null 2>"$tmp/err"; rc=$?
check "--shrink of a seed that is no world exits 2" "[[ $rc -eq 2 ]] && grep -q 'not a world scenario' $tmp/err"

printf '{"ss-sim-world": 1, "servers": [{"host": "srv-1", "port": 80}], "streamtypes": [{"name": "st-1"}],\n "streams": [{}, {}, {"reader": {"kind": "fastt"}}]}\n' >"$tmp/bad.json"
"$planted" --scenario "$tmp/bad.json" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "a bad scenario file exits 2 with one line naming the file and the JSON path" \
  "[[ $rc -eq 2 && ! -s $tmp/out && \$(wc -l <$tmp/err) -eq 1 ]] && grep -q \"^ss-sim: $tmp/bad.json: streams\\[2\\].reader.kind: unknown value 'fastt'\" $tmp/err"
printf '{"ss-sim-world": 1,,}' >"$tmp/syntax.json"
"$planted" --scenario "$tmp/syntax.json" >/dev/null 2>"$tmp/err"; rc=$?
check "a scenario file that is not JSON exits 2 naming the byte" \
  "[[ $rc -eq 2 && \$(wc -l <$tmp/err) -eq 1 ]] && grep -q \"^ss-sim: $tmp/syntax.json: JSON syntax error at byte \" $tmp/err"
for bad in "--scenario $tmp/w4.json --seed 3" "--scenario $tmp/w4.json --seeds 3" "--scenario $tmp/w4.json --shrink" \
  "--scenario planted-world --shrink" "--scenario planted-world --seeds 3 --shrink" "--scenario planted-world --seed 4 --shrink-out f" \
  "--scenario planted-world --seed 4 --shrink --trace" "--scenario planted-world --seed 4 --show-scenario --shrink" \
  "--scenario planted-world --seed 4 --shrink --shrink-runs 0" "--scenario planted-world --seed 4 --save-scenario" \
  "--scenario planted-world --seed 4 --seed-timeout 5s" "--scenario $tmp/nope.json"; do
  err=$("$planted" $bad 2>&1 >/dev/null); rc=$?
  check "bad args '$bad' exit 2 with a message" "[[ $rc -eq 2 ]] && grep -q 'ss-sim: ' <<<\"\$err\""
done

# --- arguments ----------------------------------------------------------------
"$sim" --help | grep -q usage; check "--help" "[[ $? -eq 0 ]]"
check "--list has no test-only scenario" "! \"$sim\" --list | grep -q '^planted-'"
# --help says what the default scenario runs: its summary from the registry.
default_summary=$("$sim" --list | sed -n 's/^default  *//p')
help_text=$("$sim" --help | tr '\n' ' ' | tr -s ' ')
check "--help names the default scenario's parts as --list does" \
  "[[ -n \"\$default_summary\" && \"\$help_text\" == *\"The default scenario: \$default_summary.\"* ]]"
for bad in "--seeds" "--seeds x" "--seeds 0" "--bogus" "--seed 1 --seeds 2" "--trace --seeds 3" \
  "--scenario nope --seeds 1" "" "--seeds 3 --jobs 0" "--seeds 3 --jobs x" "--duration 5x" "--duration 0" \
  "--seed 1 --jobs 2" "--seed 1 --json f" "--seeds 3 --json" "--seeds 3 --seed-timeout -1" \
  "--seeds 3 --json f --junit f" "--from 18446744073709551615 --seeds 2" "--seeds 3 --recheck 2" \
  "--seeds 3 --recheck 1/0" "--seeds 3 --recheck" "--seed 1 --recheck 1" "--seeds 3 --trace-json f" \
  "--seed 1 --trace-filter" "--seed 1 --trace-filter a,,b" "--seed 1 --trace-stream x" "--seeds 3 --trace-stream 1"; do
  err=$("$sim" $bad 2>&1 >/dev/null); rc=$?
  check "bad args '$bad' exit 2 with a message" "[[ $rc -eq 2 ]] && grep -q 'ss-sim: ' <<<\"\$err\""
done
exit $fail
