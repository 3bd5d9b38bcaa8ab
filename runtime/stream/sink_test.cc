// Local sinks (docs/secure-streams.md §4.3, Context::register_sink): a source and an accepted
// sink linked in-process; states, data both ways with flags, refusal,
// SINK_JOIN / SINK_PART counts, destroy of either end.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/testing/stream_harness.h"

namespace ss::stream {
namespace {

using sim::testing::Harness;
using sim::testing::Recorder;

using enum State;

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

// Recorders outlive the context (declared first): tearing the context down
// raises DESTROYING / SINK_PART into them. Tests declare theirs before the bed.
struct SinkBed {
  Recorder registration;  // the sink's own callbacks (SINK_JOIN / SINK_PART)
  std::vector<std::unique_ptr<Recorder>> accepted;
  std::vector<Stream*> ends;  // the accepted sink streams
  Harness h;
  explicit SinkBed(int max_sources = 100) {
    registration.answer = [this, max_sources](State s) {
      return s == kSinkJoin && static_cast<int>(registration.acks.back()) >= max_sources ? Ret::kDisconnectMe : Ret::kOk;
    };
    StreamInfo info;
    info.streamtype = "sink";
    info.flags = kInfoRegisterSink;
    info.callbacks = registration.callbacks();
    EXPECT_TRUE(h.ctx->register_sink(std::move(info), [this]() -> std::optional<StreamInfo> {
                      accepted.push_back(std::make_unique<Recorder>());
                      StreamInfo a;
                      a.callbacks = accepted.back()->callbacks();
                      a.on_bind = [this](Stream* st) { ends.push_back(st); };
                      return a;
                    }).ok());
  }
  Result<Stream*> source(Recorder& r) {
    StreamInfo info;
    info.streamtype = "sink";
    info.callbacks = r.callbacks();
    return h.ctx->create(std::move(info));
  }
};

TEST(Sink, SourceAndSinkAreLinkedAndTalkBothWays) {
  Recorder src;
  SinkBed bed;
  auto s = bed.source(src);
  ASSERT_TRUE(s.ok()) << s.error().message();
  ASSERT_EQ(bed.accepted.size(), 1u);
  Recorder& end = *bed.accepted[0];
  EXPECT_EQ(src.states, (std::vector<State>{kCreating, kConnecting, kConnected}));
  EXPECT_EQ(end.states, (std::vector<State>{kCreating, kConnecting, kConnected}));
  EXPECT_EQ(bed.registration.states, (std::vector<State>{kSinkJoin}));
  EXPECT_EQ(bed.registration.acks, (std::vector<std::uint32_t>{0}));

  src.to_send = bytes("to the sink");
  (*s)->request_tx();
  EXPECT_TRUE(end.rx.empty()) << "never inline from request_tx";
  bed.h.world.run_for(millis(1));
  EXPECT_EQ(end.rx, bytes("to the sink"));
  EXPECT_EQ(src.tx_calls, 1u);

  // ... and back, through the accepted end's own stream.
  end.to_send = bytes("and back");
  ASSERT_EQ(bed.ends.size(), 1u);
  bed.ends[0]->request_tx();
  bed.h.world.run_for(millis(1));
  EXPECT_EQ(src.rx, bytes("and back"));

  EXPECT_TRUE(bed.h.violations.empty());
}

TEST(Sink, RefusedSourceIsNotCreated) {
  Recorder a, b;
  SinkBed bed(1);  // one source at most
  ASSERT_TRUE(bed.source(a).ok());
  auto second = bed.source(b);
  EXPECT_FALSE(second.ok());
  EXPECT_EQ(bed.accepted.size(), 1u);
  EXPECT_EQ(b.states, (std::vector<State>{kCreating, kDestroying}));
  EXPECT_EQ(bed.registration.acks, (std::vector<std::uint32_t>{0, 1}));
}

TEST(Sink, DestroyingEitherEndDestroysBoth) {
  Recorder src;
  SinkBed bed;
  auto s = bed.source(src);
  ASSERT_TRUE(s.ok());
  (*s)->destroy();
  bed.h.world.run_for(millis(1));
  Recorder& end = *bed.accepted[0];
  EXPECT_EQ(src.states, (std::vector<State>{kCreating, kConnecting, kConnected, kDisconnected, kDestroying}));
  EXPECT_EQ(end.states, (std::vector<State>{kCreating, kConnecting, kConnected, kDisconnected, kDestroying}));
  EXPECT_EQ(bed.registration.states, (std::vector<State>{kSinkJoin, kSinkPart}));
  EXPECT_EQ(bed.registration.acks.back(), 0u);
  EXPECT_EQ(bed.h.ctx->stream_count(), 0u);
}

TEST(Sink, NoSinkRegisteredIsAnError) {
  Recorder r;
  Harness h;
  StreamInfo info;
  info.streamtype = "sink";
  info.callbacks = r.callbacks();
  auto s = h.ctx->create(std::move(info));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("no sink is registered"), std::string::npos);
  EXPECT_TRUE(r.states.empty());
}

TEST(Sink, OnlyLocalSinkStreamtypesTakeASink) {
  Harness h;
  StreamInfo info;
  info.streamtype = "echo";
  EXPECT_FALSE(h.ctx->register_sink(std::move(info)).ok());
}

}  // namespace
}  // namespace ss::stream
