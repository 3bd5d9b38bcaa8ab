// Scheduler: the simulated ss::Loop. Virtual time, one queue ordered by
// (time, insertion sequence).
//
// Contract (runtime/core/loop.h), and how it holds here:
//   - never inline: post/at only insert into the queue; work runs from step();
//   - FIFO post: a post is an entry at (now, next sequence);
//   - equal deadlines fire in arming order: the sequence breaks ties;
//   - never early: time jumps forward to the entry's time before it runs;
//     a past deadline is clamped to now (fires on a later turn);
//   - cancel removes the entry; true only if it was still queued.
// Internal work of the simulator (packet deliveries, fault timers) goes
// through the same queue with `traced = false`; timers armed through the
// Loop interface are traced ("timer" events) when they fire, with their
// TimerLabel: "timer ss3 retry id=41", or "timer id=41" for an unlabelled
// timer (docs/sim.md, "The trace").
//
// Perturbation (for the trace-hash test only): swap_tie(n) makes the n-th
// step (1-based) that finds two entries at the same time run the second one
// first; swap_next_tie() is swap_tie(1).
#pragma once

#include <cstdint>
#include <map>
#include <utility>

#include "runtime/core/loop.h"

namespace ss::sim {

class Trace;

class Scheduler final : public Loop {
 public:
  explicit Scheduler(Trace* trace = nullptr) : trace_(trace) {}

  Micros now() const override { return now_; }
  void post(Task task) override;
  using Loop::at;  // the labelled overload
  TimerId at(Micros deadline, Task task) override;
  bool cancel(TimerId id) override;

  // Internal (untraced) work of the simulator.
  TimerId schedule(Micros deadline, Task task) { return insert(deadline, std::move(task), false); }
  void schedule_now(Task task) { insert(now_, std::move(task), false); }

  // Runs the earliest entry; false when the queue is empty.
  bool step();
  // Time of the earliest entry (only when !idle()).
  Micros next_time() const { return queue_.begin()->first.first; }
  bool idle() const { return queue_.empty(); }
  std::size_t pending() const { return queue_.size(); }
  std::uint64_t steps() const { return steps_; }

  // Moves the clock forward without running anything (never backwards, never
  // past a queued entry).
  void advance_to(Micros t);

  void swap_next_tie() { swap_tie(1); }
  void swap_tie(std::uint64_t n) {
    swap_tie_at_ = n;
    ties_seen_ = 0;
  }

 private:
  struct Entry {
    Task task;
    bool traced = false;
    TimerLabel label;
  };
  using Key = std::pair<Micros, std::uint64_t>;

  TimerId at_labelled(Micros deadline, Task task, TimerLabel label) override;
  TimerId insert(Micros deadline, Task task, bool traced, TimerLabel label = {});

  Trace* trace_;
  Micros now_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t steps_ = 0;
  std::uint64_t swap_tie_at_ = 0;  // 0 = off
  std::uint64_t ties_seen_ = 0;
  std::map<Key, Entry> queue_;
  std::map<std::uint64_t, Micros> deadline_of_;  // sequence (= TimerId) -> time
};

}  // namespace ss::sim
