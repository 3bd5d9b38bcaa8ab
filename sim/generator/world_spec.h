// WorldSpec: one whole simulated world, as plain data.
//
// The generator (generate.h) derives a WorldSpec from Decisions (a seed or
// fuzz bytes); the "world" scenario (sim/scenarios/world) builds it in a
// sim::World and checks it; the shrinker (shrink.h) makes it smaller while
// it still fails; spec_text.h writes it to a file that
// `ss-sim --scenario FILE` replays. Nothing here knows how it is run.
//
// Indices refer into the vectors of the same WorldSpec; validate() says
// which one is out of range. Times are simulated microseconds from the
// start of the run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/core/time.h"
#include "sim/faults.h"

namespace ss::sim::gen {

enum class Proto { kRaw, kH1, kWs };

// What listens on a server host.
enum class ServerKind {
  kEcho,   // raw: sends back what it gets
  kHttp,   // h1: GET /dl/<n> sends n bytes; POST /echo sends the body back; records requests
  kWsEcho  // ws: echoes each message; records the upgrade request
};

// How a server misbehaves (besides the network's fault plan).
enum class ServerTrouble {
  kNone,
  kRefuse,      // nothing listens: every connect is refused (a dead endpoint)
  kBlackhole,   // connects are never answered (the host drops SYNs)
  kCloseEarly,  // closes each connection after `trouble_bytes` bytes of response
  kSlow         // writes its responses in pieces of `trouble_bytes` with 5-50 ms pauses
};

struct RetrySpec {
  std::vector<std::uint32_t> backoff_ms;  // 1..8 entries
  std::uint16_t conceal = 0;              // 65535 = conceal forever
  std::uint8_t jitter_percent = 0;        // as written in the policy; 0 means 30
};

struct ServerSpec {
  std::string host;  // "srv-1"
  std::uint16_t port = 0;
  ServerKind kind = ServerKind::kEcho;
  bool tls = false;  // served over simulated TLS with a test CA the policy trusts
  ServerTrouble trouble = ServerTrouble::kNone;
  std::size_t trouble_bytes = 0;
};

// A metadata entry of a streamtype and where its value shows at the server.
struct MetadataSpec {
  enum class Use { kUrl, kHeader, kNone };
  std::string name;
  Use use = Use::kNone;
  std::string header;  // kHeader: the header name ("x-tag:")
};

struct StreamtypeSpec {
  std::string name;  // "st-1"
  Proto proto = Proto::kRaw;
  std::size_t server = 0;  // into WorldSpec::servers
  bool tls = false;        // the policy's "tls" (equal to the server's)
  std::optional<std::size_t> retry;  // into WorldSpec::retries; none = no retry policy
  std::uint32_t timeout_ms = 0;      // 0 = none
  bool nailed_up = false;
  bool opportunistic = false;
  std::vector<MetadataSpec> metadata;
  std::string http_method;  // h1: "GET" or "POST"
  std::string url;          // h1/ws: path without the leading '/', may hold ${name}
  std::int32_t manual_initial_tx_credit = 0;  // > 0: rx credit the reader grants by hand
  std::uint32_t client_buflen = 0;            // proxy keys; 0 = default
  std::uint32_t rxflow_on_above = 0;
  std::uint32_t rxflow_off_below = 0;
};

enum class TxMode { kRequestTx, kRequestTxLen };

struct ReaderSpec {
  enum class Kind { kFast, kSlow, kStall, kStop };
  Kind kind = Kind::kFast;
  Micros read_for = 0;    // kSlow: reads this long ...
  Micros pause_for = 0;   // ... then pauses this long
  Micros stall_at = 0;    // kStall / kStop: from then (after creation) ...
  Micros stall_for = 0;   // ... for this long (kStop: for good)
  // Manual credit: grant this much each time it reads. Even: whenever less
  // than a step is outstanding; odd: a step at creation, then only when all
  // granted has arrived, each step in two or three calls (world_actor.cc).
  std::int32_t credit_step = 0;
};

// A callback that answers DISCONNECT_ME / DESTROY_ME (sim/testing/answer_plan.h).
struct AnswerSpec {
  enum class From { kNone, kRx, kTx, kState };
  From disconnect_from = From::kNone;
  int disconnect_state = 0;  // kState: the lws state number
  int disconnect_every = 1;  // every k-th such call
  From destroy_from = From::kNone;
  int destroy_state = 0;
  int destroy_at = 0;  // the n-th such call
};

// The user's timer (start_timeout / cancel_timeout, docs/states.md).
struct TimeoutSpec {
  Micros arm_at = 0;          // after creation; 0 = the user never arms one
  std::uint32_t ms = 0;       // 0 = the streamtype's timeout_ms
  Micros rearm_after = 0;     // > 0: armed again (same ms) this long after arming
  Micros cancel_after = 0;    // > 0: cancelled this long after the (last) arming
};

struct MetadataSet {
  Micros at = 0;  // after creation; 0 = at creation, before connecting
  std::string name;
  std::string value;
};

// Which API the stream's application drives it through: the C++ engine
// (stream::Stream, or proxy::ProxyClient via the proxy), or the C API of
// <libwebsockets.h> in a process of its own (lws_ss_*, or lws_sspc_* via
// the proxy). The C API has no rx hold (as lws): a C API stream's reader
// is fast, or holds by withholding manual credit (validate()).
enum class Api { kEngine, kCApi };

struct StreamSpec {
  std::size_t streamtype = 0;  // into WorldSpec::streamtypes
  bool via_proxy = false;      // a client process of the proxy, else direct
  Api api = Api::kEngine;
  Micros start_at = 0;
  Micros end_at = 0;           // destroyed then; 0 = when done (or at the end of the run)
  TxMode tx_mode = TxMode::kRequestTx;
  std::vector<std::size_t> messages;  // tx: sizes of each message (h1 POST: one body)
  std::size_t download = 0;           // h1 GET / raw: bytes the server sends
  std::vector<MetadataSet> metadata;
  ReaderSpec reader;
  AnswerSpec answers;
  TimeoutSpec timeout;
  Micros again_after_arf = 0;  // > 0: asks again this long after ALL_RETRIES_FAILED
};

struct WorldSpec {
  std::uint64_t seed = 1;  // the network's and the runtime's own randomness
  // Network.
  Micros latency = millis(1);
  std::size_t max_segment = 0;  // 0 = no segmentation, else pieces of 1..max_segment
  bool buggify = false;         // BUGGIFY sites in the simulator and the runtime
  // Fault kinds switched on for this world (swarm testing) and the plan
  // drawn from them; a calm world has neither.
  std::vector<FaultKind> swarm;
  FaultPlan faults;
  // Policy and peers.
  std::vector<RetrySpec> retries;
  std::vector<ServerSpec> servers;
  std::vector<StreamtypeSpec> streamtypes;
  bool proxy = false;  // an SS proxy process runs (any stream via_proxy needs one)
  // Workload.
  std::vector<StreamSpec> streams;

  // True when nothing disturbs the world: no fault, no buggify, no server
  // trouble. Liveness is judged more strictly then.
  bool calm() const;
};

// The first broken cross-reference or out-of-range value, naming the
// field ("streams[2].streamtype: 5 but 3 streamtypes"), or "" when valid.
std::string validate(const WorldSpec& spec);

const char* proto_name(Proto p);
const char* server_kind_name(ServerKind k);
const char* server_trouble_name(ServerTrouble t);
const char* reader_kind_name(ReaderSpec::Kind k);
const char* api_name(Api a);

}  // namespace ss::sim::gen
