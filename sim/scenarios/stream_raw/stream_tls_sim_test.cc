// Raw streams over TLS in the simulator: the engine's TLS hook
// (runtime/bind/tls/tls_transport) with the policy's trust store. A good
// certificate gives CONNECTED and an echo; a certificate for the wrong host
// gives UNREACHABLE (never CONNECTED) and then ALL_RETRIES_FAILED, as in
// lws's testsfail "bad hostname" case.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/bind/raw/raw_binding.h"
#include "runtime/bind/tls/tls_transport.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/proto/tls/openssl_tls.h"
#include "runtime/proto/tls/testing/test_certs.h"
#include "runtime/proto/tls/tls_connection.h"
#include "runtime/stream/context.h"
#include "sim/testing/sim_context.h"
#include "sim/testing/sim_tls.h"
#include "sim/world.h"

namespace ss::stream {
namespace {

constexpr std::int64_t kEpoch = sim::testing::SimTls::kEpoch;

struct Outcome {
  std::vector<stream::State> states;
  std::string rx;
  std::size_t violations = 0;
  std::uint64_t hash = 0;
  std::vector<std::string> reasons;  // Stream::last_error() at each UNREACHABLE
  std::string final_reason;          // ... and at ALL_RETRIES_FAILED
  std::vector<std::string> logs;     // the context's log lines
};

// The certificate the server presents.
enum class Cert { kGood, kWrongHost, kExpired, kNotYetValid, kUnknownCa, kSelfSigned };

// `client_cert`: the streamtype presents system blob client cert 0;
// `blobs`: whether the context has that cert and key; `silent`: the server
// accepts TCP and never says a word (no TLS handshake).
Outcome run(std::uint64_t seed, Cert cert, bool client_cert = false, bool blobs = false,
            bool silent = false) {
  sim::WorldOptions wo;
  wo.seed = seed;
  sim::World world(wo);
  Outcome out;
  {
    sim::testing::SimTls tls(world);  // goes last: everything TLS before it
    const std::string host = "secure.sim.example";
    const proto::testing::TestPki pki = proto::testing::make_test_pki(host, kEpoch);
    proto::OpenSslTlsProvider& provider = tls.provider();
    const int client = world.add_host("client");
    const int server = world.add_host(host);
    const auto& id = cert == Cert::kWrongHost     ? pki.wrong_host
                     : cert == Cert::kExpired     ? pki.expired
                     : cert == Cert::kNotYetValid ? pki.not_yet_valid
                     : cert == Cert::kUnknownCa   ? pki.unknown_ca
                     : cert == Cert::kSelfSigned  ? pki.self_signed
                                                  : pki.good;

    struct Peer : ConnectionHandler {
      std::unique_ptr<Connection> conn;
      void on_data(std::span<const std::uint8_t> b) override { conn->write(b); }
      void on_end(EndReason) override {}
    };
    std::vector<std::unique_ptr<Peer>> peers;
    auto listener = world.net_for(server).listen(
        Endpoint::tcp("0.0.0.0", 443), [&](std::unique_ptr<Connection> c) {
          if (silent) {
            auto p = std::make_unique<Peer>();
            p->conn = std::move(c);
            struct Mute : ConnectionHandler {
              void on_data(std::span<const std::uint8_t>) override {}
              void on_end(EndReason) override {}
            };
            static Mute mute;  // stateless: shared by every silent peer
            p->conn->set_handler(&mute);
            peers.push_back(std::move(p));
            return;
          }
          TlsServerConfig sc;
          sc.cert_der = id.cert_der;
          sc.key_der = id.key_der;
          auto r = proto::accept_tls(std::move(c), provider, sc);
          if (!r) return;
          auto p = std::make_unique<Peer>();
          p->conn = std::move(*r);
          p->conn->set_handler(p.get());
          peers.push_back(std::move(p));
        });
    EXPECT_TRUE(listener.ok());

    auto pol = std::make_shared<policy::Policy>();
    policy::RetryPolicy rp;
    rp.name = "r";
    rp.backoff_ms = {100, 200};
    rp.conceal = 2;
    pol->retries.push_back(rp);
    pol->certs.push_back(policy::Cert{"ca", pki.ca.cert_der, true});
    pol->trust_stores.push_back(policy::TrustStore{"store", {0}});
    policy::Streamtype st = policy::streamtype("secure", policy::Protocol::kRaw, host, 443);
    st.tls = true;
    st.trust_store = 0;
    st.retry = 0;
    st.opportunistic = true;
    if (client_cert) st.client_cert = 1;  // "client_cert": 0, stored + 1
    pol->streamtypes.push_back(st);

    Context::Config cfg = sim::testing::context_config(world, client, pol, seed);
    cfg.tls = &provider;
    cfg.hooks.log = [&out](std::string_view t) { out.logs.emplace_back(t); };
    Context ctx(std::move(cfg));
    proto::raw::register_raw_binding(ctx);
    ctx.set_tls_transport(make_tls_transport());
    if (blobs) {
      ctx.blobs().set(SystemBlobs::slot(BlobType::kClientCertDer, 0), pki.client.cert_der);
      ctx.blobs().set(SystemBlobs::slot(BlobType::kClientKeyDer, 0), pki.client.key_der);
    }

    bool sent = false;
    Stream* s = nullptr;
    StreamInfo info;
    info.streamtype = "secure";
    info.on_bind = [&s](Stream* bound) { s = bound; };
    info.callbacks.state = [&](stream::State state, std::uint32_t) {
      out.states.push_back(state);
      if (state == State::kUnreachable) out.reasons.push_back(s->last_error());
      if (state == State::kAllRetriesFailed) out.final_reason = s->last_error();
      return Ret::kOk;
    };
    info.callbacks.rx = [&](std::span<const std::uint8_t> b, std::uint32_t) {
      out.rx.append(b.begin(), b.end());
      return out.rx.size() == 5 ? Ret::kDestroyMe : Ret::kOk;
    };
    info.callbacks.tx = [&](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len,
                            std::uint32_t& flags) {
      if (sent) return Ret::kTxDontSend;
      std::string_view m = "hello";
      std::copy(m.begin(), m.end(), buf.begin());
      len = m.size();
      flags = kFlagSom | kFlagEom;
      sent = true;
      return Ret::kOk;
    };
    auto created = ctx.create(std::move(info));
    EXPECT_TRUE(created.ok());
    s = *created;
    s->request_tx();
    world.run_for(silent ? seconds(120) : seconds(10));
    if (ctx.stream_count()) s->destroy();
    world.run_until_idle(1'000'000);
    out.violations = world.violations().size();
    out.hash = world.trace().hash();
  }
  return out;
}

bool saw(const Outcome& o, State s) {
  return std::find(o.states.begin(), o.states.end(), s) != o.states.end();
}

TEST(StreamTlsSim, GoodCertificateConnectsAndEchoes) {
  const Outcome o = run(1, Cert::kGood);
  EXPECT_TRUE(saw(o, State::kConnected));
  EXPECT_EQ(o.rx, "hello");
  EXPECT_EQ(o.violations, 0u);
  EXPECT_EQ(o.states.back(), State::kDestroying);
  EXPECT_TRUE(o.logs.empty()) << o.logs.front();
}

TEST(StreamTlsSim, WrongHostIsUnreachableThenAllRetriesFailed) {
  const Outcome o = run(2, Cert::kWrongHost);
  EXPECT_FALSE(saw(o, State::kConnected));
  EXPECT_TRUE(saw(o, State::kUnreachable));
  EXPECT_EQ(std::count(o.states.begin(), o.states.end(),
                       State::kAllRetriesFailed),
            1);
  EXPECT_EQ(o.violations, 0u);
}

TEST(StreamTlsSim, ClientCertificateFromSystemBlobs) {
  const Outcome o = run(5, Cert::kGood, true, true);
  EXPECT_TRUE(saw(o, State::kConnected));
  EXPECT_EQ(o.rx, "hello");
}

TEST(StreamTlsSim, ClientCertificateMissingFromSystemBlobsIsUnreachable) {
  const Outcome o = run(6, Cert::kGood, true, false);
  EXPECT_FALSE(saw(o, State::kConnected));
  EXPECT_TRUE(saw(o, State::kUnreachable));
}

// A server that accepts and never answers the ClientHello: each attempt
// times out 30 s in (Context::Config::transport_timeout), UNREACHABLE, and
// the retry policy runs out; CONNECTED never comes.
TEST(StreamTlsSim, SilentServerTimesOutEachAttempt) {
  const Outcome o = run(7, Cert::kGood, false, false, true);
  EXPECT_FALSE(saw(o, State::kConnected));
  EXPECT_EQ(std::count(o.states.begin(), o.states.end(), State::kUnreachable), 3);
  EXPECT_EQ(std::count(o.states.begin(), o.states.end(), State::kAllRetriesFailed), 1);
  EXPECT_EQ(o.violations, 0u);
}

// Every bad certificate (generated at test time) is refused at stream level
// in the simulator: UNREACHABLE on each attempt, ALL_RETRIES_FAILED once,
// never CONNECTED, nothing echoed.
class BadCertificate : public ::testing::TestWithParam<Cert> {};

TEST_P(BadCertificate, IsRefusedEveryAttempt) {
  const Outcome o = run(8, GetParam());
  EXPECT_FALSE(saw(o, State::kConnected));
  EXPECT_TRUE(o.rx.empty());
  EXPECT_EQ(std::count(o.states.begin(), o.states.end(), State::kUnreachable), 3);
  EXPECT_EQ(std::count(o.states.begin(), o.states.end(), State::kAllRetriesFailed), 1);
  EXPECT_EQ(o.violations, 0u);
}

// Why, in words (docs/tls.md, "Why a certificate was refused"): the stream's
// last_error() at every UNREACHABLE and at ALL_RETRIES_FAILED, and one log
// line per attempt, name the check that failed and the certificate.
TEST_P(BadCertificate, TheReasonReachesTheStreamAndTheLog) {
  const Outcome o = run(8, GetParam());
  static const char* const kWant[] = {
      "",
      "certificate verify failed: hostname mismatch (cert 0, subject CN=other.example)",
      "certificate verify failed: certificate has expired (cert 0, subject CN=secure.sim.example)",
      "certificate verify failed: certificate is not yet valid (cert 0, subject CN=secure.sim.example)",
      "certificate verify failed: unable to get local issuer certificate (cert 0, subject CN=secure.sim.example)",
      "certificate verify failed: self-signed certificate (cert 0, subject CN=secure.sim.example)",
  };
  const std::string want = kWant[static_cast<int>(GetParam())];
  ASSERT_EQ(o.reasons.size(), 3u);
  for (const std::string& r : o.reasons) EXPECT_EQ(r, want);
  EXPECT_EQ(o.final_reason, want);
  ASSERT_EQ(o.logs.size(), 3u);
  for (const std::string& line : o.logs) EXPECT_EQ(line, "stream 1 (secure): connect failed: " + want);
}

// A failure the transport says nothing more about still has its words.
TEST(StreamTlsSim, SilentServerReasonIsTheTimeout) {
  const Outcome o = run(7, Cert::kGood, false, false, true);
  ASSERT_EQ(o.reasons.size(), 3u);
  EXPECT_EQ(o.reasons[0], "timed out after 30000 ms waiting for the transport (connect and TLS handshake)");
  EXPECT_EQ(o.final_reason, o.reasons[2]);
}

TEST(StreamTlsSim, MissingClientCertificateReasonNamesTheBlob) {
  const Outcome o = run(6, Cert::kGood, true, false);
  ASSERT_FALSE(o.reasons.empty());
  EXPECT_EQ(o.reasons[0], "client_cert 0: no client certificate/key in the system blobs");
}

std::string cert_name(const ::testing::TestParamInfo<Cert>& i) {
  static const char* const kNames[] = {"Good", "WrongHost", "Expired", "NotYetValid", "UnknownCa", "SelfSigned"};
  return kNames[static_cast<int>(i.param)];
}

INSTANTIATE_TEST_SUITE_P(StreamTlsSim, BadCertificate,
                         ::testing::Values(Cert::kWrongHost, Cert::kExpired, Cert::kNotYetValid, Cert::kUnknownCa,
                                           Cert::kSelfSigned),
                         cert_name);

TEST(StreamTlsSim, SameSeedSameTrace) {
  EXPECT_EQ(run(4, Cert::kGood).hash, run(4, Cert::kGood).hash);
}

}  // namespace
}  // namespace ss::stream
