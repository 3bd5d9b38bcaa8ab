// The world generator: see generate.h for the ranges, the order of the
// draws and the conventions the runner relies on.
#include "sim/generator/generate.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "runtime/stream/states.h"

namespace ss::sim::gen {
namespace {

using stream::State;

constexpr std::size_t kKiB = 1024;

std::size_t draw_size_in(Decisions& d, std::size_t lo, std::size_t hi) {
  return static_cast<std::size_t>(d.between(static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi)));
}

// 1-12 characters of [a-z0-9._-]; "a" is the simplest.
std::string draw_value(Decisions& d) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789._-";
  const auto n = d.between(1, 12);
  std::string v;
  for (std::int64_t i = 0; i < n; ++i) v += kAlphabet[d.below(sizeof kAlphabet - 1)];
  return v;
}

// Bytes left under the world's cap.
class Budget {
 public:
  explicit Budget(std::size_t cap) : left_(cap) {}
  std::size_t take(std::size_t want) {
    const std::size_t n = std::min(want, left_);
    left_ -= n;
    return n;
  }

 private:
  std::size_t left_;
};

// Mostly small (0..2000 B), bulk (64 KiB..bulk_max) in 1/10.
std::size_t draw_message(Decisions& d, std::size_t bulk_max, Budget& budget) {
  const bool bulk = d.chance(1, 10);
  return budget.take(bulk ? draw_size_in(d, 64 * kKiB, bulk_max) : draw_size_in(d, 0, 2000));
}

void draw_network(Decisions& d, WorldSpec& w) {
  w.latency = d.between(100, millis(20));
  if (d.chance(1, 3)) w.max_segment = draw_size_in(d, 1, 16384);
  w.buggify = d.chance(1, 8);
}

RetrySpec draw_retry(Decisions& d) {
  RetrySpec r;
  const auto entries = d.between(1, 5);
  for (std::int64_t i = 0; i < entries; ++i) r.backoff_ms.push_back(static_cast<std::uint32_t>(d.between(50, 3000)));
  r.conceal = d.chance(1, 8) ? std::uint16_t{65535} : static_cast<std::uint16_t>(d.between(0, 8));
  r.jitter_percent = static_cast<std::uint8_t>(d.between(0, 50));
  return r;
}

ServerSpec draw_server(Decisions& d, std::size_t index) {
  ServerSpec s;
  s.host = "srv-" + std::to_string(index + 1);
  s.kind = static_cast<ServerKind>(d.below(3));
  s.tls = d.chance(1, 4);
  if (d.chance(1, 4)) {
    s.port = static_cast<std::uint16_t>(d.between(1024, 65535));
  } else {
    s.port = s.tls ? 443 : s.kind == ServerKind::kEcho ? 7 : 80;
  }
  if (d.chance(1, 6)) {
    s.trouble = static_cast<ServerTrouble>(1 + d.below(4));
    if (s.trouble == ServerTrouble::kCloseEarly) s.trouble_bytes = draw_size_in(d, 0, 64 * kKiB);
    if (s.trouble == ServerTrouble::kSlow) s.trouble_bytes = draw_size_in(d, 1, 4096);
  }
  return s;
}

std::string url_query(const std::vector<MetadataSpec>& metadata) {
  std::string q;
  for (const auto& m : metadata) {
    if (m.use != MetadataSpec::Use::kUrl || m.name == "len") continue;
    q += (q.empty() ? "?" : "&") + m.name + "=${" + m.name + "}";
  }
  return q;
}

// The longest metadata name a proxy link's METADATA frame carries (docs/wire.md).
constexpr std::size_t kMaxMetadataNameOnWire = 30;

StreamtypeSpec draw_streamtype(Decisions& d, const WorldSpec& w, std::size_t index) {
  StreamtypeSpec st;
  st.name = "st-" + std::to_string(index + 1);
  st.server = static_cast<std::size_t>(d.below(w.servers.size()));
  const ServerSpec& server = w.servers[st.server];
  st.proto = server.kind == ServerKind::kEcho   ? Proto::kRaw
             : server.kind == ServerKind::kHttp ? Proto::kH1
                                                : Proto::kWs;
  st.tls = server.tls;
  if (d.chance(3, 4)) st.retry = static_cast<std::size_t>(d.below(w.retries.size()));
  if (d.chance(1, 4)) st.timeout_ms = static_cast<std::uint32_t>(d.between(100, 5000));
  switch (d.below(8)) {
    case 6: st.opportunistic = true; break;
    case 7: st.nailed_up = true; break;
    default: break;
  }
  if (st.proto == Proto::kH1) st.http_method = d.chance(1, 2) ? "POST" : "GET";
  if (st.http_method == "GET") st.metadata.push_back({"len", MetadataSpec::Use::kUrl, ""});
  const auto mds = d.between(0, 3);
  for (std::int64_t i = 0; i < mds; ++i) {
    MetadataSpec m;
    m.name = "md" + std::to_string(i + 1);
    // A third name is as long as a proxy's METADATA frame carries (30
    // bytes, docs/wire.md), so the wire's limit is met exactly; no draw.
    if (i == 2) m.name += std::string(kMaxMetadataNameOnWire - m.name.size(), 'x');
    const auto use = st.proto == Proto::kRaw ? 0 : d.below(3);
    if (use == 1) m.use = MetadataSpec::Use::kUrl;
    if (use == 2) {
      m.use = MetadataSpec::Use::kHeader;
      m.header = "x-" + m.name + ":";
    }
    st.metadata.push_back(std::move(m));
  }
  if (st.proto == Proto::kH1) st.url = (st.http_method == "GET" ? "dl/${len}" : "echo") + url_query(st.metadata);
  if (st.proto == Proto::kWs) st.url = "ws" + url_query(st.metadata);
  // Manual credit on every protocol; one in two a small window (under a
  // ws message or an h1 body piece), so rx is held and handed out in
  // chunks smaller than what came in one piece.
  if (d.chance(1, 6))
    st.manual_initial_tx_credit = static_cast<std::int32_t>(d.chance(1, 2) ? d.between(1, 700) : d.between(1, 64 * kKiB));
  if (w.proxy && d.chance(1, 4)) {
    st.client_buflen = static_cast<std::uint32_t>(d.between(8 * kKiB, 128 * kKiB));
    if (d.chance(1, 2)) {
      st.rxflow_on_above = static_cast<std::uint32_t>(d.between(16 * kKiB, 256 * kKiB));
      st.rxflow_off_below = static_cast<std::uint32_t>(d.between(0, st.rxflow_on_above - 1));
    }
  }
  return st;
}

// A reader granting credit in tiny steps to a stream that moves MiB would
// need millions of grants, each a round trip (two through the proxy): a world
// no engine could finish, not a finding. The step is at least 1/kMaxGrants of
// what the stream receives.
constexpr std::size_t kMaxGrants = 2000;
// INT32_MAX - 1: even, so the reader grants it whenever less is outstanding.
constexpr std::int32_t kGenerousCreditStep = 2147483646;

ReaderSpec draw_reader(Decisions& d, const StreamtypeSpec& st, std::size_t receives) {
  ReaderSpec r;
  const auto k = d.below(10);
  if (k >= 6 && k <= 7) {
    r.kind = ReaderSpec::Kind::kSlow;
    r.read_for = d.between(millis(10), millis(50));
    r.pause_for = d.between(millis(20), millis(200));
  } else if (k == 8) {
    r.kind = ReaderSpec::Kind::kStall;
    r.stall_at = d.between(millis(100), seconds(2));
    r.stall_for = d.between(seconds(1), seconds(8));
  } else if (k == 9) {
    r.kind = ReaderSpec::Kind::kStop;
    r.stall_at = d.between(0, seconds(2));
  }
  if (st.manual_initial_tx_credit > 0) {
    // Small odd steps in half: a message comes in several grants.
    const auto drawn = static_cast<std::size_t>(d.chance(1, 2) ? 2 * d.between(0, 300) + 1 : d.between(1, 64 * kKiB));
    r.credit_step = static_cast<std::int32_t>(std::max(drawn, (receives + kMaxGrants - 1) / kMaxGrants));
    // One step in eight (no draw of its own, so the rest of the world is
    // as drawn): a generous reader that grants the largest credit there is,
    // again whenever less than that is outstanding, so the engine's and the
    // proxy's credit sums must stop at INT32_MAX, never wrap negative and
    // hold everything (docs/api.md "Sending and receiving").
    if (r.credit_step % 4 == 2) r.credit_step = kGenerousCreditStep;
  }
  return r;
}

// The user's timer in 1/4 of the streams: its own ms or the streamtype's,
// sometimes armed again; cancelled in 1/2, mostly in the timer's first
// half (well before it fires), else at any time up to 4 s.
TimeoutSpec draw_timeout(Decisions& d, std::uint32_t streamtype_ms) {
  TimeoutSpec t;
  if (!d.chance(1, 4)) return t;
  t.arm_at = d.between(millis(1), seconds(3));
  if (d.chance(2, 3)) t.ms = static_cast<std::uint32_t>(d.between(1, 3000));
  if (d.chance(1, 3)) t.rearm_after = d.between(millis(1), seconds(2));
  if (d.chance(1, 2)) {
    const Micros half = millis(t.ms ? t.ms : streamtype_ms) / 2;
    t.cancel_after = d.chance(2, 3) && half > millis(1) ? d.between(millis(1), half) : d.between(millis(1), seconds(4));
  }
  return t;
}

// As sim/testing/answer_plan.h draws them, from Decisions; TIMEOUT is
// among the states when the user arms a timer.
AnswerSpec draw_answers(Decisions& d, bool has_tx, Proto proto, bool timer) {
  AnswerSpec a;
  if (!d.chance(1, 3)) return a;
  std::vector<State> states = {State::kConnected, State::kConnecting, State::kPoll, State::kUnreachable,
                               State::kDisconnected};
  if (proto == Proto::kH1) {
    states.push_back(State::kQosAckRemote);
    states.push_back(State::kQosNackRemote);
  }
  if (timer) states.push_back(State::kTimeout);
  auto from = [&](int& state) {
    const auto k = d.below(has_tx ? 3 : 2);
    if (k == 2) return AnswerSpec::From::kTx;
    if (k == 1) {
      state = static_cast<int>(states[d.below(states.size())]);
      return AnswerSpec::From::kState;
    }
    return AnswerSpec::From::kRx;
  };
  if (d.chance(2, 3)) {
    a.disconnect_from = from(a.disconnect_state);
    a.disconnect_every = static_cast<int>(d.between(1, 6));
  }
  if (d.chance(1, 2)) {
    a.destroy_from = from(a.destroy_state);
    a.destroy_at = static_cast<int>(d.between(1, 10));
  }
  return a;
}

StreamSpec draw_stream(Decisions& d, const WorldSpec& w, Budget& budget) {
  StreamSpec s;
  s.streamtype = static_cast<std::size_t>(d.below(w.streamtypes.size()));
  const StreamtypeSpec& st = w.streamtypes[s.streamtype];
  s.via_proxy = w.proxy && d.chance(1, 2);
  s.start_at = d.between(0, seconds(3));
  if (d.chance(1, 3)) s.end_at = s.start_at + d.between(millis(1), seconds(10));
  s.tx_mode = d.chance(1, 3) ? TxMode::kRequestTxLen : TxMode::kRequestTx;
  const bool get = st.proto == Proto::kH1 && st.http_method == "GET";
  const bool post = st.proto == Proto::kH1 && !get;
  if (get) {
    const bool bulk = d.chance(1, 4);
    s.download = budget.take(bulk ? draw_size_in(d, 64 * kKiB, kMaxBulk) : draw_size_in(d, 0, 20000));
    s.metadata.push_back({0, "len", std::to_string(s.download)});
  } else if (post) {
    s.messages.push_back(draw_message(d, kMaxBulk, budget));
  } else {
    const auto n = d.between(0, 6);
    const std::size_t bulk_max = st.proto == Proto::kWs ? kMaxWsMessage : kMaxBulk;
    for (std::int64_t i = 0; i < n; ++i) s.messages.push_back(draw_message(d, bulk_max, budget));
  }
  // The streamtype's own metadata (all but "len"): some set at creation,
  // some changed later.
  std::vector<std::string> names;
  for (const auto& m : st.metadata)
    if (m.name != "len") names.push_back(m.name);
  for (const auto& n : names)
    if (d.chance(1, 2)) s.metadata.push_back({0, n, draw_value(d)});
  if (!names.empty() && d.chance(1, 4)) {
    const auto changes = d.between(1, 3);
    std::vector<MetadataSet> later;
    for (std::int64_t i = 0; i < changes; ++i) {
      MetadataSet m;
      m.at = d.between(millis(1), seconds(3));
      m.name = names[d.below(names.size())];
      m.value = draw_value(d);
      later.push_back(std::move(m));
    }
    std::stable_sort(later.begin(), later.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
    s.metadata.insert(s.metadata.end(), later.begin(), later.end());
  }
  // What the stream receives: the download, or the echo of what it sends.
  std::size_t receives = s.download;
  for (std::size_t m : s.messages) receives += m;
  s.reader = draw_reader(d, st, receives);
  s.timeout = draw_timeout(d, st.timeout_ms);
  s.answers = draw_answers(d, !get, st.proto, s.timeout.arm_at > 0);
  if (d.chance(1, 4)) s.again_after_arf = d.between(millis(200), millis(1500));
  // Last: the API that drives it, the C API in 1/2 of the streams it can
  // drive (validate(): a fast reader, or manual credit to hold with).
  const bool c_ok = s.reader.kind == ReaderSpec::Kind::kFast || st.manual_initial_tx_credit > 0;
  if (c_ok && d.chance(1, 2)) s.api = Api::kCApi;
  return s;
}

void draw_faults(Decisions& d, WorldSpec& w, bool always) {
  if (!d.chance(2, 3) && !always) return;
  for (int k = 0; k <= static_cast<int>(FaultKind::kListenerRestart); ++k)
    if (d.chance(1, 2)) w.swarm.push_back(static_cast<FaultKind>(k));
  // Faults asked for but no kind drawn: every kind (never in a default world).
  if (always && w.swarm.empty())
    for (int k = 0; k <= static_cast<int>(FaultKind::kListenerRestart); ++k) w.swarm.push_back(static_cast<FaultKind>(k));
  const std::uint64_t fault_seed = d.below(std::numeric_limits<std::uint64_t>::max());
  FaultSpace space;
  space.hosts.push_back(kClientHost);
  if (w.proxy) space.hosts.push_back(kProxyHost);
  for (const auto& s : w.servers) {
    space.hosts.push_back(s.host);
    space.names.push_back(s.host);
    if (s.trouble != ServerTrouble::kRefuse) space.listeners.emplace_back(s.host, server_listen_endpoint(s));
  }
  space.horizon = seconds(3);
  space.max_duration = seconds(1);
  space.max_actions = 6;
  Rng rng(fault_seed);
  w.faults = random_fault_plan(rng, space, w.swarm);
  if (w.faults.actions.empty()) w.swarm.clear();
}


}  // namespace

Endpoint server_listen_endpoint(const ServerSpec& server) { return Endpoint::tcp("0.0.0.0", server.port); }

std::size_t world_byte_cap(const WorldSpec& spec) {
  // Tiny pieces cost an event each: the cap shrinks with the piece size
  // (4 KiB of payload per byte of max_segment, at most kSmallSegmentByteCap).
  if (spec.max_segment != 0 && spec.max_segment <= 512)
    return std::min(kSmallSegmentByteCap, spec.max_segment * std::size_t{4096});
  return kWorldByteCap;
}

std::size_t world_bytes(const WorldSpec& spec) {
  std::size_t total = 0;
  for (const auto& s : spec.streams) {
    total += s.download;
    for (std::size_t m : s.messages) total += m;
  }
  return total;
}

WorldSpec generate_world(Decisions& d, std::uint64_t seed, const GenKnobs& knobs) {
  WorldSpec w;
  w.seed = seed;
  draw_network(d, w);
  const auto retries = d.between(1, 3);
  for (std::int64_t i = 0; i < retries; ++i) w.retries.push_back(draw_retry(d));
  const auto servers = d.between(1, 4);
  for (std::int64_t i = 0; i < servers; ++i) w.servers.push_back(draw_server(d, static_cast<std::size_t>(i)));
  w.proxy = d.chance(1, 2);
  const auto streamtypes = d.between(1, 5);
  for (std::int64_t i = 0; i < streamtypes; ++i)
    w.streamtypes.push_back(draw_streamtype(d, w, static_cast<std::size_t>(i)));
  const auto drawn_streams = d.chance(1, 10) ? d.between(9, 24) : d.between(1, 8);
  const auto streams = knobs.streams > 0 ? static_cast<std::int64_t>(knobs.streams) : drawn_streams;
  // Bulk worlds (1 in 4) may move up to the cap; the others stay small so
  // that a campaign runs many seeds (a bulk world costs ~100x the time).
  Budget budget(d.chance(1, 4) ? world_byte_cap(w) : std::min(world_byte_cap(w), kSmallWorldByteCap));
  for (std::int64_t i = 0; i < streams; ++i) w.streams.push_back(draw_stream(d, w, budget));
  draw_faults(d, w, knobs.faults);
  return w;
}

}  // namespace ss::sim::gen
