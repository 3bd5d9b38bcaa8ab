#include "runtime/posix/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "runtime/posix/resolver.h"
#include "runtime/posix/sockaddr.h"

namespace ss::posix {

// Every protocol here writes whole messages and then waits for an answer
// (an h1 request on a kept-alive connection, a ws frame, a proxy frame):
// Nagle's algorithm would hold the second small write of a message for the
// peer's delayed ACK (~40 ms on Linux). Measured: bench/h1_reuse_bench.
void set_no_delay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}


SocketConn::SocketConn(const Env& env, std::uint64_t id, const ConnectOptions& options,
                       ConnectionHandler* handler)
    : env_(env),
      id_(id),
      high_watermark_(options.high_watermark),
      low_watermark_(options.low_watermark),
      handler_(handler),
      allow_half_close_(options.allow_half_close) {}

SocketConn::~SocketConn() { teardown(); }

template <typename F>
void SocketConn::post_self(F f) {
  std::weak_ptr<SocketConn> weak = weak_from_this();
  env_.loop->post([weak, f = std::move(f)]() mutable {
    if (auto self = weak.lock()) f(*self);
  });
}

void SocketConn::start_connect(const Endpoint& to, const ConnectOptions& options) {
  dialing_ = std::make_unique<Dialing>();
  dialing_->target = to;
  dialing_->socket_priority = options.socket_priority;
  dialing_->ip_tos = options.ip_tos;
  if (options.connect_timeout > 0) {
    std::weak_ptr<SocketConn> weak = weak_from_this();
    dialing_->timeout = env_.loop->after(options.connect_timeout, [weak]() {
      auto self = weak.lock();
      if (!self) return;
      if (self->dialing_) self->dialing_->timeout = TimerId{};
      if (self->phase_ == Phase::kResolving || self->phase_ == Phase::kConnecting) {
        self->end(EndReason::kTimedOut);
      }
    }, {"conn", 0, "connect timeout"});
  }
  if (to.kind != Endpoint::Kind::kTcp) {
    phase_ = Phase::kConnecting;
    try_connect();
    return;
  }
  if (is_ip_literal(to.host)) {
    phase_ = Phase::kConnecting;
    dialing_->addrs = {to.host};
    try_connect();
    return;
  }
  std::weak_ptr<SocketConn> weak = weak_from_this();
  dialing_->resolve_id = env_.resolver
                    ->resolve(to.host,
                              [weak](Result<std::vector<std::string>> r) {
                                if (auto self = weak.lock()) self->on_resolved(std::move(r));
                              })
                    .value;
}

void SocketConn::on_resolved(Result<std::vector<std::string>> addrs) {
  if (dialing_) dialing_->resolve_id = 0;
  if (phase_ != Phase::kResolving) return;
  if (!addrs.ok()) {
    end(EndReason::kDnsFailure);
    return;
  }
  dialing_->addrs = std::move(addrs.value());
  phase_ = Phase::kConnecting;
  try_connect();
}

// Tries addresses in order. Synchronous outcomes are posted, so this is safe
// to call from connect() itself.
void SocketConn::try_connect() {
  Dialing& d = *dialing_;
  while (true) {
    SockAddr sa;
    if (d.target.kind == Endpoint::Kind::kTcp) {
      if (d.next_addr >= d.addrs.size()) break;
      auto r = ip_sockaddr(d.addrs[d.next_addr++], d.target.port);
      if (!r.ok()) {
        d.last_err = EINVAL;
        continue;
      }
      sa = r.value();
    } else {
      if (d.next_addr++ > 0) break;  // one address only
      auto r = unix_sockaddr(d.target);
      if (!r.ok()) {
        d.last_err = EINVAL;
        break;
      }
      sa = r.value();
    }
    fd_ = ::socket(sa.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      d.last_err = errno;
      continue;
    }
    if (d.target.kind == Endpoint::Kind::kTcp) {
      set_no_delay(fd_);
      // TOS first: on Linux setting IP_TOS also rewrites SO_PRIORITY from
      // the TOS bits, so an explicit priority must come after it.
      if (d.ip_tos >= 0) {
        if (sa.family() == AF_INET6) {
          ::setsockopt(fd_, IPPROTO_IPV6, IPV6_TCLASS, &d.ip_tos, sizeof(int));
        } else {
          ::setsockopt(fd_, IPPROTO_IP, IP_TOS, &d.ip_tos, sizeof(int));
        }
      }
      if (d.socket_priority >= 0)
        ::setsockopt(fd_, SOL_SOCKET, SO_PRIORITY, &d.socket_priority, sizeof(int));
    }
    // A non-blocking connect interrupted by a signal goes on in the
    // background, like EINPROGRESS. EAGAIN is not "in progress": a unix
    // listener's backlog is full (or no local TCP port is free).
    const int rc = ::connect(fd_, sa.get(), sa.length);
    if (rc == 0 || errno == EINPROGRESS || errno == EINTR) {
      const bool done_now = rc == 0;
      Error w = env_.loop->watch(fd_, done_now ? 0u : EPOLLOUT, io_callback());
      if (w) {
        d.last_err = EMFILE;
        ::close(fd_);
        fd_ = -1;
        continue;
      }
      watched_ = true;
      if (done_now) post_self([](SocketConn& c) {
        if (c.phase_ == Phase::kConnecting) c.on_connect_result(0);
      });
      return;
    }
    d.last_err = errno == EAGAIN ? ECONNREFUSED : errno;
    ::close(fd_);
    fd_ = -1;
  }
  // Nothing left to try.
  end_later(d.last_err == EINVAL ? EndReason::kUnreachable : end_reason_for_errno(d.last_err));
}

void SocketConn::on_connect_result(int err) {
  if (err != 0) {
    dialing_->last_err = err;
    if (watched_) env_.loop->unwatch(fd_);
    watched_ = false;
    ::close(fd_);
    fd_ = -1;
    try_connect();
    return;
  }
  phase_ = Phase::kOpen;
  if (dialing_->timeout) env_.loop->cancel(dialing_->timeout);
  dialing_.reset();
  auto keep = shared_from_this();
  // Writes queued while connecting go out first; an error is reported later.
  const int ferr = flush();
  update_interest();
  if (handler_ != nullptr) handler_->on_connected();
  if (phase_ != Phase::kOpen) return;
  if (ferr != 0) {
    end(end_reason_for_errno(ferr));
    return;
  }
  after_flush();
}

void SocketConn::adopt_accepted(int fd) {
  fd_ = fd;
  phase_ = Phase::kOpen;
  accepted_started_ = false;  // reads nothing (so delivers nothing) until set_handler()
  watch_fd();
}

Endpoint SocketConn::peer() const {
  if (fd_ < 0) return dialing_ ? dialing_->target : Endpoint{};
  SockAddr sa;
  sa.length = sizeof sa.storage;
  if (::getpeername(fd_, sa.get(), &sa.length) != 0) return dialing_ ? dialing_->target : Endpoint{};
  if (sa.family() == AF_UNIX && sa.length <= offsetof(sockaddr_un, sun_path)) {
    // An unnamed unix peer (the client end of an accepted connection) is
    // known by the listener's address, as the client knows the listener.
    sa.length = sizeof sa.storage;
    if (::getsockname(fd_, sa.get(), &sa.length) != 0) return Endpoint{};
  }
  return to_endpoint(sa);
}

// A raw `this`, not a weak_ptr: the watch never outlives the connection
// (teardown() unwatches, and the destructor tears down), and a pointer fits
// in the std::function itself where a weak_ptr costs a heap block per
// connection (docs/benchmarks.md, "Heap per idle raw stream").
EpollLoop::FdCallback SocketConn::io_callback() {
  return [this](std::uint32_t ev) { on_io(ev); };
}

void SocketConn::watch_fd() {
  if (!env_.loop->watch(fd_, 0, io_callback())) {
    watched_ = true;
  }
  update_interest();
}

void SocketConn::set_handler(ConnectionHandler* handler) {
  handler_ = handler;
  if (accepted_started_) return;
  accepted_started_ = true;
  if (parked_end_) {
    post_self([](SocketConn& c) {
      ConnectionHandler* h = c.handler_;
      c.handler_ = nullptr;
      if (h != nullptr && c.parked_end_) h->on_end(*c.parked_end_);
    });
    return;
  }
  if (phase_ != Phase::kOpen) return;
  if (!watched_) {
    watch_fd();  // it was parked after an error/hangup; epoll reports it again
  } else {
    update_interest();
  }
}

void SocketConn::pause_reading(bool paused) {
  if (read_paused_ == paused) return;
  read_paused_ = paused;
  if (phase_ != Phase::kOpen) return;
  if (!paused && !watched_ && accepted_started_) {
    watch_fd();  // parked on a hangup while paused: epoll reports it again
    return;
  }
  update_interest();
}

void SocketConn::update_interest() {
  if (!watched_ || phase_ != Phase::kOpen) return;
  if (read_closed_ && shut_done_) {
    // Both directions are over: epoll would report HUP forever. Go quiet
    // until close().
    env_.loop->unwatch(fd_);
    watched_ = false;
    return;
  }
  std::uint32_t ev = 0;
  if (!read_closed_ && accepted_started_ && !read_paused_) ev |= EPOLLIN;
  if (buffered() > 0) ev |= EPOLLOUT;
  env_.loop->modify(fd_, ev);
}

void SocketConn::on_io(std::uint32_t events) {
  auto keep = shared_from_this();
  if (phase_ == Phase::kConnecting) {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err == 0 && (events & (EPOLLERR | EPOLLHUP)) != 0) err = ECONNREFUSED;
    on_connect_result(err);
    return;
  }
  if (phase_ != Phase::kOpen) return;
  if (read_paused_ && (events & EPOLLERR) == 0 && (events & EPOLLHUP) != 0) {
    // Paused: the hangup (with its last bytes) waits for pause_reading(false).
    // HUP cannot be masked, so stop watching until then.
    env_.loop->unwatch(fd_);
    watched_ = false;
    return;
  }
  if (!accepted_started_ && (events & (EPOLLERR | EPOLLHUP)) != 0) {
    // No handler yet: park the fd (HUP/ERR are level-triggered and cannot be
    // masked) until set_handler() watches it again and the end is delivered.
    env_.loop->unwatch(fd_);
    watched_ = false;
    return;
  }
  if ((events & EPOLLERR) != 0) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    end(end_reason_for_errno(err == 0 ? ECONNRESET : err));
    return;
  }
  if (!read_closed_ && !read_paused_ && (events & (EPOLLIN | EPOLLHUP)) != 0) {
    do_read();
    if (phase_ != Phase::kOpen) return;
  }
  if ((events & EPOLLHUP) != 0 && read_closed_ && !shut_done_) {
    // Peer is gone in both directions while we still may write: a reset.
    end(EndReason::kReset);
    return;
  }
  if ((events & EPOLLOUT) != 0) {
    const int err = flush();
    if (err != 0) {
      end(end_reason_for_errno(err));
      return;
    }
    after_flush();
  }
}

void SocketConn::do_read() {
  const std::span<std::uint8_t> buf = env_.read_buffer;
  for (int i = 0; i < env_.max_reads_per_event; ++i) {
    const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n > 0) {
      if (handler_ != nullptr) {
        handler_->on_data(std::span<const std::uint8_t>(buf.data(), static_cast<std::size_t>(n)));
      }
      if (phase_ != Phase::kOpen || read_paused_) return;
      if (static_cast<std::size_t>(n) < buf.size()) return;
      continue;
    }
    if (n == 0) {
      if (!allow_half_close_) {
        end(EndReason::kClosedByPeer);
        return;
      }
      read_closed_ = true;
      update_interest();
      if (handler_ != nullptr) handler_->on_read_closed();
      return;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    end(end_reason_for_errno(errno));
    return;
  }
}

int SocketConn::flush() {
  if (fd_ < 0 || phase_ != Phase::kOpen) return 0;
  while (buffered() > 0) {
    const ssize_t n = ::send(fd_, out_.data() + out_off_, buffered(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      out_off_ += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    return n < 0 ? errno : EPIPE;
  }
  if (out_off_ == out_.size()) {
    out_.clear();
    out_off_ = 0;
  } else if (out_off_ > out_.size() / 2) {
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_off_));
    out_off_ = 0;
  }
  if (buffered() == 0 && shut_requested_ && !shut_done_) {
    ::shutdown(fd_, SHUT_WR);
    shut_done_ = true;
  }
  return 0;
}

// Loop context only: may call the handler.
void SocketConn::after_flush() {
  update_interest();
  if (want_writable_ && drained()) {
    want_writable_ = false;
    if (handler_ != nullptr) handler_->on_writable();
  }
}

bool SocketConn::write(std::span<const std::uint8_t> bytes) {
  if (phase_ == Phase::kDone || shut_requested_) return false;
  out_.insert(out_.end(), bytes.begin(), bytes.end());
  if (phase_ == Phase::kOpen) {
    const int err = flush();
    if (err != 0) {
      end_later(end_reason_for_errno(err));
    } else {
      update_interest();
    }
  }
  if (buffered() >= high_watermark_) {
    want_writable_ = true;
    return false;
  }
  if (want_writable_ && drained()) {
    // Drained inside write(): still owe the on_writable(), from the loop.
    post_self([](SocketConn& c) {
      if (c.phase_ == Phase::kOpen) c.after_flush();
    });
  }
  return true;
}

void SocketConn::shutdown_write() {
  if (phase_ == Phase::kDone || shut_requested_) return;
  shut_requested_ = true;
  if (phase_ == Phase::kOpen && buffered() == 0) {
    ::shutdown(fd_, SHUT_WR);
    shut_done_ = true;
    update_interest();
  }
}

void SocketConn::end(EndReason reason) {
  if (phase_ == Phase::kDone) return;
  teardown();
  if (!accepted_started_) {
    parked_end_ = reason;  // delivered once set_handler() is called
    return;
  }
  ConnectionHandler* h = handler_;
  handler_ = nullptr;
  if (h != nullptr) h->on_end(reason);
}

void SocketConn::end_later(EndReason reason) {
  post_self([reason](SocketConn& c) { c.end(reason); });
}

void SocketConn::close() {
  if (phase_ == Phase::kOpen && fd_ >= 0) {
    flush();  // best effort: whatever the kernel takes now
    if (shut_requested_ && !shut_done_ && buffered() == 0) ::shutdown(fd_, SHUT_WR);
  }
  teardown();
  handler_ = nullptr;
}

void SocketConn::teardown() {
  phase_ = Phase::kDone;
  if (dialing_) {
    if (dialing_->timeout) env_.loop->cancel(dialing_->timeout);
    dialing_->timeout = TimerId{};
    if (dialing_->resolve_id != 0) env_.resolver->cancel(ResolveId{dialing_->resolve_id});
    dialing_->resolve_id = 0;
  }
  if (watched_) env_.loop->unwatch(fd_);
  watched_ = false;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  out_.clear();
  out_off_ = 0;
}

// A unix peer is known by its credentials (SO_PEERCRED), so limits follow
// the client process, not the shared socket name.
std::string SocketConnection::peer_identity() const {
  const int fd = core_->native_fd();
  if (fd >= 0 && core_->peer().kind != Endpoint::Kind::kTcp) {
    struct ucred cred {};
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
      return "uid:" + std::to_string(cred.uid) + " pid:" + std::to_string(cred.pid);
  }
  return Connection::peer_identity();
}

}  // namespace ss::posix
