// Streams to one broker share one MQTT connection (docs/protocols.md
// "MQTT: one connection per broker"), in the simulator against
// sim/peers/MqttBroker: one CONNECT for all, each stream's own
// subscription and acks, a filter subscribed once however many streams
// want it, a stream that goes takes only its own topics with it, and every
// stream's state follows the shared connection when it breaks.
#include "runtime/bind/mqtt/mqtt_sim_rig.h"

namespace ss::proto::mqtt {
namespace {

using namespace sim_rig;
using Rx = std::vector<std::pair<std::string, std::uint32_t>>;
using States = std::vector<stream::State>;

// Streamtypes "a" and "b": QoS 1, publishing to a/out, b/out and
// subscribed to `filter_a`, `filter_b`.
void two_streamtypes(Rig& rig, const std::string& filter_a, const std::string& filter_b) {
  for (const auto& [name, filter] : {std::pair{"a", filter_a}, std::pair{"b", filter_b}}) {
    auto& st = rig.add(name);
    st.mqtt_topic = std::string(name) + "/out";
    st.mqtt_subscribe = filter;
    st.mqtt_qos = 1;
  }
}

TEST(MqttSharedSim, TwoStreamsOneConnectionEachItsOwnTopicsAndAcks) {
  Rig rig;
  two_streamtypes(rig, "a/in", "b/in");
  rig.start();
  auto& a = rig.open("a", {"from-a"});
  auto& b = rig.open("b");
  rig.world.run_for(seconds(2));
  EXPECT_EQ(rig.broker->connections(), 1u);
  EXPECT_EQ(rig.broker->subscribes(), 2u);
  rig.broker->publish("a/in", "for-a", 1, false);
  rig.broker->publish("b/in", "for-b", 1, false);
  rig.world.run_for(seconds(1));
  EXPECT_EQ(a.rx, (Rx{{"for-a", SOM | EOM}}));
  EXPECT_EQ(b.rx, (Rx{{"for-b", SOM | EOM}}));
  // Only the stream that published hears the PUBACK.
  EXPECT_EQ(a.states, (States{kCreating, kConnecting, kConnected, kQosAckRemote}));
  EXPECT_EQ(b.states, (States{kCreating, kConnecting, kConnected}));
  EXPECT_EQ(topics(*rig.broker), (std::vector<std::string>{"a/out=from-a", "a/in=for-a", "b/in=for-b"}));
  rig.finish();
}

TEST(MqttSharedSim, ADestroyedStreamUnsubscribesOnlyItsOwnTopic) {
  Rig rig;
  two_streamtypes(rig, "a/in", "b/in");
  rig.start();
  auto& a = rig.open("a");
  auto& b = rig.open("b");
  rig.world.run_for(seconds(2));
  a.s->destroy();
  rig.world.run_for(seconds(1));
  EXPECT_EQ(rig.broker->unsubscribes(), 1u);
  rig.broker->publish("a/in", "late-a", 1, false);
  rig.broker->publish("b/in", "still-b", 1, false);
  rig.world.run_for(seconds(1));
  EXPECT_TRUE(a.rx.empty());
  EXPECT_EQ(b.rx, (Rx{{"still-b", SOM | EOM}}));
  // b never noticed: same connection, no DISCONNECTED.
  EXPECT_EQ(b.states, (States{kCreating, kConnecting, kConnected}));
  EXPECT_EQ(rig.broker->connections(), 1u);
  rig.finish();
}

TEST(MqttSharedSim, AFilterIsSubscribedOnceAndUnsubscribedByTheLastStream) {
  Rig rig;
  two_streamtypes(rig, "t/+", "t/+");
  rig.start();
  auto& a = rig.open("a");
  auto& b = rig.open("b");
  rig.world.run_for(seconds(2));
  EXPECT_EQ(rig.broker->subscribes(), 1u);
  EXPECT_EQ(b.states, (States{kCreating, kConnecting, kConnected}));  // on the SUBACK a's SUBSCRIBE got
  rig.broker->publish("t/x", "both", 1, false);
  rig.world.run_for(seconds(1));
  EXPECT_EQ(a.rx, (Rx{{"both", SOM | EOM}}));
  EXPECT_EQ(b.rx, (Rx{{"both", SOM | EOM}}));
  a.s->destroy();
  rig.world.run_for(seconds(1));
  EXPECT_EQ(rig.broker->unsubscribes(), 0u);  // b still wants t/+
  rig.broker->publish("t/y", "b-only", 1, false);
  rig.world.run_for(seconds(1));
  EXPECT_EQ(b.rx, (Rx{{"both", SOM | EOM}, {"b-only", SOM | EOM}}));
  rig.finish();
}

TEST(MqttSharedSim, LateJoinerOnAnUpConnectionSubscribesItself) {
  Rig rig;
  two_streamtypes(rig, "a/in", "b/in");
  rig.start();
  rig.open("a");
  rig.world.run_for(seconds(2));
  auto& b = rig.open("b");
  rig.world.run_for(seconds(1));
  EXPECT_EQ(b.states, (States{kCreating, kConnecting, kConnected}));
  EXPECT_EQ(rig.broker->connections(), 1u);
  EXPECT_EQ(rig.broker->subscribes(), 2u);
  rig.finish();
}

TEST(MqttSharedSim, EveryStreamFollowsTheSharedConnectionDownAndUp) {
  Rig rig;
  two_streamtypes(rig, "a/in", "b/in");
  policy::RetryPolicy rp;
  rp.backoff_ms = {500, 1000};
  rp.conceal = 100;
  rig.start(rp);
  auto& a = rig.open("a");
  auto& b = rig.open("b");
  rig.world.run_for(seconds(2));
  rig.broker.reset();  // the broker goes away and comes back on the same address
  rig.world.run_for(seconds(3));
  rig.broker.emplace(rig.world.loop(), rig.world.net_for(rig.server), Endpoint::tcp("", 1883));
  ASSERT_TRUE(rig.broker->start().ok());
  rig.world.run_for(seconds(5));
  for (const auto* c : {&a, &b}) {
    ASSERT_GE(c->states.size(), 5u);
    EXPECT_EQ(States(c->states.begin(), c->states.begin() + 4), (States{kCreating, kConnecting, kConnected, kDisconnected}));
    EXPECT_EQ(c->states.back(), kConnected);
  }
  // Both back on one new connection, each subscribed again.
  EXPECT_EQ(rig.broker->connections(), 1u);
  EXPECT_EQ(rig.broker->subscribes(), 2u);
  rig.broker->publish("b/in", "again", 1, false);
  rig.world.run_for(seconds(1));
  EXPECT_EQ(b.rx, (Rx{{"again", SOM | EOM}}));
  rig.finish();
}

}  // namespace
}  // namespace ss::proto::mqtt
