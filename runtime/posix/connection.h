// SocketConn: one PosixNet stream connection (TCP or unix) on EpollLoop.
//
// Phases: resolving -> connecting -> open -> done. "done" is reached by
// end() (which runs on_end once, last) or close() (silent). The user's
// Connection (SocketConnection) holds the only owning pointer; loop
// callbacks hold weak pointers and re-check the phase after every user
// callback, because a callback may close or destroy the connection.
//
// Callbacks never run inline: work that a user call discovers (a connect
// that succeeds or fails at once, a send error inside write()) is posted.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/core/net.h"
#include "runtime/posix/epoll_loop.h"

namespace ss::posix {

// TCP_NODELAY on a TCP socket (see connection.cc for why).
void set_no_delay(int fd);

class AresResolver;

class SocketConn : public std::enable_shared_from_this<SocketConn> {
 public:
  // What every connection of one PosixNet shares; the PosixNet owns it and
  // outlives its connections, so each keeps a pointer, not a copy.
  struct Env {
    EpollLoop* loop;
    AresResolver* resolver;
    std::span<std::uint8_t> read_buffer;  // shared: reads never nest
    int max_reads_per_event;
  };

  SocketConn(const Env& env, std::uint64_t id, const ConnectOptions& options,
             ConnectionHandler* handler);
  ~SocketConn();

  // Outgoing: begins resolution/connect (call once, right after make_shared,
  // with the options it was made with: their connect-time parts, the
  // timeout, ToS and priority, are kept only while dialing).
  void start_connect(const Endpoint& to, const ConnectOptions& options);
  // Incoming: adopts an accepted, connected, non-blocking fd.
  void adopt_accepted(int fd);

  void set_handler(ConnectionHandler* handler);
  bool write(std::span<const std::uint8_t> bytes);
  std::size_t buffered() const { return out_.size() - out_off_; }
  void set_write_watermarks(std::size_t high, std::size_t low) {
    high_watermark_ = high;
    low_watermark_ = low;
  }
  void shutdown_write();
  void pause_reading(bool paused);
  void close();
  // Asked of the kernel, not kept (an Endpoint is 80 bytes per connection,
  // docs/benchmarks.md): the address connected to (TCP: the resolved
  // address; unix: the listener's, for both ends). While dialing, the
  // target; once closed, an empty Endpoint.
  Endpoint peer() const;
  std::uint64_t id() const { return id_; }
  int native_fd() const { return fd_; }

 private:
  enum class Phase { kResolving, kConnecting, kOpen, kDone };

  void on_resolved(Result<std::vector<std::string>> addrs);
  void try_connect();
  void on_connect_result(int err);
  void on_io(std::uint32_t events);
  void do_read();
  int flush();  // 0 or errno; never calls the handler
  void after_flush();
  void update_interest();
  // Below the low watermark, or empty (so low_watermark 0 still wakes the
  // writer, as the simulator does).
  bool drained() const { return buffered() < low_watermark_ || buffered() == 0; }
  void watch_fd();
  EpollLoop::FdCallback io_callback();  // what the loop calls when fd_ is ready
  void end(EndReason reason);
  void end_later(EndReason reason);
  void teardown();
  template <typename F>
  void post_self(F f);

  // Words first, then the small state (so that the flags share words).
  const Env& env_;
  std::uint64_t id_;
  // What the connection keeps of its ConnectOptions (the rest is in Dialing).
  std::size_t high_watermark_;
  std::size_t low_watermark_;
  ConnectionHandler* handler_;
  // What only resolving and connecting need; freed once open, so an idle
  // connection does not keep it (docs/benchmarks.md, heap per stream).
  struct Dialing {
    Endpoint target;
    std::vector<std::string> addrs;
    std::size_t next_addr = 0;
    int last_err = 0;
    int socket_priority = -1;  // ConnectOptions', set on each socket tried
    int ip_tos = -1;
    std::uint64_t resolve_id = 0;
    TimerId timeout;  // ConnectOptions::connect_timeout
  };
  std::unique_ptr<Dialing> dialing_;
  std::vector<std::uint8_t> out_;
  std::size_t out_off_ = 0;
  Phase phase_ = Phase::kResolving;
  int fd_ = -1;
  std::optional<EndReason> parked_end_;  // accepted, ended before set_handler
  bool allow_half_close_;         // ConnectOptions::allow_half_close
  bool watched_ = false;
  bool accepted_started_ = true;  // false for accepted until set_handler
  bool want_writable_ = false;
  bool shut_requested_ = false;
  bool shut_done_ = false;
  bool read_closed_ = false;
  bool read_paused_ = false;  // pause_reading(true): EPOLLIN off, reads stop
};

// The user's handle; destroying it is close().
class SocketConnection final : public Connection {
 public:
  explicit SocketConnection(std::shared_ptr<SocketConn> core) : core_(std::move(core)) {}
  ~SocketConnection() override { core_->close(); }
  void set_handler(ConnectionHandler* handler) override { core_->set_handler(handler); }
  bool write(std::span<const std::uint8_t> bytes) override { return core_->write(bytes); }
  using Connection::write;
  std::size_t buffered() const override { return core_->buffered(); }
  void set_write_watermarks(std::size_t high, std::size_t low) override { core_->set_write_watermarks(high, low); }
  void shutdown_write() override { core_->shutdown_write(); }
  void pause_reading(bool paused) override { core_->pause_reading(paused); }
  void close() override { core_->close(); }
  Endpoint peer() const override { return core_->peer(); }
  std::string peer_identity() const override;
  std::uint64_t id() const override { return core_->id(); }
  // The socket (-1 once closed), for tests and diagnostics only.
  int native_fd() const { return core_->native_fd(); }

 private:
  std::shared_ptr<SocketConn> core_;
};

}  // namespace ss::posix
