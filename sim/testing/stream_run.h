// StreamRun: what the h2, mqtt and stream-ws scenarios' runs share
// (docs/sim.md, "Test helpers"). One server host runs the scenario's
// simulated peer, behind TLS when the run draws it; a client host runs a
// stream::Context with one actor per stream; the world options, engine
// deadlines and fault plan come from the seed. A scenario derives its run
// from StreamRun<ItsPeer, ItsActor> and keeps only what is its own: the
// workload and the peer's misbehaviour it draws, the streamtypes, and its
// invariants (check_stream, check_run). Every run ends with the state
// sequence and leftover checks and, where attached, EngineChecker's.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/bind/tls/tls_transport.h"
#include "runtime/core/rng.h"
#include "runtime/policy/policy.h"
#include "runtime/stream/context.h"
#include "runtime/stream/states.h"
#include "runtime/stream/stream.h"
#include "sim/scenario.h"
#include "sim/testing/engine_checker.h"
#include "sim/testing/sim_context.h"
#include "sim/testing/sim_tls.h"
#include "sim/testing/stream_actor.h"
#include "sim/world.h"

namespace ss::sim::testing {

// What every scenario actor knows of its stream; a scenario's Actor derives
// from it and adds its own bookkeeping and the on_state/on_rx/on_tx
// callbacks (actor_stream_info).
template <class Spec>
struct StreamActorBase {
  std::string name;           // "stream<ordinal>"
  std::uint64_t ordinal = 0;  // 1-based; names the stream's timers in the trace
  Spec spec;
  World* world = nullptr;
  stream::Stream* s = nullptr;
  bool gone = false;  // DESTROYING seen
  bool connected = false;
  std::vector<std::pair<Micros, stream::State>> states;

  // Notes `st` at the current time (DESTROYING: the stream is gone, s is
  // null); after DESTROYING reports the callback instead and returns false.
  bool record_state(stream::State st) {
    if (gone) {
      world->violation(name + ": state callback after DESTROYING");
      return false;
    }
    states.emplace_back(world->now(), st);
    if (st == stream::State::kDestroying) {
      gone = true;
      s = nullptr;
    }
    return true;
  }

  // Whether one CONNECTED spell covers [from, to]: CONNECTED at or before
  // `from`, and no DISCONNECTED, UNREACHABLE or DESTROYING until `to`.
  bool connected_through(Micros from, Micros to) const {
    bool up = false;
    for (const auto& [t, st] : states) {
      if (t > to) break;
      if (st == stream::State::kConnected && t <= from) up = true;
      if (st == stream::State::kDisconnected || st == stream::State::kUnreachable ||
          st == stream::State::kDestroying) {
        if (t >= from) return false;
        up = false;
      }
    }
    return up;
  }

  // Whether rx may come now (CONNECTED, not destroyed); a violation when not.
  bool rx_allowed() const {
    if (!gone && connected) return true;
    world->violation(name + ": rx while not CONNECTED");
    return false;
  }
};

// Where a run's server lives: host (also its DNS name) and address, the
// port its peer listens on, the name of its CA's certificate in the policy
// when over TLS, and how violations name it.
struct ServerHost {
  std::string name;
  std::string ip;
  std::uint16_t port = 0;
  std::string ca_name;
  std::string what;
};

// Peer: a simulated server made as Peer(loop, net, endpoint, options) with
// start() -> Error. Actor: derived from StreamActorBase<its Spec>.
template <class Peer, class Actor>
class StreamRun : public ScenarioRun {
 public:
  using Spec = decltype(Actor::spec);

  ~StreamRun() override {
    // Everything that runs TLS goes before OpenSSL's randomness is given back.
    ctx_.reset();
    peer_.reset();
    tls_server_.reset();
  }

  WorldOptions world_options() const override { return options_; }

  std::string describe() const override {
    return describe_world(options_) + describe_deadlines(deadlines_) + describe_workload() + "fault plan:\n" +
           plan_.to_string();
  }

  void check(World& world) override {
    for (const auto& a : actors_) {
      if (a->states.empty()) {
        world.violation(a->name + ": was never created");
        continue;
      }
      check_state_sequence(world, a->name, a->states);
      check_stream(world, *a);
    }
    check_run(world);
    check_nothing_left(world, ctx_.get());
    if (ctx_ && checker_) checker_->finish(*ctx_);
  }

 protected:
  // The server, the streams and the faults, as describe() prints them
  // between the world's and the fault plan's lines.
  virtual std::string describe_workload() const = 0;
  // A stream's own invariants, once it is known to have been created and
  // its state sequence was checked.
  virtual void check_stream(World& world, const Actor& a) = 0;
  // The run's own invariants over all streams.
  virtual void check_run(World&) {}

  // The first draws of every run: the world's options, then the deadlines.
  void draw_world(std::uint64_t seed, Rng& draw, std::size_t max_segment) {
    options_ = draw_world_options(seed, draw, 4, max_segment);
    deadlines_ = draw_deadlines(draw);
  }

  // The run's fault plan; healed_at_ becomes the end of its last fault.
  void set_plan(FaultPlan plan) {
    plan_ = std::move(plan);
    for (const auto& f : plan_.actions) healed_at_ = std::max(healed_at_, f.at + f.duration);
  }

  // Adds the server host, then the client host, and starts peer_ on the
  // server host with `options`: over TLS (a PKI for the host, its CA
  // trusted by `pol`, `alpn` what it selects from) when tls_.
  template <class Options>
  void start_server(World& world, const ServerHost& host, const Options& options, policy::Policy& pol,
                    std::vector<std::string> alpn = {}) {
    world_ = &world;
    const int server = world.add_host(host.name, host.ip);
    client_host_ = world.add_host("client");
    Net* net = &world.net_for(server);
    if (tls_) net = &tls_server_.serve(world, *net, host.name, host.ca_name, pol, std::move(alpn));
    peer_ = std::make_unique<Peer>(world.loop(), *net, Endpoint::tcp("0.0.0.0", host.port), options);
    if (Error e = peer_->start()) world.violation(host.what + ": " + e.message());
  }

  // Actor i (0-based) for `spec`: "stream<i + 1>".
  Actor& add_actor(std::size_t i, const Spec& spec) {
    auto a = std::make_unique<Actor>();
    a->world = world_;
    a->spec = spec;
    a->ordinal = i + 1;
    a->name = "stream" + std::to_string(i + 1);
    actors_.push_back(std::move(a));
    return *actors_.back();
  }

  // ctx_ on the client host (seed options_.seed ^ `salt`) with `pol`, the
  // run's TLS provider and deadlines, EngineChecker attached when
  // `check_engine`, the scenario's binding, and over TLS the TLS transport.
  void make_context(std::shared_ptr<const policy::Policy> pol, std::uint64_t salt,
                    void (*register_binding)(stream::Context&), bool check_engine = true) {
    stream::Context::Config cfg = context_config(*world_, client_host_, std::move(pol), options_.seed ^ salt);
    cfg.tls = tls_server_.provider();
    cfg.transport_timeout = deadlines_.transport;
    cfg.protocol_timeout = deadlines_.protocol;
    if (check_engine) {
      checker_ = std::make_unique<EngineChecker>(*world_);
      checker_->attach(cfg);
    }
    ctx_ = std::make_unique<stream::Context>(std::move(cfg));
    register_binding(*ctx_);
    if (tls_) ctx_->set_tls_transport(stream::make_tls_transport());
  }

  // Creates a's stream (info's on_bind sets a->s); false, with a
  // violation, when the context refuses.
  bool create_stream(Actor* a, stream::StreamInfo info) {
    auto s = ctx_->create(std::move(info));
    if (!s) world_->violation(a->name + ": create failed: " + s.error().message());
    return static_cast<bool>(s);
  }

  WorldOptions options_;
  Deadlines deadlines_;
  FaultPlan plan_;
  Micros healed_at_ = 0;
  bool tls_ = false;
  World* world_ = nullptr;
  int client_host_ = -1;
  SimTlsServer tls_server_;
  std::unique_ptr<Peer> peer_;
  std::unique_ptr<EngineChecker> checker_;  // outlives the context it watches
  std::unique_ptr<stream::Context> ctx_;
  std::vector<std::unique_ptr<Actor>> actors_;
};

}  // namespace ss::sim::testing
