#include "sim/generator/shrink.h"

#include <gtest/gtest.h>

#include <numeric>

#include "sim/generator/spec_text.h"
#include "sim/generator/test_specs.h"

namespace ss::sim::gen {
namespace {

std::size_t sent(const StreamSpec& s) { return std::accumulate(s.messages.begin(), s.messages.end(), std::size_t{0}); }

bool has_reset(const WorldSpec& w) {
  for (const auto& a : w.faults.actions)
    if (a.kind == FaultKind::kReset) return true;
  return false;
}

// "fails iff some stream sends >= 1000 bytes via the proxy and a reset fault exists"
bool big_proxied_reset(const WorldSpec& w) {
  EXPECT_EQ(validate(w), "") << "the shrinker ran an invalid candidate";
  if (!has_reset(w)) return false;
  for (const auto& s : w.streams)
    if (s.via_proxy && sent(s) >= 1000) return true;
  return false;
}

// A big world that fails big_proxied_reset: a random world plus a proxied
// stream with 8000 bytes in three messages, and a reset among other faults.
WorldSpec big_failing_world(std::uint64_t seed) {
  WorldSpec w = testing::random_spec(seed);
  w.proxy = true;
  for (int i = 0; i < 3; ++i) {
    StreamSpec s;
    s.streamtype = w.streamtypes.size() - 1;
    s.via_proxy = i == 1;
    s.messages = {1000, 3000, 4000};
    s.download = 777;
    s.start_at = millis(300);
    s.reader.kind = ReaderSpec::Kind::kSlow;
    w.streams.push_back(s);
  }
  FaultAction reset;
  reset.at = millis(50);
  reset.kind = FaultKind::kReset;
  w.faults.actions.insert(w.faults.actions.begin() + static_cast<std::ptrdiff_t>(w.faults.actions.size() / 2), reset);
  FaultAction clog;
  clog.kind = FaultKind::kClog;
  clog.host = "a";
  clog.peer_host = "b";
  w.faults.actions.push_back(clog);
  w.buggify = true;
  w.max_segment = 7;
  return w;
}

TEST(Shrink, BigProxiedResetShrinksToOneStreamOneFaultOneMessage) {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const WorldSpec start = big_failing_world(seed);
    ASSERT_EQ(validate(start), "");
    ASSERT_TRUE(big_proxied_reset(start));
    std::uint64_t last_runs = 0;
    bool finished = false;
    ShrinkOptions options;
    options.max_runs = 2000;
    options.on_progress = [&](const ShrinkProgress& p) {
      EXPECT_GE(p.runs, last_runs);
      last_runs = p.runs;
      if (p.finished) {
        finished = true;
        EXPECT_FALSE(p.budget_spent);
      }
    };
    const WorldSpec out = shrink(start, big_proxied_reset, options);
    EXPECT_TRUE(finished);
    EXPECT_LE(last_runs, 200u);  // about 35-55 runs for these worlds
    EXPECT_TRUE(big_proxied_reset(out));
    ASSERT_EQ(out.streams.size(), 1u);
    ASSERT_EQ(out.faults.actions.size(), 1u);
    EXPECT_EQ(out.faults.actions[0].kind, FaultKind::kReset);
    const StreamSpec& s = out.streams[0];
    EXPECT_TRUE(s.via_proxy);
    EXPECT_TRUE(out.proxy);
    ASSERT_EQ(s.messages.size(), 1u);
    EXPECT_GE(s.messages[0], 1000u);
    EXPECT_LE(s.messages[0], 1999u);
    EXPECT_EQ(s.download, 0u);
    EXPECT_EQ(s.start_at, 0);
    EXPECT_EQ(s.end_at, 0);
    EXPECT_TRUE(s.metadata.empty());
    EXPECT_EQ(s.reader.kind, ReaderSpec::Kind::kFast);
    EXPECT_EQ(s.answers.disconnect_from, AnswerSpec::From::kNone);
    EXPECT_EQ(s.answers.destroy_from, AnswerSpec::From::kNone);
    EXPECT_EQ(s.again_after_arf, 0);
    EXPECT_FALSE(out.buggify);
    EXPECT_EQ(out.max_segment, 0u);
    EXPECT_LE(out.swarm.size(), 1u);  // at most "reset", which the reset fault needs
    EXPECT_EQ(out.streamtypes.size(), 1u);
    EXPECT_EQ(out.servers.size(), 1u);
    EXPECT_TRUE(out.retries.empty());
    EXPECT_FALSE(out.servers[0].tls);
    EXPECT_FALSE(out.streamtypes[0].tls);
    EXPECT_EQ(out.servers[0].trouble, ServerTrouble::kNone);
    EXPECT_EQ(out.streamtypes[0].manual_initial_tx_credit, 0);
    EXPECT_EQ(out.streamtypes[0].client_buflen, 0u);
    EXPECT_EQ(out.streamtypes[0].rxflow_on_above, 0u);
    EXPECT_EQ(out.streamtypes[0].timeout_ms, 0u);
    EXPECT_FALSE(out.streamtypes[0].nailed_up);
    EXPECT_EQ(validate(out), "");
  }
}

TEST(Shrink, RemapsIndicesWhenDroppingUnusedParts) {
  // Fails iff a stream's streamtype is called "keep" and its server "srv-keep"
  // with tls: only consistent remapping keeps the names reachable.
  WorldSpec w = testing::every_enum_spec();
  w.servers.push_back(ServerSpec{.host = "srv-keep", .port = 9, .tls = true});
  w.retries.push_back(RetrySpec{{5}, 0, 0});
  StreamtypeSpec st;
  st.name = "keep";
  st.server = w.servers.size() - 1;
  st.tls = true;
  st.retry = w.retries.size() - 1;
  w.streamtypes.push_back(st);
  StreamSpec s;
  s.streamtype = w.streamtypes.size() - 1;
  w.streams.push_back(s);
  auto pred = [](const WorldSpec& c) {
    EXPECT_EQ(validate(c), "");
    for (const auto& s : c.streams) {
      const auto& t = c.streamtypes[s.streamtype];
      if (t.name == "keep" && c.servers[t.server].host == "srv-keep" && c.servers[t.server].tls) return true;
    }
    return false;
  };
  const WorldSpec out = shrink(w, pred);
  ASSERT_EQ(out.streams.size(), 1u);
  ASSERT_EQ(out.streamtypes.size(), 1u);
  ASSERT_EQ(out.servers.size(), 1u);
  EXPECT_EQ(out.streams[0].streamtype, 0u);
  EXPECT_EQ(out.streamtypes[0].server, 0u);
  EXPECT_EQ(out.servers[0].host, "srv-keep");
  EXPECT_TRUE(out.servers[0].tls);
  EXPECT_TRUE(out.streamtypes[0].tls);  // tls goes off for server and streamtype together, or not at all
  EXPECT_TRUE(out.retries.empty());
  EXPECT_FALSE(out.streamtypes[0].retry);
  EXPECT_TRUE(out.faults.actions.empty());
  EXPECT_TRUE(out.swarm.empty());
  EXPECT_FALSE(out.proxy);
}

TEST(Shrink, KeepsWhatTheFailureNeeds) {
  // Needs two streams, each with a metadata set, and a buggified world.
  WorldSpec w = big_failing_world(5);
  for (auto& s : w.streams) s.metadata.push_back({0, "md", "v"});
  auto pred = [](const WorldSpec& c) {
    int with_md = 0;
    for (const auto& s : c.streams) with_md += s.metadata.empty() ? 0 : 1;
    return with_md >= 2 && c.buggify;
  };
  const WorldSpec out = shrink(w, pred);
  ASSERT_EQ(out.streams.size(), 2u);
  EXPECT_EQ(out.streams[0].metadata.size(), 1u);
  EXPECT_EQ(out.streams[1].metadata.size(), 1u);
  EXPECT_TRUE(out.buggify);
  EXPECT_TRUE(out.faults.actions.empty());
  for (const auto& s : out.streams) EXPECT_TRUE(s.messages.empty());
}

TEST(Shrink, StopsAtTheBudgetWithAFailingSpec) {
  const WorldSpec start = big_failing_world(2);
  std::uint64_t calls = 0;
  ShrinkProgress last;
  ShrinkOptions options;
  options.max_runs = 10;
  options.on_progress = [&](const ShrinkProgress& p) { last = p; };
  const WorldSpec out = shrink(
      start, [&](const WorldSpec& c) { return ++calls, big_proxied_reset(c); }, options);
  EXPECT_EQ(calls, 10u);
  EXPECT_EQ(last.runs, 10u);
  EXPECT_TRUE(last.finished);
  EXPECT_TRUE(last.budget_spent);
  EXPECT_TRUE(big_proxied_reset(out));
  EXPECT_LE(out.streams.size(), start.streams.size());
}

TEST(Shrink, NothingSmallerFailsGivesTheInputBack) {
  const WorldSpec start = big_failing_world(3);
  std::uint64_t calls = 0;
  const WorldSpec out = shrink(start, [&](const WorldSpec&) { return ++calls, false; });
  EXPECT_EQ(world_spec_to_text(out), world_spec_to_text(start));
  EXPECT_GT(calls, 0u);
}

TEST(Shrink, NeverRunsTheSameCandidateTwiceAndIsDeterministic) {
  const WorldSpec start = big_failing_world(4);
  std::set<std::string> seen;
  auto pred = [&](const WorldSpec& c) {
    EXPECT_TRUE(seen.insert(world_spec_to_text(c)).second) << "ran a candidate twice";
    return big_proxied_reset(c);
  };
  const std::string a = world_spec_to_text(shrink(start, pred));
  seen.clear();
  const std::string b = world_spec_to_text(shrink(start, pred));
  EXPECT_EQ(a, b);
}

TEST(Shrink, SpecSizeCounts) {
  WorldSpec w = big_failing_world(1);
  w.streams.resize(1);
  w.streams[0].messages = {10, 20};
  w.streams[0].download = 5;
  const SpecSize s = spec_size(w);
  EXPECT_EQ(s.streams, 1u);
  EXPECT_EQ(s.messages, 2u);
  EXPECT_EQ(s.bytes, 35u);
  EXPECT_NE(s.to_string().find("1 stream, "), std::string::npos) << s.to_string();
  EXPECT_NE(s.to_string().find("2 messages, 35 bytes"), std::string::npos) << s.to_string();
}

TEST(Shrink, InvariantIds) {
  EXPECT_EQ(invariant_id("[ack-body] stream 3: ACK with 10 of 20 bytes"), "ack-body");
  EXPECT_EQ(invariant_id("livelock: still busy after 100 events"), "livelock");
  EXPECT_EQ(invariant_id("engine: ss2: callback after destroy"), "engine");
  EXPECT_EQ(invariant_id("no colon here"), "no colon here");
  EXPECT_EQ(invariant_id("[unclosed"), "[unclosed");
}

}  // namespace
}  // namespace ss::sim::gen
