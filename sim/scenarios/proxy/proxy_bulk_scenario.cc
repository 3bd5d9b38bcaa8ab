// "proxy-bulk": client processes move real amounts of data through the SS
// proxy and read the way real processes do.
//
// World (all drawn from the seed, printed by describe()): host "box" runs
// the proxy (ProxyServer + the stream engine, as ss-proxy does) and 2-5
// client processes (BulkClient); host "files-1" serves h1 downloads
// (HttpServer), raw downloads (BulkSource) and a raw echo; host "dead-1"
// refuses every connection and "hole-1" never answers one. The policy is
// drawn too: client_buflen, and sometimes proxy_buflen_rxflow_on_above /
// _off_below. Each client has a role (h1 download, raw download, echo
// upload, dead endpoint), a size from 0 bytes to 6 MiB, and a reader:
// fast, slow (reads 10-50 ms, pauses 20-200 ms), stalls once for 1-8 s, or
// stops reading for good. Half of the seeds add a fault plan on files-1.
//
// Invariants (checked on every seed):
//   - no RX_PAYLOAD frame larger than a libwebsockets client with the
//     announced client_buflen holds; every byte from the proxy decodes;
//   - every connection's bytes are a prefix of the body (no loss in the
//     middle, no duplication, no reordering), and a QOS_ACK_REMOTE only
//     ever comes with the whole body (never a silent short body);
//   - calm runs (no faults, no buggify): every transfer of a client that
//     keeps reading completes whole, whatever its pace; a client that stops
//     reading is dropped by the proxy, not kept for ever;
//   - a dead endpoint gives ALL_RETRIES_FAILED exactly once per ask
//     (the client asks again after the first), after exactly conceal+1
//     failed attempts, never CONNECTED, within the bound of its policy;
//   - every client process ends (done, failed, or dropped) by itself;
//   - at the end no proxy link, onward stream or timer is left.
#include "sim/scenarios/proxy/proxy_bulk_scenario.h"

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/proxy/server.h"
#include "runtime/stream/states.h"
#include "sim/echo.h"
#include "sim/peers/bulk_source.h"
#include "sim/peers/http_server.h"
#include "sim/scenarios/proxy/bulk_client.h"
#include "sim/scenarios/proxy/sim_proxy_process.h"

namespace ss::sim {
namespace {

using proxy::testing::BulkClient;
using proxy::testing::BulkClientSpec;
using proxy::testing::BulkRole;
using proxy::testing::Reader;
using stream::State;


// The dead streamtypes' retry policy, and the longest a blackholed attempt
// may take (the engine's transport deadline); the liveness bound follows.
constexpr std::uint32_t kDeadBackoff[] = {100, 300, 600};
constexpr std::uint32_t kDeadConceal = 3;
constexpr std::uint32_t kDeadJitterPc = 20;
constexpr Micros kAttemptMax = seconds(30);
// A client that is not done by then is stuck.
constexpr Micros kClientDeadline = seconds(400);

struct Spec {
  BulkClientSpec client;
  Micros start_at = 0;
  bool dead_hole = false;  // kDead: blackholed (else refused)
};

std::string make_policy(std::uint32_t client_buflen, std::uint32_t on_above, std::uint32_t off_below) {
  std::string flow;
  if (on_above)
    flow = R"(, "proxy_buflen_rxflow_on_above": )" + std::to_string(on_above) +
           R"(, "proxy_buflen_rxflow_off_below": )" + std::to_string(off_below);
  const std::string common = R"(, "client_buflen": )" + std::to_string(client_buflen) + flow;
  std::string dead_backoff;
  for (auto b : kDeadBackoff) dead_backoff += (dead_backoff.empty() ? "" : ", ") + std::to_string(b);
  return R"({
  "release": "sim", "product": "ss-sim proxy-bulk scenario", "schema-version": 1,
  "retry": [{"r5": {"backoff": [200, 500, 1000], "conceal": 5, "jitterpc": 20}},
            {"r3": {"backoff": [)" + dead_backoff + R"(], "conceal": )" + std::to_string(kDeadConceal) +
         R"(, "jitterpc": )" + std::to_string(kDeadJitterPc) + R"(}}],
  "s": [
    {"h1-dl": {"endpoint": "files-1", "port": 80, "protocol": "h1", "http_method": "GET",
               "http_url": "dl/${obj}", "retry": "r5", "metadata": [{"obj": ""}])" + common + R"(}},
    {"raw-dl": {"endpoint": "files-1", "port": 9000, "protocol": "raw", "retry": "r5",
                "opportunistic": true)" + common + R"(}},
    {"echo": {"endpoint": "files-1", "port": 7, "protocol": "raw", "retry": "r5")" + common + R"(}},
    {"dead-refused": {"endpoint": "dead-1", "port": 81, "protocol": "raw", "retry": "r3")" + common + R"(}},
    {"dead-hole": {"endpoint": "hole-1", "port": 81, "protocol": "raw", "retry": "r3")" + common + R"(}}
  ]
})";
}

// Sizes as real traffic has them: some empty, most small, some MiBs.
std::size_t draw_size(Rng& draw, std::size_t big) {
  switch (draw.below(8)) {
    case 0: return 0;
    case 1: case 2: case 3: return static_cast<std::size_t>(draw.between(1, 64 * 1024));
    case 4: case 5: case 6: return static_cast<std::size_t>(draw.between(64 * 1024, 1024 * 1024));
    default: return static_cast<std::size_t>(draw.between(1024 * 1024, static_cast<std::int64_t>(big)));
  }
}

class ProxyBulkRun final : public ScenarioRun {
 public:
  explicit ProxyBulkRun(std::uint64_t seed) {
    Rng rng(seed);
    Rng draw = rng.fork(0x62756c6b);  // "bulk"
    options_ = draw_world_options(seed, draw, 4, 65536);
    const std::uint32_t buflens[] = {0, 8192, 32768, 131072};
    client_buflen_ = buflens[draw.below(4)];
    if (draw.chance(1, 3)) {
      const std::uint32_t aboves[] = {16384, 65536, 196608};
      on_above_ = aboves[draw.below(3)];
      off_below_ = on_above_ / 4;
    }
    raw_body_ = peers::bulk_pattern(draw_size(draw, 6 << 20), 1);
    const int n = static_cast<int>(draw.between(2, 5));
    for (int i = 0; i < n; ++i) {
      Spec s;
      s.start_at = draw.between(0, millis(500));
      const auto r = draw.below(20);
      s.client.role = r < 8 ? BulkRole::kDownloadH1 : r < 13 ? BulkRole::kDownloadRaw : r < 17 ? BulkRole::kEchoUpload : BulkRole::kDead;
      const auto rd = draw.below(10);
      s.client.reader = rd < 4 ? Reader::kFast : rd < 7 ? Reader::kSlow : rd < 9 ? Reader::kStall : Reader::kStop;
      s.client.slow_read = draw.between(millis(10), millis(50));
      s.client.slow_pause = draw.between(millis(20), millis(200));
      s.client.stall_at = draw.between(millis(100), seconds(2));
      s.client.stall_for = draw.between(seconds(1), seconds(8));
      switch (s.client.role) {
        case BulkRole::kDownloadH1:
          s.client.streamtype = "h1-dl";
          s.client.object = "o" + std::to_string(i + 1);
          s.client.expected = peers::bulk_pattern(draw_size(draw, 6 << 20), static_cast<std::uint32_t>(i + 2));
          break;
        case BulkRole::kDownloadRaw:
          s.client.streamtype = "raw-dl";
          s.client.expected = raw_body_;
          break;
        case BulkRole::kEchoUpload:
          s.client.streamtype = "echo";
          s.client.expected = peers::bulk_pattern(draw_size(draw, 2 << 20), static_cast<std::uint32_t>(i + 100));
          break;
        case BulkRole::kDead:
          s.client.reader = Reader::kFast;  // its states are what it reads; the bound is on them
          s.dead_hole = draw.chance(1, 2);
          s.client.streamtype = s.dead_hole ? "dead-hole" : "dead-refused";
          break;
      }
      specs_.push_back(std::move(s));
    }
    if (draw.chance(1, 2)) {
      plan_ = random_fault_plan(draw, server_fault_space("files-1", {Endpoint::tcp("0.0.0.0", 80),
                                                                     Endpoint::tcp("0.0.0.0", 9000),
                                                                     Endpoint::tcp("0.0.0.0", 7)}));
    }
  }

  WorldOptions world_options() const override { return options_; }

  std::string describe() const override {
    std::string out = describe_world(options_);
    out += "policy: client_buflen=" + std::to_string(client_buflen_) +
           (on_above_ ? " proxy_buflen_rxflow_on_above=" + std::to_string(on_above_) +
                            " _off_below=" + std::to_string(off_below_)
                      : std::string(" (no rxflow keys)")) +
           "\nproxy: box @proxy.ss.lws; files-1: h1 :80, raw download :9000 (" +
           std::to_string(raw_body_.size()) + " bytes), echo :7; dead-1:81 refuses; hole-1:81 blackholed\nclients:\n";
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const auto& s = specs_[i];
      out += "  client" + std::to_string(i + 1) + " " + proxy::testing::bulk_role_name(s.client.role) + " " +
             s.client.streamtype + " bytes=" + std::to_string(s.client.expected.size()) + " reader=" +
             proxy::testing::reader_name(s.client.reader);
      if (s.client.reader == Reader::kSlow)
        out += " read=" + std::to_string(s.client.slow_read) + "us pause=" + std::to_string(s.client.slow_pause) + "us";
      if (s.client.reader == Reader::kStall || s.client.reader == Reader::kStop)
        out += " at=" + std::to_string(s.client.stall_at) + "us" +
               (s.client.reader == Reader::kStall ? " for=" + std::to_string(s.client.stall_for) + "us" : "");
      out += " start=" + std::to_string(s.start_at) + "us\n";
    }
    out += "fault plan:\n" + plan_.to_string();
    return out;
  }

  void start(World& world) override {
    const int box = world.add_host("box", "10.1.0.1");
    const int files = world.add_host("files-1", "10.2.0.1");
    world.add_host("dead-1", "10.3.0.1");
    const int hole = world.add_host("hole-1", "10.4.0.1");
    world.network().blackhole(hole, Endpoint::tcp("0.0.0.0", 81), 0);

    http_ = std::make_unique<peers::HttpServer>(world.loop(), world.net_for(files), Endpoint::tcp("0.0.0.0", 80));
    for (const auto& s : specs_) {
      if (s.client.role != BulkRole::kDownloadH1) continue;
      peers::HttpRoute r;
      r.path = "/dl/" + s.client.object;
      r.body = s.client.expected;
      http_->route(std::move(r));
    }
    if (Error e = http_->start()) world.violation("http server: " + e.message());
    raw_ = std::make_unique<peers::BulkSource>(world.loop(), world.net_for(files), Endpoint::tcp("0.0.0.0", 9000), raw_body_);
    if (Error e = raw_->start()) world.violation("raw source: " + e.message());
    echo_ = std::make_unique<EchoServer>(world, files, Endpoint::tcp("0.0.0.0", 7));
    if (Error e = echo_->start()) world.violation("echo server: " + e.message());

    if (!proxy_.start(world, box, make_policy(client_buflen_, on_above_, off_below_), options_.seed ^ 0xb17, /*with_h1=*/true)) return;

    clients_.resize(specs_.size());
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      world.loop().at(specs_[i].start_at, [this, &world, box, i] {
        clients_[i] = std::make_unique<BulkClient>(world, world.net_for(box), specs_[i].client);
      }, {"client", i + 1, "start"});
      // A client still busy by then is stuck: end it so the run can end.
      world.loop().at(kClientDeadline, [this, i] {
        if (clients_[i] && !clients_[i]->closed_by_us() && !clients_[i]->ended()) {
          // One that stopped reading may wait for ever for what the proxy
          // holds for it (bounded: checked below); any other is stuck.
          if (specs_[i].client.reader != Reader::kStop) stuck_.push_back(i);
          clients_[i]->close();
        }
      }, {"client", i + 1, "deadline"});
    }
    world.install(plan_);
  }

  void check(World& world) override {
    const bool calm = plan_.actions.empty() && !options_.buggify;
    bool conn_faults = false;
    for (const auto& a : plan_.actions)
      conn_faults |= a.kind == FaultKind::kReset || a.kind == FaultKind::kHalfClose || a.kind == FaultKind::kStall;
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const Spec& spec = specs_[i];
      const std::string name = "client" + std::to_string(i + 1) + "(" +
                               proxy::testing::bulk_role_name(spec.client.role) + ", " +
                               proxy::testing::reader_name(spec.client.reader) + ")";
      const BulkClient* c = clients_[i].get();
      if (!c) {
        world.violation(name + ": never started");
        continue;
      }
      for (const auto& p : c->problems()) world.violation(name + ": " + p);
      if (std::find(stuck_.begin(), stuck_.end(), i) != stuck_.end())
        world.violation(name + ": still busy at " + std::to_string(kClientDeadline / 1000000) +
                        " s (no completion, no failure, not dropped)" + last_state(*c));
      if (spec.client.role == BulkRole::kDead) {
        check_dead(world, name, spec, *c, conn_faults);
        continue;
      }
      check_transfer(world, name, spec, *c, calm);
    }
    const auto& stats = proxy_.server->stats();
    // What the proxy may queue for one client: the high mark, plus what one
    // read of the onward connection brought, in frames, plus a few states.
    const std::size_t high = on_above_ ? on_above_ : proxy::ProxyServerOptions{}.client_queue_high;
    const std::size_t read = Network::kMaxRead;
    const std::size_t frames = read / proxy::rx_frame_payload_max(client_buflen_) + 1;
    const std::size_t bound = high + read + frames * (wire::kHeaderSize + wire::kPayloadPrefix) + 1024;
    if (stats.peak_client_queue > bound)
      world.violation("the proxy queued " + std::to_string(stats.peak_client_queue) +
                      " bytes for one client; its marks allow " + std::to_string(bound));
    proxy_.check_empty(world);
  }

 private:
  static std::string last_state(const BulkClient& c) {
    if (c.states().empty()) return "; no state seen";
    return "; last state " + std::string(stream::state_name(c.states().back().state));
  }

  void check_transfer(World& world, const std::string& name, const Spec& spec, const BulkClient& c, bool calm) {
    const std::string& body = spec.client.expected;
    for (std::size_t a = 0; a < c.attempts().size(); ++a) {
      const std::string& got = c.attempts()[a];
      if (got.size() > body.size() || body.compare(0, got.size(), got) != 0) {
        std::size_t at = 0;
        while (at < got.size() && at < body.size() && got[at] == body[at]) ++at;
        world.violation(name + ": connection " + std::to_string(a + 1) + " delivered " +
                        std::to_string(got.size()) + " bytes that differ from the body at byte " +
                        std::to_string(at) + " (body " + std::to_string(body.size()) + " bytes)");
      }
    }
    if (c.acked() && *c.acked() != body)
      world.violation(name + ": QOS_ACK_REMOTE after " + std::to_string(c.acked()->size()) + " of " +
                      std::to_string(body.size()) + " bytes (a short body reported as complete)");
    if (!calm) return;
    const bool whole = !c.attempts().empty() && c.attempts().back() == body;
    const bool complete = spec.client.role == BulkRole::kDownloadH1 ? c.acked().has_value() : whole;
    if (spec.client.reader == Reader::kStop) {
      // Much more than the windows and marks hold was still to come: the
      // proxy must have dropped it (client_stall_timeout), not kept it.
      const std::size_t got = c.attempts().empty() ? 0 : c.attempts().back().size();
      if (got + (2u << 20) < body.size() && !c.proxy_dropped())
        world.violation(name + ": stopped reading with " + std::to_string(body.size() - got) +
                        " bytes to come, and the proxy kept its link" + last_state(c));
      return;
    }
    if (!complete)
      world.violation(name + ": calm run, but the transfer did not complete: " +
                      std::to_string(c.attempts().empty() ? 0 : c.attempts().back().size()) + " of " +
                      std::to_string(body.size()) + " bytes" +
                      (c.ended() ? std::string(", link dropped by the proxy") : std::string()) + last_state(c));
  }

  // Each ask (the first, and one more after ALL_RETRIES_FAILED) must run
  // a whole fresh budget: exactly conceal+1 attempts, then one
  // ALL_RETRIES_FAILED within the bound the retry policy allows.
  static void check_dead(World& world, const std::string& name, const Spec& spec, const BulkClient& c,
                         bool conn_faults) {
    struct Round {
      int unreachable = 0;
      int arf = 0;
      Micros arf_at = 0;
    };
    std::vector<Round> rounds(1);
    for (const auto& s : c.states()) {
      if (s.state == State::kConnected) world.violation(name + ": CONNECTED to a dead endpoint");
      if (s.state == State::kUnreachable) ++rounds.back().unreachable;
      if (s.state == State::kAllRetriesFailed) {
        rounds.back().arf++;
        rounds.back().arf_at = s.at;
        rounds.emplace_back();
      }
    }
    rounds.pop_back();  // the one after the last ALL_RETRIES_FAILED
    if (rounds.size() < 2) {
      if (!(conn_faults && c.ended()))
        world.violation(name + ": " + std::to_string(rounds.size()) +
                        " ALL_RETRIES_FAILED against a dead endpoint asked twice" + last_state(c));
      return;
    }
    if (rounds.size() > 2) world.violation(name + ": ALL_RETRIES_FAILED " + std::to_string(rounds.size()) + " times for two asks");
    // conceal+1 attempts, each at most kAttemptMax (blackholed) or a few
    // round trips (refused), and the backoff delays with their jitter.
    Micros bound = millis(1000) + static_cast<Micros>(kDeadConceal + 1) * (spec.dead_hole ? kAttemptMax : seconds(1));
    for (std::uint32_t i = 0; i < kDeadConceal; ++i) {
      const std::uint32_t b = kDeadBackoff[std::min<std::size_t>(i, std::size(kDeadBackoff) - 1)];
      bound += millis(b + b * kDeadJitterPc / 100);
    }
    for (std::size_t r = 0; r < 2 && r < c.asks().size(); ++r) {
      const std::string which = r == 0 ? "first" : "second (a fresh budget)";
      if (rounds[r].unreachable != static_cast<int>(kDeadConceal) + 1)
        world.violation(name + ": " + which + " ask: " + std::to_string(rounds[r].unreachable) +
                        " failed attempts before ALL_RETRIES_FAILED; the policy allows conceal+1 = " +
                        std::to_string(kDeadConceal + 1));
      if (rounds[r].arf_at - c.asks()[r] > bound)
        world.violation(name + ": " + which + " ask: ALL_RETRIES_FAILED after " +
                        std::to_string((rounds[r].arf_at - c.asks()[r]) / 1000) + " ms; the retry policy allows at most " +
                        std::to_string(bound / 1000) + " ms");
    }
  }

  WorldOptions options_;
  std::uint32_t client_buflen_ = 0;
  std::uint32_t on_above_ = 0, off_below_ = 0;
  std::string raw_body_;
  std::vector<Spec> specs_;
  FaultPlan plan_;
  std::unique_ptr<peers::HttpServer> http_;
  std::unique_ptr<peers::BulkSource> raw_;
  std::unique_ptr<EchoServer> echo_;
  SimProxyProcess proxy_;
  std::vector<std::unique_ptr<BulkClient>> clients_;
  std::vector<std::size_t> stuck_;
};

}  // namespace

std::unique_ptr<Scenario> make_proxy_bulk_scenario() {
  return std::make_unique<SimpleScenario<ProxyBulkRun>>(
      "proxy-bulk",
      "client processes move up to 6 MiB through the SS proxy (h1, raw, echo), reading fast, slowly, stalling or "
      "not at all, with small client buffers and dead endpoints");
}

}  // namespace ss::sim
