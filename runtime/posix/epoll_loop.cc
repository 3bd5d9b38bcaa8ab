#include "runtime/posix/epoll_loop.h"

#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace ss::posix {

namespace {
constexpr std::uint64_t kWakeToken = 0;  // watch generations start at 1

std::uint64_t token_of(int fd, std::uint32_t generation) {
  return static_cast<std::uint64_t>(generation) << 32 | static_cast<std::uint32_t>(fd);
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "EpollLoop: %s: %s\n", what, std::strerror(errno));
  std::abort();
}
}  // namespace

Micros monotonic_now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<Micros>(ts.tv_sec) * kMicrosPerSecond + ts.tv_nsec / 1000;
}

EpollLoop::EpollLoop() {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) die("epoll_create1");
  wakefd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wakefd_ < 0) die("eventfd");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeToken;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, wakefd_, &ev) != 0) die("epoll_ctl(eventfd)");
  now_ = monotonic_now();
}

EpollLoop::~EpollLoop() {
  close(wakefd_);
  close(epfd_);
}

void EpollLoop::post(Task task) { posted_.push_back(std::move(task)); }

TimerId EpollLoop::at(Micros deadline, Task task) {
  return timers_.arm(deadline, std::move(task));
}

bool EpollLoop::cancel(TimerId id) { return timers_.cancel(id); }

void EpollLoop::wake() {
  const std::uint64_t one = 1;
  // EAGAIN means the counter is already non-zero: the loop will wake anyway.
  [[maybe_unused]] ssize_t n = ::write(wakefd_, &one, sizeof one);
}

void EpollLoop::drain_wake() {
  std::uint64_t value;
  [[maybe_unused]] ssize_t n = ::read(wakefd_, &value, sizeof value);
}

void EpollLoop::run() {
  stopped_ = false;
  while (!stopped_) run_once(-1);
}

std::size_t EpollLoop::run_once(Micros max_wait) {
  Micros wait = max_wait;
  if (!posted_.empty()) {
    wait = 0;
  } else if (auto next = timers_.next_deadline()) {
    const Micros until = *next - monotonic_now();
    const Micros t = until < 0 ? 0 : until;
    if (wait < 0 || t < wait) wait = t;
  }
  // Round up to whole ms so a timer is not polled for early and spun on.
  int timeout_ms = -1;
  if (wait >= 0) {
    const Micros ms = (wait + kMicrosPerMilli - 1) / kMicrosPerMilli;
    timeout_ms = ms > 1000 * 1000 ? 1000 * 1000 : static_cast<int>(ms);
  }
  int ready = epoll_wait(epfd_, events_, kMaxEvents, timeout_ms);
  if (ready < 0) {
    if (errno != EINTR) die("epoll_wait");
    ready = 0;
  }
  std::size_t ran = dispatch_io(ready);
  ran += run_posted();
  ran += fire_timers();
  return ran;
}

std::size_t EpollLoop::dispatch_io(int ready) {
  const Micros t = monotonic_now();
  if (t > now_) now_ = t;
  std::size_t ran = 0;
  for (int i = 0; i < ready; ++i) {
    const std::uint64_t token = events_[i].data.u64;
    if (token == kWakeToken) {
      drain_wake();
      continue;
    }
    const int fd = static_cast<int>(token & 0xffffffffu);
    const auto generation = static_cast<std::uint32_t>(token >> 32);
    Watch* w = watched(fd);
    if (w == nullptr || w->generation != generation) continue;  // unwatched earlier this turn
    // The callback may unwatch its own fd (and watch the number again): run
    // it from here, and put it back only if its watch is still the same.
    FdCallback callback = std::move(w->callback);
    callback(events_[i].events);
    if (w->generation == generation && !w->callback) w->callback = std::move(callback);
    ++ran;
  }
  return ran;
}

std::size_t EpollLoop::run_posted() {
  std::size_t n = posted_.size();
  std::size_t ran = 0;
  while (n-- > 0 && !posted_.empty()) {
    Task task = std::move(posted_.front());
    posted_.pop_front();
    task();
    ++ran;
  }
  return ran;
}

std::size_t EpollLoop::fire_timers() {
  const Micros t = monotonic_now();
  if (t > now_) now_ = t;
  const std::uint64_t limit = timers_.next_id();
  std::size_t ran = 0;
  while (auto task = timers_.pop_due(now_, limit)) {
    (*task)();
    ++ran;
  }
  return ran;
}

EpollLoop::Watch* EpollLoop::watched(int fd) {
  if (fd < 0 || static_cast<std::size_t>(fd) >= watches_.size()) return nullptr;
  Watch& w = watches_[static_cast<std::size_t>(fd)];
  return w.generation != 0 ? &w : nullptr;
}

Error EpollLoop::watch(int fd, std::uint32_t events, FdCallback callback) {
  if (watched(fd) != nullptr) {
    return make_error(ErrorCode::kState, "fd " + std::to_string(fd) + " is already watched");
  }
  std::uint32_t generation = next_generation_++;
  if (generation == 0) generation = next_generation_++;  // wrapped: 0 means unwatched
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token_of(fd, generation);
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    return make_error(ErrorCode::kIo, std::string("epoll_ctl(ADD): ") + std::strerror(errno));
  }
  while (watches_.size() <= static_cast<std::size_t>(fd)) watches_.emplace_back();
  Watch& w = watches_[static_cast<std::size_t>(fd)];
  w.generation = generation;
  w.events = events;
  w.callback = std::move(callback);
  return Error();
}

Error EpollLoop::modify(int fd, std::uint32_t events) {
  Watch* w = watched(fd);
  if (w == nullptr) {
    return make_error(ErrorCode::kState, "fd " + std::to_string(fd) + " is not watched");
  }
  if (w->events == events) return Error();  // level-triggered: nothing would change
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token_of(fd, w->generation);
  if (epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) != 0) {
    return make_error(ErrorCode::kIo, std::string("epoll_ctl(MOD): ") + std::strerror(errno));
  }
  w->events = events;
  return Error();
}

void EpollLoop::unwatch(int fd) {
  Watch* w = watched(fd);
  if (w == nullptr) return;
  epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
  w->generation = 0;
  w->events = 0;
  w->callback = nullptr;  // empty while it runs: dispatch_io holds it then
}

}  // namespace ss::posix
