// The whole runtime on the production backend against real peers: a
// StreamContext on EpollLoop + PosixNet + OpenSslTlsProvider, driven by a
// JSON policy, with the raw, h1 and ws bindings and the TLS transport:
//   raw  -> socat echo           (SS_SOCAT_PORT)
//   h1   -> nginx over TLS       (SS_NGINX_TLS_PORT, trust store = test CA)
//   ws   -> python3-websockets   (SS_WS_PORT)
// Each test is skipped when its peer was not started (see peers.sh).
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/bind/h1/h1_binding.h"
#include "runtime/bind/tls/tls_transport.h"
#include "runtime/bind/ws/ws_binding.h"
#include "runtime/include/ss/streams.h"
#include "runtime/policy/certs.h"
#include "runtime/policy/parse.h"
#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/posix_net.h"
#include "runtime/proto/tls/openssl_tls.h"

namespace ss {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

std::string ca_base64() {
  std::ifstream in(env("SS_TEST_CA_DER"), std::ios::binary);
  std::vector<std::uint8_t> der((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  return policy::encode_base64(der);
}

std::string make_policy() {
  std::string s =
      R"({"release":"1","product":"integration","schema-version":1,)"
      R"("retry":[{"once":{"backoff":[200],"conceal":1,"jitterpc":0}}],)";
  if (!env("SS_TEST_CA_DER").empty()) {
    s += R"("certs":[{"test_ca":")" + ca_base64() + R"("}],)";
    s += R"("trust_stores":[{"name":"test","stack":["test_ca"]}],)";
  }
  s += R"("s":[)";
  s += R"({"echo":{"endpoint":"127.0.0.1","port":)" + env("SS_SOCAT_PORT") +
       R"(,"protocol":"raw","retry":"once"}})";
  if (!env("SS_NGINX_TLS_PORT").empty()) {
    s += R"(,{"get":{"endpoint":"localhost","port":)" + env("SS_NGINX_TLS_PORT") +
         R"(,"protocol":"h1","http_method":"GET","http_url":"index.txt","tls":true,)"
         R"("tls_trust_store":"test","retry":"once","timeout_ms":5000}})";
  }
  if (!env("SS_WS_PORT").empty()) {
    s += R"(,{"wsecho":{"endpoint":"127.0.0.1","port":)" + env("SS_WS_PORT") +
         R"(,"protocol":"ws","http_url":"","retry":"once"}})";
  }
  s += "]}";
  return s;
}

class StackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (env("SS_SOCAT_PORT").empty()) GTEST_SKIP() << "peers not started";
    auto parsed = policy::parse_policy(make_policy());
    ASSERT_TRUE(parsed.ok()) << (parsed.diagnostics.empty() ? std::string("?")
                                                            : parsed.diagnostics[0].message);
    stream::Context::Config config;
    config.loop = &loop_;
    config.net = &net_;
    config.tls = &tls_;
    config.seed = posix::os_random_seed();
    config.policy = parsed.policy;
    config.hooks.violation = [this](std::string_view v) { violations_.emplace_back(v); };
    ctx_ = std::make_unique<StreamContext>(std::move(config));
    proto::h1::register_h1_binding(ctx_->engine());
    proto::ws::register_ws_binding(ctx_->engine());
    ctx_->engine().set_tls_transport(stream::make_tls_transport());
  }
  void TearDown() override { EXPECT_TRUE(violations_.empty()) << violations_.front(); }

  bool run_until(const std::function<bool()>& done, Micros budget = seconds(10)) {
    const Micros end = loop_.now() + budget;
    while (!done() && loop_.now() < end) loop_.run_once(millis(10));
    return done();
  }

  // A stream that sends `message` once and collects what comes back.
  struct Client {
    std::string message;
    bool sent = false;
    std::string got{};
    bool got_eom = false;
    std::vector<State> states{};
    Handlers handlers() {
      return Handlers{
          .rx = [this](std::span<const std::uint8_t> b, std::uint32_t flags) {
            got.append(b.begin(), b.end());
            if (flags & kEom) got_eom = true;
            return Ret::kOk;
          },
          .tx = [this](TxChunk& c) {
            if (sent || message.empty()) return Ret::kTxDontSend;
            std::copy(message.begin(), message.end(), c.buffer.begin());
            c.len = message.size();
            c.flags = kSom | kEom;
            sent = true;
            return Ret::kOk;
          },
          .state = [this](State st, std::uint32_t) {
            states.push_back(st);
            return Ret::kOk;
          },
      };
    }
    bool saw(State s) const { return std::find(states.begin(), states.end(), s) != states.end(); }
  };

  posix::EpollLoop loop_;
  posix::PosixNet net_{loop_};
  proto::OpenSslTlsProvider tls_;
  std::unique_ptr<StreamContext> ctx_;
  std::vector<std::string> violations_;
};

TEST_F(StackTest, RawStreamThroughSocatEcho) {
  Client c{.message = "hello through the whole stack"};
  auto s = ctx_->create("echo", c.handlers());
  ASSERT_TRUE(s.ok()) << s.error().message();
  s->connect();
  s->request_tx();
  ASSERT_TRUE(run_until([&] { return c.got.size() >= c.message.size(); }));
  EXPECT_EQ(c.got, c.message);
  EXPECT_TRUE(c.saw(State::kConnected));
}

TEST_F(StackTest, H1GetOverTlsFromNginx) {
  if (env("SS_NGINX_TLS_PORT").empty()) GTEST_SKIP() << "nginx not started";
  Client c;
  auto s = ctx_->create("get", c.handlers());
  ASSERT_TRUE(s.ok()) << s.error().message();
  s->connect();
  ASSERT_TRUE(run_until([&] { return c.got_eom || c.saw(State::kAllRetriesFailed); }));
  EXPECT_EQ(c.got, "hello from nginx\n");
  EXPECT_TRUE(c.saw(State::kConnected));
  EXPECT_TRUE(c.saw(State::kQosAckRemote));
}

TEST_F(StackTest, WsMessageEchoedByPythonWebsockets) {
  if (env("SS_WS_PORT").empty()) GTEST_SKIP() << "ws echo not started";
  Client c{.message = "ws round trip"};
  auto s = ctx_->create("wsecho", c.handlers());
  ASSERT_TRUE(s.ok()) << s.error().message();
  s->connect();
  ASSERT_TRUE(run_until([&] { return c.saw(State::kConnected) || c.saw(State::kAllRetriesFailed); }));
  s->request_tx();
  ASSERT_TRUE(run_until([&] { return c.got_eom; }));
  EXPECT_EQ(c.got, c.message);
}

}  // namespace
}  // namespace ss
