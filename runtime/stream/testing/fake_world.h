// FakeWorld: a tiny deterministic Loop + Net for the engine's unit and
// property tests (the full simulator lives in sim/). Hosts behave by mode:
// echo server, refuse, blackhole (connect times out), NXDOMAIN, or a silent
// acceptor. Tests can push bytes from the peer, reset or close from the
// peer side, and count live connections and timers for leak checks.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"

namespace ss::stream::testing {

class FakeLoop final : public Loop {
 public:
  Micros now() const override { return now_; }
  void post(Task task) override { at(now_, std::move(task)); }
  using Loop::at;  // the labelled overload
  TimerId at(Micros deadline, Task task) override {
    if (deadline < now_) deadline = now_;
    TimerId id{++next_id_};
    queue_.emplace(std::make_pair(deadline, id.value), std::move(task));
    return id;
  }
  bool cancel(TimerId id) override {
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
      if (it->first.second == id.value) {
        queue_.erase(it);
        return true;
      }
    }
    return false;
  }
  // Runs the next event; false when idle.
  bool step() {
    if (queue_.empty()) return false;
    auto it = queue_.begin();
    now_ = it->first.first;
    Task t = std::move(it->second);
    queue_.erase(it);
    t();
    return true;
  }
  // Runs events due up to now+d, then sets now to now+d.
  void run_for(Micros d) {
    Micros end = now_ + d;
    while (!queue_.empty() && queue_.begin()->first.first <= end) step();
    now_ = end;
  }
  std::size_t run_until_idle(std::size_t max_events = 100000) {
    std::size_t n = 0;
    while (n < max_events && step()) ++n;
    return n;
  }
  std::size_t pending() const { return queue_.size(); }

 private:
  Micros now_ = 0;
  std::uint64_t next_id_ = 0;
  std::map<std::pair<Micros, std::uint64_t>, Task> queue_;
};

enum class HostMode { kEcho, kSilent, kRefuse, kBlackhole, kNxdomain };

class FakeNet final : public Net {
 public:
  explicit FakeNet(FakeLoop& loop) : loop_(loop) {}

  void set_mode(const std::string& host, HostMode mode) { modes_[host] = mode; }
  Micros latency = millis(1);

  std::unique_ptr<Connection> connect(const Endpoint& to, const ConnectOptions& options,
                                      ConnectionHandler* handler) override;
  Result<std::unique_ptr<Listener>> listen(const Endpoint&, AcceptCallback) override {
    return make_error(ErrorCode::kUnsupported, "FakeNet: no listeners");
  }
  ResolveId resolve(std::string_view, ResolveCallback) override { return {}; }
  bool cancel_resolve(ResolveId) override { return false; }

  // Peer-side actions on the newest live connection (or by id).
  bool peer_send(std::vector<std::uint8_t> bytes);
  bool peer_reset();
  bool peer_close();

  std::size_t live_connections() const;
  std::uint64_t connects() const { return connects_; }
  // When each connect() was called, and every byte handed to on_data().
  std::vector<Micros> connect_times;
  std::vector<std::uint8_t> delivered;
  // Every byte the peer received, per connection id, in order.
  std::map<std::uint64_t, std::vector<std::uint8_t>> received;

  struct Conn;
  Conn* newest_live();

 private:
  friend struct Conn;
  FakeLoop& loop_;
  std::map<std::string, HostMode> modes_;
  std::map<std::uint64_t, Conn*> conns_;  // live (not closed) connections
  std::uint64_t next_id_ = 0;
  std::uint64_t connects_ = 0;
};

}  // namespace ss::stream::testing
