// h2 streams through the SS proxy in the simulator: a proxied client
// (ClientLink over the simulated @proxy.ss.lws socket) asks for an h2
// streamtype, and the proxy's onward stream speaks h2 to the simulated h2
// server. A POST echo comes back whole; a GET with a small peer tx credit
// gets only what was granted, and the client's later grants travel as
// TXCR_UPDATE frames to the onward stream, whose h2 window they open (two
// grants queued before one write add up: docs/proxy.md "Credit").
#include <string>

#include <gtest/gtest.h>

#include "sim/peers/h2_server.h"
#include "sim/scenarios/proxy/sim_proxy_process.h"
#include "sim/testing/sim_link_client.h"
#include "sim/world.h"

namespace ss::sim {
namespace {

using enum stream::State;

const char* kPolicy = R"({"release":"1","product":"h2-proxy","schema-version":1,
  "retry":[{"r":{"backoff":[200,400],"conceal":10,"jitterpc":1}}],
  "s":[{"h2-echo":{"endpoint":"h2srv","port":80,"protocol":"h2","retry":"r","http_method":"POST",
        "http_url":"echo","opportunistic":true,"metadata":[{"tag":""}]}},
       {"h2-get":{"endpoint":"h2srv","port":80,"protocol":"h2","retry":"r","http_method":"GET",
        "http_url":"bytes/5000/3","opportunistic":true,"metadata":[{"tag":""}]}}]})";

std::string body(std::size_t n, std::uint64_t tag) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(peers::h2_body_byte(tag, i));
  return s;
}

struct Bed {
  Bed() : world(options()) {
    host = world.add_host("proxyhost");
    const int server_host = world.add_host("h2srv");
    server.emplace(world.loop(), world.net_for(server_host), Endpoint::tcp("0.0.0.0", 80));
    EXPECT_TRUE(server->start().ok());
    SimProxyOptions po;
    po.with_h2 = true;
    EXPECT_TRUE(proxy.start(world, host, kPolicy, 5, po));
  }
  static WorldOptions options() {
    WorldOptions wo;
    wo.seed = 23;
    return wo;
  }
  void finish(proxy::testing::SimLinkClient& client) {
    client.close();
    world.run_for(seconds(2));
    proxy.check_empty(world);
    for (const auto& v : world.violations()) ADD_FAILURE() << v;
  }
  World world;
  int host = 0;
  std::optional<peers::H2Server> server;
  SimProxyProcess proxy;
};

TEST(H2ProxySim, PostEchoThroughTheProxy) {
  Bed bed;
  proxy::testing::SimLinkClient client(bed.world, bed.world.net_for(bed.host), proxy::testing::Behaviour::kGood, 1,
                                       "h2-echo");
  bed.world.run_for(seconds(5));
  EXPECT_EQ(client.received, client.all_messages());
  EXPECT_EQ(std::count(client.states.begin(), client.states.end(), kConnected), 1);
  EXPECT_EQ(std::count(client.states.begin(), client.states.end(), kQosAckRemote), 1);
  EXPECT_EQ(bed.server->stats().requests, 1u);
  bed.finish(client);
}

TEST(H2ProxySim, ClientCreditOpensTheOnwardWindowAndQueuedGrantsAdd) {
  Bed bed;
  proxy::testing::SimLinkClient client(bed.world, bed.world.net_for(bed.host), proxy::testing::Behaviour::kGood, 0,
                                       "h2-get", Endpoint::unix_abstract("proxy.ss.lws"), 1000);
  bed.world.run_for(seconds(3));
  EXPECT_EQ(client.received, body(1000, 3)) << "only the initial credit may come";
  // Two grants before the next write: one TXCR_UPDATE of 2000 + 2000.
  client.add_peer_tx_credit(2000);
  client.add_peer_tx_credit(2000);
  client.flush_now();
  bed.world.run_for(seconds(3));
  EXPECT_EQ(client.received, body(5000, 3)) << "a queued grant replaced the one before it";
  EXPECT_EQ(std::count(client.states.begin(), client.states.end(), kQosAckRemote), 1);
  bed.finish(client);
}

}  // namespace
}  // namespace ss::sim
