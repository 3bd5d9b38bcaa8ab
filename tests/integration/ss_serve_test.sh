#!/usr/bin/env bash
# ss-serve (tools/ss_serve.cc) on real sockets: curl GETs a file under
# --root (200, the file's bytes, its content type), a missing path (404: no
# server_ack), POSTs a body (echoed), two requests on one kept-alive
# connection; HTTPS from a policy with a certificate made at test time;
# python3-websockets upgrades on the same ws streamtype and gets several
# messages echoed, one of 1 MiB; SIGTERM ends it with exit 0.
set -u
SS_SERVE="$1"
WS_CLIENT="$2"
PY=/usr/bin/python3  # Debian's python3 has python3-websockets
dir="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$dir"' EXIT
fail=0
check() {  # NAME CONDITION...
  local name="$1"; shift
  if "$@"; then echo "ok: $name"; else echo "FAIL: $name"; fail=1; fi
}
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mkdir "$dir/www"
head -c 100000 /dev/urandom >"$dir/www/page.bin"
echo "<p>index</p>" >"$dir/www/index.html"
port=$(free_port)
cat >"$dir/policy.json" <<JSON
{"release":"1","product":"ss-serve-test","schema-version":1,
 "s":[{"site":{"server":true,"endpoint":"127.0.0.1","port":$port,"protocol":"ws",
   "ws_subprotocol":"echo","ws_binary":true,
   "metadata":[{"path":""},{"method":""},{"mime":"content-type:"},{"len":"content-length:"}]}}]}
JSON
"$SS_SERVE" --policy "$dir/policy.json" --streamtype site --root "$dir/www" >"$dir/log" 2>&1 &
pid=$!
pids+=("$pid")
url="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -s -o /dev/null "$url/" && break; sleep 0.1; done

code=$(curl -s -o "$dir/got" -w '%{http_code} %{content_type}' "$url/page.bin")
check "GET /page.bin is 200 application/octet-stream" test "$code" = "200 application/octet-stream"
check "GET /page.bin is the file" cmp -s "$dir/got" "$dir/www/page.bin"
code=$(curl -s -o "$dir/index" -w '%{http_code} %{content_type}' "$url/")
check "GET / is index.html, text/html" test "$code" = "200 text/html"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/nothing-here")
check "GET /nothing-here is 404 (not acked)" test "$code" = "404"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/../policy.json" --path-as-is)
check "GET /../policy.json is 404" test "$code" = "404"
code=$(curl -s -o "$dir/posted" -w '%{http_code}' --data-binary @"$dir/www/page.bin" "$url/echo")
check "POST with a 100000-byte body is 200" test "$code" = "200"
check "POST answer is the body" cmp -s "$dir/posted" "$dir/www/page.bin"
code=$(curl -s -o "$dir/empty" -w '%{http_code}' -X POST -H 'Content-Length: 0' "$url/echo")
check "POST with no body is 200, empty" test "$code $(wc -c <"$dir/empty")" = "200 0"
curl -sv -o "$dir/ka1" "$url/page.bin" -o "$dir/ka2" "$url/page.bin" 2>"$dir/ka.err"
check "keep-alive: two GETs on one connection" grep -q "Re-using existing connection" "$dir/ka.err"
check "keep-alive: both bodies whole" cmp -s "$dir/ka2" "$dir/www/page.bin"

out=$($PY "$WS_CLIENT" "ws://127.0.0.1:$port/chat" echo 2>&1)
check "websockets client: every message echoed, 1 MiB included ($out)" test "$out" = "ok 5"
out=$($PY "$WS_CLIENT" "ws://127.0.0.1:$port/chat" other 2>&1)
check "websockets client offering another subprotocol is refused" grep -q "400" <<<"$out"

# HTTPS (and wss) from a policy with a key and certificate made now.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=localhost -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
cert=$(openssl x509 -in "$dir/cert.pem" -outform DER | base64 -w0)
key=$(openssl pkey -in "$dir/key.pem" -outform DER | base64 -w0)
tport=$(free_port)
cat >"$dir/tls.json" <<JSON
{"release":"1","product":"ss-serve-test","schema-version":1,
 "certs":[{"srv_cert":"$cert"},{"srv_key":"$key"}],
 "s":[{"site":{"server":true,"endpoint":"127.0.0.1","port":$tport,"protocol":"h1","tls":true,
   "server_cert":"srv_cert","server_key":"srv_key","metadata":[{"path":""},{"method":""}]}}]}
JSON
"$SS_SERVE" --policy "$dir/tls.json" --streamtype site --root "$dir/www" >"$dir/tlslog" 2>&1 &
tpid=$!
pids+=("$tpid")
turl="https://localhost:$tport"
for _ in $(seq 50); do curl -s -o /dev/null --cacert "$dir/cert.pem" "$turl/" && break; sleep 0.1; done
code=$(curl -s --cacert "$dir/cert.pem" -o "$dir/gottls" -w '%{http_code}' "$turl/page.bin")
check "HTTPS GET /page.bin is 200 (certificate verified)" test "$code" = "200"
check "HTTPS GET /page.bin is the file" cmp -s "$dir/gottls" "$dir/www/page.bin"
code=$(curl -s --cacert "$dir/cert.pem" -o /dev/null -w '%{http_code}' "$turl/nope")
check "HTTPS GET /nope is 404" test "$code" = "404"

# Errors: one line on stderr, exit 2.
"$SS_SERVE" --policy "$dir/policy.json" --streamtype nosuch >"$dir/err" 2>&1
check "an unknown streamtype exits 2" test $? -eq 2
check "... saying so" grep -q "streamtype 'nosuch' is not in" "$dir/err"

# SIGTERM: a clean stop, exit 0.
kill -TERM "$tpid"; wait "$tpid"
check "HTTPS server: SIGTERM exits 0" test $? -eq 0
kill -TERM "$pid"; wait "$pid"
check "SIGTERM exits 0" test $? -eq 0
if [ "$fail" -ne 0 ]; then echo "server log:"; cat "$dir/log"; echo "tls log:"; cat "$dir/tlslog"; fi
exit "$fail"
