#include "tools/tool_common.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "tools/version_stamp.h"

namespace ss::tools {

std::string version_line(std::string_view tool) {
  return std::string(tool) + " " + kVersion + " (" + kCommit + ")";
}

std::string enter_user_directory() {
  const char* dir = std::getenv("BUILD_WORKING_DIRECTORY");
  if (dir == nullptr || *dir == '\0') return "";
  if (::chdir(dir) != 0) {
    return "cannot enter BUILD_WORKING_DIRECTORY '" + std::string(dir) + "': " + std::strerror(errno);
  }
  return "";
}

std::optional<int> start_tool(std::string_view tool, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--version") == 0) {
      std::printf("%s\n", version_line(tool).c_str());
      return 0;
    }
  }
  if (const std::string why = enter_user_directory(); !why.empty()) {
    std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(tool.size()), tool.data(), why.c_str());
    return kExitFile;
  }
  return std::nullopt;
}

int usage_error(std::string_view tool, const char* usage, const std::string& what) {
  std::fprintf(stderr, "%.*s: %s\n\n%s", static_cast<int>(tool.size()), tool.data(), what.c_str(), usage);
  return kExitUsage;
}

}  // namespace ss::tools
