#include "tools/campaign/worker_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "tools/campaign/wire.h"

namespace ss::campaign {
namespace {

using Clock = std::chrono::steady_clock;

struct Worker {
  pid_t pid = -1;  // -1: the slot is free
  int cmd = -1;    // parent -> worker: seeds (8 bytes each); closed = exit
  int res = -1;    // worker -> parent: result frames
  int out = -1;    // worker's stdout + stderr
  bool busy = false;
  std::uint64_t seed = 0;
  Clock::time_point started;
  bool killed_for_hang = false;
  std::string frames;
  std::string output;
  std::uint64_t output_dropped = 0;
};

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

bool read_exact(int fd, void* data, std::size_t n) {
  auto* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

bool write_all(int fd, const void* data, std::size_t n) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// The worker process: seeds in, results out, until the parent closes `cmd`.
[[noreturn]] void worker_main(const RunSeedFn& run_seed, int cmd, int res) {
  for (;;) {
    std::uint64_t seed = 0;
    if (!read_exact(cmd, &seed, sizeof seed)) ::_exit(0);
    const SeedResult r = run_seed(seed);
    std::fflush(stdout);
    std::fflush(stderr);
    const std::string frame = encode_result(r);
    if (!write_all(res, frame.data(), frame.size())) ::_exit(0);
  }
}

// Appends what `w.out` has now (all of it once the worker is gone), keeping
// the tail. Returns false at end of file.
bool drain_output(Worker& w, std::size_t cap) {
  char buf[16384];
  for (;;) {
    const ssize_t r = ::read(w.out, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return true;  // EAGAIN: nothing more for now
    if (r == 0) return false;
    if (!w.busy) continue;  // between seeds: nobody's output
    w.output.append(buf, static_cast<std::size_t>(r));
    if (w.output.size() > cap) {
      const std::size_t cut = w.output.size() - cap;
      w.output.erase(0, cut);
      w.output_dropped += cut;
    }
  }
}

std::string seed_output(const Worker& w) {
  if (w.output_dropped == 0) return w.output;
  return "[" + std::to_string(w.output_dropped) + " earlier bytes not kept]\n" + w.output;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

class Pool {
 public:
  Pool(const RunSeedFn& run_seed, const PoolOptions& options, const PoolCallbacks& cb)
      : run_seed_(run_seed), options_(options), cb_(cb), workers_(static_cast<std::size_t>(options.jobs)) {}

  PoolOutcome run() {
    auto last_tick = Clock::now();
    for (;;) {
      if (!stopping_ && cb_.stop_requested && cb_.stop_requested()) stop_all();
      fill_slots();
      if (!error_.empty() && !stopping_) stop_all();
      if (live() == 0) break;
      poll_once();
      check_hangs();
      if (seconds_since(last_tick) >= 0.2) {
        last_tick = Clock::now();
        if (cb_.on_tick) cb_.on_tick();
      }
    }
    if (cb_.on_tick) cb_.on_tick();
    PoolOutcome out;
    out.stopped = stopping_ && error_.empty();
    out.error = error_;
    if (out.stopped) out.dropped = dropped_;
    return out;
  }

 private:
  std::size_t live() const {
    std::size_t n = 0;
    for (const Worker& w : workers_) n += w.pid > 0 ? 1 : 0;
    return n;
  }

  // Starts a worker in every free slot while there are seeds.
  void fill_slots() {
    for (Worker& w : workers_) {
      if (w.pid > 0 || exhausted_ || stopping_ || !error_.empty()) continue;
      std::uint64_t seed = 0;
      if (!cb_.next_seed(&seed)) {
        exhausted_ = true;
        return;
      }
      if (!spawn(w)) return;
      send(w, seed);
    }
  }

  bool spawn(Worker& w) {
    int cmd[2], res[2], out[2];
    if (::pipe(cmd) != 0) return fail_errno("pipe");
    if (::pipe(res) != 0) {
      fail_errno("pipe");
      ::close(cmd[0]), ::close(cmd[1]);
      return false;
    }
    if (::pipe(out) != 0) {
      fail_errno("pipe");
      ::close(cmd[0]), ::close(cmd[1]), ::close(res[0]), ::close(res[1]);
      return false;
    }
    std::fflush(nullptr);  // nothing buffered may be written twice
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
      fail_errno("fork");
      for (int fd : {cmd[0], cmd[1], res[0], res[1], out[0], out[1]}) ::close(fd);
      return false;
    }
    if (pid == 0) {
      // The worker: keep only its own ends; stdout and stderr go to `out`.
      for (Worker& other : workers_) {
        close_fd(other.cmd);
        close_fd(other.res);
        close_fd(other.out);
      }
      ::close(cmd[1]);
      ::close(res[0]);
      ::close(out[0]);
      ::dup2(out[1], 1);
      ::dup2(out[1], 2);
      if (out[1] > 2) ::close(out[1]);
      std::setvbuf(stdout, nullptr, _IOLBF, 0);  // what a seed printed survives its crash
      // An interrupt is the parent's to handle; the worker dies with it.
      ::signal(SIGINT, SIG_IGN);
      ::signal(SIGTERM, SIG_IGN);
      ::signal(SIGPIPE, SIG_DFL);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(0);
      worker_main(run_seed_, cmd[0], res[1]);
    }
    ::close(cmd[0]);
    ::close(res[1]);
    ::close(out[1]);
    ::fcntl(res[0], F_SETFL, ::fcntl(res[0], F_GETFL) | O_NONBLOCK);
    ::fcntl(out[0], F_SETFL, ::fcntl(out[0], F_GETFL) | O_NONBLOCK);
    w = Worker{};
    w.pid = pid;
    w.cmd = cmd[1];
    w.res = res[0];
    w.out = out[0];
    return true;
  }

  void send(Worker& w, std::uint64_t seed) {
    w.busy = true;
    w.seed = seed;
    w.started = Clock::now();
    w.output.clear();
    w.output_dropped = 0;
    // A write failure means the worker is gone: its end of file on `res`
    // reports the seed.
    write_all(w.cmd, &seed, sizeof seed);
  }

  // Gives `w` its next seed, or lets it exit when there is none.
  void next_for(Worker& w) {
    std::uint64_t seed = 0;
    if (!exhausted_ && !stopping_ && error_.empty()) {
      if (cb_.next_seed(&seed)) {
        send(w, seed);
        return;
      }
      exhausted_ = true;
    }
    close_fd(w.cmd);
  }

  void poll_once() {
    std::vector<pollfd> fds;
    std::vector<std::pair<Worker*, bool>> who;  // (worker, is its output pipe)
    for (Worker& w : workers_) {
      if (w.pid <= 0) continue;
      if (w.res >= 0) {
        fds.push_back({w.res, POLLIN, 0});
        who.emplace_back(&w, false);
      }
      if (w.out >= 0) {
        fds.push_back({w.out, POLLIN, 0});
        who.emplace_back(&w, true);
      }
    }
    const int n = ::poll(fds.data(), fds.size(), 200);
    if (n <= 0) return;  // timeout, or EINTR (an interrupt: checked by run())
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      Worker& w = *who[i].first;
      if (w.pid <= 0) continue;
      if (who[i].second) {
        if (w.out >= 0 && !drain_output(w, options_.output_cap)) close_fd(w.out);
      } else if (w.res >= 0) {
        read_results(w);
      }
    }
  }

  void read_results(Worker& w) {
    char buf[16384];
    bool eof = false;
    for (;;) {
      const ssize_t r = ::read(w.res, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) break;  // EAGAIN
      if (r == 0) {
        eof = true;
        break;
      }
      w.frames.append(buf, static_cast<std::size_t>(r));
    }
    // Results that arrived count even if the worker is gone right after.
    for (;;) {
      SeedResult result;
      const int got = take_result(w.frames, &result);
      if (got == 0) break;
      if (got < 0 || !w.busy || result.seed != w.seed) {
        fail("worker " + std::to_string(w.pid) + " sent a malformed result");
        ::kill(w.pid, SIGKILL);
        break;
      }
      // Everything the seed wrote was written before its result.
      if (w.out >= 0 && !drain_output(w, options_.output_cap)) close_fd(w.out);
      result.wall_seconds = seconds_since(w.started);
      if (!result.passed()) result.output = seed_output(w);
      if (result.status == Status::kLeak) result.headline = leak_headline(w.output);
      // LeakSanitizer would report the same blocks after every later seed,
      // so a worker that leaked exits and a fresh one takes its slot; so
      // does one that is gone or being killed.
      const bool retire = result.leaked || eof || w.killed_for_hang;
      w.busy = false;
      if (!stopping_) cb_.on_result(std::move(result));
      if (retire) {
        close_fd(w.cmd);
      } else {
        next_for(w);
      }
    }
    if (eof) ended(w);
  }

  // The worker closed its result pipe: it exited or died.
  void ended(Worker& w) {
    if (w.out >= 0) {
      while (drain_output(w, options_.output_cap)) {
        // A dead worker's pipe ends with end of file; if something else
        // still holds it open, do not wait for it.
        pollfd p{w.out, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) break;
      }
    }
    int status = 0;
    while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (w.busy && !stopping_) {
      SeedResult r;
      r.seed = w.seed;
      r.wall_seconds = seconds_since(w.started);
      r.output = seed_output(w);
      if (w.killed_for_hang) {
        r.status = Status::kHang;
        char buf[96];
        std::snprintf(buf, sizeof buf, "no result after %gs of wall time; worker killed",
                      options_.seed_timeout_seconds);
        r.crash = buf;
      } else {
        r.status = Status::kCrash;
        r.crash = describe_wait_status(status);
        r.headline = crash_headline(w.output);
      }
      cb_.on_result(std::move(r));
    } else if (!w.busy && !stopping_ && !w.killed_for_hang && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      fail("worker " + std::to_string(w.pid) + " ended between seeds: " + describe_wait_status(status));
    }
    close_fd(w.cmd);
    close_fd(w.res);
    close_fd(w.out);
    w = Worker{};
  }

  void check_hangs() {
    if (options_.seed_timeout_seconds <= 0) return;
    for (Worker& w : workers_) {
      if (w.pid > 0 && w.busy && !w.killed_for_hang && seconds_since(w.started) > options_.seed_timeout_seconds) {
        w.killed_for_hang = true;
        ::kill(w.pid, SIGKILL);
      }
    }
  }

  void stop_all() {
    stopping_ = true;
    for (Worker& w : workers_) {
      if (w.pid <= 0) continue;
      ::kill(w.pid, SIGKILL);
      if (w.busy) dropped_.push_back(w.seed);
    }
  }

  bool fail(const std::string& what) {
    if (error_.empty()) error_ = what;
    return false;
  }
  bool fail_errno(const char* call) { return fail(std::string(call) + ": " + std::strerror(errno)); }

  const RunSeedFn& run_seed_;
  const PoolOptions& options_;
  const PoolCallbacks& cb_;
  std::vector<Worker> workers_;
  bool exhausted_ = false;
  bool stopping_ = false;
  std::string error_;
  std::vector<std::uint64_t> dropped_;
};

}  // namespace

PoolOutcome run_pool(const RunSeedFn& run_seed, const PoolOptions& options, const PoolCallbacks& callbacks) {
  // A worker that dies must not take the parent with it on its pipe.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction old {};
  ::sigaction(SIGPIPE, &ignore, &old);
  Pool pool(run_seed, options, callbacks);
  PoolOutcome out = pool.run();
  ::sigaction(SIGPIPE, &old, nullptr);
  return out;
}

}  // namespace ss::campaign
