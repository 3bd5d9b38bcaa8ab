// ss-policy: check, normalize and explain a Secure Streams policy.
//
//   ss-policy lint FILE [--strict] [--overlay=FILE]... errors and warnings
//   ss-policy show FILE [STREAMTYPE] [--overlay=FILE]  normalized JSON
//   ss-policy explain FILE STREAMTYPE [--overlay=FILE] plain words
//
// Exit codes: 0 valid (warnings allowed, unless lint --strict), 1 the
// policy has errors (or warnings, with --strict), 2 bad usage or unknown
// streamtype.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "runtime/policy/parse.h"
#include "runtime/policy/serialize.h"
#include "tools/ss_policy_explain.h"

namespace {

using ss::policy::ParseOutput;

int usage() {
  std::fprintf(stderr,
               "usage: ss-policy lint FILE [--strict] [--overlay=FILE]...\n"
               "       ss-policy show FILE [STREAMTYPE] [--overlay=FILE]...\n"
               "       ss-policy explain FILE STREAMTYPE [--overlay=FILE]...\n");
  return 2;
}

void print_diagnostics(const std::string& file, const ParseOutput& out) {
  for (const auto& d : out.diagnostics) {
    std::fprintf(stderr, "%s: %s\n", file.c_str(), ss::policy::format_diagnostic(d).c_str());
  }
}

// Like load_policy_text_or_file: '{...}' is the text itself, else a path.
// Reads one byte past the 1 MiB limit so the parser reports the overflow.
bool read_text(const std::string& arg, std::string* text) {
  if (!arg.empty() && arg[0] == '{') {
    *text = arg;
    return true;
  }
  std::FILE* f = std::fopen(arg.c_str(), "rb");
  if (!f) return false;
  text->resize((1u << 20) + 1);
  text->resize(std::fread(text->data(), 1, text->size(), f));
  const bool ok = !std::ferror(f);
  std::fclose(f);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args, overlays;
  bool strict = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--strict") {
      strict = true;
    } else if (a.rfind("--overlay=", 0) == 0) {
      overlays.push_back(a.substr(10));
    } else {
      args.push_back(a);
    }
  }
  if (args.size() < 2) return usage();
  const std::string& cmd = args[0];
  const std::string& file = args[1];
  if ((cmd == "lint" && args.size() != 2) || (cmd == "show" && args.size() > 3) ||
      (cmd == "explain" && args.size() != 3) || (cmd != "lint" && cmd != "show" && cmd != "explain")) {
    return usage();
  }

  ParseOutput out = ss::policy::load_policy_text_or_file(file);
  const std::string label = !file.empty() && file[0] == '{' ? "<policy text>" : file;
  print_diagnostics(label, out);
  for (const auto& ov : overlays) {
    if (!out.policy) break;
    std::string text;
    if (!read_text(ov, &text)) {
      std::fprintf(stderr, "%s: error: cannot read the overlay file\n", ov.c_str());
      return 1;
    }
    out = ss::policy::apply_overlay(*out.policy, text);
    print_diagnostics(ov, out);
  }
  if (!out.policy) {
    std::fprintf(stderr, "%s: %zu error(s), %zu warning(s)\n", label.c_str(), out.error_count(),
                 out.warning_count());
    return 1;
  }
  const ss::policy::Policy& p = *out.policy;

  if (cmd == "lint") {
    std::fprintf(stderr, "%s: ok, %zu streamtype(s), %zu warning(s)\n", label.c_str(),
                 p.streamtypes.size(), out.warning_count());
    return strict && out.warning_count() > 0 ? 1 : 0;
  }
  const ss::policy::Streamtype* st = nullptr;
  if (args.size() == 3) {
    st = p.find_streamtype(args[2]);
    if (!st) {
      std::fprintf(stderr, "%s: no streamtype \"%s\"\n", label.c_str(), args[2].c_str());
      return 2;
    }
  }
  if (cmd == "show") {
    if (st) {
      nlohmann::ordered_json j = nlohmann::ordered_json::object();
      j[st->name] = ss::policy::to_ordered_json(p, *st);
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << ss::policy::to_ordered_json(p).dump(2) << "\n";
    }
    return 0;
  }
  std::cout << ss::policy::explain_streamtype(p, *st);
  return 0;
}
