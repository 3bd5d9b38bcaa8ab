#!/usr/bin/env bash
# fuzz_package.sh: build fuzz targets and lay them out the way OSS-Fuzz /
# ClusterFuzzLite expect, in one folder:
#   OUT/<target>                    the libFuzzer binary (ASan+UBSan, --config=fuzz)
#   OUT/<target>.dict               from fuzz/<target>.dict, if present
#   OUT/<target>.options            from fuzz/<target>.options, if present
#   OUT/<target>_seed_corpus.zip    corpus/<target>/* (flat, as OSS-Fuzz wants)
#
# usage: tools/fuzz_package.sh OUT_DIR [TARGET...]
#   TARGET defaults to every fuzz/*_fuzz.cc. Set BAZEL_OUTPUT_BASE to build
#   in your own output base (bazel --output_base=...).
set -euo pipefail

if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  [[ $# -lt 1 ]] && exit 2 || exit 0
fi

cd "$(dirname "$0")/.."
out="$1"
shift
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for f in fuzz/*_fuzz.cc; do targets+=("$(basename "$f" .cc)"); done
fi

bazel_cmd=(bazel)
if [[ -n "${BAZEL_OUTPUT_BASE:-}" ]]; then bazel_cmd+=("--output_base=${BAZEL_OUTPUT_BASE}"); fi

labels=()
for t in "${targets[@]}"; do labels+=("//fuzz:${t}"); done
"${bazel_cmd[@]}" build --config=fuzz "${labels[@]}"
bin="$("${bazel_cmd[@]}" info --config=fuzz bazel-bin 2>/dev/null)"

mkdir -p "$out"
out="$(cd "$out" && pwd)"
for t in "${targets[@]}"; do
  install -m 0755 "${bin}/fuzz/${t}" "${out}/${t}"
  [[ -f "fuzz/${t}.dict" ]] && cp "fuzz/${t}.dict" "${out}/${t}.dict"
  [[ -f "fuzz/${t}.options" ]] && cp "fuzz/${t}.options" "${out}/${t}.options"
  rm -f "${out}/${t}_seed_corpus.zip"
  if [[ -d "corpus/${t}" ]] && [[ -n "$(ls -A "corpus/${t}")" ]]; then
    (cd "corpus/${t}" && zip -q -j "${out}/${t}_seed_corpus.zip" ./*)
  fi
  echo "packaged ${t}"
done
ls -l "$out"
