// Wall time is read here (deadline, progress, summary) and nowhere in sim/
// or runtime/: it decides which seeds run, never what a seed does.
#include "tools/campaign/campaign.h"

#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <limits>
#include <vector>

#include "sim/generator/shrink.h"
#include "tools/campaign/recheck.h"
#include "tools/campaign/report.h"
#include "tools/campaign/worker_pool.h"
#include "tools/tool_common.h"

namespace ss::campaign {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kViolationsKept = 8;

volatile std::sig_atomic_t g_interrupted = 0;

}  // namespace
}  // namespace ss::campaign

// LeakSanitizer's on-demand check, present only in sanitizer builds (weak:
// null elsewhere). Non-zero when it found leaks, which it reports on stderr.
extern "C" int __lsan_do_recoverable_leak_check() __attribute__((weak));

namespace ss::campaign {
namespace {

extern "C" void on_interrupt(int) { g_interrupted = 1; }

std::string format_duration(double seconds) {
  char buf[48];
  const auto s = static_cast<long long>(seconds);
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm%02llds", s / 3600, s / 60 % 60, s % 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%.1fs", seconds);
  }
  return buf;
}

class Campaign {
 public:
  Campaign(const sim::Scenario& scenario, const CampaignOptions& options)
      : scenario_(scenario), options_(options), tty_(::isatty(2) == 1) {}

  int run() {
    start_ = Clock::now();
    last_progress_ = start_;
    PoolOptions pool;
    pool.jobs = options_.jobs;
    pool.seed_timeout_seconds = options_.seed_timeout_seconds;
    PoolCallbacks cb;
    cb.next_seed = [this](std::uint64_t* seed) { return next_seed(seed); };
    cb.on_result = [this](SeedResult r) { on_result(std::move(r)); };
    cb.on_tick = [this] { progress(false); };
    cb.stop_requested = [] { return g_interrupted != 0; };
    const std::uint64_t max_events = options_.max_events;
    const sim::Scenario& scenario = scenario_;
    const bool leak_check = options_.leak_check && __lsan_do_recoverable_leak_check != nullptr;
    RecheckOptions recheck;
    recheck.fraction = options_.recheck;
    recheck.scenario = scenario.name();
    const RunSeedFn run = [&scenario, &recheck, max_events, leak_check](std::uint64_t seed) {
      SeedResult r = run_seed_checked(scenario, seed, max_events, recheck);
      // A worker never exits through atexit (where LeakSanitizer would
      // look), so it looks after every seed: a seed that passed but left
      // unreachable memory is a leak.
      if (leak_check && __lsan_do_recoverable_leak_check() != 0) {
        r.leaked = true;
        if (r.status == Status::kPass) r.status = Status::kLeak;
      }
      return r;
    };
    const PoolOutcome outcome = run_pool(run, pool, cb);
    wall_ = std::chrono::duration<double>(Clock::now() - start_).count();
    clear_progress();
    return finish(outcome);
  }

 private:
  bool next_seed(std::uint64_t* seed) {
    if (options_.seeds && issued_ >= *options_.seeds) return false;
    if (options_.stop_after_failures && failing_.size() >= *options_.stop_after_failures) return false;
    if (options_.duration_seconds &&
        std::chrono::duration<double>(Clock::now() - start_).count() >= *options_.duration_seconds) {
      return false;
    }
    if (issued_ > 0 && options_.from + issued_ - 1 == std::numeric_limits<std::uint64_t>::max()) return false;
    *seed = options_.from + issued_++;
    return true;
  }

  void on_result(SeedResult r) {
    tally_.add(r);
    highest_ = std::max(highest_, r.seed);
    if (!r.passed()) {
      failing_.push_back(r.seed);
      if (printed_ < options_.show_failures) {
        ++printed_;
        clear_progress();
        std::printf("FAILED seed %llu: %s\n  reproduce: %s\n", static_cast<unsigned long long>(r.seed),
                    r.detail().c_str(),
                    reproduce_command(options_.label, scenario_.name(), r.seed, options_.max_events,
                                      r.status == Status::kNondeterminism)
                        .c_str());
        std::fflush(stdout);
      }
    }
    if (!r.passed() || keep_all()) results_.push_back(std::move(r));
  }

  // Passing results are only needed for the reports.
  bool keep_all() const { return !options_.json_path.empty() || !options_.junit_path.empty(); }

  void rate_line(std::string* line) const {
    const double wall = std::chrono::duration<double>(Clock::now() - start_).count();
    const double secs = wall > 0 ? wall : 1e-9;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%llu seeds (%llu failed), %.1f seeds/s, %.0f simulated s per wall s, %s",
                  static_cast<unsigned long long>(tally_.seeds), static_cast<unsigned long long>(tally_.failed),
                  static_cast<double>(tally_.seeds) / secs,
                  static_cast<double>(tally_.sim_time_us / 1e6L) / secs, format_duration(wall).c_str());
    *line = buf;
    if (options_.seeds) {
      *line += " [" + std::to_string(tally_.seeds) + "/" + std::to_string(*options_.seeds) + "]";
    }
    if (options_.duration_seconds) *line += " of " + format_duration(*options_.duration_seconds);
  }

  // stderr a terminal: one line there, redrawn twice a second and cleared at
  // the end. Otherwise a "progress:" line on stdout every 5 seconds (stderr
  // keeps only the one line that says why the exit status is not 0).
  void progress(bool force) {
    if (!options_.progress) return;
    const double since = std::chrono::duration<double>(Clock::now() - last_progress_).count();
    if (!force && since < (tty_ ? 0.5 : 5.0)) return;
    last_progress_ = Clock::now();
    std::string line;
    rate_line(&line);
    if (tty_) {
      std::fprintf(stderr, "\r\033[K%s", line.c_str());
      shown_ = true;
      std::fflush(stderr);
    } else {
      std::printf("progress: %s\n", line.c_str());
      std::fflush(stdout);
    }
  }

  void clear_progress() {
    if (tty_ && shown_) {
      std::fputs("\r\033[K", stderr);
      std::fflush(stderr);
      shown_ = false;
    }
  }

  int finish(const PoolOutcome& outcome) {
    std::sort(results_.begin(), results_.end(),
              [](const SeedResult& a, const SeedResult& b) { return a.seed < b.seed; });
    std::sort(failing_.begin(), failing_.end());
    const double secs = wall_ > 0 ? wall_ : 1e-9;
    // Every seed from `from` on ran, except the ones an interrupt dropped.
    const std::uint64_t last = tally_.seeds == 0 ? options_.from : highest_;
    std::printf(
        "summary: scenario=%s seeds=%llu (%llu..%llu) jobs=%d events=%llu simulated_time=%.3fs wall_time=%.2fs "
        "seeds_per_s=%.1f sim_per_wall=%.0f passed=%llu failed=%llu (violation=%llu livelock=%llu crash=%llu "
        "hang=%llu leak=%llu nondeterminism=%llu)\n",
        scenario_.name().c_str(), static_cast<unsigned long long>(tally_.seeds),
        static_cast<unsigned long long>(options_.from), static_cast<unsigned long long>(last), options_.jobs,
        static_cast<unsigned long long>(tally_.events), static_cast<double>(tally_.sim_time_us / 1e6L), wall_,
        static_cast<double>(tally_.seeds) / secs, static_cast<double>(tally_.sim_time_us / 1e6L) / secs,
        static_cast<unsigned long long>(tally_.passed), static_cast<unsigned long long>(tally_.failed),
        static_cast<unsigned long long>(tally_.violation), static_cast<unsigned long long>(tally_.livelock),
        static_cast<unsigned long long>(tally_.crash), static_cast<unsigned long long>(tally_.hang),
        static_cast<unsigned long long>(tally_.leak), static_cast<unsigned long long>(tally_.nondeterminism));
    if (!failing_.empty()) {
      constexpr std::size_t kListed = 100;
      std::string list;
      for (std::size_t i = 0; i < failing_.size() && i < kListed; ++i) list += " " + std::to_string(failing_[i]);
      if (failing_.size() > kListed) list += " ... (" + std::to_string(failing_.size() - kListed) + " more)";
      std::printf("failing seeds:%s\n", list.c_str());
    }
    if (tally_.failed > printed_) {
      std::printf("not printed: %llu of %llu failures (--show-failures N prints more; %s)\n",
                  static_cast<unsigned long long>(tally_.failed - printed_),
                  static_cast<unsigned long long>(tally_.failed),
                  keep_all() ? "the reports have every one" : "--json FILE / --junit FILE list every one");
    }
    if (outcome.stopped) {
      std::vector<std::uint64_t> dropped = outcome.dropped;
      std::sort(dropped.begin(), dropped.end());
      std::string list;
      for (std::uint64_t s : dropped) {
        if (s < highest_) list += " " + std::to_string(s);
      }
      std::printf("interrupted: seeds after %llu were not run%s%s\n", static_cast<unsigned long long>(last),
                  list.empty() ? "" : "; nor were", list.c_str());
    }
    std::fflush(stdout);

    CampaignInfo info;
    info.label = options_.label;
    info.scenario = scenario_.name();
    info.from = options_.from;
    info.seed_limit = options_.seeds;
    info.duration_seconds = options_.duration_seconds;
    info.jobs = options_.jobs;
    info.max_events = options_.max_events;
    info.seed_timeout_seconds = options_.seed_timeout_seconds;
    info.recheck = options_.recheck;
    info.interrupted = outcome.stopped;
    info.wall_seconds = wall_;
    std::string report_error;
    if (!options_.json_path.empty()) write_json(options_.json_path, info, results_, &report_error);
    if (report_error.empty() && !options_.junit_path.empty()) {
      write_junit(options_.junit_path, info, results_, &report_error);
    }

    // Exactly one line on stderr says why the exit status is not 0.
    if (!outcome.error.empty()) {
      std::fprintf(stderr, "ss-sim: the campaign runner failed: %s\n", outcome.error.c_str());
      return kExitRunnerError;
    }
    if (!report_error.empty()) {
      std::fprintf(stderr, "ss-sim: %s\n", report_error.c_str());
      return tools::kExitFile;
    }
    if (outcome.stopped) {
      std::fprintf(stderr, "ss-sim: interrupted after %llu seeds (%llu failed)\n",
                   static_cast<unsigned long long>(tally_.seeds), static_cast<unsigned long long>(tally_.failed));
      return kExitInterrupted;
    }
    if (tally_.failed > 0) {
      const SeedResult* first = nullptr;
      for (const SeedResult& r : results_) {
        if (!r.passed()) {
          first = &r;
          break;
        }
      }
      std::string kinds;
      auto kind = [&kinds](const char* name, std::uint64_t n) {
        if (n == 0) return;
        kinds += (kinds.empty() ? "" : ", ") + std::to_string(n) + " " + name;
      };
      kind("violation", tally_.violation);
      kind("livelock", tally_.livelock);
      kind("crash", tally_.crash);
      kind("hang", tally_.hang);
      kind("leak", tally_.leak);
      kind("nondeterminism", tally_.nondeterminism);
      std::fprintf(stderr, "ss-sim: %llu of %llu seeds failed (%s); lowest: seed %llu, %s\n",
                   static_cast<unsigned long long>(tally_.failed), static_cast<unsigned long long>(tally_.seeds),
                   kinds.c_str(), static_cast<unsigned long long>(first->seed), first->detail().c_str());
      return kExitFailed;
    }
    return kExitClean;
  }

  const sim::Scenario& scenario_;
  const CampaignOptions& options_;
  const bool tty_;
  Clock::time_point start_, last_progress_;
  double wall_ = 0;
  bool shown_ = false;
  std::uint64_t issued_ = 0;
  std::uint64_t printed_ = 0;
  std::uint64_t highest_ = 0;
  Tally tally_;
  std::vector<SeedResult> results_;  // failures, and with a report every seed
  std::vector<std::uint64_t> failing_;
};

}  // namespace

SeedResult run_seed_result(const sim::Scenario& scenario, std::uint64_t seed, std::uint64_t max_events,
                           const sim::Trace::Sink& on_event, const std::string& first_id) {
  sim::RunConfig config;
  config.max_events = max_events;
  config.on_event = on_event;
  sim::SeedOutcome o = sim::run_seed(scenario, seed, config);
  if (!first_id.empty()) {
    std::stable_partition(o.violations.begin(), o.violations.end(),
                          [&first_id](const std::string& v) { return sim::gen::invariant_id(v) == first_id; });
  } else if (o.livelock) {  // the livelock violation comes first in what a reader sees
    auto it = std::find_if(o.violations.begin(), o.violations.end(),
                           [](const std::string& v) { return v.rfind("livelock", 0) == 0; });
    if (it != o.violations.end()) std::rotate(o.violations.begin(), it, it + 1);
  }
  return seed_result(seed, std::move(o));
}

SeedResult seed_result(std::uint64_t seed, sim::SeedOutcome o) {
  SeedResult r;
  r.seed = seed;
  r.status = o.livelock ? Status::kLivelock : o.violations.empty() ? Status::kPass : Status::kViolation;
  r.hash = o.hash;
  r.events = o.events;
  r.trace_events = o.trace_events;
  r.sim_time_us = o.sim_time;
  r.violation_count = o.violations.size();
  for (std::size_t i = 0; i < o.violations.size() && i < kViolationsKept; ++i) {
    r.violations.push_back(std::move(o.violations[i]));
  }
  return r;
}

int default_jobs() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  const long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

int run_campaign(const sim::Scenario& scenario, const CampaignOptions& options) {
  g_interrupted = 0;
  struct sigaction on {};
  on.sa_handler = on_interrupt;
  sigemptyset(&on.sa_mask);
  struct sigaction old_int {}, old_term {};
  ::sigaction(SIGINT, &on, &old_int);
  ::sigaction(SIGTERM, &on, &old_term);
  Campaign campaign(scenario, options);
  const int status = campaign.run();
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  return status;
}

}  // namespace ss::campaign
