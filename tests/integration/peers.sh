#!/usr/bin/env bash
# Real peers on loopback for integration tests, from Debian packages:
#   socat (TCP echo), nginx-light (HTTP and HTTPS with a CA made here and
#   now), python3-websockets (WebSocket echo).
#
# Source this file, then call peers_start; it exports SS_SOCAT_PORT,
# SS_NGINX_PORT, SS_NGINX_TLS_PORT, SS_WS_PORT, SS_TEST_CA (PEM) and
# SS_TEST_CA_DER (the same CA, DER); nginx also serves bad certificates on
# SS_NGINX_EXPIRED_PORT (expired, signed by the test CA),
# SS_NGINX_WRONGHOST_PORT (valid, for wrong.example only) and
# SS_NGINX_SELFSIGNED_PORT (self-signed for localhost), and
# SS_TEST_OTHER_CA_DER is a second CA that signed nothing nginx serves.
# nginx's documents: /index.txt, /large.bin (8 MiB of pseudo-random bytes,
# SS_LARGE_SHA256 its hash), /chunked.txt (served chunked through
# sub_filter, SS_CHUNKED_LEN bytes), /busy (503, Retry-After: 1), /moved
# (302 to /index.txt), /slow.bin (large.bin at 256 KiB/s). It stops
# every peer it started on exit (trap). Work files live in $PEERS_DIR
# (under TEST_TMPDIR when run by Bazel).
#
# Ports are picked by binding port 0 and releasing it just before the peer
# starts (a tiny race with other processes; the ws server binds port 0
# itself and reports its port, so it has none).
set -u

PEERS_DIR="${TEST_TMPDIR:-$(mktemp -d)}/peers.$$"
PEERS_PIDS=()
PEERS_PY=/usr/bin/python3  # Debian's python3 has python3-websockets

peers_free_port() {
  "$PEERS_PY" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until 127.0.0.1:$1 accepts (5 s at most).
peers_wait_port() {
  local port=$1 i
  for i in $(seq 1 100); do
    if "$PEERS_PY" -c 'import socket,sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$port" 2>/dev/null; then
      return 0
    fi
    sleep 0.05
  done
  echo "peers: nothing listens on port $port; logs:" >&2
  find "$PEERS_DIR" -name '*.log' -exec sh -c 'echo "== $1"; cat "$1"' _ {} \; >&2
  return 1
}

peers_stop() {
  local pid
  for pid in "${PEERS_PIDS[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${PEERS_PIDS[@]}"; do
    wait "$pid" 2>/dev/null
  done
  PEERS_PIDS=()
}

# backlog: socat listens with 5 by default; 50 streams connecting at once
# overflow it and the kernel drops their handshakes for seconds.
peers_start_socat() {
  SS_SOCAT_PORT=$(peers_free_port)
  socat TCP4-LISTEN:"$SS_SOCAT_PORT",bind=127.0.0.1,reuseaddr,fork,backlog=256 PIPE \
    2>"$PEERS_DIR/socat.log" &
  PEERS_PIDS+=($!)
  export SS_SOCAT_PORT
  peers_wait_port "$SS_SOCAT_PORT"
}

# A throwaway CA and a server certificate for localhost/127.0.0.1/::1.
peers_make_ca() {
  local d="$PEERS_DIR/ca"
  mkdir -p "$d"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$d/ca.key" -out "$d/ca.pem" -days 2 -subj "/CN=securestreams test CA" \
    2>/dev/null || return 1
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$d/server.key" -out "$d/server.csr" -subj "/CN=localhost" 2>/dev/null || return 1
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n' \
    >"$d/ext.cnf"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
    -CAcreateserial -out "$d/server.pem" -days 2 -extfile "$d/ext.cnf" 2>/dev/null || return 1
  openssl x509 -in "$d/ca.pem" -outform DER -out "$d/ca.der" 2>/dev/null || return 1
  # Bad certificates: expired (openssl ca, because openssl x509 in 3.0
  # cannot set a start date), wrong host, self-signed; and a second CA.
  mkdir -p "$d/db"
  : >"$d/db/index.txt"
  echo 1000 >"$d/db/serial"
  cat >"$d/ca.cnf" <<CNF
[ca]
default_ca = test_ca
[test_ca]
database = $d/db/index.txt
new_certs_dir = $d/db
serial = $d/db/serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
CNF
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$d/expired.key" -out "$d/expired.csr" -subj "/CN=localhost" 2>/dev/null || return 1
  openssl ca -batch -notext -config "$d/ca.cnf" -cert "$d/ca.pem" -keyfile "$d/ca.key" \
    -in "$d/expired.csr" -out "$d/expired.pem" -startdate 20200101000000Z \
    -enddate 20200102000000Z -extfile "$d/ext.cnf" 2>/dev/null || return 1
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$d/wronghost.key" -out "$d/wronghost.csr" -subj "/CN=wrong.example" \
    2>/dev/null || return 1
  printf 'subjectAltName=DNS:wrong.example\nextendedKeyUsage=serverAuth\n' >"$d/ext-wrong.cnf"
  openssl x509 -req -in "$d/wronghost.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
    -CAcreateserial -out "$d/wronghost.pem" -days 2 -extfile "$d/ext-wrong.cnf" \
    2>/dev/null || return 1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$d/selfsigned.key" -out "$d/selfsigned.pem" -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null || return 1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$d/other.key" -out "$d/other.pem" -days 2 -subj "/CN=another test CA" \
    2>/dev/null || return 1
  openssl x509 -in "$d/other.pem" -outform DER -out "$d/other.der" 2>/dev/null || return 1
  SS_TEST_OTHER_CA_DER="$d/other.der"
  export SS_TEST_OTHER_CA_DER
  SS_TEST_CA="$d/ca.pem"
  SS_TEST_CA_DER="$d/ca.der"
  export SS_TEST_CA SS_TEST_CA_DER
}

peers_start_nginx() {
  peers_make_ca || { echo "peers: CA generation failed" >&2; return 1; }
  SS_NGINX_PORT=$(peers_free_port)
  SS_NGINX_TLS_PORT=$(peers_free_port)
  SS_NGINX_EXPIRED_PORT=$(peers_free_port)
  SS_NGINX_WRONGHOST_PORT=$(peers_free_port)
  SS_NGINX_SELFSIGNED_PORT=$(peers_free_port)
  local d="$PEERS_DIR/nginx"
  mkdir -p "$d/logs" "$d/tmp" "$d/html"
  printf 'hello from nginx\n' >"$d/html/index.txt"
  head -c 8388608 /dev/urandom >"$d/html/large.bin"
  SS_LARGE_SHA256=$(sha256sum "$d/html/large.bin" | cut -d' ' -f1)
  cp "$d/html/large.bin" "$d/html/slow.bin"
  # sub_filter drops Content-Length, so HTTP/1.1 responses are chunked.
  local i
  for i in $(seq 1 300); do printf 'line %04d of the chunked text\n' "$i"; done \
    >"$d/html/chunked.txt"
  SS_CHUNKED_LEN=$(stat -c %s "$d/html/chunked.txt")
  export SS_LARGE_SHA256 SS_CHUNKED_LEN
  # As root nginx chowns its temp dirs to "nobody", which fails inside
  # Bazel's user namespace: keep everything owned by the caller.
  local user_line=""
  [ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
  cat >"$d/nginx.conf" <<CONF
$user_line
daemon off;
master_process off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/logs/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path $d/tmp/body;
  proxy_temp_path $d/tmp/proxy;
  fastcgi_temp_path $d/tmp/fastcgi;
  uwsgi_temp_path $d/tmp/uwsgi;
  scgi_temp_path $d/tmp/scgi;
  default_type text/plain;
  server {
    listen 127.0.0.1:$SS_NGINX_PORT;
    listen 127.0.0.1:$SS_NGINX_TLS_PORT ssl;
    ssl_certificate $PEERS_DIR/ca/server.pem;
    ssl_certificate_key $PEERS_DIR/ca/server.key;
    root $d/html;
    location = /status { return 200 "ok\n"; }
    location = /chunked.txt {
      sub_filter_types text/plain;
      sub_filter 'never-present-token' 'x';
    }
    location = /busy { add_header Retry-After 1 always; return 503; }
    location = /moved { absolute_redirect off; return 302 /index.txt; }
    # nginx's serial number of the connection: equal answers = one wire.
    location = /conn { return 200 "\$connection\n"; }
    location = /to-plain { return 302 http://127.0.0.1:$SS_NGINX_PORT/index.txt; }
    location = /to-tls { return 302 https://localhost:$SS_NGINX_TLS_PORT/index.txt; }
    location = /relative/r { absolute_redirect off; return 302 ../index.txt; }
    location = /slow.bin { limit_rate 262144; }
  }
  server {
    listen 127.0.0.1:$SS_NGINX_EXPIRED_PORT ssl;
    ssl_certificate $PEERS_DIR/ca/expired.pem;
    ssl_certificate_key $PEERS_DIR/ca/expired.key;
    root $d/html;
  }
  server {
    listen 127.0.0.1:$SS_NGINX_WRONGHOST_PORT ssl;
    ssl_certificate $PEERS_DIR/ca/wronghost.pem;
    ssl_certificate_key $PEERS_DIR/ca/wronghost.key;
    root $d/html;
  }
  server {
    listen 127.0.0.1:$SS_NGINX_SELFSIGNED_PORT ssl;
    ssl_certificate $PEERS_DIR/ca/selfsigned.pem;
    ssl_certificate_key $PEERS_DIR/ca/selfsigned.key;
    root $d/html;
  }
}
CONF
  nginx -p "$d" -c "$d/nginx.conf" -e "$d/logs/error.log" 2>>"$d/logs/stderr.log" &
  PEERS_PIDS+=($!)
  export SS_NGINX_PORT SS_NGINX_TLS_PORT SS_NGINX_EXPIRED_PORT SS_NGINX_WRONGHOST_PORT \
    SS_NGINX_SELFSIGNED_PORT
  peers_wait_port "$SS_NGINX_PORT" && peers_wait_port "$SS_NGINX_TLS_PORT" &&
    peers_wait_port "$SS_NGINX_EXPIRED_PORT" && peers_wait_port "$SS_NGINX_WRONGHOST_PORT" &&
    peers_wait_port "$SS_NGINX_SELFSIGNED_PORT"
}

peers_start_ws() {
  local portfile="$PEERS_DIR/ws.port"
  "$PEERS_PY" "$(dirname "${BASH_SOURCE[0]}")/ws_echo.py" "$portfile" \
    2>"$PEERS_DIR/ws.log" &
  PEERS_PIDS+=($!)
  local i
  for i in $(seq 1 100); do
    [ -s "$portfile" ] && break
    sleep 0.05
  done
  SS_WS_PORT=$(cat "$portfile" 2>/dev/null)
  # For tests that start (and kill) a ws echo of their own.
  SS_WS_ECHO_PY="$(realpath "$(dirname "${BASH_SOURCE[0]}")/ws_echo.py")"
  export SS_WS_ECHO_PY
  [ -n "$SS_WS_PORT" ] || { echo "peers: ws echo did not start" >&2; cat "$PEERS_DIR/ws.log" >&2; return 1; }
  export SS_WS_PORT
}

# Starts the named peers (socat nginx ws; default all).
peers_start() {
  mkdir -p "$PEERS_DIR"
  trap peers_stop EXIT
  local p
  for p in "${@:-socat nginx ws}"; do
    for q in $p; do
      "peers_start_$q" || { peers_stop; return 1; }
    done
  done
}
