// h1 over TLS in the simulator: the stream engine's TLS transport against
// sim/peers/HttpServer behind TlsServerNet, with certificates generated at
// test time and OpenSSL made deterministic (docs/deterministic-tls.md). A GET
// and a second one on the same kept-alive TLS connection (one handshake),
// a wrong-host certificate refused, and the same seed giving the same
// trace (TLS bytes included).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/bind/h1/h1_binding.h"
#include "runtime/bind/tls/tls_transport.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/proto/tls/openssl_tls.h"
#include "runtime/proto/tls/testing/test_certs.h"
#include "runtime/stream/context.h"
#include "sim/peers/http_server.h"
#include "sim/peers/tls_server_net.h"
#include "sim/testing/sim_context.h"
#include "sim/testing/sim_tls.h"
#include "sim/world.h"

namespace ss::proto::h1 {
namespace {

using stream::Ret;

constexpr std::int64_t kEpoch = sim::testing::SimTls::kEpoch;
using stream::State;
using enum stream::State;

struct Outcome {
  std::vector<State> states;
  std::string rx;
  std::size_t connections = 0;
  std::size_t requests = 0;
  std::size_t violations = 0;
  std::uint64_t hash = 0;
};

Outcome run(std::uint64_t seed, bool wrong_host) {
  sim::WorldOptions wo;
  wo.seed = seed;
  sim::World world(wo);
  Outcome out;
  {
    sim::testing::SimTls tls(world);  // goes last: everything TLS before it
    const std::string host = "www.sim.example";
    const proto::testing::TestPki pki = proto::testing::make_test_pki(host, kEpoch);
    proto::OpenSslTlsProvider& provider = tls.provider();
    const int client = world.add_host("client");
    const int server = world.add_host(host);
    auto https = tls.serve(world.net_for(server), wrong_host ? pki.wrong_host : pki.good, host);
    sim::peers::HttpServer http(world.loop(), *https, Endpoint::tcp("0.0.0.0", 443));
    http.route({.path = "/secret", .body_size = 3000, .chunked = true});
    EXPECT_TRUE(http.start().ok());

    auto pol = std::make_shared<policy::Policy>();
    policy::RetryPolicy rp;
    rp.name = "r";
    rp.backoff_ms = {100};
    rp.conceal = 1;
    pol->retries.push_back(rp);
    pol->certs.push_back(policy::Cert{"ca", pki.ca.cert_der, true});
    pol->trust_stores.push_back(policy::TrustStore{"store", {0}});
    policy::Streamtype st = policy::streamtype("secure", policy::Protocol::kH1, host, 443);
    st.http_url = "secret";
    st.tls = true;
    st.trust_store = 0;
    st.retry = 0;
    st.opportunistic = true;
    pol->streamtypes.push_back(st);

    stream::Context::Config cfg = sim::testing::context_config(world, client, pol, seed);
    cfg.tls = &provider;
    {
      stream::Context ctx(std::move(cfg));
      register_h1_binding(ctx);
      ctx.set_tls_transport(stream::make_tls_transport());
      stream::StreamInfo info;
      info.streamtype = "secure";
      info.callbacks.state = [&](stream::State s, std::uint32_t) {
        out.states.push_back(s);
        return Ret::kOk;
      };
      info.callbacks.rx = [&](std::span<const std::uint8_t> b, std::uint32_t) {
        out.rx.append(b.begin(), b.end());
        return Ret::kOk;
      };
      auto s = ctx.create(std::move(info));
      EXPECT_TRUE(s.ok());
      (*s)->request_tx();
      world.run_for(seconds(2));
      (*s)->request_tx();  // again: the pooled TLS connection carries it
      world.run_for(seconds(2));
      out.connections = http.connections_accepted();
      out.requests = http.requests().size();
    }
    world.run_until_idle(1'000'000);
    out.violations = world.violations().size();
    out.hash = world.trace().hash();
  }
  return out;
}

TEST(H1TlsSim, TwoGetsOnOneTlsConnection) {
  const Outcome o = run(1, false);
  const std::vector<State> txn = {kPoll, kConnecting, kConnected, kQosAckRemote, kDisconnected};
  std::vector<State> want{kCreating};
  want.insert(want.end(), txn.begin(), txn.end());
  want.insert(want.end(), txn.begin(), txn.end());
  want.push_back(kDestroying);  // with the context
  EXPECT_EQ(o.states, want);
  EXPECT_EQ(o.rx, sim::peers::pattern_body(3000) + sim::peers::pattern_body(3000));
  EXPECT_EQ(o.requests, 2u);
  EXPECT_EQ(o.connections, 1u) << "the second GET should reuse the TLS connection";
  EXPECT_EQ(o.violations, 0u);
}

TEST(H1TlsSim, WrongHostCertificateIsRefused) {
  const Outcome o = run(2, true);
  EXPECT_EQ(std::count(o.states.begin(), o.states.end(), kConnected), 0);
  EXPECT_GE(std::count(o.states.begin(), o.states.end(), kUnreachable), 1);
  // Each of the two asks runs the retry policy out once.
  EXPECT_EQ(std::count(o.states.begin(), o.states.end(), kAllRetriesFailed), 2);
  EXPECT_EQ(o.requests, 0u);
}

TEST(H1TlsSim, SameSeedSameTrace) {
  const auto a = run(3, false), b = run(3, false);
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_NE(a.hash, run(4, false).hash);
}

}  // namespace
}  // namespace ss::proto::h1
