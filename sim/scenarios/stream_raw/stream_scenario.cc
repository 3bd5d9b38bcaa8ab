// "stream-raw": raw Secure Streams over the faulty simulated network.
//
// Workload (all drawn from the seed, printed by describe()): 1-3 streams of
// streamtypes raw-retry (backoff 200/500/1000 ms, conceal 5), raw-opp
// (opportunistic), raw-nailed (nailed_up, conceal forever) or raw-once (no
// retry policy), each created at a drawn time, sending a drawn number of
// drawn-size messages (one per request_tx), optionally arming timeouts, and
// destroyed at a drawn end time. An echo server answers on echo-1:7. A
// random fault plan (refuse, blackhole, DNS, reset, half-close, stall, clog,
// partitions, listener restarts) runs over the first 3 s.
// Half the streams answer DISCONNECT_ME / DESTROY_ME from some callbacks
// (sim/testing/answer_plan.h) and half ask again a drawn time after
// ALL_RETRIES_FAILED (a fresh budget); the engine checker
// (sim/testing/engine_checker.h) judges the engine throughout.
//
// Invariants:
//   - every state sequence is legal under the transition table (the engine
//     reports illegal transitions to World::violation; checked again here);
//   - on every connection, what came back is a prefix of what was sent on
//     that connection (no loss in the middle, no duplication, no corruption);
//   - ALL_RETRIES_FAILED at most once between two CONNECTEDs;
//   - automatic connects are paced by the retry table (at least 200 ms apart
//     unless the user asked at that instant);
//   - every stream ends with exactly one DESTROYING, last;
//   - after the run no stream, no reclaimed-stream slot and no timer is
//     left (the run reaches idle: run_seed reports a livelock otherwise);
//   - with no faults and no buggify, every retrying/nailed stream gets all
//     its bytes back;
//   - in half of the seeds, local sinks: sources joining a sink in-process,
//     with their own invariants (sink_workload.h).
// Half the streams read with manual rx credit: a window of 64-2048 bytes,
// each rx's bytes granted back 0-30 ms later (a reader that consumes at its
// own pace), so the engine holds rx, and a DISCONNECT_ME from rx meets held
// bytes the engine must drop (the engine checker sees any delivered later).
#include "sim/scenarios/stream_raw/stream_scenario.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "runtime/bind/raw/raw_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "runtime/stream/state_table.h"
#include "sim/echo.h"
#include "sim/scenarios/stream_raw/sink_workload.h"
#include "sim/testing/answer_plan.h"
#include "sim/testing/engine_checker.h"
#include "sim/testing/sim_context.h"

namespace ss::sim {
namespace {

using stream::Ret;
using stream::State;

std::shared_ptr<const policy::Policy> scenario_policy() {
  policy::Streamtype base = policy::streamtype(policy::Protocol::kRaw, "echo-1", 7);
  base.timeout_ms = 1500;
  policy::PolicyBuilder b(base);
  b.retry("r5", {200, 500, 1000}, 5, 20);
  b.retry("forever", {300, 600}, policy::RetryPolicy::kConcealForever);
  b.add("raw-retry", [](policy::Streamtype& st) { st.retry = 0; });
  b.add("raw-opp", [](policy::Streamtype& st) {
    st.retry = 0;
    st.opportunistic = true;
  });
  b.add("raw-nailed", [](policy::Streamtype& st) {
    st.retry = 1;
    st.nailed_up = true;
  });
  b.add("raw-once");
  b.add(SinkWorkload::kStreamtype, [](policy::Streamtype& st) { st.local_sink = true; });
  return b.build();
}

struct StreamSpec {
  std::string type;
  Micros start_at = 0;
  Micros end_at = 0;
  int messages = 1;
  std::size_t max_message = 100;
  bool use_timeout = false;
  AnswerPlan answers;  // DISCONNECT_ME / DESTROY_ME from callbacks
  Micros again_after_arf = 0;  // > 0: request_tx this long after ALL_RETRIES_FAILED (a fresh budget)
  std::int32_t credit_window = 0;  // > 0: manual rx credit, this much to start with
  Micros credit_lag = 0;           // manual credit: each rx's bytes granted back after this
};

// One stream's user: sends its messages, checks echoes per connection.
struct Actor {
  World* world = nullptr;
  StreamSpec spec;
  std::string name;
  std::uint64_t ordinal = 0;  // "stream<ordinal>": names its timers in the trace
  stream::Stream* s = nullptr;
  Rng draw{0};
  std::vector<State> states;
  std::vector<std::uint8_t> conn_sent, conn_rx;
  std::size_t total_sent = 0, total_rx = 0;
  int messages_left = 0;
  bool arf_since_connect = false;
  bool destroyed = false;
  Micros last_connecting = -1;

  Ret on_state(State st, std::uint32_t ack) {
    states.push_back(st);
    const Ret planned = st == State::kDestroying ? Ret::kOk : spec.answers.on_state(stream::to_int(st));
    if (st == State::kConnecting) {
      // Only the first attempt is the user's (request_tx at creation);
      // every later one comes from the retry timer: no storms.
      const Micros now = world->now();
      if (last_connecting >= 0 && now - last_connecting < millis(200)) {
        world->violation(name + ": reconnect storm: attempts " +
                         std::to_string(now - last_connecting) + "us apart");
      }
      last_connecting = now;
    }
    if (st == State::kConnected) {
      conn_sent.clear();
      conn_rx.clear();
      arf_since_connect = false;
      if (messages_left > 0) s->request_tx();
    }
    if (st == State::kAllRetriesFailed) {
      if (arf_since_connect) world->violation(name + ": ALL_RETRIES_FAILED twice in one budget");
      arf_since_connect = true;
      if (spec.again_after_arf > 0) {
        world->loop().after(spec.again_after_arf, [this] {
          if (destroyed) return;
          arf_since_connect = false;  // request_tx from idle starts a fresh budget
          s->request_tx();
        }, {"stream", ordinal, "again"});
      }
    }
    if (st == State::kDestroying) destroyed = true;
    if (spec.use_timeout && st == State::kConnecting) s->start_timeout(0);
    if (st == State::kTimeout) {
      return stream::worse(planned, draw.chance(1, 3) ? Ret::kDisconnectMe : Ret::kOk);
    }
    return planned;
  }
  Ret on_rx(std::span<const std::uint8_t> b) {
    conn_rx.insert(conn_rx.end(), b.begin(), b.end());
    total_rx += b.size();
    if (conn_rx.size() > conn_sent.size() ||
        !std::equal(conn_rx.begin(), conn_rx.end(), conn_sent.begin())) {
      world->violation(name + ": echo is not a prefix of what this connection sent (" +
                       std::to_string(conn_rx.size()) + " back, " +
                       std::to_string(conn_sent.size()) + " sent)");
    }
    if (spec.credit_window > 0) {
      // Granted back later, as a reader that consumed them would.
      const auto n = static_cast<std::int32_t>(b.size());
      world->loop().after(spec.credit_lag, [this, n] {
        if (!destroyed) s->add_peer_tx_credit(n);
      }, {"stream", ordinal, "credit"});
    }
    return spec.answers.on_rx();
  }
  Ret on_tx(std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    if (messages_left <= 0) return Ret::kTxDontSend;
    // Nothing goes out with a DISCONNECT_ME / DESTROY_ME answer.
    if (const Ret planned = spec.answers.on_tx(); planned != Ret::kOk) return planned;
    const std::size_t n =
        std::min<std::size_t>(buf.size(), static_cast<std::size_t>(draw.between(1, static_cast<std::int64_t>(spec.max_message))));
    for (std::size_t i = 0; i < n; ++i) buf[i] = static_cast<std::uint8_t>(draw.next_u32());
    len = n;
    flags = stream::kFlagSom | stream::kFlagEom;
    conn_sent.insert(conn_sent.end(), buf.begin(), buf.begin() + n);
    total_sent += n;
    if (--messages_left > 0) s->request_tx();
    return Ret::kOk;
  }
};

class StreamRun final : public ScenarioRun {
 public:
  explicit StreamRun(std::uint64_t seed) {
    Rng rng(seed);
    Rng draw = rng.fork(0x7374726d);  // "strm"
    options_.seed = seed;
    options_.buggify = draw.chance(1, 3);
    options_.link.latency = draw.between(100, millis(20));
    options_.segmentation = Segmentation{1, static_cast<std::size_t>(draw.between(1, 2048))};
    static const char* kTypes[] = {"raw-retry", "raw-opp", "raw-nailed", "raw-once"};
    const int n = static_cast<int>(draw.between(1, 3));
    for (int i = 0; i < n; ++i) {
      StreamSpec s;
      s.type = kTypes[draw.below(4)];
      s.start_at = draw.between(0, millis(500));
      s.end_at = draw.between(seconds(5), seconds(9));
      s.messages = static_cast<int>(draw.between(1, 40));
      s.max_message = static_cast<std::size_t>(draw.between(1, 1540));
      s.use_timeout = draw.chance(1, 3);
      specs_.push_back(s);
    }
    const FaultSpace space = server_fault_space("echo-1", {Endpoint::tcp("10.2.0.1", 7)}, {"client"});
    plan_ = draw.chance(1, 4) ? FaultPlan{} : random_fault_plan(draw, space);
    actor_seed_ = draw.next_u64();
    // Drawn apart from the rest, so the workload above is the same as
    // before answers were drawn.
    Rng answers = rng.fork(0x72657473);  // "rets"
    for (auto& s : specs_) {
      s.answers = AnswerPlan::draw(answers, true,
                                   {State::kConnected, State::kConnecting, State::kPoll, State::kUnreachable,
                                    State::kDisconnected});
      if (answers.chance(1, 2)) s.again_after_arf = answers.between(millis(200), millis(1500));
    }
    sinks_ = SinkWorkload::draw(rng.fork(0x73696e6b));  // "sink": its own fork too
    Rng credit = rng.fork(0x63726564);  // "cred": manual credit, its own fork too
    for (auto& s : specs_) {
      if (!credit.chance(1, 2)) continue;
      s.credit_window = static_cast<std::int32_t>(credit.between(64, 2048));
      s.credit_lag = credit.between(0, millis(30));
    }
  }

  WorldOptions world_options() const override { return options_; }

  std::string describe() const override {
    std::string out = "world: seed=" + std::to_string(options_.seed) +
                      " buggify=" + (options_.buggify ? "on" : "off") +
                      " link.latency=" + std::to_string(options_.link.latency) + "us" +
                      " segmentation=[1," + std::to_string(options_.segmentation.max) + "]\n";
    out += "server: echo-1 (10.2.0.1:7)\nstreams:\n";
    for (const auto& s : specs_) {
      out += "  " + s.type + " start=" + std::to_string(s.start_at) + "us end=" +
             std::to_string(s.end_at) + "us messages=" + std::to_string(s.messages) +
             " max_message=" + std::to_string(s.max_message) +
             (s.use_timeout ? " timeout=policy" : "") +
             (s.again_after_arf ? " again_after_arf=" + std::to_string(s.again_after_arf) + "us" : "") +
             (s.credit_window ? " manual_credit=" + std::to_string(s.credit_window) + " lag=" +
                                    std::to_string(s.credit_lag) + "us"
                              : "") +
             s.answers.describe() + "\n";
    }
    out += sinks_.describe();
    out += "fault plan:\n" + plan_.to_string();
    return out;
  }

  void start(World& world) override {
    world_ = &world;
    const int server = world.add_host("echo-1", "10.2.0.1");
    server_ = std::make_unique<EchoServer>(world, server, Endpoint::tcp("0.0.0.0", 7));
    if (Error e = server_->start()) world.violation("echo server: " + e.message());
    const int client = world.add_host("client");
    stream::Context::Config cfg = sim::testing::context_config(world, client, scenario_policy(), options_.seed ^ 0x5ee5);
    checker_ = std::make_unique<EngineChecker>(world);
    checker_->attach(cfg);
    ctx_ = std::make_unique<stream::Context>(std::move(cfg));
    proto::raw::register_raw_binding(*ctx_);
    sinks_.start(world, *ctx_);
    Rng seeds(actor_seed_);
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      auto a = std::make_unique<Actor>();
      a->world = &world;
      a->spec = specs_[i];
      a->ordinal = i + 1;
      a->name = "stream" + std::to_string(i + 1) + "(" + specs_[i].type + ")";
      a->draw = Rng(seeds.next_u64());
      a->messages_left = specs_[i].messages;
      Actor* p = a.get();
      actors_.push_back(std::move(a));
      world.loop().at(specs_[i].start_at, [this, p] { create(p); }, {"stream", p->ordinal, "start"});
      world.loop().at(specs_[i].end_at, [p] {
        if (p->s && !p->destroyed) p->s->destroy();
      }, {"stream", p->ordinal, "end"});
    }
    world.install(plan_);
  }

  void check(World& world) override {
    const bool calm = plan_.actions.empty() && !options_.buggify;
    for (const auto& a : actors_) {
      if (!a->s) {
        world.violation(a->name + ": was never created");
        continue;
      }
      State tracked = State::kNone;
      for (State st : a->states) {
        if (!stream::transition_legal(tracked, st)) {
          world.violation(a->name + ": illegal " + stream::state_name(tracked) + " -> " +
                          stream::state_name(st));
        }
        tracked = stream::next_tracked(tracked, st);
      }
      const auto destroying = std::count(a->states.begin(), a->states.end(),
                                         State::kDestroying);
      if (destroying != 1 || a->states.back() != State::kDestroying) {
        world.violation(a->name + ": DESTROYING must come exactly once, last");
      }
      if (calm && a->spec.type != "raw-once" && a->spec.type != "raw-opp" &&
          !a->spec.use_timeout && !a->spec.answers.active() && a->total_rx != a->total_sent) {
        world.violation(a->name + ": calm run but only " + std::to_string(a->total_rx) + "/" +
                        std::to_string(a->total_sent) + " bytes came back");
      }
    }
    sinks_.check(world);
    if (ctx_ && (ctx_->stream_count() != 0 || ctx_->graveyard_count() != 0)) {
      world.violation("streams left behind: " + std::to_string(ctx_->stream_count()) +
                      " live, " + std::to_string(ctx_->graveyard_count()) + " unreclaimed");
    }
    if (!world.scheduler().idle()) world.violation("timers or work left in the scheduler");
    if (ctx_) checker_->finish(*ctx_);
  }

 private:
  void create(Actor* a) {
    stream::StreamInfo info;
    info.streamtype = a->spec.type;
    info.callbacks.state = [a](stream::State st, std::uint32_t ack) { return a->on_state(st, ack); };
    info.callbacks.rx = [a](std::span<const std::uint8_t> b, std::uint32_t) { return a->on_rx(b); };
    info.callbacks.tx = [a](std::uint32_t, std::span<std::uint8_t> b, std::size_t& l,
                            std::uint32_t& f) { return a->on_tx(b, l, f); };
    info.on_bind = [a](stream::Stream* s) { a->s = s; };
    info.manual_initial_tx_credit = a->spec.credit_window;
    auto s = ctx_->create(std::move(info));
    if (!s) {
      // A nailed-up stream connects inside create(): its answer plan may
      // destroy it there (DESTROYING seen), and create() says so.
      if (!a->destroyed) world_->violation(a->name + ": create failed: " + s.error().message());
      return;
    }
    if (a->spec.type != "raw-nailed") a->s->request_tx();
  }

  WorldOptions options_;
  std::vector<StreamSpec> specs_;
  FaultPlan plan_;
  SinkWorkload sinks_;
  std::uint64_t actor_seed_ = 0;
  World* world_ = nullptr;
  std::unique_ptr<EchoServer> server_;
  std::unique_ptr<EngineChecker> checker_;  // outlives the context it watches
  // Declared after the server: destroyed first (streams before the peer).
  std::unique_ptr<stream::Context> ctx_;
  std::vector<std::unique_ptr<Actor>> actors_;
};

class StreamRawScenario final : public Scenario {
 public:
  std::string name() const override { return "stream-raw"; }
  std::string summary() const override {
    return "raw Secure Streams (retry/opportunistic/nailed/no-retry) over the faulty network";
  }
  std::unique_ptr<ScenarioRun> derive(std::uint64_t seed) const override {
    return std::make_unique<StreamRun>(seed);
  }
};

}  // namespace

std::unique_ptr<Scenario> make_stream_raw_scenario() {
  return std::make_unique<StreamRawScenario>();
}

void register_stream_scenarios(ScenarioRegistry& registry) {
  registry.add(make_stream_raw_scenario());
}

}  // namespace ss::sim
