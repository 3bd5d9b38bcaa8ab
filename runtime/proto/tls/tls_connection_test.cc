// TlsConnection over real loopback sockets (posix EpollLoop + PosixNet):
// handshake before on_connected, data both ways, verification failures as
// kTlsFailure with the detailed error, pass-through ends, backpressure,
// half-close, and destruction from inside a callback.
#include "runtime/proto/tls/tls_connection.h"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>

#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/posix_net.h"
#include "runtime/proto/tls/openssl_tls.h"
#include "runtime/proto/tls/testing/test_certs.h"

namespace ss::proto {
namespace {

using testing::CertAndKey;
using testing::TestPki;

constexpr std::int64_t kNow = 1767225600;
const char kHost[] = "tls-conn.ss-test.example";

struct Recorder : ConnectionHandler {
  bool connected = false;
  bool read_closed = false;
  int writable = 0;
  std::string data;
  std::optional<EndReason> end;
  std::function<void(std::span<const std::uint8_t>)> then_data;
  std::function<void()> then_read_closed;
  std::function<void()> then_writable;

  void on_connected() override { connected = true; }
  void on_data(std::span<const std::uint8_t> b) override {
    EXPECT_FALSE(b.empty());
    data.append(b.begin(), b.end());
    if (then_data) then_data(b);
  }
  void on_read_closed() override {
    read_closed = true;
    if (then_read_closed) then_read_closed();
  }
  void on_writable() override {
    ++writable;
    if (then_writable) then_writable();
  }
  void on_end(EndReason r) override {
    EXPECT_FALSE(end.has_value()) << "on_end twice";
    end = r;
  }
};

class TlsConnectionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new TestPki(testing::make_test_pki(kHost, kNow)); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  static OpenSslTlsProvider::Options pinned() {
    OpenSslTlsProvider::Options o;
    o.verify_time = [] { return kNow; };
    return o;
  }

  // Listens on loopback; each accepted connection becomes a TLS server
  // presenting `id`, reporting to server_ (echoing when `echo`).
  Endpoint serve(const CertAndKey& id, bool echo, ConnectOptions opts = {}) {
    auto l = net_.listen(Endpoint::tcp("127.0.0.1", 0), [this, id, echo,
                                                          opts](std::unique_ptr<Connection> c) {
      TlsServerConfig sc;
      sc.cert_der = id.cert_der;
      sc.key_der = id.key_der;
      sc.alpn = {"http/1.1"};
      auto r = accept_tls(std::move(c), server_provider_, sc, opts);
      ASSERT_TRUE(r.ok()) << r.error().message();
      server_conn_ = std::move(r.value());
      if (echo) {
        server_.then_data = [this](std::span<const std::uint8_t> b) { server_conn_->write(b); };
      }
      server_conn_->set_handler(&server_);
    });
    EXPECT_TRUE(l.ok());
    listener_ = std::move(l.value());
    return listener_->local();
  }

  TlsClientConfig client_config() const {
    TlsClientConfig c;
    c.server_name = kHost;
    c.trust_anchors_der = {pki_->ca.cert_der};
    c.alpn = {"http/1.1"};
    return c;
  }

  // Bounded by loop turns, not by wall-clock time.
  bool run_until(const std::function<bool()>& done) {
    for (int i = 0; i < 3000 && !done(); ++i) loop_.run_once(millis(10));
    return done();
  }

  static TestPki* pki_;
  posix::EpollLoop loop_;
  posix::PosixNet net_{loop_};
  OpenSslTlsProvider client_provider_{pinned()};
  OpenSslTlsProvider server_provider_{pinned()};
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<TlsConnection> server_conn_;
  Recorder server_;
  Recorder client_;
};

TestPki* TlsConnectionTest::pki_ = nullptr;

TEST_F(TlsConnectionTest, EchoesAfterHandshake) {
  const Endpoint at = serve(pki_->good, true);
  auto c = connect_tls(net_, client_provider_, at, {}, client_config(), &client_);
  EXPECT_TRUE(c->write(std::string_view("hello over tls")));  // held until the handshake
  ASSERT_TRUE(run_until([&] { return client_.data == "hello over tls" || client_.end; }))
      << c->tls_error().message();
  EXPECT_TRUE(client_.connected);
  EXPECT_TRUE(server_.connected);
  EXPECT_TRUE(c->handshake_done());
  EXPECT_EQ(c->negotiated_alpn(), "http/1.1");
  EXPECT_EQ(c->buffered(), 0u);
  EXPECT_TRUE(c->tls_error().ok());
  c->close();  // close_notify reaches the server: its peer ended
  ASSERT_TRUE(run_until([&] { return server_.end.has_value(); }));
  EXPECT_EQ(*server_.end, EndReason::kClosedByPeer);
  EXPECT_FALSE(client_.end.has_value());  // close() is silent
}

TEST_F(TlsConnectionTest, ExpiredCertificateEndsWithTlsFailure) {
  const Endpoint at = serve(pki_->expired, false);
  auto c = connect_tls(net_, client_provider_, at, {}, client_config(), &client_);
  ASSERT_TRUE(run_until([&] { return client_.end && server_.end; }));
  EXPECT_EQ(*client_.end, EndReason::kTlsFailure);
  EXPECT_FALSE(client_.connected);
  EXPECT_EQ(c->tls_error().code(), ErrorCode::kTls);
  EXPECT_EQ(c->tls_error().message(),
            std::string("certificate verify failed: certificate has expired (cert 0, subject CN=") +
                kHost + ")");
  // Our alert told the server why.
  EXPECT_EQ(*server_.end, EndReason::kTlsFailure);
  EXPECT_NE(server_conn_->tls_error().message().find("peer sent alert"), std::string::npos)
      << server_conn_->tls_error().message();
}

TEST_F(TlsConnectionTest, WrongTrustStoreEndsWithTlsFailure) {
  const Endpoint at = serve(pki_->good, false);
  TlsClientConfig cfg = client_config();
  cfg.trust_anchors_der = {pki_->other_ca.cert_der};
  auto c = connect_tls(net_, client_provider_, at, {}, cfg, &client_);
  ASSERT_TRUE(run_until([&] { return client_.end.has_value(); }));
  EXPECT_EQ(*client_.end, EndReason::kTlsFailure);
  EXPECT_NE(c->tls_error().message().find("unable to get local issuer certificate"),
            std::string::npos);
}

TEST_F(TlsConnectionTest, BadConfigEndsWithTlsFailure) {
  const Endpoint at = serve(pki_->good, false);
  TlsClientConfig cfg = client_config();
  cfg.trust_anchors_der = {{0x30, 0x01}};
  auto c = connect_tls(net_, client_provider_, at, {}, cfg, &client_);
  EXPECT_EQ(c->tls_error().message(), "trust_anchors_der[0]: not a DER certificate");
  ASSERT_TRUE(run_until([&] { return client_.end.has_value(); }));
  EXPECT_EQ(*client_.end, EndReason::kTlsFailure);
}

TEST_F(TlsConnectionTest, RefusedPassesThrough) {
  const Endpoint at = serve(pki_->good, false);
  listener_.reset();  // nothing listens there any more
  auto c = connect_tls(net_, client_provider_, at, {}, client_config(), &client_);
  ASSERT_TRUE(run_until([&] { return client_.end.has_value(); }));
  EXPECT_EQ(*client_.end, EndReason::kRefused);
  EXPECT_TRUE(c->tls_error().ok());
}

TEST_F(TlsConnectionTest, LargeTransferHonoursBackpressure) {
  const Endpoint at = serve(pki_->good, false);
  ConnectOptions opts;
  opts.high_watermark = 64 * 1024;
  opts.low_watermark = 16 * 1024;
  auto c = connect_tls(net_, client_provider_, at, opts, client_config(), &client_);
  const std::size_t total = 4 * 1024 * 1024;
  std::size_t sent = 0;
  int refusals = 0;
  const std::string chunk(32 * 1024, 'z');
  std::function<void()> pump = [&] {
    while (sent < total) {
      sent += chunk.size();
      if (!c->write(chunk)) {
        ++refusals;
        return;  // wait for on_writable
      }
    }
  };
  pump();
  client_.then_writable = pump;
  ASSERT_TRUE(run_until([&] { return server_.data.size() >= total || client_.end; }));
  EXPECT_EQ(server_.data.size(), total);
  EXPECT_GT(refusals, 0);
  EXPECT_GT(client_.writable, 0);
}

TEST_F(TlsConnectionTest, HalfCloseCarriesTheReply) {
  ConnectOptions server_opts;
  server_opts.allow_half_close = true;
  const Endpoint at = serve(pki_->good, false, server_opts);
  server_.then_read_closed = [this] {
    server_conn_->write(std::string_view("got: ") );
    server_conn_->write(std::string_view(server_.data));
    server_conn_->close();
  };
  auto c = connect_tls(net_, client_provider_, at, {}, client_config(), &client_);
  c->write(std::string_view("question"));
  c->shutdown_write();  // before the handshake: done once it completes
  c->write(std::string_view("dropped"));
  ASSERT_TRUE(run_until([&] { return client_.end.has_value(); }));
  EXPECT_TRUE(server_.read_closed);
  EXPECT_EQ(server_.data, "question");
  EXPECT_EQ(client_.data, "got: question");
  EXPECT_EQ(*client_.end, EndReason::kClosedByPeer);
}

TEST_F(TlsConnectionTest, HandlerMayDestroyTheConnectionInACallback) {
  const Endpoint at = serve(pki_->good, true);
  std::unique_ptr<TlsConnection> c =
      connect_tls(net_, client_provider_, at, {}, client_config(), &client_);
  client_.then_data = [&](std::span<const std::uint8_t>) { c.reset(); };
  c->write(std::string_view("ping"));
  ASSERT_TRUE(run_until([&] { return c == nullptr; }));
  ASSERT_TRUE(run_until([&] { return server_.end.has_value(); }));
  EXPECT_EQ(*server_.end, EndReason::kClosedByPeer);
}

}  // namespace
}  // namespace ss::proto
