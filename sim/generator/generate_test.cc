#include "sim/generator/generate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "runtime/stream/states.h"
#include "sim/generator/describe.h"

namespace ss::sim::gen {
namespace {

WorldSpec from_seed(std::uint64_t seed) {
  RngDecisions d(seed);
  return generate_world(d, seed);
}

WorldSpec from_bytes(const std::vector<std::uint8_t>& bytes) {
  ByteDecisions d(bytes);
  return generate_world(d, 1);
}

bool has_kind(const std::vector<FaultKind>& kinds, FaultKind k) {
  return std::find(kinds.begin(), kinds.end(), k) != kinds.end();
}

// What the runner relies on beyond validate() (generate.h, "Conventions");
// the first broken rule, or "".
std::string check_contract(const WorldSpec& w) {
  if (auto v = validate(w); !v.empty()) return "validate: " + v;
  if (w.retries.empty() || w.retries.size() > 3) return "retries: count";
  if (w.servers.empty() || w.servers.size() > 4) return "servers: count";
  if (w.streamtypes.empty() || w.streamtypes.size() > 5) return "streamtypes: count";
  if (w.streams.empty() || w.streams.size() > 24) return "streams: count";
  if (world_bytes(w) > world_byte_cap(w)) return "bytes: " + std::to_string(world_bytes(w)) + " over the cap";
  for (std::size_t i = 0; i < w.servers.size(); ++i)
    if (w.servers[i].host != "srv-" + std::to_string(i + 1)) return "servers[" + std::to_string(i) + "].host";
  for (std::size_t i = 0; i < w.streamtypes.size(); ++i) {
    const auto& st = w.streamtypes[i];
    const auto& srv = w.servers[st.server];
    const std::string at = "streamtypes[" + std::to_string(i) + "]";
    const ServerKind want = st.proto == Proto::kRaw ? ServerKind::kEcho
                            : st.proto == Proto::kH1 ? ServerKind::kHttp
                                                     : ServerKind::kWsEcho;
    if (srv.kind != want) return at + ": proto does not match the server's kind";
    if (st.tls != srv.tls) return at + ".tls: not the server's";
    if (st.nailed_up && st.opportunistic) return at + ": nailed_up and opportunistic";
    if ((st.proto == Proto::kH1) != !st.http_method.empty()) return at + ".http_method";
    const bool get = st.http_method == "GET";
    if (get != (!st.metadata.empty() && st.metadata[0].name == "len")) return at + ": GET without len first";
    if (get && st.url.rfind("dl/${len}", 0) != 0) return at + ".url: GET not dl/${len}";
    if (st.http_method == "POST" && st.url.rfind("echo", 0) != 0) return at + ".url: POST not echo";
    if (st.proto == Proto::kWs && st.url.rfind("ws", 0) != 0) return at + ".url: ws not ws";
    if (st.proto == Proto::kRaw && !st.url.empty()) return at + ".url: raw with a url";
    for (const auto& m : st.metadata) {
      const bool in_url = st.url.find("${" + m.name + "}") != std::string::npos;
      if ((m.use == MetadataSpec::Use::kUrl) != in_url) return at + ": metadata " + m.name + " url use";
      if (m.use == MetadataSpec::Use::kHeader && m.header != "x-" + m.name + ":") return at + ": header name";
      if (st.proto == Proto::kRaw && m.use != MetadataSpec::Use::kNone) return at + ": raw metadata used";
    }
  }
  for (std::size_t i = 0; i < w.streams.size(); ++i) {
    const auto& s = w.streams[i];
    const auto& st = w.streamtypes[s.streamtype];
    const std::string at = "streams[" + std::to_string(i) + "]";
    const bool get = st.http_method == "GET";
    if (get) {
      if (!s.messages.empty()) return at + ": GET with messages";
      if (s.metadata.empty() || s.metadata[0].name != "len" || s.metadata[0].at != 0 ||
          s.metadata[0].value != std::to_string(s.download))
        return at + ": GET without len = download at creation";
    } else if (s.download != 0) {
      return at + ": download without GET";
    }
    if (st.http_method == "POST" && s.messages.size() != 1) return at + ": POST without one body";
    if (s.messages.size() > 6) return at + ": too many messages";
    for (std::size_t m : s.messages) {
      if (st.proto == Proto::kWs && m > kMaxWsMessage) return at + ": ws message too large";
      if (m > kMaxBulk) return at + ": message too large";
    }
    for (std::size_t k = 0; k < s.metadata.size(); ++k) {
      const auto& m = s.metadata[k];
      if (k && m.at < s.metadata[k - 1].at) return at + ".metadata: not in time order";
      const bool bad_value =
          m.value.empty() || m.value.size() > 12 || m.value.find_first_of("?&/#% \"") != std::string::npos;
      if (m.name != "len" && bad_value) return at + ".metadata: bad value '" + m.value + "'";
      if (std::none_of(st.metadata.begin(), st.metadata.end(), [&](const auto& d) { return d.name == m.name; }))
        return at + ".metadata: " + m.name + " not declared";
    }
    if ((st.manual_initial_tx_credit > 0) != (s.reader.credit_step > 0)) return at + ".reader.credit_step";
    std::size_t receives = s.download;
    for (std::size_t m : s.messages) receives += m;
    if (s.reader.credit_step > 0 && static_cast<std::size_t>(s.reader.credit_step) * 2000 < receives)
      return at + ".reader.credit_step: " + std::to_string(s.reader.credit_step) + " needs over 2,000 grants";
  }
  if (w.swarm.empty() != w.faults.actions.empty()) return "swarm and plan: one without the other";
  for (const auto& a : w.faults.actions) {
    if (!has_kind(w.swarm, a.kind)) return std::string("faults: ") + fault_kind_name(a.kind) + " not in the swarm";
    if (a.kind == FaultKind::kRefuse || a.kind == FaultKind::kBlackhole || a.kind == FaultKind::kListenerRestart) {
      const bool ok = std::any_of(w.servers.begin(), w.servers.end(), [&](const ServerSpec& s) {
        return s.host == a.host && server_listen_endpoint(s) == a.endpoint && s.trouble != ServerTrouble::kRefuse;
      });
      if (!ok) return "faults: listener fault on no listener: " + a.to_string();
    }
  }
  return "";
}

TEST(GenerateWorld, SameSeedSameWorld) {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    EXPECT_EQ(describe_world_spec(from_seed(seed)), describe_world_spec(from_seed(seed))) << "seed " << seed;
  }
  std::set<std::string> distinct;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) distinct.insert(describe_world_spec(from_seed(seed)));
  EXPECT_EQ(distinct.size(), 200u);
}

// The knobs make a bigger world of the same seed: the same draws in the
// same order, so the default world is the heavy one cut back to its drawn
// streams (the faults differ: they are drawn after the streams).
TEST(GenerateWorld, KnobsGrowTheSameWorld) {
  const GenKnobs knobs{.streams = 1000, .faults = true};
  int with_faults = 0;
  for (std::uint64_t seed = 1; seed <= 80; ++seed) {
    const WorldSpec plain = from_seed(seed);
    RngDecisions d(seed);
    WorldSpec heavy = generate_world(d, seed, knobs);
    ASSERT_EQ(heavy.streams.size(), 1000u) << "seed " << seed;
    EXPECT_EQ(validate(heavy), "") << "seed " << seed;
    EXPECT_LE(world_bytes(heavy), world_byte_cap(heavy)) << "seed " << seed;
    with_faults += heavy.faults.actions.empty() ? 0 : 1;
    heavy.streams.resize(plain.streams.size());
    heavy.faults = plain.faults;
    heavy.swarm = plain.swarm;
    EXPECT_EQ(describe_world_spec(heavy), describe_world_spec(plain)) << "seed " << seed;
  }
  // A forced plan can still come out empty: about 13% do (1,000 seeds).
  EXPECT_GE(with_faults, 60);
}

TEST(GenerateWorld, SeedOnlyBecomesSpecSeed) {
  std::vector<std::uint8_t> bytes(300, 0x5a);
  ByteDecisions a(bytes), b(bytes);
  const WorldSpec x = generate_world(a, 7), y = generate_world(b, 8);
  EXPECT_EQ(x.seed, 7u);
  EXPECT_EQ(y.seed, 8u);
  WorldSpec y7 = y;
  y7.seed = 7;
  EXPECT_EQ(describe_world_spec(x), describe_world_spec(y7));
}

TEST(GenerateWorld, EmptyBytesGiveTheMinimalWorld) {
  const WorldSpec w = from_bytes({});
  EXPECT_EQ(validate(w), "");
  EXPECT_TRUE(w.calm());
  EXPECT_TRUE(w.swarm.empty());
  EXPECT_FALSE(w.buggify);
  EXPECT_EQ(w.max_segment, 0u);
  EXPECT_EQ(w.latency, 100);
  EXPECT_FALSE(w.proxy);
  ASSERT_EQ(w.retries.size(), 1u);
  ASSERT_EQ(w.servers.size(), 1u);
  EXPECT_EQ(w.servers[0].host, "srv-1");
  EXPECT_EQ(w.servers[0].kind, ServerKind::kEcho);
  EXPECT_EQ(w.servers[0].port, 7);
  EXPECT_FALSE(w.servers[0].tls);
  EXPECT_EQ(w.servers[0].trouble, ServerTrouble::kNone);
  ASSERT_EQ(w.streamtypes.size(), 1u);
  const auto& st = w.streamtypes[0];
  EXPECT_EQ(st.proto, Proto::kRaw);
  EXPECT_FALSE(st.tls);
  EXPECT_FALSE(st.retry.has_value());
  EXPECT_EQ(st.timeout_ms, 0u);
  EXPECT_FALSE(st.nailed_up || st.opportunistic);
  EXPECT_TRUE(st.metadata.empty());
  EXPECT_EQ(st.manual_initial_tx_credit, 0);
  ASSERT_EQ(w.streams.size(), 1u);
  const auto& s = w.streams[0];
  EXPECT_FALSE(s.via_proxy);
  EXPECT_EQ(s.start_at, 0);
  EXPECT_EQ(s.end_at, 0);
  EXPECT_EQ(s.tx_mode, TxMode::kRequestTx);
  EXPECT_TRUE(s.messages.empty());
  EXPECT_EQ(s.download, 0u);
  EXPECT_TRUE(s.metadata.empty());
  EXPECT_EQ(s.reader.kind, ReaderSpec::Kind::kFast);
  EXPECT_EQ(s.answers.disconnect_from, AnswerSpec::From::kNone);
  EXPECT_EQ(s.answers.destroy_from, AnswerSpec::From::kNone);
  EXPECT_EQ(s.again_after_arf, 0);
  // All-zero bytes are the same world as no bytes.
  EXPECT_EQ(describe_world_spec(from_bytes(std::vector<std::uint8_t>(4096, 0))), describe_world_spec(w));
}

TEST(GenerateWorld, ValidForManySeeds) {
  for (std::uint64_t seed = 0; seed < 20000; ++seed) {
    const WorldSpec w = from_seed(seed);
    const std::string problem = check_contract(w);
    ASSERT_EQ(problem, "") << "seed " << seed << "\n" << describe_world_spec(w);
  }
}

TEST(GenerateWorld, ValidForRandomBytes) {
  Rng rng(0xb17e5);
  for (int i = 0; i < 2000; ++i) {
    std::vector<std::uint8_t> bytes(rng.below(i % 10 == 0 ? 4000 : 400));
    rng.fill(bytes);
    const WorldSpec w = from_bytes(bytes);
    const std::string problem = check_contract(w);
    ASSERT_EQ(problem, "") << "input " << i << " (" << bytes.size() << " bytes)\n" << describe_world_spec(w);
  }
}

// Every feature shows up in 2,000 seeds; the failure lists what never did.
TEST(GenerateWorld, CoversEveryFeature) {
  std::set<std::string> seen;
  for (std::uint64_t seed = 1; seed <= 2000; ++seed) {
    const WorldSpec w = from_seed(seed);
    seen.insert(std::string("proxy=") + (w.proxy ? "on" : "off"));
    seen.insert(w.calm() ? "calm" : "not-calm");
    if (w.buggify) seen.insert("buggify");
    if (w.max_segment) seen.insert("segmentation");
    for (const auto& a : w.faults.actions) seen.insert(std::string("fault ") + fault_kind_name(a.kind));
    for (const auto& r : w.retries)
      if (r.conceal == 65535) seen.insert("conceal forever");
    for (const auto& s : w.servers) {
      seen.insert(std::string("server ") + server_kind_name(s.kind));
      seen.insert(std::string("trouble ") + server_trouble_name(s.trouble));
      if (s.port != 7 && s.port != 80 && s.port != 443) seen.insert("drawn port");
    }
    for (const auto& st : w.streamtypes) {
      seen.insert(std::string("proto ") + proto_name(st.proto));
      seen.insert(std::string("tls=") + (st.tls ? "on" : "off"));
      if (!st.http_method.empty()) seen.insert("method " + st.http_method);
      if (st.nailed_up) seen.insert("nailed_up");
      if (st.opportunistic) seen.insert("opportunistic");
      if (st.timeout_ms) seen.insert("timeout");
      if (st.retry) seen.insert("retry policy");
      if (st.manual_initial_tx_credit) seen.insert(std::string("manual credit ") + proto_name(st.proto));
      if (st.rxflow_on_above) seen.insert("rxflow keys");
      for (const auto& m : st.metadata) {
        if (m.name == "len") continue;
        if (m.use == MetadataSpec::Use::kUrl) seen.insert(std::string("metadata in url ") + proto_name(st.proto));
        if (m.use == MetadataSpec::Use::kHeader) seen.insert(std::string("metadata in header ") + proto_name(st.proto));
      }
    }
    for (const auto& s : w.streams) {
      if (s.via_proxy) seen.insert("via_proxy");
      seen.insert(std::string("reader ") + reader_kind_name(s.reader.kind));
      seen.insert(s.tx_mode == TxMode::kRequestTx ? "request_tx" : "request_tx_len");
      const char* from[] = {"none", "rx", "tx", "state"};
      if (s.answers.disconnect_from != AnswerSpec::From::kNone)
        seen.insert(std::string("disconnect from ") + from[static_cast<int>(s.answers.disconnect_from)]);
      if (s.answers.destroy_from != AnswerSpec::From::kNone)
        seen.insert(std::string("destroy from ") + from[static_cast<int>(s.answers.destroy_from)]);
      if (s.again_after_arf) seen.insert("again_after_arf");
      if (s.timeout.arm_at) seen.insert(std::string("timer ") + (s.via_proxy ? "via_proxy" : "direct"));
      if (s.timeout.rearm_after) seen.insert("timer armed again");
      if (s.timeout.cancel_after) seen.insert("timer cancelled");
      if (s.answers.disconnect_state == stream::to_int(stream::State::kTimeout)) seen.insert("DISCONNECT_ME from TIMEOUT");
      if (s.reader.credit_step > 0 && s.reader.credit_step < 700 && s.reader.credit_step % 2 == 1)
        seen.insert("small odd credit step");
      if (s.end_at) seen.insert("end_at");
      for (std::size_t m : s.messages)
        if (m >= (std::size_t{1} << 20)) seen.insert("bulk message");
      if (s.download >= (std::size_t{1} << 20)) seen.insert("bulk download");
      for (const auto& m : s.metadata)
        if (m.at > 0) seen.insert("metadata set later");
    }
  }
  std::vector<std::string> wanted = {"proxy=on", "proxy=off", "calm", "not-calm", "buggify", "segmentation",
                                     "conceal forever", "drawn port", "tls=on", "tls=off", "method GET", "method POST",
                                     "nailed_up", "opportunistic", "timeout", "retry policy", "manual credit raw",
                                     "manual credit h1", "manual credit ws", "small odd credit step",
                                     "timer direct", "timer via_proxy", "timer armed again", "timer cancelled",
                                     "DISCONNECT_ME from TIMEOUT",
                                     "rxflow keys", "via_proxy", "request_tx", "request_tx_len", "again_after_arf",
                                     "end_at", "bulk message", "bulk download", "metadata set later"};
  for (int k = 0; k <= static_cast<int>(FaultKind::kListenerRestart); ++k)
    wanted.push_back(std::string("fault ") + fault_kind_name(static_cast<FaultKind>(k)));
  for (auto k : {ServerKind::kEcho, ServerKind::kHttp, ServerKind::kWsEcho})
    wanted.push_back(std::string("server ") + server_kind_name(k));
  for (auto t : {ServerTrouble::kNone, ServerTrouble::kRefuse, ServerTrouble::kBlackhole, ServerTrouble::kCloseEarly,
                 ServerTrouble::kSlow})
    wanted.push_back(std::string("trouble ") + server_trouble_name(t));
  for (auto p : {Proto::kRaw, Proto::kH1, Proto::kWs}) wanted.push_back(std::string("proto ") + proto_name(p));
  for (auto r : {ReaderSpec::Kind::kFast, ReaderSpec::Kind::kSlow, ReaderSpec::Kind::kStall, ReaderSpec::Kind::kStop})
    wanted.push_back(std::string("reader ") + reader_kind_name(r));
  for (const char* f : {"rx", "tx", "state"}) {
    wanted.push_back(std::string("disconnect from ") + f);
    wanted.push_back(std::string("destroy from ") + f);
  }
  for (const char* p : {"h1", "ws"}) {
    wanted.push_back(std::string("metadata in url ") + p);
    wanted.push_back(std::string("metadata in header ") + p);
  }
  std::string missing;
  for (const auto& w : wanted)
    if (!seen.count(w)) missing += " [" + w + "]";
  EXPECT_EQ(missing, "") << "never generated in 2,000 seeds";
}

TEST(GenerateWorld, CalmWorldsAreCommon) {
  int calm = 0;
  for (std::uint64_t seed = 1; seed <= 2000; ++seed) calm += from_seed(seed).faults.actions.empty();
  // The plan is off in about 1/3 of the worlds, and a swarm plan may draw
  // no action; far from all, far from none.
  EXPECT_GT(calm, 2000 / 4);
  EXPECT_LT(calm, 2000 * 3 / 4);
}

TEST(GenerateWorld, DescribeShowsEveryPart) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const WorldSpec w = from_seed(seed);
    const std::string text = describe_world_spec(w);
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    // world, swarm, "faults:", the plan (one line per action or "(no faults)"),
    // then one line per retry policy, server, streamtype and stream.
    const std::size_t want = 3 + std::max<std::size_t>(1, w.faults.actions.size()) + w.retries.size() +
                             w.servers.size() + w.streamtypes.size() + w.streams.size();
    ASSERT_EQ(lines, want) << text;
    for (const auto& s : w.servers) EXPECT_NE(text.find(s.host + ":" + std::to_string(s.port)), std::string::npos);
    for (const auto& st : w.streamtypes) EXPECT_NE(text.find(": " + st.name + " "), std::string::npos);
    EXPECT_NE(text.find(w.faults.to_string()), std::string::npos);
  }
}

TEST(RandomFaultPlan, KindsRestrictThePlan) {
  FaultSpace space;
  space.hosts = {"client", "srv-1"};
  space.listeners = {{"srv-1", Endpoint::tcp("0.0.0.0", 7)}};
  space.names = {"srv-1"};
  space.max_actions = 8;
  std::vector<FaultKind> all;
  for (int k = 0; k <= static_cast<int>(FaultKind::kListenerRestart); ++k) all.push_back(static_cast<FaultKind>(k));
  std::size_t restricted_actions = 0;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    Rng a(seed), b(seed);
    EXPECT_EQ(random_fault_plan(a, space).to_string(), random_fault_plan(b, space, all).to_string());
    Rng c(seed);
    const std::vector<FaultKind> some = {FaultKind::kClog, FaultKind::kDnsTimeout};
    for (const auto& act : random_fault_plan(c, space, some).actions) {
      EXPECT_TRUE(has_kind(some, act.kind)) << fault_kind_name(act.kind);
      ++restricted_actions;
    }
    Rng e(seed);
    EXPECT_TRUE(random_fault_plan(e, space, {}).actions.empty());
  }
  EXPECT_GT(restricted_actions, 300u);
}

}  // namespace
}  // namespace ss::sim::gen
