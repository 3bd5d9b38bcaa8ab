#!/usr/bin/env bash
# docs/examples/file_server (a Secure Streams h1 server written against
# <libwebsockets.h> alone) on a real socket, driven by curl: GET (200 and
# the file's bytes), another path (404, not acked), POST with a body,
# two requests on one kept-alive connection; then HTTPS from a policy with
# "tls": true and a certificate made at test time.
set -u
FILE_SERVER="$1"
dir="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
head -c 100000 /dev/urandom >"$dir/page.bin"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$FILE_SERVER" "$dir/page.bin" "$port" >"$dir/log" 2>&1 &
pid=$!
fail=0
check() {  # NAME CONDITION...
  local name="$1"; shift
  if "$@"; then echo "ok: $name"; else echo "FAIL: $name"; fail=1; fi
}
url="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -s -o /dev/null "$url/" && break; sleep 0.1; done

code=$(curl -s -o "$dir/got" -w '%{http_code} %{content_type}' "$url/")
check "GET / is 200 text/plain" test "$code" = "200 text/plain"
check "GET / body is the file" cmp -s "$dir/got" "$dir/page.bin"

code=$(curl -s -o "$dir/got404" -w '%{http_code}' "$url/nothing-here")
check "GET /nothing-here is 404 (no server_ack)" test "$code" = "404"

code=$(curl -s -o "$dir/gotpost" -w '%{http_code}' --data-binary @"$dir/page.bin" "$url/")
check "POST / with a 100000-byte body is answered 200" test "$code" = "200"
check "POST / answer is the file" cmp -s "$dir/gotpost" "$dir/page.bin"

curl -sv -o "$dir/ka1" "$url/" -o "$dir/ka2" "$url/" 2>"$dir/ka.err"
check "keep-alive: two GETs on one connection" grep -q "Re-using existing connection" "$dir/ka.err"
check "keep-alive: both bodies whole" cmp -s "$dir/ka2" "$dir/page.bin"

# HTTPS: the same server from a policy with "tls": true and a key and
# certificate made now (DER, base64, in the policy's certs).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=localhost -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
cert=$(openssl x509 -in "$dir/cert.pem" -outform DER | base64 -w0)
key=$(openssl pkey -in "$dir/key.pem" -outform DER | base64 -w0)
tport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$dir/tls.json" <<JSON
{"release":"1","product":"file_server","schema-version":1,
 "certs":[{"srv_cert":"$cert"},{"srv_key":"$key"}],
 "s":[{"myserver":{"server":true,"endpoint":"127.0.0.1","port":$tport,"protocol":"h1","tls":true,
   "server_cert":"srv_cert","server_key":"srv_key",
   "metadata":[{"path":""},{"mime":"content-type:"}]}}]}
JSON
"$FILE_SERVER" "$dir/page.bin" 0 "$dir/tls.json" >"$dir/tlslog" 2>&1 &
tpid=$!
turl="https://localhost:$tport"
for _ in $(seq 50); do curl -s -o /dev/null --cacert "$dir/cert.pem" "$turl/" && break; sleep 0.1; done
code=$(curl -s --cacert "$dir/cert.pem" -o "$dir/gottls" -w '%{http_code}' "$turl/")
check "HTTPS GET / is 200 (certificate verified)" test "$code" = "200"
check "HTTPS GET / body is the file" cmp -s "$dir/gottls" "$dir/page.bin"
code=$(curl -s --cacert "$dir/cert.pem" -o /dev/null -w '%{http_code}' "$turl/nope")
check "HTTPS GET /nope is 404" test "$code" = "404"
kill "$tpid" 2>/dev/null; wait "$tpid" 2>/dev/null
if [ "$fail" -ne 0 ]; then echo "tls server log:"; cat "$dir/tlslog"; fi

kill -0 "$pid" 2>/dev/null
check "the server is still running" test $? -eq 0
if [ "$fail" -ne 0 ]; then echo "server log:"; cat "$dir/log"; fi
exit "$fail"
