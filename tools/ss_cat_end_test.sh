#!/usr/bin/env bash
# ss-cat tells how a transfer ended (docs/tools.md): the real binary against
# real peers on loopback — nginx and a python3-websockets echo
# (tests/integration/peers.sh), and misbehaving python3 servers
# (testdata/cat_peer.py) — directly and through an ss-proxy process. Each
# case checks the exit code, the one-line reason on stderr and stdout.
#
#   ss_cat_end_test.sh SS_CAT SS_PROXY PEERS_SH CAT_PEER_PY
#
# Every case runs even after one fails; the failures are listed at the end.
set -u

ss_cat="$(realpath "$1")"
ss_proxy="$(realpath "$2")"
cat_peer="$(realpath "$4")"
# shellcheck source=../tests/integration/peers.sh
source "$3"
peers_start nginx ws || exit 1
work="$PEERS_DIR/cat"
mkdir -p "$work"
failures=()

# start_peer MODE VAR: starts a cat_peer.py server, sets VAR to its port.
start_peer() {
  local portfile="$work/$1.port"
  "$PEERS_PY" "$cat_peer" "$1" "$portfile" </dev/null >/dev/null 2>"$work/$1.log" &
  PEERS_PIDS+=($!)
  local i
  for i in $(seq 1 100); do
    [ -s "$portfile" ] && break
    sleep 0.05
  done
  printf -v "$2" '%s' "$(cat "$portfile" 2>/dev/null)"
}

start_peer h1-short short
start_peer h1-huge huge
start_peer h1-badchunk badchunk
start_peer h1-slow slow
start_peer raw-close rawclose
start_peer raw-reset rawreset
start_peer raw-ticks ticks
start_peer ws-bigframe wsbig
start_peer ws-close1000 wsclose
for p in "$short" "$huge" "$badchunk" "$slow" "$rawclose" "$rawreset" "$ticks" "$wsbig" "$wsclose"; do
  [ -n "$p" ] || { echo "a cat_peer.py server did not start" >&2; cat "$work"/*.log >&2; exit 1; }
done

h1() { echo "{\"endpoint\":\"127.0.0.1\",\"port\":$1,\"protocol\":\"h1\",\"http_method\":\"GET\",\"http_url\":\"$2\",\"opportunistic\":true}"; }
ws() { echo "{\"endpoint\":\"127.0.0.1\",\"port\":$1,\"protocol\":\"ws\",\"http_url\":\"x\",\"opportunistic\":true}"; }
raw() { echo "{\"endpoint\":\"127.0.0.1\",\"port\":$1,\"protocol\":\"raw\",\"opportunistic\":true}"; }
# nginx's bad certificates (peers.sh), verified against the test CA or a CA
# that signed nothing: one retry, so each case makes two attempts.
tls() { echo "{\"endpoint\":\"localhost\",\"port\":$1,\"protocol\":\"h1\",\"http_method\":\"GET\",\"http_url\":\"index.txt\",\"tls\":true,\"tls_trust_store\":\"$2\",\"retry\":\"once\",\"opportunistic\":true}"; }
cat >"$work/policy.json" <<JSON
{"release":"1","product":"ss-cat-end","schema-version":1,
 "retry":[{"once":{"backoff":[50],"conceal":1,"jitterpc":0}}],
 "certs":[{"test_ca":"$(base64 -w0 "$SS_TEST_CA_DER")"},{"other_ca":"$(base64 -w0 "$SS_TEST_OTHER_CA_DER")"}],
 "trust_stores":[{"name":"test","stack":["test_ca"]},{"name":"other","stack":["other_ca"]}],
 "s":[{"get":$(h1 "$SS_NGINX_PORT" index.txt)},
      {"missing":$(h1 "$SS_NGINX_PORT" nope)},
      {"short":$(h1 "$short" x)},
      {"huge":$(h1 "$huge" x)},
      {"badchunk":$(h1 "$badchunk" x)},
      {"slow":$(h1 "$slow" x)},
      {"wsecho":$(ws "$SS_WS_PORT")},
      {"wsbig":$(ws "$wsbig")},
      {"wsclose":$(ws "$wsclose")},
      {"rawclose":$(raw "$rawclose")},
      {"rawreset":$(raw "$rawreset")},
      {"ticks":$(raw "$ticks")},
      {"tls_good":$(tls "$SS_NGINX_TLS_PORT" test)},
      {"tls_unknown_ca":$(tls "$SS_NGINX_TLS_PORT" other)},
      {"tls_expired":$(tls "$SS_NGINX_EXPIRED_PORT" test)},
      {"tls_wrong_host":$(tls "$SS_NGINX_WRONGHOST_PORT" test)},
      {"tls_self_signed":$(tls "$SS_NGINX_SELFSIGNED_PORT" test)}]}
JSON

# check NAME CODE REASON STDIN -- SS-CAT ARGS...
#   ss-cat must exit CODE; REASON "" = nothing on stderr, else stderr's first
#   line contains REASON (grep -F) and is its only line (but for exit 2,
#   where the usage follows). STDIN: a file, or "" for -n runs.
check() {
  local name=$1 want=$2 reason=$3 input=$4
  shift 5
  local rc
  if [ -n "$input" ]; then
    timeout 30 "$ss_cat" "$@" <"$input" >"$work/$name.out" 2>"$work/$name.err"
  else
    timeout 30 "$ss_cat" "$@" </dev/null >"$work/$name.out" 2>"$work/$name.err"
  fi
  rc=$?
  local why=""
  if [ "$rc" -ne "$want" ]; then
    why="exit $rc, expected $want"
  elif [ -z "$reason" ] && [ -s "$work/$name.err" ]; then
    why="expected nothing on stderr"
  elif [ -n "$reason" ] && [ "$want" -ne 2 ] && [ "$(wc -l <"$work/$name.err")" -ne 1 ]; then
    why="expected one line on stderr"
  elif [ -n "$reason" ] && ! head -n 1 "$work/$name.err" | grep -qF -- "$reason"; then
    why="stderr lacks '$reason'"
  fi
  if [ -n "$why" ]; then
    failures+=("$name")
    echo "FAIL: $name: $why; stderr:" >&2
    sed 's/^/    /' "$work/$name.err" >&2
  else
    echo "ok: $name -> $rc${reason:+ ($reason)}"
  fi
}

# out_is NAME EXPECTED-BYTES-FILE
out_is() {
  if ! cmp -s "$work/$1.out" "$2"; then
    failures+=("$1 (stdout)")
    echo "FAIL: $1: stdout differs from $2 ($(wc -c <"$work/$1.out") bytes)" >&2
  fi
}

p=(--policy "$work/policy.json")

# --- TLS: a refused certificate names the check and the certificate ---------
check tls-good 0 "" "" -- "${p[@]}" tls_good -n
verify="could not connect: every retry of the policy failed (last try: certificate verify failed"
check tls-unknown-ca 1 "$verify: unable to get local issuer certificate (cert 0, subject CN=localhost))" "" -- \
  "${p[@]}" tls_unknown_ca -n
check tls-expired 1 "$verify: certificate has expired (cert 0, subject CN=localhost))" "" -- "${p[@]}" tls_expired -n
check tls-wrong-host 1 "$verify: hostname mismatch (cert 0, subject CN=wrong.example))" "" -- \
  "${p[@]}" tls_wrong_host -n
check tls-self-signed 1 "$verify: self-signed certificate (cert 0, subject CN=localhost))" "" -- \
  "${p[@]}" tls_self_signed -n
# With -v the engine's log line comes once per attempt (two here).
timeout 30 "$ss_cat" "${p[@]}" tls_expired -n -v </dev/null >/dev/null 2>"$work/tls-v.err"
n=$(grep -cF "connect failed: certificate verify failed: certificate has expired (cert 0, subject CN=localhost)" \
  "$work/tls-v.err")
if [ "$n" -eq 2 ]; then
  echo "ok: tls-expired -v -> the reason logged for each of 2 attempts"
else
  failures+=("tls-expired-verbose")
  echo "FAIL: tls-expired -v: the reason logged $n times, expected 2; stderr:" >&2
  sed 's/^/    /' "$work/tls-v.err" >&2
fi

# --- h1 ----------------------------------------------------------------------
check get 0 "" "" -- "${p[@]}" get -n
printf 'hello from nginx\n' >"$work/index.expected"
out_is get "$work/index.expected"
check not-found 3 "QOS_NACK_REMOTE, HTTP 404" "" -- "${p[@]}" missing -n
check short-body 6 "truncated after 1000 of 100000 body bytes" "" -- "${p[@]}" short -n
head -c 1000 /dev/zero | tr '\0' a >"$work/short.expected"
out_is short-body "$work/short.expected"
check huge-length 6 "truncated after 5 of 10000000000 body bytes" "" -- "${p[@]}" huge -n
check bad-chunk-size 6 "HPE_INVALID_CHUNK_SIZE" "" -- "${p[@]}" badchunk -n
check slow-body-idle 4 "before the response was complete" "" -- "${p[@]}" slow -n --idle-ms 300
# -v adds the status and how the connection ended, each on its own line.
timeout 30 "$ss_cat" "${p[@]}" short -n -v >/dev/null 2>"$work/verbose.err"
if grep -qx "ss-cat: HTTP status 200" "$work/verbose.err" &&
  grep -qx "ss-cat: connection ended: closed_by_peer" "$work/verbose.err"; then
  echo "ok: -v shows the HTTP status and the connection's end"
else
  failures+=("verbose")
  echo "FAIL: verbose: no status / end lines:" >&2
  sed 's/^/    /' "$work/verbose.err" >&2
fi

# --- ws ----------------------------------------------------------------------
check ws-close-1000 0 "" "" -- "${p[@]}" wsclose -n
printf 'hello' >"$work/hello"
out_is ws-close-1000 "$work/hello"
# python websockets sends a message as one frame: a 70000-byte frame comes
# through whole (in pieces; docs/protocols.md "Limits").
check ws-big-frame 0 "" "" -- "${p[@]}" wsbig -n --idle-ms 1000
head -c 70000 /dev/zero | tr '\0' x >"$work/big.expected"
out_is ws-big-frame "$work/big.expected"
printf '\xff\xfe not UTF-8' >"$work/bad-utf8"
check ws-bad-utf8 6 "the server closed the WebSocket with 1007" "$work/bad-utf8" -- "${p[@]}" wsecho
check ws-echo-idle 0 "" "$work/hello" -- "${p[@]}" wsecho --idle-ms 1000
out_is ws-echo-idle "$work/hello"

# --- raw ---------------------------------------------------------------------
check raw-orderly-close 0 "" "" -- "${p[@]}" rawclose -n
check raw-reset 6 "the connection ended (reset)" "" -- "${p[@]}" rawreset -n

# --- through ss-proxy ----------------------------------------------------------
sock="ss-cat-end-$$"
"$ss_proxy" --policy "$work/policy.json" --listen "@$sock" 2>"$work/proxy.log" &
proxy_pid=$!
PEERS_PIDS+=($proxy_pid)
for _ in $(seq 1 100); do grep -q listening "$work/proxy.log" && break; sleep 0.05; done
check proxy-get 0 "" "" -- --proxy "@$sock" get -n
check proxy-short-body 6 "incomplete: the stream ended before QOS_ACK_REMOTE" "" -- --proxy "@$sock" short -n
# Through the proxy the stream's reason stays in the proxy (its log line).
check proxy-tls-expired 1 "could not connect: every retry of the policy failed" "" -- --proxy "@$sock" tls_expired -n
if grep -qF "connect failed: certificate verify failed: certificate has expired (cert 0, subject CN=localhost)" \
  "$work/proxy.log"; then
  echo "ok: proxy-tls-expired -> the proxy logged the reason"
else
  failures+=("proxy-tls-expired-log")
  echo "FAIL: proxy-tls-expired: the proxy did not log the reason; its log:" >&2
  sed 's/^/    /' "$work/proxy.log" >&2
fi
check proxy-idle-needs-policy 2 "--idle-ms through --proxy needs --policy" "" -- --proxy "@$sock" ticks -n --idle-ms 300
# The link to the proxy drops (SIGKILL: no goodbye) while rx flows.
timeout 30 "$ss_cat" --proxy "@$sock" "${p[@]}" ticks -n --idle-ms 5000 >"$work/drop.out" 2>"$work/drop.err" &
cat_pid=$!
for _ in $(seq 1 100); do [ -s "$work/drop.out" ] && break; sleep 0.05; done
{
  kill -9 "$proxy_pid"
  wait "$proxy_pid"
} 2>/dev/null  # no "Killed" line from bash
wait "$cat_pid"
rc=$?
if [ "$rc" -eq 6 ] && [ "$(wc -l <"$work/drop.err")" -eq 1 ] &&
  grep -qF "incomplete: the link to the proxy dropped" "$work/drop.err"; then
  echo "ok: proxy-link-dropped -> 6 ($(wc -c <"$work/drop.out") bytes received first)"
else
  failures+=("proxy-link-dropped")
  echo "FAIL: proxy-link-dropped: exit $rc, expected 6; stderr:" >&2
  sed 's/^/    /' "$work/drop.err" >&2
fi

if [ ${#failures[@]} -gt 0 ]; then
  echo "FAILED: ${failures[*]}" >&2
  exit 1
fi
echo "all ss-cat end-of-transfer cases pass"
