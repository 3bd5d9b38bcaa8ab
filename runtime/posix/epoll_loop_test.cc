// EpollLoop specifics beyond the conformance suite: run/stop, wake() from
// another thread, fd watches.
#include "runtime/posix/epoll_loop.h"

#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "gtest/gtest.h"

namespace ss::posix {
namespace {

TEST(EpollLoop, StopEndsRun) {
  EpollLoop loop;
  int ticks = 0;
  std::function<void()> tick = [&] {
    if (++ticks == 3) {
      loop.stop();
    } else {
      loop.after(millis(1), tick);
    }
  };
  loop.post(tick);
  loop.run();
  EXPECT_EQ(ticks, 3);
}

TEST(EpollLoop, WakeFromAnotherThreadInterruptsABlockingTurn) {
  EpollLoop loop;
  std::thread other([&] { loop.wake(); });
  // Blocks "forever" unless the eventfd wakes it.
  loop.run_once(-1);
  other.join();
  SUCCEED();
}

TEST(EpollLoop, RunOnceWithZeroWaitPolls) {
  EpollLoop loop;
  EXPECT_EQ(loop.run_once(0), 0u);
  loop.post([] {});
  EXPECT_EQ(loop.run_once(0), 1u);
}

TEST(EpollLoop, WatchReportsReadinessAndUnwatchStopsIt) {
  EpollLoop loop;
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  int calls = 0;
  ASSERT_FALSE(loop.watch(fds[0], EPOLLIN, [&](std::uint32_t ev) {
    EXPECT_TRUE(ev & EPOLLIN);
    ++calls;
    char c;
    ASSERT_EQ(read(fds[0], &c, 1), 1);
  }));
  EXPECT_TRUE(loop.watch(fds[0], EPOLLIN, [](std::uint32_t) {})) << "double watch is an error";
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  loop.run_once(millis(100));
  EXPECT_EQ(calls, 1);
  loop.unwatch(fds[0]);
  ASSERT_EQ(write(fds[1], "y", 1), 1);
  loop.run_once(0);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(loop.modify(fds[0], EPOLLIN)) << "modify of an unwatched fd is an error";
  close(fds[0]);
  close(fds[1]);
}

TEST(EpollLoop, EventsOfAnFdUnwatchedInTheSameTurnAreDropped) {
  EpollLoop loop;
  int a[2], b[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, a), 0);
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, b), 0);
  int calls = 0;
  // Whichever runs first unwatches the other; only one may run.
  loop.watch(a[0], EPOLLIN, [&](std::uint32_t) { ++calls; loop.unwatch(b[0]); loop.unwatch(a[0]); });
  loop.watch(b[0], EPOLLIN, [&](std::uint32_t) { ++calls; loop.unwatch(a[0]); loop.unwatch(b[0]); });
  ASSERT_EQ(write(a[1], "x", 1), 1);
  ASSERT_EQ(write(b[1], "x", 1), 1);
  loop.run_once(millis(100));
  EXPECT_EQ(calls, 1);
  for (int fd : {a[0], a[1], b[0], b[1]}) close(fd);
}

// The loop holds a callback while it runs (watch table, epoll_loop.h): one
// that unwatches its own fd and watches the number again must leave the new
// watch in place, not get its old self put back.
TEST(EpollLoop, ACallbackThatWatchesItsOwnFdAgainLeavesTheNewWatch) {
  EpollLoop loop;
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  int old_calls = 0, new_calls = 0;
  auto drain = [&] {
    char c;
    while (read(fds[0], &c, 1) == 1) {
    }
  };
  ASSERT_FALSE(loop.watch(fds[0], EPOLLIN, [&](std::uint32_t) {
    ++old_calls;
    drain();
    loop.unwatch(fds[0]);
    ASSERT_FALSE(loop.watch(fds[0], EPOLLIN, [&](std::uint32_t) {
      ++new_calls;
      drain();
    }));
  }));
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  loop.run_once(millis(100));
  ASSERT_EQ(write(fds[1], "y", 1), 1);
  loop.run_once(millis(100));
  EXPECT_EQ(old_calls, 1);
  EXPECT_EQ(new_calls, 1);
  // And a callback that stays watched keeps being called.
  ASSERT_EQ(write(fds[1], "z", 1), 1);
  loop.run_once(millis(100));
  EXPECT_EQ(new_calls, 2);
  EXPECT_FALSE(loop.modify(fds[0], EPOLLIN)) << "modify with the mask already set is fine";
  loop.unwatch(fds[0]);
  close(fds[0]);
  close(fds[1]);
}

TEST(EpollLoop, SelfRearmingZeroTimerDoesNotStarvePosts) {
  EpollLoop loop;
  int timer_runs = 0;
  bool posted_ran = false;
  std::function<void()> rearm = [&] {
    ++timer_runs;
    loop.after(0, rearm);
  };
  loop.after(0, rearm);
  loop.post([&] { loop.post([&] { posted_ran = true; }); });
  for (int i = 0; i < 5 && !posted_ran; ++i) loop.run_once(0);
  EXPECT_TRUE(posted_ran);
  EXPECT_LE(timer_runs, 5);
}

}  // namespace
}  // namespace ss::posix
