#!/usr/bin/env bash
# Runs layering_test.py (what it checks is in its docstring).
set -u
script="$1"
shift
exec python3 "$script" "$@"
