// docs/policy.md, "Using it from code": load a policy, print its
// diagnostics. Usage: load_policy POLICY (JSON text or a file); exit 0 when
// a policy was built.
#include <cstdio>
#include <memory>
#include <string>

#include "runtime/policy/parse.h"

namespace {

void log(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

std::shared_ptr<const ss::policy::Policy> loaded;

void load(const std::string& path_or_json) {
  ss::policy::ParseOutput out = ss::policy::load_policy_text_or_file(path_or_json);
  for (const auto& d : out.diagnostics) log(ss::policy::format_diagnostic(d));
  if (!out.policy) return;                     // errors: nothing was built
  std::shared_ptr<const ss::policy::Policy> policy = out.policy;  // immutable
  loaded = policy;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  load(argv[1]);
  return loaded ? 0 : 1;
}
