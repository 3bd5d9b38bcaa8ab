#include "runtime/bind/h2/h2_connection.h"

#include <algorithm>

#include "runtime/core/planted.h"

namespace ss::proto::h2 {

H2Connection::H2Connection(Loop& loop, std::string key, std::weak_ptr<H2Registry> registry,
                           const policy::RetryPolicy* retry)
    : loop_(loop), key_(std::move(key)), registry_(std::move(registry)) {
  if (retry) {
    ping_after_ = seconds(retry->secs_since_valid_ping);
    // planted: svalidhup dropped, a silent connection is never ended
    hangup_after_ = SS_PLANTED("h2-hangup-ignored") ? 0 : seconds(retry->secs_since_valid_hangup);
  }
}

H2Connection::~H2Connection() {
  if (timer_) loop_.cancel(timer_);
  if (idle_timer_) loop_.cancel(idle_timer_);
  if (link_.relay) link_.relay->set_target(nullptr);
  if (link_.conn) link_.conn->close();
}

void H2Connection::join(Member* m) {
  members_.push_back(m);
  if (idle_timer_) loop_.cancel(idle_timer_);
  idle_timer_ = {};
}

void H2Connection::leave(Member* m) {
  std::erase(members_, m);
  for (auto it = streams_.begin(); it != streams_.end();) {
    if (it->second != m) {
      ++it;
      continue;
    }
    if (!over_) core_.reset_stream(it->first, kCancel);  // the user is done with it
    it = streams_.erase(it);
  }
  if (!over_) flush();
  maybe_idle();
}

void H2Connection::bind_stream(std::int32_t id, Member* m) { streams_[id] = m; }

void H2Connection::adopt(stream::Link link) {
  link_ = std::move(link);
  link_.relay->set_target(this);
  up_ = true;
  last_valid_ = loop_.now();
  flush();  // the preface
  arm_timers();
  // Members that came while the wire was being made; each opens its stream
  // (a member may leave meanwhile: walk a copy, check it is still here).
  auto self = shared_from_this();
  const std::vector<Member*> waiting = members_;
  for (Member* m : waiting) {
    if (over_) return;
    if (std::find(members_.begin(), members_.end(), m) != members_.end()) m->on_wire_up();
  }
}

void H2Connection::opener_failed(EndReason reason) {
  if (!up_) end(reason, "");
}

void H2Connection::flush() {
  if (!link_.conn || over_) return;
  std::vector<std::uint8_t> out;
  core_.take_output(out);
  if (!out.empty()) writable_ = link_.conn->write(out);
}

void H2Connection::on_data(std::span<const std::uint8_t> bytes) {
  if (over_) return;
  auto self = shared_from_this();  // a member's callback may drop the last other reference
  const bool ping_outstanding = last_ping_ >= last_valid_;
  last_valid_ = loop_.now();
  if (!timer_ || ping_outstanding) arm_timers();  // the next PING is due ping_after from now
  Error e = core_.receive_data(bytes);
  dispatch();
  if (e) return end(EndReason::kReset, e.message());
  flush();
  if (core_.closed()) return end(EndReason::kClosedByPeer, "");
  // Window updates may have come: members with body left try again.
  const std::vector<Member*> all = members_;
  for (Member* m : all) {
    if (over_) return;
    if (std::find(members_.begin(), members_.end(), m) != members_.end()) m->on_wire_room();
  }
}

void H2Connection::on_writable() {
  if (over_) return;
  auto self = shared_from_this();
  writable_ = true;
  flush();
  const std::vector<Member*> all = members_;
  for (Member* m : all) {
    if (over_) return;
    if (std::find(members_.begin(), members_.end(), m) != members_.end()) m->on_wire_room();
  }
}

void H2Connection::on_end(EndReason reason) {
  if (over_) return;
  auto self = shared_from_this();
  end(reason, "");
}

void H2Connection::dispatch() {
  while (auto e = core_.next_event()) {
    if (std::holds_alternative<GoAwayEvent>(*e)) {
      forget_me();  // no new members; the refused streams' ClosedEvents follow
      continue;
    }
    if (std::holds_alternative<PingAckEvent>(*e)) continue;  // last_valid_ is already now
    std::int32_t id = std::visit(
        [](const auto& ev) -> std::int32_t {
          if constexpr (requires { ev.stream; }) {
            return ev.stream;
          } else {
            return 0;
          }
        },
        *e);
    auto it = streams_.find(id);
    if (it == streams_.end()) continue;  // a stream whose member left
    Member* m = it->second;
    if (std::holds_alternative<ClosedEvent>(*e)) streams_.erase(it);
    m->on_stream_event(std::move(*e));
    if (over_) return;
  }
  maybe_idle();
}

void H2Connection::end(EndReason reason, const std::string& error) {
  if (over_) return;
  over_ = true;
  end_reason_ = reason;
  forget_me();
  if (timer_) loop_.cancel(timer_);
  timer_ = {};
  if (idle_timer_) loop_.cancel(idle_timer_);
  idle_timer_ = {};
  if (link_.conn) {
    if (!error.empty()) {  // the GOAWAY the core queued for the error, best effort
      std::vector<std::uint8_t> out;
      core_.take_output(out);
      if (!out.empty()) link_.conn->write(out);
    }
    link_.relay->set_target(nullptr);
    link_.conn->close();
  }
  streams_.clear();
  const std::vector<Member*> all = std::move(members_);
  members_.clear();
  for (Member* m : all) m->on_wire_end(reason, error);
}

void H2Connection::forget_me() {
  if (auto r = registry_.lock()) r->forget(this);
}

void H2Connection::maybe_idle() {
  if (over_ || !members_.empty() || idle_timer_) return;
  if (core_.goaway_received() || !up_) {
    // Nothing more can use it. Ended from the loop: we may be inside a
    // member's call.
    std::weak_ptr<H2Connection> weak = weak_from_this();
    loop_.post([weak] {
      if (auto c = weak.lock(); c && c->members_.empty()) c->end(EndReason::kClosedLocally, "");
    });
    return;
  }
  std::weak_ptr<H2Connection> weak = weak_from_this();
  idle_timer_ = loop_.after(kIdleTimeout, [weak] {
    auto c = weak.lock();
    if (!c) return;
    c->idle_timer_ = {};
    if (c->members_.empty()) {
      c->core_.shutdown();
      c->flush();
      c->end(EndReason::kClosedLocally, "");
    }
  }, {"h2", 0, "idle"});
}

// svalidping / svalidhup (docs/secure-streams.md §1.4): a PING after
// ping_after with nothing from the server, hang up after hangup_after.
void H2Connection::arm_timers() {
  if (timer_) loop_.cancel(timer_);
  timer_ = {};
  if (over_ || (!ping_after_ && !hangup_after_)) return;
  Micros due = INT64_MAX;
  if (ping_after_ && last_ping_ < last_valid_) due = std::min(due, last_valid_ + ping_after_);
  if (hangup_after_) due = std::min(due, last_valid_ + hangup_after_);
  if (due == INT64_MAX) return;
  std::weak_ptr<H2Connection> weak = weak_from_this();
  timer_ = loop_.at(due, [weak] {
    if (auto c = weak.lock()) {
      c->timer_ = {};
      c->on_timer();
    }
  }, {"h2", 0, "validity"});
}

void H2Connection::on_timer() {
  if (over_) return;
  const Micros now = loop_.now();
  if (hangup_after_ && now - last_valid_ >= hangup_after_) {
    return end(EndReason::kTimedOut, "");
  }
  if (ping_after_ && last_ping_ < last_valid_ && now - last_valid_ >= ping_after_) {
    core_.ping();
    last_ping_ = now;
    flush();
  }
  arm_timers();
}

std::shared_ptr<H2Connection> H2Registry::find(const std::string& key) const {
  auto it = live_.find(key);
  if (it == live_.end() || !it->second->joinable()) return nullptr;
  return it->second;
}

void H2Registry::add(std::shared_ptr<H2Connection> c) { live_[c->key()] = std::move(c); }

// Callers hold their own reference (every entry point of H2Connection
// keeps `self`), so erasing the registry's cannot free `c` under them.
void H2Registry::forget(const H2Connection* c) {
  auto it = live_.find(c->key());
  if (it != live_.end() && it->second.get() == c) live_.erase(it);
}

H2Registry::~H2Registry() = default;

}  // namespace ss::proto::h2
