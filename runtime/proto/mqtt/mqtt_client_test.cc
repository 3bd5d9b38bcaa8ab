// The MQTT client core: the conversation with a scripted broker, QoS 1
// resends with DUP and giving up, and refusing what a broker may not send.
#include "runtime/proto/mqtt/mqtt_client.h"

#include <gtest/gtest.h>

namespace ss::proto::mqtt {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes enc(const Packet& p) { return *encode(p); }

std::vector<Event> drain(Client& c) {
  std::vector<Event> out;
  while (auto e = c.next_event()) out.push_back(std::move(*e));
  return out;
}

// A connected client (CONNECT sent, CONNACK received).
Client connected(Options o = {}) {
  Client c(o);
  Connect conn;
  conn.client_id = "x";
  EXPECT_TRUE(c.connect(conn).ok());
  c.take_output();
  c.receive_data(enc(Connack{false, 0}));
  EXPECT_EQ(drain(c), (std::vector<Event>{ConnackEvent{{false, 0}}}));
  return c;
}

TEST(MqttClient, ConnectBytesThenConnack) {
  Client c;
  Connect conn;
  conn.client_id = "ab";
  conn.keep_alive = 60;
  ASSERT_TRUE(c.connect(conn).ok());
  EXPECT_EQ(c.take_output(), (Bytes{0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 2, 'a', 'b'}));
  EXPECT_FALSE(c.connect(conn).ok());
  c.receive_data(Bytes{0x20, 2, 0, 0});
  EXPECT_EQ(drain(c), (std::vector<Event>{ConnackEvent{{false, 0}}}));
  EXPECT_TRUE(c.connack_received());
}

TEST(MqttClient, RefusedConnackIsAnError) {
  Client c;
  ASSERT_TRUE(c.connect(Connect{}).ok());
  c.receive_data(Bytes{0x20, 2, 0, 5});
  auto ev = drain(c);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0], Event(ConnackEvent{{false, 5}}));
  auto* err = std::get_if<ErrorEvent>(&ev[1]);
  ASSERT_NE(err, nullptr);
  EXPECT_NE(err->message.find("not authorized"), std::string::npos) << err->message;
  EXPECT_TRUE(c.dead());
}

TEST(MqttClient, PacketBeforeConnackIsAnError) {
  Client c;
  ASSERT_TRUE(c.connect(Connect{}).ok());
  c.receive_data(Bytes{0xD0, 0});
  auto ev = drain(c);
  ASSERT_EQ(ev.size(), 1u);
  auto* err = std::get_if<ErrorEvent>(&ev[0]);
  ASSERT_NE(err, nullptr);
  EXPECT_NE(err->message.find("before CONNACK"), std::string::npos);
}

TEST(MqttClient, Qos1PublishAckedOnce) {
  Client c = connected();
  auto id = c.publish("t", Bytes{'a'}, 1, false, 0);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 1);
  EXPECT_EQ(c.take_output(), (Bytes{0x32, 6, 0, 1, 't', 0, 1, 'a'}));
  EXPECT_EQ(c.next_deadline(), Options{}.resend_after);
  c.receive_data(enc(Puback{1}));
  c.receive_data(enc(Puback{1}));  // an ack for a DUP too: ignored
  EXPECT_EQ(drain(c), (std::vector<Event>{PubackEvent{1}}));
  EXPECT_EQ(c.unacked(), 0u);
  EXPECT_EQ(c.next_deadline(), std::nullopt);
}

TEST(MqttClient, Qos0HasNoIdAndNoDeadline) {
  Client c = connected();
  auto id = c.publish("t", Bytes{'a'}, 0, true, 0);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 0);
  EXPECT_EQ(c.take_output(), (Bytes{0x31, 4, 0, 1, 't', 'a'}));
  EXPECT_EQ(c.next_deadline(), std::nullopt);
}

TEST(MqttClient, ResendsWithDupThenGivesUp) {
  Options o;
  o.resend_after = 10;
  o.max_resends = 2;
  Client c = connected(o);
  ASSERT_TRUE(c.publish("t", Bytes{'a'}, 1, false, 100).ok());
  c.take_output();
  c.handle_timeout(105);  // too early
  EXPECT_TRUE(c.take_output().empty());
  c.handle_timeout(110);
  EXPECT_EQ(c.take_output(), (Bytes{0x3A, 6, 0, 1, 't', 0, 1, 'a'}));  // DUP set
  EXPECT_EQ(c.next_deadline(), 120);
  c.handle_timeout(120);
  EXPECT_EQ(c.take_output(), (Bytes{0x3A, 6, 0, 1, 't', 0, 1, 'a'}));
  EXPECT_TRUE(drain(c).empty());
  c.handle_timeout(130);
  EXPECT_TRUE(c.take_output().empty());
  EXPECT_EQ(drain(c), (std::vector<Event>{PublishFailedEvent{1}}));
  EXPECT_EQ(c.unacked(), 0u);
}

TEST(MqttClient, IncomingQos1IsAckedAndDupsAreHandedOver) {
  Client c = connected();
  Publish p{"s", {'m'}, 1, false, false, 77};
  c.receive_data(enc(p));
  Publish dup = p;
  dup.dup = true;
  c.receive_data(enc(dup));
  EXPECT_EQ(drain(c), (std::vector<Event>{MessageEvent{p}, MessageEvent{dup}}));
  Bytes ack = enc(Puback{77});
  Bytes two = ack;
  two.insert(two.end(), ack.begin(), ack.end());
  EXPECT_EQ(c.take_output(), two);
}

TEST(MqttClient, SubscribeAndSuback) {
  Client c = connected();
  auto id = c.subscribe("a/#", 1);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(c.take_output(), (Bytes{0x82, 8, 0, 1, 0, 3, 'a', '/', '#', 1}));
  c.receive_data(enc(Suback{*id, {1}}));
  EXPECT_EQ(drain(c), (std::vector<Event>{SubackEvent{{*id, {1}}}}));
  // A SUBACK for an id we never used.
  c.receive_data(enc(Suback{999, {1}}));
  auto ev = drain(c);
  ASSERT_EQ(ev.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<ErrorEvent>(ev[0]));
  EXPECT_NE(std::get<ErrorEvent>(ev[0]).message.find("999"), std::string::npos);
}

TEST(MqttClient, ServerOnlyPacketsAreErrorsWithOffsets) {
  Client c = connected();  // CONNACK took bytes 0..3
  c.receive_data(enc(Pingreq{}));
  auto ev = drain(c);
  ASSERT_EQ(ev.size(), 1u);
  auto* err = std::get_if<ErrorEvent>(&ev[0]);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->offset, 4u);
  EXPECT_NE(err->message.find("PINGREQ"), std::string::npos) << err->message;
  EXPECT_FALSE(c.publish("t", {}, 0, false, 0).ok());
}

TEST(MqttClient, EofMidPacketNamesTheOffset) {
  Client c = connected();
  c.receive_data(Bytes{0x30, 5, 0});
  c.receive_data({});
  auto ev = drain(c);
  ASSERT_EQ(ev.size(), 1u);
  auto* err = std::get_if<ErrorEvent>(&ev[0]);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->offset, 4u);
  EXPECT_NE(err->message.find("middle of the packet"), std::string::npos);
}

TEST(MqttClient, CleanEofIsClosed) {
  Client c = connected();
  c.receive_data({});
  EXPECT_EQ(drain(c), (std::vector<Event>{ClosedEvent{}}));
}

TEST(MqttClient, PacketIdsSkipThoseInUse) {
  Client c = connected();
  std::vector<std::uint16_t> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(*c.publish("t", {}, 1, false, 0));
  EXPECT_EQ(ids, (std::vector<std::uint16_t>{1, 2, 3}));
  EXPECT_EQ(*c.subscribe("s", 0), 4);
}

TEST(MqttClient, PingAndDisconnect) {
  Client c = connected();
  ASSERT_TRUE(c.ping().ok());
  c.receive_data(enc(Pingresp{}));
  EXPECT_EQ(drain(c), (std::vector<Event>{PingrespEvent{}}));
  ASSERT_TRUE(c.disconnect().ok());
  EXPECT_EQ(c.take_output(), (Bytes{0xC0, 0, 0xE0, 0}));
  EXPECT_FALSE(c.ping().ok());
}

// A session carried over from an earlier connection: the restored
// publishes keep their ids, wait for the CONNACK, then go again first.
TEST(MqttClient, RestoredPublishesResendAfterConnackWithDupWhenResumed) {
  for (bool resumed : {true, false}) {
    SCOPED_TRACE(resumed ? "session present" : "new session");
    Client c;
    Publish kept{"t", {'a'}, 1, false, false, 7};
    ASSERT_TRUE(c.restore({kept}).ok());
    Connect conn;
    conn.client_id = "x";
    conn.clean_session = !resumed;
    ASSERT_TRUE(c.connect(conn).ok());
    c.take_output();
    EXPECT_EQ(c.next_deadline(), std::nullopt);  // nothing is resent before the CONNACK
    c.handle_timeout(seconds(10));
    EXPECT_TRUE(c.take_output().empty());
    c.receive_data(enc(Connack{resumed, 0}));
    drain(c);
    c.resend_unacked(resumed, seconds(10));
    Publish again = kept;
    again.dup = resumed;
    EXPECT_EQ(c.take_output(), enc(again));
    // A new publish does not take the kept id.
    auto id = c.publish("t", Bytes{'b'}, 1, false, seconds(10));
    ASSERT_TRUE(id.ok());
    EXPECT_NE(*id, 7);
    c.take_output();
    c.receive_data(enc(Puback{7}));
    EXPECT_EQ(drain(c), (std::vector<Event>{PubackEvent{7}}));
    EXPECT_EQ(c.next_deadline(), seconds(13));  // the new publish's resend clock
  }
}

TEST(MqttClient, RestoreRefusesWhatIsNotAKeptPublish) {
  Client c;
  EXPECT_FALSE(c.restore({Publish{"t", {}, 0, false, false, 0}}).ok());
  Client d;
  EXPECT_FALSE(d.restore({Publish{"t", {}, 1, false, false, 3}, Publish{"u", {}, 1, false, false, 3}}).ok());
  Client e;
  ASSERT_TRUE(e.connect(Connect{}).ok());
  EXPECT_FALSE(e.restore({Publish{"t", {}, 1, false, false, 3}}).ok());
}

}  // namespace
}  // namespace ss::proto::mqtt
