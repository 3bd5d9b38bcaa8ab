// ss-policy: check, normalize and explain a Secure Streams policy.
//
//   ss-policy lint FILE [--strict] [--overlay=FILE]... errors and warnings
//   ss-policy show FILE [STREAMTYPE] [--overlay=FILE]  normalized JSON
//   ss-policy explain FILE STREAMTYPE [--overlay=FILE] plain words
//
// Exit codes (docs/tools.md): 0 valid (warnings allowed, unless lint
// --strict), 1 the policy has errors (or warnings, with --strict), 2 bad
// usage or unknown streamtype, 7 a policy or overlay file cannot be read.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "runtime/policy/parse.h"
#include "runtime/policy/serialize.h"
#include "tools/ss_policy_explain.h"
#include "tools/tool_common.h"

namespace {

using ss::policy::ParseOutput;

const char kUsage[] =
    "usage: ss-policy lint FILE [--strict] [--overlay=FILE]...\n"
    "       ss-policy show FILE [STREAMTYPE] [--overlay=FILE]...\n"
    "       ss-policy explain FILE STREAMTYPE [--overlay=FILE]...\n"
    "       ss-policy --help | --version\n"
    "\n"
    "Checks a Secure Streams policy (FILE, or the JSON text itself when it starts\n"
    "with '{'), prints it normalized, or explains a streamtype in plain words.\n"
    "Problems go to stderr as FILE:LINE:COLUMN: error|warning: JSON.PATH: message.\n"
    "\n"
    "  --strict         lint: warnings fail too\n"
    "  --overlay=FILE   apply FILE over the policy first (repeatable, in order)\n"
    "\n"
    "exit: 0 valid, 1 the policy has errors (with --strict: or warnings),\n"
    "      2 bad usage or no such streamtype, 7 FILE cannot be read\n";

int usage_error(const std::string& what) { return ss::tools::usage_error("ss-policy", kUsage, what); }

void print_diagnostics(const std::string& file, const ParseOutput& out) {
  for (const auto& d : out.diagnostics) {
    std::fprintf(stderr, "%s\n", ss::policy::format_diagnostic(d, file).c_str());
  }
}

std::string counts(const ParseOutput& out) {
  return std::to_string(out.error_count()) + " error(s), " + std::to_string(out.warning_count()) + " warning(s)";
}

}  // namespace

int main(int argc, char** argv) {
  if (auto rc = ss::tools::start_tool("ss-policy", argc, argv)) return *rc;
  std::vector<std::string> args, overlays;
  bool strict = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--strict") {
      strict = true;
    } else if (a.rfind("--overlay=", 0) == 0) {
      overlays.push_back(a.substr(10));
    } else if (a.size() > 1 && a[0] == '-') {
      return usage_error("unknown option '" + a + "'");
    } else {
      args.push_back(a);
    }
  }
  if (args.empty()) return usage_error("a command is required: lint, show or explain");
  const std::string& cmd = args[0];
  if (cmd != "lint" && cmd != "show" && cmd != "explain") return usage_error("unknown command '" + cmd + "'");
  if (args.size() < 2) return usage_error(cmd + " needs a policy FILE");
  if ((cmd == "lint" && args.size() != 2) || (cmd == "show" && args.size() > 3) ||
      (cmd == "explain" && args.size() != 3)) {
    return usage_error(cmd == "explain" && args.size() == 2 ? "explain needs a STREAMTYPE"
                                                            : "too many arguments for " + cmd);
  }
  if (strict && cmd != "lint") return usage_error("--strict is for lint");
  const std::string& file = args[1];

  ParseOutput out = ss::policy::load_policy_text_or_file(file);
  const std::string label = !file.empty() && file[0] == '{' ? "<policy text>" : file;
  if (out.unreadable) {
    std::fprintf(stderr, "ss-policy: %s\n", out.diagnostics.front().message.c_str());
    return ss::tools::kExitFile;
  }
  print_diagnostics(label, out);
  for (const auto& ov : overlays) {
    if (!out.policy) break;
    std::string text = ov;  // '{...}' is the overlay itself, as for FILE
    if (ov.empty() || ov[0] != '{') {
      auto read = ss::policy::read_policy_file(ov, "overlay");
      if (!read) {
        std::fprintf(stderr, "ss-policy: %s\n", read.error().message().c_str());
        return ss::tools::kExitFile;
      }
      text = std::move(*read);
    }
    ParseOutput over = ss::policy::apply_overlay(*out.policy, text);
    print_diagnostics(!ov.empty() && ov[0] == '{' ? "<overlay text>" : ov, over);
    out = std::move(over);
  }
  if (!out.policy) {
    std::fprintf(stderr, "%s: failed: %s\n", label.c_str(), counts(out).c_str());
    return 1;
  }
  const ss::policy::Policy& p = *out.policy;

  if (cmd == "lint") {
    if (strict && out.warning_count() > 0) {
      std::fprintf(stderr, "%s: failed (--strict: warnings fail): %s\n", label.c_str(), counts(out).c_str());
      return 1;
    }
    std::fprintf(stderr, "%s: ok, %zu streamtype(s), %zu warning(s)\n", label.c_str(),
                 p.streamtypes.size(), out.warning_count());
    return 0;
  }
  const ss::policy::Streamtype* st = nullptr;
  if (args.size() == 3) {
    st = p.find_streamtype(args[2]);
    if (!st) {
      std::fprintf(stderr, "ss-policy: %s: no streamtype \"%s\"\n", label.c_str(), args[2].c_str());
      return ss::tools::kExitUsage;
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
