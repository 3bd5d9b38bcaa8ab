// The ws server binding (ws_server_binding.h) in the simulator: this
// project's ws client streams against this project's ws server streams,
// messages both ways (one of 1 MiB), under split segments and BUGGIFY, and
// hand-written clients that break the handshake or the framing.
// docs/protocols.md "ws server", docs/states.md "Serving".
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/bind/h1/h1_binding.h"
#include "runtime/bind/raw/raw_binding.h"
#include "runtime/bind/ws/ws_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/proto/ws/ws_frame_writer.h"
#include "runtime/stream/context.h"
#include "sim/testing/raw_client.h"
#include "sim/testing/server_bed.h"

namespace ss::proto::ws {
namespace {

using sim::testing::RawClient;
using sim::testing::ServerBed;
using stream::Ret;
using stream::State;
using stream::Stream;
using stream::StreamInfo;

using enum stream::State;

std::shared_ptr<const policy::Policy> ws_policy(bool server_is_ws = true) {
  policy::PolicyBuilder b(policy::streamtype(policy::Protocol::kWs, "server", 80));
  b.add("chat-server", [server_is_ws](policy::Streamtype& st) {
    st.server = true;
    st.endpoint = "";
    st.protocol = server_is_ws ? policy::Protocol::kWs : policy::Protocol::kH1;
    st.ws_subprotocol = "chat";
    st.metadata = {{"path", ""}, {"method", ""}, {"room", ""}};
  });
  b.add("chat", [](policy::Streamtype& st) {
    st.opportunistic = true;
    st.http_url = "chat?room=blue";
    st.ws_subprotocol = "chat";
  });
  b.add("page", [](policy::Streamtype& st) {
    st.protocol = policy::Protocol::kH1;
    st.opportunistic = true;
    st.http_method = "GET";
    st.http_url = "index.html";
  });
  b.add("rawc", [](policy::Streamtype& st) {
    st.protocol = policy::Protocol::kRaw;
    st.opportunistic = true;
  });
  return b.build();
}

void register_all(stream::Context& c) {
  register_ws_binding(c);
  h1::register_h1_binding(c);
  raw::register_raw_binding(c);
}

// The server's user: serves "/index.html" over HTTP; on SERVER_UPGRADE it
// switches the accepted stream to echo handlers (change_handlers) that
// send each message back once its EOM is in.
struct EchoServer {
  struct Conn {
    std::vector<State> states;
    std::string path, room;
    std::vector<std::string> messages;  // as received, SOM..EOM each
    std::string partial;
    std::vector<std::string> out;  // messages still to send back
    std::size_t out_pos = 0;
  };
  std::map<Stream*, Conn> conns;
  std::vector<State> listener_states;
  bool disconnect_after_first = false;

  static std::string md(Stream* s, const char* name) {
    auto v = s->get_metadata(name);
    return v.ok() ? std::string(*v) : "<undeclared>";
  }

  stream::Callbacks echo_handlers(const std::shared_ptr<Stream*>& self) {
    stream::Callbacks cb;
    cb.rx = [this, self](std::span<const std::uint8_t> b, std::uint32_t flags) {
      Conn& c = conns[*self];
      if (flags & stream::kFlagSom) {
        EXPECT_TRUE(c.partial.empty()) << "SOM inside a message";
        c.partial.clear();
      }
      c.partial.append(b.begin(), b.end());
      if (flags & stream::kFlagEom) {
        c.messages.push_back(std::exchange(c.partial, {}));
        c.out.push_back(c.messages.back());
        if (disconnect_after_first) return Ret::kDisconnectMe;
        (*self)->request_tx();
      }
      return Ret::kOk;
    };
    cb.tx = [this, self](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
      Conn& c = conns[*self];
      if (c.out.empty()) return Ret::kTxDontSend;
      const std::string& m = c.out.front();
      flags = c.out_pos == 0 ? std::uint32_t{stream::kFlagSom} : 0u;
      len = std::min(buf.size(), m.size() - c.out_pos);
      std::copy_n(m.begin() + static_cast<std::ptrdiff_t>(c.out_pos), len, buf.begin());
      c.out_pos += len;
      if (c.out_pos == m.size()) {
        flags |= stream::kFlagEom;
        c.out.erase(c.out.begin());
        c.out_pos = 0;
      }
      if (!c.out.empty()) (*self)->request_tx();
      return Ret::kOk;
    };
    return cb;
  }

  StreamInfo info() {
    StreamInfo i;
    i.callbacks.state = [this](State st, std::uint32_t) {
      listener_states.push_back(st);
      return Ret::kOk;
    };
    i.make_accepted = [this](StreamInfo& a) {
      auto self = std::make_shared<Stream*>(nullptr);
      a.on_bind = [self](Stream* s) { *self = s; };
      a.callbacks.state = [this, self](State st, std::uint32_t) {
        Stream* s = *self;
        Conn& c = conns[s];
        c.states.push_back(st);
        if (st == kServerUpgrade) {
          c.path = md(s, "path");
          c.room = md(s, "room");
          s->change_handlers(echo_handlers(self));
        } else if (st == kServerTxn) {
          c.path = md(s, "path");
          s->server_ack(c.path == "/index.html" ? 0 : 404);
          c.out.push_back("<p>plain http</p>");
          s->request_tx_len(c.out.back().size());
        }
        return Ret::kOk;
      };
      // Before the upgrade (plain HTTP): the response body, no SOM needed.
      a.callbacks.tx = [this, self](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len,
                                    std::uint32_t& flags) {
        Conn& c = conns[*self];
        if (c.out.empty()) return Ret::kTxDontSend;
        len = std::min(buf.size(), c.out.front().size());
        std::copy_n(c.out.front().begin(), len, buf.begin());
        c.out.clear();
        flags = stream::kFlagEom;
        return Ret::kOk;
      };
      a.callbacks.rx = [](std::span<const std::uint8_t>, std::uint32_t) { return Ret::kOk; };
      return true;
    };
    return i;
  }
};

// Our ws client: sends `messages` (in chunks of `chunk` bytes), keeps the
// echoed messages.
struct ChatClient {
  std::vector<std::string> messages;
  std::size_t chunk = 1000;
  bool hang_up_when_echoed = false;  // DISCONNECT_ME once every message is back
  std::vector<State> states;
  std::vector<std::string> echoed;
  std::string partial;
  std::size_t msg = 0, pos = 0;
  Stream* s = nullptr;

  void start(stream::Context& ctx, const char* type = "chat") {
    StreamInfo info;
    info.streamtype = type;
    info.callbacks.state = [this](State st, std::uint32_t) {
      states.push_back(st);
      if (st == kConnected && msg < messages.size()) s->request_tx();
      return Ret::kOk;
    };
    info.callbacks.rx = [this](std::span<const std::uint8_t> b, std::uint32_t flags) {
      if (flags & stream::kFlagSom) partial.clear();
      partial.append(b.begin(), b.end());
      if (flags & stream::kFlagEom) echoed.push_back(std::exchange(partial, {}));
      return hang_up_when_echoed && echoed.size() == messages.size() ? Ret::kDisconnectMe : Ret::kOk;
    };
    info.callbacks.tx = [this](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
      if (msg >= messages.size()) return Ret::kTxDontSend;
      const std::string& m = messages[msg];
      flags = pos == 0 ? std::uint32_t{stream::kFlagSom} : 0u;
      len = std::min({buf.size(), chunk, m.size() - pos});
      std::copy_n(m.begin() + static_cast<std::ptrdiff_t>(pos), len, buf.begin());
      pos += len;
      if (pos == m.size()) {
        flags |= stream::kFlagEom;
        ++msg;
        pos = 0;
      }
      if (msg < messages.size()) s->request_tx();
      return Ret::kOk;
    };
    auto r = ctx.create(std::move(info));
    ASSERT_TRUE(r.ok()) << r.error().message();
    s = *r;
    ASSERT_EQ(s->client_connect(), Ret::kOk);
  }
};

// ASCII (text frames must be UTF-8), not periodic within a frame.
std::string pattern(std::size_t n, char seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (seed + i * 7 + i / 251) % 26);
  return s;
}

std::vector<std::string> chat_messages() {
  return {"hello", "", pattern(5000, 'a'), pattern(1024 * 1024, 'A'), "bye"};
}

TEST(WsServer, EchoesMessagesBothWaysAndUpgradeIsRaisedOnTheAcceptedStream) {
  EchoServer server;
  ChatClient client;
  client.messages = chat_messages();
  client.hang_up_when_echoed = true;
  ServerBed bed(ws_policy(), 31, register_all);
  ASSERT_NE(ServerBed::create(*bed.server, "chat-server", server.info()), nullptr);
  client.start(*bed.client);
  bed.run_for(seconds(10));
  EXPECT_EQ(client.echoed, client.messages);
  ASSERT_EQ(server.conns.size(), 1u);
  const auto& c = server.conns.begin()->second;
  EXPECT_EQ(c.messages, client.messages);  // SOM..EOM per message on the server side
  EXPECT_EQ(c.path, "/chat");
  EXPECT_EQ(c.room, "blue");  // a URL argument of the upgrade request
  // libwebsockets issue #2725: never on the listening stream.
  EXPECT_EQ(server.listener_states, (std::vector<State>{kCreating}));
  // The client hung up (close 1000): the accepted stream is destroyed.
  EXPECT_EQ(client.states, (std::vector<State>{kCreating, kConnecting, kConnected, kDisconnected}));
  EXPECT_EQ(c.states, (std::vector<State>{kCreating, kConnecting, kConnected, kServerUpgrade, kDisconnected,
                                          kDestroying}));
  EXPECT_TRUE(bed.violations.empty()) << bed.violations.front();
}

// Faults: segments of 1..7 bytes, BUGGIFY (rx splits and the like), several
// seeds; every message comes back whole and in order.
TEST(WsServer, EchoSurvivesTinySegmentsAndBuggifyOnManySeeds) {
  for (std::uint64_t seed = 40; seed < 44; ++seed) {
    EchoServer server;
    ChatClient client;
    client.messages = {"one", pattern(20000, 'x'), "", pattern(3000, 'y')};
    client.chunk = 1 + seed % 5 * 700;
    sim::WorldOptions wo;
    wo.buggify = true;
    wo.segmentation = {1, 7};
    ServerBed bed(ws_policy(), seed, register_all, {}, wo);
    ASSERT_NE(ServerBed::create(*bed.server, "chat-server", server.info()), nullptr);
    client.start(*bed.client);
    bed.run_for(seconds(60));
    EXPECT_EQ(client.echoed, client.messages) << "seed " << seed;
    EXPECT_TRUE(bed.violations.empty()) << "seed " << seed << ": " << bed.violations.front();
  }
}

// The server's user returns DISCONNECT_ME: the connection ends (our close
// 1000 goes out best-effort as the transport closes), the accepted stream
// is destroyed and the client hears DISCONNECTED.
TEST(WsServer, TheServerUserDisconnectingEndsTheConnection) {
  EchoServer server;
  server.disconnect_after_first = true;
  ChatClient client;
  client.messages = {"first", "second"};
  ServerBed bed(ws_policy(), 32, register_all);
  ASSERT_NE(ServerBed::create(*bed.server, "chat-server", server.info()), nullptr);
  client.start(*bed.client);
  bed.run_for(seconds(5));
  const auto& c = server.conns.begin()->second;
  EXPECT_EQ(c.messages, (std::vector<std::string>{"first"}));
  EXPECT_EQ(c.states, (std::vector<State>{kCreating, kConnecting, kConnected, kServerUpgrade, kDisconnected,
                                          kDestroying}));
  EXPECT_TRUE(client.echoed.empty());
  EXPECT_EQ(client.states.back(), kDisconnected);
  EXPECT_TRUE(bed.violations.empty()) << bed.violations.front();
}

TEST(WsServer, PlainHttpIsStillServedOnAWsStreamtype) {
  EchoServer server;
  std::string body;
  std::vector<State> states;
  ServerBed bed(ws_policy(), 33, register_all);
  ASSERT_NE(ServerBed::create(*bed.server, "chat-server", server.info()), nullptr);
  StreamInfo info;
  info.streamtype = "page";
  info.callbacks.state = [&](State st, std::uint32_t) {
    states.push_back(st);
    return Ret::kOk;
  };
  info.callbacks.rx = [&](std::span<const std::uint8_t> b, std::uint32_t) {
    body.append(b.begin(), b.end());
    return Ret::kOk;
  };
  info.callbacks.tx = [](std::uint32_t, std::span<std::uint8_t>, std::size_t& len, std::uint32_t& flags) {
    len = 0;
    flags = stream::kFlagEom;
    return Ret::kOk;
  };
  auto s = bed.client->create(std::move(info));
  ASSERT_TRUE(s.ok());
  (*s)->request_tx();
  bed.run_for(seconds(5));
  EXPECT_EQ(body, "<p>plain http</p>");
  EXPECT_NE(std::find(states.begin(), states.end(), kQosAckRemote), states.end());
  const auto& c = server.conns.begin()->second;
  EXPECT_EQ(std::vector<State>(c.states.begin(), c.states.begin() + 4),
            (std::vector<State>{kCreating, kConnecting, kConnected, kServerTxn}));
}

std::string upgrade_request(std::string_view version = "13", std::string_view extra = "") {
  return "GET /chat HTTP/1.1\r\nHost: server\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: " +
         std::string(version) + "\r\n" + std::string(extra) + "\r\n";
}

struct Bad {
  std::shared_ptr<const policy::Policy> policy = ws_policy();
  EchoServer server;
  RawClient raw;
  std::unique_ptr<ServerBed> bed;
  explicit Bad(std::string request, std::uint64_t seed, Micros run = seconds(5)) {
    bed = std::make_unique<ServerBed>(policy, seed, register_all);
    EXPECT_NE(ServerBed::create(*bed->server, "chat-server", server.info()), nullptr);
    raw.to_send = std::move(request);
    raw.start(*bed->client);
    bed->run_for(run);
  }
  const std::vector<State>& accepted_states() { return server.conns.begin()->second.states; }
};

TEST(WsServerBadClients, AWrongVersionIsAnswered426AndClosed) {
  Bad b(upgrade_request("8"), 34);
  EXPECT_TRUE(b.raw.rx.starts_with("HTTP/1.1 426 ")) << b.raw.rx;
  EXPECT_NE(b.raw.rx.find("Sec-WebSocket-Version: 13\r\n"), std::string::npos) << b.raw.rx;
  EXPECT_TRUE(b.raw.closed());
  EXPECT_TRUE(b.bed->log_has(b.bed->server_logs, "Sec-WebSocket-Version '8', expected 13"));
  EXPECT_EQ(std::count(b.accepted_states().begin(), b.accepted_states().end(), kServerUpgrade), 0);
}

TEST(WsServerBadClients, AnUnofferedSubprotocolIsAnswered400) {
  Bad b(upgrade_request("13", "Sec-WebSocket-Protocol: mqtt\r\n"), 35);
  EXPECT_TRUE(b.raw.rx.starts_with("HTTP/1.1 400 ")) << b.raw.rx;
  EXPECT_TRUE(b.raw.closed());
}

TEST(WsServerBadClients, AnUnmaskedFrameIsClosedWith1002) {
  Bad b(upgrade_request() + write_frame({true, 0, 1, std::nullopt, "not masked"}), 36);
  ASSERT_TRUE(b.raw.rx.starts_with("HTTP/1.1 101 ")) << b.raw.rx;
  EXPECT_NE(b.raw.rx.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), std::string::npos);
  EXPECT_TRUE(b.raw.rx.ends_with(std::string("\x88\x02\x03\xea", 4))) << b.raw.rx.size();  // close 1002
  EXPECT_TRUE(b.raw.closed());
  EXPECT_EQ(b.accepted_states(),
            (std::vector<State>{kCreating, kConnecting, kConnected, kServerUpgrade, kDisconnected, kDestroying}));
  EXPECT_TRUE(b.bed->log_has(b.bed->server_logs, "1002"));
}

TEST(WsServerBadClients, ASilentClientIsPingedThenClosedAtTheIdleDeadline) {
  Bad b(upgrade_request(), 37, seconds(40));
  const std::string ping = write_frame({true, 0, 9, std::nullopt, "ss"});
  EXPECT_NE(b.raw.rx.find(ping), std::string::npos);
  EXPECT_TRUE(b.raw.rx.ends_with(write_frame({true, 0, 8, std::nullopt, close_payload(1001, "idle")})));
  EXPECT_TRUE(b.raw.closed());
  EXPECT_TRUE(b.bed->log_has(b.bed->server_logs, "nothing from the client for 30000 ms"));
}

TEST(WsServerBadClients, AClientThatAnswersPingsIsKeptPastTheIdleDeadline) {
  Bad b(upgrade_request(), 38, seconds(16));
  ASSERT_NE(b.raw.rx.find(write_frame({true, 0, 9, std::nullopt, "ss"})), std::string::npos);
  b.raw.send(write_frame({true, 0, 10, 0x11223344u, "ss"}));  // the pong
  b.bed->run_for(seconds(20));  // 36 s since the upgrade, 20 since the pong
  EXPECT_FALSE(b.raw.closed());
  EXPECT_EQ(b.accepted_states().back(), kServerUpgrade);
}

// An h1 server streamtype does not speak WebSocket: 501, documented in
// docs/protocols.md "ws server".
TEST(WsServerBadClients, AnUpgradeToAnH1ServerStreamtypeIsRefusedWith501) {
  EchoServer server;
  ChatClient client;
  client.messages = {"x"};
  ServerBed bed(ws_policy(false), 39, register_all);
  ASSERT_NE(ServerBed::create(*bed.server, "chat-server", server.info()), nullptr);
  client.start(*bed.client);
  bed.run_for(seconds(5));
  EXPECT_TRUE(client.echoed.empty());
  ASSERT_GE(client.states.size(), 3u);
  EXPECT_EQ(std::vector<State>(client.states.begin(), client.states.begin() + 3),
            (std::vector<State>{kCreating, kConnecting, kUnreachable}));
  EXPECT_TRUE(bed.log_has(bed.client_logs, "status 501")) << (bed.client_logs.empty() ? "" : bed.client_logs.back());
}

}  // namespace
}  // namespace ss::proto::ws
