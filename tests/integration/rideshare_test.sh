#!/usr/bin/env bash
# Rideshare on real sockets (docs/api.md "Rideshare"): a real HTTP server
# (multipart_sink.py, python3 http.server + the email parser) receives the
# upload of tests/capi/rideshare_user.h -- streamtype "up" riding on with
# "audio" and "tail" -- sent once by rideshare-client (the C program,
# directly) and once by rideshare-sspc-client through a real ss-proxy.
# Each client checks lws_ss_rideshare() itself (tx and rx); here the
# server's view is checked: two POSTs, each one well-formed multipart body
# with the three parts in chain order, each streamtype's name, filename and
# content type, the payload's length and SHA-256, and Content-Length equal
# to the body.
#
#   rideshare_test.sh SS_PROXY RIDESHARE_CLIENT RIDESHARE_SSPC_CLIENT MULTIPART_SINK
set -u
ss_proxy=$1 client=$2 sspc_client=$3 sink=$4
dir=$(mktemp -d "${TEST_TMPDIR:-/tmp}/rideshare.XXXXXX")
sink_pid="" proxy_pid=""
cleanup() {
  for p in $proxy_pid $sink_pid; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  [ -f "$dir/proxy.log" ] && sed 's/^/  proxy: /' "$dir/proxy.log" >&2
  exit 1
}

python3 "$sink" "$dir/port" "$dir/requests.jsonl" &
sink_pid=$!
for _ in $(seq 1 100); do [ -f "$dir/port" ] && break; sleep 0.05; done
[ -f "$dir/port" ] || fail "multipart_sink.py did not start"
port=$(cat "$dir/port")

h1() {  # h1 NAME EXTRA: a streamtype to the sink
  printf '"%s":{"endpoint":"127.0.0.1","port":%s,"protocol":"h1",%s}' "$1" "$port" "$2"
}
cat >"$dir/policy.json" <<JSON
{"release":"1","product":"rideshare","schema-version":1,
 "retry":[{"r":{"backoff":[100,200],"conceal":2,"jitterpc":0}}],
 "s":[{$(h1 up '"http_method":"POST","http_url":"upload","retry":"r","opportunistic":true,"rideshare":"audio","http_multipart_name":"meta","http_multipart_filename":"meta.json","http_mime_content_type":"application/json"')},
      {$(h1 audio '"rideshare":"tail","http_multipart_name":"audio","http_multipart_filename":"a.raw","http_mime_content_type":"application/octet-stream"')},
      {$(h1 tail '"http_multipart_name":"tail","http_mime_content_type":"text/plain"')}]}
JSON

"$client" "$dir/policy.json" || fail "rideshare-client (direct)"

proxy_ep="@ss-rideshare-$$-$RANDOM"
"$ss_proxy" --policy "$dir/policy.json" --listen "$proxy_ep" -v 2>"$dir/proxy.log" &
proxy_pid=$!
for _ in $(seq 1 100); do grep -q listening "$dir/proxy.log" && break; sleep 0.05; done
grep -q listening "$dir/proxy.log" || fail "ss-proxy did not start"
"$sspc_client" "$proxy_ep" || fail "rideshare-sspc-client (through ss-proxy)"

python3 - "$dir/requests.jsonl" <<'PY' || fail "the server's view"
import hashlib, json, sys
audio = bytes((i * 7) % 251 for i in range(3000))  # rideshare_user.h's audio part
want = [
    {"name": "meta", "filename": "meta.json", "content_type": "application/json",
     "length": 7, "sha256": hashlib.sha256(b'{"k":3}').hexdigest()},
    {"name": "audio", "filename": "a.raw", "content_type": "application/octet-stream",
     "length": 3000, "sha256": hashlib.sha256(audio).hexdigest()},
    {"name": "tail", "filename": None, "content_type": "text/plain",
     "length": 3, "sha256": hashlib.sha256(b"end").hexdigest()},
]
records = [json.loads(line) for line in open(sys.argv[1])]
assert len(records) == 2, "expected 2 POSTs, got %d" % len(records)
for who, r in zip(("direct", "through ss-proxy"), records):
    assert "error" not in r, "%s: %s" % (who, r["error"])
    assert r["path"] == "/upload", r
    assert r["content_length"] == r["body_length"], r
    assert r["parts"] == want, "%s: parts %r" % (who, r["parts"])
    print("ok: %s: one POST, parts %s" % (who, ", ".join(p["name"] for p in r["parts"])))
PY
echo PASS
