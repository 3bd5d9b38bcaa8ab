// ConnectionPool on simulated connections: per-key and total caps (oldest
// evicted first), the single sweep timer closing each idle connection
// idle_timeout after it was parked, peer activity ending an idle
// connection, and take() order (newest first).
#include "runtime/stream/connection_pool.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sim/world.h"

namespace ss::stream {
namespace {

struct Bed {
  Bed() {
    auto l = world.net_for(server).listen(Endpoint::tcp("", 80), [this](std::unique_ptr<Connection> c) {
      auto p = std::make_unique<Peer>();
      p->conn = std::move(c);
      p->conn->set_handler(p.get());
      peers.push_back(std::move(p));
    });
    EXPECT_TRUE(l.ok());
    listener = std::move(*l);
  }
  // A connected Link, as the engine would park it.
  Link connect() {
    Link link;
    link.relay = std::make_unique<Relay>();
    link.conn = world.net_for(client).connect(Endpoint::tcp("server", 80), {}, link.relay.get());
    world.run_for(millis(50));
    return link;
  }
  struct Peer : ConnectionHandler {
    std::unique_ptr<Connection> conn;
    bool ended = false;
    void on_data(std::span<const std::uint8_t>) override {}
    void on_end(EndReason) override { ended = true; }
  };
  std::size_t peers_ended() {
    std::size_t n = 0;
    for (auto& p : peers) n += p->ended;
    return n;
  }
  sim::World world{};
  int client = world.add_host("client");
  int server = world.add_host("server");
  std::unique_ptr<Listener> listener;
  std::vector<std::unique_ptr<Peer>> peers;
};

TEST(ConnectionPool, PerKeyCapEvictsTheOldest) {
  Bed bed;
  ConnectionPool pool(bed.world.loop());
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 5; ++i) {
    Link l = bed.connect();
    ids.push_back(l.conn->id());
    pool.park("k", std::move(l));
  }
  EXPECT_EQ(pool.idle_count(), ConnectionPool::kMaxIdlePerKey);
  bed.world.run_for(millis(50));
  EXPECT_EQ(bed.peers_ended(), 1u);  // the first one was closed
  auto first = pool.take("k");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->conn->id(), ids[4]);  // newest first (least likely stale)
  EXPECT_FALSE(pool.take("other"));
}

TEST(ConnectionPool, TotalCapEvictsTheOldestOfAnyKey) {
  Bed bed;
  ConnectionPool pool(bed.world.loop());
  for (std::size_t i = 0; i < ConnectionPool::kMaxIdle + 3; ++i) pool.park("k" + std::to_string(i), bed.connect());
  EXPECT_EQ(pool.idle_count(), ConnectionPool::kMaxIdle);
  EXPECT_FALSE(pool.take("k0"));
  EXPECT_FALSE(pool.take("k2"));
  EXPECT_TRUE(pool.take("k3"));
}

TEST(ConnectionPool, EachIdleConnectionClosesIdleTimeoutAfterItWasParked) {
  Bed bed;
  ConnectionPool pool(bed.world.loop(), seconds(5));
  pool.park("a", bed.connect());
  bed.world.run_for(seconds(2));
  pool.park("b", bed.connect());
  bed.world.run_for(seconds(3));  // a: 5 s idle
  EXPECT_EQ(pool.idle_count(), 1u);
  EXPECT_FALSE(pool.take("a"));
  bed.world.run_for(seconds(2));  // b: 5 s idle
  EXPECT_EQ(pool.idle_count(), 0u);
  bed.world.run_for(millis(50));
  EXPECT_EQ(bed.peers_ended(), 2u);
}

TEST(ConnectionPool, PeerCloseOrBytesEndAnIdleConnection) {
  Bed bed;
  ConnectionPool pool(bed.world.loop());
  pool.park("a", bed.connect());
  pool.park("b", bed.connect());
  bed.peers[0]->conn->close();
  bed.peers[1]->conn->write(std::string_view("HTTP/1.1 408 Request Timeout\r\n\r\n"));
  bed.world.run_for(millis(100));
  EXPECT_EQ(pool.idle_count(), 0u);
  EXPECT_FALSE(pool.take("a"));
  EXPECT_FALSE(pool.take("b"));
}

TEST(ConnectionPool, DestroyingThePoolClosesEverything) {
  Bed bed;
  {
    ConnectionPool pool(bed.world.loop());
    pool.park("a", bed.connect());
    pool.park("a", bed.connect());
  }
  bed.world.run_for(seconds(10));  // no timer of the dead pool may fire
  EXPECT_EQ(bed.peers_ended(), 2u);
}

}  // namespace
}  // namespace ss::stream
