#!/bin/sh
# Bazel's --workspace_status_command (.bazelrc): the commit that every tool's
# --version prints (tools/BUILD, :version_stamp). A STABLE_ key, so only a new
# commit re-stamps (and relinks the tools); nothing else reads it. Never
# fails: outside a git checkout, or without git, the commit is "unknown".
commit=$(git rev-parse --short=12 HEAD 2>/dev/null) || commit=""
echo "STABLE_GIT_COMMIT ${commit:-unknown}"
