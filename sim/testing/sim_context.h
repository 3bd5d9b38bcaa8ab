// A stream::Context on a simulated World (docs/sim.md, "Test helpers"):
// the world's loop, one host's Net, a seed and a policy, with broken
// invariants going to World::violation() and trace events to
// World::record(). Callers change what they need (tls, timeouts, more
// hooks) before building the Context, then register their bindings.
//
// The policy reaches the Context as a product ships it: written out as
// JSON and parsed (shipped_policy), so every key a scenario's policy
// uses goes through the policy parser on every seed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/policy/policy.h"
#include "runtime/stream/context.h"
#include "sim/world.h"

namespace ss::sim::testing {

// `policy` after a trip through its JSON text (policy/serialize.h, then
// policy/parse.h): what a device loading that policy file would run. A
// policy the trip changes or cannot read back is a `[policy]` violation
// naming the first streamtype that differs; the run then goes on with
// what the parser made of it (or the original, if nothing).
std::shared_ptr<const policy::Policy> shipped_policy(World& world, std::shared_ptr<const policy::Policy> policy);

inline stream::Context::Config context_config(World& world, int host,
                                              std::shared_ptr<const policy::Policy> policy,
                                              std::uint64_t seed = 0) {
  stream::Context::Config cfg;
  cfg.loop = &world.loop();
  cfg.net = &world.net_for(host);
  cfg.seed = seed;
  cfg.policy = shipped_policy(world, std::move(policy));
  cfg.hooks.violation = [&world](std::string_view t) { world.violation(std::string(t)); };
  cfg.hooks.trace = [&world](std::string_view k, std::string_view t) { world.record(k, t); };
  return cfg;
}

}  // namespace ss::sim::testing
