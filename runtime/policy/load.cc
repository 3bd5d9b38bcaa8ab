// load_policy_text_or_file: the pss_policies_json convention of lws.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "runtime/policy/json_tree.h"
#include "runtime/policy/parse.h"

namespace ss::policy {

Result<std::string> read_policy_file(const std::string& path, std::string_view what) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return make_error(ErrorCode::kIo, "cannot open " + std::string(what) + " \"" + path + "\": " + std::strerror(errno));
  // Read at most one byte past the limit, so a huge file costs nothing; in
  // chunks, so a small file costs little: zero-filling a buffer of the
  // whole limit (1 MiB) up front was half of process start to first
  // connect (docs/benchmarks.md).
  const std::size_t limit = JsonLimits{}.max_bytes + 1;
  std::string text;
  char chunk[16 * 1024];
  while (text.size() < limit) {
    const std::size_t got = std::fread(chunk, 1, std::min(sizeof chunk, limit - text.size()), f);
    text.append(chunk, got);
    if (got == 0) break;
  }
  const int read_errno = std::ferror(f) ? errno : 0;
  std::fclose(f);
  if (read_errno != 0)
    return make_error(ErrorCode::kIo, "cannot read " + std::string(what) + " \"" + path + "\": " + std::strerror(read_errno));
  return text;
}

ParseOutput load_policy_text_or_file(std::string_view text_or_path) {
  if (!text_or_path.empty() && text_or_path.front() == '{') return parse_policy(text_or_path);
  auto text = read_policy_file(std::string(text_or_path), "policy file");
  if (!text) {
    ParseOutput out;
    out.unreadable = true;
    out.diagnostics.push_back({Diagnostic::Severity::kError, "",
                               text.error().message() + " (text not starting with '{' is taken as a file path)"});
    return out;
  }
  return parse_policy(*text);  // over the limit: parse_policy reports it
}

}  // namespace ss::policy
