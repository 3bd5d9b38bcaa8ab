#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/proto/ws/ws_client.h"
#include "runtime/proto/ws/ws_frame_writer.h"
#include "runtime/proto/ws/ws_handshake.h"

namespace ss::proto::ws {
namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::vector<Event> drain(Client& c) {
  std::vector<Event> out;
  for (;;) {
    Event e = c.next_event();
    if (std::holds_alternative<NeedData>(e)) return out;
    out.push_back(std::move(e));
  }
}

// Extracts the key from the upgrade request and builds the 101 answer.
std::string answer(const std::string& request, std::string accept_override = "", std::string proto = "") {
  auto at = request.find("Sec-WebSocket-Key: ") + 19;
  std::string key = request.substr(at, request.find("\r\n", at) - at);
  std::string r = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
  r += "Sec-WebSocket-Accept: " + (accept_override.empty() ? accept_for(key) : accept_override) + "\r\n";
  if (!proto.empty()) r += "Sec-WebSocket-Protocol: " + proto + "\r\n";
  return r + "\r\n";
}

TEST(WsHandshake, AcceptMatchesRfcExample) {
  EXPECT_EQ(accept_for("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WsHandshake, KeyIsDeterministicPerSeed) {
  Rng a(7), b(7);
  EXPECT_EQ(make_key(a), make_key(b));
  EXPECT_EQ(make_key(a).size(), 24u);
}

struct Opened {
  Rng rng{42};
  Client c;
  explicit Opened(Options o = {}) : c(rng, std::move(o)) {
    auto req = c.open("example.com", "/chat");
    EXPECT_TRUE(req.ok());
    c.receive_data(bytes(answer(*req, "", c_proto)));
  }
  std::string c_proto;
};

TEST(WsClient, HandshakeThenFragments) {
  Rng rng(1);
  Options o;
  o.subprotocol = "lws-test";
  Client c(rng, o);
  auto req = c.open("h", "/x");
  ASSERT_TRUE(req.ok());
  EXPECT_NE(req->find("Sec-WebSocket-Protocol: lws-test\r\n"), std::string::npos);
  EXPECT_NE(req->find("Sec-WebSocket-Version: 13\r\n"), std::string::npos);
  std::string in = answer(*req, "", "lws-test");
  in += write_frame({false, 0, 2, std::nullopt, "ab"});
  in += write_frame({false, 0, 0, std::nullopt, "cd"});
  in += write_frame({true, 0, 9, std::nullopt, "p"});  // ping between fragments
  in += write_frame({true, 0, 0, std::nullopt, "e"});
  c.receive_data(bytes(in));
  auto ev = drain(c);
  ASSERT_EQ(ev.size(), 5u) << describe(ev.back());
  EXPECT_EQ(std::get<OpenEvent>(ev[0]).subprotocol, "lws-test");
  auto& f1 = std::get<FragmentEvent>(ev[1]);
  EXPECT_TRUE(f1.binary && f1.first && !f1.last);
  auto& f2 = std::get<FragmentEvent>(ev[2]);
  EXPECT_TRUE(!f2.first && !f2.last);
  EXPECT_TRUE(std::holds_alternative<PingEvent>(ev[3]));
  auto& f3 = std::get<FragmentEvent>(ev[4]);
  EXPECT_TRUE(f3.last && f3.binary);
  auto out = c.take_output();
  ASSERT_GE(out.size(), 7u);  // the automatic pong, masked
  EXPECT_EQ(out[0], 0x8a);
  EXPECT_EQ(out[1], 0x81);
}

TEST(WsClient, WrongAcceptFails) {
  Rng rng(1);
  Client c(rng, {});
  auto req = c.open("h", "/");
  c.receive_data(bytes(answer(*req, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")));
  auto ev = drain(c);
  ASSERT_EQ(ev.size(), 1u);
  auto& e = std::get<ErrorEvent>(ev[0]);
  EXPECT_NE(e.message.find("Sec-WebSocket-Accept"), std::string::npos);
  EXPECT_TRUE(c.failed());
}

TEST(WsClient, NonUpgradeResponseKeepsHead) {
  Rng rng(1);
  Client c(rng, {});
  ASSERT_TRUE(c.open("h", "/").ok());
  c.receive_data(bytes("HTTP/1.1 503 Busy\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n"));
  auto ev = drain(c);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<ErrorEvent>(ev[0]));
  ASSERT_TRUE(c.last_head().has_value());
  EXPECT_EQ(h1::retry_after_seconds(*c.last_head()), 5u);
}

TEST(WsClient, SendFragmentsMaskedAndChecked) {
  Rng rng(3);
  Client c(rng, {});
  auto req = c.open("h", "/");
  c.receive_data(bytes(answer(*req)));
  drain(c);
  c.take_output();
  EXPECT_FALSE(c.send(bytes("x"), false, false, true).ok());  // needs SOM
  EXPECT_TRUE(c.send(bytes("he"), false, true, false).ok());
  EXPECT_FALSE(c.send(bytes("x"), false, true, false).ok());  // SOM while open
  EXPECT_TRUE(c.send(bytes("llo"), false, false, true).ok());
  auto out = c.take_output();
  ASSERT_EQ(out.size(), 2u + 4 + 2 + 2 + 4 + 3);
  EXPECT_EQ(out[0], 0x01);  // text, no FIN
  EXPECT_EQ(out[1], 0x82);  // masked, 2
  EXPECT_EQ(out[8], 0x80);  // continuation + FIN
  // Unmask and check the payload.
  std::string p;
  for (int i = 0; i < 2; ++i) p += static_cast<char>(out[6 + i] ^ out[2 + i]);
  EXPECT_EQ(p, "he");
}

TEST(WsClient, SameSeedSameBytes) {
  auto run = [] {
    Rng rng(99);
    Client c(rng, {});
    auto req = c.open("h", "/");
    c.receive_data(bytes(answer(*req)));
    EXPECT_TRUE(c.send(bytes("payload"), true, true, true).ok());
    auto out = c.take_output();
    return *req + std::string(out.begin(), out.end());
  };
  EXPECT_EQ(run(), run());
}

TEST(WsClient, CloseHandshakeFromServer) {
  Rng rng(1);
  Client c(rng, {});
  auto req = c.open("h", "/");
  c.receive_data(bytes(answer(*req) + write_frame({true, 0, 8, std::nullopt, close_payload(1001, "bye")})));
  auto ev = drain(c);
  ASSERT_EQ(ev.size(), 2u);
  auto& close = std::get<CloseEvent>(ev[1]);
  EXPECT_EQ(close.code, 1001);
  EXPECT_EQ(close.reason, "bye");
  EXPECT_TRUE(c.close_received());
  EXPECT_TRUE(c.close_sent());  // wslay replied
  auto out = c.take_output();
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out[0], 0x88);
  c.receive_data({});
  ev = drain(c);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(std::get<ClosedEvent>(ev[0]).clean);
}

TEST(WsClient, ClientInitiatedClose) {
  Rng rng(1);
  Client c(rng, {});
  auto req = c.open("h", "/");
  c.receive_data(bytes(answer(*req)));
  drain(c);
  ASSERT_TRUE(c.close(1000, "done").ok());
  EXPECT_TRUE(c.close_sent());
  EXPECT_FALSE(c.send(bytes("x"), false, true, true).ok());
  c.receive_data(bytes(write_frame({true, 0, 8, std::nullopt, close_payload(1000, "")})));
  auto ev = drain(c);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(std::get<CloseEvent>(ev[0]).code, 1000);
  EXPECT_TRUE(c.close_received());
}

// A frame over rx_piece (a server that sends a whole message as one frame)
// comes in pieces, cut at the same places whatever the input split.
TEST(WsClient, BigFrameComesInPiecesOfRxPiece) {
  auto run = [](std::size_t split) {
    Rng rng(1);
    Options o;
    o.rx_piece = 10;
    Client c(rng, o);
    auto req = c.open("h", "/");
    std::string in = answer(*req) + write_frame({false, 0, 2, std::nullopt, std::string(25, 'x')}) +
                     write_frame({true, 0, 0, std::nullopt, std::string(10, 'y')});
    for (std::size_t i = 0; i < in.size(); i += split) c.receive_data(bytes(in.substr(i, split)));
    return drain(c);
  };
  auto ev = run(1 << 20);
  ASSERT_EQ(ev.size(), 5u);
  std::vector<std::string> got;
  for (std::size_t i = 1; i < ev.size(); ++i) got.push_back(describe(ev[i]));
  EXPECT_EQ(got, (std::vector<std::string>{"frag bin som 10", "frag bin 10", "frag bin 5", "frag bin eom 10"}));
  EXPECT_EQ(ev, run(1));
  EXPECT_EQ(ev, run(7));
}

// No cap on a message by default (lws has none): 3 MiB in one frame.
TEST(WsClient, MultiMebibyteFrameByDefault) {
  Rng rng(1);
  Client c(rng, {});
  auto req = c.open("h", "/");
  const std::string big(3 << 20, 'b');
  c.receive_data(bytes(answer(*req) + write_frame({true, 0, 2, std::nullopt, big})));
  std::string got;
  auto ev = drain(c);
  for (const auto& e : ev) {
    ASSERT_FALSE(std::holds_alternative<ErrorEvent>(e)) << describe(e);
    if (auto* f = std::get_if<FragmentEvent>(&e)) {
      EXPECT_LE(f->data.size(), Options{}.rx_piece);
      EXPECT_EQ(f->first, got.empty());
      got.append(f->data.begin(), f->data.end());
      EXPECT_EQ(f->last, got.size() == big.size());
    }
  }
  EXPECT_EQ(got, big);
}

TEST(WsClient, MessageLimitNamesOffsetAndSends1009) {
  Rng rng(1);
  Options o;
  o.max_message = 20;
  Client c(rng, o);
  auto req = c.open("h", "/");
  std::string head = answer(*req);
  std::string first = write_frame({false, 0, 2, std::nullopt, std::string(15, 'x')});
  c.receive_data(bytes(head + first + write_frame({true, 0, 0, std::nullopt, std::string(6, 'x')})));
  auto ev = drain(c);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(describe(ev[1]), "frag bin som 15");
  auto& e = std::get<ErrorEvent>(ev[2]);
  EXPECT_EQ(e.code, ErrorCode::kLimit);
  // wslay reports the frame once it has its 2-byte header and first payload byte.
  EXPECT_EQ(e.offset, head.size() + first.size() + 3);
  auto out = c.take_output();
  ASSERT_GE(out.size(), 8u);
  EXPECT_EQ(out[0], 0x88);  // close
  EXPECT_EQ((out[6] ^ out[2]) << 8 | (out[7] ^ out[3]), 1009);  // masked code
}

TEST(WsClient, MaskedServerFrameIsProtocolError) {
  Rng rng(1);
  Client c(rng, {});
  auto req = c.open("h", "/");
  c.receive_data(bytes(answer(*req) + write_frame({true, 0, 1, 0x01020304u, "hi"})));
  auto ev = drain(c);
  ASSERT_EQ(ev.size(), 2u) << describe(ev.back());
  EXPECT_EQ(std::get<ErrorEvent>(ev[1]).code, ErrorCode::kParse);
}

TEST(WsClient, ByteByByteGivesSameEvents) {
  std::string frames = write_frame({false, 0, 1, std::nullopt, "abc"}) +
                       write_frame({true, 0, 0, std::nullopt, std::string(300, 'z')}) +
                       write_frame({true, 0, 10, std::nullopt, "pong"});
  auto run = [&](bool bb) {
    Rng rng(5);
    Client c(rng, {});
    auto req = c.open("h", "/");
    std::string in = answer(*req) + frames;
    if (bb) {
      for (char ch : in) c.receive_data(bytes(std::string(1, ch)));
    } else {
      c.receive_data(bytes(in));
    }
    return drain(c);
  };
  auto whole = run(false);
  EXPECT_EQ(whole.size(), 4u);
  EXPECT_EQ(whole, run(true));
}

// Bad UTF-8 in a text message: the error names the offending byte, and the
// pieces before it arrive, whatever the input split (wslay is handed text
// in ASCII runs only while the text before ends on a whole character).
TEST(WsClient, BadUtf8NamesTheByteWhateverTheSplit) {
  struct Case {
    std::string first, second;  // two frames of one text message
    std::size_t bad;            // offset of the bad byte in first + second
    std::string delivered;      // the whole pieces (rx_piece 4, cut per frame) before it
  };
  const std::vector<Case> cases = {
      // a byte never valid in UTF-8, after an ASCII run
      {"hello w\xc3\xa9rld ", "and \xff more", 17, "hello w\xc3\xa9rld and "},
      // a 3-byte character split over the frames, then ASCII where a
      // continuation byte must come
      {std::string(12, 'a') + "\xe2\x82", "\xac ok \xc3(", 20, std::string(12, 'a') + "\xe2\x82\xac ok"},
      // ASCII right after the lead byte a message starts with (the byte
      // before any on_frame_start: found by ws_frame_fuzz)
      {"\xe0" "\x0a" "ABCE", "x", 1, ""},
  };
  for (const Case& k : cases) {
    auto run = [&](std::size_t split, std::uint64_t& bad_at) {
      Rng rng(3);
      Options o;
      o.rx_piece = 4;
      Client c(rng, o);
      auto req = c.open("h", "/");
      std::string head = write_frame({false, 0, 1, std::nullopt, k.first});
      std::string second = write_frame({true, 0, 0, std::nullopt, k.second});
      // Where the bad byte sits in the input (offsets count from the 101's first byte).
      std::uint64_t second_payload = head.size() + second.size() - k.second.size();
      std::string in = answer(*req) + head + second;
      bad_at = answer(*req).size() + (k.bad < k.first.size() ? head.size() - k.first.size() + k.bad
                                                             : second_payload + (k.bad - k.first.size()));
      for (std::size_t i = 0; i < in.size(); i += split) c.receive_data(bytes(in.substr(i, split)));
      return drain(c);
    };
    std::uint64_t at = 0;
    auto ev = run(1 << 20, at);
    ASSERT_FALSE(ev.empty());
    auto* e = std::get_if<ErrorEvent>(&ev.back());
    ASSERT_NE(e, nullptr) << describe(ev.back());
    // wslay stops on the bad byte: consumed up to and including it.
    EXPECT_EQ(e->offset, at + 1) << e->message;
    std::string got;
    for (const auto& x : ev)
      if (auto* f = std::get_if<FragmentEvent>(&x)) got.append(f->data.begin(), f->data.end());
    EXPECT_EQ(got, k.delivered);
    for (std::size_t split : {1u, 2u, 3u, 5u, 16u}) EXPECT_EQ(run(split, at), ev) << "split " << split;
  }
}

}  // namespace
}  // namespace ss::proto::ws
