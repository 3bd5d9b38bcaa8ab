// The campaign runner: worker results survive crashes and aborts, a worker's
// result equals the same seed run in this process, --jobs does not change
// the results, and the pieces (wire frames, durations, crash headlines,
// report escaping) behave.
#include <sys/wait.h>

#include <csignal>
#include <map>
#include <memory>

#include "gtest/gtest.h"
#include "sim/scenario.h"
#include "tools/campaign/campaign.h"
#include "tools/campaign/cli.h"
#include "tools/campaign/planted_scenarios.h"
#include "tools/campaign/report.h"
#include "tools/campaign/result.h"
#include "tools/campaign/wire.h"
#include "tools/campaign/worker_pool.h"
#include "tools/campaign/world_files.h"

namespace ss::campaign {
namespace {

constexpr std::uint64_t kMaxEvents = 100'000;

class Planted : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::register_sim_scenarios(registry_);
    testing::register_planted_scenarios(registry_, *registry_.find("echo"));
    crash_ = registry_.find("planted-crash");
    ASSERT_NE(crash_, nullptr);
  }

  // Seeds first..first+count-1 through the pool; results by seed.
  std::map<std::uint64_t, SeedResult> campaign(std::uint64_t first, std::uint64_t count, int jobs) {
    std::map<std::uint64_t, SeedResult> out;
    std::uint64_t next = first;
    PoolOptions options;
    options.jobs = jobs;
    PoolCallbacks cb;
    cb.next_seed = [&](std::uint64_t* seed) {
      if (next >= first + count) return false;
      *seed = next++;
      return true;
    };
    cb.on_result = [&](SeedResult r) {
      EXPECT_EQ(out.count(r.seed), 0u) << "seed " << r.seed << " reported twice";
      out[r.seed] = std::move(r);
    };
    const sim::Scenario* s = crash_;
    const PoolOutcome end =
        run_pool([s](std::uint64_t seed) { return run_seed_result(*s, seed, kMaxEvents); }, options, cb);
    EXPECT_EQ(end.error, "");
    EXPECT_FALSE(end.stopped);
    return out;
  }

  sim::ScenarioRegistry registry_;
  const sim::Scenario* crash_ = nullptr;
};

TEST_F(Planted, EveryCrashIsReportedWithItsSeedAndTheRestStillRun) {
  const auto results = campaign(1, 30, 1);
  ASSERT_EQ(results.size(), 30u);
  for (const auto& [seed, r] : results) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(r.seed, seed);
    switch (seed % 10) {
      case 3:  // a wild write: SIGSEGV, or under ASan its SEGV report and exit status 1
        ASSERT_EQ(r.status, Status::kCrash);
        if (std::string(build_flavour()) == "asan") {
          EXPECT_NE(r.headline.find("SEGV"), std::string::npos) << r.headline;
        } else {
          EXPECT_EQ(r.crash, "SIGSEGV");
        }
        break;
      case 5:
        ASSERT_EQ(r.status, Status::kLivelock);
        EXPECT_EQ(r.events, kMaxEvents);
        EXPECT_EQ(r.violations.front(), "livelock: still busy after 100000 events");
        break;
      case 7:
        ASSERT_EQ(r.status, Status::kCrash);
        EXPECT_EQ(r.crash, "SIGABRT");
        EXPECT_EQ(r.headline, "planted: abort() on seed " + std::to_string(seed));
        EXPECT_NE(r.output.find("planted: abort()"), std::string::npos);
        break;
      default:
        EXPECT_EQ(r.status, Status::kPass) << r.detail();
    }
  }
}

TEST_F(Planted, AWorkerGivesTheSameResultAsThisProcess) {
  const auto results = campaign(1, 12, 2);
  for (const auto& [seed, r] : results) {
    if (r.status == Status::kCrash) continue;  // cannot run that one here
    const SeedResult here = run_seed_result(*crash_, seed, kMaxEvents);
    EXPECT_EQ(r.status, here.status) << "seed " << seed;
    EXPECT_EQ(r.hash, here.hash) << "seed " << seed;
    EXPECT_EQ(r.events, here.events) << "seed " << seed;
    EXPECT_EQ(r.sim_time_us, here.sim_time_us) << "seed " << seed;
    EXPECT_EQ(r.violations, here.violations) << "seed " << seed;
  }
  // And the hash is run_seed's, as `ss-sim --seed S` prints it.
  sim::RunConfig config;
  config.max_events = kMaxEvents;
  EXPECT_EQ(results.at(1).hash, sim::run_seed(*crash_, 1, config).hash);
}

TEST_F(Planted, JobsDoNotChangeTheResults) {
  const auto one = campaign(1, 40, 1);
  const auto two = campaign(1, 40, 2);
  ASSERT_EQ(one.size(), two.size());
  for (const auto& [seed, a] : one) {
    const SeedResult& b = two.at(seed);
    EXPECT_EQ(a.status, b.status) << "seed " << seed;
    EXPECT_EQ(a.hash, b.hash) << "seed " << seed;
    EXPECT_EQ(a.crash, b.crash) << "seed " << seed;
    EXPECT_EQ(a.violations, b.violations) << "seed " << seed;
  }
}

TEST_F(Planted, AStopDropsTheSeedsInFlightAndReportsNoMore) {
  std::uint64_t next = 1, reported = 0;
  PoolOptions options;
  options.jobs = 2;
  PoolCallbacks cb;
  cb.next_seed = [&](std::uint64_t* seed) {
    *seed = next++;
    return true;  // endless
  };
  cb.on_result = [&](SeedResult) { ++reported; };
  cb.stop_requested = [&] { return reported >= 5; };
  const sim::Scenario* echo = registry_.find("echo");
  const PoolOutcome end =
      run_pool([echo](std::uint64_t seed) { return run_seed_result(*echo, seed, kMaxEvents); }, options, cb);
  EXPECT_TRUE(end.stopped);
  EXPECT_EQ(end.error, "");
  EXPECT_GE(reported, 5u);
  EXPECT_LE(reported + end.dropped.size(), next - 1);
}

// Shrinking runs each candidate through run_in_child: a crash there is a
// result, not the end of the shrinker (this process).
TEST_F(Planted, RunInChildSurvivesACrashAndKeysFailures) {
  std::string error;
  const SeedResult crash = run_in_child(*crash_, 7, kMaxEvents, 60, "", &error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(crash.status, Status::kCrash);
  EXPECT_EQ(failure_key(crash), "crash SIGABRT");
  const SeedResult livelock = run_in_child(*crash_, 5, kMaxEvents, 60, "", &error);
  EXPECT_EQ(failure_key(livelock), "violation [livelock]");
  const SeedResult pass = run_in_child(*crash_, 1, kMaxEvents, 60, "", &error);
  EXPECT_EQ(failure_key(pass), "");
  EXPECT_EQ(pass.hash, run_seed_result(*crash_, 1, kMaxEvents).hash);
}

TEST_F(Planted, RunInChildPutsTheAskedInvariantFirst) {
  const sim::Scenario* world = registry_.find("planted-world");
  ASSERT_NE(world, nullptr);
  ASSERT_NE(world_source_for(*world, 2), nullptr);
  EXPECT_EQ(world_source_for(*crash_, 2), nullptr);
  std::string error;
  // Seed 2 breaks [buggified] first and [big-proxied-reset] second.
  const SeedResult plain = run_in_child(*world, 2, kMaxEvents, 60, "", &error);
  EXPECT_EQ(failure_key(plain), "violation [buggified]");
  const SeedResult asked = run_in_child(*world, 2, kMaxEvents, 60, "big-proxied-reset", &error);
  EXPECT_EQ(failure_key(asked), "violation [big-proxied-reset]");
  EXPECT_EQ(asked.violation_count, 2u);
}

TEST(WorldFiles, UserPathsAreTakenFromWhereBazelRunStarted) {
  ::setenv("BUILD_WORKING_DIRECTORY", "/home/me/src", 1);
  EXPECT_EQ(user_path("w.json"), "/home/me/src/w.json");
  EXPECT_EQ(user_path("/tmp/w.json"), "/tmp/w.json");
  ::unsetenv("BUILD_WORKING_DIRECTORY");
  EXPECT_EQ(user_path("w.json"), "w.json");
}

TEST(Wire, ResultsRoundTripAndBadFramesAreRejected) {
  SeedResult r;
  r.seed = 0xfedcba9876543210ULL;
  r.status = Status::kViolation;
  r.hash = 42;
  r.events = 7;
  r.trace_events = 5;
  r.sim_time_us = 123456789;
  r.violation_count = 3;
  r.violations = {"a", std::string("with\0nul", 8)};
  std::string buffer = encode_result(r) + encode_result(r);
  const std::string one = encode_result(r);
  SeedResult got;
  ASSERT_EQ(take_result(buffer, &got), 1);
  EXPECT_EQ(got.seed, r.seed);
  EXPECT_EQ(got.status, r.status);
  EXPECT_EQ(got.hash, r.hash);
  EXPECT_EQ(got.events, r.events);
  EXPECT_EQ(got.trace_events, r.trace_events);
  EXPECT_EQ(got.sim_time_us, r.sim_time_us);
  EXPECT_EQ(got.violation_count, 3u);
  EXPECT_EQ(got.violations, r.violations);
  EXPECT_EQ(buffer, one);
  // A partial frame waits for the rest.
  std::string partial = one.substr(0, one.size() - 1);
  EXPECT_EQ(take_result(partial, &got), 0);
  EXPECT_EQ(partial.size(), one.size() - 1);
  // A frame whose body does not add up, or claims a crash, is refused.
  std::string bad = one;
  bad[4 + 8] = static_cast<char>(Status::kCrash);
  EXPECT_EQ(take_result(bad, &got), -1);
  std::string huge = "\xff\xff\xff\xff";
  EXPECT_EQ(take_result(huge, &got), -1);
  std::string short_body = one;
  short_body[0] = static_cast<char>(short_body[0] - 1);
  EXPECT_EQ(take_result(short_body, &got), -1);
}

TEST(Cli, Durations) {
  double s = 0;
  EXPECT_TRUE(parse_duration("90", &s));
  EXPECT_EQ(s, 90);
  EXPECT_TRUE(parse_duration("5m", &s));
  EXPECT_EQ(s, 300);
  EXPECT_TRUE(parse_duration("1h30m", &s));
  EXPECT_EQ(s, 5400);
  EXPECT_TRUE(parse_duration("1m30s", &s));
  EXPECT_EQ(s, 90);
  EXPECT_TRUE(parse_duration("250ms", &s));
  EXPECT_DOUBLE_EQ(s, 0.25);
  for (const char* bad : {"", "0", "0s", "m", "5x", "-5s", "1m30", "1.5m", "5 m", "999999999999h"}) {
    EXPECT_FALSE(parse_duration(bad, &s)) << bad;
  }
}

TEST(Result, WaitStatusesAndHeadlines) {
  EXPECT_EQ(describe_wait_status(SIGSEGV), "SIGSEGV");  // WIFSIGNALED form: the signal number itself
  EXPECT_EQ(describe_wait_status(SIGABRT), "SIGABRT");
  EXPECT_EQ(describe_wait_status(1 << 8), "exit status 1");
  EXPECT_EQ(describe_wait_status(40), "signal 40");

  EXPECT_EQ(crash_headline(""), "");
  EXPECT_EQ(crash_headline("log line\nlast words\n\n"), "last words");
  EXPECT_EQ(crash_headline("noise\n==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x6020 at pc "
                           "0x55 bp 0x7f sp 0x7f\nREAD of size 8\nSUMMARY: AddressSanitizer: heap-use-after-free x.cc:3\n"),
            "AddressSanitizer: heap-use-after-free on address 0x6020");
  EXPECT_EQ(crash_headline("==7==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000008 (pc 0x56 bp 0x7f sp "
                           "0x7f T0)\n"),
            "AddressSanitizer: SEGV on unknown address 0x000000000008");
  EXPECT_EQ(leak_headline("==7==ERROR: LeakSanitizer: detected memory leaks\n\nDirect leak of 48 byte(s)\n"
                          "SUMMARY: AddressSanitizer: 48 byte(s) leaked in 1 allocation(s).\n"),
            "AddressSanitizer: 48 byte(s) leaked in 1 allocation(s).");
  EXPECT_EQ(crash_headline("x.cc:10:5: runtime error: signed integer overflow\nmore\n"),
            "x.cc:10:5: runtime error: signed integer overflow");
  EXPECT_EQ(crash_headline("a\nprog: x.cc:3: int f(): Assertion `n > 0' failed.\n"),
            "prog: x.cc:3: int f(): Assertion `n > 0' failed.");
  EXPECT_LE(crash_headline(std::string(1000, 'x')).size(), 303u);

  SeedResult r;
  r.status = Status::kLivelock;
  r.violation_count = 2;
  r.violations = {"livelock: still busy after 9 events", "other"};
  EXPECT_EQ(r.detail(), "livelock: still busy after 9 events (+1 more)");
  r.status = Status::kCrash;
  r.crash = "SIGSEGV";
  r.headline = "boom";
  EXPECT_EQ(r.detail(), "crash: SIGSEGV (boom)");
}

TEST(Report, EscapingKeepsTheFilesWellFormed) {
  EXPECT_EQ(valid_utf8("ok \xC3\xA9"), "ok \xC3\xA9");
  EXPECT_EQ(valid_utf8("\xff"), "\xEF\xBF\xBD");
  EXPECT_EQ(valid_utf8("\xC0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong NUL
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(valid_utf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // cut short
  EXPECT_EQ(json_string(std::string("a\"b\\c\n\x01", 7)), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(xml_text("<a href='x'>&\"</a>\x01"), "&lt;a href=&apos;x&apos;&gt;&amp;&quot;&lt;/a&gt;\xEF\xBF\xBD");
}

TEST(Report, ReproduceCommandNamesEveryOptionThatChangesTheRun) {
  const std::string prefix =
      std::string("bazel run ") + (std::string(build_flavour()) == "asan" ? "--config=asan " : "");
  EXPECT_EQ(reproduce_command("//tools:ss-sim", "proxy", 17, sim::RunConfig{}.max_events),
            prefix + "//tools:ss-sim -- --scenario proxy --seed 17 --trace");
  EXPECT_EQ(reproduce_command("//tools:ss-sim", "echo", 3, 500),
            prefix + "//tools:ss-sim -- --scenario echo --seed 3 --max-events 500 --trace");
}

}  // namespace
}  // namespace ss::campaign
