#include "runtime/stream/connection_pool.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "runtime/core/planted.h"

namespace ss::stream {

// One idle connection. While parked it is the relay's target: anything the
// peer does now (bytes, close) ends it.
struct ConnectionPool::Idle final : ConnectionHandler {
  ConnectionPool* pool = nullptr;
  std::string key;
  Link link;
  Micros parked_at = 0;
  std::uint64_t seq = 0;
  bool dead = false;

  void on_data(std::span<const std::uint8_t>) override { pool->drop(this); }
  void on_end(EndReason) override { pool->drop(this); }
};

ConnectionPool::ConnectionPool(Loop& loop, Micros idle_timeout)
    : loop_(loop), idle_timeout_(idle_timeout) {}

ConnectionPool::~ConnectionPool() {
  *alive_ = false;
  clear();
}

void ConnectionPool::park(const std::string& key, Link link) {
  if (!link) return;
  while (total_ >= kMaxIdle || idle_[key].size() >= kMaxIdlePerKey) {
    auto& same = idle_[key];
    if (same.size() >= kMaxIdlePerKey) {
      erase(key, same.front()->seq);
    } else {
      evict_oldest();
    }
  }
  auto idle = std::make_unique<Idle>();
  Idle* raw = idle.get();
  raw->pool = this;
  raw->key = key;
  raw->link = std::move(link);
  raw->seq = next_seq_++;
  raw->parked_at = loop_.now();
  raw->link.relay->set_target(raw);
  idle_[key].push_back(std::move(idle));
  ++total_;
  arm_sweep();
}

std::optional<Link> ConnectionPool::take(const std::string& key) {
  auto it = idle_.find(key);
  if (it == idle_.end()) return std::nullopt;
  auto& q = it->second;
  while (!q.empty()) {
    // Newest first: the least likely to have been given up by the server.
    std::unique_ptr<Idle> idle = std::move(q.back());
    q.pop_back();
    --total_;
    if (idle->dead) {
      // Ended while idle; its posted erase finds nothing. Close it here.
      idle->link.conn.reset();
      continue;
    }
    Link link = std::move(idle->link);
    link.relay->set_target(nullptr);
    if (q.empty()) idle_.erase(it);
    return link;
  }
  idle_.erase(it);
  return std::nullopt;
}

void ConnectionPool::clear() {
  for (auto& [key, q] : idle_) {
    for (auto& idle : q) {
      idle->link.relay->set_target(nullptr);
      idle->link.conn.reset();
    }
  }
  idle_.clear();
  total_ = 0;
  if (sweep_) loop_.cancel(sweep_);
  sweep_ = {};
}

void ConnectionPool::drop(Idle* idle) {
  if (idle->dead) return;
  idle->dead = true;
  idle->link.relay->set_target(nullptr);
  // Not inline: we are inside the connection's own callback. By (key, seq),
  // never by pointer: take() may have freed `idle` by then.
  std::weak_ptr<bool> alive = alive_;
  loop_.post([this, alive, key = idle->key, seq = idle->seq] {
    if (!alive.expired()) erase(key, seq);
  });
}

void ConnectionPool::erase(const std::string& key, std::uint64_t seq) {
  auto it = idle_.find(key);
  if (it == idle_.end()) return;
  auto& q = it->second;
  auto pos = std::find_if(q.begin(), q.end(), [seq](const auto& p) { return p->seq == seq; });
  if (pos == q.end()) return;  // already taken (and closed) by take()
  std::unique_ptr<Idle> owned = std::move(*pos);
  q.erase(pos);
  --total_;
  if (q.empty()) idle_.erase(it);
  owned->link.relay->set_target(nullptr);
  owned->link.conn.reset();  // close(): silent
}

void ConnectionPool::evict_oldest() {
  const Idle* oldest = nullptr;
  for (const auto& [key, q] : idle_) {
    if (!q.empty() && (!oldest || q.front()->seq < oldest->seq)) oldest = q.front().get();
  }
  if (oldest) erase(oldest->key, oldest->seq);
}

// One timer for the whole pool, due when the oldest idle connection times
// out. (Not one per parked connection: reuse would then cancel a timer per
// transaction, and cancelled timers linger as garbage in a timer heap.)
void ConnectionPool::arm_sweep() {
  if (sweep_) return;
  std::optional<Micros> oldest;
  for (const auto& [key, q] : idle_) {
    for (const auto& idle : q) {
      if (!idle->dead && (!oldest || idle->parked_at < *oldest)) oldest = idle->parked_at;
    }
  }
  if (!oldest) return;
  std::weak_ptr<bool> alive = alive_;
  // planted: idle connections kept twice as long as the idle timeout
  const Micros due = *oldest + idle_timeout_ * (SS_PLANTED("pool-idle-late") ? 2 : 1);
  sweep_ = loop_.at(due, [this, alive] {
    if (alive.expired()) return;
    sweep_ = {};
    sweep();
  }, {"pool", 0, "idle sweep"});
}

void ConnectionPool::sweep() {
  const Micros now = loop_.now();
  std::vector<std::pair<std::string, std::uint64_t>> expired;
  for (const auto& [key, q] : idle_) {
    for (const auto& idle : q) {
      if (idle->parked_at + idle_timeout_ <= now) expired.emplace_back(key, idle->seq);
    }
  }
  for (const auto& [key, seq] : expired) erase(key, seq);
  arm_sweep();
}

}  // namespace ss::stream
