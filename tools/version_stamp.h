// The version and commit every tool's --version prints (tools/tool_common.h).
// Defined in version_stamp.cc, which the :version_stamp genrule writes from
// version.bzl and Bazel's stable workspace status (tools/workspace_status.sh).
#pragma once

namespace ss::tools {

extern const char kVersion[];
extern const char kCommit[];

}  // namespace ss::tools
