// The C++ API (runtime/include/ss/streams.h) over the FakeWorld.
#include <gtest/gtest.h>

#include "runtime/include/ss/streams.h"
#include "runtime/stream/testing/harness.h"

namespace ss {
namespace {

using stream::testing::FakeLoop;
using stream::testing::FakeNet;

TEST(CppApi, EchoWithRaiiHandle) {
  FakeLoop loop;
  FakeNet net(loop);
  std::vector<State> states;
  std::string got;
  {
    StreamContext ctx({.loop = &loop, .net = &net, .seed = 7,
                       .policy = stream::testing::test_policy()});
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
    loop.run_for(seconds(1));
    EXPECT_EQ(got, "hi there");
    StreamHandle moved = std::move(h);
    EXPECT_FALSE(h);
    EXPECT_TRUE(moved);
  }  // handle dropped, then context
  ASSERT_GE(states.size(), 2u);
  EXPECT_EQ(states.back(), State::kDestroying);
  EXPECT_EQ(states[states.size() - 2], State::kDisconnected);
  loop.run_until_idle();
  EXPECT_EQ(net.live_connections(), 0u);
}

TEST(CppApi, HandleEmptiesWhenStreamDestroysItself) {
  FakeLoop loop;
  FakeNet net(loop);
  StreamContext ctx({.loop = &loop, .net = &net, .policy = stream::testing::test_policy()});
  auto s = ctx.create("echo", {.state = [](State st, std::uint32_t) {
                                 return st == State::kTimeout ? Ret::kDestroyMe : Ret::kOk;
                               }});
  ASSERT_TRUE(s.ok());
  s->start_timeout(10);
  loop.run_for(seconds(1));
  EXPECT_FALSE(*s);
  EXPECT_EQ(s->request_tx(), Ret::kOk);  // harmless on an empty handle
  EXPECT_FALSE(s->set_metadata("x", "y").ok());
}

TEST(CppApi, UnknownStreamtype) {
  FakeLoop loop;
  FakeNet net(loop);
  StreamContext ctx({.loop = &loop, .net = &net, .policy = stream::testing::test_policy()});
  auto s = ctx.create("missing", {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("missing"), std::string::npos);
}

}  // namespace
}  // namespace ss
