// The h2 binding in the simulator against sim/peers/H2Server: the state
// sequence of an h2 GET (docs/secure-streams.md §2.4), many streams on one
// connection, uploads, manual rx credit as the stream's window, RST_STREAM
// and GOAWAY followed by retries, PING per svalidping, and h2 over TLS
// (ALPN "h2").
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "runtime/bind/h2/h2_binding.h"
#include "runtime/bind/h1/h1_binding.h"
#include "runtime/bind/tls/tls_transport.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/proto/tls/testing/test_certs.h"
#include "runtime/stream/context.h"
#include "sim/peers/h2_server.h"
#include "sim/peers/http_server.h"
#include "sim/testing/sim_context.h"
#include "sim/testing/sim_tls.h"
#include "sim/world.h"

namespace ss::proto::h2 {
namespace {

using sim::peers::H2Server;
using sim::peers::H2ServerOptions;
using stream::Ret;
using stream::State;
using enum stream::State;
constexpr std::uint32_t SOM = stream::kFlagSom, EOM = stream::kFlagEom;

std::string expected_body(std::uint64_t n, std::uint64_t tag) {
  std::string s(n, '\0');
  for (std::uint64_t i = 0; i < n; ++i) s[i] = static_cast<char>(sim::peers::h2_body_byte(tag, i));
  return s;
}

struct Client {
  std::vector<State> states;
  std::string rx;
  std::vector<std::uint32_t> rx_flags;
  std::string tx;  // the request body
  std::size_t tx_sent = 0;
  stream::Stream* s = nullptr;
  int count(State st) const { return static_cast<int>(std::count(states.begin(), states.end(), st)); }
};

// A client's StreamInfo for `streamtype`: its states and rx (with each
// piece's flags) go to `cp`.
stream::StreamInfo client_info(Client* cp, const std::string& streamtype) {
  stream::StreamInfo info;
  info.streamtype = streamtype;
  info.callbacks.state = [cp](State st, std::uint32_t) {
    cp->states.push_back(st);
    return Ret::kOk;
  };
  info.callbacks.rx = [cp](std::span<const std::uint8_t> b, std::uint32_t flags) {
    cp->rx.append(b.begin(), b.end());
    cp->rx_flags.push_back(flags);
    return Ret::kOk;
  };
  return info;
}

// Creates c's stream from `info` and asks to send.
void start_client(stream::Context& ctx, Client& c, stream::StreamInfo info) {
  auto created = ctx.create(std::move(info));
  ASSERT_TRUE(created.ok());
  c.s = *created;
  c.s->request_tx();
}

struct Rig {
  explicit Rig(H2ServerOptions so = {}, std::uint64_t seed = 7) : world(options(seed)) {
    client = world.add_host("client");
    server_host = world.add_host("h2.sim");
    server.emplace(world.loop(), world.net_for(server_host), Endpoint::tcp("", 80), so);
    EXPECT_TRUE(server->start().ok());
  }
  static sim::WorldOptions options(std::uint64_t seed) {
    sim::WorldOptions wo;
    wo.seed = seed;
    return wo;
  }
  policy::Streamtype& add(const std::string& name, std::string url, std::string method = "GET") {
    policy::Streamtype st = policy::streamtype(name, policy::Protocol::kH2, "h2.sim", 80);
    st.http_url = std::move(url);
    st.http_method = std::move(method);
    st.retry = 0;
    pol->streamtypes.push_back(st);
    return pol->streamtypes.back();
  }
  void start(policy::RetryPolicy rp = {}) {
    rp.name = "r";
    if (rp.backoff_ms.empty()) rp.backoff_ms = {100};
    if (rp.conceal == 0) rp.conceal = 20;
    pol->retries.push_back(rp);
    auto cfg = sim::testing::context_config(world, client, pol, 4);
    cfg.hooks.log = [this](std::string_view t) { logs.emplace_back(t); };
    ctx.emplace(std::move(cfg));
    register_h2_binding(*ctx);
  }
  Client& open(const std::string& streamtype, std::string tx = {}, std::int32_t manual_credit = 0) {
    auto& c = clients.emplace_back(std::make_unique<Client>());
    Client* cp = c.get();
    cp->tx = std::move(tx);
    stream::StreamInfo info = client_info(cp, streamtype);
    info.manual_initial_tx_credit = manual_credit;
    info.callbacks.tx = [cp](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
      len = std::min(buf.size(), cp->tx.size() - cp->tx_sent);
      std::copy_n(cp->tx.begin() + static_cast<std::ptrdiff_t>(cp->tx_sent), len, buf.begin());
      flags = (cp->tx_sent == 0 ? SOM : 0) | (cp->tx_sent + len == cp->tx.size() ? EOM : 0);
      cp->tx_sent += len;
      return Ret::kOk;
    };
    start_client(*ctx, *cp, std::move(info));
    return *cp;
  }
  void finish() {
    ctx.reset();
    world.run_until_idle(1'000'000);
    EXPECT_EQ(world.violations().size(), 0u) << world.violations().front();
  }

  sim::World world;
  int client = 0, server_host = 0;
  std::optional<H2Server> server;
  std::shared_ptr<policy::Policy> pol = std::make_shared<policy::Policy>();
  std::optional<stream::Context> ctx;
  std::vector<std::unique_ptr<Client>> clients;
  std::vector<std::string> logs;
};

TEST(H2BindingSim, GetGoesThroughTheH1H2StateSequence) {
  Rig rig;
  auto& st = rig.add("get", "bytes/3000/5");
  st.opportunistic = true;
  rig.start();
  auto& c = rig.open("get");
  rig.world.run_for(seconds(2));
  EXPECT_EQ(c.states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kQosAckRemote, kDisconnected}));
  EXPECT_TRUE(c.rx == expected_body(3000, 5));
  ASSERT_FALSE(c.rx_flags.empty());
  EXPECT_EQ(c.rx_flags.front() & SOM, SOM);
  EXPECT_EQ(c.rx_flags.back(), EOM);
  EXPECT_EQ(rig.server->stats().requests, 1u);
  rig.finish();
}

TEST(H2BindingSim, ManyStreamsShareOneConnection) {
  Rig rig;
  rig.add("get", "bytes/2000/9").opportunistic = true;
  rig.start();
  std::vector<Client*> cs;
  for (int i = 0; i < 30; ++i) cs.push_back(&rig.open("get"));
  rig.world.run_for(seconds(3));
  for (Client* c : cs) {
    EXPECT_EQ(c->count(kQosAckRemote), 1);
    EXPECT_TRUE(c->rx == expected_body(2000, 9));
  }
  EXPECT_EQ(rig.server->stats().connections, 1u);
  EXPECT_EQ(rig.server->stats().requests, 30u);
  // A later stream joins the idle connection.
  auto& late = rig.open("get");
  rig.world.run_for(seconds(1));
  EXPECT_EQ(late.count(kQosAckRemote), 1);
  EXPECT_EQ(rig.server->stats().connections, 1u);
  // After kIdleTimeout with no stream the connection is closed.
  rig.world.run_for(seconds(6));
  EXPECT_EQ(rig.server->open_connections(), 0u);
  rig.finish();
}

TEST(H2BindingSim, PostBodyComesFromTx) {
  Rig rig;
  rig.add("up", "echo", "POST").opportunistic = true;
  rig.start();
  std::string body(40000, 'q');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  auto& c = rig.open("up", body);
  rig.world.run_for(seconds(3));
  EXPECT_EQ(c.count(kQosAckRemote), 1);
  EXPECT_EQ(c.rx.size(), body.size());
  EXPECT_TRUE(c.rx == body);
  rig.finish();
}

TEST(H2BindingSim, ManualCreditIsTheStreamsWindow) {
  Rig rig;
  rig.add("big", "bytes/10000/3").opportunistic = true;
  rig.start();
  auto& c = rig.open("big", {}, 1000);
  rig.world.run_for(seconds(2));
  // The server could send only what the window allowed: nothing is held.
  EXPECT_TRUE(c.rx == expected_body(1000, 3));
  EXPECT_EQ(c.s->get_est_peer_tx_credit(), 0);
  EXPECT_EQ(c.count(kQosAckRemote), 0);
  c.s->add_peer_tx_credit(4000);
  rig.world.run_for(seconds(1));
  EXPECT_TRUE(c.rx == expected_body(5000, 3));
  c.s->add_peer_tx_credit(2000);
  c.s->add_peer_tx_credit(3000);  // two grants add up
  rig.world.run_for(seconds(1));
  EXPECT_TRUE(c.rx == expected_body(10000, 3));
  EXPECT_EQ(c.count(kQosAckRemote), 1);
  EXPECT_EQ(c.s->get_est_peer_tx_credit(), 0);
  rig.finish();
}

TEST(H2BindingSim, RstStreamEndsTheAttemptAndTheStreamRetries) {
  H2ServerOptions so;
  so.rst_pct = 100;
  Rig rig(so);
  rig.add("get", "bytes/4000/1");  // not opportunistic: retried
  rig.start();
  auto& c = rig.open("get");
  rig.world.run_for(seconds(3));
  EXPECT_GE(rig.server->stats().resets, 2u);
  EXPECT_GE(c.count(kConnected), 2);
  EXPECT_EQ(c.count(kQosAckRemote), 0);
  // Never the whole body: each attempt gets half and the reset.
  EXPECT_EQ(rig.server->stats().connections, 1u) << "a reset stream leaves the connection to the others";
  rig.finish();
}

// The states around an RST_STREAM mid-response (docs/protocols.md "h2
// states"): the user hears DISCONNECTED for the stream it saw CONNECTED,
// then the retry (POLL CONNECTING), never lws's CONNECTED -> POLL without
// DISCONNECTED (docs/states.md, "What differs"); no ACK or NACK for the
// unfinished response.
TEST(H2BindingSim, RstStreamMidResponseIsDisconnectedThenPollConnecting) {
  H2ServerOptions so;
  so.rst_pct = 100;
  Rig rig(so);
  rig.add("get", "bytes/4000/1");
  rig.start();
  auto& c = rig.open("get");
  rig.world.run_for(millis(1500));
  ASSERT_GE(c.states.size(), 8u);
  EXPECT_EQ(std::vector<State>(c.states.begin(), c.states.begin() + 8),
            (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kDisconnected, kPoll, kConnecting,
                                kConnected}));
  EXPECT_EQ(c.count(kQosNackRemote), 0);
  EXPECT_FALSE(c.rx.empty());  // the reset came after some of the body
  rig.finish();
}

TEST(H2BindingSim, GoAwayRefusedStreamsAreRetriedOnANewConnection) {
  H2ServerOptions so;
  so.goaway_pct = 100;  // the first request of every connection: GOAWAY naming it the last
  Rig rig(so);
  rig.add("get", "bytes/5000/2");
  rig.start();
  std::vector<Client*> cs;
  for (int i = 0; i < 6; ++i) cs.push_back(&rig.open("get"));
  rig.world.run_for(seconds(10));
  for (Client* c : cs) {
    EXPECT_EQ(c->count(kQosAckRemote), 1);
    EXPECT_TRUE(c->rx.size() >= 5000 && c->rx.substr(c->rx.size() - 5000) == expected_body(5000, 2));
  }
  EXPECT_GE(rig.server->stats().connections, 2u);
  EXPECT_GE(rig.server->stats().goaways, 2u);
  rig.finish();
}

TEST(H2BindingSim, SvalidpingSendsPingsOnAQuietConnection) {
  Rig rig;
  rig.add("held", "bytes/100/0").opportunistic = true;
  policy::RetryPolicy rp;
  rp.secs_since_valid_ping = 2;
  rp.secs_since_valid_hangup = 30;
  rig.start(rp);
  auto& c = rig.open("held", {}, 1);  // one byte of credit: the rest of the body waits
  rig.world.run_for(seconds(7));
  EXPECT_GE(rig.server->stats().pings_received, 2u);
  EXPECT_EQ(c.rx.size(), 1u);
  EXPECT_EQ(c.count(kConnected), 1);
  EXPECT_EQ(c.count(kDisconnected), 0);
  rig.finish();
}

TEST(H2BindingSim, DeadServerTimesOutAndRetries) {
  H2ServerOptions so;
  so.dead_pct = 100;
  Rig rig(so);
  rig.add("get", "bytes/10/0");
  rig.start();
  auto& c = rig.open("get");
  rig.world.run_for(seconds(50));
  EXPECT_EQ(c.count(kConnected), 0);
  EXPECT_GE(c.count(kUnreachable), 2);
  rig.finish();
}

// h2 over TLS to `host`:443: replayable OpenSSL and a PKI for the host, the
// server host's Net serving TLS that selects from `alpn`, and a policy
// trusting the PKI's CA with one streamtype "secure" (opportunistic,
// GET `url`, retry "r": 100 ms, `conceal`). Made in this order: the
// draws are part of the run.
struct TlsRig {
  TlsRig(sim::World& world, const std::string& host, std::vector<std::string> alpn, std::string url,
         std::uint16_t conceal)
      : tls(world), pki(proto::testing::make_test_pki(host, sim::testing::SimTls::kEpoch)) {
    client = world.add_host("client");
    const int server_host = world.add_host(host);
    https = tls.serve(world.net_for(server_host), pki.good, host, std::move(alpn));
    policy::RetryPolicy rp;
    rp.name = "r";
    rp.backoff_ms = {100};
    rp.conceal = conceal;
    pol->retries.push_back(rp);
    pol->certs.push_back(policy::Cert{"ca", pki.ca.cert_der, true});
    pol->trust_stores.push_back(policy::TrustStore{"store", {0}});
    policy::Streamtype st = policy::streamtype("secure", policy::Protocol::kH2, host, 443);
    st.http_url = std::move(url);
    st.tls = true;
    st.trust_store = 0;
    st.retry = 0;
    st.opportunistic = true;
    pol->streamtypes.push_back(st);
  }

  // A client context with the TLS transport and the h2 binding.
  stream::Context::Config config(sim::World& world, std::uint64_t seed) {
    auto cfg = sim::testing::context_config(world, client, pol, seed);
    cfg.tls = &tls.provider();
    return cfg;
  }

  // Each client's stream of "secure", asking to send.
  static void open_all(stream::Context& ctx, std::vector<Client>& clients) {
    ctx.set_tls_transport(stream::make_tls_transport());
    for (auto& c : clients) start_client(ctx, c, client_info(&c, "secure"));
  }

  sim::testing::SimTls tls;
  proto::testing::TestPki pki;
  int client = 0;
  std::unique_ptr<sim::peers::TlsServerNet> https;
  std::shared_ptr<policy::Policy> pol = std::make_shared<policy::Policy>();
};

// A TLS server that picks http/1.1 by ALPN: the h2 streamtype speaks
// HTTP/1.1 on that connection, as lws does (docs/protocols.md "Getting to
// h2"). A stream that had joined the h2 connection being opened retries
// (UNREACHABLE) and falls back the same way on a connection of its own.
TEST(H2BindingSim, TlsServerPickingHttp11GetsHttp11OnTheSameConnection) {
  sim::WorldOptions wo;
  wo.seed = 12;
  sim::World world(wo);
  std::vector<Client> out(2);
  std::vector<std::string> targets;
  std::size_t connections = 0;
  {
    TlsRig rig(world, "h1only.sim.example", {"http/1.1"}, "data", 5);
    sim::peers::HttpServer server(world.loop(), *rig.https, Endpoint::tcp("0.0.0.0", 443));
    server.route(sim::peers::HttpRoute{.path = "/data", .body = "hello over h1"});
    ASSERT_TRUE(server.start().ok());
    {
      stream::Context ctx(rig.config(world, 12));
      register_h2_binding(ctx);
      h1::register_h1_binding(ctx);
      TlsRig::open_all(ctx, out);
      world.run_for(seconds(3));
      for (const auto& r : server.requests()) targets.push_back(r.target);
      connections = server.connections_accepted();
    }
    world.run_until_idle(1'000'000);
  }
  EXPECT_EQ(out[0].states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kQosAckRemote,
                                               kDisconnected, kDestroying}));
  EXPECT_EQ(std::vector<State>(out[1].states.begin(), out[1].states.begin() + 4),
            (std::vector<State>{kCreating, kPoll, kConnecting, kUnreachable}));
  for (const auto& c : out) {
    EXPECT_EQ(c.count(kQosAckRemote), 1);
    EXPECT_EQ(c.rx, "hello over h1");
  }
  EXPECT_EQ(targets, (std::vector<std::string>{"/data", "/data"}));
  EXPECT_GE(connections, 1u);
  EXPECT_EQ(world.violations().size(), 0u);
}

TEST(H2BindingSim, H2OverTlsNegotiatesAlpnAndMultiplexes) {
  sim::WorldOptions wo;
  wo.seed = 11;
  sim::World world(wo);
  std::vector<Client> out(3);
  std::size_t connections = 0;
  {
    TlsRig rig(world, "h2.sim.example", {"h2"}, "bytes/7000/4", 0);
    H2Server server(world.loop(), *rig.https, Endpoint::tcp("0.0.0.0", 443));
    ASSERT_TRUE(server.start().ok());
    {
      stream::Context ctx(rig.config(world, 11));
      register_h2_binding(ctx);
      TlsRig::open_all(ctx, out);
      world.run_for(seconds(3));
      connections = server.stats().connections;
    }
    world.run_until_idle(1'000'000);
  }
  for (const auto& c : out) {
    EXPECT_EQ(c.count(kQosAckRemote), 1);
    EXPECT_TRUE(c.rx == expected_body(7000, 4));
  }
  EXPECT_EQ(connections, 1u);
  EXPECT_EQ(world.violations().size(), 0u);
}

}  // namespace
}  // namespace ss::proto::h2
