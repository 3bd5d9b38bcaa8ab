#!/usr/bin/env bash
# The ss-policy command as a user runs it: output and exit codes.
set -uo pipefail
ss_policy="$1"
policy="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check NAME EXPECTED_RC ACTUAL_RC
  if [ "$2" -ne "$3" ]; then echo "FAIL: $1: exit $3, expected $2"; failures=$((failures + 1)); else echo "ok: $1"; fi
}
expect_text() {  # expect_text NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then echo "ok: $1"; else echo "FAIL: $1: no '$3' in:"; cat "$2"; failures=$((failures + 1)); fi
}

"$ss_policy" lint "$policy" 2> "$work/err"; check "lint a libwebsockets policy" 0 $?
expect_text "lint summary" "$work/err" "ok, 3 streamtype(s), 0 warning(s)"

echo '{"s":[{"x":{"prot":"h1","endpoint":"a","port":1}}]}' > "$work/typo.json"
"$ss_policy" lint "$work/typo.json" 2> "$work/err"; check "unknown key is a warning" 0 $?
expect_text "did you mean" "$work/err" 'did you mean "port"?'
"$ss_policy" lint --strict "$work/typo.json" 2> /dev/null; check "--strict fails on warnings" 1 $?

echo '{"s":[{"x":{"retry":"fast"}}]}' > "$work/bad.json"
"$ss_policy" lint "$work/bad.json" 2> "$work/err"; check "undefined retry is an error" 1 $?
expect_text "error names the path" "$work/err" "error: s[0].x.retry: undefined retry policy"

"$ss_policy" show "$policy" mintest > "$work/out"; check "show a streamtype" 0 $?
expect_text "show has the port" "$work/out" '"port": 7681'

"$ss_policy" explain "$policy" mintest > "$work/out"; check "explain" 0 $?
expect_text "explain gives the schedule" "$work/out" "failure 6: ALL_RETRIES_FAILED"

"$ss_policy" explain "$policy" nope > /dev/null 2>&1; check "unknown streamtype" 2 $?
"$ss_policy" frobnicate "$policy" > /dev/null 2>&1; check "bad usage" 2 $?
"$ss_policy" lint /nonexistent/policy.json > /dev/null 2>&1; check "missing file" 1 $?

[ "$failures" -eq 0 ]
