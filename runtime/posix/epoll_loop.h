// EpollLoop: the production ss::Loop, on Linux epoll and CLOCK_MONOTONIC.
//
// Overview
//   One thread calls run() (or run_once() in a driver of its own). Each turn:
//     1. epoll_wait, for at most the time to the next timer (0 when posted
//        work is waiting, and never longer than run_once's max_wait);
//     2. refresh now() and dispatch ready file descriptors (watch());
//     3. run the posted work queued before this step began (FIFO);
//     4. refresh now() and fire due timers in (deadline, arming) order.
//   Work posted from steps 3-4 and timers armed during step 4 wait for the
//   next turn, so nothing runs inline and a self-rearming callback cannot
//   starve I/O.
//   now() is the cached CLOCK_MONOTONIC reading in µs, refreshed at steps 2
//   and 4; it never goes backwards.
//
// Timers: TimerHeap (4-ary heap, lazy cancel); see timer_heap.h.
//
// Thread safety
//   wake() is the ONLY call that may be made from another thread (or from a
//   signal handler): it writes the loop's eventfd so a blocked epoll_wait
//   returns. Everything else, including post(), must be called on the loop's
//   thread. A thread that wants work done on the loop keeps its own locked
//   queue and calls wake(); the loop side drains it from a watch() callback
//   or after run_once() returns.
//
// File descriptors: watch(fd, events, callback) registers an fd (the loop
// does not own it). The callback gets the epoll event mask. Events of an fd
// unwatched earlier in the same turn are dropped, even if the fd number was
// reused. Watches live in a table indexed by fd (fds are small and dense),
// each with a generation that epoll_event.data carries: no map lookup and
// no per-watch node on the heap; modify() with the mask already set makes
// no syscall.
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <deque>
#include <functional>

#include "runtime/core/loop.h"
#include "runtime/core/result.h"
#include "runtime/posix/timer_heap.h"

namespace ss::posix {

// Reads CLOCK_MONOTONIC in µs (the only clock read in runtime/posix).
Micros monotonic_now();

class EpollLoop final : public Loop {
 public:
  using FdCallback = std::function<void(std::uint32_t events)>;

  // Aborts if epoll or eventfd cannot be created (out of fds at start-up).
  EpollLoop();
  ~EpollLoop() override;
  EpollLoop(const EpollLoop&) = delete;
  EpollLoop& operator=(const EpollLoop&) = delete;

  // Loop
  Micros now() const override { return now_; }
  void post(Task task) override;
  using Loop::at;  // the labelled overload
  TimerId at(Micros deadline, Task task) override;
  bool cancel(TimerId id) override;

  // Runs turns until stop() is called.
  void run();
  // One turn, blocking at most `max_wait` µs (0 = poll; negative = until
  // something happens). Returns the number of callbacks run.
  std::size_t run_once(Micros max_wait);
  // run() returns after the current turn. Loop thread only.
  void stop() { stopped_ = true; }
  // Thread-safe: interrupts a blocking epoll_wait. See the header comment.
  void wake();

  // fd readiness. `events` is an EPOLLIN/EPOLLOUT/... mask (EPOLLERR and
  // EPOLLHUP are always reported). Level-triggered.
  Error watch(int fd, std::uint32_t events, FdCallback callback);
  Error modify(int fd, std::uint32_t events);
  void unwatch(int fd);

  // Introspection for tests and benchmarks.
  std::size_t pending_posts() const { return posted_.size(); }
  std::size_t armed_timers() const { return timers_.live(); }

 private:
  // One per fd number ever watched (a deque: growing it never moves the
  // others). generation 0: not watched now.
  struct Watch {
    std::uint32_t generation = 0;
    std::uint32_t events = 0;
    FdCallback callback;
  };
  Watch* watched(int fd);
  void drain_wake();
  std::size_t dispatch_io(int ready);
  std::size_t run_posted();
  std::size_t fire_timers();

  int epfd_ = -1;
  int wakefd_ = -1;
  Micros now_ = 0;
  bool stopped_ = false;
  std::deque<Task> posted_;
  TimerHeap timers_;
  // Indexed by fd. epoll_event.data.u64 is generation << 32 | fd, so stale
  // events (fd unwatched, number reused) are recognised and dropped.
  std::deque<Watch> watches_;
  std::uint32_t next_generation_ = 1;
  static constexpr int kMaxEvents = 128;
  epoll_event events_[kMaxEvents];
};

}  // namespace ss::posix
