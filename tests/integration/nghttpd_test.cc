// h2 streams on the production backend against a real HTTP/2 server:
// Debian's nghttpd (nghttp2-server), started by the test on a free loopback
// port with TLS (a self-signed certificate for localhost made at test time
// with openssl, trusted through the policy), serving files it also writes.
//   - 100 concurrent GETs: all complete, on one TLS connection (nghttpd -v
//     logs each completed handshake; exactly one may appear) with ALPN h2;
//   - an 8 MiB download with manual rx credit: the user grants what it has
//     read, the body arrives whole and byte-exact, and the estimated credit
//     never goes negative.
// Skipped when nghttpd or openssl is not installed (tools/setup).
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/integration/stack_fixture.h"

namespace ss::itest {
namespace {

using S = State;

const char* kNghttpd = "/usr/sbin/nghttpd";
constexpr std::size_t kBig = 8 * 1024 * 1024;

char big_byte(std::size_t i) { return static_cast<char>('A' + (i * 7 + i / 4096) % 26); }

class Nghttpd : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kNghttpd, X_OK) != 0) GTEST_SKIP() << "nghttpd is not installed (tools/setup: nghttp2-server)";
    dir_ = (env("TEST_TMPDIR").empty() ? std::string("/tmp") : env("TEST_TMPDIR")) + "/nghttpd";
    ASSERT_EQ(std::system(("rm -rf " + dir_ + " && mkdir -p " + dir_ + "/docs").c_str()), 0);
    const std::string gen = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
                            "-addext subjectAltName=DNS:localhost -keyout " + dir_ + "/key.pem -out " + dir_ +
                            "/cert.pem 2>/dev/null && openssl x509 -in " + dir_ + "/cert.pem -outform DER -out " +
                            dir_ + "/cert.der";
    if (std::system(gen.c_str()) != 0) GTEST_SKIP() << "openssl could not make a certificate";
    std::ofstream(dir_ + "/docs/small.txt") << "small file\n";
    std::string big(kBig, '\0');
    for (std::size_t i = 0; i < kBig; ++i) big[i] = big_byte(i);
    std::ofstream(dir_ + "/docs/big.bin", std::ios::binary) << big;
    port_ = free_port();
    server_ = std::make_unique<Child>(std::vector<std::string>{
        "sh", "-c", "exec " + std::string(kNghttpd) + " -v -d " + dir_ + "/docs " + std::to_string(port_) + " " +
                        dir_ + "/key.pem " + dir_ + "/cert.pem > " + dir_ + "/log 2>&1"});
    ASSERT_TRUE(server_->running());
    ASSERT_TRUE(wait_listening(port_)) << "nghttpd did not listen on " << port_;
  }

  std::string policy() const {
    const std::string ep = R"("endpoint":"localhost","port":)" + std::to_string(port_) +
                           R"(,"protocol":"h2","tls":true,"tls_trust_store":"local","retry":"r",)";
    return R"({"release":"1","product":"h2-it","schema-version":1,)"
           R"("retry":[{"r":{"backoff":[100,200],"conceal":3,"jitterpc":1}}],)"
           R"("certs":[{"local":")" + file_base64(dir_ + "/cert.der") + R"("}],)"
           R"("trust_stores":[{"name":"local","stack":["local"]}],)"
           R"("s":[)"
           R"({"small":{)" + ep + R"("http_method":"GET","http_url":"small.txt","opportunistic":true}},)"
           R"({"big":{)" + ep + R"("http_method":"GET","http_url":"big.bin","opportunistic":true}})"
           R"(]})";
  }

  std::string server_log() const {
    std::ifstream in(dir_ + "/log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::string dir_;
  int port_ = 0;
  std::unique_ptr<Child> server_;
};

TEST_F(Nghttpd, HundredConcurrentGetsShareOneConnection) {
  Stack stack(policy());
  ASSERT_TRUE(stack.ok()) << stack.error();
  std::vector<std::unique_ptr<Client>> clients;
  std::vector<StreamHandle> handles;
  for (int i = 0; i < 100; ++i) {
    clients.push_back(std::make_unique<Client>());
    auto s = stack.ctx().create("small", clients.back()->handlers());
    ASSERT_TRUE(s.ok()) << s.error().message();
    s->request_tx();
    handles.push_back(std::move(*s));
  }
  const bool done = stack.run_until(
      [&] {
        for (auto& c : clients)
          if (!c->saw(S::kQosAckRemote)) return false;
        return true;
      },
      seconds(10));
  EXPECT_TRUE(done);
  for (auto& c : clients) {
    EXPECT_EQ(c->got, "small file\n") << names(c->states);
    EXPECT_EQ(c->count(S::kConnected), 1u) << names(c->states);
  }
  handles.clear();
  stack.run_for(millis(50));
  // nghttpd -v says this once per TLS connection (the readiness probe's
  // plain TCP connect never gets that far).
  const std::string log = server_log();
  std::size_t handshakes = 0;
  for (auto at = log.find("SSL/TLS handshake completed"); at != std::string::npos;
       at = log.find("SSL/TLS handshake completed", at + 1))
    ++handshakes;
  EXPECT_EQ(handshakes, 1u) << "TLS connections that reached nghttpd";
  EXPECT_NE(log.find("The negotiated protocol: h2"), std::string::npos) << "ALPN did not pick h2";
  EXPECT_TRUE(stack.violations().empty());
}

TEST_F(Nghttpd, LargeDownloadWithManualCredit) {
  Stack stack(policy());
  ASSERT_TRUE(stack.ok()) << stack.error();
  Client c;
  StreamHandle* handle = nullptr;
  bool negative = false, mismatch = false;
  std::size_t seen = 0;
  c.keep_rx = false;
  c.on_rx = [&](std::span<const std::uint8_t> b) {
    for (std::size_t i = 0; i < b.size() && !mismatch; ++i) mismatch = b[i] != static_cast<std::uint8_t>(big_byte(seen + i));
    seen += b.size();
    if (handle) {
      if (handle->est_peer_tx_credit() < 0) negative = true;
      handle->add_peer_tx_credit(static_cast<std::int32_t>(b.size()));  // the reader read it: grant as much again
    }
  };
  auto s = stack.ctx().create("big", c.handlers(), 65536);
  ASSERT_TRUE(s.ok()) << s.error().message();
  handle = &*s;
  s->request_tx();
  EXPECT_TRUE(stack.run_until([&] { return c.saw(S::kQosAckRemote); }, seconds(15))) << names(c.states);
  EXPECT_EQ(c.rx_bytes, kBig);
  EXPECT_FALSE(mismatch);
  EXPECT_FALSE(negative);
  EXPECT_TRUE(c.got_eom);
  EXPECT_EQ(s->est_peer_tx_credit(), 65536);  // every byte read was granted back
  handle = nullptr;
  s->reset();
  stack.run_for(millis(50));
  EXPECT_TRUE(stack.violations().empty());
}

}  // namespace
}  // namespace ss::itest
