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

// --- server role ------------------------------------------------------------

h1::Head parse_request(const std::string& text) {
  h1::MessageParser p(h1::MessageParser::Kind::kRequest);
  p.receive_data(bytes(text));
  h1::Event e = p.next_event();
  EXPECT_TRUE(std::holds_alternative<h1::HeadEvent>(e)) << text;
  return std::holds_alternative<h1::HeadEvent>(e) ? std::get<h1::HeadEvent>(e).head : h1::Head{};
}

std::string request_with(std::string_view replace, std::string_view by) {
  std::string r =
      "GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  if (!replace.empty()) r.replace(r.find(replace), replace.size(), by);
  return r;
}

TEST(WsServerHandshake, AGoodRequestIsAcceptedWithOrWithoutASubprotocol) {
  UpgradeRefusal refusal;
  auto none = check_upgrade_request(parse_request(request_with("", "")), "chat", refusal);
  ASSERT_TRUE(none.ok()) << refusal.why;
  EXPECT_EQ(*none, "");  // nothing offered: served without one
  auto chosen = check_upgrade_request(
      parse_request(request_with("Host: h\r\n", "Host: h\r\nSec-WebSocket-Protocol: x, chat\r\n")), "chat", refusal);
  ASSERT_TRUE(chosen.ok()) << refusal.why;
  EXPECT_EQ(*chosen, "chat");
  EXPECT_EQ(upgrade_response("dGhlIHNhbXBsZSBub25jZQ==", "chat"),
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n");
}

TEST(WsServerHandshake, BadRequestsAreRefusedWithTheirStatus) {
  struct Bad {
    std::string_view replace, by;
    int status;
    std::string_view says;
  };
  const Bad cases[] = {
      {"Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8", 426, "Sec-WebSocket-Version '8'"},
      {"Sec-WebSocket-Version: 13\r\n", "", 426, "Sec-WebSocket-Version missing"},
      {"dGhlIHNhbXBsZSBub25jZQ==", "short", 400, "Sec-WebSocket-Key 'short'"},
      {"dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25j!!==", 400, "not 16 base64 bytes"},
      {"dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25j-_==", 400, "not 16 base64 bytes"},  // URL-safe alphabet
      {"dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ=", 400, "not 16 base64 bytes"},
      {"Upgrade: websocket", "Upgrade: h2c", 400, "Upgrade header"},
      {"GET /chat", "POST /chat", 400, "method 'POST'"},
      {"Host: h\r\n", "Host: h\r\nSec-WebSocket-Protocol: other\r\n", 400, "subprotocols 'other' offered"},
  };
  for (const auto& b : cases) {
    UpgradeRefusal refusal;
    auto r = check_upgrade_request(parse_request(request_with(b.replace, b.by)), "chat", refusal);
    EXPECT_FALSE(r.ok()) << b.by;
    EXPECT_EQ(refusal.status, b.status) << b.by;
    EXPECT_NE(refusal.why.find(b.says), std::string::npos) << refusal.why;
  }
  UpgradeRefusal refusal;
  (void)check_upgrade_request(parse_request(request_with("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8")),
                              "", refusal);
  ASSERT_EQ(refusal.headers.size(), 1u);
  EXPECT_EQ(refusal.headers[0].value, "13");
}

Options server_options() {
  Options o;
  o.role = Options::Role::kServer;
  return o;
}

// Our client and our server core, wired back to back.
struct Pair {
  Rng rng{9};
  Session client{rng, {}};
  Session server{rng, server_options()};
  Pair() {
    auto req = client.open("h", "/chat");
    EXPECT_TRUE(req.ok());
    const auto at = req->find("Sec-WebSocket-Key: ") + 19;
    auto resp = server.accept(req->substr(at, 24), "", {});
    EXPECT_TRUE(resp.ok());
    client.receive_data(bytes(*resp));
    EXPECT_TRUE(std::holds_alternative<OpenEvent>(client.next_event()));
  }
  void to_server() { server.receive_data(client.take_output()); }
  void to_client() { client.receive_data(server.take_output()); }
};

TEST(WsServer, MessagesBothWaysMaskedOnlyFromTheClient) {
  Pair p;
  ASSERT_TRUE(p.client.send(bytes("hel"), false, true, false).ok());
  ASSERT_TRUE(p.client.send(bytes("lo"), false, false, true).ok());
  p.to_server();
  auto ev = drain(p.server);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(std::get<FragmentEvent>(ev[0]), (FragmentEvent{false, true, false, {'h', 'e', 'l'}}));
  EXPECT_EQ(std::get<FragmentEvent>(ev[1]), (FragmentEvent{false, false, true, {'l', 'o'}}));
  ASSERT_TRUE(p.server.send(bytes("back"), true, true, true).ok());
  auto out = p.server.take_output();
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out[0], 0x82);             // FIN, binary
  EXPECT_EQ(out[1] & 0x80, 0);         // no mask bit from a server
  EXPECT_EQ(out.size(), 2u + 4u);      // and no masking key
  p.client.receive_data(out);
  ev = drain(p.client);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(std::get<FragmentEvent>(ev[0]), (FragmentEvent{true, true, true, {'b', 'a', 'c', 'k'}}));
}

TEST(WsServer, AnUnmaskedClientFrameIsClosedWith1002) {
  Rng rng(3);
  Session s(rng, server_options());
  std::string frames = write_frame({true, 0, 1, 0x01020304u, "ok"}) + write_frame({true, 0, 1, std::nullopt, "bad"});
  ASSERT_TRUE(s.accept("dGhlIHNhbXBsZSBub25jZQ==", "", std::vector<std::uint8_t>(frames.begin(), frames.end())).ok());
  auto ev = drain(s);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(std::get<FragmentEvent>(ev[0]).data, (std::vector<std::uint8_t>{'o', 'k'}));
  auto& err = std::get<ErrorEvent>(ev[1]);
  EXPECT_NE(err.message.find("1002"), std::string::npos) << err.message;
  auto out = s.take_output();
  ASSERT_EQ(out.size(), 4u);  // close frame, code 1002
  EXPECT_EQ(out[0], 0x88);
  EXPECT_EQ((out[2] << 8) | out[3], 1002);
}

TEST(WsServer, PingIsPongedAndTheCloseHandshakeCompletes) {
  Pair p;
  ASSERT_TRUE(p.client.ping(bytes("pp")).ok());
  p.to_server();
  EXPECT_TRUE(std::holds_alternative<PingEvent>(p.server.next_event()));
  p.to_client();
  EXPECT_EQ(std::get<PongEvent>(p.client.next_event()).data, (std::vector<std::uint8_t>{'p', 'p'}));
  ASSERT_TRUE(p.client.close(1000, "bye").ok());
  p.to_server();
  EXPECT_EQ(std::get<CloseEvent>(p.server.next_event()), (CloseEvent{1000, "bye"}));
  EXPECT_TRUE(p.server.close_sent());  // the reply is queued
  p.to_client();
  EXPECT_EQ(std::get<CloseEvent>(p.client.next_event()).code, 1000);
  p.server.receive_data({});
  EXPECT_EQ(std::get<ClosedEvent>(p.server.next_event()), (ClosedEvent{true}));
}

TEST(WsServer, AcceptIsServerOnlyAndOpenClientOnly) {
  Rng rng(1);
  Session client(rng, {});
  EXPECT_FALSE(client.accept("dGhlIHNhbXBsZSBub25jZQ==", "", {}).ok());
  Session server(rng, server_options());
  EXPECT_FALSE(server.open("h", "/").ok());
}

// Bad UTF-8 in a text message: the error names the offending byte, and the
// pieces before it arrive, whatever the input split (wslay is handed text
// in ASCII runs only while the text before ends on a whole character).
// Both roles: a server sees the text masked; this mask flips the high bit
// of every fourth byte only, so judging ASCII on the masked bytes would
// hand wslay a bad byte inside a run.
TEST(WsSession, BadUtf8NamesTheByteWhateverTheSplitInEitherRole) {
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
    for (bool server : {false, true}) {
      SCOPED_TRACE(server ? "server" : "client");
      auto run = [&](std::size_t split, std::uint64_t& bad_at) {
        Rng rng(3);
        Options o = server ? server_options() : Options{};
        o.rx_piece = 4;
        Session c(rng, o);
        // Offsets count from the 101's first byte (client) or from the first
        // frame byte (server).
        std::string before;
        if (server) {
          EXPECT_TRUE(c.accept("dGhlIHNhbXBsZSBub25jZQ==", "", {}).ok());
        } else {
          before = answer(*c.open("h", "/"));
        }
        std::optional<std::uint32_t> mask;
        if (server) mask = 0x80010203u;
        std::string head = write_frame({false, 0, 1, mask, k.first});
        std::string second = write_frame({true, 0, 0, mask, k.second});
        // Where the bad byte sits in the input.
        std::uint64_t second_payload = head.size() + second.size() - k.second.size();
        std::string in = before + head + second;
        bad_at = before.size() + (k.bad < k.first.size() ? head.size() - k.first.size() + k.bad
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
}

}  // namespace
}  // namespace ss::proto::ws
