// "h2": HTTP/2 streams (the stream engine and the h2 binding, as in
// production) multiplexed on connections to the simulated, misbehaving h2
// server over the faulty network (docs/sim.md, docs/protocols.md "HTTP/2").
//
// Workload (drawn from the seed, printed by describe()): TLS (ALPN h2) one
// seed in three, else h2c; 1-6 streams, each its own streamtype on "h2srv":
// a GET of /bytes/<n>/<tag> (0..60000 bytes) or a POST of 1..40000 bytes
// to /echo (sent in drawn chunks), 1-3 transactions each; some with manual
// rx credit (an initial credit, then grants of drawn sizes at drawn
// intervals); opportunistic or not, a retry policy (sometimes validity
// pings). The server misbehaves with drawn chances (sim/peers/h2_server.h):
// GOAWAY mid-stream, RST_STREAM, PING/SETTINGS floods, 7-byte windows,
// stalled reading, dead connections, connections cut mid-response. Network
// faults come from the usual one-server fault space. In a third of the
// seeds where every stream has a retry policy, each gets a validity hang-up
// (svalidhup) if it had none, and the server hangs for good behind its open
// connections at a drawn time (H2Server::freeze; new connections are served
// as usual).
//
// Invariants:
//   - every state sequence is legal under the transition table, DESTROYING
//     exactly once and last; EngineChecker's retry schedule and return codes;
//   - rx: SOM on each response's first piece, EOM on its last; the bytes of
//     every response, in order, are a prefix of the expected body
//     (byte-exact); a transaction acknowledged (QOS_ACK_REMOTE) got all of it;
//   - credit (manual streams): get_est_peer_tx_credit is never negative,
//     and is always initial + grants - bytes received (none lost, none
//     invented); in a calm run, credit is used: an open response whose
//     rest the credit covers gets bytes within 5 s of the last rx and grant
//     (the user grants only while it holds less than the rest, so a grant
//     that never became a WINDOW_UPDATE stalls it);
//   - calm run (no faults, no buggify, a server that neither resets, cuts
//     nor refuses): every transaction of every stream is acknowledged; a
//     manual stream's too when its grants covered all the bodies 5 s
//     before its end (a lost WINDOW_UPDATE stalls it); not asked when a
//     manual stream may hold one of too few stream slots;
//   - liveness: once faults have healed, a non-opportunistic stream with a
//     retry policy that never gives up is CONNECTED within the deadlines +
//     its largest jittered backoff + 1 s (not asked when the server has dead
//     connections, nor when a manual stream may hold one of too few stream
//     slots);
//   - a hung server is given up: no stream is CONNECTED on the frozen
//     connection the longest svalidhup + 3 s after the freeze (the
//     connection's hang-up is its opener's; 3 s for bytes on their way);
//   - nothing is left: stream_count() == 0 and no unreclaimed stream.
#include "sim/scenarios/h2/h2_scenario.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "runtime/bind/h2/h2_binding.h"
#include "runtime/policy/policy_builder.h"
#include "sim/peers/h2_server.h"
#include "sim/testing/stream_actor.h"
#include "sim/testing/stream_run.h"

namespace ss::sim {
namespace {

using stream::Ret;
using stream::State;

// A calm run's manual stream completes within this of its last needed grant
// (a stalled server reads again after 2 s).
constexpr Micros kCreditSlack = seconds(5);

struct StreamSpec {
  bool post = false;
  std::size_t size = 0;   // GET: body bytes; POST: request (= response) bytes
  std::uint64_t tag = 0;  // GET: the body pattern's tag
  std::size_t chunk = 1;  // POST: tx piece size
  int transactions = 1;
  std::int32_t manual_credit = 0;  // > 0: manual rx credit, this much first
  std::int32_t grant = 0;          // then this much every grant_every
  Micros grant_every = 0;
  bool opportunistic = false;
  bool has_retry = true;
  policy::RetryPolicy retry;
  Micros start_at = 0;
  Micros end_at = 0;
};

std::string expected_of(const StreamSpec& s, std::size_t ordinal) {
  std::string out(s.size, '\0');
  for (std::size_t i = 0; i < s.size; ++i) {
    out[i] = s.post ? static_cast<char>('a' + (ordinal + i) % 26)
                    : static_cast<char>(peers::h2_body_byte(s.tag, i));
  }
  return out;
}

struct Actor : testing::StreamActorBase<StreamSpec> {
  std::string expected;
  int asks_left = 0;
  bool in_txn = false;  // asked, not yet answered whole
  int acks = 0;
  // tx
  std::size_t tx_off = 0;
  // rx of the current response
  std::string cur;
  bool cur_open = false;
  bool cur_whole = false;  // the last response ended (EOM) with the whole body
  // credit bookkeeping (manual streams)
  std::int64_t granted = 0;
  std::int64_t received = 0;
  Micros last_rx = 0, last_grant = 0;
  bool reported_idle_credit = false;

  // Calm runs: credit the server was told about gets used. A response that
  // is open, with credit left, gets bytes within kCreditSlack of the last
  // rx and grant (a grant that never became a WINDOW_UPDATE stalls it: the
  // user stops granting once it holds a response's worth).
  void check_credit_used() {
    if (!s || gone || !connected || !cur_open || spec.manual_credit <= 0 || reported_idle_credit) return;
    const Micros quiet = world->now() - std::max(last_rx, last_grant);
    const auto need = static_cast<std::int64_t>(expected.size() - cur.size());
    if (s->get_est_peer_tx_credit() < need || quiet < kCreditSlack) return;
    reported_idle_credit = true;
    world->violation(name + ": " + std::to_string(s->get_est_peer_tx_credit()) +
                     " bytes of credit granted, enough for the open response's last " + std::to_string(need) +
                     " bytes, and nothing received for " + std::to_string(kCreditSlack / 1000) + " ms");
  }

  void check_credit() {
    if (!s || spec.manual_credit <= 0) return;
    const std::int64_t est = s->get_est_peer_tx_credit();
    if (est < 0) world->violation(name + ": estimated peer tx credit went negative: " + std::to_string(est));
    const std::int64_t want = spec.manual_credit + granted - received;
    if (est != want)
      world->violation(name + ": estimated peer tx credit " + std::to_string(est) + ", expected initial " +
                       std::to_string(spec.manual_credit) + " + granted " + std::to_string(granted) +
                       " - received " + std::to_string(received) + " = " + std::to_string(want));
  }

  void ask() {
    if (!s || gone || asks_left <= 0) return;
    --asks_left;
    in_txn = true;
    ask_body();
  }
  void ask_body() {
    tx_off = 0;
    if (spec.post) {
      (void)s->request_tx_len(spec.size);
    } else {
      s->request_tx();
    }
  }

  Ret on_state(State st) {
    if (!record_state(st)) return Ret::kOk;
    switch (st) {
      case State::kConnecting:
        // h2 sends the body before CONNECTED (the response head): a retry
        // asks for it again, from its start.
        if (spec.post && in_txn && s) ask_body();
        break;
      case State::kConnected:
        connected = true;
        cur_open = false;
        last_rx = world->now();
        break;
      case State::kQosAckRemote:
        ++acks;
        if (!cur_whole) world->violation(name + ": QOS_ACK_REMOTE without the whole body");
        break;
      case State::kDisconnected:
        connected = false;
        if (cur_whole) {
          cur_whole = false;
          in_txn = false;
          // The next transaction, from the loop (not inside the callback).
          world->loop().post([this] { ask(); });
        }
        break;
      case State::kDestroying:
        connected = false;
        break;
      default:
        break;
    }
    return Ret::kOk;
  }

  Ret on_rx(std::span<const std::uint8_t> b, std::uint32_t flags) {
    if (!rx_allowed()) return Ret::kOk;
    if (flags & stream::kFlagSom) {
      if (cur_open) world->violation(name + ": SOM while a response is open");
      cur.clear();
      cur_open = true;
      cur_whole = false;
    } else if (!cur_open && !b.empty()) {
      world->violation(name + ": " + std::to_string(b.size()) + " bytes without SOM and no response open");
    }
    const std::size_t at = cur.size();
    last_rx = world->now();
    cur.append(b.begin(), b.end());
    received += static_cast<std::int64_t>(b.size());
    if (cur.size() > expected.size() || cur.compare(at, b.size(), expected, at, b.size()) != 0)
      world->violation(name + ": response bytes " + std::to_string(at) + ".." + std::to_string(cur.size()) +
                       " differ from the body (out of order, lost or invented)");
    check_credit();
    if (flags & stream::kFlagEom) {
      cur_whole = cur == expected;
      cur_open = false;
    }
    return Ret::kOk;
  }

  Ret on_tx(std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    if (gone || !spec.post) return Ret::kTxDontSend;
    (void)testing::next_chunk(expected, spec.chunk, tx_off, buf, len, flags);
    return Ret::kOk;
  }

  // A reader's grants: more only while the credit it holds is less than
  // what the current response (or the next) still needs.
  void grant_more() {
    if (!s || gone || spec.grant <= 0) return;
    const std::size_t need = cur_open ? expected.size() - cur.size() : expected.size();
    if (s->get_est_peer_tx_credit() >= static_cast<std::int64_t>(need)) return;
    s->add_peer_tx_credit(spec.grant);
    granted += spec.grant;
    last_grant = world->now();
    check_credit();
  }
};

class H2Run final : public testing::StreamRun<peers::H2Server, Actor> {
 public:
  explicit H2Run(std::uint64_t seed) {
    Rng rng(seed);
    Rng draw = rng.fork(0x6832);  // "h2"
    // The order of the draws is the run: tls_ comes between the world's
    // options and the deadlines.
    options_ = draw_world_options(seed, draw, 4, 4096);
    tls_ = draw.chance(1, 3);
    deadlines_ = testing::draw_deadlines(draw);
    const int n = static_cast<int>(draw.between(1, 6));
    for (int i = 0; i < n; ++i) {
      StreamSpec s;
      s.post = draw.chance(1, 3);
      s.size = static_cast<std::size_t>(s.post ? draw.between(1, 40000) : draw.between(0, 60000));
      s.tag = draw.below(251);
      s.chunk = draw.chance(1, 2) ? 16384 : static_cast<std::size_t>(draw.between(1, 5000));
      s.transactions = static_cast<int>(draw.between(1, 3));
      if (draw.chance(1, 3)) {
        s.manual_credit = static_cast<std::int32_t>(draw.between(1, 20000));
        s.grant = static_cast<std::int32_t>(draw.between(1, 30000));
        s.grant_every = draw.between(millis(20), millis(800));
      }
      s.opportunistic = draw.chance(1, 5);
      s.has_retry = draw.chance(5, 6);
      s.retry = testing::draw_retry_policy(draw, static_cast<std::size_t>(i), 3);
      s.start_at = draw.between(0, millis(500));
      s.end_at = s.start_at + draw.between(seconds(8), seconds(30));
      specs_.push_back(std::move(s));
    }
    auto pct = [&](int one_in, int lo, int hi) {
      return draw.chance(1, static_cast<std::uint64_t>(one_in)) ? static_cast<int>(draw.between(lo, hi)) : 0;
    };
    server_.goaway_pct = pct(4, 5, 40);
    server_.rst_pct = pct(4, 5, 30);
    server_.flood_pct = pct(5, 5, 30);
    server_.starve_pct = pct(5, 10, 50);
    server_.stall_pct = pct(5, 10, 50);
    server_.dead_pct = pct(8, 5, 30);
    server_.kill_pct = pct(6, 5, 20);
    server_.max_concurrent_streams = draw.chance(1, 3) ? static_cast<std::uint32_t>(draw.between(1, 4)) : 100;
    server_.seed = draw.next_u64();
    const FaultSpace space = server_fault_space("h2srv", {Endpoint::tcp("0.0.0.0", port())}, {"client"});
    set_plan(draw.chance(1, 3) ? FaultPlan{} : random_fault_plan(draw, space));
    // Drawn from its own fork, so the draws above stay what they were.
    Rng freeze_draw = rng.fork(0x667265657a65);  // "freeze"
    const bool all_retry = std::all_of(specs_.begin(), specs_.end(), [](const StreamSpec& x) { return x.has_retry; });
    if (all_retry && freeze_draw.chance(1, 3)) {
      freeze_at_ = freeze_draw.between(seconds(1), seconds(5));
      for (auto& x : specs_) {
        auto& r = x.retry;
        if (!r.secs_since_valid_hangup)
          r.secs_since_valid_hangup = static_cast<std::uint16_t>(r.secs_since_valid_ping + freeze_draw.between(2, 4));
        longest_hup_ = std::max(longest_hup_, seconds(r.secs_since_valid_hangup));
      }
    }
  }

  void start(World& world) override {
    auto pol = std::make_shared<policy::Policy>();
    start_server(world, {.name = "h2srv", .ip = "10.6.0.1", .port = port(), .ca_name = "ca", .what = "h2 server"},
                 server_, *pol, {"h2"});
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const auto& spec = specs_[i];
      Actor& a = add_actor(i, spec);
      a.expected = expected_of(spec, a.ordinal);
      a.asks_left = spec.transactions;
      policy::Streamtype st =
          policy::streamtype("h2-" + std::to_string(i + 1), policy::Protocol::kH2, "h2srv", port());
      st.http_method = spec.post ? "POST" : "GET";
      st.http_url = spec.post ? "echo" : "bytes/" + std::to_string(spec.size) + "/" + std::to_string(spec.tag);
      st.opportunistic = spec.opportunistic;
      testing::add_streamtype(*pol, std::move(st), tls_, spec.has_retry, spec.retry);
    }
    make_context(pol, 0x4832, proto::h2::register_h2_binding);
    for (auto& upa : actors_) {
      Actor* a = upa.get();
      testing::schedule_stream_life(world, a, [this, a] { create(a); });
      if (a->spec.grant > 0) arm_grants(a, a->spec.start_at + a->spec.grant_every);
      if (a->spec.manual_credit > 0 && calm()) arm_credit_watch(a, a->spec.start_at + seconds(1));
    }
    world.install(plan_);
    if (freeze_at_) world.loop().at(freeze_at_, [this] { peer_->freeze(); }, {"server", 0, "freeze"});
  }

 private:
  std::uint16_t port() const { return tls_ ? 443 : 80; }

  std::string describe_workload() const override {
    std::string out = std::string("server h2srv (10.6.0.1") + (tls_ ? ":443, TLS, ALPN h2" : ":80, h2c") +
                      "): goaway=" + std::to_string(server_.goaway_pct) + "% rst=" + std::to_string(server_.rst_pct) +
                      "% flood=" + std::to_string(server_.flood_pct) + "% starve=" +
                      std::to_string(server_.starve_pct) + "% stall=" + std::to_string(server_.stall_pct) +
                      "% dead=" + std::to_string(server_.dead_pct) + "% kill=" + std::to_string(server_.kill_pct) +
                      "% max_concurrent=" + std::to_string(server_.max_concurrent_streams) +
                      (freeze_at_ ? " freezes at " + std::to_string(freeze_at_) + "us (hangs behind its open connections)" : "") +
                      "\nstreams:\n";
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const auto& s = specs_[i];
      out += "  stream" + std::to_string(i + 1) + (s.post ? " POST " : " GET ") + std::to_string(s.size) + "B" +
             (s.post ? "/" + std::to_string(s.chunk) : " tag=" + std::to_string(s.tag)) + " x" +
             std::to_string(s.transactions) + (s.opportunistic ? " opportunistic" : "");
      if (s.manual_credit > 0)
        out += " credit=" + std::to_string(s.manual_credit) + "+" + std::to_string(s.grant) + "/" +
               std::to_string(s.grant_every) + "us";
      out += testing::describe_retry(s.has_retry, s.retry);
      out += " start=" + std::to_string(s.start_at) + "us end=" + std::to_string(s.end_at) + "us\n";
    }
    return out;
  }

  bool calm() const {
    return plan_.actions.empty() && !options_.buggify && server_.goaway_pct == 0 && server_.rst_pct == 0 &&
           server_.dead_pct == 0 && server_.kill_pct == 0 && freeze_at_ == 0;
  }

  void check_stream(World& world, const Actor& a) override {
    check_liveness(world, a);
    const Micros until = freeze_at_ + longest_hup_ + seconds(3);
    if (freeze_at_ && a.connected_through(freeze_at_, until))
      world.violation(a.name + ": still CONNECTED at " + std::to_string(until) + " us on the connection of a server hung at " +
                      std::to_string(freeze_at_) + " us (svalidhup must hang up)");
    // Calm: every transaction completes; a manual stream's once its
    // grants cover every body, kCreditSlack before the stream's end.
    if (calm() && credit_covers(a.spec) && !slots_may_be_held() && a.acks != a.spec.transactions)
      world.violation(a.name + ": calm run, " + std::to_string(a.spec.transactions) + " transactions" +
                      (a.spec.manual_credit > 0 ? " (credit granted for all)" : "") + ", " +
                      std::to_string(a.acks) + " QOS_ACK_REMOTE");
  }


  void create(Actor* a) {
    stream::StreamInfo info = testing::actor_stream_info("h2-" + std::to_string(a->ordinal), a);
    info.manual_initial_tx_credit = a->spec.manual_credit;
    if (create_stream(a, std::move(info))) a->ask();
  }

  // Whether a manual stream's credit, granted by kCreditSlack before its
  // end, covers all its transactions' bodies (always for automatic ones).
  static bool credit_covers(const StreamSpec& s) {
    if (s.manual_credit <= 0) return true;
    if (s.grant <= 0 || s.grant_every <= 0) return false;
    const Micros until = s.end_at - kCreditSlack;
    if (until <= s.start_at) return false;
    const std::int64_t grants = (until - s.start_at) / s.grant_every;
    return s.manual_credit + grants * s.grant >= static_cast<std::int64_t>(s.size) * s.transactions;
  }

  void arm_credit_watch(Actor* a, Micros at) {
    if (at >= a->spec.end_at) return;
    world_->loop().at(at, [this, a, at] {
      a->check_credit_used();
      arm_credit_watch(a, at + seconds(1));
    }, {"stream", a->ordinal, "credit watch"});
  }

  void arm_grants(Actor* a, Micros at) {
    if (at >= a->spec.end_at) return;
    world_->loop().at(at, [this, a, at] {
      a->grant_more();
      arm_grants(a, at + a->spec.grant_every);
    }, {"stream", a->ordinal, "grant"});
  }

  // A manual stream keeps its slot until its user grants credit: with
  // fewer slots than streams the others wait behind it (h2 has no way
  // around a server's SETTINGS_MAX_CONCURRENT_STREAMS), and a stream that
  // waits longer than its protocol deadline fails by its retry policy
  // (docs/protocols.md "HTTP/2").
  bool slots_may_be_held() const {
    const bool manual = std::any_of(specs_.begin(), specs_.end(), [](const auto& x) { return x.manual_credit > 0; });
    return manual && server_.max_concurrent_streams < specs_.size();
  }

  void check_liveness(World& world, const Actor& a) {
    const auto& s = a.spec;
    if (s.opportunistic || !s.has_retry || s.retry.conceal != policy::RetryPolicy::kConcealForever) return;
    if (server_.dead_pct > 0) return;  // any number of dead connections in a row
    if (slots_may_be_held()) return;
    const Micros bound =
        deadlines_.transport + deadlines_.protocol + testing::largest_jittered_backoff(s.retry) + seconds(1);
    const Micros from = std::max(healed_at_, s.start_at);
    if (from + bound >= s.end_at) return;
    // Asked and not yet done at `from`: a CONNECTED must follow in time.
    bool ok = false;
    bool done_before = false;
    for (const auto& [t, st] : a.states) {
      if (t < from && st == State::kQosAckRemote && a.acks == s.transactions) done_before = true;
      ok |= st == State::kConnected && t >= from && t <= from + bound;
      ok |= st == State::kConnected && t < from;  // up already (a manual stream may stay up for its grants)
    }
    if (!ok && !done_before)
      world.violation(a.name + ": not CONNECTED within " + std::to_string(bound / 1000) + " ms after " +
                      std::to_string(from) + " us (faults healed, retry forever)");
  }

  std::vector<StreamSpec> specs_;
  peers::H2ServerOptions server_;
  Micros freeze_at_ = 0;    // the server hangs (0: never)
  Micros longest_hup_ = 0;  // with a freeze: the longest svalidhup of the streams
};

}  // namespace

std::unique_ptr<Scenario> make_h2_scenario() {
  return std::make_unique<SimpleScenario<H2Run>>(
      "h2", "HTTP/2 streams (GET, POST, manual credit, many per connection, TLS/ALPN or h2c) vs a misbehaving h2 server");
}

void register_h2_scenarios(ScenarioRegistry& registry) { registry.add(make_h2_scenario()); }

}  // namespace ss::sim
