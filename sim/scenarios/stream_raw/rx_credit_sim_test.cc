// Manual rx credit (lws_ss_add_peer_tx_credit) against a peer that ignores
// it and pushes 2 MiB at once: the stream pauses reading while more than
// kHeldRxPauseAt is held, so TCP holds the peer back; every byte arrives,
// in order, as the user adds credit; the connection is never dropped.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/proto/raw/raw_binding.h"
#include "runtime/stream/context.h"
#include "sim/world.h"

namespace ss::stream {
namespace {

TEST(RxCreditSim, AFloodIsPacedByCreditNotDropped) {
  constexpr std::size_t kTotal = 2 * 1024 * 1024;
  sim::WorldOptions wo;
  wo.seed = 5;
  sim::World world(wo);
  const int client = world.add_host("client");
  const int server = world.add_host("server");

  std::string flood(kTotal, 'x');
  for (std::size_t i = 0; i < kTotal; ++i) flood[i] = static_cast<char>('a' + (i * 7) % 26);
  struct Pusher : ConnectionHandler {
    std::unique_ptr<Connection> conn;
    void on_data(std::span<const std::uint8_t>) override {}
    void on_end(EndReason) override {}
  };
  std::vector<std::unique_ptr<Pusher>> pushers;
  auto l = world.net_for(server).listen(Endpoint::tcp("", 9), [&](std::unique_ptr<Connection> c) {
    auto p = std::make_unique<Pusher>();
    p->conn = std::move(c);
    p->conn->set_handler(p.get());
    p->conn->write(std::string_view(flood));  // all of it, credit or not
    pushers.push_back(std::move(p));
  });
  ASSERT_TRUE(l.ok());

  auto pol = std::make_shared<policy::Policy>();
  policy::Streamtype st;
  st.name = "flood";
  st.endpoint = "server";
  st.port = 9;
  st.protocol = policy::Protocol::kRaw;
  st.opportunistic = true;
  pol->streamtypes.push_back(st);
  // Declared before the context: its teardown raises states into them.
  std::string got;
  int disconnects = 0;
  Context::Config cfg;
  cfg.loop = &world.loop();
  cfg.net = &world.net_for(client);
  cfg.policy = pol;
  std::size_t pauses = 0;
  cfg.hooks.trace = [&](std::string_view k, std::string_view t) {
    if (k == "ss.rxflow" && t.find("pause") != std::string_view::npos) ++pauses;
  };
  cfg.hooks.violation = [&](std::string_view t) { world.violation(std::string(t)); };
  Context ctx(std::move(cfg));
  proto::raw::register_raw_binding(ctx);

  StreamInfo info;
  info.streamtype = "flood";
  info.manual_initial_tx_credit = 1000;
  info.callbacks.rx = [&](std::span<const std::uint8_t> b, std::uint32_t) {
    got.append(b.begin(), b.end());
    return Ret::kOk;
  };
  info.callbacks.state = [&](int s, std::uint32_t) {
    disconnects += s == static_cast<int>(State::kDisconnected);
    return Ret::kOk;
  };
  auto s = ctx.create(std::move(info));
  ASSERT_TRUE(s.ok());
  (*s)->client_connect();
  // The user reads 64 KiB every 50 ms: 2 MiB in about 1.6 s.
  for (int i = 0; i < 100 && got.size() < kTotal; ++i) {
    world.run_for(millis(50));
    (*s)->add_peer_tx_credit(64 * 1024);
  }
  world.run_for(millis(200));
  EXPECT_EQ(disconnects, 0) << "the connection was dropped";
  ASSERT_EQ(got.size(), kTotal);
  EXPECT_TRUE(got == flood) << "bytes differ";
  EXPECT_GT(pauses, 0u) << "reading never paused";
  EXPECT_TRUE(world.violations().empty());
}

}  // namespace
}  // namespace ss::stream
