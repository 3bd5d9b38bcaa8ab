#include "runtime/posix/posix_net.h"

#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "runtime/posix/connection.h"
#include "runtime/posix/sockaddr.h"

namespace ss::posix {

namespace {

// Accepts at most this many connections per readiness event (fairness).
constexpr int kMaxAcceptsPerEvent = 64;
// How long a listener stops accepting after EMFILE/ENFILE/ENOMEM.
constexpr Micros kAcceptPause = millis(100);

class SocketListener final : public Listener {
 public:
  SocketListener(EpollLoop& loop, int fd, Endpoint local, bool unlink_path)
      : loop_(loop), fd_(fd), local_(std::move(local)), unlink_path_(unlink_path) {}
  ~SocketListener() override {
    *alive_ = false;
    if (resume_) loop_.cancel(resume_);
    loop_.unwatch(fd_);
    ::close(fd_);
    if (unlink_path_) ::unlink(local_.path.c_str());
  }
  Endpoint local() const override { return local_; }

  // Out of fds/memory: stop watching for a while instead of spinning.
  void pause_accepting() {
    if (resume_) return;
    loop_.modify(fd_, 0);
    resume_ = loop_.after(kAcceptPause, [this] {
      resume_ = TimerId{};
      loop_.modify(fd_, EPOLLIN);
    }, {"listener", 0, "accept pause"});
  }

  Error start(const SocketConn::Env* env, std::uint64_t* next_id, AcceptCallback on_accept) {
    return loop_.watch(fd_, EPOLLIN, [this, env, next_id, on_accept = std::move(on_accept),
                                      alive = alive_](std::uint32_t) {
      for (int i = 0; i < kMaxAcceptsPerEvent; ++i) {
        SockAddr sa;
        sa.length = sizeof sa.storage;
        const int fd = ::accept4(fd_, sa.get(), &sa.length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
          if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
            pause_accepting();  // level-triggered epoll would spin on it
          }
          return;  // EAGAIN, or a per-connection error (ECONNABORTED...)
        }
        if (local_.kind == Endpoint::Kind::kTcp) set_no_delay(fd);
        auto core = std::make_shared<SocketConn>(*env, (*next_id)++, ConnectOptions{}, nullptr);
        core->adopt_accepted(fd);
        // Copy: on_accept may destroy this listener (and the lambda).
        AcceptCallback cb = on_accept;
        auto still = alive;
        cb(std::make_unique<SocketConnection>(std::move(core)));
        if (!*still) return;
      }
    });
  }

 private:
  EpollLoop& loop_;
  int fd_;
  Endpoint local_;
  bool unlink_path_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  TimerId resume_;
};

Error errno_error(const std::string& what) {
  return make_error(ErrorCode::kIo, what + ": " + std::strerror(errno));
}

}  // namespace

PosixNet::PosixNet(EpollLoop& loop, NetOptions options)
    : loop_(loop),
      options_(options),
      resolver_(loop, options.dns),
      read_buffer_(std::make_unique_for_overwrite<std::uint8_t[]>(std::max<std::size_t>(options.read_chunk, 1))),
      conn_env_{&loop_, &resolver_, {read_buffer_.get(), std::max<std::size_t>(options.read_chunk, 1)},
                options_.max_reads_per_event} {}

PosixNet::~PosixNet() = default;

std::unique_ptr<Connection> PosixNet::connect(const Endpoint& to, const ConnectOptions& options,
                                              ConnectionHandler* handler) {
  auto core = std::make_shared<SocketConn>(conn_env_, next_conn_id_++, options, handler);
  core->start_connect(to, options);
  return std::make_unique<SocketConnection>(std::move(core));
}

Result<std::unique_ptr<Listener>> PosixNet::listen(const Endpoint& at, AcceptCallback on_accept) {
  SockAddr sa;
  const std::string where = to_string(at);
  if (at.kind == Endpoint::Kind::kTcp) {
    const std::string host = at.host.empty() ? "0.0.0.0" : at.host;
    auto r = ip_sockaddr(host, at.port);
    if (!r.ok()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "listen " + where + ": needs an IP literal (" + r.error().message() + ")");
    }
    sa = r.value();
  } else {
    auto r = unix_sockaddr(at);
    if (!r.ok()) return make_error(ErrorCode::kInvalidArgument, "listen " + where + ": " + r.error().message());
    sa = r.value();
  }
  const int fd = ::socket(sa.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_error("listen " + where + ": socket");
  if (at.kind == Endpoint::Kind::kTcp) {
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  }
  if (::bind(fd, sa.get(), sa.length) != 0 || ::listen(fd, options_.listen_backlog) != 0) {
    Error e = errno_error("listen " + where);
    ::close(fd);
    return e;
  }
  Endpoint local = at;
  if (at.kind == Endpoint::Kind::kTcp) {
    SockAddr bound;
    bound.length = sizeof bound.storage;
    if (getsockname(fd, bound.get(), &bound.length) == 0) local = to_endpoint(bound);
  }
  auto listener = std::make_unique<SocketListener>(loop_, fd, local,
                                                   at.kind == Endpoint::Kind::kUnixPath);
  if (Error e = listener->start(&conn_env_, &next_conn_id_, std::move(on_accept))) return e;
  return std::unique_ptr<Listener>(std::move(listener));
}

ResolveId PosixNet::resolve(std::string_view name, ResolveCallback done) {
  return resolver_.resolve(name, std::move(done));
}

bool PosixNet::cancel_resolve(ResolveId id) { return resolver_.cancel(id); }

std::uint64_t os_random_seed() {
  std::uint64_t seed = 0;
  std::size_t got = 0;
  auto* p = reinterpret_cast<unsigned char*>(&seed);
  while (got < sizeof seed) {
    const ssize_t n = getrandom(p + got, sizeof seed - got, 0);
    if (n > 0) got += static_cast<std::size_t>(n);
    // EINTR: retry. getrandom without GRND_NONBLOCK only blocks before the
    // kernel pool is initialised, at early boot.
  }
  return seed;
}

}  // namespace ss::posix
