// What every command-line tool (ss-cat, ss-proxy, ss-policy, ss-sim) does
// the same way (docs/tools.md, "Every tool"): the exit codes for bad usage
// and for a file that cannot be read or written, --version, and relative
// paths meaning the directory the user ran `bazel run` from.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ss::tools {

// Shared exit codes. 0 is complete success; 1 and 3..6 mean what each tool
// says (docs/tools.md).
inline constexpr int kExitUsage = 2;  // bad usage: unknown option, missing or bad value
inline constexpr int kExitFile = 7;   // a file named on the command line cannot be read or written

// "<tool> <version> (<commit>)": the version from version.bzl, the commit
// from Bazel's workspace status (tools/workspace_status.sh), "unknown"
// without git.
std::string version_line(std::string_view tool);

// `bazel run` starts a tool in its runfiles directory and names the
// directory the user ran it from in BUILD_WORKING_DIRECTORY. Enters that
// directory, so every relative path on the command line (policy, overlay,
// unix socket, report files) means what the user expects. Without the
// variable (the binary run directly) nothing changes. Returns the one-line
// reason when the directory cannot be entered, else "".
std::string enter_user_directory();

// The start of every tool's main(): `--version` anywhere prints
// version_line() and gives 0; then enter_user_directory(), whose failure
// is reported ("<tool>: ...") and gives kExitFile. nullopt: carry on.
std::optional<int> start_tool(std::string_view tool, int argc, char** argv);

// Bad usage: "<tool>: <what>", a blank line and `usage` on stderr; gives
// kExitUsage.
int usage_error(std::string_view tool, const char* usage, const std::string& what);

}  // namespace ss::tools
