// The real-peer matrix (docs/posix.md): the whole runtime on the posix backend against real
// servers from Debian's packages (tests/integration/peers.sh starts them on
// loopback ports and stops them):
//   nginx HTTP/1.1 + HTTPS (test CA made at test time): a static file, an
//     8 MiB file (byte count + SHA-256), a chunked response (sub_filter), a
//     503 with Retry-After, a same-origin redirect;
//   TLS: the right trust store connects; a wrong trust store, an expired, a
//     wrong-host and a self-signed certificate never reach CONNECTED;
//   python3-websockets echo; socat raw echo;
//   a socat the test spawns and kills mid-transfer (DISCONNECTED, then the
//     retry policy reconnects to its restarted successor);
//   python3 -m http.server spawned and killed mid-body (h1: DISCONNECTED, no
//     ACK; the retry gets the whole file from its restarted successor);
//   a ws echo (ws_echo.py, spawned) killed after an echo: DISCONNECTED, the
//     retry reconnects to its restarted successor and the message echoes;
//   a 503 with Retry-After: the engine retries no sooner than it says;
//   a port with nothing listening (UNREACHABLE ... ALL_RETRIES_FAILED).
// Each case checks the rx bytes and the exact state sequence the user heard.
#include <openssl/evp.h>

#include <cstdio>
#include <fstream>

#include "gtest/gtest.h"
#include "tests/integration/stack_fixture.h"

namespace ss::itest {
namespace {

using S = State;

std::string streamtype(const std::string& name, const std::string& body) {
  return R"(,{")" + name + R"(":{)" + body + "}}";
}

std::string h1(const std::string& port, const std::string& url, const std::string& extra = "") {
  return R"("endpoint":"127.0.0.1","port":)" + port +
         R"(,"protocol":"h1","http_method":"GET","http_url":")" + url +
         R"(","retry":"r","timeout_ms":10000,"opportunistic":true)" + extra;
}

std::string tls_get(const std::string& port, const std::string& store) {
  return R"("endpoint":"localhost","port":)" + port +
         R"(,"protocol":"h1","http_method":"GET","http_url":"index.txt","tls":true,)"
         R"("tls_trust_store":")" + store + R"(","retry":"r","timeout_ms":10000,)"
         R"("opportunistic":true)";
}

std::string make_policy(int dead_port, int kill_port) {
  std::string s =
      R"({"release":"1","product":"realpeers","schema-version":1,)"
      R"("retry":[{"r":{"backoff":[100,200],"conceal":2,"jitterpc":0}}],)";
  s += R"("certs":[{"test_ca":")" + file_base64(env("SS_TEST_CA_DER")) + R"("},)";
  s += R"({"other_ca":")" + file_base64(env("SS_TEST_OTHER_CA_DER")) + R"("}],)";
  s += R"("trust_stores":[{"name":"test","stack":["test_ca"]},)"
       R"({"name":"other","stack":["other_ca"]}],)";
  s += R"("s":[{"echo":{"endpoint":"127.0.0.1","port":)" + env("SS_SOCAT_PORT") +
       R"(,"protocol":"raw","retry":"r"}})";
  const std::string http = env("SS_NGINX_PORT");
  s += streamtype("index", h1(http, "index.txt"));
  s += streamtype("large", h1(http, "large.bin"));
  s += streamtype("chunked", h1(http, "chunked.txt"));
  s += streamtype("busy", h1(http, "busy"));
  s += streamtype("moved", h1(http, "moved", R"(,"allow_redirects":true)"));
  s += streamtype("conn", h1(http, "conn"));
  s += streamtype("relative", h1(http, "relative/r", R"(,"allow_redirects":true)"));
  s += streamtype("to_tls", h1(http, "to-tls", R"(,"allow_redirects":true,"tls_trust_store":"test")"));
  s += streamtype("tls_good", tls_get(env("SS_NGINX_TLS_PORT"), "test"));
  s += streamtype("tls_conn", R"("endpoint":"localhost","port":)" + env("SS_NGINX_TLS_PORT") +
                                  R"(,"protocol":"h1","http_url":"conn","tls":true,)"
                                  R"("tls_trust_store":"test","opportunistic":true,"retry":"r")");
  s += streamtype("tls_to_plain", R"("endpoint":"localhost","port":)" + env("SS_NGINX_TLS_PORT") +
                                      R"(,"protocol":"h1","http_url":"to-plain","tls":true,)"
                                      R"("tls_trust_store":"test","opportunistic":true,)"
                                      R"("allow_redirects":true,"retry":"r")");
  s += streamtype("tls_wrong_store", tls_get(env("SS_NGINX_TLS_PORT"), "other"));
  s += streamtype("tls_expired", tls_get(env("SS_NGINX_EXPIRED_PORT"), "test"));
  s += streamtype("tls_wrong_host", tls_get(env("SS_NGINX_WRONGHOST_PORT"), "test"));
  s += streamtype("tls_self_signed", tls_get(env("SS_NGINX_SELFSIGNED_PORT"), "test"));
  s += streamtype("wsecho", R"("endpoint":"127.0.0.1","port":)" + env("SS_WS_PORT") +
                                R"(,"protocol":"ws","http_url":"","retry":"r")");
  s += streamtype("dead", R"("endpoint":"127.0.0.1","port":)" + std::to_string(dead_port) +
                              R"(,"protocol":"raw","retry":"r")");
  s += streamtype("busy_retry",
                  R"("endpoint":"127.0.0.1","port":)" + http +
                      R"(,"protocol":"h1","http_method":"GET","http_url":"busy","retry":"r",)"
                      R"("timeout_ms":10000)");
  s += streamtype("killed_h1",
                  R"("endpoint":"127.0.0.1","port":)" + std::to_string(kill_port) +
                      R"(,"protocol":"h1","http_method":"GET","http_url":"big.bin","retry":"r",)"
                      R"("timeout_ms":10000)");
  s += streamtype("killed_ws", R"("endpoint":"127.0.0.1","port":)" + std::to_string(kill_port) +
                                   R"(,"protocol":"ws","http_url":"","retry":"r")");
  s += streamtype("killed", R"("endpoint":"127.0.0.1","port":)" + std::to_string(kill_port) +
                                R"(,"protocol":"raw","retry":"r")");
  s += "]}";
  return s;
}

std::string chunked_text() {
  std::string s;
  char line[64];
  for (int i = 1; i <= 300; ++i) {
    std::snprintf(line, sizeof line, "line %04d of the chunked text\n", i);
    s += line;
  }
  return s;
}

class RealPeers : public ::testing::Test {
 protected:
  void SetUp() override {
    if (env("SS_SOCAT_PORT").empty() || env("SS_NGINX_PORT").empty() ||
        env("SS_WS_PORT").empty()) {
      GTEST_SKIP() << "peers not started (run through run_with_peers.sh)";
    }
    dead_port_ = free_port();
    kill_port_ = free_port();
    stack_ = std::make_unique<Stack>(make_policy(dead_port_, kill_port_));
    ASSERT_TRUE(stack_->ok()) << stack_->error();
  }
  void TearDown() override {
    if (stack_) {
      EXPECT_TRUE(stack_->violations().empty()) << stack_->violations().front();
    }
  }

  // Connects `type`, runs until `done` (or 15 s), lets trailing states
  // arrive for 300 ms, then destroys the stream (recorded too).
  void run(const std::string& type, Client& c, const std::function<bool()>& done) {
    auto s = stack_->ctx().create(type, c.handlers());
    ASSERT_TRUE(s.ok()) << s.error().message();
    c.handle = &*s;
    s->request_tx();
    EXPECT_TRUE(stack_->run_until(done, seconds(15))) << type << ": " << names(c.states);
    stack_->run_for(millis(300));
    s->reset();
    stack_->run_for(millis(20));
  }
  bool finished(const Client& c) {
    return c.saw(S::kQosAckRemote) || c.saw(S::kQosNackRemote) || c.saw(S::kAllRetriesFailed);
  }
  void h1_case(const std::string& type, Client& c) {
    run(type, c, [&] { return finished(c); });
  }

  int dead_port_ = 0;
  int kill_port_ = 0;
  std::unique_ptr<Stack> stack_;
};

// A bodiless GET that completes: the binding closes after the transaction
// (one per connection) and an opportunistic stream does not reconnect.
const std::vector<S> kGetOk = {S::kCreating,     S::kPoll,         S::kConnecting,
                               S::kConnected,    S::kQosAckRemote, S::kDisconnected,
                               S::kDestroying};
// A connect that always fails (TLS verification, or nothing listening):
// every attempt is UNREACHABLE, the first and the two retries that
// conceal 2 allows, then ALL_RETRIES_FAILED once; never CONNECTED.
const std::vector<S> kTlsRefused = {
    S::kCreating,    S::kPoll, S::kConnecting, S::kUnreachable, S::kPoll,
    S::kConnecting,  S::kUnreachable, S::kPoll, S::kConnecting, S::kUnreachable,
    S::kAllRetriesFailed, S::kDestroying};

TEST_F(RealPeers, H1StaticFile) {
  Client c;
  h1_case("index", c);
  EXPECT_EQ(c.got, "hello from nginx\n");
  EXPECT_EQ(c.states, kGetOk) << names(c.states);
}

TEST_F(RealPeers, H1LargeFileBytesAndHash) {
  Client c;
  c.keep_rx = false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> sha(EVP_MD_CTX_new(),
                                                               &EVP_MD_CTX_free);
  ASSERT_EQ(EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr), 1);
  c.on_rx = [&](std::span<const std::uint8_t> b) {
    EVP_DigestUpdate(sha.get(), b.data(), b.size());
  };
  h1_case("large", c);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_DigestFinal_ex(sha.get(), md, &md_len);
  std::string hex;
  char two[3];
  for (unsigned char b : std::span(md, md_len)) {
    std::snprintf(two, sizeof two, "%02x", b);
    hex += two;
  }
  EXPECT_EQ(c.rx_bytes, 8u * 1024 * 1024);
  EXPECT_EQ(hex, env("SS_LARGE_SHA256"));
  EXPECT_EQ(c.states, kGetOk) << names(c.states);
}

TEST_F(RealPeers, H1ChunkedResponse) {
  Client c;
  h1_case("chunked", c);
  EXPECT_EQ(std::to_string(c.got.size()), env("SS_CHUNKED_LEN"));
  EXPECT_EQ(c.got, chunked_text());
  EXPECT_EQ(c.states, kGetOk) << names(c.states);
}

TEST_F(RealPeers, H1ServiceUnavailableIsNack) {
  Client c;
  h1_case("busy", c);
  EXPECT_FALSE(c.saw(S::kQosAckRemote));
  const std::vector<S> want = {S::kCreating,  S::kPoll,           S::kConnecting,
                               S::kConnected, S::kQosNackRemote,  S::kDisconnected,
                               S::kDestroying};
  EXPECT_EQ(c.states, want) << names(c.states);
}

TEST_F(RealPeers, H1RedirectFollowedInPlace) {
  Client c;
  h1_case("moved", c);
  EXPECT_EQ(c.got, "hello from nginx\n");
  EXPECT_EQ(c.count(S::kConnected), 1u);
  EXPECT_EQ(c.states, kGetOk) << names(c.states);
}

// Keep-alive reuse against nginx: one stream asks three times; nginx's
// connection serial ($connection) is the same each time, the user still sees
// three whole transactions. Over TLS as well (one handshake for three GETs).
void asks_three_times(Stack& stack, const std::string& type, bool expect_one_wire) {
  Client c;
  std::vector<std::string> answers;
  StreamHandle* handle = nullptr;
  auto s = stack.ctx().create(type, Handlers{
      .rx = [&](std::span<const std::uint8_t> b, std::uint32_t) {
        if (!b.empty()) answers.back().append(b.begin(), b.end());
        return Ret::kOk;
      },
      .tx = [](TxChunk&) { return Ret::kTxDontSend; },
      .state = [&](S st, std::uint32_t) {
        c.states.push_back(st);
        if (st == S::kConnected) answers.emplace_back();
        if (st == S::kDisconnected && handle && answers.size() < 3) handle->request_tx();
        return Ret::kOk;
      }});
  ASSERT_TRUE(s.ok()) << s.error().message();
  handle = &*s;
  s->request_tx();
  EXPECT_TRUE(stack.run_until([&] { return c.count(S::kQosAckRemote) >= 3; }, seconds(15)))
      << names(c.states);
  handle = nullptr;
  s->reset();
  stack.run_for(millis(20));
  ASSERT_EQ(answers.size(), 3u) << names(c.states);
  std::printf("%s: nginx connection serials %s %s %s", type.c_str(), answers[0].c_str(),
              answers[1].c_str(), answers[2].c_str());
  EXPECT_EQ(c.count(S::kConnected), 3u);
  EXPECT_EQ(c.count(S::kDisconnected), 3u);
  if (expect_one_wire) {
    EXPECT_EQ(answers[0], answers[1]);
    EXPECT_EQ(answers[1], answers[2]);
  }
}

TEST_F(RealPeers, H1KeepAliveReusesTheConnection) { asks_three_times(*stack_, "conn", true); }
TEST_F(RealPeers, H1KeepAliveReusesTheTlsConnection) { asks_three_times(*stack_, "tls_conn", true); }

// The classic idiom: a stream per GET, destroyed from its QOS_ACK_REMOTE
// callback (DESTROY_ME). Each finished keep-alive wire goes to the pool,
// so 100 rounds are answered on one nginx $connection.
TEST_F(RealPeers, H1StreamPerGetDestroyedOnAckReusesOneConnection) {
  std::set<std::string> serials;
  int acks = 0, destroyed = 0;
  for (int round = 0; round < 100; ++round) {
    std::string answer;
    auto s = stack_->ctx().create("conn", Handlers{
        .rx = [&](std::span<const std::uint8_t> b, std::uint32_t) {
          answer.append(b.begin(), b.end());
          return Ret::kOk;
        },
        .tx = [](TxChunk&) { return Ret::kTxDontSend; },
        .state = [&](S st, std::uint32_t) {
          if (st == S::kDestroying) ++destroyed;
          if (st != S::kQosAckRemote) return Ret::kOk;
          ++acks;
          return Ret::kDestroyMe;
        }});
    ASSERT_TRUE(s.ok()) << s.error().message();
    s->request_tx();
    ASSERT_TRUE(stack_->run_until([&] { return destroyed == round + 1; }, seconds(15))) << "round " << round;
    serials.insert(answer);
    EXPECT_FALSE(*s);  // DESTROY_ME destroyed it
  }
  EXPECT_EQ(acks, 100);
  std::printf("100 streams, one GET each, destroyed on ACK: %zu nginx connection(s)\n", serials.size());
  EXPECT_EQ(serials.size(), 1u);
}

TEST_F(RealPeers, H1RedirectFromPlainToTlsIsFollowedAndVerified) {
  Client c;
  h1_case("to_tls", c);
  EXPECT_EQ(c.got, "hello from nginx\n");
  EXPECT_EQ(c.states, kGetOk) << names(c.states);
}

TEST_F(RealPeers, H1RelativeRedirectIsResolved) {
  Client c;
  h1_case("relative", c);
  EXPECT_EQ(c.got, "hello from nginx\n");
  EXPECT_EQ(c.states, kGetOk) << names(c.states);
}

TEST_F(RealPeers, H1RedirectFromTlsToPlainIsRefused) {
  Client c;
  h1_case("tls_to_plain", c);
  EXPECT_TRUE(c.got.empty()) << c.got;
  const std::vector<S> want = {S::kCreating,  S::kPoll,          S::kConnecting,
                               S::kConnected, S::kQosNackRemote, S::kDisconnected,
                               S::kDestroying};
  EXPECT_EQ(c.states, want) << names(c.states);
}

TEST_F(RealPeers, TlsRightTrustStore) {
  Client c;
  h1_case("tls_good", c);
  EXPECT_EQ(c.got, "hello from nginx\n");
  EXPECT_EQ(c.states, kGetOk) << names(c.states);
  EXPECT_TRUE(c.reasons.empty());
}

// A refused certificate says why (docs/tls.md): the stream's last_error()
// at each UNREACHABLE and at ALL_RETRIES_FAILED, and one engine log line
// per attempt, name the failed check and the certificate.
void expect_reason(const Stack& stack, const Client& c, const std::string& type, const std::string& why) {
  const std::string want = "certificate verify failed: " + why;
  ASSERT_EQ(c.reasons.size(), 4u) << names(c.states);  // 3 UNREACHABLE + ALL_RETRIES_FAILED
  for (const std::string& r : c.reasons) EXPECT_EQ(r, want);
  std::size_t logged = 0;
  for (const std::string& line : stack.logs()) {
    if (line.find("(" + type + "): connect failed: " + want) != std::string::npos) ++logged;
  }
  EXPECT_EQ(logged, 3u) << (stack.logs().empty() ? std::string("no log lines") : stack.logs().front());
}

TEST_F(RealPeers, TlsWrongTrustStoreFails) {
  Client c;
  h1_case("tls_wrong_store", c);
  EXPECT_EQ(c.rx_bytes, 0u);
  EXPECT_EQ(c.states, kTlsRefused) << names(c.states);
  expect_reason(*stack_, c, "tls_wrong_store",
                "unable to get local issuer certificate (cert 0, subject CN=localhost)");
}

TEST_F(RealPeers, TlsExpiredCertificateFails) {
  Client c;
  h1_case("tls_expired", c);
  EXPECT_EQ(c.rx_bytes, 0u);
  EXPECT_EQ(c.states, kTlsRefused) << names(c.states);
  expect_reason(*stack_, c, "tls_expired", "certificate has expired (cert 0, subject CN=localhost)");
}

TEST_F(RealPeers, TlsWrongHostFails) {
  Client c;
  h1_case("tls_wrong_host", c);
  EXPECT_EQ(c.rx_bytes, 0u);
  EXPECT_EQ(c.states, kTlsRefused) << names(c.states);
  expect_reason(*stack_, c, "tls_wrong_host", "hostname mismatch (cert 0, subject CN=wrong.example)");
}

TEST_F(RealPeers, TlsSelfSignedFails) {
  Client c;
  h1_case("tls_self_signed", c);
  EXPECT_EQ(c.rx_bytes, 0u);
  EXPECT_EQ(c.states, kTlsRefused) << names(c.states);
  expect_reason(*stack_, c, "tls_self_signed", "self-signed certificate (cert 0, subject CN=localhost)");
}

TEST_F(RealPeers, WsEcho) {
  Client c;
  c.message = "ws message through python3-websockets";
  run("wsecho", c, [&] { return c.got_eom; });
  EXPECT_EQ(c.got, c.message);
  const std::vector<S> want = {S::kCreating,     S::kPoll,       S::kConnecting,
                               S::kConnected,    S::kDisconnected, S::kDestroying};
  EXPECT_EQ(c.states, want) << names(c.states);
}

TEST_F(RealPeers, RawEcho) {
  Client c;
  c.message = "raw bytes through socat";
  run("echo", c, [&] { return c.got.size() >= c.message.size(); });
  EXPECT_EQ(c.got, c.message);
  const std::vector<S> want = {S::kCreating,     S::kPoll,       S::kConnecting,
                               S::kConnected,    S::kDisconnected, S::kDestroying};
  EXPECT_EQ(c.states, want) << names(c.states);
}

TEST_F(RealPeers, NothingListeningIsUnreachableThenAllRetriesFailed) {
  Client c;
  c.message = "nobody hears this";
  run("dead", c, [&] { return c.saw(S::kAllRetriesFailed); });
  EXPECT_EQ(c.rx_bytes, 0u);
  EXPECT_EQ(c.states, kTlsRefused) << names(c.states);
}

// A socat the test owns (killed with its forked children as one process
// group) echoes while the stream sends 1 MiB; killed mid-transfer, the user
// hears DISCONNECTED; the test restarts socat on the same port from that
// callback, and the retry policy's reconnect (backoff 100 ms) reaches it.
TEST_F(RealPeers, ServerKilledMidTransferDisconnectsThenReconnects) {
  const std::vector<std::string> argv = {
      "socat", "TCP4-LISTEN:" + std::to_string(kill_port_) + ",bind=127.0.0.1,reuseaddr,fork",
      "PIPE"};
  auto peer = std::make_unique<Child>(argv);
  ASSERT_TRUE(peer->running());
  ASSERT_TRUE(wait_listening(kill_port_));

  constexpr std::size_t kTotal = 1 << 20;
  std::size_t sent = 0, rx = 0, rx_at_kill = 0;
  bool killed = false;
  std::vector<S> states;
  StreamHandle* handle = nullptr;
  Handlers h{
      .rx = [&](std::span<const std::uint8_t> b, std::uint32_t) {
        rx += b.size();
        if (!killed && rx >= 64 * 1024) {
          killed = true;
          rx_at_kill = rx;
          peer->kill();
        }
        return Ret::kOk;
      },
      .tx = [&](TxChunk& c) {
        if (sent >= kTotal) return Ret::kTxDontSend;
        const std::size_t n = std::min<std::size_t>({c.buffer.size(), 4096, kTotal - sent});
        std::fill_n(c.buffer.begin(), n, std::uint8_t{'k'});
        c.len = n;
        c.flags = sent == 0 ? kSom : 0;
        sent += n;
        if (handle != nullptr) handle->request_tx();  // one chunk per request
        return Ret::kOk;
      },
      .state = [&](S st, std::uint32_t) {
        states.push_back(st);
        if (st == S::kDisconnected && killed && !peer->running()) {
          peer = std::make_unique<Child>(argv);
          EXPECT_TRUE(wait_listening(kill_port_));
        }
        return Ret::kOk;
      },
  };
  auto s = stack_->ctx().create("killed", std::move(h));
  ASSERT_TRUE(s.ok()) << s.error().message();
  handle = &*s;
  s->request_tx();
  auto connected = [&] { return std::count(states.begin(), states.end(), S::kConnected); };
  EXPECT_TRUE(stack_->run_until([&] { return connected() >= 2; }, seconds(15))) << names(states);
  stack_->run_for(millis(100));
  handle = nullptr;
  s->reset();
  stack_->run_for(millis(20));
  EXPECT_TRUE(killed);
  EXPECT_LT(rx_at_kill, kTotal);
  const std::vector<S> want = {S::kCreating,     S::kPoll,       S::kConnecting,
                               S::kConnected,    S::kDisconnected, S::kPoll,
                               S::kConnecting,   S::kConnected,  S::kDisconnected,
                               S::kDestroying};
  EXPECT_EQ(states, want) << names(states);
}

// After a 503 with Retry-After: 1 the engine backs off and tries again on
// its own (docs/secure-streams.md §2.4), no sooner than Retry-After, even though the user asked
// again at once (request_tx from the DISCONNECTED callback only marks that
// it wants to send while a retry is coming): a new connection and a second
// NACK, at least a second later (loop time; the floor, not a duration bound).
TEST_F(RealPeers, H1ServiceUnavailableThenAskAgain) {
  Client c;
  std::vector<Micros> connecting_at;
  StreamHandle* handle = nullptr;
  int asks = 0;
  auto s = stack_->ctx().create("busy_retry", Handlers{
      .rx = [](std::span<const std::uint8_t>, std::uint32_t) { return Ret::kOk; },
      .tx = [](TxChunk&) { return Ret::kTxDontSend; },
      .state = [&](S st, std::uint32_t) {
        c.states.push_back(st);
        if (st == S::kConnecting) connecting_at.push_back(stack_->loop().now());
        if (st == S::kDisconnected && handle && asks++ < 1) handle->request_tx();
        return Ret::kOk;
      }});
  ASSERT_TRUE(s.ok()) << s.error().message();
  handle = &*s;
  s->request_tx();
  EXPECT_TRUE(stack_->run_until([&] { return c.count(S::kQosNackRemote) >= 2; }, seconds(15)))
      << names(c.states);
  handle = nullptr;
  s->reset();
  stack_->run_for(millis(20));
  std::printf("busy_retry: %s\n", names(c.states).c_str());
  const std::vector<S> want = {S::kCreating,      S::kPoll,         S::kConnecting,
                               S::kConnected,     S::kQosNackRemote, S::kDisconnected,
                               S::kPoll,          S::kConnecting,   S::kConnected,
                               S::kQosNackRemote, S::kDisconnected, S::kDestroying};
  EXPECT_EQ(c.states, want) << names(c.states);
  ASSERT_GE(connecting_at.size(), 2u) << names(c.states);
  std::printf("busy_retry: second attempt after %lld ms\n",
              static_cast<long long>((connecting_at[1] - connecting_at[0]) / 1000));
  EXPECT_GE(connecting_at[1] - connecting_at[0], seconds(1)) << "retried before Retry-After";
}

// h1 mid-body: python3's http.server (spawned and killed by the test)
// sends a 16 MiB file; killed at the first body bytes, the user hears
// DISCONNECTED without an ACK; restarted, the retry reconnects and the GET
// completes with the whole file.
TEST_F(RealPeers, H1ServerKilledMidBodyDisconnectsThenRetries) {
  const std::string dir = env("TEST_TMPDIR").empty() ? "/tmp" : env("TEST_TMPDIR");
  {
    std::ofstream f(dir + "/big.bin", std::ios::binary);
    std::string block(4096, 'b');
    for (int i = 0; i < 4096; ++i) f << block;  // 16 MiB: more than loopback buffers hold
  }
  const std::vector<std::string> argv = {"/usr/bin/python3", "-m",  "http.server",
                                         "--bind",           "127.0.0.1", "--directory",
                                         dir,                std::to_string(kill_port_)};
  auto peer = std::make_unique<Child>(argv);
  ASSERT_TRUE(wait_listening(kill_port_));
  bool killed = false;
  std::size_t rx_after_restart = 0;
  std::vector<S> states;
  auto s = stack_->ctx().create("killed_h1", Handlers{
      .rx = [&](std::span<const std::uint8_t> b, std::uint32_t) {
        if (!killed) {
          killed = true;
          peer->kill();
        } else if (peer->running()) {
          rx_after_restart += b.size();
        }
        return Ret::kOk;
      },
      .tx = [](TxChunk&) { return Ret::kTxDontSend; },
      .state = [&](S st, std::uint32_t) {
        states.push_back(st);
        if (st == S::kDisconnected && killed && !peer->running()) {
          peer = std::make_unique<Child>(argv);
          EXPECT_TRUE(wait_listening(kill_port_));
        }
        return Ret::kOk;
      }});
  ASSERT_TRUE(s.ok()) << s.error().message();
  s->request_tx();
  EXPECT_TRUE(stack_->run_until(
      [&] {
        return std::find(states.begin(), states.end(), S::kQosAckRemote) != states.end() ||
               std::find(states.begin(), states.end(), S::kAllRetriesFailed) != states.end();
      },
      seconds(15)))
      << names(states);
  stack_->run_for(millis(300));
  s->reset();
  stack_->run_for(millis(20));
  EXPECT_EQ(rx_after_restart, 16u * 1024 * 1024);
  const std::vector<S> want = {S::kCreating,     S::kPoll,       S::kConnecting,
                               S::kConnected,    S::kDisconnected, S::kPoll,
                               S::kConnecting,   S::kConnected,  S::kQosAckRemote,
                               S::kDisconnected, S::kDestroying};
  EXPECT_EQ(states, want) << names(states);
}

TEST_F(RealPeers, WsServerKilledDisconnectsThenReconnects) {
  if (env("SS_WS_ECHO_PY").empty()) GTEST_SKIP() << "ws echo not started";
  const std::string dir = env("TEST_TMPDIR").empty() ? "/tmp" : env("TEST_TMPDIR");
  const std::vector<std::string> argv = {"/usr/bin/python3", env("SS_WS_ECHO_PY"),
                                         dir + "/killed_ws.port", std::to_string(kill_port_)};
  auto peer = std::make_unique<Child>(argv);
  ASSERT_TRUE(wait_listening(kill_port_));
  Client c;
  c.message = "echo me on every connection";
  c.resend_each_connection = true;
  StreamHandle* handle = nullptr;
  bool killed = false;
  auto h = c.handlers();
  auto rx = h.rx;
  h.rx = [&, rx](std::span<const std::uint8_t> b, std::uint32_t flags) {
    Ret r = rx(b, flags);
    if (!killed && c.got.size() >= c.message.size()) {
      killed = true;
      peer->kill();
    }
    return r;
  };
  auto st = h.state;
  h.state = [&, st](S s, std::uint32_t ack) {
    Ret r = st(s, ack);
    if (s == S::kConnected && handle) handle->request_tx();
    if (s == S::kDisconnected && killed && !peer->running()) {
      peer = std::make_unique<Child>(argv);
      EXPECT_TRUE(wait_listening(kill_port_));
    }
    return r;
  };
  auto s = stack_->ctx().create("killed_ws", std::move(h));
  ASSERT_TRUE(s.ok()) << s.error().message();
  handle = &*s;
  s->request_tx();
  EXPECT_TRUE(stack_->run_until([&] { return c.got.size() >= 2 * c.message.size(); }, seconds(15)))
      << names(c.states);
  handle = nullptr;
  s->reset();
  stack_->run_for(millis(20));
  EXPECT_EQ(c.got, c.message + c.message);
  const std::vector<S> want = {S::kCreating,     S::kPoll,       S::kConnecting,
                               S::kConnected,    S::kDisconnected, S::kPoll,
                               S::kConnecting,   S::kConnected,  S::kDisconnected,
                               S::kDestroying};
  EXPECT_EQ(c.states, want) << names(c.states);
}

}  // namespace
}  // namespace ss::itest
