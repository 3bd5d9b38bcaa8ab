// A TLS h1 server stream ("tls": true with server_cert / server_key) of
// this engine serving this engine's h1 client streams over TLS in the
// simulator (certificates made at test time, OpenSSL made replayable:
// docs/deterministic-tls.md). Also: a client that does not trust the
// server's CA is refused by its own side and the accepted stream goes;
// a TLS server streamtype without its key fails to create.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/bind/h1/h1_binding.h"
#include "runtime/bind/tls/tls_transport.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/proto/tls/testing/test_certs.h"
#include "runtime/stream/context.h"
#include "sim/testing/sim_context.h"
#include "sim/testing/sim_tls.h"
#include "sim/world.h"

namespace ss::proto::h1 {
namespace {

using stream::Ret;
using stream::State;

struct Outcome {
  std::vector<stream::State> client_states;
  std::vector<std::vector<stream::State>> accepted_states;
  std::string rx;
  std::vector<std::string> server_logs;
  std::string create_error;
  std::size_t violations = 0;
  std::uint64_t hash = 0;
};

Outcome run(std::uint64_t seed, bool client_trusts_ca, bool with_key = true) {
  sim::WorldOptions wo;
  wo.seed = seed;
  sim::World world(wo);
  Outcome out;
  {
    sim::testing::SimTls tls(world);
    const std::string host = "www.sim.example";
    const proto::testing::TestPki pki = proto::testing::make_test_pki(host, sim::testing::SimTls::kEpoch);
    const int client = world.add_host("client");
    const int server = world.add_host(host);

    auto pol = std::make_shared<policy::Policy>();
    pol->certs.push_back(policy::Cert{"ca", pki.ca.cert_der, true});
    pol->certs.push_back(policy::Cert{"other-ca", pki.other_ca.cert_der, true});
    pol->certs.push_back(policy::Cert{"srv-cert", pki.good.cert_der, true});
    pol->certs.push_back(policy::Cert{"srv-key", pki.good.key_der, false});
    pol->trust_stores.push_back(policy::TrustStore{"store", {client_trusts_ca ? std::size_t{0} : std::size_t{1}}});
    policy::Streamtype web = policy::streamtype("web", policy::Protocol::kH1, "", 443);
    web.server = true;
    web.tls = true;
    web.server_cert = 2;
    if (with_key) web.server_key = 3;
    web.metadata = {{"path", ""}};
    pol->streamtypes.push_back(web);
    policy::Streamtype get = policy::streamtype("get", policy::Protocol::kH1, host, 443);
    get.tls = true;
    get.trust_store = 0;
    get.opportunistic = true;
    get.http_url = "secret";
    pol->streamtypes.push_back(get);

    stream::Context::Config scfg = sim::testing::context_config(world, server, pol, seed);
    scfg.tls = &tls.provider();
    scfg.hooks.log = [&out](std::string_view t) { out.server_logs.emplace_back(t); };
    stream::Context::Config ccfg = sim::testing::context_config(world, client, pol, seed + 1);
    ccfg.tls = &tls.provider();
    {
      stream::Context sctx(std::move(scfg));
      stream::Context cctx(std::move(ccfg));
      for (auto* c : {&sctx, &cctx}) register_h1_binding(*c);
      sctx.set_tls_accept(stream::make_tls_accept());
      cctx.set_tls_transport(stream::make_tls_transport());

      stream::StreamInfo si;
      si.streamtype = "web";
      si.make_accepted = [&out](stream::StreamInfo& a) {
        out.accepted_states.emplace_back();
        const std::size_t n = out.accepted_states.size() - 1;
        auto self = std::make_shared<stream::Stream*>(nullptr);
        a.on_bind = [self](stream::Stream* s) { *self = s; };
        a.callbacks.state = [&out, n, self](stream::State st, std::uint32_t) {
          out.accepted_states[n].push_back(st);
          if (st == State::kServerTxn) {
            (*self)->server_ack(0);
            return (*self)->request_tx_len(6);
          }
          return Ret::kOk;
        };
        a.callbacks.tx = [](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& f) {
          std::copy_n("secret", 6, buf.begin());
          len = 6;
          f = stream::kFlagSom | stream::kFlagEom;
          return Ret::kOk;
        };
        return true;
      };
      auto srv = sctx.create(std::move(si));
      if (!srv) {
        out.create_error = srv.error().message();
      } else {
        stream::StreamInfo ci;
        ci.streamtype = "get";
        ci.callbacks.state = [&out](stream::State st, std::uint32_t) {
          out.client_states.push_back(st);
          return Ret::kOk;
        };
        ci.callbacks.rx = [&out](std::span<const std::uint8_t> b, std::uint32_t) {
          out.rx.append(b.begin(), b.end());
          return Ret::kOk;
        };
        auto c = cctx.create(std::move(ci));
        EXPECT_TRUE(c.ok());
        (*c)->request_tx();
        world.run_for(seconds(3));
      }
    }
    world.run_until_idle(1'000'000);
    out.violations = world.violations().size();
    out.hash = world.trace().hash();
  }
  return out;
}

bool saw(const std::vector<stream::State>& v, State s) { return std::find(v.begin(), v.end(), s) != v.end(); }

TEST(H1ServerTls, ServesItsOwnClientsOverTls) {
  const Outcome o = run(5, true);
  EXPECT_EQ(o.create_error, "");
  EXPECT_EQ(o.rx, "secret");
  EXPECT_TRUE(saw(o.client_states, State::kQosAckRemote));
  ASSERT_EQ(o.accepted_states.size(), 1u);
  const auto& a = o.accepted_states[0];
  ASSERT_GE(a.size(), 4u);
  EXPECT_EQ(std::vector<stream::State>(a.begin(), a.begin() + 4),
            (std::vector<stream::State>{State::kCreating, State::kConnecting,
                              State::kConnected, State::kServerTxn}));
  EXPECT_EQ(a.back(), State::kDestroying);
  EXPECT_EQ(o.violations, 0u);
  EXPECT_EQ(run(5, true).hash, o.hash);  // same seed, same run (TLS bytes included)
}

TEST(H1ServerTls, AClientThatDoesNotTrustTheServerNeverGetsARequestThrough) {
  const Outcome o = run(6, false);
  EXPECT_EQ(o.rx, "");
  EXPECT_TRUE(saw(o.client_states, State::kUnreachable));
  ASSERT_FALSE(o.accepted_states.empty());
  for (const auto& a : o.accepted_states) {
    EXPECT_FALSE(saw(a, State::kServerTxn));
    EXPECT_EQ(a.back(), State::kDestroying);
  }
  EXPECT_EQ(o.violations, 0u);
}

TEST(H1ServerTls, ATlsServerWithoutItsKeyFailsToCreate) {
  const Outcome o = run(7, true, /*with_key=*/false);
  EXPECT_NE(o.create_error.find("needs server_cert and server_key"), std::string::npos) << o.create_error;
}

}  // namespace
}  // namespace ss::proto::h1
