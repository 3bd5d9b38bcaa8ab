#include "runtime/stream/connection_pool.h"

#include <algorithm>
#include <limits>

namespace ss::stream {

// One idle connection. While parked it is the relay's target: anything the
// peer does now (bytes, close) ends it.
struct ConnectionPool::Idle final : ConnectionHandler {
  ConnectionPool* pool = nullptr;
  std::string key;
  Link link;
  TimerId timer;
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
  raw->link.relay->set_target(raw);
  std::weak_ptr<bool> alive = alive_;
  raw->timer = loop_.after(idle_timeout_, [this, alive, raw] {
    if (alive.expired()) return;
    raw->timer = {};
    erase(raw->key, raw->seq);
  });
  idle_[key].push_back(std::move(idle));
  ++total_;
}

std::optional<Link> ConnectionPool::take(const std::string& key) {
  auto it = idle_.find(key);
  if (it == idle_.end()) return std::nullopt;
  auto& q = it->second;
  while (!q.empty()) {
    std::unique_ptr<Idle> idle = std::move(q.front());
    q.pop_front();
    --total_;
    if (idle->timer) loop_.cancel(idle->timer);
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
      if (idle->timer) loop_.cancel(idle->timer);
      idle->link.relay->set_target(nullptr);
      idle->link.conn.reset();
    }
  }
  idle_.clear();
  total_ = 0;
}

void ConnectionPool::drop(Idle* idle) {
  if (idle->dead) return;
  idle->dead = true;
  idle->link.relay->set_target(nullptr);
  if (idle->timer) loop_.cancel(idle->timer);
  idle->timer = {};
  // Not inline: we are inside the connection's own callback.
  // By (key, seq), never by pointer: take() may have freed `idle` by then.
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
  if (owned->timer) loop_.cancel(owned->timer);
  owned->link.relay->set_target(nullptr);
  owned->link.conn.reset();  // close(): silent
}

void ConnectionPool::evict_oldest() {
  Idle* oldest = nullptr;
  std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
  for (auto& [key, q] : idle_) {
    if (!q.empty() && q.front()->seq < best) {
      best = q.front()->seq;
      oldest = q.front().get();
    }
  }
  if (oldest) erase(oldest->key, oldest->seq);
}

}  // namespace ss::stream
