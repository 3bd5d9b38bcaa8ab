// Fuzz target: the policy parser (runtime/policy), which reads JSON that an
// operator, a fetched policy update or a proxied client's overlay supplies.
//
// Input: the policy text. It is parsed on its own and as an overlay over a
// fixed base policy. (The parser takes whole documents, so there is no
// byte-at-a-time feed; the SAX tree is bounded by the limits in parse.h.)
// Invariants checked:
//  - no crash, no sanitizer report, no exception escapes, bounded memory;
//  - a failed parse has at least one error and no policy; a successful one
//    has no error; every diagnostic has a message;
//  - parsing is deterministic (same diagnostics twice);
//  - an accepted policy serializes (to_json) to text that parses back to an
//    equal Policy, and the ordered form parses without warnings;
//  - every delay of every retry policy stays within [base, base * 2.56).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/policy/parse.h"
#include "runtime/policy/retry.h"
#include "runtime/policy/serialize.h"

namespace {

using ss::policy::Diagnostic;
using ss::policy::ParseOutput;

void check_output(const ParseOutput& out) {
  const std::size_t errors = out.error_count();
  if (out.policy ? errors != 0 : errors == 0) std::abort();
  for (const auto& d : out.diagnostics) {
    if (d.message.empty()) std::abort();
  }
}

constexpr std::string_view kBase =
    R"({"retry":[{"default":{"backoff":[1000,2000],"conceal":3}}],)"
    R"("s":[{"base":{"endpoint":"h","port":1,"metadata":[{"m":""}],"http_url":"${m}"}}]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ParseOutput out = ss::policy::parse_policy(text);
  check_output(out);

  const ParseOutput again = ss::policy::parse_policy(text);
  if (again.diagnostics.size() != out.diagnostics.size()) std::abort();
  for (std::size_t i = 0; i < out.diagnostics.size(); ++i) {
    if (again.diagnostics[i].path != out.diagnostics[i].path ||
        again.diagnostics[i].message != out.diagnostics[i].message) {
      std::abort();
    }
  }

  if (out.policy) {
    const ParseOutput round = ss::policy::parse_policy(ss::policy::to_json(*out.policy).dump());
    if (!round.policy || !(*round.policy == *out.policy)) std::abort();
    const ParseOutput ordered =
        ss::policy::parse_policy(ss::policy::to_ordered_json(*out.policy).dump());
    if (!ordered.policy || !(*ordered.policy == *out.policy)) std::abort();
    for (const auto& d : ordered.diagnostics) {
      // Warnings that depend on values (not on key order) may remain.
      if (d.message.find("forward reference") != std::string::npos) std::abort();
    }
    for (const auto& r : out.policy->retries) {
      for (std::uint32_t t = 0; t < 10; ++t) {
        const std::uint32_t base = ss::policy::retry_base_ms(&r, t);
        const std::uint32_t d = ss::policy::retry_delay_ms(&r, t, static_cast<std::uint16_t>(t * 7919));
        if (d < base || d > base + static_cast<std::uint64_t>(base) * 255 / 100) std::abort();
      }
    }
  }

  static const ParseOutput base = ss::policy::parse_policy(kBase);  // immutable after init
  if (!base.policy) std::abort();
  check_output(ss::policy::apply_overlay(*base.policy, text));
  return 0;
}
