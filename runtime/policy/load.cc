// load_policy_text_or_file: the pss_policies_json convention of lws.
#include <fstream>

#include "runtime/policy/json_tree.h"
#include "runtime/policy/parse.h"

namespace ss::policy {

ParseOutput load_policy_text_or_file(std::string_view text_or_path) {
  if (!text_or_path.empty() && text_or_path.front() == '{') return parse_policy(text_or_path);
  ParseOutput out;
  const std::string path(text_or_path);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.diagnostics.push_back({Diagnostic::Severity::kError, "",
                               "cannot open policy file \"" + path +
                                   "\" (text not starting with '{' is taken as a file path)"});
    return out;
  }
  // Read at most one byte past the limit, so a huge file costs nothing.
  const std::size_t limit = JsonLimits{}.max_bytes;
  std::string text(limit + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) {
    out.diagnostics.push_back({Diagnostic::Severity::kError, "", "cannot read policy file \"" + path + "\""});
    return out;
  }
  return parse_policy(text);  // over the limit: parse_policy reports it
}

}  // namespace ss::policy
