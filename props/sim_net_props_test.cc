// Properties of the simulated network and clock (docs/sim.md "Network model"):
//   - without a reset, every byte written arrives exactly once and in order,
//     whatever the segmentation, latency, bandwidth and clogging;
//   - after a reset, the reader has seen a prefix of what was written, then
//     the reset reason, and nothing after it;
//   - timers fire in time order and never early; a cancelled timer never fires;
//   - nothing is left scheduled after all connections and timers are closed.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sim/world.h"

namespace ss::sim {
namespace {

struct Rec : ConnectionHandler {
  std::string data;
  bool ended = false;
  bool after_end = false;
  EndReason reason = EndReason::kClosedLocally;
  void on_data(std::span<const std::uint8_t> b) override {
    if (ended || b.empty()) after_end = true;
    data.append(reinterpret_cast<const char*>(b.data()), b.size());
  }
  void on_writable() override {}
  void on_end(EndReason r) override {
    if (ended) after_end = true;
    ended = true;
    reason = r;
  }
};

struct Pair {
  explicit Pair(std::uint64_t seed, LinkParams link, Segmentation seg) : world(options(seed, link, seg)) {
    a = world.add_host("a");
    b = world.add_host("b");
    auto l = world.net_for(b).listen(Endpoint::tcp("", 80), [this](std::unique_ptr<Connection> c) {
      server = std::move(c);
      server->set_handler(&server_rec);
    });
    listener = std::move(l.value());
    client = world.net_for(a).connect(Endpoint::tcp("b", 80), {}, &client_rec);
  }
  static WorldOptions options(std::uint64_t seed, LinkParams link, Segmentation seg) {
    WorldOptions o;
    o.seed = seed;
    o.link = link;
    o.segmentation = seg;
    o.buggify = seed % 2 == 0;
    return o;
  }
  World world;
  int a = 0, b = 0;
  std::unique_ptr<Listener> listener;
  std::unique_ptr<Connection> client, server;
  Rec client_rec, server_rec;
};

struct Op {
  int kind;  // 0 write, 1 clog, 2 unclog, 3 advance, 4 stall
  std::size_t size;
  Micros span;
};

rc::Gen<Op> gen_op() {
  return rc::gen::apply(
      [](int k, std::size_t size, Micros span) { return Op{k, size, span}; },
      rc::gen::inRange(0, 5), rc::gen::inRange<std::size_t>(1, 3000),
      rc::gen::inRange<Micros>(0, millis(50)));
}

std::string bytes_for(std::size_t offset, std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((offset + i) * 131 % 251);
  return s;
}

RC_GTEST_PROP(SimNetProps, NoResetMeansExactlyOnceInOrder, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const LinkParams link{*rc::gen::inRange<Micros>(0, millis(30)),
                        *rc::gen::element<std::uint64_t>(0, 1000, 100'000, 10'000'000)};
  const std::size_t max_seg = *rc::gen::inRange<std::size_t>(1, 5000);
  const auto ops = *rc::gen::container<std::vector<Op>>(gen_op());
  Pair p(seed, link, Segmentation{1, max_seg});
  p.world.run_until_idle(100000);
  RC_ASSERT(p.server != nullptr);
  std::string sent_up, sent_down;
  for (const Op& op : ops) {
    switch (op.kind) {
      case 0: {
        const std::string up = bytes_for(sent_up.size(), op.size);
        p.client->write(up);
        sent_up += up;
        const std::string down = bytes_for(sent_down.size() + 7, op.size / 2 + 1);
        p.server->write(down);
        sent_down += down;
        break;
      }
      case 1: p.world.network().clog(p.a, p.b, op.span); break;
      case 2: p.world.network().unclog(p.a, p.b); break;
      case 3: p.world.run_for(op.span); break;
      case 4: p.world.network().stall(p.client->id(), op.span); break;
    }
  }
  p.world.network().unclog(p.a, p.b);
  const RunResult r = p.world.run_until_idle(10'000'000);
  RC_ASSERT(r.idle);
  RC_ASSERT(p.server_rec.data == sent_up);
  RC_ASSERT(p.client_rec.data == sent_down);
  RC_ASSERT(!p.client_rec.ended);
  RC_ASSERT(!p.server_rec.ended);
  RC_ASSERT(!p.client_rec.after_end);
}

RC_GTEST_PROP(SimNetProps, AfterResetTheReaderSawAPrefixThenTheReason, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const LinkParams link{*rc::gen::inRange<Micros>(1, millis(30)),
                        *rc::gen::element<std::uint64_t>(0, 10'000, 1'000'000)};
  Pair p(seed, link, Segmentation{1, *rc::gen::inRange<std::size_t>(1, 2000)});
  p.world.run_until_idle(100000);
  const std::string all = bytes_for(0, *rc::gen::inRange<std::size_t>(1, 50000));
  p.client->write(all);
  p.world.run_for(*rc::gen::inRange<Micros>(0, millis(100)));
  const bool reset_client_side = *rc::gen::arbitrary<bool>();
  p.world.network().reset(reset_client_side ? p.client->id() : p.server->id());
  p.world.run_until_idle(10'000'000);
  const std::string& got = p.server_rec.data;
  RC_ASSERT(got.size() <= all.size());
  RC_ASSERT(all.compare(0, got.size(), got) == 0);
  RC_ASSERT(p.server_rec.ended);
  RC_ASSERT(p.server_rec.reason == EndReason::kReset);
  RC_ASSERT(p.client_rec.reason == EndReason::kReset);
  RC_ASSERT(!p.server_rec.after_end);
}

RC_GTEST_PROP(SimNetProps, TimersInOrderNeverEarlyCancelledNeverFire, ()) {
  World w;
  const auto deadlines = *rc::gen::container<std::vector<Micros>>(rc::gen::inRange<Micros>(-100, 100000));
  struct Armed {
    Micros deadline;
    TimerId id;
    bool cancelled = false;
  };
  std::vector<Armed> armed;
  std::vector<std::size_t> fired;
  std::vector<std::string> problems;
  for (std::size_t i = 0; i < deadlines.size(); ++i) {
    const Micros d = deadlines[i];
    const TimerId id = w.loop().at(d, [&, i, d] {
      if (w.now() < d) problems.push_back("early");
      if (armed[i].cancelled) problems.push_back("cancelled timer fired");
      fired.push_back(i);
    });
    armed.push_back(Armed{d, id});
  }
  for (std::size_t i = 0; i < armed.size(); ++i) {
    if (*rc::gen::inRange(0, 3) == 0) {
      RC_ASSERT(w.loop().cancel(armed[i].id));
      armed[i].cancelled = true;
    }
  }
  w.run_until_idle(1'000'000);
  RC_ASSERT(problems.empty());
  for (std::size_t k = 1; k < fired.size(); ++k) {
    const Micros prev = std::max<Micros>(0, armed[fired[k - 1]].deadline);
    const Micros cur = std::max<Micros>(0, armed[fired[k]].deadline);
    RC_ASSERT(prev <= cur);
    if (prev == cur) RC_ASSERT(fired[k - 1] < fired[k]);  // arming order on ties
  }
  std::size_t live = 0;
  for (const Armed& a : armed) live += a.cancelled ? 0 : 1;
  RC_ASSERT(fired.size() == live);
}

RC_GTEST_PROP(SimNetProps, NothingLeftScheduledAfterEverythingCloses, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Pair p(seed, LinkParams{*rc::gen::inRange<Micros>(0, millis(10)), 0},
         Segmentation{1, *rc::gen::inRange<std::size_t>(1, 3000)});
  std::vector<TimerId> timers;
  const int n = *rc::gen::inRange(0, 20);
  for (int i = 0; i < n; ++i) timers.push_back(p.world.loop().after(*rc::gen::inRange<Micros>(0, seconds(100)), [] {}));
  p.world.run_for(*rc::gen::inRange<Micros>(0, millis(20)));
  if (p.client) p.client->write(bytes_for(0, *rc::gen::inRange<std::size_t>(0, 10000) + 1));
  if (p.server) p.server->write(bytes_for(0, *rc::gen::inRange<std::size_t>(0, 10000) + 1));
  p.world.run_for(*rc::gen::inRange<Micros>(0, millis(20)));
  for (TimerId t : timers) p.world.loop().cancel(t);
  p.client.reset();
  p.server.reset();
  p.listener.reset();
  const RunResult r = p.world.run_until_idle(1'000'000);
  RC_ASSERT(r.idle);
  RC_ASSERT(p.world.scheduler().pending() == 0u);
  RC_ASSERT(p.world.network().end_count() == 0u);
  RC_ASSERT(p.world.network().listener_count() == 0u);
}

}  // namespace
}  // namespace ss::sim
