// The input of proxy_fuzz, as a plan: what the onward server does, and for
// 1-4 client processes, the steps each takes on its link to the proxy.
//
// The fuzz input is split with FuzzedDataProvider (integers from the end,
// byte strings from the front). One template, io_plan(), walks the plan's
// fields in a fixed order; PlanReader fills a Plan from an input and
// PlanWriter turns a Plan back into the input that reads as it, so the seed
// generator (proxy_seed_gen.cc) writes inputs the target reads exactly as
// meant, and the two cannot drift apart. Every field has a range; a read
// past the end of the input gives each field its minimum, so a short input
// is still a valid plan.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "third_party/fuzzed_data_provider/FuzzedDataProvider.h"

namespace ss::fuzzing::proxy_fuzz {

// The proxy's policy (every streamtype reaches host "onward": raw on port 7,
// h1 on 80, ws on 81). mintest, minpost and sx_ws_echo carry the names and
// metadata of the lws interop captures (runtime/wire/testdata/interop), so
// those client byte streams pass the handshake unchanged.
inline constexpr const char* kPolicy = R"({
  "release": "fuzz", "product": "proxy_fuzz", "schema-version": 1,
  "retry": [{"r": {"backoff": [100, 250], "conceal": 3, "jitterpc": 0}},
            {"rv": {"backoff": [100, 250], "conceal": 3, "jitterpc": 0, "svalidping": 1, "svalidhup": 3}}],
  "s": [
    {"raw": {"endpoint": "onward", "port": 7, "protocol": "raw", "retry": "r", "metadata": [{"tag": ""}]}},
    {"raw-opp": {"endpoint": "onward", "port": 7, "protocol": "raw", "retry": "r", "opportunistic": true,
                 "metadata": [{"tag": ""}]}},
    {"raw-nail": {"endpoint": "onward", "port": 7, "protocol": "raw", "retry": "r", "nailed_up": true}},
    {"mintest": {"endpoint": "onward", "port": 80, "protocol": "h1", "http_method": "GET",
                 "http_url": "index.html?uptag=${uptag}", "retry": "r", "opportunistic": true, "timeout_ms": 2000,
                 "metadata": [{"uptag": "X-Upload-Tag:"}, {"ctype": "X-Content-Type:"}]}},
    {"minpost": {"endpoint": "onward", "port": 80, "protocol": "h1", "http_method": "POST", "http_url": "formtest",
                 "retry": "r", "opportunistic": true, "timeout_ms": 2000, "rideshare": "minpost-side",
                 "metadata": [{"ctype": "Content-Type:"}]}},
    {"minpost-side": {"endpoint": "onward", "port": 80, "protocol": "h1", "http_method": "POST",
                      "http_url": "side", "retry": "r", "opportunistic": true}},
    {"sx_ws_echo": {"endpoint": "onward", "port": 81, "protocol": "ws", "ws_subprotocol": "lws-mirror-protocol",
                    "http_url": "", "nailed_up": true, "ws_binary": true, "retry": "rv"}},
    {"multi": {"endpoint": "onward", "port": 80, "protocol": "h1", "http_method": "GET", "http_url": "m",
               "retry": "r", "opportunistic": true, "http_multipart_ss_in": true, "http_cookies": true,
               "allow_redirects": true, "metadata": [{"ctype": "content-type:"}]}}
  ]
})";

// Streamtype names a STREAMTYPE step may ask for; the last one is not in
// the policy (the proxy must answer CREATE_RESULT failed and close).
inline constexpr const char* kStreamtypeNames[] = {"raw",     "raw-opp",    "raw-nail", "mintest",
                                                   "minpost", "sx_ws_echo", "multi",    "spam"};
inline constexpr std::uint32_t kStreamtypeCount = sizeof(kStreamtypeNames) / sizeof(kStreamtypeNames[0]);
// Metadata names a METADATA step may use (index kMetadataNameCount = a name
// from the input instead).
inline constexpr const char* kMetadataNames[] = {"tag", "uptag", "ctype"};
inline constexpr std::uint32_t kMetadataNameCount = 3;

// What the onward server does on one accepted connection.
enum class ServerMode : std::uint32_t {
  kEcho,    // writes back what it reads
  kSink,    // reads and never writes
  kAnswer,  // once the request is in (h1/ws: the head; raw: at once), writes `bytes` x repeat
  kClose,   // closes at once
  kPause,   // never reads (pause_reading): the engine's writes back up
  kIgnore,  // never even takes the connection (no handler): nothing is read
  kRefuse,  // as the first behaviour: nothing listens (connects are refused)
};
inline constexpr std::uint32_t kServerModeCount = 7;

struct ServerBehaviour {
  std::uint32_t mode = 0;         // ServerMode
  bool head = false;              // kAnswer: a proper HTTP 200 / ws 101 head first
  bool close_after = false;       // kAnswer: end its side after writing
  std::uint32_t repeat = 1;       // kAnswer: `bytes` this many times (1..64)
  std::vector<std::uint8_t> bytes;  // <= 4096
  friend bool operator==(const ServerBehaviour&, const ServerBehaviour&) = default;
};

enum class StepKind : std::uint32_t {
  kRaw,         // `bytes` as they are
  kStreamType,  // a well-formed STREAMTYPE
  kPayload,     // `repeat` well-formed TX_PAYLOAD frames of `size` bytes
  kMetadata,    // a METADATA frame (hand-built if a field is over its limit)
  kControl,     // ONWARD_CONNECT, DESTROYING, TX_CREDIT, TIMEOUT_UPDATE, PAYLOAD_LENGTH_HINT, LINK_VALIDITY_PROBE
  kPauseRead,   // the client stops reading its link
  kResumeRead,  // ... and reads again
  kHalfClose,   // the client sends EOF
  kClose,       // the client closes its link
};
inline constexpr std::uint32_t kStepKindCount = 9;

struct Step {
  std::uint32_t kind = 0;   // StepKind
  std::uint32_t delay = 0;  // code 0..255 after the previous step (delay_ms())
  bool gate = false;        // not before the client has a CREATE_RESULT
  // kStreamType: streamtype index (kStreamtypeNames), version ^ 1, pid,
  // initial tx credit code (0 default, 1 zero, 2 = 1000, 3 = value).
  // kPayload: flags (low 7 bits), size (0..65519), fill pattern (bytes),
  // repeat (1..32). kMetadata: name index (kMetadataNames, or 3 = `name`),
  // value (bytes). kControl: which (0..5), value.
  std::uint32_t index = 0;
  std::uint32_t version_x = 0;
  std::uint32_t value = 0;
  std::uint32_t flags = 0;
  std::uint32_t size = 0;
  std::uint32_t repeat = 1;
  std::vector<std::uint8_t> name;
  std::vector<std::uint8_t> bytes;
  friend bool operator==(const Step&, const Step&) = default;
};

struct ClientPlan {
  std::uint32_t start = 0;  // connects at start * 4 ms
  std::vector<Step> steps;  // 0..24
  friend bool operator==(const ClientPlan&, const ClientPlan&) = default;
};

struct Plan {
  std::uint32_t seed = 0;           // the World's seed (0..255)
  std::uint32_t seg_shift = 0;      // largest network segment = 16 << seg_shift (0..12)
  std::uint32_t onward_latency = 0; // 0..3: 100 us, 1 ms, 10 ms, 100 ms to the onward server
  std::uint32_t onward_rate = 0;    // 0..7: unlimited, else 8 KiB/s * 4^(rate-1)
  std::vector<ServerBehaviour> server;  // 1..3, used in turn per accepted connection
  std::vector<ClientPlan> clients;      // 1..4
  friend bool operator==(const Plan&, const Plan&) = default;
};

inline std::uint32_t delay_ms(std::uint32_t code) { return code < 128 ? code : 128 + (code - 128) * 15; }

// The one walk over a plan's fields; IO is PlanReader or PlanWriter.
template <class IO>
void io_step(IO& io, Step& s) {
  io.range(s.kind, 0, kStepKindCount - 1);
  io.range(s.delay, 0, 255);
  io.flag(s.gate);
  switch (static_cast<StepKind>(s.kind)) {
    case StepKind::kRaw:
      io.bytes(s.bytes, 4096);
      break;
    case StepKind::kStreamType:
      io.range(s.index, 0, kStreamtypeCount - 1);
      io.range(s.version_x, 0, 255);
      io.range(s.flags, 0, 3);  // initial tx credit code
      io.range(s.value, 0, 0xffffffffu);
      break;
    case StepKind::kPayload:
      io.range(s.flags, 0, 127);
      io.range(s.size, 0, 65519);
      io.range(s.repeat, 1, 32);
      io.bytes(s.bytes, 64);
      break;
    case StepKind::kMetadata:
      io.range(s.index, 0, kMetadataNameCount);
      if (s.index == kMetadataNameCount) io.bytes(s.name, 40);
      io.bytes(s.bytes, 512);
      break;
    case StepKind::kControl:
      io.range(s.index, 0, 5);
      io.range(s.value, 0, 0xffffffffu);
      break;
    default:
      break;
  }
}

template <class IO>
void io_plan(IO& io, Plan& p) {
  io.range(p.seed, 0, 255);
  io.range(p.seg_shift, 0, 12);
  io.range(p.onward_latency, 0, 3);
  io.range(p.onward_rate, 0, 7);
  io.list(p.server, 1, 3, [&](ServerBehaviour& b) {
    io.range(b.mode, 0, kServerModeCount - 1);
    io.flag(b.head);
    io.flag(b.close_after);
    io.range(b.repeat, 1, 64);
    io.bytes(b.bytes, 4096);
  });
  io.list(p.clients, 1, 4, [&](ClientPlan& c) {
    io.range(c.start, 0, 255);
    io.list(c.steps, 0, 24, [&](Step& s) { io_step(io, s); });
  });
}

// Fills a plan from a fuzz input.
class PlanReader {
 public:
  PlanReader(const std::uint8_t* data, std::size_t size) : fdp_(data, size) {}
  void range(std::uint32_t& v, std::uint32_t lo, std::uint32_t hi) { v = fdp_.ConsumeIntegralInRange<std::uint32_t>(lo, hi); }
  void flag(bool& v) { v = fdp_.ConsumeIntegralInRange<std::uint32_t>(0, 1) != 0; }
  void bytes(std::vector<std::uint8_t>& v, std::uint32_t max) {
    std::uint32_t n = 0;
    range(n, 0, max);
    v = fdp_.ConsumeBytes<std::uint8_t>(n);
  }
  template <class T, class F>
  void list(std::vector<T>& v, std::uint32_t lo, std::uint32_t hi, F each) {
    std::uint32_t n = 0;
    range(n, lo, hi);
    v.assign(n, T{});
    for (auto& e : v) each(e);
  }

 private:
  FuzzedDataProvider fdp_;
};

// Turns a plan into the input PlanReader reads as that plan: byte strings
// go to the front in order, integers to the back (FuzzedDataProvider takes
// them from the end, most significant byte first).
class PlanWriter {
 public:
  void range(std::uint32_t& v, std::uint32_t lo, std::uint32_t hi) {
    if (v < lo || v > hi) std::abort();  // a seed outside its field's range
    const std::uint64_t span = static_cast<std::uint64_t>(hi) - lo;
    int n = 0;
    while (n < 4 && (span >> (8 * n)) > 0) ++n;
    const std::uint64_t r = v - lo;
    for (int i = n - 1; i >= 0; --i) back_.push_back(static_cast<std::uint8_t>(r >> (8 * i)));
  }
  void flag(bool& v) {
    std::uint32_t x = v ? 1 : 0;
    range(x, 0, 1);
  }
  void bytes(std::vector<std::uint8_t>& v, std::uint32_t max) {
    if (v.size() > max) std::abort();
    std::uint32_t n = static_cast<std::uint32_t>(v.size());
    range(n, 0, max);
    front_.insert(front_.end(), v.begin(), v.end());
  }
  template <class T, class F>
  void list(std::vector<T>& v, std::uint32_t lo, std::uint32_t hi, F each) {
    std::uint32_t n = static_cast<std::uint32_t>(v.size());
    range(n, lo, hi);
    for (auto& e : v) each(e);
  }
  std::vector<std::uint8_t> input() const {
    std::vector<std::uint8_t> out = front_;
    out.insert(out.end(), back_.rbegin(), back_.rend());
    return out;
  }

 private:
  std::vector<std::uint8_t> front_;
  std::vector<std::uint8_t> back_;  // in the order the reader takes them
};

// One line per part, for PROXY_FUZZ_VERBOSE.
inline std::string describe(const Plan& p) {
  static const char* const modes[] = {"echo", "sink", "answer", "close", "pause", "ignore", "refuse"};
  static const char* const kinds[] = {"raw", "streamtype", "payload", "metadata", "control",
                                      "pause-read", "resume-read", "half-close", "close"};
  std::string out = "seed " + std::to_string(p.seed) + ", segments <= " + std::to_string(16u << p.seg_shift) +
                    ", onward latency/rate codes " + std::to_string(p.onward_latency) + "/" +
                    std::to_string(p.onward_rate) + "\nserver:";
  for (const auto& b : p.server)
    out += std::string(" ") + modes[b.mode % kServerModeCount] + (b.head ? "+head" : "") +
           (b.close_after ? "+close" : "") + "(" + std::to_string(b.bytes.size()) + "x" + std::to_string(b.repeat) + ")";
  for (std::size_t i = 0; i < p.clients.size(); ++i) {
    out += "\nclient " + std::to_string(i + 1) + " at " + std::to_string(p.clients[i].start * 4) + " ms:";
    for (const auto& s : p.clients[i].steps) {
      out += std::string(" +") + std::to_string(delay_ms(s.delay)) + (s.gate ? "g " : " ") + kinds[s.kind % kStepKindCount];
      if (s.kind == static_cast<std::uint32_t>(StepKind::kStreamType)) out += std::string("(") + kStreamtypeNames[s.index % kStreamtypeCount] + ")";
      if (s.kind == static_cast<std::uint32_t>(StepKind::kPayload))
        out += "(" + std::to_string(s.size) + "x" + std::to_string(s.repeat) + ")";
      if (s.kind == static_cast<std::uint32_t>(StepKind::kRaw) || s.kind == static_cast<std::uint32_t>(StepKind::kMetadata))
        out += "(" + std::to_string(s.bytes.size()) + ")";
      if (s.kind == static_cast<std::uint32_t>(StepKind::kControl)) out += "(" + std::to_string(s.index) + ")";
    }
  }
  return out;
}

inline Plan read_plan(const std::uint8_t* data, std::size_t size) {
  PlanReader r(data, size);
  Plan p;
  io_plan(r, p);
  return p;
}

inline std::vector<std::uint8_t> write_plan(Plan p) {
  PlanWriter w;
  io_plan(w, p);
  return w.input();
}

}  // namespace ss::fuzzing::proxy_fuzz
