// Server streams in the engine (server.h, docs/api.md "Serving"): a raw
// server stream of this project serving this project's raw client streams
// in the simulator. The listening stream, the accepted streams' states and
// flags, bytes both ways, the end of an accepted stream, bind failures,
// max_clients and foreach_client.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/bind/raw/raw_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "runtime/stream/server.h"
#include "sim/testing/server_bed.h"
#include "sim/testing/stream_harness.h"

namespace ss::stream {
namespace {

using sim::testing::ServerBed;

using enum State;

std::shared_ptr<const policy::Policy> raw_policy() {
  policy::PolicyBuilder b(policy::streamtype(policy::Protocol::kRaw, "server", 80));
  b.add("srv", [](policy::Streamtype& st) {
    st.server = true;
    st.endpoint = "";
  });
  b.add("srv-again", [](policy::Streamtype& st) {  // the same port: address in use
    st.server = true;
    st.endpoint = "";
  });
  b.add("cli", [](policy::Streamtype& st) { st.opportunistic = true; });
  return b.build();
}

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

// The server's user: one record per accepted stream, keyed by its user
// object (make_accepted gives each its own), echoing what it reads.
struct EchoServer {
  struct Client {
    std::vector<State> states;
    std::string rx;
    std::string to_send;
    Stream* stream = nullptr;
    std::uint8_t flags = 0;
  };
  std::vector<State> listener_states;
  std::map<int, Client> clients;  // by the user object's number
  int next = 0;

  StreamInfo info() {
    StreamInfo i;
    i.callbacks.state = [this](stream::State s, std::uint32_t) {
      listener_states.push_back(s);
      return Ret::kOk;
    };
    i.make_accepted = [this](StreamInfo& a) {
      const int n = next++;
      a.user = reinterpret_cast<void*>(static_cast<std::intptr_t>(n + 1));
      a.on_bind = [this, n](Stream* s) {
        clients[n].stream = s;
      };
      a.callbacks.state = [this, n](stream::State s, std::uint32_t) {
        clients[n].states.push_back(s);
        return Ret::kOk;
      };
      a.callbacks.rx = [this, n](std::span<const std::uint8_t> b, std::uint32_t) {
        Client& c = clients[n];
        c.rx.append(b.begin(), b.end());
        c.to_send.append(b.begin(), b.end());
        return c.stream->request_tx();
      };
      a.callbacks.tx = [this, n](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t&) {
        Client& c = clients[n];
        if (c.to_send.empty()) return Ret::kTxDontSend;
        len = std::min(buf.size(), c.to_send.size());
        std::copy_n(c.to_send.begin(), len, buf.begin());
        c.to_send.erase(0, len);
        if (!c.to_send.empty()) c.stream->request_tx();
        return Ret::kOk;
      };
      return true;
    };
    return i;
  }
};

// A raw client that sends `text` once connected and keeps what comes back.
struct Sender {
  sim::testing::Recorder rec;
  Stream* s = nullptr;
  Stream* start(Context& ctx, std::string_view text) {
    rec.to_send = bytes(text);
    StreamInfo info;
    info.streamtype = "cli";
    info.callbacks = rec.callbacks();
    auto r = ctx.create(std::move(info));
    EXPECT_TRUE(r.ok());
    s = r.ok() ? *r : nullptr;
    if (s) s->request_tx();
    return s;
  }
  std::string rx() const { return std::string(rec.rx.begin(), rec.rx.end()); }
};

void register_raw(Context& c) { proto::raw::register_raw_binding(c); }

TEST(Server, AcceptedStreamsEchoAndEndWithTheirConnection) {
  EchoServer es;
  Sender a, b;
  ServerBed bed(raw_policy(), 7, register_raw);
  Stream* srv = ServerBed::create(*bed.server, "srv", es.info());
  ASSERT_NE(srv, nullptr);
  EXPECT_TRUE(srv->is_server());
  EXPECT_EQ(es.listener_states, std::vector<State>{kCreating});

  a.start(*bed.client, "hello from a");
  b.start(*bed.client, "and b");
  bed.run_until_idle();
  EXPECT_EQ(a.rx(), "hello from a");
  EXPECT_EQ(b.rx(), "and b");
  ASSERT_EQ(es.clients.size(), 2u);
  for (auto& [n, c] : es.clients) {
    EXPECT_EQ(c.states, (std::vector<State>{kCreating, kConnecting, kConnected})) << n;
    ASSERT_NE(c.stream, nullptr);
    EXPECT_TRUE(c.stream->accepted());
    EXPECT_FALSE(c.stream->is_server());
    EXPECT_EQ(c.stream->user(), reinterpret_cast<void*>(static_cast<std::intptr_t>(n + 1)));
  }
  EXPECT_EQ(srv->server()->client_count(), 2u);
  // The listener never connects: request_tx and client_connect do nothing.
  EXPECT_EQ(srv->request_tx(), Ret::kOk);
  EXPECT_EQ(srv->client_connect(), Ret::kOk);
  EXPECT_EQ(es.listener_states, std::vector<State>{kCreating});

  // A client goes: its accepted stream says DISCONNECTED, DESTROYING and is
  // gone; it never reconnects. The other one lives on.
  a.s->destroy();
  bed.run_until_idle();
  EXPECT_EQ(es.clients[0].states, (std::vector<State>{kCreating, kConnecting, kConnected, kDisconnected, kDestroying}));
  EXPECT_EQ(es.clients[1].states, (std::vector<State>{kCreating, kConnecting, kConnected}));
  EXPECT_EQ(srv->server()->client_count(), 1u);
  EXPECT_TRUE(bed.violations.empty()) << bed.violations.front();
}

TEST(Server, DisconnectMeFromAnAcceptedStreamClosesAndDestroysIt) {
  EchoServer es;
  StreamInfo info = es.info();
  auto make = info.make_accepted;
  info.make_accepted = [make](StreamInfo& a) {
    make(a);
    a.callbacks.rx = [](std::span<const std::uint8_t>, std::uint32_t) { return Ret::kDisconnectMe; };
    return true;
  };
  Sender a;
  ServerBed bed(raw_policy(), 8, register_raw);
  ASSERT_NE(ServerBed::create(*bed.server, "srv", std::move(info)), nullptr);
  a.start(*bed.client, "bye");
  bed.run_until_idle();
  EXPECT_EQ(es.clients[0].states, (std::vector<State>{kCreating, kConnecting, kConnected, kDisconnected, kDestroying}));
  // The client saw its peer close.
  EXPECT_EQ(a.rec.states.back(), kDisconnected);
  EXPECT_TRUE(bed.violations.empty());
}

TEST(Server, ABindFailureIsAClearErrorAndRaisesNothing) {
  EchoServer first, second;
  ServerBed bed(raw_policy(), 9, register_raw);
  ASSERT_NE(ServerBed::create(*bed.server, "srv", first.info()), nullptr);
  StreamInfo info = second.info();
  info.streamtype = "srv-again";
  auto r = bed.server->create(std::move(info));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("server streamtype 'srv-again': cannot listen on :80"), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("address in use"), std::string::npos) << r.error().message();
  EXPECT_TRUE(second.listener_states.empty());
  bed.run_until_idle();
  EXPECT_EQ(bed.server->stream_count(), 1u);
}

TEST(Server, WithoutAServerBindingTheStreamtypeIsRefused) {
  ServerBed bed(raw_policy(), 10, [](Context& c) {
    c.register_binding(policy::Protocol::kRaw, &proto::raw::make_raw_binding);  // client side only
  });
  StreamInfo info;
  info.streamtype = "srv";
  auto r = bed.server->create(std::move(info));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("no server binding"), std::string::npos) << r.error().message();
}

TEST(Server, DestroyingTheServerStopsListeningAndDestroysItsClients) {
  EchoServer es;
  Sender a, late;
  ServerBed bed(raw_policy(), 11, register_raw);
  Stream* srv = ServerBed::create(*bed.server, "srv", es.info());
  a.start(*bed.client, "x");
  bed.run_until_idle();
  ASSERT_EQ(es.clients.size(), 1u);
  srv->destroy();
  bed.run_until_idle();
  EXPECT_EQ(es.listener_states, (std::vector<State>{kCreating, kDestroying}));
  EXPECT_EQ(es.clients[0].states, (std::vector<State>{kCreating, kConnecting, kConnected, kDisconnected, kDestroying}));
  EXPECT_EQ(a.rec.states.back(), kDisconnected);  // the client saw the close
  // Nobody listens any more: a new client is refused.
  late.start(*bed.client, "y");
  bed.run_until_idle();
  EXPECT_TRUE(late.rec.saw(State::kUnreachable));
  EXPECT_EQ(bed.server->stream_count(), 0u);
  EXPECT_TRUE(bed.violations.empty());
}

TEST(Server, MaxClientsClosesTheNextClientWithALoggedReason) {
  ServerLimits limits;
  limits.max_clients = 2;
  EchoServer es;
  Sender a, b, c, d;
  ServerBed bed(raw_policy(), 12, register_raw, limits);
  Stream* srv = ServerBed::create(*bed.server, "srv", es.info());
  a.start(*bed.client, "1");
  b.start(*bed.client, "2");
  bed.run_until_idle();
  c.start(*bed.client, "3");
  bed.run_until_idle();
  EXPECT_EQ(a.rx(), "1");
  EXPECT_EQ(b.rx(), "2");
  EXPECT_EQ(c.rx(), "");
  EXPECT_EQ(srv->server()->client_count(), 2u);
  EXPECT_EQ(es.clients.size(), 2u);
  EXPECT_TRUE(bed.log_has(bed.server_logs, "2 accepted streams are live (ServerLimits::max_clients)"));
  // A place frees up: the next client is served.
  a.s->destroy();
  bed.run_until_idle();
  d.start(*bed.client, "4");
  bed.run_until_idle();
  EXPECT_EQ(d.rx(), "4");
}

struct Walk {
  // The users first: the contexts (destroyed first) still call them.
  EchoServer es;
  std::vector<Sender> senders = std::vector<Sender>(4);
  Sender late;
  ServerBed bed{raw_policy(), 13, register_raw};
  Stream* srv = nullptr;
  Walk() {
    srv = ServerBed::create(*bed.server, "srv", es.info());
    for (std::size_t i = 0; i < senders.size(); ++i) senders[i].start(*bed.client, std::to_string(i));
    bed.run_until_idle();
  }
};

TEST(ServerForeachClient, VisitsEveryLiveAcceptedStreamOnceInAcceptOrder) {
  Walk w;
  w.senders[1].s->destroy();  // one client gone: not visited
  w.bed.run_until_idle();
  std::vector<Stream*> seen;
  w.srv->foreach_client([&](Stream* s) { seen.push_back(s); });
  EXPECT_EQ(seen, (std::vector<Stream*>{w.es.clients[0].stream, w.es.clients[2].stream, w.es.clients[3].stream}));
  // A client stream has no clients.
  std::size_t none = 0;
  w.senders[0].s->foreach_client([&](Stream*) { ++none; });
  EXPECT_EQ(none, 0u);
}

TEST(ServerForeachClient, SafeWhenTheCallbackDestroysTheStreamItIsGiven) {
  Walk w;
  std::vector<Stream*> seen;
  w.srv->foreach_client([&](Stream* s) {
    seen.push_back(s);
    s->destroy();
  });
  EXPECT_EQ(seen.size(), 4u);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
  w.bed.run_until_idle();
  EXPECT_EQ(w.srv->server()->client_count(), 0u);
  for (auto& [n, c] : w.es.clients) EXPECT_EQ(c.states.back(), kDestroying) << n;
  EXPECT_TRUE(w.bed.violations.empty());
}

TEST(ServerForeachClient, SafeWhenTheCallbackDestroysAStreamNotYetVisited) {
  Walk w;
  std::vector<Stream*> seen;
  w.srv->foreach_client([&](Stream* s) {
    seen.push_back(s);
    if (s == w.es.clients[0].stream) w.es.clients[2].stream->destroy();
  });
  EXPECT_EQ(seen, (std::vector<Stream*>{w.es.clients[0].stream, w.es.clients[1].stream, w.es.clients[3].stream}));
}

TEST(ServerForeachClient, AClientArrivingDuringTheWalkIsNotVisitedButServedAfter) {
  Walk w;
  std::vector<Stream*> seen;
  Sender& late = w.late;
  w.srv->foreach_client([&](Stream* s) {
    seen.push_back(s);
    if (seen.size() == 1) {
      // A connection handed to the server in the middle of the walk.
      late.start(*w.bed.client, "late");
      w.bed.run_until_idle();
    }
  });
  EXPECT_EQ(seen.size(), 4u);
  EXPECT_EQ(late.rx(), "late");
  EXPECT_EQ(w.srv->server()->client_count(), 5u);
  std::size_t after = 0;
  w.srv->foreach_client([&](Stream*) { ++after; });
  EXPECT_EQ(after, 5u);
}

}  // namespace
}  // namespace ss::stream
