#include "runtime/core/fifo.h"

#include <deque>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "runtime/core/rng.h"

namespace ss {
namespace {

TEST(Fifo, HoldsNoStorageUntilFirstPush) {
  Fifo<std::string> q;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.capacity(), 0u);
  q.push_back("a");
  EXPECT_GT(q.capacity(), 0u);
}

TEST(Fifo, BehavesLikeADequeUnderRandomPushesAndPops) {
  Rng rng(42);
  Fifo<std::string> q;
  std::deque<std::string> model;
  for (int step = 0; step < 20000; ++step) {
    // Phases that grow, shrink and hover, so both drain and compaction run.
    int phase = (step / 2000) % 3;
    std::uint64_t push_weight = phase == 0 ? 7 : phase == 1 ? 3 : 5;
    if (model.empty() || rng.below(10) < push_weight) {
      std::string v = std::to_string(step);
      q.push_back(v);
      model.push_back(v);
    } else {
      ASSERT_EQ(q.front(), model.front()) << "step " << step;
      ASSERT_EQ(q.take_front(), model.front()) << "step " << step;
      model.pop_front();
    }
    ASSERT_EQ(q.size(), model.size()) << "step " << step;
    ASSERT_EQ(q.empty(), model.empty());
    if (!model.empty()) {
      ASSERT_EQ(q.back(), model.back());
      std::size_t mid = model.size() / 2;
      ASSERT_EQ(q[mid], model[mid]);
    }
  }
  std::deque<std::string> rest(q.begin(), q.end());
  EXPECT_EQ(rest, model);
}

TEST(Fifo, ReusesItsStorageOnceDrained) {
  Fifo<int> q;
  for (int i = 0; i < 64; ++i) q.push_back(i);
  while (!q.empty()) q.pop_front();
  std::size_t cap = q.capacity();
  for (int round = 0; round < 10000; ++round) {
    q.push_back(round);
    q.push_back(round + 1);
    EXPECT_EQ(q.take_front(), round);
    EXPECT_EQ(q.take_front(), round + 1);
  }
  EXPECT_EQ(q.capacity(), cap);
}

TEST(Fifo, AQueueThatNeverDrainsStaysBoundedByItsPeak) {
  // Two in, one out: never empty, so only compaction bounds the storage.
  Fifo<int> q;
  int next = 0, expect = 0;
  for (int i = 0; i < 1000; ++i) {
    q.push_back(next++);
    q.push_back(next++);
    EXPECT_EQ(q.take_front(), expect++);
  }
  for (int i = 0; i < 100000; ++i) {  // now hover at ~1000 queued
    q.push_back(next++);
    EXPECT_EQ(q.take_front(), expect++);
  }
  EXPECT_EQ(q.size(), 1000u);
  EXPECT_LE(q.capacity(), 4096u);
}

TEST(Fifo, PopReleasesWhatTheElementHeld) {
  auto held = std::make_shared<int>(7);
  Fifo<std::shared_ptr<int>> q;
  q.push_back(held);
  q.push_back(held);
  EXPECT_EQ(held.use_count(), 3);
  q.pop_front();
  EXPECT_EQ(held.use_count(), 2);  // released at the pop, not at a later compaction
  q.clear();
  EXPECT_EQ(held.use_count(), 1);
}

}  // namespace
}  // namespace ss
