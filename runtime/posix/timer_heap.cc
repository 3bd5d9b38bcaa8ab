#include "runtime/posix/timer_heap.h"

#include <utility>

namespace ss::posix {

namespace {
constexpr std::size_t kArity = 4;
// Rebuild once the garbage is worth a pass (amortized O(1) per cancel) but
// before it shows up as memory (the hygiene test measures heap in use).
constexpr std::size_t kCompactMin = 64;
}  // namespace

TimerId TimerHeap::arm(Micros deadline, Task task) {
  const std::uint64_t id = next_id_++;
  tasks_.emplace(id, std::move(task));
  push(Entry{deadline, id});
  return TimerId{id};
}

bool TimerHeap::cancel(TimerId id) {
  if (tasks_.erase(id.value) == 0) return false;
  maybe_compact();
  return true;
}

std::optional<Micros> TimerHeap::next_deadline() {
  drop_dead_top();
  if (heap_.empty()) return std::nullopt;
  return heap_.front().deadline;
}

std::optional<TimerHeap::Task> TimerHeap::pop_due(Micros now, std::uint64_t id_limit) {
  drop_dead_top();
  if (heap_.empty()) return std::nullopt;
  const Entry top = heap_.front();
  if (top.deadline > now || top.id >= id_limit) return std::nullopt;
  pop_top();
  auto it = tasks_.find(top.id);
  Task task = std::move(it->second);
  tasks_.erase(it);
  return task;
}

void TimerHeap::push(Entry e) {
  std::size_t i = heap_.size();
  heap_.push_back(e);
  while (i > 0) {
    const std::size_t parent = (i - 1) / kArity;
    if (!before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void TimerHeap::pop_top() {
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0);
}

void TimerHeap::sift_down(std::size_t i) {
  const std::size_t n = heap_.size();
  const Entry e = heap_[i];
  for (;;) {
    const std::size_t first = i * kArity + 1;
    if (first >= n) break;
    std::size_t best = first;
    const std::size_t last = first + kArity < n ? first + kArity : n;
    for (std::size_t c = first + 1; c < last; ++c) {
      if (before(heap_[c], heap_[best])) best = c;
    }
    if (!before(heap_[best], e)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = e;
}

void TimerHeap::drop_dead_top() {
  while (!heap_.empty() && tasks_.count(heap_.front().id) == 0) pop_top();
}

void TimerHeap::maybe_compact() {
  const std::size_t dead = heap_.size() - tasks_.size();
  if (dead < kCompactMin || dead <= tasks_.size()) return;
  std::vector<Entry> live;
  live.reserve(tasks_.size());
  for (const Entry& e : heap_) {
    if (tasks_.count(e.id) != 0) live.push_back(e);
  }
  heap_ = std::move(live);
  // A burst of timers (a connect timeout per new connection) leaves the
  // task table with a bucket array sized for it; give it back once the
  // table is mostly empty (docs/benchmarks.md, "Heap per idle raw stream").
  if (tasks_.bucket_count() > 4 * (tasks_.size() + kCompactMin)) tasks_.rehash(0);
  // Floyd's bottom-up build.
  if (heap_.size() > 1) {
    for (std::size_t i = (heap_.size() - 2) / kArity + 1; i-- > 0;) sift_down(i);
  }
}

}  // namespace ss::posix
