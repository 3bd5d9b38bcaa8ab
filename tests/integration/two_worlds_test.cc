// Two worlds (docs/posix.md): same engine, two worlds. Each Scenario below is one
// description (policy text with the peer's port as its parameter, the
// stream's actions, the expected state sequence and rx bytes); drive() runs
// it unchanged
//   (a) in the simulator: ss::sim::World, the peer on the client's own host
//       (127.0.0.1 is loopback there as well) with sim::EchoServer or
//       sim::peers::HttpServer (or nothing), and
//   (b) on the posix backend against socat / nginx (or a free port),
// and both runs must give exactly the scenario's sequence and bytes.
//
// The stream's actions, the same in both worlds: create, request_tx (send
// `send` once, if any); when the expected rx has arrived, or an ACK / NACK /
// ALL_RETRIES_FAILED was heard, let 300 ms pass, then destroy the stream.
#include <functional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/echo.h"
#include "sim/peers/http_server.h"
#include "sim/world.h"
#include "tests/integration/stack_fixture.h"

namespace ss::itest {
namespace {

using S = State;

enum class Peer { kEcho, kHttp, kNothing };

struct Scenario {
  const char* name;
  Peer peer;
  std::string (*policy)(int port);
  const char* streamtype;
  std::string send;
  std::string expect_rx;
  std::vector<S> expect;
  bool check_rx = true;  // false: the error body's text is the server's own
};

void PrintTo(const Scenario& s, std::ostream* os) { *os << s.name; }

std::string raw_policy(int port) {
  return R"({"release":"1","product":"two-worlds","schema-version":1,)"
         R"("retry":[{"r":{"backoff":[100,200],"conceal":2,"jitterpc":0}}],)"
         R"("s":[{"echo":{"endpoint":"127.0.0.1","port":)" +
         std::to_string(port) + R"(,"protocol":"raw","retry":"r"}}]})";
}

std::string http_policy(int port) {
  const std::string p = std::to_string(port);
  return R"({"release":"1","product":"two-worlds","schema-version":1,)"
         R"("retry":[{"r":{"backoff":[100,200],"conceal":2,"jitterpc":0}}],"s":[)"
         R"({"get":{"endpoint":"127.0.0.1","port":)" + p +
         R"(,"protocol":"h1","http_method":"GET","http_url":"index.txt","retry":"r",)"
         R"("opportunistic":true,"timeout_ms":5000}},)"
         R"({"busy":{"endpoint":"127.0.0.1","port":)" + p +
         R"(,"protocol":"h1","http_method":"GET","http_url":"busy","retry":"r",)"
         R"("opportunistic":true,"timeout_ms":5000}}]})";
}

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> kAll = {
      {"raw_echo", Peer::kEcho, raw_policy, "echo", "one scenario, two worlds",
       "one scenario, two worlds",
       {S::kCreating, S::kPoll, S::kConnecting, S::kConnected, S::kDisconnected,
        S::kDestroying}},
      {"nothing_listening", Peer::kNothing, raw_policy, "echo", "unheard", "",
       {S::kCreating, S::kPoll, S::kConnecting, S::kUnreachable, S::kPoll, S::kConnecting,
        S::kUnreachable, S::kPoll, S::kConnecting, S::kUnreachable, S::kAllRetriesFailed,
        S::kDestroying}},
      {"h1_get", Peer::kHttp, http_policy, "get", "", "hello from nginx\n",
       {S::kCreating, S::kPoll, S::kConnecting, S::kConnected, S::kQosAckRemote,
        S::kDisconnected, S::kDestroying}},
      {"h1_503_retry_after", Peer::kHttp, http_policy, "busy", "", "",
       {S::kCreating, S::kPoll, S::kConnecting, S::kConnected, S::kQosNackRemote,
        S::kDisconnected, S::kDestroying},
       false},
  };
  return kAll;
}

struct Outcome {
  std::vector<S> states;
  std::string rx;
  std::vector<std::string> violations;
};

// Runs `sc` on any world: its Loop and Net, and a way to let loop time pass.
Outcome drive(const Scenario& sc, int port, Loop& loop, Net& net,
              const std::function<void(Micros)>& run_for) {
  Outcome out;
  auto parsed = policy::parse_policy(sc.policy(port));
  EXPECT_TRUE(parsed.ok());
  if (!parsed.ok()) return out;
  stream::Context::Config config;
  config.loop = &loop;
  config.net = &net;
  config.seed = 1;
  config.policy = parsed.policy;
  config.hooks.violation = [&out](std::string_view v) { out.violations.emplace_back(v); };
  StreamContext ctx(std::move(config));
  Client c;
  c.message = sc.send;
  auto s = ctx.create(sc.streamtype, c.handlers());
  EXPECT_TRUE(s.ok());
  if (!s.ok()) return out;
  s->request_tx();
  auto done = [&] {
    return (!sc.expect_rx.empty() && c.got.size() >= sc.expect_rx.size()) ||
           c.saw(S::kQosAckRemote) || c.saw(S::kQosNackRemote) || c.saw(S::kAllRetriesFailed);
  };
  const Micros end = loop.now() + seconds(10);
  while (!done() && loop.now() < end) run_for(millis(10));
  run_for(millis(300));
  s->reset();
  run_for(millis(20));
  out.states = c.states;
  out.rx = c.got;
  return out;
}

constexpr int kSimPort = 8080;

Outcome in_simulator(const Scenario& sc) {
  sim::World world(sim::WorldOptions{.seed = 7});
  // 127.0.0.1 is the connecting host itself in the simulator too, so the
  // peer listens on the client's host, as socat and nginx do here.
  const int client = world.add_host("client");
  const int server = client;
  const Endpoint at = Endpoint::tcp("0.0.0.0", kSimPort);
  std::unique_ptr<sim::EchoServer> echo;
  std::unique_ptr<sim::peers::HttpServer> http;
  if (sc.peer == Peer::kEcho) {
    echo = std::make_unique<sim::EchoServer>(world, server, at);
    EXPECT_TRUE(echo->start().ok());
  } else if (sc.peer == Peer::kHttp) {
    http = std::make_unique<sim::peers::HttpServer>(world.loop(), world.net_for(server), at);
    sim::peers::HttpRoute index;
    index.path = "/index.txt";
    index.body = "hello from nginx\n";
    http->route(index);
    sim::peers::HttpRoute busy;
    busy.path = "/busy";
    busy.status = 503;
    busy.reason = "Service Temporarily Unavailable";
    busy.body = "busy\n";
    busy.retry_after = 1;
    http->route(busy);
    EXPECT_TRUE(http->start().ok());
  }
  Outcome out = drive(sc, kSimPort, world.loop(), world.net_for(client),
                      [&world](Micros span) { world.run_for(span); });
  for (const auto& v : world.violations()) out.violations.push_back(v);
  return out;
}

Outcome on_posix(const Scenario& sc) {
  posix::EpollLoop loop;
  posix::PosixNet net(loop);
  int port = 0;
  switch (sc.peer) {
    case Peer::kEcho: port = std::stoi(env("SS_SOCAT_PORT")); break;
    case Peer::kHttp: port = std::stoi(env("SS_NGINX_PORT")); break;
    case Peer::kNothing: port = free_port(); break;
  }
  Outcome out = drive(sc, port, loop, net, [&loop](Micros span) {
    const Micros end = loop.now() + span;
    while (loop.now() < end) loop.run_once(end - loop.now());
  });
  for (int i = 0; i < 3; ++i) loop.run_once(0);
  return out;
}

class TwoWorlds : public ::testing::TestWithParam<Scenario> {};

TEST_P(TwoWorlds, SameSequenceInSimulatorAndOnRealPeers) {
  const Scenario& sc = GetParam();
  const Outcome sim = in_simulator(sc);
  EXPECT_EQ(sim.states, sc.expect) << "simulator: " << names(sim.states);
  if (sc.check_rx) {
    EXPECT_EQ(sim.rx, sc.expect_rx) << "simulator";
  }
  EXPECT_TRUE(sim.violations.empty()) << sim.violations.front();

  if (env("SS_SOCAT_PORT").empty() || env("SS_NGINX_PORT").empty()) {
    GTEST_SKIP() << "real peers not started (run through run_with_peers.sh)";
  }
  const Outcome real = on_posix(sc);
  EXPECT_EQ(real.states, sc.expect) << "posix: " << names(real.states);
  if (sc.check_rx) {
    EXPECT_EQ(real.rx, sc.expect_rx) << "posix";
  }
  EXPECT_TRUE(real.violations.empty()) << real.violations.front();
  EXPECT_EQ(sim.states, real.states);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, TwoWorlds, ::testing::ValuesIn(scenarios()),
                         [](const ::testing::TestParamInfo<Scenario>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace ss::itest
