// Loop seam conformance (loop.h): linked with every backend.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/core/testing/world.h"

namespace ss::testing {
namespace {

class LoopConformance : public ::testing::Test {
 protected:
  std::unique_ptr<ConformanceWorld> world_ = make_conformance_world();
  Loop& loop() { return world_->loop(); }
};

TEST_F(LoopConformance, TimersFireByDeadlineThenArmingOrderAndNeverEarly) {
  std::vector<std::string> order;
  std::vector<std::string> early;
  const Micros base = loop().now();
  auto arm = [&](Micros at, std::string name) {
    loop().at(at, [&, at, name] {
      if (loop().now() < at) early.push_back(name);
      order.push_back(name);
    });
  };
  arm(base + millis(30), "a");
  arm(base + millis(10), "b");
  arm(base + millis(10), "c");
  arm(base + millis(20), "d");
  arm(base, "e");
  arm(base + millis(10), "f");
  EXPECT_TRUE(order.empty()) << "a timer ran inline";
  ASSERT_TRUE(world_->run_until([&] { return order.size() == 6; }, seconds(5)));
  EXPECT_EQ(order, (std::vector<std::string>{"e", "b", "c", "f", "d", "a"}));
  EXPECT_TRUE(early.empty()) << early.front() << " fired early";
}

TEST_F(LoopConformance, LabelledTimersKeepTheContract) {
  // A TimerLabel only names the timer (loop.h, "Labels"): labelled and
  // unlabelled timers share one order, and cancel works on both.
  std::vector<std::string> order;
  const Micros base = loop().now();
  loop().at(base + millis(10), [&] { order.push_back("plain"); });
  loop().at(base + millis(10), [&] { order.push_back("labelled"); }, {"ss", 3, "retry"});
  loop().after(millis(5), [&] { order.push_back("after"); }, {"pool", 0, "idle sweep"});
  TimerId gone = loop().after(millis(1), [&] { order.push_back("cancelled"); }, {"proxy.link", 2, "frame deadline"});
  EXPECT_TRUE(gone);
  EXPECT_TRUE(loop().cancel(gone));
  EXPECT_TRUE(order.empty()) << "a timer ran inline";
  ASSERT_TRUE(world_->run_until([&] { return order.size() == 3; }, seconds(5)));
  EXPECT_EQ(order, (std::vector<std::string>{"after", "plain", "labelled"}));
}

TEST_F(LoopConformance, PastDeadlineFiresOnALaterTurn) {
  bool ran = false;
  loop().at(loop().now() - seconds(1), [&] { ran = true; });
  EXPECT_FALSE(ran);
  EXPECT_TRUE(world_->run_until([&] { return ran; }, seconds(1)));
}

TEST_F(LoopConformance, AfterWithNegativeDelayIsZero) {
  bool ran = false;
  const Micros before = loop().now();
  loop().after(-seconds(5), [&] {
    ran = true;
    EXPECT_GE(loop().now(), before);
  });
  EXPECT_TRUE(world_->run_until([&] { return ran; }, seconds(1)));
}

TEST_F(LoopConformance, CancelDisarmsOnceAndOnlyBeforeFiring) {
  int ran_a = 0, ran_b = 0;
  TimerId a = loop().after(millis(5), [&] { ++ran_a; });
  TimerId b = loop().after(millis(5), [&] { ++ran_b; });
  EXPECT_TRUE(a);
  EXPECT_FALSE(a == b);
  EXPECT_TRUE(loop().cancel(a));
  EXPECT_FALSE(loop().cancel(a));
  EXPECT_FALSE(loop().cancel(TimerId{}));
  ASSERT_TRUE(world_->run_until([&] { return ran_b == 1; }, seconds(2)));
  world_->run_for(millis(20));
  EXPECT_EQ(ran_a, 0);
  EXPECT_EQ(ran_b, 1);
  EXPECT_FALSE(loop().cancel(b)) << "cancel after firing must say false";
}

TEST_F(LoopConformance, CallbackMayCancelItselfAndAnotherDueTimer) {
  TimerId first, second;
  bool self_cancel = true, other_cancel = false;
  int second_ran = 0;
  const Micros at = loop().now() + millis(5);
  first = loop().at(at, [&] {
    self_cancel = loop().cancel(first);
    other_cancel = loop().cancel(second);
  });
  second = loop().at(at, [&] { ++second_ran; });
  world_->run_for(millis(50));
  EXPECT_FALSE(self_cancel);
  EXPECT_TRUE(other_cancel);
  EXPECT_EQ(second_ran, 0);
}

TEST_F(LoopConformance, PostIsFifoAndNeverInline) {
  std::vector<int> order;
  for (int i = 0; i < 100; ++i) {
    loop().post([&, i] {
      order.push_back(i);
      if (i == 0) loop().post([&] { order.push_back(1000); });
    });
  }
  EXPECT_TRUE(order.empty());
  ASSERT_TRUE(world_->run_until([&] { return order.size() == 101; }, seconds(1)));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
  EXPECT_EQ(order.back(), 1000);
}

TEST_F(LoopConformance, PostedWorkRunsBeforeALaterTimer) {
  std::vector<std::string> order;
  loop().after(millis(1), [&] { order.push_back("timer"); });
  loop().post([&] { order.push_back("post"); });
  ASSERT_TRUE(world_->run_until([&] { return order.size() == 2; }, seconds(1)));
  EXPECT_EQ(order, (std::vector<std::string>{"post", "timer"}));
}

TEST_F(LoopConformance, ManyTimersAllFireInOrder) {
  // Deadlines in a scrambled order; every timer fires once, sorted.
  std::vector<Micros> fired;
  const Micros base = loop().now();
  for (int i = 0; i < 2000; ++i) {
    const Micros at = base + (i * 7919) % 2000 * 10;  // µs, permuted
    loop().at(at, [&, at] { fired.push_back(at); });
  }
  ASSERT_TRUE(world_->run_until([&] { return fired.size() == 2000; }, seconds(5)));
  for (std::size_t i = 1; i < fired.size(); ++i) ASSERT_LE(fired[i - 1], fired[i]);
}

TEST_F(LoopConformance, NowNeverGoesBackwards) {
  Micros last = loop().now();
  int steps = 0;
  bool backwards = false;
  std::function<void()> tick = [&] {
    if (loop().now() < last) backwards = true;
    last = loop().now();
    if (++steps < 50) loop().after(100, tick);
  };
  loop().post(tick);
  ASSERT_TRUE(world_->run_until([&] { return steps >= 50; }, seconds(5)));
  EXPECT_FALSE(backwards);
}

}  // namespace
}  // namespace ss::testing
