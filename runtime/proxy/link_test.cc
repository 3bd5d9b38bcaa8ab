// ProxyLink rules for misbehaving clients: each one closes the link with a
// reason that says what was wrong, and asks for the onward stream to go.
#include "runtime/proxy/link.h"

#include <gtest/gtest.h>

#include "runtime/wire/encoder.h"

namespace ss::proxy {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes frame(const wire::Frame& f) { return *wire::encode_frame(f); }

Bytes streamtype(const std::string& name, std::uint8_t version = 1) {
  return frame(wire::StreamTypeFrame{version, 42, 1000, name});
}

std::vector<Command> drain(ProxyLink& link) {
  std::vector<Command> out;
  while (auto c = link.next_event()) out.push_back(*c);
  return out;
}

ProxyLink operational() {
  ProxyLink link(0);
  link.receive_from_client(streamtype("mintest"), 10);
  drain(link);
  link.create_result(true, 0, {"mintest"});
  Bytes ignored;
  link.take_client_bytes(&ignored);
  return link;
}

TEST(ProxyLink, CreatesTheOnwardStreamFromStreamType) {
  ProxyLink link(0);
  link.receive_from_client(streamtype("mintest"), 10);
  auto cmds = drain(link);
  ASSERT_EQ(cmds.size(), 1u);
  const auto& c = std::get<CreateOnward>(cmds[0]);
  EXPECT_EQ(c.streamtype, "mintest");
  EXPECT_EQ(c.client_pid, 42u);
  EXPECT_EQ(c.initial_tx_credit, 1000);
  EXPECT_EQ(link.phase(), ProxyLink::Phase::kWaitCreateResult);
  // The handshake deadline ends with STREAMTYPE; the idle clock starts.
  EXPECT_EQ(link.next_deadline(), std::optional<Micros>(10 + LinkLimits{}.idle_created_timeout));
}

TEST(ProxyLink, HalfAFrameThenSilenceClosesAtTheFrameDeadline) {
  ProxyLink link = operational();
  wire::PayloadFrame f;
  f.direction = wire::Direction::kClientToProxy;
  f.payload.assign(100, 'x');
  Bytes frame;
  ASSERT_FALSE(wire::encode_frame(f, &frame));
  link.receive_from_client(std::span<const std::uint8_t>(frame.data(), 30), 1000);
  ASSERT_EQ(link.next_deadline(), std::optional<Micros>(1000 + LinkLimits{}.frame_timeout));
  link.handle_timeout(1000 + LinkLimits{}.frame_timeout - 1);
  EXPECT_EQ(link.phase(), ProxyLink::Phase::kOperational);
  link.handle_timeout(1000 + LinkLimits{}.frame_timeout);
  EXPECT_EQ(link.phase(), ProxyLink::Phase::kClosed);
  EXPECT_TRUE(link.client_fault());
  EXPECT_TRUE(link.deadline_passed());
  EXPECT_NE(link.close_reason().find("was not whole within 10000 ms"), std::string::npos) << link.close_reason();
}

TEST(ProxyLink, AWholeFrameStopsTheFrameClock) {
  ProxyLink link = operational();
  wire::PayloadFrame f;
  f.direction = wire::Direction::kClientToProxy;
  f.payload.assign(100, 'x');
  Bytes frame;
  ASSERT_FALSE(wire::encode_frame(f, &frame));
  link.receive_from_client(std::span<const std::uint8_t>(frame.data(), 30), 1000);
  link.receive_from_client(std::span<const std::uint8_t>(frame.data() + 30, frame.size() - 30), 2000);
  EXPECT_EQ(link.next_deadline(), std::nullopt) << "nothing begun, and the client asked for something";
}

TEST(ProxyLink, HandshakeDeadlineClosesASilentClient) {
  ProxyLink link(1000);
  ASSERT_EQ(link.next_deadline(), 1000 + seconds(3));
  link.handle_timeout(1000 + seconds(3) - 1);
  EXPECT_EQ(link.phase(), ProxyLink::Phase::kWaitStreamType);
  link.handle_timeout(1000 + seconds(3));
  EXPECT_EQ(link.phase(), ProxyLink::Phase::kClosed);
  EXPECT_NE(link.close_reason().find("no STREAMTYPE within 3000 ms"), std::string::npos);
  EXPECT_TRUE(drain(link).empty()) << "nothing was created, nothing to destroy";
}

TEST(ProxyLink, FirstFrameMustBeStreamType) {
  ProxyLink link(0);
  link.receive_from_client(frame(wire::OnwardConnectFrame{}), 1);
  EXPECT_EQ(link.phase(), ProxyLink::Phase::kClosed);
  EXPECT_NE(link.close_reason().find("expected STREAMTYPE as the first frame, got ONWARD_CONNECT"),
            std::string::npos);
}

TEST(ProxyLink, RefusesOtherProtocolVersions) {
  ProxyLink link(0);
  link.receive_from_client(streamtype("mintest", 2), 1);
  EXPECT_NE(link.close_reason().find("protocol version 2"), std::string::npos);
}

TEST(ProxyLink, FramesBeforeCreateResultAreRefused) {
  ProxyLink link(0);
  Bytes b = streamtype("mintest");
  Bytes more = frame(wire::OnwardConnectFrame{});
  b.insert(b.end(), more.begin(), more.end());
  link.receive_from_client(b, 1);
  EXPECT_EQ(link.phase(), ProxyLink::Phase::kClosed);
  EXPECT_NE(link.close_reason().find("before CREATE_RESULT"), std::string::npos);
  auto cmds = drain(link);
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<DestroyOnward>(cmds[0]));
}

TEST(ProxyLink, GarbageClosesWithTheByteOffset) {
  ProxyLink link = operational();
  link.receive_from_client(Bytes{0xab, 0x00, 0x00, 0x42}, 20);
  EXPECT_EQ(link.phase(), ProxyLink::Phase::kClosed);
  EXPECT_NE(link.close_reason().find("unknown frame type 0x42"), std::string::npos);
  EXPECT_NE(link.close_reason().find("byte 22"), std::string::npos);  // 19 + 3
}

TEST(ProxyLink, TheStreamtypesProxyBuflenBoundsUploads) {
  ProxyLink link(0);  // default LinkLimits: 32 KiB
  link.receive_from_client(streamtype("mintest"), 10);
  link.create_result(true, 0, {"mintest"}, 4000);
  wire::PayloadFrame p;
  p.payload.assign(3000, 'a');
  Bytes three;
  for (int i = 0; i < 3; ++i) {
    const Bytes f = frame(p);
    three.insert(three.end(), f.begin(), f.end());
  }
  link.receive_from_client(three, 11);
  EXPECT_EQ(link.queued_tx_bytes(), 6000u) << "decoding stops past proxy_buflen 4000, not 32 KiB";
  EXPECT_FALSE(link.wants_input());
}

TEST(ProxyLink, DecodingStopsAtTheBufferAndResumesAsPiecesDrain) {
  LinkLimits limits;
  limits.c2p_buffer_max = 4000;
  ProxyLink link(0, limits);
  link.receive_from_client(streamtype("mintest"), 10);
  link.create_result(true, 0, {"mintest"});
  wire::PayloadFrame p;
  p.flags = wire::kFlagSom;
  p.payload.assign(3000, 'a');
  Bytes three;
  for (int i = 0; i < 3; ++i) {
    const Bytes f = frame(p);
    three.insert(three.end(), f.begin(), f.end());
  }
  link.receive_from_client(three, 11);
  EXPECT_EQ(link.phase(), ProxyLink::Phase::kOperational);
  EXPECT_EQ(link.queued_tx_bytes(), 6000u) << "decoding stops once the buffer is reached";
  EXPECT_FALSE(link.wants_input()) << "the glue must stop reading the client";
  while (link.take_tx_piece()) {
  }
  link.resume_decoding(12);
  EXPECT_EQ(link.queued_tx_bytes(), 3000u) << "the third frame is decoded once there is room";
  EXPECT_TRUE(link.wants_input());
}

TEST(ProxyLink, ClientThatIgnoresFlowControlIsDropped) {
  LinkLimits limits;
  limits.c2p_buffer_max = 4000;
  ProxyLink link(0, limits);
  link.receive_from_client(streamtype("mintest"), 10);
  link.create_result(true, 0, {"mintest"});
  wire::PayloadFrame p;
  p.payload.assign(60000, 'a');
  const Bytes f = frame(p);
  for (int i = 0; i < 6 && link.phase() != ProxyLink::Phase::kClosed; ++i) link.receive_from_client(f, 11);
  EXPECT_EQ(link.phase(), ProxyLink::Phase::kClosed);
  EXPECT_NE(link.close_reason().find("ignoring flow control"), std::string::npos) << link.close_reason();
  EXPECT_TRUE(link.client_fault());
}

TEST(ProxyLink, EmptyPayloadStillMakesOnePiece) {
  ProxyLink link = operational();
  wire::PayloadFrame p;
  p.flags = wire::kFlagSom | wire::kFlagEom;
  link.receive_from_client(frame(p), 11);
  auto piece = link.take_tx_piece();
  ASSERT_TRUE(piece.has_value());
  EXPECT_EQ(piece->flags, wire::kFlagSom | wire::kFlagEom);
  EXPECT_TRUE(piece->payload.empty());
}

TEST(ProxyLink, RelatedStartOnEveryPieceRelatedEndOnTheLast) {
  ProxyLink link = operational();
  wire::PayloadFrame p;
  p.flags = wire::kFlagSom | wire::kFlagEom | wire::kFlagRelatedStart | wire::kFlagRelatedEnd;
  p.payload.assign(3000, 'b');
  link.receive_from_client(frame(p), 11);
  std::vector<std::uint32_t> flags;
  while (auto piece = link.take_tx_piece()) flags.push_back(piece->flags);
  EXPECT_EQ(flags, (std::vector<std::uint32_t>{wire::kFlagSom | wire::kFlagRelatedStart,
                                               wire::kFlagRelatedStart,
                                               wire::kFlagRelatedStart | wire::kFlagEom |
                                                   wire::kFlagRelatedEnd}));
}

TEST(ProxyLink, DestroyingAndEofCloseAndDestroyTheOnwardStream) {
  for (bool eof : {false, true}) {
    ProxyLink link = operational();
    drain(link);
    if (eof) {
      link.receive_from_client({}, 20);
    } else {
      link.receive_from_client(frame(wire::DestroyingFrame{}), 20);
    }
    EXPECT_EQ(link.phase(), ProxyLink::Phase::kClosed);
    auto cmds = drain(link);
    ASSERT_EQ(cmds.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<DestroyOnward>(cmds[0]));
  }
}

TEST(ProxyLink, LargeRxIsSplitAcrossFramesWithFlagsSpread) {
  ProxyLink link = operational();
  std::vector<std::uint8_t> big(70000, 'z');
  link.onward_rx(wire::kFlagSom | wire::kFlagEom, big, std::nullopt, 5);
  Bytes out;
  link.take_client_bytes(&out);
  wire::FrameDecoder d(wire::Direction::kProxyToClient);
  d.receive_data(out);
  wire::Frame f;
  std::vector<std::pair<std::uint32_t, std::size_t>> got;
  while (d.next_event(&f) == wire::FrameDecoder::Status::kFrame) {
    const auto& p = std::get<wire::PayloadFrame>(f);
    got.emplace_back(p.flags, p.payload.size());
  }
  // Default client_buflen (32 KiB): payloads of at most half of it.
  EXPECT_EQ(got, (std::vector<std::pair<std::uint32_t, std::size_t>>{{wire::kFlagSom, 16384},
                                                                     {0, 16384},
                                                                     {0, 16384},
                                                                     {0, 16384},
                                                                     {wire::kFlagEom, 70000 - 4 * 16384}}));
}

TEST(ProxyLink, RxFramesFitTheClientBuffer) {
  EXPECT_EQ(rx_frame_payload_max(0), 16384u);
  EXPECT_EQ(rx_frame_payload_max(8192), 4096u);
  EXPECT_EQ(rx_frame_payload_max(131072), 65519u);
  EXPECT_EQ(rx_frame_payload_max(100), 256u);
  // What a libwebsockets client with a 32 KiB buffer was measured to take
  // whole: 30,000-byte payloads; 31,000 lose their tails.
  EXPECT_LE(rx_frame_payload_max(32768) + wire::kHeaderSize + wire::kPayloadPrefix, 30000u);
}

TEST(ProxyLink, DestroyingAndCancelStatesAreNotForwarded) {
  ProxyLink link = operational();
  link.onward_state(17, 0);
  link.onward_state(7, 0);
  Bytes out;
  EXPECT_EQ(link.take_client_bytes(&out), 0u);
  link.onward_state(1530, 0);
  link.take_client_bytes(&out);
  EXPECT_EQ(out, (Bytes{0x57, 0x00, 0x08, 0x00, 0x00, 0x05, 0xfa, 0, 0, 0, 0}));
}

// Client payload belongs to the onward connection the client saw
// CONNECTED (its tx() only runs then, docs/proxy.md "Retries"). Once that
// connection is gone, what still waits for it and what the client wrote
// before it heard DISCONNECTED is dropped, as a direct stream's unsent bytes
// die with its connection: it must neither reach the peer on a later
// connection nor ask the idle stream to connect. The client's next
// ONWARD_CONNECT, or the stream's next CONNECTED, starts fresh payload.
TEST(ProxyLink, PayloadForAnEndedOnwardConnectionIsDropped) {
  constexpr std::uint32_t kConnected = 5, kDisconnected = 2;
  auto payload = [](char c) {
    wire::PayloadFrame p;
    p.flags = wire::kFlagSom | wire::kFlagEom;
    p.payload.assign(100, static_cast<std::uint8_t>(c));
    return frame(p);
  };
  auto has_tx_ready = [](const std::vector<Command>& cmds) {
    for (const auto& c : cmds)
      if (std::holds_alternative<OnwardTxReady>(c)) return true;
    return false;
  };
  ProxyLink link = operational();
  link.onward_state(kConnected, 0);
  link.receive_from_client(payload('a'), 11);
  EXPECT_TRUE(has_tx_ready(drain(link)));
  EXPECT_EQ(link.queued_tx_bytes(), 100u);
  link.onward_state(kDisconnected, 0);  // 'a' was never taken: it dies with the connection
  EXPECT_EQ(link.queued_tx_bytes(), 0u);
  EXPECT_FALSE(link.take_tx_piece().has_value());
  link.receive_from_client(payload('b'), 12);  // written before the client heard DISCONNECTED
  EXPECT_FALSE(has_tx_ready(drain(link))) << "a stale payload must not make the stream connect";
  EXPECT_FALSE(link.take_tx_piece().has_value());
  EXPECT_EQ(link.phase(), ProxyLink::Phase::kOperational);
  link.receive_from_client(frame(wire::OnwardConnectFrame{}), 13);  // the client asks again
  link.receive_from_client(payload('c'), 14);
  EXPECT_TRUE(has_tx_ready(drain(link)));
  auto piece = link.take_tx_piece();
  ASSERT_TRUE(piece.has_value());
  EXPECT_EQ(piece->payload, Bytes(100, 'c'));

  // The engine reconnects by its retry policy without the client asking:
  // payload after the new CONNECTED is for the new connection.
  link.onward_state(kDisconnected, 0);
  link.receive_from_client(payload('d'), 15);
  link.onward_state(kConnected, 0);
  link.receive_from_client(payload('e'), 16);
  piece = link.take_tx_piece();
  ASSERT_TRUE(piece.has_value());
  EXPECT_EQ(piece->payload, Bytes(100, 'e'));
  EXPECT_FALSE(link.take_tx_piece().has_value());
}

// A nailed-up onward stream is connected by the link: after the metadata the
// client sends first is applied (not before it), or at the grace if the
// client sends nothing (docs/proxy.md "What happens on a link").
TEST(ProxyLink, NailedUpConnectsAfterTheClientsFirstMetadata) {
  ProxyLink link = operational();
  link.nailed_up(20);
  EXPECT_TRUE(drain(link).empty()) << "no connect before the client had its say";
  EXPECT_EQ(link.next_deadline(), std::optional<Micros>(20 + LinkLimits{}.nailed_up_grace));
  Bytes both = frame(wire::MetadataFrame{wire::Direction::kClientToProxy, "a", "1"});
  const Bytes second = frame(wire::MetadataFrame{wire::Direction::kClientToProxy, "b", "2"});
  both.insert(both.end(), second.begin(), second.end());
  // The second frame's last byte comes later: no connect while it is half-read.
  link.receive_from_client(std::span(both).first(both.size() - 1), 30);
  auto cmds = drain(link);
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<SetOnwardMetadata>(cmds[0]));
  link.receive_from_client(std::span(both).last(1), 31);
  cmds = drain(link);
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(std::get<SetOnwardMetadata>(cmds[0]).name, "b");
  EXPECT_TRUE(std::holds_alternative<ConnectOnward>(cmds[1]));
  // Connected once: a later ONWARD_CONNECT is the client's own ask; the grace is over.
  link.handle_timeout(20 + LinkLimits{}.nailed_up_grace);
  EXPECT_TRUE(drain(link).empty());
}

TEST(ProxyLink, NailedUpConnectsAtTheGraceWhenTheClientSaysNothing) {
  ProxyLink link = operational();
  link.nailed_up(20);
  const Micros at = 20 + LinkLimits{}.nailed_up_grace;
  link.handle_timeout(at - 1);
  EXPECT_TRUE(drain(link).empty());
  link.handle_timeout(at);
  auto cmds = drain(link);
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<ConnectOnward>(cmds[0]));
  EXPECT_EQ(link.phase(), ProxyLink::Phase::kOperational);
  // The client's first ONWARD_CONNECT is passed on as usual (the stream ignores it while connecting).
  link.receive_from_client(frame(wire::OnwardConnectFrame{}), at + 1);
  cmds = drain(link);
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<ConnectOnward>(cmds[0]));
}

TEST(ProxyLink, NailedUpFirstOnwardConnectIsTheOnlyConnect) {
  ProxyLink link = operational();
  link.nailed_up(20);
  link.receive_from_client(frame(wire::OnwardConnectFrame{}), 30);
  auto cmds = drain(link);
  ASSERT_EQ(cmds.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<ConnectOnward>(cmds[0]));
  link.handle_timeout(20 + LinkLimits{}.nailed_up_grace);
  EXPECT_TRUE(drain(link).empty());
}

}  // namespace
}  // namespace ss::proxy
