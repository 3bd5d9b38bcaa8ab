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
#include "sim/scenarios/world/world_scenario.h"

namespace ss::sim {
namespace {

using gen::Proto;

class OneSpec final : public Scenario {
 public:
  explicit OneSpec(gen::WorldSpec spec) : spec_(std::move(spec)) {}
  std::string name() const override { return "ws-bulk-test"; }
  std::string summary() const override { return ""; }
  std::unique_ptr<ScenarioRun> derive(std::uint64_t) const override { return world::make_world_run(spec_); }

 private:
  gen::WorldSpec spec_;
};

std::string all(const SeedOutcome& o) {
  std::string out;
  for (const auto& v : o.violations) out += v + "\n";
  return out;
}

// One ws echo server, one stream sending `messages`.
gen::WorldSpec ws_world(std::vector<std::size_t> messages, bool via_proxy) {
  gen::WorldSpec w;
  w.seed = 5;
  w.latency = millis(2);
  w.max_segment = 9000;
  w.proxy = via_proxy;
  w.retries.push_back(gen::RetrySpec{{100, 200, 400}, 65535, 20});
  gen::ServerSpec s;
  s.host = "srv-1";
  s.port = 80;
  s.kind = gen::ServerKind::kWsEcho;
  w.servers.push_back(s);
  gen::StreamtypeSpec st;
  st.name = "st-1";
  st.proto = Proto::kWs;
  st.retry = 0;
  st.url = "bulk";
  w.streamtypes.push_back(st);
  gen::StreamSpec ss;
  ss.via_proxy = via_proxy;
  ss.start_at = millis(10);
  ss.messages = std::move(messages);
  w.streams.push_back(ss);
  return w;
}

// The generator's contract (generate.h) stays within the echo server's limit.
static_assert(gen::kMaxWsMessage <= peers::kWsEchoMaxMessage);

TEST(WsBulkWorld, MessagesOfTheServerLimitDirect) {
  for (const auto& messages : {std::vector<std::size_t>{peers::kWsEchoMaxMessage},
                               std::vector<std::size_t>(3, peers::kWsEchoMaxMessage)}) {
    const gen::WorldSpec w = ws_world(messages, false);
    ASSERT_TRUE(w.calm());
    const SeedOutcome o = run_seed(OneSpec(w), w.seed);
    EXPECT_FALSE(o.livelock) << o.events << " events";
    EXPECT_TRUE(o.violations.empty()) << all(o);
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
  const SeedOutcome o = run_seed(OneSpec(w), w.seed, cfg);
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
