// The C++ API (runtime/include/ss/streams.h) on the simulated world.
#include <gtest/gtest.h>

#include "runtime/include/ss/streams.h"
#include "runtime/policy/policy_builder.h"
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

// A ws server through the C++ API: SERVER_UPGRADE on the client's stream,
// change_handlers to an echo, a ws client stream of another context gets
// its message back (docs/api.md "Serving").
TEST(CppApi, WsServerUpgradeAndChangeHandlers) {
  sim::World world;
  const int client_host = world.add_host("client");
  const int server_host = world.add_host("server");
  policy::PolicyBuilder b(policy::streamtype(policy::Protocol::kWs, "server", 80));
  b.add("chat-server", [](policy::Streamtype& st) {
    st.server = true;
    st.endpoint = "";
  });
  b.add("chat", [](policy::Streamtype& st) { st.opportunistic = true; });
  auto pol = b.build();
  StreamContext server_ctx({.loop = &world.loop(), .net = &world.net_for(server_host), .seed = 1, .policy = pol});
  StreamContext client_ctx({.loop = &world.loop(), .net = &world.net_for(client_host), .seed = 2, .policy = pol});
  std::vector<State> server_states;
  auto server = server_ctx.serve("chat-server", [&](StreamHandle client) {
    auto c = std::make_shared<StreamHandle>(std::move(client));
    auto echo = std::make_shared<std::string>();
    return Handlers{.state = [&, c, echo](State st, std::uint32_t) {
      server_states.push_back(st);
      if (st != State::kServerUpgrade) return Ret::kOk;
      c->change_handlers({
          .rx = [c, echo](std::span<const std::uint8_t> b, std::uint32_t flags) {
            echo->append(b.begin(), b.end());
            return flags & kEom ? c->request_tx() : Ret::kOk;
          },
          .tx = [echo](TxChunk& chunk) {
            chunk.len = std::min(chunk.buffer.size(), echo->size());
            std::copy_n(echo->begin(), chunk.len, chunk.buffer.begin());
            echo->clear();
            chunk.flags = kSom | kEom;
            return Ret::kOk;
          },
      });
      return Ret::kOk;
    }};
  });
  ASSERT_TRUE(server.ok()) << server.error().message();
  std::string got;
  bool sent = false;
  auto chat = client_ctx.create("chat", {
      .rx = [&](std::span<const std::uint8_t> b, std::uint32_t) {
        got.append(b.begin(), b.end());
        return Ret::kOk;
      },
      .tx = [&](TxChunk& c) {
        if (sent) return Ret::kTxDontSend;
        std::string_view msg = "over the upgrade";
        std::copy(msg.begin(), msg.end(), c.buffer.begin());
        c.len = msg.size();
        c.flags = kSom | kEom;
        sent = true;
        return Ret::kOk;
      },
  });
  ASSERT_TRUE(chat.ok());
  chat->request_tx();
  world.run_for(seconds(2));
  EXPECT_EQ(got, "over the upgrade");
  EXPECT_EQ(server_states, (std::vector<State>{State::kCreating, State::kConnecting, State::kConnected,
                                               State::kServerUpgrade}));
  chat->reset();
  world.run_for(seconds(1));
  EXPECT_EQ(server_states.back(), State::kDestroying);
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
