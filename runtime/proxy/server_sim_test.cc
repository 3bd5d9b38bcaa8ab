// ProxyServer in the simulator: many client processes (each a ClientLink
// over a simulated unix socket) use one proxy whose onward streams echo.
// Well-behaved clients get every echo back, in order, whatever the
// segmentation; misbehaving clients are dropped with a reason while the
// others go on; nothing is left behind when everyone is done.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/proxy/client_link.h"
#include "sim/testing/sim_link_client.h"
#include "runtime/proxy/server.h"
#include "runtime/wire/encoder.h"
#include "sim/world.h"

namespace ss::proxy {
namespace {

// Onward streams that echo each payload piece back as rx. "echo" exists;
// any other streamtype does not. Metadata "tag" is declared; others are not.
class EchoOnward final : public OnwardStream {
 public:
  EchoOnward(Loop& loop, OnwardEvents* events) : loop_(loop), events_(events), alive_(std::make_shared<bool>(true)) {
    later([this] { events_->onward_state(1, 0); });  // CREATING
  }
  ~EchoOnward() override { *alive_ = false; }
  void connect() override {
    later([this] {
      events_->onward_state(6, 0);  // CONNECTING
      events_->onward_state(5, 0);  // CONNECTED
    });
  }
  bool takes_tx = true;  // false: like an h1 GET, it never asks for payload
  void request_tx() override {
    if (!takes_tx) return;
    later([this] {
      while (auto piece = events_->onward_take_tx())
        events_->onward_rx(piece->flags, piece->payload, std::nullopt);
    });
  }
  Error set_metadata(const std::string& name, const std::string&) override {
    if (name != "tag") return make_error(ErrorCode::kNotFound, "metadata '" + name + "' is not declared");
    return Error();
  }
  void set_timeout(std::uint32_t) override {}
  void request_tx_len(std::uint32_t) override {}
  void add_peer_tx_credit(std::int32_t) override {}
  void pause_rx(bool) override {}

 private:
  void later(std::function<void()> fn) {
    std::weak_ptr<bool> alive = alive_;
    loop_.post([alive, fn = std::move(fn)] {
      if (auto a = alive.lock(); a && *a) fn();
    });
  }
  Loop& loop_;
  OnwardEvents* events_;
  std::shared_ptr<bool> alive_;
};

class EchoFactory final : public OnwardFactory {
 public:
  explicit EchoFactory(Loop& loop) : loop_(loop) {}
  Result<OnwardCreated> create(const CreateOnward& request, OnwardEvents* events) override {
    if (request.streamtype != "echo")
      return make_error(ErrorCode::kNotFound, "streamtype '" + request.streamtype + "' is not in the policy");
    ++created;
    OnwardCreated created;
    auto onward = std::make_unique<EchoOnward>(loop_, events);
    onward->takes_tx = takes_tx;
    created.stream = std::move(onward);
    created.streamtypes = {"echo"};
    return created;
  }
  int created = 0;
  bool takes_tx = true;

 private:
  Loop& loop_;
};

struct Outcome {
  std::vector<std::unique_ptr<testing::SimLinkClient>> clients;
  std::map<std::uint64_t, std::string> closed;
  ProxyStats stats;
  std::size_t open_after_all_closed = 0;
  std::uint64_t hash = 0;
};

Outcome run(std::uint64_t seed, const std::vector<testing::Behaviour>& who, int messages) {
  sim::WorldOptions options;
  options.seed = seed;
  options.segmentation = {1, 64};  // frames split and merged every which way
  sim::World world(options);
  const int box = world.add_host("box");
  EchoFactory factory(world.loop());
  Outcome out;
  ProxyServerOptions po;
  po.on_link_closed = [&](std::uint64_t id, const std::string& reason) { out.closed[id] = reason; };
  ProxyServer proxy(world.loop(), world.net_for(box), factory, po);
  EXPECT_TRUE(proxy.start().ok());
  for (testing::Behaviour b : who) out.clients.push_back(std::make_unique<testing::SimLinkClient>(world, world.net_for(box), b, messages));
  const auto r = world.run_until_idle(5'000'000);
  EXPECT_TRUE(r.idle) << "the run must come to rest (no livelock)";
  out.stats = proxy.stats();
  // Then every client process goes away: every link must be reaped.
  for (auto& c : out.clients) c->close();
  EXPECT_TRUE(world.run_until_idle(5'000'000).idle);
  out.open_after_all_closed = proxy.stats().open;
  out.hash = world.trace().hash();
  return out;
}

TEST(ProxyServerSim, GoodClientsGetEveryEchoInOrder) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(seed);
    Outcome o = run(seed, std::vector<testing::Behaviour>(5, testing::Behaviour::kGood), 20);
    for (const auto& c : o.clients) {
      ASSERT_EQ(c->echoes.size(), 20u);
      for (int i = 0; i < 20; ++i) EXPECT_EQ(c->echoes[i], testing::SimLinkClient::message(i));
      EXPECT_EQ(c->states, (std::vector<stream::State>{stream::State::kConnecting, stream::State::kConnected}));
    }
    EXPECT_EQ(o.stats.accepted, 5u);
    EXPECT_EQ(o.stats.dropped_misbehaving, 0u);
    EXPECT_EQ(o.open_after_all_closed, 0u);
  }
}

TEST(ProxyServerSim, MisbehavingClientsAreDroppedAndTheOthersGoOn) {
  const std::vector<testing::Behaviour> who = {testing::Behaviour::kGood, testing::Behaviour::kGarbageAfterCreate, testing::Behaviour::kGood,
                                      testing::Behaviour::kSilent, testing::Behaviour::kUnknownStreamtype,
                                      testing::Behaviour::kUndeclaredMetadata, testing::Behaviour::kGood};
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    SCOPED_TRACE(seed);
    Outcome o = run(seed, who, 10);
    for (std::size_t i : {0u, 2u, 6u}) EXPECT_EQ(o.clients[i]->echoes.size(), 10u) << "client " << i;
    EXPECT_TRUE(o.clients[4]->create_failed);
    EXPECT_TRUE(o.clients[1]->echoes.empty());
    EXPECT_TRUE(o.clients[5]->echoes.empty());
    for (std::size_t i : {1u, 3u, 4u, 5u}) EXPECT_TRUE(o.clients[i]->ended.has_value()) << "client " << i;
    EXPECT_EQ(o.stats.dropped_misbehaving, 3u) << "garbage, silent, undeclared metadata";
    EXPECT_EQ(o.stats.open, 3u) << "only the three good clients still hold links";
    EXPECT_EQ(o.open_after_all_closed, 0u) << "every link is reaped once its client is gone";
    std::vector<std::string> reasons;
    for (const auto& [id, reason] : o.closed) reasons.push_back(reason);
    auto has = [&](const std::string& part) {
      return std::any_of(reasons.begin(), reasons.end(),
                         [&](const std::string& r) { return r.find(part) != std::string::npos; });
    };
    EXPECT_TRUE(has("unknown frame type 0x42"));
    EXPECT_TRUE(has("no STREAMTYPE within 3000 ms"));
    EXPECT_TRUE(has("streamtype 'spam' is not in the policy"));
    EXPECT_TRUE(has("METADATA 'nope' refused"));
  }
}

TEST(ProxyServerSim, SameSeedSameTrace) {
  const std::vector<testing::Behaviour> who = {testing::Behaviour::kGood, testing::Behaviour::kGarbageAfterCreate, testing::Behaviour::kGood};
  EXPECT_EQ(run(99, who, 5).hash, run(99, who, 5).hash);
  EXPECT_NE(run(99, who, 5).hash, run(100, who, 5).hash);
}

}  // namespace
}  // namespace ss::proxy

namespace ss::proxy {
namespace {

// 2,000 links from one hostile host, each sending STREAMTYPE and half a
// frame: the host gets max_links_per_client of them, the rest are refused
// at once; a good client from another host is served at once; the frame
// deadline then reaps the hostile links that were let in.
TEST(ProxyServerSim, HostileLinksCannotStarveAGoodClient) {
  sim::WorldOptions options;
  options.seed = 7;
  sim::World world(options);
  const int proxy_host = world.add_host("proxy", "10.9.0.1");
  const int evil = world.add_host("evil", "10.9.0.2");
  const int good = world.add_host("good", "10.9.0.3");
  EchoFactory factory(world.loop());
  ProxyServerOptions po;
  po.listen = Endpoint::tcp("0.0.0.0", 4444);
  std::vector<std::string> refusals;
  po.on_link_closed = [&](std::uint64_t id, const std::string& reason) {
    if (id == 0) refusals.push_back(reason);
  };
  ProxyServer proxy(world.loop(), world.net_for(proxy_host), factory, po);
  ASSERT_TRUE(proxy.start().ok());
  const Endpoint at = Endpoint::tcp("10.9.0.1", 4444);
  std::vector<std::unique_ptr<testing::SimLinkClient>> hostile;
  for (int i = 0; i < 2000; ++i)
    hostile.push_back(std::make_unique<testing::SimLinkClient>(world, world.net_for(evil), testing::Behaviour::kHalfFrame,
                                                                1, "echo", at));
  world.run_for(seconds(1));
  EXPECT_EQ(proxy.stats().open, po.max_links_per_client);
  EXPECT_EQ(proxy.stats().refused_client_limit, 2000u - po.max_links_per_client);
  ASSERT_FALSE(refusals.empty());
  EXPECT_NE(refusals.front().find("max_links_per_client"), std::string::npos) << refusals.front();
  std::size_t refused_ended = 0;
  for (const auto& h : hostile) refused_ended += h->ended.has_value();
  EXPECT_EQ(refused_ended, 2000u - po.max_links_per_client) << "a refused client learns at once";

  const Micros asked = world.now();
  testing::SimLinkClient client(world, world.net_for(good), testing::Behaviour::kGood, 5, "echo", at);
  world.run_for(millis(500));
  EXPECT_EQ(client.echoes.size(), 5u) << "the good client is served while the hostile links are open";
  EXPECT_LT(world.now() - asked, seconds(1));

  world.run_for(po.link_limits.frame_timeout);
  EXPECT_EQ(proxy.stats().dropped_deadline, po.max_links_per_client) << "half frames reaped by the frame deadline";
  EXPECT_EQ(proxy.stats().open, 1u) << "only the good client is left";
  client.close();
  EXPECT_TRUE(world.run_until_idle(10'000'000).idle);
  EXPECT_EQ(proxy.stats().open, 0u);
}

}  // namespace
}  // namespace ss::proxy

namespace ss::proxy {
namespace {

// Found by proxy_fuzz (corpus/proxy_fuzz/regression-*): a client sends more
// payload than proxy_buflen to an onward stream that never takes any, so
// the proxy pauses reading it, and then the client leaves. A paused read
// cannot see that; the upload deadline must end the link, its onward
// stream and the payload it holds.
TEST(ProxyServerSim, PausedUploadToAStreamThatNeverSendsEndsByTheDeadline) {
  sim::WorldOptions options;
  options.seed = 3;
  sim::World world(options);
  const int box = world.add_host("box");
  EchoFactory factory(world.loop());
  factory.takes_tx = false;
  ProxyServerOptions po;
  std::vector<std::string> reasons;
  po.on_link_closed = [&](std::uint64_t, const std::string& reason) { reasons.push_back(reason); };
  ProxyServer proxy(world.loop(), world.net_for(box), factory, po);
  ASSERT_TRUE(proxy.start().ok());
  testing::SimLinkClient client(world, world.net_for(box), testing::Behaviour::kBulk, 40);  // 160 KB
  world.run_for(seconds(1));
  ASSERT_EQ(proxy.stats().open, 1u);
  client.close();  // the client process goes away while the proxy does not read it
  world.run_for(po.upload_stall_timeout - seconds(2));
  EXPECT_EQ(proxy.stats().open, 1u) << "nothing ends the link before its deadline";
  world.run_for(seconds(2));
  EXPECT_EQ(proxy.stats().open, 0u) << "the upload deadline ends the link";
  EXPECT_EQ(proxy.stats().dropped_deadline, 1u);
  EXPECT_EQ(proxy.stats().dropped_upload_stalled, 1u);
  EXPECT_EQ(proxy.stats().dropped_misbehaving, 0u) << "not the client's fault";
  ASSERT_FALSE(reasons.empty());
  EXPECT_NE(reasons.back().find("took none of the client's payload"), std::string::npos) << reasons.back();
  EXPECT_TRUE(world.run_until_idle(1'000'000).idle);
}

}  // namespace
}  // namespace ss::proxy
