#!/usr/bin/env bash
# End to end over real sockets: ss-cat runs a raw stream to a socat echo
# server directly and through an ss-proxy process, and reports failures
# with the documented exit codes.
set -euo pipefail

ss_cat=$(realpath "$1")
ss_proxy=$(realpath "$2")
sspc_client="$3"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

port=$(free_port)
socat "TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork" EXEC:cat &
pids+=($!)
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null && break; sleep 0.1; done

cat > "$work/policy.json" <<JSON
{"release":"1","product":"e2e","schema-version":1,
 "retry":[{"default":{"backoff":[50,100],"conceal":2,"jitterpc":10}}],
 "s":[{"echo":{"endpoint":"127.0.0.1","port":${port},"protocol":"raw","retry":"default","opportunistic":true}},
      {"closed":{"endpoint":"127.0.0.1","port":1,"protocol":"raw","retry":"default"}}]}
JSON

# 1. Direct: stdin goes out, the echo comes back on stdout.
head -c 100000 /dev/urandom > "$work/payload"
"$ss_cat" --policy "$work/policy.json" echo --idle-ms 500 < "$work/payload" > "$work/out" \
  || fail "direct ss-cat exited $?"
cmp -s "$work/payload" "$work/out" || fail "direct: echoed bytes differ"
echo "ok: direct raw echo of 100000 bytes"

# 2. Nothing listening: UNREACHABLE per the retry policy, then exit 1.
set +e
echo x | "$ss_cat" --policy "$work/policy.json" closed -v 2> "$work/err"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "closed port: expected exit 1, got $rc"
[ "$(grep -c 'state UNREACHABLE' "$work/err")" -eq 3 ] || fail "closed port: expected 3 UNREACHABLE states"
grep -q 'state ALL_RETRIES_FAILED' "$work/err" || fail "closed port: no ALL_RETRIES_FAILED"
echo "ok: closed port -> UNREACHABLE x3 -> ALL_RETRIES_FAILED, exit 1"

# 3. Unknown streamtype and bad usage: exit 2 with a message.
set +e
"$ss_cat" --policy "$work/policy.json" nope -n 2> "$work/err"; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "streamtype 'nope' is not in" "$work/err" || fail "unknown streamtype: rc=$rc"
echo "ok: unknown streamtype -> exit 2"

# 4. Through ss-proxy on an abstract unix socket.
sock="ss-e2e-$$"
"$ss_proxy" --policy "$work/policy.json" --listen "@${sock}" -v 2> "$work/proxy.log" &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$work/proxy.log" && break; sleep 0.1; done
head -c 1000000 /dev/urandom > "$work/payload2"
"$ss_cat" --proxy "@${sock}" --policy "$work/policy.json" echo --idle-ms 500 < "$work/payload2" > "$work/out2" \
  || fail "proxied ss-cat exited $?"
cmp -s "$work/payload2" "$work/out2" || fail "proxied: echoed bytes differ"
echo "ok: proxied raw echo of 1000000 bytes (the proxy slows the client down, never drops it)"
set +e
"$ss_cat" --proxy "@${sock}" nope -n 2> "$work/err"; rc=$?
set -e
[ "$rc" -eq 2 ] || fail "proxied unknown streamtype: expected exit 2, got $rc"
grep -q "streamtype 'nope' is not in the proxy's policy" "$work/proxy.log" || fail "proxy did not log the refusal"
echo "ok: proxy refuses an unknown streamtype, client exits 2"

# 4b. A C program written as lws proxy clients are (LWS_SS_USE_SSPC, no
# policy of its own) through the same ss-proxy.
"$sspc_client" "@${sock}" echo "hello from an lws-style SSPC client" 2> "$work/sspc.err" \
  || { cat "$work/sspc.err" >&2; fail "sspc-client through ss-proxy"; }
set +e
"$sspc_client" "@${sock}" nope "x" 2> "$work/sspc.err"; rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q "refused" "$work/sspc.err" || fail "sspc-client unknown streamtype: rc=$rc"
echo "ok: C SSPC client (LWS_SS_USE_SSPC) echoes through ss-proxy; unknown streamtype refused"

# 5. A client that sends garbage is dropped; the proxy keeps serving.
python3 - "$sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("\0" + sys.argv[1])
s.sendall(b"\x42\x00\x00")
s.settimeout(5)
assert s.recv(100) == b"", "proxy should close the link"
PY
grep -q "unknown frame type 0x42" "$work/proxy.log" || fail "proxy did not log the bad frame"
echo hello | "$ss_cat" --proxy "@${sock}" --policy "$work/policy.json" echo --idle-ms 300 > "$work/out3" || fail "proxy stopped serving"
[ "$(cat "$work/out3")" = hello ] || fail "proxy answer after garbage client"
echo "ok: garbage client dropped, proxy still serves"


# 6. What every tool does the same way (docs/tools.md, "Every tool"):
# --version, --help, exit 2 for bad usage and 7 for a file it cannot read,
# and relative paths meaning BUILD_WORKING_DIRECTORY (as under `bazel run`).
expect_rc() {  # expect_rc WHAT RC COMMAND...
  local what="$1" want="$2"; shift 2
  set +e; "$@" > "$work/out" 2> "$work/err" < /dev/null; local rc=$?; set -e
  [ "$rc" -eq "$want" ] || { cat "$work/err" >&2; fail "$what: expected exit $want, got $rc"; }
}
for tool in "$ss_cat" "$ss_proxy"; do
  name=$(basename "$tool")
  st=(); [ "$name" = ss-cat ] && st=(echo)  # ss-cat needs a STREAMTYPE
  expect_rc "$name --version" 0 "$tool" --version
  grep -Eq "^$name [0-9][0-9A-Za-z.+-]* \\(([0-9a-f]{7,40}|unknown)\\)\$" "$work/out" || fail "$name --version: $(cat "$work/out")"
  expect_rc "$name --help" 0 "$tool" --help
  grep -q "^usage: $name" "$work/out" || fail "$name --help: no usage"
  expect_rc "$name bad usage" 2 "$tool" --policy "$work/policy.json" --frobnicate
  expect_rc "$name unreadable policy" 7 "$tool" --policy "$work/missing.json" "${st[@]}"
  [ "$(wc -l < "$work/err")" -eq 1 ] && grep -q "^$name: cannot open policy file \"$work/missing.json\"" "$work/err" \
    || fail "$name unreadable policy: $(cat "$work/err")"
  (cd / && BUILD_WORKING_DIRECTORY=/nonexistent "$tool" --policy policy.json "${st[@]}" > /dev/null 2>&1) && rc=0 || rc=$?
  [ "$rc" -eq 7 ] || fail "$name: BUILD_WORKING_DIRECTORY that does not exist: expected 7, got $rc"
done
echo "ok: ss-cat and ss-proxy: --version, --help, exit 2 bad usage, exit 7 unreadable policy"

mkdir -p "$work/user"
cp "$work/policy.json" "$work/user/p.json"
(cd / && echo relative | BUILD_WORKING_DIRECTORY="$work/user" "$ss_cat" --policy p.json echo --idle-ms 300 > "$work/out4") \
  || fail "ss-cat --policy relative to BUILD_WORKING_DIRECTORY"
[ "$(cat "$work/out4")" = relative ] || fail "ss-cat relative policy: echoed $(cat "$work/out4")"
(cd / && BUILD_WORKING_DIRECTORY="$work/user" exec "$ss_proxy" --policy p.json --listen ./proxy.sock 2> "$work/proxy2.log") &
pids+=($!)
for _ in $(seq 50); do [ -S "$work/user/proxy.sock" ] && break; sleep 0.1; done
[ -S "$work/user/proxy.sock" ] || { cat "$work/proxy2.log" >&2; fail "ss-proxy --listen ./proxy.sock: no socket in BUILD_WORKING_DIRECTORY"; }
(cd / && echo proxied | BUILD_WORKING_DIRECTORY="$work/user" "$ss_cat" --proxy ./proxy.sock --policy p.json echo --idle-ms 300 > "$work/out5") \
  || fail "ss-cat --proxy ./proxy.sock"
[ "$(cat "$work/out5")" = proxied ] || fail "relative proxy socket: echoed $(cat "$work/out5")"
echo "ok: relative --policy, --listen ./path and --proxy ./path resolve in BUILD_WORKING_DIRECTORY"
