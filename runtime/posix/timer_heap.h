// TimerHeap: the timer store behind EpollLoop.
//
// A 4-ary min-heap of (deadline, id) with lazy cancel. Ids grow by one per
// arm, so ordering by (deadline, id) fires equal deadlines in arming order,
// as loop.h requires. cancel() only drops the task from an id -> task map;
// the dead heap entry is skipped when it reaches the top. When dead entries
// outnumber live ones (and are at least 64), the heap is rebuilt, so an
// arm/cancel churn (the engine cancels a deadline timer per connection
// attempt) keeps at most max(64, live) dead entries around.
//
// Cost: arm O(log4 n), cancel O(1) amortized, pop O(log4 n). A 4-ary heap
// keeps the tree half as deep as a binary one and its children on one cache
// line, which is what makes 100k timers cheap (bench/loop_bench.cc).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

#include "runtime/core/loop.h"
#include "runtime/core/time.h"

namespace ss::posix {

class TimerHeap {
 public:
  using Task = Loop::Task;

  // Arms a timer; ids start at 1 and grow by one.
  TimerId arm(Micros deadline, Task task);

  // True if the timer was armed and is now disarmed.
  bool cancel(TimerId id);

  // Earliest live deadline, if any timer is armed.
  std::optional<Micros> next_deadline();

  // Removes and returns the task of the earliest live timer if its deadline
  // is <= now and its id is < id_limit (so timers armed while firing a batch
  // wait for the next batch). Empty when none qualifies.
  std::optional<Task> pop_due(Micros now, std::uint64_t id_limit);

  // The id the next arm() will return.
  std::uint64_t next_id() const { return next_id_; }

  std::size_t live() const { return tasks_.size(); }
  std::size_t heap_size() const { return heap_.size(); }

 private:
  struct Entry {
    Micros deadline;
    std::uint64_t id;
  };
  static bool before(const Entry& a, const Entry& b) {
    return a.deadline != b.deadline ? a.deadline < b.deadline : a.id < b.id;
  }
  void push(Entry e);
  void pop_top();
  void sift_down(std::size_t i);
  void drop_dead_top();
  void maybe_compact();

  std::vector<Entry> heap_;
  // Looked up by id only; never iterated, so its order cannot leak out.
  std::unordered_map<std::uint64_t, Task> tasks_;
  std::uint64_t next_id_ = 1;
};

}  // namespace ss::posix
