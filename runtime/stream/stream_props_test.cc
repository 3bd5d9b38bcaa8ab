// rapidcheck state-machine test of one stream on the simulated world
// (sim/testing/stream_harness.h).
//
// Commands: create, connect, request_tx, peer sends, peer closes, network
// fault (reset / refuse / blackhole / DNS failure on the next connects),
// advance time, start/cancel timeout, destroy. After every command:
//   - the state sequence the user saw is legal under the table and the
//     engine reported no violation;
//   - no data lost or duplicated: every byte the tx callback produced was
//     written to the network once, in order, and every byte the network
//     delivered reached rx once, in order;
//   - no reconnect storm: an automatic connect comes at least the smallest
//     backoff (1000 ms for "echo") after the previous connect, unless the
//     user asked for it at that instant;
//   - ALL_RETRIES_FAILED at most once per retry budget;
// and after destroy: DESTROYING is the last state, and after the loop runs
// dry no connection, timer or stream is left.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <set>

#include "sim/testing/stream_harness.h"

namespace ss::stream {
namespace {

using sim::testing::Harness;
using sim::testing::HostMode;
using sim::testing::Recorder;

struct Model {
  bool created = false;
  bool destroyed = false;
};

struct Sut {
  Harness h{42};
  Recorder r;
  Stream* s = nullptr;  // valid while alive()
  std::vector<std::uint8_t> produced;  // every byte the tx callback handed out
  std::set<Micros> user_kicks;         // instants the user asked to connect
  std::string type = "echo";
  std::size_t violations_seen = 0;

  bool alive() const { return s && h.ctx->stream_count() == 1; }

  void check() {
    std::string why;
    RC_ASSERT(sim::testing::sequence_legal(r.states, &why));
    RC_ASSERT(h.violations.empty());
    // Data integrity.
    std::vector<std::uint8_t> written;
    for (const auto& [id, bytes] : h.net.written) written.insert(written.end(), bytes.begin(), bytes.end());
    RC_ASSERT(written == produced);
    RC_ASSERT(r.rx == h.net.delivered);
    // No storms.
    const auto& t = h.net.connect_times;
    for (std::size_t i = 1; i < t.size(); ++i) {
      if (user_kicks.count(t[i])) continue;
      RC_ASSERT(t[i] - t[i - 1] >= millis(1000));
    }
  }
};

using Cmd = rc::state::Command<Model, Sut>;

struct Create : Cmd {
  bool nailed = *rc::gen::arbitrary<bool>();
  void checkPreconditions(const Model& m) const override { RC_PRE(!m.created); }
  void apply(Model& m) const override { m.created = true; }
  void run(const Model&, Sut& sut) const override {
    sut.type = nailed ? "nailed" : "echo";
    StreamInfo info;
    info.streamtype = sut.type;
    info.callbacks = sut.r.callbacks();
    auto base_tx = info.callbacks.tx;
    Sut* p = &sut;
    info.callbacks.tx = [p, base_tx](std::uint32_t o, std::span<std::uint8_t> b, std::size_t& l,
                                     std::uint32_t& f) {
      Ret r = base_tx(o, b, l, f);
      if (r == Ret::kOk) p->produced.insert(p->produced.end(), b.begin(), b.begin() + l);
      return r;
    };
    sut.user_kicks.insert(sut.h.world.now());
    auto s = sut.h.ctx->create(std::move(info));
    RC_ASSERT(s.ok());
    sut.s = *s;
    sut.check();
  }
  void show(std::ostream& os) const override { os << "Create(" << (nailed ? "nailed" : "echo") << ")"; }
};

struct Alive : Cmd {
  void checkPreconditions(const Model& m) const override { RC_PRE(m.created && !m.destroyed); }
};

struct Connect : Alive {
  void run(const Model&, Sut& sut) const override {
    if (!sut.alive()) return;
    sut.user_kicks.insert(sut.h.world.now());
    sut.s->client_connect();
    sut.check();
  }
  void show(std::ostream& os) const override { os << "Connect"; }
};

struct RequestTx : Alive {
  std::vector<std::uint8_t> data =
      *rc::gen::container<std::vector<std::uint8_t>>(*rc::gen::inRange(1, 3000),
                                                     rc::gen::arbitrary<std::uint8_t>());
  void run(const Model&, Sut& sut) const override {
    if (!sut.alive()) return;
    sut.r.to_send.insert(sut.r.to_send.end(), data.begin(), data.end());
    sut.user_kicks.insert(sut.h.world.now());
    sut.s->request_tx();
    sut.check();
  }
  void show(std::ostream& os) const override { os << "RequestTx(" << data.size() << ")"; }
};

struct PeerSends : Alive {
  std::vector<std::uint8_t> data =
      *rc::gen::container<std::vector<std::uint8_t>>(*rc::gen::inRange(1, 200),
                                                     rc::gen::arbitrary<std::uint8_t>());
  void run(const Model&, Sut& sut) const override {
    sut.h.sim.peer_send(data);
    sut.check();
  }
  void show(std::ostream& os) const override { os << "PeerSends(" << data.size() << ")"; }
};

struct PeerCloses : Alive {
  void run(const Model&, Sut& sut) const override {
    sut.h.sim.peer_close();
    sut.check();
  }
  void show(std::ostream& os) const override { os << "PeerCloses"; }
};

struct NetFault : Alive {
  int kind = *rc::gen::inRange(0, 5);
  void run(const Model&, Sut& sut) const override {
    static constexpr HostMode kModes[] = {HostMode::kEcho, HostMode::kRefuse, HostMode::kBlackhole,
                                          HostMode::kNxdomain, HostMode::kEcho};
    if (kind == 4) {
      sut.h.sim.peer_reset();
    } else {
      sut.h.sim.set_mode("echo.test", kModes[kind]);
    }
    sut.check();
  }
  void show(std::ostream& os) const override { os << "NetFault(" << kind << ")"; }
};

struct AdvanceTime : Alive {
  int ms = *rc::gen::inRange(1, 30000);
  void checkPreconditions(const Model& m) const override { RC_PRE(m.created); }
  void run(const Model&, Sut& sut) const override {
    sut.h.world.run_for(millis(ms));
    sut.check();
  }
  void show(std::ostream& os) const override { os << "AdvanceTime(" << ms << ")"; }
};

struct StartTimeout : Alive {
  int ms = *rc::gen::inRange(0, 5000);
  void run(const Model&, Sut& sut) const override {
    if (!sut.alive()) return;
    sut.s->start_timeout(static_cast<std::uint32_t>(ms));
    sut.check();
  }
  void show(std::ostream& os) const override { os << "StartTimeout(" << ms << ")"; }
};

struct CancelTimeout : Alive {
  void run(const Model&, Sut& sut) const override {
    if (!sut.alive()) return;
    sut.s->cancel_timeout();
    sut.check();
  }
  void show(std::ostream& os) const override { os << "CancelTimeout"; }
};

// Scripts the user's answer: the next time `state` comes (or the next rx /
// tx call), answer DISCONNECT_ME or DESTROY_ME; exercises the deferred
// handling of return codes from every callback.
struct ScriptAnswer : Alive {
  int where = *rc::gen::inRange(0, 8);  // 0..5: a state; 6: rx; 7: tx
  bool destroy = *rc::gen::arbitrary<bool>();
  void run(const Model&, Sut& sut) const override {
    static constexpr State kStates[] = {State::kConnecting, State::kConnected, State::kDisconnected,
                                        State::kUnreachable, State::kTimeout, State::kPoll};
    const Ret ret = destroy ? Ret::kDestroyMe : Ret::kDisconnectMe;
    auto once = std::make_shared<bool>(true);
    if (where < 6) {
      const State target = kStates[where];
      sut.r.answer = [target, ret, once](State st) {
        if (st == target && *once) {
          *once = false;
          return ret;
        }
        return Ret::kOk;
      };
    } else if (where == 6) {
      sut.r.rx_answer = [ret, once] {
        if (!*once) return Ret::kOk;
        *once = false;
        return ret;
      };
    } else {
      sut.r.tx_answer = [ret, once] {
        if (!*once) return Ret::kOk;
        *once = false;
        return ret;
      };
    }
    sut.check();
  }
  void show(std::ostream& os) const override {
    os << "ScriptAnswer(" << where << (destroy ? ", DESTROY_ME)" : ", DISCONNECT_ME)");
  }
};

struct Destroy : Alive {
  void apply(Model& m) const override { m.destroyed = true; }
  void run(const Model&, Sut& sut) const override {
    if (sut.alive()) {
      sut.s->destroy();
    }
    RC_ASSERT(sut.r.states.back() == State::kDestroying);
    const auto connects = sut.h.net.connects();
    sut.h.run_until_idle();
    RC_ASSERT(sut.h.world.scheduler().pending() == 0u);  // no timer left behind
    RC_ASSERT(sut.h.net.live_connections() == 0u);
    RC_ASSERT(sut.h.ctx->stream_count() == 0u);
    RC_ASSERT(sut.h.ctx->graveyard_count() == 0u);
    RC_ASSERT(sut.h.net.connects() == connects);
    RC_ASSERT(sut.r.count(State::kDestroying) == 1u);
    sut.check();
  }
  void show(std::ostream& os) const override { os << "Destroy"; }
};

RC_GTEST_PROP(StreamStateMachine, EverySequenceLegalNoLossNoLeak, ()) {
  Model model;
  Sut sut;
  rc::state::check(model, sut,
                   rc::state::gen::execOneOfWithArgs<Create, Connect, RequestTx, PeerSends,
                                                     PeerCloses, NetFault, AdvanceTime,
                                                     StartTimeout, CancelTimeout, ScriptAnswer,
                                                     Destroy>());
  // The stream may have destroyed itself or still be alive: end it and
  // check that nothing leaks either way.
  if (sut.alive()) sut.s->destroy();
  sut.h.run_until_idle();
  RC_ASSERT(sut.h.world.scheduler().pending() == 0u);
  RC_ASSERT(sut.h.net.live_connections() == 0u);
  RC_ASSERT(sut.h.ctx->stream_count() == 0u);
  std::string why;
  RC_ASSERT(sim::testing::sequence_legal(sut.r.states, &why));
}

// ALL_RETRIES_FAILED comes exactly once per budget and the attempts before
// it follow the table, whatever the seed.
RC_GTEST_PROP(StreamRetry, AllRetriesFailedExactlyOncePerBudget, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  Recorder r;
  Harness h(seed);
  h.sim.set_mode("echo.test", *rc::gen::element(HostMode::kRefuse, HostMode::kNxdomain));
  StreamInfo info;
  info.streamtype = "echo";
  info.callbacks = r.callbacks();
  Stream* s = *h.ctx->create(std::move(info));
  s->request_tx();
  h.world.run_for(seconds(120));
  RC_ASSERT(r.count(State::kAllRetriesFailed) == 1u);
  RC_ASSERT(h.net.connects() == 4u);
  const auto& t = h.net.connect_times;
  const auto& failed = h.net.end_times;
  RC_ASSERT(failed.size() == t.size());
  // backoff 1000/2000/4000 with 20% jitter, from each failure to the next connect.
  const Micros lo[] = {1000, 2000, 4000}, hi[] = {1200, 2400, 4800};
  for (std::size_t i = 1; i < t.size(); ++i) {
    const Micros gap = t[i] - failed[i - 1];
    RC_ASSERT(gap >= millis(lo[i - 1]));
    RC_ASSERT(gap <= millis(hi[i - 1]));
  }
}

}  // namespace
}  // namespace ss::stream
