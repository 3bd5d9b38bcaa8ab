// Loop: the clock and the scheduler every part of the runtime runs on.
//
// Overview
//   A Loop is single-threaded. It owns "now", runs posted work and fires
//   timers. The production Loop (runtime/posix) runs on epoll and
//   CLOCK_MONOTONIC; the simulated Loop (sim/) runs on virtual time, ordered
//   by time and then by insertion order, so a run is a pure function of its
//   seed.
//
// Time
//   now() is microseconds of a monotonic clock (time.h). It never goes
//   backwards. Nothing in runtime/ may read any other clock.
//
// Callbacks
//   - post() and at() never run their callback inline: it runs later, from
//     the loop, on the loop's thread.
//   - Each callback runs at most once. A timer callback runs exactly once
//     unless cancel() returned true for it first.
//   - A timer never fires early: when it runs, now() >= its deadline.
//   - Posted work runs in FIFO order. Timers with equal deadlines fire in the
//     order they were armed. Posted work queued before a timer becomes due
//     runs before it.
//   - Callbacks may post, arm and cancel freely, including cancelling
//     themselves (a no-op returning false) or other due timers (they then do
//     not run).
//
// Labels
//   at() and after() take an optional TimerLabel naming the timer's owner
//   ("ss3 retry", "proxy.link2 frame deadline", "pool idle sweep"). The
//   simulator writes it into the trace when the timer fires (docs/sim.md,
//   "Trace and trace hash"); the posix backend ignores it. A label is three plain fields
//   (static strings and a number), so labelling costs nothing when unused.
//
// Thread safety
//   None: every method must be called on the loop's thread. The one
//   exception is a backend's documented wake-up call (posix::EpollLoop::wake).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "runtime/core/time.h"

namespace ss {

// Identifies an armed timer. 0 is never a valid id.
struct TimerId {
  std::uint64_t value = 0;
  explicit operator bool() const { return value != 0; }
  friend bool operator==(TimerId a, TimerId b) { return a.value == b.value; }
};

// Whose timer this is: "<owner><n> <what>", e.g. {"ss", 3, "retry"} is
// "ss3 retry" (the stream's tag elsewhere in the trace). `owner` and `what`
// must be string literals (or otherwise outlive the timer); n == 0 prints no
// number ({"pool", 0, "idle sweep"} is "pool idle sweep").
struct TimerLabel {
  const char* owner = nullptr;
  std::uint64_t n = 0;
  const char* what = nullptr;

  explicit operator bool() const { return owner != nullptr || what != nullptr; }
  // "ss3 retry"; "" for an empty label.
  std::string to_string() const {
    std::string out = owner == nullptr ? "" : owner;
    if (n != 0) out += std::to_string(n);
    if (what != nullptr) out += (out.empty() ? "" : " ") + std::string(what);
    return out;
  }
};

class Loop {
 public:
  using Task = std::function<void()>;

  virtual ~Loop() = default;

  // Current time in µs of the loop's monotonic clock.
  virtual Micros now() const = 0;

  // Runs `task` soon, after the current callback returns. FIFO.
  virtual void post(Task task) = 0;

  // Runs `task` once, at or after the absolute time `deadline`. A deadline in
  // the past fires on the next turn (never inline).
  virtual TimerId at(Micros deadline, Task task) = 0;

  // The same, naming the timer's owner (see Labels above).
  TimerId at(Micros deadline, Task task, TimerLabel label) {
    return at_labelled(deadline, std::move(task), label);
  }

  // Convenience: at(now() + delay, task). Negative delays are treated as 0.
  TimerId after(Micros delay, Task task) {
    return at(now() + (delay < 0 ? 0 : delay), std::move(task));
  }
  TimerId after(Micros delay, Task task, TimerLabel label) {
    return at_labelled(now() + (delay < 0 ? 0 : delay), std::move(task), label);
  }

  // Disarms a timer. Returns true if it was armed and will now never run;
  // false if it already ran, was already cancelled, or is unknown.
  virtual bool cancel(TimerId id) = 0;

 protected:
  // A backend that records labels overrides this; the default drops the
  // label. Same contract as at().
  virtual TimerId at_labelled(Micros deadline, Task task, TimerLabel label) {
    return at(deadline, std::move(task));
  }
};

}  // namespace ss
