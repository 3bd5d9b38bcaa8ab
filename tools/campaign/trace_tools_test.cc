// The determinism self-check (recheck.h, fresh_run.h) and the trace views
// of ss-sim --seed S (trace_view.h, trace_json.h).
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/scenario.h"
#include "tools/campaign/campaign.h"
#include "tools/campaign/fresh_run.h"
#include "tools/campaign/planted_scenarios.h"
#include "tools/campaign/recheck.h"
#include "tools/campaign/report.h"
#include "tools/campaign/trace_json.h"
#include "tools/campaign/trace_view.h"
#include "tools/campaign/wire.h"

namespace ss::campaign {
namespace {

constexpr std::uint64_t kMaxEvents = 100'000;

TEST(Recheck, Fractions) {
  double f = -1;
  EXPECT_TRUE(parse_fraction("1/20", &f));
  EXPECT_DOUBLE_EQ(f, 0.05);
  EXPECT_TRUE(parse_fraction("0.25", &f));
  EXPECT_DOUBLE_EQ(f, 0.25);
  EXPECT_TRUE(parse_fraction("0", &f));
  EXPECT_EQ(f, 0);
  EXPECT_TRUE(parse_fraction("1", &f));
  EXPECT_EQ(f, 1);
  for (const char* bad : {"", "2", "1/0", "-1", "x", "1/", "/2", "0.5x", "nan", "3/2"}) {
    EXPECT_FALSE(parse_fraction(bad, &f)) << bad;
  }
}

TEST(Recheck, SelectionIsByTheSeedAndNearTheFraction) {
  std::uint64_t selected = 0, fresh = 0;
  for (std::uint64_t seed = 1; seed <= 20000; ++seed) {
    EXPECT_FALSE(recheck_selected(seed, 0));
    EXPECT_TRUE(recheck_selected(seed, 1));
    const bool s = recheck_selected(seed, kDefaultRecheck);
    EXPECT_EQ(s, recheck_selected(seed, kDefaultRecheck));
    selected += s ? 1 : 0;
    if (recheck_fresh(seed, kDefaultRecheck)) {
      EXPECT_TRUE(s);
      ++fresh;
    }
  }
  EXPECT_GT(selected, 800u);
  EXPECT_LT(selected, 1200u);
  EXPECT_GT(fresh, selected / kFreshOneIn / 2);
  EXPECT_LT(fresh, selected / kFreshOneIn * 2);
}

TEST(Recheck, FirstDivergence) {
  const std::vector<sim::TraceEvent> a = {{0, "listen", "x"}, {5, "planted", "run=1"}, {9, "end", "conn=1"}};
  std::vector<sim::TraceEvent> b = a;
  EXPECT_FALSE(first_divergence(a, b).has_value());
  b[1].text = "run=2";
  auto d = first_divergence(a, b);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->index, 1u);
  EXPECT_EQ(describe_divergence(*d),
            "first difference at event #1: 0.000005s planted \"run=1\" vs 0.000005s planted \"run=2\"");
  b = a;
  b[2].time = 10;
  EXPECT_EQ(first_divergence(a, b)->index, 2u);
  b.pop_back();
  d = first_divergence(a, b);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->index, 2u);
  EXPECT_FALSE(d->b.has_value());
  EXPECT_EQ(describe_divergence(*d), "first difference at event #2: 0.000009s end \"conn=1\" vs (the trace ended)");
}

TEST(Recheck, ReproduceCommandRechecksTheSeedAlone) {
  const std::string prefix =
      std::string("bazel run ") + (std::string(build_flavour()) == "asan" ? "--config=asan " : "");
  EXPECT_EQ(reproduce_command("//tools:ss-sim", "echo", 3, 500, true),
            prefix + "//tools:ss-sim -- --scenario echo --from 3 --seeds 1 --max-events 500 --recheck 1");
  EXPECT_EQ(reproduce_command("//tools:ss-sim", "echo", 3, sim::RunConfig{}.max_events, true),
            prefix + "//tools:ss-sim -- --scenario echo --from 3 --seeds 1 --recheck 1");
}

class Planted : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::register_sim_scenarios(registry_);
    testing::register_planted_scenarios(registry_, *registry_.find("echo"));
  }
  // A seed with seed % 10 == rest that is (or is not) run in a fresh process at fraction 1.
  static std::uint64_t seed_with(std::uint64_t rest, bool fresh) {
    for (std::uint64_t s = rest;; s += 10) {
      if (recheck_fresh(s, 1) == fresh) return s;
    }
  }
  sim::ScenarioRegistry registry_;
};

TEST_F(Planted, ADeterministicSeedPassesTheRecheckWithItsOwnHash) {
  const sim::Scenario& echo = *registry_.find("echo");
  RecheckOptions o;
  o.fraction = 1;
  o.scenario = "echo";
  const std::uint64_t seed = seed_with(4, false);
  const SeedResult r = run_seed_checked(echo, seed, kMaxEvents, o);
  EXPECT_EQ(r.status, Status::kPass) << r.detail();
  EXPECT_EQ(r.hash, run_seed_result(echo, seed, kMaxEvents).hash);
}

TEST_F(Planted, AStaticCounterIsNondeterminismFoundInTheSameProcess) {
  const sim::Scenario& planted = *registry_.find("planted-nondeterminism");
  RecheckOptions o;
  o.fraction = 1;
  o.scenario = planted.name();
  const std::uint64_t seed = seed_with(3, false);
  const SeedResult r = run_seed_checked(planted, seed, kMaxEvents, o);
  ASSERT_EQ(r.status, Status::kNondeterminism) << r.detail();
  EXPECT_NE(r.hash, r.recheck_hash);
  EXPECT_NE(r.divergence.find("run again in the same process: first difference at event #"), std::string::npos)
      << r.divergence;
  EXPECT_NE(r.divergence.find("0.005000s planted \"run="), std::string::npos) << r.divergence;
  EXPECT_EQ(r.violation_count, 0u);
  // Not rechecked: the same seed passes.
  o.fraction = 0;
  EXPECT_EQ(run_seed_checked(planted, seed, kMaxEvents, o).status, Status::kPass);
}

TEST_F(Planted, AFreshProcessThatCannotRunIsReported) {
  const sim::Scenario& echo = *registry_.find("echo");
  RecheckOptions o;
  o.fraction = 1;
  o.scenario = "echo";
  o.self_exe = "/nonexistent/ss-sim";
  const SeedResult r = run_seed_checked(echo, seed_with(4, true), kMaxEvents, o);
  ASSERT_EQ(r.status, Status::kNondeterminism);
  EXPECT_NE(r.divergence.find("fresh process: it gave no result (could not execute /nonexistent/ss-sim)"),
            std::string::npos)
      << r.divergence;
}

TEST(FreshRun, ReadsTheTraceAndHashThatSeedPrints) {
  const FreshRun run = parse_fresh_output(
      "scenario: echo\nseed: 3\nworld: seed=3\ntrace:\n0.000000s listen echo-1 10.0.0.2:7\n"
      "1.234567s end conn=2 reason=reset\n2.000000s empty\n"
      "result: events=9 trace_events=3 sim_time=2000000us hash=0x00000000000000ff violations=0\n");
  ASSERT_TRUE(run.ok);
  EXPECT_EQ(run.hash, 0xffu);
  ASSERT_EQ(run.events.size(), 3u);
  EXPECT_EQ(run.events[1].time, 1234567);
  EXPECT_EQ(run.events[1].kind, "end");
  EXPECT_EQ(run.events[1].text, "conn=2 reason=reset");
  EXPECT_EQ(run.events[2].kind, "empty");
  EXPECT_EQ(run.events[2].text, "");
  EXPECT_FALSE(parse_fresh_output("trace:\n0.000000s listen x\n").ok);  // it crashed before its result
}

TEST(Wire, NondeterminismRoundTrips) {
  SeedResult r;
  r.seed = 7;
  r.status = Status::kNondeterminism;
  r.hash = 1;
  r.recheck_hash = 2;
  r.divergence = "run again in the same process: first difference at event #3";
  std::string buffer = encode_result(r);
  SeedResult got;
  ASSERT_EQ(take_result(buffer, &got), 1);
  EXPECT_EQ(got.status, Status::kNondeterminism);
  EXPECT_EQ(got.recheck_hash, 2u);
  EXPECT_EQ(got.divergence, r.divergence);
  EXPECT_EQ(got.detail(), "nondeterminism: hash 0x0000000000000001 then 0x0000000000000002; " + r.divergence);
}

TEST(TraceView, TimesHaveAUnit) {
  EXPECT_EQ(format_sim_time(0), "0.000000s");
  EXPECT_EQ(format_sim_time(1234567), "1.234567s");
  EXPECT_EQ(format_sim_time(400000000), "400.000000s");
  Micros t = 0;
  EXPECT_TRUE(parse_sim_time("1.234567s", &t));
  EXPECT_EQ(t, 1234567);
  for (const char* bad : {"1.23s", "1234567", "x.000000s", "1.000000", ""}) EXPECT_FALSE(parse_sim_time(bad, &t)) << bad;
}

TEST(TraceView, TracksAndFilters) {
  EXPECT_EQ(event_track("ss.state", "ss12 echo CONNECTED ack=0"), (Track{Track::kStream, 12}));
  EXPECT_EQ(event_track("h1.status", "ss3 429"), (Track{Track::kStream, 3}));
  EXPECT_EQ(event_track("accept", "conn=2 peer=1 on=web tcp:80"), (Track{Track::kConnection, 2}));
  EXPECT_EQ(event_track("read_pause", "conn=7"), (Track{Track::kConnection, 7}));
  EXPECT_EQ(event_track("fault", "reset conn=16"), Track{});
  EXPECT_EQ(event_track("bulk.state", "echo 6"), Track{});
  EXPECT_EQ(event_track("x", "ssh conn"), Track{});
  Track t;
  EXPECT_TRUE(parse_track("3", &t));
  EXPECT_EQ(t, (Track{Track::kStream, 3}));
  EXPECT_TRUE(parse_track("ss4", &t));
  EXPECT_EQ(t, (Track{Track::kStream, 4}));
  EXPECT_TRUE(parse_track("conn=5", &t));
  EXPECT_EQ(t, (Track{Track::kConnection, 5}));
  EXPECT_TRUE(parse_track("c6", &t));
  EXPECT_EQ(t, (Track{Track::kConnection, 6}));
  for (const char* bad : {"", "ss", "conn=", "x1", "1x"}) EXPECT_FALSE(parse_track(bad, &t)) << bad;
  TraceFilter f;
  EXPECT_TRUE(f.keeps("anything", ""));
  ASSERT_TRUE(parse_kind_list("data,end", &f.kinds));
  EXPECT_TRUE(f.keeps("end", "conn=1"));
  EXPECT_FALSE(f.keeps("connect", "conn=1"));
  f.track = Track{Track::kConnection, 2};
  EXPECT_TRUE(f.keeps("end", "conn=2 reason=reset"));
  EXPECT_FALSE(f.keeps("end", "conn=1"));
  std::vector<std::string> kinds;
  for (const char* bad : {"", ",", "a,", ",a", "a,,b"}) EXPECT_FALSE(parse_kind_list(bad, &kinds)) << bad;
}

TEST(TraceJson, StatesAreSpansAndFaultsAreMarkers) {
  const std::vector<sim::TraceEvent> events = {
      {0, "connect", "conn=1 from=a to=b"},
      {10, "ss.state", "ss1 echo CREATING ack=0"},
      {30, "ss.state", "ss1 echo CONNECTED ack=0"},
      {40, "fault", "reset conn=1"},
      {40, "end", "conn=1 reason=reset"},
      {50, "violation", "bad \"thing\""},
  };
  const std::string json = chrome_trace_json(events);
  EXPECT_EQ(json.rfind("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", 0), 0u);
  EXPECT_NE(json.find("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":1,\"args\":{\"name\":\"ss1\"}}"),
            std::string::npos);
  EXPECT_NE(json.find("{\"name\":\"CREATING\",\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":10,\"dur\":20,"),
            std::string::npos);
  EXPECT_NE(json.find("{\"name\":\"CONNECTED\",\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":30,\"dur\":20,"),
            std::string::npos);
  EXPECT_NE(json.find("{\"name\":\"conn=1\",\"ph\":\"X\",\"pid\":2,\"tid\":1,\"ts\":0,\"dur\":40,"),
            std::string::npos);
  EXPECT_NE(json.find("{\"name\":\"fault: reset conn=1\",\"ph\":\"i\",\"pid\":3,\"tid\":0,\"ts\":40,\"s\":\"g\""),
            std::string::npos);
  EXPECT_NE(json.find("\"name\":\"violation: bad \\\"thing\\\"\",\"ph\":\"i\""), std::string::npos);
}

}  // namespace
}  // namespace ss::campaign
