// Test helpers for the world runner: run one hand-built WorldSpec, and the
// small specs more than one test needs.
#pragma once

#include <cstdint>
#include <string>

#include "sim/generator/world_spec.h"
#include "sim/scenario.h"
#include "sim/scenarios/world/world_scenario.h"

namespace ss::sim::world {

// Runs exactly `spec` (as the seed spec.seed) with `plant`.
SeedOutcome run_world_spec(const gen::WorldSpec& spec, Plant plant = Plant::kNone, const RunConfig& config = {});

// What one_server_world builds.
struct OneServer {
  gen::Proto proto = gen::Proto::kRaw;
  bool via_proxy = false;  // the world has the proxy and the stream goes through it
  bool tls = false;
  std::string method{};    // h1: "GET" or "POST"
  std::string url{};       // h1/ws path
  bool room_and_tag = false;  // metadata "room" (in the url) and "tag" (header x-tag:), set to r1 / t1
  std::uint64_t seed = 11;
};

// A calm world (latency 2 ms, segments up to 9000 bytes, one retry policy
// {100,200,400}) with one server "srv-1" of the protocol's kind (raw: echo
// on port 7; h1: http, ws: ws echo, on port 80), one streamtype "st-1" of it
// and one stream starting at 10 ms that sends and reads nothing yet.
gen::WorldSpec one_server_world(const OneServer& o);

// A calm world with one raw echo stream (20,300 bytes) through the proxy
// under manual credit (initial 1000, grants of 3000).
gen::WorldSpec proxied_credit_world();

// True if a violation carries invariant id `id` ("[id] ...").
bool has_violation(const SeedOutcome& o, const std::string& id);

// Every violation, one a line.
std::string all_violations(const SeedOutcome& o);

}  // namespace ss::sim::world
