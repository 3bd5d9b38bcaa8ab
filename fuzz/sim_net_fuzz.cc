// Fuzz target: the simulated network driven by a fuzzer-chosen schedule.
//
// Input: byte 0 = run seed (and bit 7 = buggify), then (op, arg) byte pairs:
// writes either way, segmentation, time steps, link latency/bandwidth, clog,
// unclog, stall, one-way partitions both ways, heal, reset, peer half-close.
//
// Invariants (the same as props/sim_net_props_test.cc):
//   - no callback after on_end, on_data never empty, on_end at most once;
//   - without a reset: after healing and draining, each side has received
//     exactly the bytes the other wrote (once, in order);
//   - after a reset: each side has seen a prefix of what was written and
//     then ended with kReset;
//   - after a peer half-close: read_closed once, no data after it;
//   - the run drains (no livelock) and, once everything is closed, nothing
//     is left in the network;
//   - determinism: the same input gives the same trace hash (run twice).
// (Byte-by-byte feeding does not apply: the input is a schedule, not a
// stream; the replay runs every corpus file whole.)
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "sim/world.h"

namespace {

using namespace ss;
using namespace ss::sim;

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "sim_net_fuzz: invariant broken: %s\n", what);
  std::abort();
}

#define CHECK(cond)                \
  do {                             \
    if (!(cond)) broken(#cond);    \
  } while (0)

struct Side : ConnectionHandler {
  std::string got;
  bool ended = false, read_closed = false;
  EndReason reason = EndReason::kClosedLocally;
  void on_data(std::span<const std::uint8_t> b) override {
    CHECK(!ended);
    CHECK(!b.empty());
    CHECK(!read_closed);
    got.append(reinterpret_cast<const char*>(b.data()), b.size());
  }
  void on_read_closed() override {
    CHECK(!ended);
    CHECK(!read_closed);
    read_closed = true;
  }
  void on_writable() override { CHECK(!ended); }
  void on_end(EndReason r) override {
    CHECK(!ended);
    ended = true;
    reason = r;
  }
};

std::string pattern(std::size_t offset, std::size_t n, std::uint8_t salt) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((offset + i) * 167 + salt);
  return s;
}

bool is_prefix(const std::string& got, const std::string& sent) {
  return got.size() <= sent.size() && sent.compare(0, got.size(), got) == 0;
}

std::uint64_t run(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  WorldOptions o;
  o.seed = data[0] & 0x7f;
  o.buggify = (data[0] & 0x80) != 0;
  o.link = LinkParams{millis(1), 0};
  World w(o);
  const int a = w.add_host("a");
  const int b = w.add_host("b");
  Side client, server;
  std::unique_ptr<Connection> sconn;
  auto l = w.net_for(b).listen(Endpoint::tcp("", 80), [&](std::unique_ptr<Connection> c) {
    CHECK(sconn == nullptr);
    sconn = std::move(c);
    sconn->set_handler(&server);
  });
  CHECK(l.ok());
  ConnectOptions co;
  co.allow_half_close = true;
  co.connect_timeout = 0;
  auto cconn = w.net_for(a).connect(Endpoint::tcp("b", 80), co, &client);
  w.run_until_idle(100000);
  CHECK(sconn != nullptr);

  std::string up, down;
  bool reset = false, half_closed = false;
  for (std::size_t i = 1; i + 1 < size && i < 2001; i += 2) {
    const std::uint8_t op = data[i] % 14;
    const std::uint8_t arg = data[i + 1];
    switch (op) {
      case 0: {
        const std::string s = pattern(up.size(), arg + 1u, 1);
        cconn->write(s);
        up += s;  // after a reset only a prefix is promised, so count every byte
        break;
      }
      case 1: {
        const std::string s = pattern(down.size(), (arg + 1u) * 3, 2);
        sconn->write(s);
        if (!half_closed) down += s;  // after shutdown_write, writes are dropped
        break;
      }
      case 2: w.network().set_segmentation(Segmentation{1, arg + 1u}); break;
      case 3: w.run_for(static_cast<Micros>(arg) * 100, 1'000'000); break;
      case 4: w.network().set_link(a, b, LinkParams{static_cast<Micros>(arg) * 50, arg % 4 == 0 ? 0u : arg * 2000u}); break;
      case 5: w.network().clog(a, b, static_cast<Micros>(arg) * 1000); break;
      case 6: w.network().unclog(a, b); break;
      case 7: w.network().stall(cconn->id(), (static_cast<Micros>(arg) + 1) * 1000); break;
      case 8: w.network().partition(a, b, false, static_cast<Micros>(arg) * 1000); break;
      case 9: w.network().partition(b, a, arg % 2 == 0, static_cast<Micros>(arg) * 1000); break;
      case 10: w.network().heal(a, b); break;
      case 11:
        if (arg < 16 && !reset) {
          w.network().reset(arg % 2 == 0 ? cconn->id() : sconn->id());
          reset = true;
        }
        break;
      case 12:
        if (!half_closed && !reset && arg < 32) {
          w.network().half_close(cconn->id());  // the server side sends EOF
          w.run_for(0);
          half_closed = true;
        }
        break;
      case 13: w.step(); break;
    }
  }
  w.network().heal(a, b);
  w.network().unclog(a, b);
  const RunResult r = w.run_until_idle(50'000'000);
  CHECK(r.idle);
  if (!reset) {
    CHECK(server.got == up);
    CHECK(client.got == down);
    CHECK(!client.ended && !server.ended);
    CHECK(client.read_closed == half_closed);
  } else {
    CHECK(is_prefix(server.got, up));
    CHECK(is_prefix(client.got, down));
    CHECK(client.ended && server.ended);
    CHECK(client.reason == EndReason::kReset && server.reason == EndReason::kReset);
  }
  cconn.reset();
  sconn.reset();
  l.value().reset();
  CHECK(w.run_until_idle(50'000'000).idle);
  CHECK(w.network().end_count() == 0);
  return w.trace().hash();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::uint64_t h1 = run(data, size);
  const std::uint64_t h2 = run(data, size);
  CHECK(h1 == h2);
  return 0;
}
