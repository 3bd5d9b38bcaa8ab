// TimerHeap against a simple model: a sorted multiset of (deadline, id).
#include "runtime/posix/timer_heap.h"

#include <set>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include <rapidcheck/gtest.h>  // after gtest.h: it uses gtest macros

namespace ss::posix {
namespace {

RC_GTEST_PROP(TimerHeap, MatchesASortedModel, ()) {
  TimerHeap heap;
  std::set<std::pair<Micros, std::uint64_t>> model;
  const int steps = *rc::gen::inRange(1, 3000);
  Micros now = 0;
  for (int i = 0; i < steps; ++i) {
    const int op = *rc::gen::inRange(0, 10);
    if (op < 5) {
      const Micros at = now + *rc::gen::inRange(-5, 100);
      TimerId id = heap.arm(at, [] {});
      model.emplace(at, id.value);
    } else if (op < 8) {
      // Cancel a random id (may be unknown, fired or cancelled already).
      const std::uint64_t id = *rc::gen::inRange<std::uint64_t>(0, heap.next_id() + 2);
      bool in_model = false;
      for (auto it = model.begin(); it != model.end(); ++it) {
        if (it->second == id) {
          model.erase(it);
          in_model = true;
          break;
        }
      }
      RC_ASSERT(heap.cancel(TimerId{id}) == in_model);
    } else {
      now += *rc::gen::inRange(0, 50);
      const std::uint64_t limit = heap.next_id();
      while (auto task = heap.pop_due(now, limit)) {
        RC_ASSERT(!model.empty());
        RC_ASSERT(model.begin()->first <= now);
        model.erase(model.begin());
      }
      RC_ASSERT(model.empty() || model.begin()->first > now);
    }
    RC_ASSERT(heap.live() == model.size());
    auto next = heap.next_deadline();
    RC_ASSERT(next.has_value() == !model.empty());
    if (next) RC_ASSERT(*next == model.begin()->first);
  }
}

TEST(TimerHeap, EqualDeadlinesFireInArmingOrder) {
  TimerHeap heap;
  std::vector<int> order;
  for (int i = 0; i < 100; ++i) heap.arm(7, [&order, i] { order.push_back(i); });
  while (auto t = heap.pop_due(7, heap.next_id())) (*t)();
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST(TimerHeap, IdLimitHoldsBackTimersArmedDuringABatch) {
  TimerHeap heap;
  heap.arm(0, [] {});
  const std::uint64_t limit = heap.next_id();
  heap.arm(0, [] {});
  EXPECT_TRUE(heap.pop_due(0, limit).has_value());
  EXPECT_FALSE(heap.pop_due(0, limit).has_value());
  EXPECT_TRUE(heap.pop_due(0, heap.next_id()).has_value());
}

TEST(TimerHeap, ChurnDoesNotGrowTheHeap) {
  TimerHeap heap;
  for (int i = 0; i < 100000; ++i) heap.cancel(heap.arm(1000 + i, [] {}));
  EXPECT_EQ(heap.live(), 0u);
  EXPECT_LE(heap.heap_size(), 128u);  // dead entries are compacted from 64 on
}

}  // namespace
}  // namespace ss::posix
