// The MQTT 3.1.1 packet codec: byte-exact encodings, decoding both
// directions, and the strict checks with their byte offsets.
#include "runtime/proto/mqtt/mqtt_packet.h"

#include <gtest/gtest.h>

namespace ss::proto::mqtt {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes enc(const Packet& p) {
  auto r = encode(p);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
  return r.ok() ? *r : Bytes{};
}

ReadResult read_one(const Bytes& bytes, std::uint32_t max = 1024) {
  PacketReader r(max);
  r.receive_data(bytes);
  return r.next_packet();
}

// The error after any good packets in front of it.
DecodeError read_error(const Bytes& bytes, std::uint32_t max = 1024) {
  PacketReader reader(max);
  reader.receive_data(bytes);
  ReadResult r = reader.next_packet();
  while (std::holds_alternative<Packet>(r)) r = reader.next_packet();
  EXPECT_TRUE(std::holds_alternative<DecodeError>(r));
  return std::holds_alternative<DecodeError>(r) ? std::get<DecodeError>(r) : DecodeError{};
}

TEST(MqttEncode, ConnectMinimal) {
  Connect c;
  c.client_id = "ab";
  c.keep_alive = 60;
  c.clean_session = true;
  EXPECT_EQ(enc(c), (Bytes{0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 2, 'a', 'b'}));
}

TEST(MqttEncode, ConnectWithWillUserPassword) {
  Connect c;
  c.client_id = "c";
  c.keep_alive = 0x0102;
  c.clean_session = false;
  c.will = Will{"w/t", {'x'}, 1, true};
  c.username = "u";
  c.password = Bytes{'p', 'w'};
  // flags: user 0x80 | password 0x40 | will retain 0x20 | will QoS1 0x08 | will 0x04
  Bytes want{0x10, 30, 0, 4, 'M', 'Q', 'T', 'T', 4, 0xEC, 1, 2, 0, 1, 'c', 0, 3, 'w', '/', 't', 0, 1, 'x',
             0,    1,  'u', 0, 2, 'p', 'w'};
  want[1] = static_cast<std::uint8_t>(want.size() - 2);
  EXPECT_EQ(enc(c), want);
  auto back = read_one(want);
  ASSERT_TRUE(std::holds_alternative<Packet>(back));
  EXPECT_EQ(std::get<Connect>(std::get<Packet>(back)), c);
}

TEST(MqttEncode, PublishQos0And1) {
  EXPECT_EQ(enc(Publish{"a/b", {'h', 'i'}, 0, false, false, 0}), (Bytes{0x30, 7, 0, 3, 'a', '/', 'b', 'h', 'i'}));
  EXPECT_EQ(enc(Publish{"t", {'z'}, 1, true, true, 0x1234}), (Bytes{0x3B, 6, 0, 1, 't', 0x12, 0x34, 'z'}));
}

TEST(MqttEncode, SmallPackets) {
  EXPECT_EQ(enc(Puback{7}), (Bytes{0x40, 2, 0, 7}));
  EXPECT_EQ(enc(Subscribe{10, {{"s/#", 1}}}), (Bytes{0x82, 8, 0, 10, 0, 3, 's', '/', '#', 1}));
  EXPECT_EQ(enc(Suback{10, {1}}), (Bytes{0x90, 3, 0, 10, 1}));
  EXPECT_EQ(enc(Connack{true, 0}), (Bytes{0x20, 2, 1, 0}));
  EXPECT_EQ(enc(Pingreq{}), (Bytes{0xC0, 0}));
  EXPECT_EQ(enc(Pingresp{}), (Bytes{0xD0, 0}));
  EXPECT_EQ(enc(Disconnect{}), (Bytes{0xE0, 0}));
}

TEST(MqttEncode, RemainingLengthVarint) {
  // 321 = 0xC1 0x02 (§2.2.3 example style: low 7 bits first).
  Publish p{"t", Bytes(321 - 3, 'x'), 0, false, false, 0};
  Bytes b = enc(p);
  ASSERT_GE(b.size(), 3u);
  EXPECT_EQ(b[1], 0xC1);
  EXPECT_EQ(b[2], 0x02);
  EXPECT_EQ(b.size(), 3u + 321u);
}

TEST(MqttEncode, RefusesWhatTheStandardForbids) {
  EXPECT_FALSE(encode(Publish{"a/+", {}, 0, false, false, 0}).ok());
  EXPECT_FALSE(encode(Publish{"", {}, 0, false, false, 0}).ok());
  EXPECT_FALSE(encode(Publish{"t", {}, 1, false, false, 0}).ok());   // id 0
  EXPECT_FALSE(encode(Publish{"t", {}, 2, false, false, 1}).ok());   // QoS 2
  EXPECT_FALSE(encode(Publish{"t", {}, 0, false, true, 0}).ok());    // DUP on QoS 0
  EXPECT_FALSE(encode(Subscribe{1, {}}).ok());
  EXPECT_FALSE(encode(Subscribe{1, {{"a#", 0}}}).ok());
  EXPECT_FALSE(encode(Publish{std::string(70000, 'a'), {}, 0, false, false, 0}).ok());
  Connect c;
  c.password = Bytes{'p'};
  auto e = encode(c);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message().find("username"), std::string::npos);
}

TEST(MqttDecode, EveryPacketRoundTrips) {
  std::vector<Packet> all = {Connect{"id", 5, true, std::nullopt, std::nullopt, std::nullopt},
                             Connack{false, 0},
                             Connack{false, 5},
                             Publish{"a", {1, 2, 3}, 1, true, true, 9},
                             Publish{"a/b/c", {}, 0, false, false, 0},
                             Puback{65535},
                             Subscribe{3, {{"a/+/c", 0}, {"#", 1}}},
                             Suback{3, {0, 1, kSubackFailure}},
                             Pingreq{},
                             Pingresp{},
                             Disconnect{}};
  Bytes stream;
  for (const auto& p : all) {
    Bytes b = enc(p);
    stream.insert(stream.end(), b.begin(), b.end());
  }
  // Fed one byte at a time: the same packets, in order.
  PacketReader r(1024);
  std::vector<Packet> got;
  for (std::uint8_t byte : stream) {
    r.receive_data(std::span<const std::uint8_t>(&byte, 1));
    for (;;) {
      ReadResult res = r.next_packet();
      if (std::holds_alternative<NeedData>(res)) break;
      ASSERT_TRUE(std::holds_alternative<Packet>(res)) << std::get<DecodeError>(res).message;
      got.push_back(std::get<Packet>(res));
    }
  }
  EXPECT_EQ(got, all);
  EXPECT_EQ(r.buffered(), 0u);
}

TEST(MqttDecode, OffsetsCountFromTheFirstByteEver) {
  // A good PINGRESP (2 bytes), then a PUBACK with flags 0x1 at offset 2.
  DecodeError e = read_error({0xD0, 0, 0x41, 2, 0, 1});
  EXPECT_EQ(e.offset, 2u);
  EXPECT_NE(e.message.find("PUBACK at byte 2"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("flags"), std::string::npos) << e.message;
}

TEST(MqttDecode, RemainingLengthOverFourBytes) {
  DecodeError e = read_error({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01});
  EXPECT_EQ(e.offset, 4u);
  EXPECT_NE(e.message.find("past 4 bytes"), std::string::npos) << e.message;
}

TEST(MqttDecode, OverTheLimitIsRefusedFromTheHeader) {
  // Header says 2000 bytes; only the header is given: refused at once.
  DecodeError e = read_error({0x30, 0xD0, 0x0F}, 1000);
  EXPECT_EQ(e.offset, 1u);
  EXPECT_NE(e.message.find("over the limit of 1000"), std::string::npos) << e.message;
}

TEST(MqttDecode, PublishChecks) {
  EXPECT_NE(read_error({0x36, 5, 0, 1, 't', 0, 1}).message.find("QoS 3"), std::string::npos);
  EXPECT_NE(read_error({0x34, 5, 0, 1, 't', 0, 1}).message.find("QoS 2"), std::string::npos);
  EXPECT_NE(read_error({0x38, 3, 0, 1, 't'}).message.find("DUP"), std::string::npos);
  DecodeError id0 = read_error({0x32, 5, 0, 1, 't', 0, 0});
  EXPECT_EQ(id0.offset, 5u);
  EXPECT_NE(id0.message.find("packet id 0"), std::string::npos);
  DecodeError runs = read_error({0x30, 3, 0, 9, 't'});
  EXPECT_EQ(runs.offset, 2u);
  EXPECT_NE(runs.message.find("runs past"), std::string::npos) << runs.message;
  DecodeError wild = read_error({0x30, 5, 0, 3, 'a', '/', '#'});
  EXPECT_EQ(wild.offset, 4u);
  DecodeError utf = read_error({0x30, 5, 0, 3, 'a', 0xC0, 0x80});  // overlong NUL
  EXPECT_EQ(utf.offset, 5u);
  EXPECT_NE(utf.message.find("UTF-8"), std::string::npos);
}

TEST(MqttDecode, FixedLayoutChecks) {
  EXPECT_NE(read_error({0x20, 2, 2, 0}).message.find("reserved acknowledge"), std::string::npos);
  EXPECT_NE(read_error({0x20, 2, 0, 6}).message.find("return code 6"), std::string::npos);
  EXPECT_NE(read_error({0x20, 3, 0, 0, 0}).message.find("unexpected bytes"), std::string::npos);
  EXPECT_NE(read_error({0x90, 3, 0, 1, 3}).message.find("return code 3"), std::string::npos);
  EXPECT_NE(read_error({0x90, 2, 0, 1}).message.find("no return code"), std::string::npos);
  EXPECT_NE(read_error({0x80, 6, 0, 1, 0, 1, 'a', 0}).message.find("flags"), std::string::npos);
  EXPECT_NE(read_error({0x50, 2, 0, 1}).message.find("QoS 2 packets"), std::string::npos);
  // UNSUBSCRIBE: reserved flags 0010 and at least one filter; UNSUBACK: the id only.
  EXPECT_NE(read_error({0xA0, 5, 0, 1, 0, 1, 'a'}).message.find("flags 0x0, expected 0x2"), std::string::npos);
  EXPECT_NE(read_error({0xA2, 2, 0, 1}).message.find("no topic filter"), std::string::npos);
  EXPECT_NE(read_error({0xB0, 3, 0, 1, 0}).message.find("unexpected bytes"), std::string::npos);
  EXPECT_NE(read_error({0xF0, 0}).message.find("reserved"), std::string::npos);
  EXPECT_NE(read_error({0x00, 0}).message.find("reserved"), std::string::npos);
  EXPECT_NE(read_error({0xD0, 1, 0}).message.find("unexpected bytes"), std::string::npos);
}

TEST(MqttEncode, UnsubscribeAndUnsuback) {
  EXPECT_EQ(enc(Unsubscribe{7, {"a/+"}}), (Bytes{0xA2, 7, 0, 7, 0, 3, 'a', '/', '+'}));
  EXPECT_EQ(enc(Unsuback{7}), (Bytes{0xB0, 2, 0, 7}));
  EXPECT_FALSE(encode(Unsubscribe{0, {"a"}}).ok());
  EXPECT_FALSE(encode(Unsubscribe{1, {}}).ok());
  EXPECT_FALSE(encode(Unsubscribe{1, {"a/#/b"}}).ok());
  for (const Packet& p : {Packet(Unsubscribe{9, {"x", "y/#"}}), Packet(Unsuback{9})}) {
    auto back = read_one(enc(p));
    ASSERT_TRUE(std::holds_alternative<Packet>(back)) << describe(p);
    EXPECT_EQ(std::get<Packet>(back), p);
  }
}

TEST(MqttTopics, FilterMatching) {
  EXPECT_TRUE(topic_matches("t/+", "t/s1"));
  EXPECT_FALSE(topic_matches("t/+", "t/s1/x"));
  EXPECT_FALSE(topic_matches("t/+", "t"));
  EXPECT_TRUE(topic_matches("t/#", "t"));
  EXPECT_TRUE(topic_matches("t/#", "t/a/b"));
  EXPECT_TRUE(topic_matches("#", "a/b"));
  EXPECT_TRUE(topic_matches("+/+", "/x"));
  EXPECT_TRUE(topic_matches("a/b", "a/b"));
  EXPECT_FALSE(topic_matches("a/b", "a/bc"));
  EXPECT_FALSE(topic_matches("a/b", "a"));
  EXPECT_FALSE(topic_matches("#", "$SYS/x"));
  EXPECT_TRUE(topic_matches("$SYS/#", "$SYS/x"));
}

TEST(MqttDecode, ErrorIsSticky) {
  PacketReader r(100);
  r.receive_data(Bytes{0xF0, 0});
  ReadResult a = r.next_packet();
  r.receive_data(Bytes{0xD0, 0});
  EXPECT_EQ(r.next_packet(), a);
}

TEST(MqttTopics, FilterRules) {
  EXPECT_TRUE(check_topic_filter("a/+/c").ok());
  EXPECT_TRUE(check_topic_filter("+").ok());
  EXPECT_TRUE(check_topic_filter("a/#").ok());
  EXPECT_FALSE(check_topic_filter("a/#/b").ok());
  EXPECT_FALSE(check_topic_filter("a+").ok());
  EXPECT_TRUE(check_topic_name("a/b").ok());
  EXPECT_FALSE(check_topic_name("a/+").ok());
}

}  // namespace
}  // namespace ss::proto::mqtt
