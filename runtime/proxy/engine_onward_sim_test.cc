// The whole proxy path in the simulator, with the real stream engine:
// client processes (ClientLink) -> ProxyServer -> onward Secure Streams
// (stream engine, raw binding, the proxy's policy) -> an echo server on
// another simulated host. Every byte comes back in order; a streamtype the
// proxy's policy does not know is refused; undeclared metadata drops the
// client; the run is a pure function of the seed.
#include <gtest/gtest.h>

#include "runtime/bind/raw/raw_binding.h"
#include "runtime/policy/parse.h"
#include "runtime/proxy/engine_onward.h"
#include "runtime/proxy/server.h"
#include "runtime/wire/frames.h"
#include "sim/echo.h"
#include "sim/testing/sim_context.h"
#include "sim/testing/sim_link_client.h"
#include "sim/world.h"

namespace ss::proxy {
namespace {

constexpr const char* kPolicy = R"({
  "release": "1", "product": "test", "schema-version": 1,
  "retry": [{"default": {"backoff": [100, 200], "conceal": 3, "jitterpc": 20}}],
  "s": [{"echo": {"endpoint": "server", "port": 7, "protocol": "raw",
                  "retry": "default", "metadata": [{"tag": ""}]}}]
})";

struct Outcome {
  std::vector<std::string> received;
  std::vector<bool> ended;
  std::vector<bool> create_failed;
  ProxyStats stats;
  std::size_t streams_left = 0;
  std::vector<std::string> violations;
  std::uint64_t hash = 0;
};

Outcome run(std::uint64_t seed, const std::vector<testing::Behaviour>& who, int messages,
            std::uint64_t server_bytes_per_second = 0) {
  sim::WorldOptions options;
  options.seed = seed;
  options.segmentation = {1, 32};
  sim::World world(options);
  const int box = world.add_host("box");
  const int server = world.add_host("server");
  if (server_bytes_per_second)
    world.network().set_link(box, server, sim::LinkParams{millis(5), server_bytes_per_second});
  sim::EchoServer echo(world, server, Endpoint::tcp("server", 7));
  EXPECT_TRUE(echo.start().ok());

  auto parsed = policy::parse_policy(kPolicy);
  EXPECT_TRUE(parsed.ok());
  stream::Context::Config config = sim::testing::context_config(world, box, parsed.policy, seed);
  Outcome out;
  {
    stream::Context ctx(config);
    proto::raw::register_raw_binding(ctx);
    EngineOnwardFactory factory(ctx);

    ProxyServer proxy(world.loop(), world.net_for(box), factory);
    EXPECT_TRUE(proxy.start().ok());
    std::vector<std::unique_ptr<testing::SimLinkClient>> clients;
    for (auto b : who)
      clients.push_back(std::make_unique<testing::SimLinkClient>(world, world.net_for(box), b, messages));
    EXPECT_TRUE(world.run_until_idle(10'000'000).idle);
    for (const auto& c : clients) {
      out.received.push_back(c->received);
      out.ended.push_back(c->ended.has_value());
      out.create_failed.push_back(c->create_failed);
    }
    for (auto& c : clients) c->close();
    EXPECT_TRUE(world.run_until_idle(10'000'000).idle);
    out.stats = proxy.stats();
    out.streams_left = ctx.stream_count();
  }
  EXPECT_TRUE(world.run_until_idle(10'000'000).idle);
  out.violations = world.violations();
  out.hash = world.trace().hash();
  return out;
}

TEST(EngineOnwardSim, EveryByteComesBackThroughTheProxyAndTheEngine) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    SCOPED_TRACE(seed);
    Outcome o = run(seed, std::vector<testing::Behaviour>(4, testing::Behaviour::kGood), 25);
    std::string expected;
    for (int i = 0; i < 25; ++i) expected += testing::SimLinkClient::message(i);
    for (const auto& r : o.received) EXPECT_EQ(r, expected);
    EXPECT_EQ(o.stats.open, 0u);
    EXPECT_EQ(o.streams_left, 0u) << "every onward stream is destroyed with its link";
    EXPECT_TRUE(o.violations.empty()) << o.violations.front();
  }
}

TEST(EngineOnwardSim, PolicyDecidesWhatAClientMayDo) {
  const std::vector<testing::Behaviour> who = {testing::Behaviour::kGood, testing::Behaviour::kUnknownStreamtype,
                                               testing::Behaviour::kUndeclaredMetadata, testing::Behaviour::kGood};
  Outcome o = run(3, who, 5);
  EXPECT_EQ(o.received[0].size(), o.received[3].size());
  EXPECT_FALSE(o.received[0].empty());
  EXPECT_TRUE(o.create_failed[1]);
  EXPECT_TRUE(o.ended[2]) << "undeclared metadata drops the client";
  EXPECT_TRUE(o.received[2].empty());
  EXPECT_EQ(o.stats.dropped_misbehaving, 1u);
  EXPECT_TRUE(o.violations.empty());
}

// A client that pushes 400 KB as fast as it can, through a proxy whose
// onward link carries 100 KB/s: the proxy stops reading the client while its
// buffer is full (TCP holds the client back) instead of dropping it, and
// every byte comes back in order.
TEST(EngineOnwardSim, AFastClientIsSlowedDownNotDropped) {
  const std::vector<testing::Behaviour> who = {testing::Behaviour::kBulk, testing::Behaviour::kGood};
  Outcome o = run(11, who, 100, 100 * 1000);
  std::string expected;
  for (int i = 0; i < 100; ++i) {
    std::string chunk(4000, static_cast<char>('a' + i % 26));
    const std::string mark = "#" + std::to_string(i) + ";";
    std::copy(mark.begin(), mark.end(), chunk.begin());
    expected += chunk;
  }
  EXPECT_EQ(o.received[0].size(), expected.size());
  EXPECT_TRUE(o.received[0] == expected) << "bulk bytes differ";
  EXPECT_EQ(o.stats.dropped_misbehaving, 0u);
  EXPECT_FALSE(o.ended[0]) << "the fast client was dropped";
  EXPECT_TRUE(o.violations.empty()) << o.violations.front();
}

TEST(EngineOnwardSim, SameSeedSameTrace) {
  const std::vector<testing::Behaviour> who(3, testing::Behaviour::kGood);
  EXPECT_EQ(run(7, who, 5).hash, run(7, who, 5).hash);
  EXPECT_NE(run(7, who, 5).hash, run(8, who, 5).hash);
}

// CREATE_RESULT's list is the primary and its rideshare chain, without a
// leading comma; a chain the frame cannot hold (4 streamtypes, 127 bytes)
// is refused rather than cut, since the client follows the chain by it.
TEST(EngineOnwardSim, TheRideshareChainIsListedWholeOrRefused) {
  auto parsed = policy::parse_policy(R"({"s": [
    {"a": {"protocol": "raw", "endpoint": "server", "port": 7, "rideshare": "b"}},
    {"b": {"protocol": "raw", "rideshare": "c"}},
    {"c": {"protocol": "raw"}},
    {"v": {"protocol": "raw", "endpoint": "server", "port": 7, "rideshare": "w"}},
    {"w": {"protocol": "raw", "rideshare": "x"}}, {"x": {"protocol": "raw", "rideshare": "y"}},
    {"y": {"protocol": "raw", "rideshare": "z"}}, {"z": {"protocol": "raw"}}]})");
  ASSERT_TRUE(parsed.ok());
  sim::World world(sim::WorldOptions{});
  const int box = world.add_host("box");
  stream::Context ctx(sim::testing::context_config(world, box, parsed.policy, 1));
  proto::raw::register_raw_binding(ctx);
  EngineOnwardFactory factory(ctx);
  struct Quiet final : OnwardEvents {
    void onward_state(std::uint32_t, std::uint32_t) override {}
    void onward_rx(std::uint32_t, std::span<const std::uint8_t>, const std::optional<std::string>&) override {}
    void onward_metadata(const std::string&, const std::string&) override {}
    void onward_tx_credit(std::int32_t) override {}
    std::optional<TxPiece> onward_take_tx() override { return std::nullopt; }
  } events;
  auto created = factory.create(CreateOnward{"a"}, &events);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->streamtypes, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(wire::CreateResultFrame::ok(0, created->streamtypes).list, "a,b,c");
  auto too_long = factory.create(CreateOnward{"v"}, &events);
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().message().find("rideshare chain (5 streamtypes"), std::string::npos)
      << too_long.error().message();
  EXPECT_EQ(ctx.stream_count(), 1u);  // only "a"'s onward stream was made
}

}  // namespace
}  // namespace ss::proxy
