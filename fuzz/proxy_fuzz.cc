// Fuzz target: the whole SS proxy. 1-4 hostile client processes and a
// hostile onward server against ProxyServer + EngineOnwardFactory + the
// real stream engine (raw, h1 and ws bindings) in the simulator, as
// ss-proxy runs them (sim/scenarios/proxy/proxy_scenario.cc).
//
// Input (FuzzedDataProvider; the layout is proxy_fuzz_plan.h, which the
// seed generator proxy_seed_gen.cc writes back): the world's seed and
// largest segment; the latency and rate of the link to the onward server;
// 1-3 onward server behaviours (echo, silent, answer with fuzz bytes after
// an optional proper HTTP/ws head, close, never read, never accept, refuse);
// per client a start time and up to 24 steps at chosen times: raw bytes,
// well-formed STREAMTYPE / TX_PAYLOAD (floods of up to 32 x 64 KiB) /
// METADATA / control frames from the wire encoder, optionally held until
// CREATE_RESULT is back, pause and resume reading, half-close, close.
//
// Timeline: steps run until 6 s; at 9 s the oracle's checks; then every
// client closes; at 11 s the leak checks; the server drops its connections;
// at 12 s the world must be idle.
//
// Invariants (abort with a message on violation):
//  - no crash, no sanitizer report, no engine violation (every onward
//    stream state transition legal: the context's violation hook);
//  - bounded memory, checked as every tapped callback begins
//    (proxy_fuzz_probes.h): per open client link, the client payload the
//    proxy holds (handed over, not yet taken by the onward stream)
//    <= kC2pBound, and what it queued for the client <= kP2cBound; per open
//    onward connection, the engine's send queue <= kOnwardSendBound;
//  - what the proxy sends a client decodes as proxy->client frames,
//    CREATE_RESULT first and once, nothing after a failed one;
//  - by 9 s, the proxy closed every link whose client broke the protocol
//    (proxy_fuzz_oracle.h) and counted at least the rule-breakers as
//    misbehaving; it kept every well-behaved client's link (but for those
//    it gave up on by its own documented deadlines: the client stopped
//    reading, or the onward stream took none of its payload; both are
//    shortened to 1 s here to fit the run) and sent it CREATE_RESULT ok; a
//    link that got CREATE_RESULT failed is closed;
//  - 2 s after every client closed: no link open (ProxyServer::stats().open),
//    no onward stream alive (stream::Context::stream_count()), every client
//    link closed by the proxy;
//  - 30 s after the server dropped its connections (time for a slow link
//    to drain what closed connections queued): no event or timer left
//    in the world, every onward connection closed by the engine;
//  - no phase takes more than kMaxEvents events.
// Environment: PROXY_FUZZ_VERBOSE=1 tells what happens.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/hostile_server.h"
#include "fuzz/proxy_fuzz_client.h"
#include "fuzz/proxy_fuzz_oracle.h"
#include "fuzz/proxy_fuzz_plan.h"
#include "fuzz/proxy_fuzz_probes.h"
#include "fuzz/proxy_fuzz_server.h"
#include "runtime/bind/h1/h1_binding.h"
#include "runtime/bind/raw/raw_binding.h"
#include "runtime/bind/ws/ws_binding.h"
#include "runtime/policy/parse.h"
#include "runtime/proxy/engine_onward.h"
#include "runtime/proxy/server.h"
#include "runtime/stream/context.h"
#include "sim/world.h"

namespace {

using namespace ss;
using namespace ss::fuzzing::proxy_fuzz;

[[noreturn]] void fail(const std::string& why) { fuzzing::fuzz_fail("proxy_fuzz", why); }

constexpr Micros kWriteEnd = seconds(6);
constexpr Micros kCheckAt = seconds(9);
constexpr std::uint64_t kMaxEvents = 3'000'000;

// The bounds. ProxyServer has no byte counters of its own, so these are
// what its documented limits allow (runtime/proxy/link.h, server.h):
//  c2p: proxy_buflen (32768) of queued pieces, overshot by at most one
//       frame, plus the undecoded input ProxyLink tolerates before it drops
//       a client that ignores flow control (proxy_buflen + 4 frames);
//  p2c: the default high mark toward a client (256 KiB; the target's
//       policy sets no rxflow keys), plus one read of the onward
//       connection (64 KiB) in frames (docs/proxy.md "Flow control");
//  onward: the connection's high watermark (256 KiB) plus one write.
constexpr std::size_t kFrame = wire::kHeaderSize + wire::kMaxBody;
constexpr std::uint64_t kC2pBound = 2 * 32768 + 5 * kFrame;
constexpr std::size_t kP2cBound = 256 * 1024 + 64 * 1024 + 8 * kFrame;
constexpr std::size_t kOnwardSendBound = 256 * 1024 + 2 * kFrame;

const std::shared_ptr<const policy::Policy>& the_policy() {
  static const std::shared_ptr<const policy::Policy> p = [] {
    auto parsed = policy::parse_policy(kPolicy);
    if (!parsed.ok()) fail("the target's policy does not parse");
    return parsed.policy;
  }();
  return p;
}

std::string client_name(std::size_t i) { return "client " + std::to_string(i + 1); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 256 * 1024) return 0;
  Plan plan = read_plan(data, size);

  sim::WorldOptions wo;
  wo.seed = 1 + plan.seed;
  wo.segmentation.max = std::size_t{16} << plan.seg_shift;
  sim::World world(wo);
  const int box = world.add_host("box", "10.1.0.1");
  const int onward_host = world.add_host("onward", "10.2.0.1");
  const Micros latencies[] = {100, millis(1), millis(10), millis(100)};
  sim::LinkParams lp;
  lp.latency = latencies[plan.onward_latency & 3];
  lp.bytes_per_second = plan.onward_rate == 0 ? 0 : std::uint64_t{8192} << (2 * (plan.onward_rate - 1));
  world.network().set_link(box, onward_host, lp);
  // Bytes each side may write: enough to fill every buffer, few enough
  // segments to keep a run short.
  const std::size_t budget = std::min<std::size_t>(std::size_t{4} << 20, wo.segmentation.max * 2000);
  OnwardServer server(world, onward_host, plan.server, budget);

  Probes probes;
  probes.peer_of = [&world](std::uint64_t id) { return world.network().peer_of(id); };
  TapNet tap_net(world.net_for(box), probes);
  std::vector<std::string> violations;
  // PROXY_FUZZ_VERBOSE=1: say what happens (for reading a crash).
  static const bool verbose = std::getenv("PROXY_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "proxy_fuzz: plan\n%s\n", describe(plan).c_str());
  {
    stream::Context::Config cfg;
    cfg.loop = &world.loop();
    cfg.net = &tap_net;
    cfg.seed = 0x5eed;
    cfg.policy = the_policy();
    cfg.hooks.violation = [&](std::string_view t) { violations.emplace_back(t); };
    if (verbose) {
      cfg.hooks.trace = [&world](std::string_view k, std::string_view t) {
        std::fprintf(stderr, "proxy_fuzz: %.6f s %.*s %.*s\n", static_cast<double>(world.now()) / 1e6,
                     static_cast<int>(k.size()), k.data(), static_cast<int>(t.size()), t.data());
      };
      cfg.hooks.log = [&world](std::string_view t) {
        std::fprintf(stderr, "proxy_fuzz: %.6f s log %.*s\n", static_cast<double>(world.now()) / 1e6,
                     static_cast<int>(t.size()), t.data());
      };
    }
    auto ctx = std::make_unique<stream::Context>(std::move(cfg));
    proto::raw::register_raw_binding(*ctx);
    proto::h1::register_h1_binding(*ctx);
    proto::ws::register_ws_binding(*ctx);
    proxy::EngineOnwardFactory engine(*ctx);
    TapFactory factory(engine, probes);
    proxy::ProxyServerOptions po;
    po.client_stall_timeout = seconds(1);  // the run is 12 s: deadlines must fit in it
    po.upload_stall_timeout = seconds(1);
    if (verbose) {
      po.on_link_closed = [&world](std::uint64_t id, const std::string& reason) {
        std::fprintf(stderr, "proxy_fuzz: %.3f s link%llu closed: %s\n", static_cast<double>(world.now()) / 1e6,
                     static_cast<unsigned long long>(id), reason.c_str());
      };
    }
    auto proxy_server = std::make_unique<proxy::ProxyServer>(world.loop(), tap_net, factory, po);
    if (Error e = proxy_server->start()) fail("proxy: " + e.message());

    std::uint64_t peak_c2p = 0;
    std::size_t peak_p2c = 0, peak_onward = 0;
    probes.sample = [&] {
      for (const auto& p : probes.all()) {
        if (p->closed) continue;
        if (p->link) {
          peak_c2p = std::max(peak_c2p, p->held_c2p());
          peak_p2c = std::max(peak_p2c, p->buffered());
        } else {
          peak_onward = std::max(peak_onward, p->buffered());
        }
        if (p->link && p->held_c2p() > kC2pBound)
          fail("a link holds " + std::to_string(p->held_c2p()) + " bytes of client payload (bound " +
               std::to_string(kC2pBound) + ")");
        if (p->link && p->buffered() > kP2cBound)
          fail("a link queued " + std::to_string(p->buffered()) + " bytes for its client (bound " +
               std::to_string(kP2cBound) + ")");
        if (!p->link && p->buffered() > kOnwardSendBound)
          fail("an onward connection queued " + std::to_string(p->buffered()) + " bytes (bound " +
               std::to_string(kOnwardSendBound) + ")");
      }
    };

    std::size_t client_budget = budget;
    std::vector<std::unique_ptr<FuzzClient>> clients;
    for (const auto& c : plan.clients) {
      clients.push_back(std::make_unique<FuzzClient>(world, world.net_for(box), c, &client_budget, kWriteEnd));
      FuzzClient* fc = clients.back().get();
      world.loop().at(millis(c.start * 4), [fc] { fc->start(); });
    }

    // Until the check time.
    if (world.run_until(kCheckAt, kMaxEvents).livelock)
      fail("more than " + std::to_string(kMaxEvents) + " events before " + std::to_string(kCheckAt / 1000) + " ms");
    probes.sample();
    if (!violations.empty()) fail("engine violation: " + violations.front());
    if (probes.unattributed_onward)
      fail("an onward stream was made outside its link's on_data; proxy_fuzz_probes.h cannot attribute it");

    const auto& stats = proxy_server->stats();
    if (verbose)
      std::fprintf(stderr, "proxy_fuzz: peaks: client payload held %llu, queued for a client %zu, onward queue %zu\n",
                   static_cast<unsigned long long>(peak_c2p), peak_p2c, peak_onward);
    std::uint64_t faults = 0;
    std::uint64_t well_behaved_closed = 0;
    for (std::size_t i = 0; i < clients.size(); ++i) {
      const FuzzClient& c = *clients[i];
      const std::string name = client_name(i);
      if (!c.p2c_error.empty()) fail(name + ": " + c.p2c_error);
      const ConnProbe* link = nullptr;
      for (const auto& p : probes.all())
        if (p->link && p->peer == c.conn_id) link = p.get();
      if (!link && c.self_ended) continue;  // closed before the proxy could accept it
      if (!link) fail(name + ": the proxy never accepted its link");
      if (c.create_failed && !link->closed) fail(name + ": CREATE_RESULT failed, but the link is still open");
      const Verdict v = judge(c, *the_policy(), po.link_limits.handshake_timeout);
      if (verbose)
        std::fprintf(stderr, "proxy_fuzz: %s wrote %zu bytes, got %llu%s%s; link %s; %s%s\n", name.c_str(),
                     c.written.size(), static_cast<unsigned long long>(c.received), c.ended ? ", ended: " : "",
                     c.ended ? end_reason_name(c.end_reason) : "", link->closed ? "closed" : "open",
                     v.judged ? "" : "not judged: ", v.why.c_str());
      if (!v.judged) continue;
      if (v.must_close && !link->closed)
        fail(name + " broke the protocol (" + v.why + "), but its link is still open at 9 s");
      if (v.must_close && v.fault) ++faults;
      if (v.well_behaved && link->closed) ++well_behaved_closed;
      if (v.well_behaved && !c.created_ok) fail(name + " is well-behaved, but got no CREATE_RESULT ok");
    }
    // Only the proxy's own deadlines may end a well-behaved client's link.
    const std::uint64_t by_deadline = stats.dropped_stopped_reading + stats.dropped_upload_stalled;
    if (well_behaved_closed > by_deadline)
      fail(std::to_string(well_behaved_closed) + " well-behaved clients lost their links; only " +
           std::to_string(by_deadline) + " were ended by a documented deadline (stopped reading, upload stalled)");
    if (stats.dropped_misbehaving < faults)
      fail("the proxy counts " + std::to_string(stats.dropped_misbehaving) + " misbehaving clients; " +
           std::to_string(faults) + " broke the rules");

    // Every client goes away: no link, no onward stream may stay.
    for (auto& c : clients) c->close();
    if (world.run_until(kCheckAt + seconds(2), kMaxEvents).livelock)
      fail("more than " + std::to_string(kMaxEvents) + " events after the clients closed");
    // A link the proxy paused for flow control cannot see its client leave
    // (found by this target); the upload deadline must end it.
    std::size_t open_links = 0, paused_links = 0;
    for (const auto& p : probes.all()) {
      if (!p->link || p->closed) continue;
      ++open_links;
      paused_links += p->paused;
    }
    if (open_links != 0)
      fail(std::to_string(open_links) + " client links left open 2 s after every client closed (" +
           std::to_string(paused_links) + " of them paused by the proxy)");
    if (stats.open != open_links)
      fail(std::to_string(stats.open) + " links open (ProxyServer::stats), " + std::to_string(open_links) +
           " client connections not closed");
    if (ctx->stream_count() != 0)
      fail(std::to_string(ctx->stream_count()) + " onward streams left 2 s after every client closed");

    // The server drops what it holds; then nothing may be left at all.
    server.close_all();
    // The network may still drain what closed connections had queued over a
    // slow link; a timer the stack leaked would not end (checked below).
    if (world.run_until(kCheckAt + seconds(30), kMaxEvents).livelock)
      fail("more than " + std::to_string(kMaxEvents) + " events after the server closed");
    {
      if (!world.scheduler().idle())
        fail(std::to_string(world.scheduler().pending()) + " events or timers left; the next at " +
             std::to_string(world.scheduler().next_time()) + " us");
      for (const auto& p : probes.all())
        if (!p->link && !p->closed) fail("an onward connection the engine never closed");
      if (ctx->graveyard_count() != 0) fail("onward streams never reclaimed");
    }
    probes.sample = nullptr;
    proxy_server.reset();
  }
  world.run_until_idle(100'000);
  if (!violations.empty()) fail("engine violation: " + violations.front());
  return 0;
}
