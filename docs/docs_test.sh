#!/usr/bin/env bash
# Runs docs_test.py (what it checks is in its docstring) from the runfiles root.
set -u
script="$1"
shift
exec python3 "$script" "$@"
