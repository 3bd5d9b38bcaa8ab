#include "sim/scheduler.h"

#include <string>

#include "runtime/core/planted.h"
#include "sim/trace.h"

namespace ss::sim {

void Scheduler::post(Task task) { insert(now_, std::move(task), false); }

TimerId Scheduler::at(Micros deadline, Task task) { return insert(deadline, std::move(task), true); }

TimerId Scheduler::insert(Micros deadline, Task task, bool traced) {
  if (deadline < now_) deadline = now_;
  if (SS_PLANTED("sched-early") && traced) deadline -= (deadline - now_) / 16;  // planted: timers fire ~6% early
  const std::uint64_t seq = next_seq_++;
  queue_.emplace(Key{deadline, seq}, Entry{std::move(task), traced});
  deadline_of_.emplace(seq, deadline);
  return TimerId{seq};
}

bool Scheduler::cancel(TimerId id) {
  auto it = deadline_of_.find(id.value);
  if (it == deadline_of_.end()) return false;
  queue_.erase(Key{it->second, it->first});
  deadline_of_.erase(it);
  return true;
}

bool Scheduler::step() {
  if (queue_.empty()) return false;
  auto it = queue_.begin();
  if (swap_tie_at_ != 0) {
    auto second = std::next(it);
    if (second != queue_.end() && second->first.first == it->first.first &&
        ++ties_seen_ == swap_tie_at_) {
      swap_tie_at_ = 0;
      it = second;
    }
  }
  const Key key = it->first;
  Entry entry = std::move(it->second);
  queue_.erase(it);
  deadline_of_.erase(key.second);
  now_ = key.first;
  ++steps_;
  if (entry.traced && trace_ != nullptr) trace_->record(now_, "timer", "id=" + std::to_string(key.second));
  entry.task();
  return true;
}

void Scheduler::advance_to(Micros t) {
  if (!queue_.empty() && t > next_time()) t = next_time();
  if (t > now_) now_ = t;
}

}  // namespace ss::sim
