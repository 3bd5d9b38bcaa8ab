#!/usr/bin/env bash
# The ss-policy command as a user runs it: output and exit codes.
set -uo pipefail
ss_policy=$(realpath "$1")
policy=$(realpath "$2")
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
"$ss_policy" lint "$work/typo.json" 2> "$work/typo.err"; check "unknown key is a warning" 0 $?
expect_text "did you mean" "$work/typo.err" 'typo.json:1:13: warning: s[0].x.prot: unknown streamtype key "prot"'
expect_text "cites docs/policy.md" "$work/typo.err" 'expected a streamtype key (docs/policy.md), did you mean "port"?'
"$ss_policy" lint --strict "$work/typo.json" 2> "$work/err"; check "--strict fails on warnings" 1 $?
expect_text "--strict says it failed" "$work/err" "typo.json: failed (--strict: warnings fail): 0 error(s), 1 warning(s)"
if grep -q "ok," "$work/err"; then echo "FAIL: a failing --strict says ok"; failures=$((failures + 1)); fi

echo '{"s":[{"x":{"retry":"fast"}}]}' > "$work/bad.json"
"$ss_policy" lint "$work/bad.json" 2> "$work/err"; check "undefined retry is an error" 1 $?
expect_text "error names line, column and path" "$work/err" "bad.json:1:13: error: s[0].x.retry: undefined retry policy"
expect_text "failing summary" "$work/err" "bad.json: failed: 1 error(s), 0 warning(s)"

printf '{"s":[\n  {"x":{}},\n ]}' > "$work/syntax.json"
"$ss_policy" lint "$work/syntax.json" 2> "$work/err"; check "syntax error" 1 $?
expect_text "syntax error: line and column" "$work/err" "syntax.json:3:2: error: JSON syntax error at byte 20:"
if grep -q "json.exception\|parse_error" "$work/err"; then echo "FAIL: library text in:"; cat "$work/err"; failures=$((failures + 1)); fi
if grep -q "spec" "$work/err" "$work/typo.err" 2>/dev/null; then echo "FAIL: cites a spec"; failures=$((failures + 1)); fi

"$ss_policy" show "$policy" mintest > "$work/out"; check "show a streamtype" 0 $?
expect_text "show has the port" "$work/out" '"port": 7681'

"$ss_policy" explain "$policy" mintest > "$work/out"; check "explain" 0 $?
expect_text "explain gives the schedule" "$work/out" "failure 6: ALL_RETRIES_FAILED"

"$ss_policy" explain "$policy" nope > /dev/null 2>&1; check "unknown streamtype" 2 $?
"$ss_policy" frobnicate "$policy" > /dev/null 2>&1; check "bad usage" 2 $?
"$ss_policy" lint "$policy" --bogus > /dev/null 2>&1; check "unknown option" 2 $?
"$ss_policy" > /dev/null 2>&1; check "no command" 2 $?
"$ss_policy" lint /nonexistent/policy.json > /dev/null 2> "$work/err"; check "missing file" 7 $?
expect_text "missing file: one line" "$work/err" 'ss-policy: cannot open policy file "/nonexistent/policy.json": No such file or directory'
"$ss_policy" lint "$policy" --overlay=/nonexistent/o.json > /dev/null 2> "$work/err"; check "missing overlay" 7 $?
expect_text "missing overlay" "$work/err" 'ss-policy: cannot open overlay "/nonexistent/o.json"'

# --help and --version exit 0; --version is "ss-policy <version> (<commit>)".
"$ss_policy" --help > "$work/out"; check "--help" 0 $?
expect_text "--help is the usage" "$work/out" "usage: ss-policy lint FILE"
"$ss_policy" --version > "$work/out"; check "--version" 0 $?
if grep -Eq '^ss-policy [0-9][0-9A-Za-z.+-]* \(([0-9a-f]{7,40}|unknown)\)$' "$work/out"; then echo "ok: version line"; else
  echo "FAIL: version line:"; cat "$work/out"; failures=$((failures + 1)); fi

# Under `bazel run`, a relative FILE means the directory the user ran it from.
mkdir -p "$work/user/sub"
cp "$policy" "$work/user/sub/p.json"
(cd / && BUILD_WORKING_DIRECTORY="$work/user" "$ss_policy" lint sub/p.json 2> "$work/err"); check "relative FILE with BUILD_WORKING_DIRECTORY" 0 $?
expect_text "relative FILE" "$work/err" "sub/p.json: ok, 3 streamtype(s)"
(cd / && BUILD_WORKING_DIRECTORY="$work/nonexistent" "$ss_policy" lint sub/p.json 2> "$work/err"); check "BUILD_WORKING_DIRECTORY missing" 7 $?
expect_text "BUILD_WORKING_DIRECTORY missing" "$work/err" "ss-policy: cannot enter BUILD_WORKING_DIRECTORY"

[ "$failures" -eq 0 ]
