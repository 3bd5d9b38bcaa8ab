// The simulated Loop beyond the conformance suite: virtual time jumps,
// tie order, the perturbation switch, run_for/run_until and livelock reports.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/world.h"

namespace ss::sim {
namespace {

TEST(Scheduler, TimeJumpsToTheNextEventAndTiesKeepInsertionOrder) {
  World w;
  std::vector<std::string> order;
  w.loop().at(seconds(100), [&] { order.push_back("late@" + std::to_string(w.now())); });
  w.loop().at(seconds(5), [&] { order.push_back("a@" + std::to_string(w.now())); });
  w.loop().at(seconds(5), [&] { order.push_back("b@" + std::to_string(w.now())); });
  w.loop().post([&] { order.push_back("post@" + std::to_string(w.now())); });
  const RunResult r = w.run_until_idle(100);
  EXPECT_TRUE(r.idle);
  EXPECT_EQ(r.events, 4u);
  EXPECT_EQ(order, (std::vector<std::string>{"post@0", "a@5000000", "b@5000000", "late@100000000"}));
}

TEST(Scheduler, SwapNextTiePerturbsExactlyOnePair) {
  World w;
  std::vector<int> order;
  for (int i = 0; i < 4; ++i) w.loop().at(millis(1), [&, i] { order.push_back(i); });
  w.scheduler().swap_next_tie();
  w.run_until_idle(100);
  EXPECT_EQ(order, (std::vector<int>{1, 0, 2, 3}));
}

TEST(Scheduler, RunForStopsAtTheSpanAndMovesTheClock) {
  World w;
  int fired = 0;
  w.loop().after(millis(10), [&] { ++fired; });
  w.loop().after(millis(30), [&] { ++fired; });
  w.run_for(millis(20));
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(w.now(), millis(20));
  w.run_until(millis(30));
  EXPECT_EQ(fired, 2);
  EXPECT_EQ(w.now(), millis(30));
  w.run_for(seconds(1));  // nothing left: the clock still moves
  EXPECT_EQ(w.now(), millis(1030));
}

TEST(Scheduler, BoundedDriveReportsLivelock) {
  World w;
  std::function<void()> again = [&] { w.loop().post(again); };
  w.loop().post(again);
  const RunResult r = w.run_until_idle(1000);
  EXPECT_TRUE(r.livelock);
  EXPECT_FALSE(r.idle);
  EXPECT_EQ(r.events, 1000u);
}

TEST(Scheduler, TimersAreTracedWithTheirTime) {
  WorldOptions o;
  o.keep_trace = true;
  World w(o);
  TimerId t = w.loop().after(millis(3), [] {});
  w.loop().after(millis(2), [] {});
  w.run_until_idle(10);
  ASSERT_EQ(w.trace().events().size(), 2u);
  EXPECT_EQ(w.trace().events()[0].time, millis(2));
  EXPECT_EQ(w.trace().events()[1].kind, "timer");
  EXPECT_EQ(w.trace().events()[1].text, "id=" + std::to_string(t.value));
}

TEST(Scheduler, TimerTraceNamesTheLabelledOwner) {
  WorldOptions o;
  o.keep_trace = true;
  World w(o);
  Loop& loop = w.loop();
  TimerId retry = loop.after(millis(1), [] {}, {"ss", 3, "retry"});
  TimerId pool = loop.at(millis(2), [] {}, {"pool", 0, "idle sweep"});
  TimerId gone = loop.after(millis(3), [] {}, {"proxy.link", 2, "frame deadline"});
  EXPECT_TRUE(loop.cancel(gone));  // a cancelled labelled timer leaves no line
  w.run_until_idle(10);
  ASSERT_EQ(w.trace().events().size(), 2u);
  EXPECT_EQ(w.trace().events()[0].time, millis(1));
  EXPECT_EQ(w.trace().events()[0].text, "ss3 retry id=" + std::to_string(retry.value));
  EXPECT_EQ(w.trace().events()[1].text, "pool idle sweep id=" + std::to_string(pool.value));
}

TEST(TimerLabel, RendersOwnerNumberAndWhat) {
  EXPECT_EQ((TimerLabel{"ss", 3, "retry"}).to_string(), "ss3 retry");
  EXPECT_EQ((TimerLabel{"pool", 0, "idle sweep"}).to_string(), "pool idle sweep");
  EXPECT_EQ((TimerLabel{"lws_sul", 0, nullptr}).to_string(), "lws_sul");
  EXPECT_EQ(TimerLabel{}.to_string(), "");
  EXPECT_FALSE(TimerLabel{});
}

TEST(Trace, HigherLayersRecordAtSimTime) {
  WorldOptions o;
  o.keep_trace = true;
  World w(o);
  w.loop().after(millis(7), [&] {
    w.record("stream", "CONNECTED");
    w.trace().record("stream", "QOS_ACK_REMOTE");
  });
  w.run_until_idle(10);
  ASSERT_EQ(w.trace().events().size(), 3u);
  EXPECT_EQ(w.trace().events()[1].time, millis(7));
  EXPECT_EQ(w.trace().events()[2].time, millis(7));
  EXPECT_EQ(w.trace().to_string(), "7000 timer id=1\n7000 stream CONNECTED\n7000 stream QOS_ACK_REMOTE\n");
}

TEST(Trace, HashIsFnv1a64OverTimeKindAndText) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);  // published FNV-1a 64 test vector
  Trace a, b, c;
  a.record(1, "k", "x");
  b.record(1, "k", "x");
  c.record(2, "k", "x");
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_NE(a.hash(), c.hash());
  Trace d, e;  // boundaries matter: ("ab","c") != ("a","bc")
  d.record(0, "ab", "c");
  e.record(0, "a", "bc");
  EXPECT_NE(d.hash(), e.hash());
}

TEST(Buggify, SitesAreDecidedPerRunAndOffWhenDisabled) {
  Rng r1(5), r2(5);
  Buggify on_a(99, true), on_b(99, true), off(99, false);
  int fired_a = 0, fired_b = 0;
  for (int i = 0; i < 400; ++i) {
    fired_a += on_a.fire("site.one", r1) ? 1 : 0;
    fired_b += on_b.fire("site.one", r2) ? 1 : 0;
    EXPECT_FALSE(off.fire("site.one", r1));
  }
  EXPECT_EQ(fired_a, fired_b);  // same seed, same decisions
  // Across many run seeds, about a quarter of them switch a site on.
  int enabled = 0;
  for (std::uint64_t s = 0; s < 400; ++s) {
    Buggify b(s, true);
    Rng r(s);
    b.fire("site.two", r);
    enabled += b.sites().at("site.two") ? 1 : 0;
  }
  EXPECT_GT(enabled, 60);
  EXPECT_LT(enabled, 140);
}

}  // namespace
}  // namespace ss::sim
