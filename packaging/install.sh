#!/usr/bin/env bash
# Installs securestreams into a prefix (docs/install.md):
#
#   bazel run -c opt //packaging:install -- --prefix PREFIX [--libs both|shared|static]
#
#   PREFIX/include/securestreams/libwebsockets.h, runtime/...  public headers
#   PREFIX/lib/libsecurestreams.so.V, .so.MAJOR, .so             shared library
#   PREFIX/lib/libsecurestreams-tls.so.MAJOR                    its TLS plugin (OpenSSL)
#   PREFIX/lib/libsecurestreams.a                                static archive
#   PREFIX/lib/pkgconfig/securestreams.pc
#   PREFIX/lib/cmake/securestreams/securestreamsConfig{,Version}.cmake
#
# A relative PREFIX is taken from the directory `bazel run` was started in.
# The first two arguments (--version V --soversion MAJOR) come from BUILD.
set -euo pipefail

die() { echo "install: $*" >&2; exit 1; }

version="" soversion="" prefix="" libs=both
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version=${2:?}; shift 2 ;;
    --soversion) soversion=${2:?}; shift 2 ;;
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --libs) [ $# -ge 2 ] || die "--libs needs both, shared or static"; libs=$2; shift 2 ;;
    --libs=*) libs=${1#--libs=}; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (usage: --prefix PREFIX [--libs both|shared|static])" ;;
  esac
done
[ -n "$version" ] && [ -n "$soversion" ] || die "--version/--soversion missing (run it through bazel run //packaging:install)"
[ -n "$prefix" ] || die "--prefix PREFIX is required"
case "$libs" in both|shared|static) ;; *) die "--libs must be both, shared or static, not '$libs'" ;; esac
case "$prefix" in
  /*) ;;
  *) prefix="${BUILD_WORKING_DIRECTORY:-$PWD}/$prefix" ;;
esac

# The packaged files, from this script's runfiles (bazel run, or a test that
# has this target in its data).
runfiles=""
for d in "${RUNFILES_DIR:-}" "$0.runfiles" "${TEST_SRCDIR:-}"; do
  if [ -n "$d" ] && [ -f "$d/securestreams/packaging/headers.manifest" ]; then
    runfiles="$d/securestreams"
    break
  fi
done
[ -n "$runfiles" ] || die "cannot find the packaged files (runfiles of //packaging:install)"
pkg="$runfiles/packaging"

incdir="$prefix/include/securestreams"
libdir="$prefix/lib"
mkdir -p "$incdir" "$libdir/pkgconfig" "$libdir/cmake/securestreams" 2>/dev/null || die "cannot create directories under $prefix"

# Headers: one `runfiles-path TAB install-path` line each.
n=0
while IFS=$'\t' read -r src dest; do
  [ -n "$src" ] || continue
  install -D -m 0644 "$runfiles/$src" "$incdir/$dest" 2>/dev/null || die "cannot write $incdir/$dest"
  n=$((n + 1))
done < "$pkg/headers.manifest"
[ "$n" -gt 0 ] || die "the header manifest is empty"

real="libsecurestreams.so.$version"
if [ "$libs" != static ]; then
  install -m 0755 "$pkg/libsecurestreams.so.$soversion" "$libdir/$real" 2>/dev/null \
    || die "cannot write $libdir/$real"
  ln -sfn "$real" "$libdir/libsecurestreams.so.$soversion"
  ln -sfn "libsecurestreams.so.$soversion" "$libdir/libsecurestreams.so"
  # The library dlopen()s the plugin from its own directory, by this name.
  plugin="libsecurestreams-tls.so.$soversion"
  install -m 0755 "$pkg/$plugin" "$libdir/$plugin" 2>/dev/null || die "cannot write $libdir/$plugin"
else
  rm -f "$libdir/$real" "$libdir/libsecurestreams.so.$soversion" "$libdir/libsecurestreams.so" \
    "$libdir/libsecurestreams-tls.so.$soversion"
fi
if [ "$libs" != shared ]; then
  install -m 0644 "$pkg/libsecurestreams.a" "$libdir/libsecurestreams.a" 2>/dev/null \
    || die "cannot write $libdir/libsecurestreams.a"
else
  rm -f "$libdir/libsecurestreams.a"
fi

subst() {
  { sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" \
        -e "s|@SOVERSION@|$soversion|g" "$1" > "$2"; } 2>/dev/null || die "cannot write $2"
}
subst "$pkg/securestreams.pc.in" "$libdir/pkgconfig/securestreams.pc"
subst "$pkg/securestreamsConfig.cmake.in" "$libdir/cmake/securestreams/securestreamsConfig.cmake"
subst "$pkg/securestreamsConfigVersion.cmake.in" "$libdir/cmake/securestreams/securestreamsConfigVersion.cmake"

echo "install: securestreams $version ($libs) and $n headers in $prefix"
