#include "sim/testing/sim_context.h"

#include <string>

#include <nlohmann/json.hpp>

#include "runtime/policy/parse.h"
#include "runtime/policy/serialize.h"

namespace ss::sim::testing {
namespace {

// The keys whose values differ between two JSON objects, "key: A -> B".
std::string changed_keys(const nlohmann::json& a, const nlohmann::json& b) {
  std::string out;
  auto note = [&out, &a, &b](const std::string& key) {
    const auto x = a.find(key), y = b.find(key);
    const std::string was = x == a.end() ? "(none)" : x->dump(), now = y == b.end() ? "(none)" : y->dump();
    if (was != now) out += (out.empty() ? "" : ", ") + key + ": " + was + " -> " + now;
  };
  for (const auto& [key, v] : a.items()) note(key);
  for (const auto& [key, v] : b.items())
    if (!a.contains(key)) note(key);
  return out;
}

// Where `a` and `b` first differ, for the violation: a streamtype's keys,
// or the policy's top-level ones.
std::string first_difference(const policy::Policy& a, const policy::Policy& b) {
  if (a.streamtypes.size() == b.streamtypes.size()) {
    for (std::size_t i = 0; i < a.streamtypes.size(); ++i) {
      if (a.streamtypes[i] == b.streamtypes[i]) continue;
      return "streamtype \"" + a.streamtypes[i].name + "\" " +
             changed_keys(policy::to_json(a, a.streamtypes[i]), policy::to_json(b, b.streamtypes[i]));
    }
  }
  return changed_keys(policy::to_json(a), policy::to_json(b));
}

}  // namespace

std::shared_ptr<const policy::Policy> shipped_policy(World& world, std::shared_ptr<const policy::Policy> policy) {
  if (!policy) return policy;
  auto parsed = policy::parse_policy(policy::to_json(*policy).dump());
  if (!parsed.ok()) {
    std::string why;
    for (const auto& d : parsed.diagnostics) why += " " + policy::format_diagnostic(d);
    world.violation("[policy] the scenario's policy, written as JSON, does not parse:" + why);
    return policy;
  }
  if (!(*parsed.policy == *policy))
    world.violation("[policy] the scenario's policy changes on a trip through JSON: " +
                    first_difference(*policy, *parsed.policy));
  return parsed.policy;
}

}  // namespace ss::sim::testing
