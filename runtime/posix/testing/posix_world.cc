// The posix backend of the conformance suite: EpollLoop + one PosixNet on
// loopback (client and server share it).
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/core/testing/world.h"
#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/posix_net.h"
#include "runtime/posix/sockaddr.h"

namespace ss::testing {
namespace {

class PosixWorld final : public ConformanceWorld {
 public:
  PosixWorld() : net_(loop_) {}

  Loop& loop() override { return loop_; }
  Net& client() override { return net_; }
  Net& server() override { return net_; }
  Endpoint tcp_listen_at() override { return Endpoint::tcp("127.0.0.1", 0); }
  Endpoint reachable(const Endpoint& local) override { return local; }

  Endpoint refused_endpoint() override {
    // Bind a port and release it: nothing listens there right after.
    auto sa = posix::ip_sockaddr("127.0.0.1", 0);
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ::bind(fd, sa->get(), sa->length);
    posix::SockAddr bound;
    bound.length = sizeof bound.storage;
    getsockname(fd, bound.get(), &bound.length);
    ::close(fd);
    return posix::to_endpoint(bound);
  }

  std::string unix_path(std::string_view tag) override {
    // /tmp, not TEST_TMPDIR: Bazel's sandbox paths exceed sun_path (108).
    std::string path = "/tmp/ss-" + nonce_ + "-" + std::to_string(++counter_) + "-" +
                       std::string(tag) + ".sock";
    ::unlink(path.c_str());
    return path;
  }
  std::string abstract_name(std::string_view tag) override {
    return "ss-conformance-" + nonce_ + "-" + std::to_string(++counter_) + "-" + std::string(tag);
  }
  std::string nxdomain_name() override { return "no-such-host.invalid"; }

  // A listener with backlog 0 that never accepts, its queue filled by raw
  // connects: Linux then drops further SYNs, so a connect hangs.
  std::optional<Endpoint> blackhole_endpoint() override {
    auto sa = posix::ip_sockaddr("127.0.0.1", 0);
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    fds_.push_back(fd);
    if (::bind(fd, sa->get(), sa->length) != 0 || ::listen(fd, 0) != 0) return std::nullopt;
    posix::SockAddr bound;
    bound.length = sizeof bound.storage;
    getsockname(fd, bound.get(), &bound.length);
    for (int i = 0; i < 4; ++i) {
      const int c = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      fds_.push_back(c);
      ::connect(c, bound.get(), bound.length);
    }
    return posix::to_endpoint(bound);
  }
  ~PosixWorld() override {
    for (int fd : fds_) ::close(fd);
  }

  bool run_until(const std::function<bool()>& done, Micros budget) override {
    const Micros end = loop_.now() + budget;
    while (!done()) {
      if (loop_.now() >= end) return false;
      loop_.run_once(millis(10));
    }
    return true;
  }
  void run_for(Micros span) override {
    const Micros end = loop_.now() + span;
    while (loop_.now() < end) loop_.run_once(end - loop_.now());
  }

 private:
  posix::EpollLoop loop_;
  posix::PosixNet net_;
  int counter_ = 0;
  // Names must not collide across concurrent test processes, and Bazel's
  // sandbox gives each the same pid (own pid namespace, shared network
  // namespace for abstract sockets): a random nonce instead.
  std::string nonce_ = std::to_string(posix::os_random_seed());
  std::vector<int> fds_;  // blackhole listener and its queue fillers
};

}  // namespace

std::unique_ptr<ConformanceWorld> make_conformance_world() {
  return std::make_unique<PosixWorld>();
}

}  // namespace ss::testing
