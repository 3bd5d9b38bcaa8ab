// The C++ API (runtime/include/ss/streams.h) on the simulated world.
#include <gtest/gtest.h>

#include "runtime/include/ss/streams.h"
#include "sim/testing/stream_harness.h"

namespace ss {
namespace {

using sim::testing::StreamWorld;

TEST(CppApi, EchoWithRaiiHandle) {
  StreamWorld w;
  std::vector<State> states;
  std::string got;
  {
    StreamContext ctx({.loop = &w.loop(), .net = &w.net, .seed = 7,
                       .policy = sim::testing::test_policy()});
    bool sent = false;
    auto s = ctx.create("echo", {
        .rx = [&](std::span<const std::uint8_t> b, std::uint32_t) {
          got.append(b.begin(), b.end());
          return Ret::kOk;
        },
        .tx = [&](TxChunk& c) {
          if (sent) return Ret::kTxDontSend;
          std::string_view msg = "hi there";
          std::copy(msg.begin(), msg.end(), c.buffer.begin());
          c.len = msg.size();
          c.flags = kSom | kEom;
          sent = true;
          return Ret::kOk;
        },
        .state = [&](State st, std::uint32_t) {
          states.push_back(st);
          return Ret::kOk;
        },
    });
    ASSERT_TRUE(s.ok());
    StreamHandle h = std::move(*s);
    EXPECT_TRUE(h);
    h.request_tx();
    w.world.run_for(seconds(1));
    EXPECT_EQ(got, "hi there");
    StreamHandle moved = std::move(h);
    EXPECT_FALSE(h);
    EXPECT_TRUE(moved);
  }  // handle dropped, then context
  ASSERT_GE(states.size(), 2u);
  EXPECT_EQ(states.back(), State::kDestroying);
  EXPECT_EQ(states[states.size() - 2], State::kDisconnected);
  w.world.run_until_idle(1'000'000);
  EXPECT_EQ(w.net.live_connections(), 0u);
}

TEST(CppApi, HandleEmptiesWhenStreamDestroysItself) {
  StreamWorld w;
  StreamContext ctx({.loop = &w.loop(), .net = &w.net, .policy = sim::testing::test_policy()});
  auto s = ctx.create("echo", {.state = [](State st, std::uint32_t) {
                                 return st == State::kTimeout ? Ret::kDestroyMe : Ret::kOk;
                               }});
  ASSERT_TRUE(s.ok());
  s->start_timeout(10);
  w.world.run_for(seconds(1));
  EXPECT_FALSE(*s);
  EXPECT_EQ(s->request_tx(), Ret::kOk);  // harmless on an empty handle
  EXPECT_FALSE(s->set_metadata("x", "y").ok());
}

TEST(CppApi, UnknownStreamtype) {
  StreamWorld w;
  StreamContext ctx({.loop = &w.loop(), .net = &w.net, .policy = sim::testing::test_policy()});
  auto s = ctx.create("missing", {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("missing"), std::string::npos);
}

}  // namespace
}  // namespace ss
