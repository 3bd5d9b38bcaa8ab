// Fuzz target: an h1 server stream (engine + h1 server binding +
// MessageParser in request mode) fed a hostile client's bytes in the
// simulator (docs/api.md "Serving"); with flag bit 5, a ws server stream
// fed hostile WebSocket bytes after a valid upgrade request (the ws half:
// ws server binding, wslay's server side, docs/protocols.md "ws server").
//
// Input: byte 0 = flags (bit 0 the client never reads; bit 1 the server
// answers DISCONNECT_ME to every third SERVER_TXN; bit 2 small limits:
// 300-byte bodies, 2 s head and 5 s idle deadlines; bit 3 the client
// closes after writing; bit 4 the server destroys its clients from a
// foreach_client walk at 3 s; bit 5 the server streamtype is ws and the
// client's bytes follow a valid upgrade request to /chat: they are frames);
// byte 1 = the network's largest segment
// (1..256 bytes); the rest = what the client writes once connected.
// The server answers /ok (ack 0, a small body with Content-Length),
// /chunk (ack 0, chunked), /status (ack 418), anything else without an
// ack (404), and echoes request bodies back when they end. On
// SERVER_UPGRADE it change_handlers to a ws echo: each message back once
// its EOM is in.
// Invariants (abort on failure):
//  - no crash, no sanitizer report, no engine violation;
//  - every accepted stream's states are legal, start CREATING, CONNECTING,
//    never POLL / UNREACHABLE / ALL_RETRIES_FAILED, and end with one
//    DESTROYING once the client is gone;
//  - rx only between a SERVER_TXN (or SERVER_UPGRADE) and the stream's end;
//  - ws: SOM starts each message and never comes inside one;
//  - the run reaches idle once client and server are gone, nothing left.
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "fuzz/hostile_server.h"
#include "runtime/bind/h1/h1_binding.h"
#include "runtime/bind/ws/ws_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "runtime/stream/state_table.h"
#include "sim/testing/sim_context.h"
#include "sim/world.h"

namespace {

using namespace ss;
using stream::Ret;
using stream::State;

[[noreturn]] void fail(const std::string& why) { fuzzing::fuzz_fail("h1_server_fuzz", why); }

// A valid upgrade request: the fuzzer's bytes after it are frames.
constexpr std::string_view kUpgrade =
    "GET /chat HTTP/1.1\r\nHost: server\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

struct HostileClient final : ConnectionHandler {
  std::vector<std::uint8_t> bytes;
  bool deaf = false, close_after = false;
  std::unique_ptr<Connection> conn;
  void on_connected() override {
    if (deaf) conn->pause_reading(true);
    if (!bytes.empty()) conn->write(bytes);
    if (close_after) conn->shutdown_write();
  }
  void on_data(std::span<const std::uint8_t>) override {}
  void on_end(EndReason) override {}
};

struct Client {
  stream::Stream* s = nullptr;
  std::vector<State> states;
  std::string body, out;
  int txns = 0;
  // ws: the message coming in, and the echoes going out.
  bool in_message = false;
  std::string ws_msg;
  std::deque<std::string> ws_out;
  std::size_t ws_pos = 0;
};

// The ws echo the server's user switches to on SERVER_UPGRADE.
stream::Callbacks ws_echo(Client* c) {
  stream::Callbacks cb;
  cb.rx = [c](std::span<const std::uint8_t> bytes, std::uint32_t f) {
    const bool som = f & stream::kFlagSom;
    if (som == c->in_message) fail(som ? "ws rx: SOM inside a message" : "ws rx: a piece without SOM");
    if (som) c->ws_msg.clear();
    c->ws_msg.append(bytes.begin(), bytes.end());
    c->in_message = !(f & stream::kFlagEom);
    if (c->in_message) return Ret::kOk;
    c->ws_out.push_back(std::exchange(c->ws_msg, {}));
    return c->s->request_tx();
  };
  cb.tx = [c](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& f) {
    if (c->ws_out.empty()) return Ret::kTxDontSend;
    const std::string& m = c->ws_out.front();
    f = c->ws_pos == 0 ? std::uint32_t{stream::kFlagSom} : 0u;
    len = std::min(buf.size(), m.size() - c->ws_pos);
    std::copy_n(m.begin() + static_cast<std::ptrdiff_t>(c->ws_pos), len, buf.begin());
    c->ws_pos += len;
    if (c->ws_pos == m.size()) {
      f |= stream::kFlagEom;
      c->ws_out.pop_front();
      c->ws_pos = 0;
    }
    if (!c->ws_out.empty()) c->s->request_tx();
    return Ret::kOk;
  };
  return cb;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > 64 * 1024) return 0;
  const std::uint8_t flags = data[0];
  sim::WorldOptions wo;
  wo.seed = 9;
  wo.segmentation.max = 1 + data[1];
  sim::World world(wo);
  const int client_host = world.add_host("client");
  const int server_host = world.add_host("server");

  const bool ws = flags & 32;
  policy::PolicyBuilder b(policy::streamtype(ws ? policy::Protocol::kWs : policy::Protocol::kH1, "", 80));
  b.add("web", [](policy::Streamtype& st) {
    st.server = true;
    st.ws_binary = true;
    st.metadata = {{"path", ""}, {"method", ""}, {"q", ""}, {"ct", "content-type:"}};
  });
  std::vector<std::string> violations;
  stream::Context::Config cfg = sim::testing::context_config(world, server_host, b.build(), 13);
  cfg.hooks.violation = [&](std::string_view t) { violations.emplace_back(t); };
  if (flags & 4) {
    cfg.server_limits.max_body = 300;
    cfg.server_limits.head_timeout = seconds(2);
    cfg.server_limits.idle_timeout = seconds(5);
  }
  std::vector<std::unique_ptr<Client>> clients;
  HostileClient hostile;
  {
    stream::Context ctx(std::move(cfg));
    proto::h1::register_h1_binding(ctx);
    proto::ws::register_ws_binding(ctx);
    stream::StreamInfo info;
    info.streamtype = "web";
    info.make_accepted = [&](stream::StreamInfo& a) {
      clients.push_back(std::make_unique<Client>());
      Client* c = clients.back().get();
      a.on_bind = [c](stream::Stream* s) { c->s = s; };
      a.callbacks.state = [c, flags](stream::State st, std::uint32_t) {
        c->states.push_back(st);
        if (st == State::kServerUpgrade) c->s->change_handlers(ws_echo(c));
        if (st != State::kServerTxn) return Ret::kOk;
        c->body.clear();
        if ((flags & 2) && ++c->txns % 3 == 0) return Ret::kDisconnectMe;
        auto path = c->s->get_metadata("path");
        const std::string p = path.ok() ? std::string(*path) : "";
        if (p == "/ok") {
          c->s->server_ack(0);
          (void)c->s->set_metadata("ct", "text/plain");
          c->out = "ok";
          return c->s->request_tx_len(2);
        }
        if (p == "/chunk") {
          c->s->server_ack(0);
          c->out = std::string(3000, 'c');
          return c->s->request_tx();
        }
        if (p == "/status") c->s->server_ack(418);
        if (p != "/echo") {
          c->out = "nope";
          return c->s->request_tx_len(4);
        }
        return Ret::kOk;
      };
      a.callbacks.rx = [c](std::span<const std::uint8_t> bytes, std::uint32_t f) {
        if (std::find(c->states.begin(), c->states.end(), State::kServerTxn) == c->states.end())
          fail("rx before any SERVER_TXN");
        c->body.append(bytes.begin(), bytes.end());
        if (f & stream::kFlagEom) {
          c->s->server_ack(0);
          c->out = c->body;
          return c->s->request_tx_len(c->out.size());
        }
        return Ret::kOk;
      };
      a.callbacks.tx = [c](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& f) {
        len = std::min(buf.size(), c->out.size());
        std::copy_n(c->out.begin(), len, buf.begin());
        c->out.erase(0, len);
        f = c->out.empty() ? std::uint32_t{stream::kFlagEom} : 0u;
        if (!c->out.empty()) c->s->request_tx();
        return Ret::kOk;
      };
      return true;
    };
    auto server = ctx.create(std::move(info));
    if (!server.ok()) fail("create: " + server.error().message());
    stream::Stream* srv = *server;

    if (ws) hostile.bytes.assign(kUpgrade.begin(), kUpgrade.end());
    hostile.bytes.insert(hostile.bytes.end(), data + 2, data + size);
    hostile.deaf = flags & 1;
    hostile.close_after = flags & 8;
    hostile.conn = world.net_for(client_host).connect(Endpoint::tcp("server", 80), {}, &hostile);
    world.run_for(seconds(3), 2'000'000);
    if (flags & 16) srv->foreach_client([](stream::Stream* s) { s->destroy(); });
    world.run_for(seconds(40), 4'000'000);
    hostile.conn.reset();  // the client goes
    world.run_for(seconds(1), 1'000'000);
    srv->destroy();
    auto idle = world.run_until_idle(4'000'000);
    if (idle.livelock) fail("no idle after client and server are gone");
    if (ctx.stream_count() != 0) fail("stream left behind");
  }
  world.run_until_idle(1'000'000);
  if (!violations.empty()) fail("violation: " + violations.front());
  for (const auto& c : clients) {
    State tracked = State::kNone;
    for (State st : c->states) {
      if (!stream::transition_legal(tracked, st))
        fail(std::string("illegal ") + stream::state_name(tracked) + " -> " + stream::state_name(st));
      if (st == State::kPoll || st == State::kUnreachable || st == State::kAllRetriesFailed)
        fail(std::string("an accepted stream raised ") + stream::state_name(st));
      tracked = stream::next_tracked(tracked, st);
    }
    if (c->states.size() < 3 || c->states[0] != State::kCreating || c->states[1] != State::kConnecting)
      fail("an accepted stream did not start CREATING, CONNECTING");
    if (c->states.back() != State::kDestroying) fail("an accepted stream was not destroyed");
  }
  return 0;
}
