// The whole-stack world generator: one WorldSpec (world_spec.h) from
// Decisions (decisions.h). Every choice comes from `d`, in a fixed order,
// and choice 0 is always the simplest option, so a seed stands for one
// world and an exhausted ByteDecisions gives the minimal world: one echo
// server "srv-1" on port 7, one raw streamtype "st-1" without retry policy,
// one stream created at 0 with no messages, direct, no TLS, no proxy,
// no faults, no buggify. The result always passes validate().
//
// Order of the draws (a change here changes what every seed means):
// network, retry policies, servers, proxy, streamtypes, streams, faults.
//
// Ranges (after the focused scenarios, docs/sim.md):
//   network     latency 100 us..20 ms; segmentation in 1/3 of the worlds
//               (pieces of 1..max_segment, max_segment 1..16384);
//               buggify in 1/8
//   retries     1-3 policies "r<i>" (index i): 1-5 backoff entries of
//               50..3000 ms, conceal 0..8 or forever (65535, 1 in 8),
//               jitter 0..50 %
//   servers     1-4, host "srv-<n>" (n from 1), kind echo / http / ws-echo;
//               port 7 (echo) or 80 (http, ws-echo) or 443 (either over
//               TLS), a drawn port 1024..65535 in 1/4; TLS in 1/4;
//               trouble in 1/6: refuse, blackhole, close-early after
//               0..64 KiB, slow pieces of 1..4096 bytes
//   streamtypes 1-5, "st-<n>", each on a drawn server, its proto by the
//               server's kind (echo: raw, http: h1, ws-echo: ws), TLS as
//               the server; retry policy in 3/4; timeout_ms 100..5000 in
//               1/4; 1/8 opportunistic, 1/8 nailed_up (never both);
//               metadata, url and method as below; manual rx credit
//               (any proto) in 1/6: 1..700 B or 1..64 KiB; with a proxy, the proxy keys
//               in 1/4 (client_buflen 8..128 KiB, sometimes
//               rxflow_on_above 16..256 KiB with off_below under it)
//   proxy       in 1/2 of the worlds; then each stream via_proxy in 1/2
//   streams     1-8 (9-24 in 1/10), on a drawn streamtype, start 0..3 s,
//               end 0 (when done) or start + 1 ms..10 s (1/3), tx_mode
//               request_tx_len in 1/3; messages, download, metadata
//               sets, reader, answers as below; the user's timer in
//               1/4 (armed 1 ms..3 s after creation, 1..3000 ms or the
//               streamtype's; armed again 1 ms..2 s later in 1/3,
//               cancelled in 1/2: in the timer's first half (2/3) or
//               1 ms..4 s after arming; TIMEOUT joins the
//               answer plan's states); again_after_arf 200..1500 ms in 1/4;
//               last, its API: the C API (lws_ss_*, or
//               lws_sspc_* via_proxy) in 1/2 of those it can drive (a fast
//               reader, or manual credit: the C API has no rx hold), else
//               the engine
//   faults      on in 2/3 of the worlds: each FaultKind in the swarm with
//               p 1/2, then random_fault_plan (sim/faults.h) restricted
//               to the swarm, with an Rng seeded by one 64-bit draw;
//               horizon 3 s, actions up to 1 s, at most 6 actions. A
//               world whose plan came out empty has no swarm either.
//
// Conventions the runner (sim/scenarios/world) relies on:
//   Hosts: every direct stream's process runs on host "client"
//   (kClientHost), the SS proxy on host "box" (kProxyHost); each server on
//   its `host`, resolvable by that name, listening (unless its trouble is
//   refuse) on server_listen_endpoint(server) = tcp 0.0.0.0:<port>: the
//   fault plan's listener faults name that endpoint. The proxy's own
//   listener is the runner's choice; the plan reaches the proxy through
//   link faults on "box" and connection faults.
//   URLs: metadata with Use::kUrl appear as a query string, in declaration
//   order: "?md1=${md1}&md2=${md2}" (sim/peers/http_server.h routes on the
//   path alone; the runner reads the query back from the request target).
//     h1 GET:  url "dl/${len}" + query; metadata "len" (first entry,
//              Use::kUrl but not in the query) is set at creation to the
//              stream's `download`, so the server routes "/dl/<n>" to an
//              n-byte body. A GET stream has no messages.
//     h1 POST: url "echo" + query; exactly one message: the body, which the
//              server sends back. download 0.
//     ws:      url "ws" + query; messages are ws messages, echoed.
//              download 0; messages at most kMaxWsMessage, under the ws
//              echo peer's limit (kWsEchoMaxMessage, 1 MiB: a bigger one
//              is refused with close 1009; checked in
//              sim/scenarios/world/ws_bulk_world_test.cc). The client takes
//              any size; 256 KiB keeps each seed fast.
//     raw:     no url; messages are echoed; download 0 (an echo server
//              has no per-stream download), no url/header metadata.
//   Headers: metadata with Use::kHeader (h1, ws) have header "x-<name>:".
//   Metadata values are 1-12 characters of [a-z0-9._-].
//   Sizes: a world's messages plus downloads total at most
//   world_byte_cap(spec): kWorldByteCap, or at most kSmallSegmentByteCap
//   (4 KiB per byte of max_segment) when the
//   network cuts pieces of at most 512 bytes (so each seed stays fast);
//   three worlds in four are small worlds, capped at kSmallWorldByteCap.
//   Reader: with manual credit (streamtype manual_initial_tx_credit > 0)
//   the stream's reader grants credit_step (>= 1, and at least 1/2000 of
//   what the stream receives, so no world needs millions of grants) each
//   time it reads; in half the streams a small odd step (1..601 B), so
//   that ws messages and body pieces arrive in several grants.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/core/endpoint.h"
#include "sim/generator/decisions.h"
#include "sim/generator/world_spec.h"

namespace ss::sim::gen {

inline constexpr const char* kClientHost = "client";
inline constexpr const char* kProxyHost = "box";
inline constexpr std::size_t kWorldByteCap = std::size_t{12} << 20;
inline constexpr std::size_t kSmallSegmentByteCap = std::size_t{2} << 20;
// The cap of the three worlds in four that are not bulk worlds.
inline constexpr std::size_t kSmallWorldByteCap = std::size_t{256} << 10;
inline constexpr std::size_t kMaxWsMessage = std::size_t{256} << 10;
inline constexpr std::size_t kMaxBulk = std::size_t{6} << 20;

// Knobs for worlds bigger than the default mix (the "world-heavy" scenario,
// bench/run's simulator speed figure). The defaults change nothing: the
// draws are the same and in the same order, so a seed of "world" is the
// same world whatever code uses the knobs.
struct GenKnobs {
  std::size_t streams = 0;  // > 0: this many streams instead of the drawn count
  bool faults = false;      // true: a fault plan even where the draw said none
};

// One world from `d`; `seed` becomes spec.seed (the network's and the
// runtime's own randomness), nothing else depends on it.
WorldSpec generate_world(Decisions& d, std::uint64_t seed, const GenKnobs& knobs = {});

// Where a server listens (and what listener faults name).
Endpoint server_listen_endpoint(const ServerSpec& server);

// The byte cap of a world (see "Sizes" above).
std::size_t world_byte_cap(const WorldSpec& spec);

// Sum of all messages and downloads of a world.
std::size_t world_bytes(const WorldSpec& spec);

}  // namespace ss::sim::gen
