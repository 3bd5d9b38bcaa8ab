// MQTT streams through the SS proxy in the simulator: a proxied client
// (ClientLink over the simulated @proxy.ss.lws socket) asks for an mqtt
// streamtype; the proxy's onward stream publishes to the simulated broker
// and subscribes to the same topic (${tag} metadata from the client), so
// each message comes back to the client as rx, and each QoS 1 PUBACK as
// QOS_ACK_REMOTE. Also with a broker that drops PUBACKs: the onward stream
// resends with DUP and the client still hears one state per message.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "sim/peers/mqtt_broker.h"
#include "sim/scenarios/proxy/sim_proxy_process.h"
#include "sim/testing/sim_link_client.h"
#include "sim/world.h"

namespace ss::sim {
namespace {

using enum stream::State;

const char* kPolicy = R"({"release":"1","product":"mqtt-proxy","schema-version":1,
  "retry":[{"r":{"backoff":[200,400],"conceal":10,"jitterpc":1}}],
  "s":[{"mqtt-echo":{"endpoint":"broker","port":1883,"protocol":"mqtt","retry":"r",
        "mqtt_topic":"echo/${tag}","mqtt_subscribe":"echo/${tag}","mqtt_qos":1,
        "metadata":[{"tag":""}]}}]})";

struct Outcome {
  std::string received, expected;
  std::vector<stream::State> states;
  std::vector<std::string> broker_topics;
  std::size_t violations = 0;
};

Outcome run(peers::MqttBrokerOptions bo, int messages) {
  WorldOptions wo;
  wo.seed = 21;
  World world(wo);
  const int host = world.add_host("proxyhost");
  const int broker_host = world.add_host("broker");
  peers::MqttBroker broker(world.loop(), world.net_for(broker_host), Endpoint::tcp("0.0.0.0", 1883), bo);
  EXPECT_TRUE(broker.start().ok());
  SimProxyProcess proxy;
  SimProxyOptions po;
  po.with_mqtt = true;
  EXPECT_TRUE(proxy.start(world, host, kPolicy, 5, po));
  proxy::testing::SimLinkClient client(world, world.net_for(host), proxy::testing::Behaviour::kGood, messages,
                                       "mqtt-echo");
  world.run_for(seconds(40));
  Outcome out;
  out.received = client.received;
  out.expected = client.all_messages();
  out.states = client.states;
  for (const auto& r : broker.received()) out.broker_topics.push_back(r.topic + (r.dup ? " dup" : ""));
  client.close();
  world.run_for(seconds(2));
  proxy.check_empty(world);
  out.violations = world.violations().size();
  for (const auto& v : world.violations()) ADD_FAILURE() << v;
  return out;
}

TEST(MqttProxySim, PublishAndSubscribeThroughTheProxy) {
  Outcome o = run({}, 4);
  EXPECT_EQ(o.received, o.expected);
  EXPECT_EQ(std::count(o.states.begin(), o.states.end(), kConnected), 1);
  EXPECT_EQ(std::count(o.states.begin(), o.states.end(), kQosAckRemote), 4);
  EXPECT_EQ(o.broker_topics, (std::vector<std::string>(4, "echo/t")));  // ${tag} = "t", set by the client
  EXPECT_EQ(o.violations, 0u);
}

TEST(MqttProxySim, DroppedPubacksAreResentBehindTheProxy) {
  peers::MqttBrokerOptions bo;
  bo.drop_puback_pct = 50;
  bo.seed = 5;
  Outcome o = run(bo, 4);
  const auto dups = std::count(o.broker_topics.begin(), o.broker_topics.end(), "echo/t dup");
  EXPECT_GT(dups, 0);
  // Every message came back at least once (duplicates are QoS 1's right),
  // and the client heard exactly one ACK or NACK per message.
  for (int i = 0; i < 4; ++i)
    EXPECT_NE(o.received.find(proxy::testing::SimLinkClient::message(i)), std::string::npos) << i;
  EXPECT_EQ(std::count(o.states.begin(), o.states.end(), kQosAckRemote) + std::count(o.states.begin(), o.states.end(), kQosNackRemote),
            4);
  EXPECT_EQ(o.violations, 0u);
}

}  // namespace
}  // namespace ss::sim
