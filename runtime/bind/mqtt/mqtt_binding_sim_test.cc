// The mqtt binding in the simulator, against sim/peers/MqttBroker: the
// state sequence (docs/secure-streams.md §2.4 "mqtt"), CONNECTED only after
// the SUBACK and the birth's PUBACK, QoS 1 acks, resends with DUP and
// QOS_NACK_REMOTE when they run out, retained messages, ${md} topics,
// refusals, svalidping keeping an idle connection up, wills, and
// reconnecting with a new SUBSCRIBE after the broker restarts.
#include "runtime/bind/mqtt/mqtt_sim_rig.h"

namespace ss::proto::mqtt {
namespace {

using namespace sim_rig;

TEST(MqttBindingSim, PublishSubscribeRoundTripQos1) {
  Rig rig;
  auto& st = rig.add("telemetry");
  st.mqtt_topic = "dev/1/out";
  st.mqtt_subscribe = "dev/+/out";
  st.mqtt_qos = 1;
  rig.start();
  std::size_t subs_at_connected = 0;
  auto& c = rig.open("telemetry", {"hello", "world"});
  c.on_state = [&](State s) {
    if (s == kConnected) subs_at_connected = rig.broker->subscribes();
  };
  rig.world.run_for(seconds(5));
  EXPECT_EQ(subs_at_connected, 1u);  // CONNECTED came after the SUBSCRIBE was answered
  EXPECT_EQ(c.states, (std::vector<stream::State>{kCreating, kConnecting, kConnected, kQosAckRemote, kQosAckRemote}));
  EXPECT_EQ(c.rx, (std::vector<std::pair<std::string, std::uint32_t>>{{"hello", SOM | EOM}, {"world", SOM | EOM}}));
  EXPECT_EQ(topics(*rig.broker), (std::vector<std::string>{"dev/1/out=hello", "dev/1/out=world"}));
  rig.finish();
  EXPECT_EQ(c.states.back(), kDestroying);
}

TEST(MqttBindingSim, Qos0HasNoAckState) {
  Rig rig;
  auto& st = rig.add("t");
  st.mqtt_topic = "a";
  rig.start();
  auto& c = rig.open("t", {"x"});
  rig.world.run_for(seconds(2));
  EXPECT_EQ(c.states, (std::vector<stream::State>{kCreating, kConnecting, kConnected}));
  EXPECT_EQ(topics(*rig.broker), (std::vector<std::string>{"a=x"}));
  rig.finish();
}

TEST(MqttBindingSim, BirthIsAckedBeforeConnected) {
  Rig rig;
  auto& st = rig.add("t");
  st.mqtt_topic = "a";
  st.mqtt_birth_topic = "status/${id}";
  st.mqtt_birth_message = "up ${id}";
  st.mqtt_birth_qos = 1;
  st.metadata.push_back({"id", ""});
  rig.start();
  std::vector<std::string> at_connected;
  auto& c = rig.open("t", {}, {{"id", "dev7"}});
  c.on_state = [&](State s) {
    if (s == kConnected) at_connected = topics(*rig.broker);
  };
  rig.world.run_for(seconds(2));
  EXPECT_EQ(c.states, (std::vector<stream::State>{kCreating, kConnecting, kConnected}));  // the birth's PUBACK is not the user's ACK
  EXPECT_EQ(at_connected, (std::vector<std::string>{"status/dev7=up dev7"}));
  rig.finish();
}

TEST(MqttBindingSim, MetadataInTopicsAndRetainedMessage) {
  Rig rig;
  rig.broker->publish("cfg/dev7", "retained-config", 1, true);
  auto& st = rig.add("t");
  st.mqtt_subscribe = "cfg/${id}";
  st.mqtt_topic = "out/${id}";
  st.mqtt_qos = 1;
  st.metadata.push_back({"id", ""});
  rig.start();
  auto& c = rig.open("t", {"m"}, {{"id", "dev7"}});
  rig.world.run_for(seconds(2));
  EXPECT_EQ(c.rx, (std::vector<std::pair<std::string, std::uint32_t>>{{"retained-config", SOM | EOM}}));
  EXPECT_EQ(topics(*rig.broker).back(), "out/dev7=m");
  rig.finish();
}

TEST(MqttBindingSim, DroppedPubacksResendWithDupThenNack) {
  MqttBrokerOptions bo;
  bo.drop_puback_pct = 100;
  Rig rig(bo);
  auto& st = rig.add("t");
  st.mqtt_topic = "a";
  st.mqtt_qos = 1;
  rig.start();
  auto& c = rig.open("t", {"x"});
  rig.world.run_for(seconds(30));
  EXPECT_EQ(c.states, (std::vector<stream::State>{kCreating, kConnecting, kConnected, kQosNackRemote}));
  // The original and three DUP resends, 3 s apart.
  EXPECT_EQ(topics(*rig.broker), (std::vector<std::string>{"a=x", "a=x(dup)", "a=x(dup)", "a=x(dup)"}));
  rig.finish();
}

TEST(MqttBindingSim, SomeDroppedPubacksStillAck) {
  MqttBrokerOptions bo;
  bo.drop_puback_pct = 50;
  bo.seed = 11;
  Rig rig(bo);
  auto& st = rig.add("t");
  st.mqtt_topic = "a";
  st.mqtt_qos = 1;
  rig.start();
  auto& c = rig.open("t", {"1", "2", "3", "4", "5", "6"});
  rig.world.run_for(seconds(60));
  EXPECT_GT(rig.broker->pubacks_dropped(), 0u);
  const auto acks = std::count(c.states.begin(), c.states.end(), kQosAckRemote);
  const auto nacks = std::count(c.states.begin(), c.states.end(), kQosNackRemote);
  EXPECT_EQ(acks + nacks, 6);
  EXPECT_GT(acks, 0);
  rig.finish();
}

TEST(MqttBindingSim, RefusedConnackIsUnreachable) {
  MqttBrokerOptions bo;
  bo.refuse_code = 5;
  Rig rig(bo);
  rig.add("t").mqtt_topic = "a";
  rig.start();
  auto& c = rig.open("t");
  rig.world.run_for(seconds(2));
  EXPECT_EQ(c.states, (std::vector<stream::State>{kCreating, kConnecting, kUnreachable, kAllRetriesFailed}));
  ASSERT_FALSE(rig.logs.empty());
  EXPECT_NE(rig.logs[0].find("not authorized (CONNACK 5"), std::string::npos) << rig.logs[0];
  EXPECT_EQ(rig.broker->connections(), 1u);
  rig.finish();
}

TEST(MqttBindingSim, RefusedCredentialsRetryAtTheBackoffsPaceNotInALoop) {
  MqttBrokerOptions bo;
  bo.refuse_code = 4;
  Rig rig(bo);
  rig.add("t").mqtt_topic = "a";
  policy::RetryPolicy rp;
  rp.backoff_ms = {1000};
  rp.conceal = 5;
  rig.start(rp);
  auto& c = rig.open("t");
  rig.world.run_for(seconds(3) + millis(500));
  // One attempt at once, then one per second of backoff (plus the round
  // trips of each refusal): 3 or 4 in 3.5 s, never a burst.
  EXPECT_GE(rig.broker->connections(), 3u);
  EXPECT_LE(rig.broker->connections(), 4u);
  EXPECT_EQ(std::count(c.states.begin(), c.states.end(), kUnreachable),
            static_cast<std::ptrdiff_t>(rig.broker->connections()));
  EXPECT_EQ(std::count(c.states.begin(), c.states.end(), kConnected), 0);
  ASSERT_FALSE(rig.logs.empty());
  EXPECT_NE(rig.logs[0].find("bad user name or password (CONNACK 4"), std::string::npos) << rig.logs[0];
  rig.finish();
}

TEST(MqttBindingSim, RefusedSubscriptionIsUnreachable) {
  MqttBrokerOptions bo;
  bo.refuse_subscriptions = true;
  Rig rig(bo);
  rig.add("t").mqtt_subscribe = "secret/#";
  rig.start();
  auto& c = rig.open("t");
  rig.world.run_for(seconds(2));
  EXPECT_EQ(c.states, (std::vector<stream::State>{kCreating, kConnecting, kUnreachable, kAllRetriesFailed}));
  ASSERT_FALSE(rig.logs.empty());
  EXPECT_NE(rig.logs[0].find("refused the subscription to \"secret/#\""), std::string::npos) << rig.logs[0];
  rig.finish();
}

TEST(MqttBindingSim, NoBrokerIsUnreachable) {
  Rig rig;
  auto& st = rig.add("t");
  st.mqtt_subscribe = "ok";
  rig.start();
  // Nothing listens where the broker was.
  rig.broker->stop();
  auto& c = rig.open("t");
  rig.world.run_for(seconds(2));
  EXPECT_EQ(c.states, (std::vector<stream::State>{kCreating, kConnecting, kUnreachable, kAllRetriesFailed}));
  rig.finish();
}

TEST(MqttBindingSim, ValidPingKeepsAnIdleConnectionUp) {
  for (bool ping : {true, false}) {
    Rig rig;
    auto& st = rig.add("t");
    st.mqtt_subscribe = "s";
    policy::RetryPolicy rp;
    rp.secs_since_valid_ping = ping ? 5 : 0;
    rp.secs_since_valid_hangup = 12;
    rig.start(rp);
    auto& c = rig.open("t");
    rig.world.run_for(seconds(60));
    if (ping) {
      EXPECT_EQ(c.states, (std::vector<stream::State>{kCreating, kConnecting, kConnected})) << "pings answered: no hangup";
    } else {
      EXPECT_EQ(std::vector<stream::State>(c.states.begin(), c.states.begin() + 4), (std::vector<stream::State>{kCreating, kConnecting, kConnected, kDisconnected}))
          << "no pings: hung up after 12 s of silence";
    }
    rig.finish();
  }
}

// A broker that takes the connection and never sends CONNACK, with
// svalidping 1 s and svalidhup 3 s: no PINGREQ before CONNACK (and no timer
// spinning at an instant already past: found by mqtt_stream_fuzz as a run
// of millions of events), the hang-up at 3 s.
TEST(MqttBindingSim, NoConnackHangsUpWithoutSpinning) {
  MqttBrokerOptions bo;
  bo.silent = true;
  Rig rig(bo);
  rig.add("t").mqtt_subscribe = "s";
  policy::RetryPolicy rp;
  rp.secs_since_valid_ping = 1;
  rp.secs_since_valid_hangup = 3;
  rig.start(rp);
  auto& c = rig.open("t");
  const auto r = rig.world.run_for(seconds(3) + millis(500), 10'000);
  EXPECT_FALSE(r.livelock);
  EXPECT_LT(r.events, 200u);
  EXPECT_EQ(c.states, (std::vector<stream::State>{kCreating, kConnecting, kUnreachable, kAllRetriesFailed}));
  ASSERT_FALSE(rig.logs.empty());
  EXPECT_NE(rig.logs[0].find("nothing from the broker for 3 s"), std::string::npos) << rig.logs[0];
  rig.finish();
}

// A broker that hangs behind a live connection (MqttBroker::freeze: the
// socket stays open, nothing comes back). With svalidping 2 s and no
// svalidhup, the PINGREQ goes 2 s after the last packet (the SUBACK, at
// CONNECTED) and the connection closes 2 s after that; with only
// mqtt_keep_alive 3 s, the PINGREQ goes 3 s after we last sent and the
// connection closes 3 s later (MQTT 3.1.1 §3.1.2.10, docs/protocols.md).
TEST(MqttBindingSim, UnansweredPingreqClosesTheConnection) {
  for (bool keep_alive : {false, true}) {
    Rig rig;
    auto& st = rig.add("t");
    st.mqtt_subscribe = "s";
    st.mqtt_keep_alive = keep_alive ? 3 : 0;
    policy::RetryPolicy rp;
    rp.secs_since_valid_ping = keep_alive ? 0 : 2;
    rig.start(rp);
    auto& c = rig.open("t");
    Micros connected_at = -1, disconnected_at = -1;
    c.on_state = [&](State s) {
      if (s == kConnected && connected_at < 0) connected_at = rig.world.now();
      if (s == kDisconnected && disconnected_at < 0) disconnected_at = rig.world.now();
    };
    rig.world.run_for(millis(500));
    ASSERT_GE(connected_at, 0) << keep_alive;
    rig.broker->freeze();
    rig.world.run_for(seconds(20));
    ASSERT_GE(disconnected_at, 0) << "a dead broker behind a live connection was never given up, keep_alive=" << keep_alive;
    if (keep_alive) {
      EXPECT_GT(disconnected_at, connected_at + seconds(3));
      EXPECT_LE(disconnected_at, connected_at + seconds(6));
    } else {
      EXPECT_EQ(disconnected_at, connected_at + seconds(4));
    }
    const bool said = std::any_of(rig.logs.begin(), rig.logs.end(),
                                  [](const std::string& l) { return l.find("no PINGRESP") != std::string::npos; });
    EXPECT_TRUE(said) << (rig.logs.empty() ? "" : rig.logs.back());
    rig.finish();
  }
}

TEST(MqttBindingSim, WillIsPublishedWhenTheConnectionBreaks) {
  MqttBrokerOptions bo;
  bo.close_mid_packet_pct = 100;
  Rig rig(bo);
  auto& st = rig.add("t");
  st.mqtt_subscribe = "s";
  st.mqtt_will_topic = "wills/${id}";
  st.mqtt_will_message = "gone";
  st.metadata.push_back({"id", ""});
  st.opportunistic = true;
  rig.start();
  auto& c = rig.open("t", {}, {{"id", "d1"}});
  rig.world.run_for(seconds(1));
  rig.broker->publish("s", "cut-me", 0, false);
  rig.world.run_for(seconds(1));
  EXPECT_EQ(rig.broker->cuts(), 1u);
  EXPECT_TRUE(c.rx.empty());  // half a packet is no message
  EXPECT_EQ(c.states, (std::vector<stream::State>{kCreating, kConnecting, kConnected, kDisconnected}));
  EXPECT_EQ(topics(*rig.broker), (std::vector<std::string>{"s=cut-me", "wills/d1=gone"}));
  rig.finish();
}

TEST(MqttBindingSim, CleanCloseSendsDisconnectSoNoWill) {
  Rig rig;
  auto& st = rig.add("t");
  st.mqtt_subscribe = "s";
  st.mqtt_will_topic = "wills/x";
  st.mqtt_will_message = "gone";
  rig.start();
  rig.open("t");
  rig.world.run_for(seconds(1));
  rig.finish();
  EXPECT_TRUE(rig.broker->received().empty());
  EXPECT_TRUE(rig.broker->errors().empty());
}

TEST(MqttBindingSim, BrokerRestartReconnectsAndResubscribes) {
  Rig rig;
  auto& st = rig.add("t");
  st.mqtt_subscribe = "cmd";
  st.mqtt_qos = 1;
  policy::RetryPolicy rp;
  rp.backoff_ms = {500, 1000};
  rp.conceal = 100;
  rig.start(rp);
  auto& c = rig.open("t");
  rig.world.run_for(seconds(1));
  rig.broker->publish("cmd", "one", 1, false);
  rig.world.run_for(seconds(1));
  // The broker goes away and comes back on the same address.
  rig.broker.reset();
  rig.world.run_for(seconds(3));
  rig.broker.emplace(rig.world.loop(), rig.world.net_for(rig.server), Endpoint::tcp("", 1883));
  ASSERT_TRUE(rig.broker->start().ok());
  rig.world.run_for(seconds(5));
  EXPECT_EQ(rig.broker->subscribes(), 1u);  // the new connection subscribed again
  rig.broker->publish("cmd", "two", 1, false);
  rig.world.run_for(seconds(1));
  EXPECT_EQ(c.rx, (std::vector<std::pair<std::string, std::uint32_t>>{{"one", SOM | EOM}, {"two", SOM | EOM}}));
  ASSERT_GE(c.states.size(), 5u);
  EXPECT_EQ(std::vector<stream::State>(c.states.begin(), c.states.begin() + 4), (std::vector<stream::State>{kCreating, kConnecting, kConnected, kDisconnected}));
  EXPECT_EQ(c.states.back(), kConnected);
  rig.finish();
}

// A QoS 1 publish still waiting for its PUBACK when the connection drops
// is sent again on the next connection (docs/protocols.md "MQTT"): with
// DUP set when the broker kept the session (MQTT 3.1.1 §4.4), as a new
// publish when the session is new; either way the stream hears exactly one
// QOS_ACK_REMOTE for it, once it is CONNECTED again.
void unacked_publish_across_a_restart(bool keep_session, const std::vector<std::string>& expect_log) {
  MqttBrokerOptions bo;
  bo.drop_puback_pct = 100;
  Rig rig(bo);
  auto& st = rig.add("t");
  st.mqtt_topic = "x";
  st.mqtt_qos = 1;
  st.mqtt_clean_start = !keep_session;
  policy::RetryPolicy rp;
  rp.backoff_ms = {500, 1000};
  rp.conceal = 100;
  rig.start(rp);
  auto& c = rig.open("t", {"m1"});
  rig.world.run_for(seconds(1));  // m1 is in; its PUBACK was dropped (no resend before 3 s)
  rig.broker->stop(/*keep_sessions=*/true);
  rig.broker->set_drop_puback_pct(0);
  rig.world.run_for(seconds(1));
  ASSERT_TRUE(rig.broker->start().ok());
  rig.world.run_for(seconds(5));
  EXPECT_EQ(topics(*rig.broker), expect_log);
  EXPECT_EQ(std::count(c.states.begin(), c.states.end(), kQosAckRemote), 1);
  EXPECT_EQ(std::count(c.states.begin(), c.states.end(), kQosNackRemote), 0);
  ASSERT_GE(c.states.size(), 2u);
  EXPECT_EQ(c.states.back(), kQosAckRemote);  // raised on the new connection
  EXPECT_EQ(std::count(c.states.begin(), c.states.end(), kConnected), 2);
  rig.finish();
}

TEST(MqttBindingSim, KeptSessionResendsAnUnackedPublishWithDupAfterABrokerRestart) {
  unacked_publish_across_a_restart(true, {"x=m1", "x=m1(dup)"});
}

TEST(MqttBindingSim, NewSessionRepublishesAnUnackedPublishAfterABrokerRestart) {
  unacked_publish_across_a_restart(false, {"x=m1", "x=m1"});
}

// The publish of a stream that is not back yet is resent by the stream
// that reconnects first; its outcome waits for its own stream's CONNECTED.
TEST(MqttBindingSim, AnOutcomeSettledWhileItsStreamIsAwayWaitsForItsConnected) {
  MqttBrokerOptions bo;
  bo.drop_puback_pct = 100;
  Rig rig(bo);
  policy::RetryPolicy slow;
  slow.name = "slow";
  slow.backoff_ms = {4000};
  slow.conceal = 100;
  rig.pol->retries.push_back(slow);  // index 0: the slow stream's
  auto& fast_st = rig.add("fast");
  fast_st.mqtt_topic = "f";
  fast_st.mqtt_qos = 1;
  fast_st.retry = 1;  // rig.start()'s policy
  auto& slow_st = rig.add("slow");
  slow_st.mqtt_topic = "s";
  slow_st.mqtt_qos = 1;
  slow_st.retry = 0;
  policy::RetryPolicy rp;
  rp.backoff_ms = {500};
  rp.conceal = 100;
  rig.start(rp);
  auto& fast = rig.open("fast");
  auto& late = rig.open("slow", {"m1"});
  rig.world.run_for(seconds(1));
  rig.broker->stop(/*keep_sessions=*/true);
  rig.broker->set_drop_puback_pct(0);
  rig.world.run_for(millis(300));
  ASSERT_TRUE(rig.broker->start().ok());
  rig.world.run_for(seconds(2));  // the fast stream is back; the slow one waits out its 4 s
  EXPECT_EQ(fast.states.back(), kConnected);
  EXPECT_EQ(topics(*rig.broker), (std::vector<std::string>{"s=m1", "s=m1(dup)"}));
  EXPECT_EQ(late.states.back(), kDisconnected);
  EXPECT_EQ(std::count(late.states.begin(), late.states.end(), kQosAckRemote), 0);
  rig.world.run_for(seconds(4));
  EXPECT_EQ(std::vector<stream::State>(late.states.end() - 2, late.states.end()),
            (std::vector<stream::State>{kConnected, kQosAckRemote}));
  EXPECT_EQ(std::count(late.states.begin(), late.states.end(), kQosAckRemote), 1);
  rig.finish();
}

TEST(MqttBindingSim, SameSeedSameTrace) {
  auto run = [] {
    MqttBrokerOptions bo;
    bo.drop_puback_pct = 30;
    bo.duplicate_pct = 30;
    bo.seed = 3;
    Rig rig(bo, 9);
    auto& st = rig.add("t");
    st.mqtt_topic = "x";
    st.mqtt_subscribe = "x";
    st.mqtt_qos = 1;
    rig.start();
    rig.open("t", {"a", "b", "c", "d"});
    rig.world.run_for(seconds(20));
    rig.finish();
    return rig.world.trace().hash();
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace ss::proto::mqtt
