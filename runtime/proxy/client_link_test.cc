// ClientLink rules where we deliberately differ from libwebsockets (docs/secure-streams.md §6)
// and the link-level failure paths.
#include "runtime/proxy/client_link.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "runtime/wire/decoder.h"
#include "runtime/wire/encoder.h"

namespace ss::proxy {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes frame(const wire::Frame& f) { return *wire::encode_frame(f); }

std::vector<wire::Frame> frames_of(const Bytes& bytes) {
  wire::FrameDecoder d(wire::Direction::kClientToProxy);
  d.receive_data(bytes);
  std::vector<wire::Frame> out;
  wire::Frame f;
  while (d.next_event(&f) == wire::FrameDecoder::Status::kFrame) out.push_back(f);
  return out;
}

std::vector<LinkEvent> events(ClientLink& link) {
  std::vector<LinkEvent> out;
  while (auto e = link.next_event()) out.push_back(*e);
  return out;
}

Bytes drain_writes(ClientLink& link, const TxCallback& tx = {}, Micros now = 0) {
  Bytes out;
  while (link.wants_write() && link.take_proxy_bytes(&out, tx, now) == ClientLink::WriteResult::kWrote) {
  }
  return out;
}

ClientLink created(const std::string& st = "s") {
  ClientLink link(ClientLinkOptions{st});
  link.link_up(0);
  drain_writes(link);
  link.receive_from_proxy(frame(wire::CreateResultFrame::ok(0, {st})), 1);
  events(link);
  return link;
}

void connect(ClientLink& link) {
  link.receive_from_proxy(frame(wire::ConnStateFrame{5, 0}), 2);
  events(link);
}

TEST(ClientLink, QueuedCreditUpdatesAddUp) {
  ClientLink link = created();
  link.add_peer_tx_credit(100);
  link.add_peer_tx_credit(50);
  auto frames = frames_of(drain_writes(link));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(std::get<wire::TxCreditFrame>(frames[0]).credit, 150);
  EXPECT_EQ(link.est_peer_tx_credit(), wire::kDefaultInitialTxCredit + 150);
}

TEST(ClientLink, TxAnswersDisconnectAndDestroyAreHonouredNotSent) {
  for (auto answer : {TxAnswer::kDisconnect, TxAnswer::kDestroy}) {
    ClientLink link = created();
    connect(link);
    link.request_tx(3);
    Bytes out;
    auto tx = [answer](std::span<std::uint8_t>, std::size_t* len, std::uint32_t*) {
      *len = 1;
      return answer;
    };
    const auto result = link.take_proxy_bytes(&out, tx, 4);
    EXPECT_EQ(result, answer == TxAnswer::kDisconnect ? ClientLink::WriteResult::kDisconnect
                                                      : ClientLink::WriteResult::kDestroy);
    EXPECT_TRUE(out.empty());
  }
}

TEST(ClientLink, TxWaitsWhileTheProxyReportsNoCredit) {
  ClientLink link = created();
  connect(link);
  link.receive_from_proxy(frame(wire::TxCreditFrame{wire::Direction::kProxyToClient, 3}), 3);
  auto tx = [](std::span<std::uint8_t> buf, std::size_t* len, std::uint32_t* flags) {
    buf[0] = 'a', buf[1] = 'b', buf[2] = 'c', buf[3] = 'd';
    *len = 4;
    *flags = wire::kFlagSom | wire::kFlagEom;
    return TxAnswer::kSend;
  };
  link.request_tx(4);
  EXPECT_EQ(frames_of(drain_writes(link, tx, 5)).size(), 1u);
  EXPECT_EQ(link.tx_credit(), -1);
  link.request_tx(6);
  EXPECT_FALSE(link.wants_write()) << "no credit: tx must wait";
  link.receive_from_proxy(frame(wire::TxCreditFrame{wire::Direction::kProxyToClient, 10}), 7);
  EXPECT_TRUE(link.wants_write());
}

TEST(ClientLink, RxIsHandedOverIn1380BytePiecesWithFlagsSpread) {
  ClientLink link = created();
  connect(link);
  wire::PayloadFrame rx;
  rx.direction = wire::Direction::kProxyToClient;
  rx.flags = wire::kFlagSom | wire::kFlagEom;
  rx.payload.assign(3000, 'x');
  link.receive_from_proxy(frame(rx), 3);
  std::vector<std::pair<std::uint32_t, std::size_t>> got;
  for (const auto& e : events(link)) {
    const auto& r = std::get<LinkRx>(e);
    got.emplace_back(r.flags, r.payload.size());
  }
  EXPECT_EQ(got, (std::vector<std::pair<std::uint32_t, std::size_t>>{
                     {wire::kFlagSom, 1380}, {0, 1380}, {wire::kFlagEom, 240}}));
  EXPECT_EQ(link.est_peer_tx_credit(), wire::kDefaultInitialTxCredit - 3000);
}

TEST(ClientLink, DuplicateConnectedIsSwallowedAndCreatingNeverRepeats) {
  ClientLink link = created();
  link.receive_from_proxy(frame(wire::ConnStateFrame{1, 0}), 2);  // proxy's CREATING
  EXPECT_TRUE(events(link).empty());
  connect(link);
  link.receive_from_proxy(frame(wire::ConnStateFrame{5, 0}), 3);
  EXPECT_TRUE(events(link).empty());
  // Link drops and comes back: a new CREATE_RESULT raises no second CREATING.
  link.receive_from_proxy({}, 4);
  auto lost = events(link);
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_TRUE(std::get<LinkLost>(lost[0]).was_connected);
  link.link_up(5);
  drain_writes(link);
  link.receive_from_proxy(frame(wire::CreateResultFrame::ok(0, {"s"})), 6);
  EXPECT_TRUE(events(link).empty());
  EXPECT_EQ(link.phase(), ClientLink::Phase::kLocalConnected);
}

// DISCONNECT_ME (docs/api.md "Return codes"): what the link read for the
// connection the user ended and the user has not seen goes with it.
TEST(ClientLink, ClosedByTheClientDropsWhatTheUserHasNotSeen) {
  ClientLink link = created();
  connect(link);
  auto payload = [](char c) {
    wire::PayloadFrame p;
    p.direction = wire::Direction::kProxyToClient;
    p.flags = wire::kFlagSom | wire::kFlagEom;
    p.payload = Bytes{static_cast<std::uint8_t>(c)};
    return frame(p);
  };
  Bytes read = payload('a');
  const Bytes more = payload('b');
  const Bytes ack = frame(wire::ConnStateFrame{10, 0});
  read.insert(read.end(), more.begin(), more.end());
  read.insert(read.end(), ack.begin(), ack.end());
  link.receive_from_proxy(read, 3);
  ASSERT_TRUE(std::holds_alternative<LinkRx>(*link.next_event()));  // the user answers DISCONNECT_ME here
  link.close_by_client();
  auto rest = events(link);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_TRUE(std::get<LinkLost>(rest[0]).was_connected);
  EXPECT_EQ(link.phase(), ClientLink::Phase::kDown);
  link.close_by_client();  // a link already down: nothing more
  EXPECT_TRUE(events(link).empty());
}

TEST(ClientLink, NoCreateResultInTimeLosesTheLink) {
  ClientLink link(ClientLinkOptions{"s"});
  link.link_up(100);
  drain_writes(link);
  ASSERT_EQ(link.next_deadline(), 100 + seconds(3));
  link.handle_timeout(100 + seconds(3));
  auto ev = events(link);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_NE(std::get<LinkLost>(ev[0]).reason.find("no CREATE_RESULT within 3000 ms"), std::string::npos);
}

TEST(ClientLink, GarbageFromTheProxyLosesTheLinkWithTheOffset) {
  ClientLink link = created();
  link.receive_from_proxy(Bytes{0x57, 0x00, 0x06, 0, 0, 0, 0, 0, 0}, 3);
  auto ev = events(link);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_NE(std::get<LinkLost>(ev[0]).reason.find("byte 12: CONNSTATE body is 6 bytes"),
            std::string::npos);
}

TEST(ClientLink, MetadataGoesNewestFirstAndSameNameReplaces) {
  ClientLink link = created();
  link.set_metadata("a", "1");
  link.set_metadata("b", "2");
  link.set_metadata("a", "3");
  auto frames = frames_of(drain_writes(link));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(std::get<wire::MetadataFrame>(frames[0]).name, "b");
  EXPECT_EQ(std::get<wire::MetadataFrame>(frames[1]).value, "3");
}

// The proxy destroys the onward stream with the link, so a new link's
// onward stream knows nothing the user set: every current value goes again,
// before the ONWARD_CONNECT that asks it to connect (docs/proxy.md).
TEST(ClientLink, ANewLinkGetsTheUsersMetadataAgainBeforeItConnects) {
  ClientLink link = created();
  link.set_metadata("a", "1");
  link.set_metadata("b", "2");
  link.request_tx(0);
  ASSERT_EQ(frames_of(drain_writes(link)).size(), 3u);  // a, b, ONWARD_CONNECT
  connect(link);
  link.set_metadata("a", "3");  // a change while connected goes at once
  ASSERT_EQ(frames_of(drain_writes(link)).size(), 1u);
  link.receive_from_proxy({}, 3);  // the link drops
  events(link);
  link.link_up(4);
  drain_writes(link);  // STREAMTYPE
  link.receive_from_proxy(frame(wire::CreateResultFrame::ok(0, {"s"})), 5);
  events(link);
  link.request_tx(6);
  auto frames = frames_of(drain_writes(link));
  ASSERT_EQ(frames.size(), 3u);
  std::map<std::string, std::string> sent;
  for (std::size_t i = 0; i < 2; ++i) {
    const auto* md = std::get_if<wire::MetadataFrame>(&frames[i]);
    ASSERT_NE(md, nullptr) << "frame " << i;
    sent[md->name] = md->value;
  }
  EXPECT_EQ(sent, (std::map<std::string, std::string>{{"a", "3"}, {"b", "2"}}));
  EXPECT_TRUE(std::holds_alternative<wire::OnwardConnectFrame>(frames[2]));
}

// A link lost while the onward stream waits out its backoff after
// UNREACHABLE takes that stream with it: the next link asks for the
// connection again (the world campaign's stuck stream, docs/states.md
// "link lost, retry pending"). Lost after DISCONNECTED, nothing is asked.
TEST(ClientLink, ALinkLostWhileTheOnwardStreamRetriesAsksAgain) {
  for (std::uint32_t last : {3u, 2u}) {  // UNREACHABLE, DISCONNECTED
    ClientLink link = created();
    link.request_tx(0);
    drain_writes(link);  // ONWARD_CONNECT
    link.receive_from_proxy(frame(wire::ConnStateFrame{6, 0}), 2);  // CONNECTING
    link.receive_from_proxy(frame(wire::ConnStateFrame{last, 0}), 3);
    events(link);
    EXPECT_FALSE(link.wants_write()) << "the onward stream retries by itself";
    link.receive_from_proxy({}, 4);  // the link drops
    events(link);
    link.link_up(5);
    drain_writes(link);  // STREAMTYPE
    link.receive_from_proxy(frame(wire::CreateResultFrame::ok(0, {"s"})), 6);
    events(link);
    bool asked = false;
    for (const auto& f : frames_of(drain_writes(link))) asked |= std::holds_alternative<wire::OnwardConnectFrame>(f);
    EXPECT_EQ(asked, last == 3u) << "last state " << last;
  }
}

// Manual credit is the stream's, not the link's: a new link's onward stream
// starts with what the user granted and has not yet received, not with the
// initial credit again (nor with the grants of the old link once more).
TEST(ClientLink, ANewLinkStartsWithTheCreditLeftNotTheInitialCredit) {
  ClientLinkOptions o{"s"};
  o.initial_tx_credit = 1000;
  ClientLink link(o);
  link.link_up(0);
  drain_writes(link);
  link.receive_from_proxy(frame(wire::CreateResultFrame::ok(0, {"s"})), 1);
  events(link);
  connect(link);
  wire::PayloadFrame rx;
  rx.direction = wire::Direction::kProxyToClient;
  rx.flags = wire::kFlagSom;
  rx.payload.assign(900, 'x');
  link.receive_from_proxy(frame(rx), 3);
  events(link);
  link.add_peer_tx_credit(500);  // granted 1500 in all, 900 received: 600 left
  link.receive_from_proxy({}, 4);  // the link drops before the grant went out
  events(link);
  link.link_up(5);
  auto frames = frames_of(drain_writes(link));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(std::get<wire::StreamTypeFrame>(frames[0]).initial_tx_credit, 600);
  link.receive_from_proxy(frame(wire::CreateResultFrame::ok(0, {"s"})), 6);
  events(link);
  link.request_tx(7);
  for (const auto& f : frames_of(drain_writes(link)))  // the old grant is in the 600
    EXPECT_FALSE(std::holds_alternative<wire::TxCreditFrame>(f));
  EXPECT_EQ(link.est_peer_tx_credit(), 600);
}

// Rideshare (docs/api.md "Rideshare"): the client walks CREATE_RESULT's list
// one entry per tx EOM; the bytes of a rideshare part go out with the
// RIDESHARE flag and the part's name. libwebsockets' list starts with a
// comma, and its client then names the primary for the second part (its
// index lags one EOM); we read either spelling the same way.
TEST(ClientLink, TxOfARideshareChainCarriesEachPartsName) {
  for (const std::string list : {"up,audio,tail", ",up,audio,tail"}) {
    SCOPED_TRACE(list);
    ClientLink link(ClientLinkOptions{"up"});
    link.link_up(0);
    drain_writes(link);
    link.receive_from_proxy(frame(wire::CreateResultFrame{0, 0, list}), 1);
    events(link);
    connect(link);
    std::vector<std::string> named;
    auto tx = [&](std::span<std::uint8_t> buf, std::size_t* len, std::uint32_t* flags) {
      named.push_back(link.tx_rideshare());
      buf[0] = 'x';
      *len = 1;
      *flags = wire::kFlagSom | wire::kFlagEom;
      return TxAnswer::kSend;
    };
    std::vector<std::optional<std::string>> sent;
    for (int i = 0; i < 4; ++i) {
      link.request_tx(3);
      for (const auto& f : frames_of(drain_writes(link, tx, 4))) {
        const auto& p = std::get<wire::PayloadFrame>(f);
        EXPECT_EQ((p.flags & wire::kFlagRideshare) != 0, p.rideshare.has_value());
        sent.push_back(p.rideshare);
      }
    }
    // The last part stays until CONNECTING starts another transaction.
    EXPECT_EQ(named, (std::vector<std::string>{"up", "audio", "tail", "tail"}));
    EXPECT_EQ(sent, (std::vector<std::optional<std::string>>{std::nullopt, "audio", "tail", "tail"}));
  }
}

TEST(ClientLink, ConnectingStartsTheChainAgain) {
  ClientLink link(ClientLinkOptions{"up"});
  link.link_up(0);
  drain_writes(link);
  link.receive_from_proxy(frame(wire::CreateResultFrame::ok(0, {"up", "audio"})), 1);
  connect(link);
  auto tx = [](std::span<std::uint8_t>, std::size_t* len, std::uint32_t* flags) {
    *len = 0;
    *flags = wire::kFlagSom | wire::kFlagEom;
    return TxAnswer::kSend;
  };
  link.request_tx(3);
  drain_writes(link, tx, 4);
  EXPECT_EQ(link.tx_rideshare(), "audio");
  link.receive_from_proxy(frame(wire::ConnStateFrame{6, 0}), 5);  // CONNECTING
  EXPECT_EQ(link.tx_rideshare(), "up");
}

TEST(ClientLink, RxKeepsTheFramesRideshareName) {
  ClientLink link = created("up");
  connect(link);
  wire::PayloadFrame rx;
  rx.direction = wire::Direction::kProxyToClient;
  rx.flags = wire::kFlagSom | wire::kFlagRideshare;
  rx.rideshare = "audio";
  rx.payload = {'z'};
  link.receive_from_proxy(frame(rx), 3);
  auto ev = events(link);
  ASSERT_EQ(ev.size(), 1u);
  const auto& got = std::get<LinkRx>(ev[0]);
  EXPECT_EQ(got.rideshare, "audio");
  EXPECT_EQ(got.flags, wire::kFlagSom);  // the flag is the frame's business, not the user's
}

}  // namespace
}  // namespace ss::proxy
