#!/usr/bin/env bash
# //packaging:install_test: installs securestreams into temporary prefixes
# with //packaging:install, then, with the system compilers, pkg-config and
# cmake (not Bazel's toolchain), builds the C client (testdata/ss_get.c) and
# the C++ client (testdata/ss_get.cc) against the shared library and, with
# `pkg-config --static`, against the archive, and a CMake project using
# find_package(securestreams); each program GETs a file from a local HTTP
# server and must write exactly its bytes. Also checks the installed layout,
# the SONAME and that the shared library exports only lws* and namespace ss.
# TLS: the shared library does not link OpenSSL (no NEEDED libssl/libcrypto,
# not in ldd) and gets it from its plugin on the first TLS stream: the C
# client fetches over HTTPS from a local TLS server, and without the plugin
# its TLS stream fails naming the plugin's path while plain HTTP still works.
set -uo pipefail

fail() { echo "install_test: FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

root="$TEST_SRCDIR/securestreams/packaging"
install="$root/install"
testdata="$root/testdata"
work="${TEST_TMPDIR:?}/install_test"
rm -rf "$work"
mkdir -p "$work"
both="$work/prefix"     # shared + static
static="$work/static"   # the archive only: what `pkg-config --static` is for
export HOME="$work"     # cmake writes a package registry under ~/.cmake

# The installer takes --version/--soversion from BUILD's args; the test
# passes the same values through its own args.
version=${1:?} soversion=${2:?}

step "install (both) into $both"
"$install" --version "$version" --soversion "$soversion" --prefix "$both" || fail "install (both)"
step "install (static) into $static"
"$install" --version "$version" --soversion "$soversion" --prefix "$static" --libs static || fail "install (static)"
"$install" --version "$version" --soversion "$soversion" --prefix "$work/x" --libs nope 2>"$work/err" && fail "--libs nope accepted"
grep -q "^install: --libs must be" "$work/err" || fail "no one-line reason for --libs nope: $(cat "$work/err")"

step "layout"
for f in include/securestreams/libwebsockets.h \
         include/securestreams/runtime/include/ss/streams.h \
         include/securestreams/runtime/policy/parse.h \
         include/securestreams/runtime/posix/epoll_loop.h \
         include/securestreams/runtime/posix/posix_net.h \
         lib/libsecurestreams.a "lib/libsecurestreams.so.$version" \
         "lib/libsecurestreams-tls.so.$soversion" \
         lib/pkgconfig/securestreams.pc \
         lib/cmake/securestreams/securestreamsConfig.cmake \
         lib/cmake/securestreams/securestreamsConfigVersion.cmake; do
  [ -f "$both/$f" ] || fail "missing $f"
done
[ ! -e "$both/include/securestreams/ss/backend_c.h" ] || fail "test-only backend_c.h installed"
[ "$(readlink "$both/lib/libsecurestreams.so.$soversion")" = "libsecurestreams.so.$version" ] || fail "bad .so.$soversion link"
[ "$(readlink "$both/lib/libsecurestreams.so")" = "libsecurestreams.so.$soversion" ] || fail "bad .so link"
[ ! -e "$static/lib/libsecurestreams.so" ] || fail "--libs static installed the shared library"
[ ! -e "$static/lib/libsecurestreams-tls.so.$soversion" ] || fail "--libs static installed the TLS plugin"

step "SONAME and exported symbols"
so="$both/lib/libsecurestreams.so.$version"
readelf -d "$so" > "$work/so.dynamic"
grep -q "(SONAME).*\[libsecurestreams.so.$soversion\]" "$work/so.dynamic" || fail "SONAME is not libsecurestreams.so.$soversion"
step "no OpenSSL in the library; its TLS plugin has it"
! grep -E 'NEEDED.*(libssl|libcrypto)' "$work/so.dynamic" || fail "libsecurestreams.so NEEDs OpenSSL"
nm -D --undefined-only "$so" > "$work/so.undefined"
! grep -E ' (SSL|EVP|X509|BIO|ERR|RAND|d2i|i2d|OPENSSL)_' "$work/so.undefined" || fail "libsecurestreams.so uses OpenSSL symbols"
plugin="$both/lib/libsecurestreams-tls.so.$soversion"
readelf -d "$plugin" > "$work/plugin.dynamic"
grep -q 'NEEDED.*libssl' "$work/plugin.dynamic" || fail "the TLS plugin does not link libssl"
grep -q 'NEEDED.*libsecurestreams\.so' "$work/plugin.dynamic" || fail "the TLS plugin does not link libsecurestreams.so"
[ "$(nm -D --defined-only "$plugin" | awk '$2 == "T" {print $3}')" = "ss_tls_plugin_make_provider_v1@@SECURESTREAMS_TLS_1" ] \
  || fail "the TLS plugin exports more or less than its entry: $(nm -D --defined-only "$plugin" | head -5)"
nm -D --defined-only "$so" | awk '$2 != "A" {print $3}' | sed 's/@.*//' > "$work/exports"
grep -qx lws_ss_create "$work/exports" || fail "lws_ss_create not exported"
grep -qx lws_create_context "$work/exports" || fail "lws_create_context not exported"
grep -q '^_ZN2ss6policy12parse_policy' "$work/exports" || fail "ss::policy::parse_policy not exported"
leaks=$(grep -vE '^(lws|_lws|_ss_lws|ss_context_now_us$|_ZN[KRO]*2ss|_ZT[ISVT]N2ss|_ZT[hv].*N2ss|_ZZN[K]?2ss|_ZGVZN[K]?2ss)' "$work/exports" | head -5)
[ -z "$leaks" ] || fail "exports symbols outside lws*/ss: $leaks"
# the archive really holds the whole runtime (not one object)
nm "$both/lib/libsecurestreams.a" > "$work/archive.nm" 2>/dev/null
grep -q ' T lws_ss_create$' "$work/archive.nm" || fail "archive lacks lws_ss_create"
grep -q ' T _ZN2ss5posix9EpollLoop' "$work/archive.nm" || fail "archive lacks EpollLoop"

# A sanitizer build (--config=asan) installs instrumented objects: the
# programs then need the same compiler and runtime.
CC=cc CXX=c++ SAN=() SAN_LIBS=()  # compile+link flags, link-only flags
if grep -q ' U __asan_' "$work/archive.nm"; then
  CC=clang-14 CXX=clang++-14
  SAN=(-fsanitize=address,undefined)
  # link only; UBSan's C++ runtime needs libstdc++'s ABI, in C programs too
  SAN_LIBS=(-fsanitize-link-c++-runtime -fuse-ld=lld -lstdc++)
  export ASAN_OPTIONS=detect_leaks=1
fi
WARN=(-Wall -Wextra -Werror)

step "HTTP and HTTPS servers"
mkdir -p "$work/www"
python3 -c 'import hashlib,sys
out = b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(12000))
open(sys.argv[1], "wb").write(out[:300007])' "$work/www/body.bin" || fail "cannot write body.bin"
python3 "$testdata/http_server.py" "$work/port" "$work/www" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || fail "HTTP server did not start"
port=$(cat "$work/port")
# HTTPS: a self-signed certificate for 127.0.0.1, made now; the client
# trusts exactly it (ss_get's third argument: its DER in base64).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$work/tls.key" -out "$work/tls.pem" 2>"$work/openssl.err" || fail "openssl req: $(cat "$work/openssl.err")"
ca=$(openssl x509 -in "$work/tls.pem" -outform DER | base64 -w0)
python3 "$testdata/http_server.py" "$work/tls_port" "$work/www" "$work/tls.pem" "$work/tls.key" &
tls_server=$!
trap 'kill $server $tls_server 2>/dev/null; wait $server $tls_server 2>/dev/null' EXIT
for _ in $(seq 1 100); do [ -s "$work/tls_port" ] && break; sleep 0.05; done
[ -s "$work/tls_port" ] || fail "HTTPS server did not start"
tls_port=$(cat "$work/tls_port")

# fetch NAME PROGRAM [tls]: runs PROGRAM against the HTTP (or HTTPS)
# server, checks the bytes.
fetch() {
  local name=$1 prog=$2 args=("$port" body.bin)
  [ "${3:-}" = tls ] && args=("$tls_port" body.bin "$ca")
  timeout 60 "$prog" "${args[@]}" > "$work/$name.out" 2> "$work/$name.err" \
    || fail "$name exited $?: $(head -3 "$work/$name.err")"
  cmp -s "$work/$name.out" "$work/www/body.bin" || fail "$name fetched $(wc -c < "$work/$name.out") bytes, not body.bin"
  echo "$name: $(wc -c < "$work/$name.out") bytes, identical"
}

needs_so() {  # PROGRAM yes|no
  readelf -d "$1" > "$1.dynamic" || fail "readelf $1"
  if grep -q 'NEEDED.*libsecurestreams\.so' "$1.dynamic"; then
    [ "$2" = yes ] || fail "$1 links libsecurestreams.so, expected the archive"
  else
    [ "$2" = no ] || fail "$1 does not link libsecurestreams.so"
  fi
}

step "pkg-config, shared"
export PKG_CONFIG_PATH="$both/lib/pkgconfig"
pkg-config --exists securestreams || fail "pkg-config does not find securestreams"
# A libwebsockets installed in a system include directory (searched after
# the .pc's -isystem directory, as /usr/include is) must not be picked up.
mkdir -p "$work/system-lws"
echo '#error the system libwebsockets.h was included' > "$work/system-lws/libwebsockets.h"
cflags="$(pkg-config --cflags securestreams) -idirafter $work/system-lws"
libs=$(pkg-config --libs securestreams)
# shellcheck disable=SC2086
$CC -std=c11 "${WARN[@]}" "${SAN[@]}" "$testdata/ss_get.c" $cflags $libs "${SAN_LIBS[@]}" -o "$work/c_shared" || fail "C build (shared)"
# shellcheck disable=SC2086
$CXX -std=c++20 "${WARN[@]}" "${SAN[@]}" "$testdata/ss_get.cc" $cflags $libs "${SAN_LIBS[@]}" -o "$work/cc_shared" || fail "C++ build (shared)"
needs_so "$work/c_shared" yes
needs_so "$work/cc_shared" yes
LD_LIBRARY_PATH="$both/lib" fetch c_shared "$work/c_shared"
LD_LIBRARY_PATH="$both/lib" fetch cc_shared "$work/cc_shared"
# a path the server does not have: the client must say so and fail
LD_LIBRARY_PATH="$both/lib" timeout 60 "$work/c_shared" "$port" missing.bin > /dev/null 2> "$work/missing.err" \
  && fail "c_shared succeeded on a 404"
grep -q "QOS_NACK_REMOTE" "$work/missing.err" || fail "c_shared on a 404: $(cat "$work/missing.err")"

step "TLS from the plugin"
LD_LIBRARY_PATH="$both/lib" fetch c_shared_tls "$work/c_shared" tls
LD_LIBRARY_PATH="$both/lib" ldd "$work/c_shared" > "$work/c_shared.ldd" || fail "ldd c_shared"
! grep -E 'libssl|libcrypto' "$work/c_shared.ldd" || fail "a program linking libsecurestreams.so loads OpenSSL at start"
# Without the plugin: plain streams work, a TLS stream fails and says why.
mkdir -p "$work/noplugin"
cp -P "$both/lib/libsecurestreams.so"* "$work/noplugin/"
LD_LIBRARY_PATH="$work/noplugin" fetch c_noplugin "$work/c_shared"
LD_LIBRARY_PATH="$work/noplugin" timeout 60 "$work/c_shared" "$tls_port" body.bin "$ca" > /dev/null 2> "$work/noplugin.err" \
  && fail "a TLS stream succeeded without the plugin"
grep -q "TLS plugin $work/noplugin/libsecurestreams-tls.so.$soversion: .*cannot open shared object file" "$work/noplugin.err" \
  || fail "no clear error without the plugin: $(head -3 "$work/noplugin.err")"
echo "without the plugin: $(grep -m1 'TLS plugin' "$work/noplugin.err")"

step "pkg-config --static"
export PKG_CONFIG_PATH="$static/lib/pkgconfig"
cflags=$(pkg-config --cflags --static securestreams)
libs=$(pkg-config --libs --static securestreams)
# shellcheck disable=SC2086
$CC -std=c11 "${WARN[@]}" "${SAN[@]}" "$testdata/ss_get.c" $cflags $libs "${SAN_LIBS[@]}" -o "$work/c_static" || fail "C build (static)"
# shellcheck disable=SC2086
$CXX -std=c++20 "${WARN[@]}" "${SAN[@]}" "$testdata/ss_get.cc" $cflags $libs "${SAN_LIBS[@]}" -o "$work/cc_static" || fail "C++ build (static)"
needs_so "$work/c_static" no
needs_so "$work/cc_static" no
fetch c_static "$work/c_static"
fetch cc_static "$work/cc_static"
fetch c_static_tls "$work/c_static" tls  # OpenSSL linked into the program

step "CMake find_package(securestreams)"
unset PKG_CONFIG_PATH
cmake -S "$testdata/cmake" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$both" \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="${WARN[*]} ${SAN[*]}" -DCMAKE_CXX_FLAGS="${WARN[*]} ${SAN[*]}" \
  -DCMAKE_EXE_LINKER_FLAGS="${SAN[*]} ${SAN_LIBS[*]}" \
  > "$work/cmake.log" 2>&1 || { tail -20 "$work/cmake.log"; fail "cmake configure"; }
cmake --build "$work/cmake-build" > "$work/cmake-build.log" 2>&1 || { tail -20 "$work/cmake-build.log"; fail "cmake build"; }
needs_so "$work/cmake-build/ss_get_c" yes
needs_so "$work/cmake-build/ss_get_cc_static" no
fetch cmake_c "$work/cmake-build/ss_get_c"          # RUNPATH set by CMake
fetch cmake_cc_static "$work/cmake-build/ss_get_cc_static"

# version requests: compatible ones are accepted, others refused
find_version() {  # REQUEST -> exit status of a configure asking for it
  local d="$work/cmake-v$1"
  mkdir -p "$d"
  printf 'cmake_minimum_required(VERSION 3.16)\nproject(v C)\nfind_package(securestreams %s REQUIRED)\n' "$1" \
    > "$d/CMakeLists.txt"
  cmake -S "$d" -B "$d/b" -DCMAKE_PREFIX_PATH="$both" -DCMAKE_C_COMPILER="$CC" > "$d.log" 2>&1
}
for v in 0 0.1 "$version"; do find_version "$v" || fail "find_package(securestreams $v) refused $version"; done
for v in 0.2 1 9; do find_version "$v" && fail "find_package(securestreams $v) accepted $version"; done

echo "install_test: PASS"
