// Big ws messages in a world: one lws_ss message of up to 1 MiB (the
// simulated echo server's limit, sim/peers/ws_echo_server.h), sent over many
// tx() calls (SOM on the first, EOM on the last), directly to the ws echo
// server; and one over that limit, which must fail visibly
// (QOS_NACK_REMOTE, backoff, ALL_RETRIES_FAILED; docs/protocols.md "ws
// states"), not reconnect for ever.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/generator/generate.h"
#include "sim/peers/ws_echo_server.h"
#include "sim/scenarios/world/world_testing.h"

namespace ss::sim {
namespace {

using gen::Proto;

using world::all_violations;
using world::run_world_spec;

// One ws echo server, one stream sending `messages`.
gen::WorldSpec ws_world(std::vector<std::size_t> messages, bool via_proxy) {
  gen::WorldSpec w = world::one_server_world({.proto = Proto::kWs, .via_proxy = via_proxy, .url = "bulk", .seed = 5});
  w.streams[0].messages = std::move(messages);
  return w;
}

// The generator's contract (generate.h) stays within the echo server's limit.
static_assert(gen::kMaxWsMessage <= peers::kWsEchoMaxMessage);

TEST(WsBulkWorld, MessagesOfTheServerLimitDirect) {
  for (const auto& messages : {std::vector<std::size_t>{peers::kWsEchoMaxMessage},
                               std::vector<std::size_t>(3, peers::kWsEchoMaxMessage)}) {
    const gen::WorldSpec w = ws_world(messages, false);
    ASSERT_TRUE(w.calm());
    const SeedOutcome o = run_world_spec(w);
    EXPECT_FALSE(o.livelock) << o.events << " events";
    EXPECT_TRUE(o.violations.empty()) << all_violations(o);
  }
}

// One byte over: before, the client (its own 1 MiB cap) refused the echo,
// and each CONNECTED reset the retry count, so the stream resent the 1 MiB
// for ever at the first backoff step until the 2M-event limit (about 170 s
// of wall time per 200k events in a fastbuild). Now the server refuses it
// (1009), the user sees QOS_NACK_REMOTE on each try, the delays climb the
// backoff table and ALL_RETRIES_FAILED ends it; the run comes to rest.
TEST(WsBulkWorld, MessageOverTheServerLimitFailsVisibly) {
  gen::WorldSpec w = ws_world({peers::kWsEchoMaxMessage + 1}, false);
  w.retries[0] = gen::RetrySpec{{100, 200, 400}, 3, 20};
  std::vector<std::string> states;
  RunConfig cfg;
  cfg.on_event = [&](Micros, std::string_view kind, std::string_view text) {
    if (kind == "world.state") states.emplace_back(text);
  };
  const SeedOutcome o = run_world_spec(w, world::Plant::kNone, cfg);
  EXPECT_FALSE(o.livelock) << o.events << " events";
  EXPECT_LT(o.events, 100'000u);
  const std::vector<std::string> cycle = {"s0 POLL", "s0 CONNECTING", "s0 CONNECTED", "s0 QOS_NACK_REMOTE",
                                          "s0 DISCONNECTED"};
  std::vector<std::string> want = {"s0 CREATING"};
  for (int i = 0; i < 4; ++i) want.insert(want.end(), cycle.begin(), cycle.end());
  want.push_back("s0 ALL_RETRIES_FAILED");
  want.push_back("s0 DESTROYING");  // at its life bound
  EXPECT_EQ(states, want);
  // The work cannot be done: that is the only complaint.
  ASSERT_FALSE(o.violations.empty());
  for (const auto& v : o.violations) EXPECT_EQ(v.rfind("[liveness] ", 0), 0u) << v;
}

}  // namespace
}  // namespace ss::sim
