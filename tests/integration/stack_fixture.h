// Shared pieces of the real-peer tests: the whole runtime on the posix
// backend (EpollLoop + PosixNet + OpenSslTlsProvider + TLS transport) built
// from a policy JSON text, a recording client, and small helpers for the
// peers' environment (tests/integration/peers.sh) and for spawning a peer
// the test kills itself.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "runtime/bind/tls/tls_transport.h"
#include "runtime/include/ss/streams.h"
#include "runtime/policy/certs.h"
#include "runtime/policy/parse.h"
#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/posix_net.h"
#include "runtime/proto/tls/openssl_tls.h"

extern char** environ;

namespace ss::itest {

inline std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

inline std::string file_base64(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> der((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  return policy::encode_base64(der);
}

// A TCP port nothing listens on (bound, then released).
int free_port();

// Number of entries in /proc/self/fd.
int open_fds();

// "CREATING POLL CONNECTING ..." for failure messages.
std::string names(const std::vector<State>& states);

// A peer process the test owns: spawned with posix_spawnp, killed (SIGKILL)
// and reaped by kill() or the destructor, so it never outlives the test.
class Child {
 public:
  explicit Child(std::vector<std::string> argv);
  ~Child() { kill(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  bool running() const { return pid_ > 0; }
  void kill();

 private:
  pid_t pid_ = -1;
};

// Waits (really: a blocking connect loop, up to 5 s) until 127.0.0.1:port
// accepts a connection. Used only to wait for a spawned peer.
bool wait_listening(int port);

// Records states and rx; sends `message` once per connection when asked.
struct Client {
  std::string message;
  bool resend_each_connection = false;
  bool sent = false;
  std::string got;
  std::size_t rx_bytes = 0;
  bool keep_rx = true;
  bool got_eom = false;
  std::vector<State> states;
  std::function<void(std::span<const std::uint8_t>)> on_rx;
  // Set it to the stream's handle: its last_error() at every UNREACHABLE
  // and ALL_RETRIES_FAILED goes to `reasons`.
  const StreamHandle* handle = nullptr;
  std::vector<std::string> reasons;

  Handlers handlers() {
    return Handlers{
        .rx = [this](std::span<const std::uint8_t> b, std::uint32_t flags) {
          rx_bytes += b.size();
          if (keep_rx) got.append(b.begin(), b.end());
          if (on_rx) on_rx(b);
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
          if (handle && (st == State::kUnreachable || st == State::kAllRetriesFailed))
            reasons.push_back(handle->last_error());
          if (st == State::kConnected && resend_each_connection) sent = false;
          return Ret::kOk;
        },
    };
  }
  bool saw(State s) const { return std::find(states.begin(), states.end(), s) != states.end(); }
  std::size_t count(State s) const { return std::count(states.begin(), states.end(), s); }
};

// One StreamContext on the posix backend from a policy text.
class Stack {
 public:
  explicit Stack(const std::string& policy_json);
  ~Stack();

  bool ok() const { return ctx_ != nullptr; }
  const std::string& error() const { return error_; }
  StreamContext& ctx() { return *ctx_; }
  posix::EpollLoop& loop() { return loop_; }
  const std::vector<std::string>& violations() const { return violations_; }
  // The engine's log lines (Hooks::log), in order.
  const std::vector<std::string>& logs() const { return logs_; }

  // Runs the loop until done() or the budget (loop time) runs out.
  bool run_until(const std::function<bool()>& done, Micros budget = seconds(10));
  // Runs the loop for `span` of loop time.
  void run_for(Micros span);

 private:
  posix::EpollLoop loop_;
  posix::PosixNet net_{loop_};
  proto::OpenSslTlsProvider tls_;
  std::unique_ptr<StreamContext> ctx_;
  std::vector<std::string> violations_;
  std::vector<std::string> logs_;
  std::string error_;
};

}  // namespace ss::itest
