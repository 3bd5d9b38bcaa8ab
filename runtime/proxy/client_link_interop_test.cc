// ClientLink against traffic captured between a real libwebsockets client and
// the libwebsockets proxy (runtime/wire/testdata/interop). Playing the user
// calls that the capture shows at the moments it shows them, our client must
// write exactly the bytes the lws client wrote, frame for frame, and turn the
// proxy's bytes into the events an lws client application would see.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "runtime/proxy/client_link.h"
#include "runtime/wire/decoder.h"
#include "runtime/wire/testing/interop.h"

namespace ss::proxy {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

using wire::testing::read_file;
const fs::path& kRoot = wire::testing::interop_root();

struct Replay {
  std::vector<std::string> events;
  Bytes written;
};

std::string describe(const LinkEvent& e) {
  return std::visit(
      [](const auto& ev) -> std::string {
        using T = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<T, LinkCreated>) return "created";
        if constexpr (std::is_same_v<T, LinkCreateFailed>) return "create-failed";
        if constexpr (std::is_same_v<T, LinkState>) return "state " + std::to_string(ev.state);
        if constexpr (std::is_same_v<T, LinkRx>)
          return "rx " + std::to_string(ev.payload.size()) + " flags " + std::to_string(ev.flags);
        if constexpr (std::is_same_v<T, LinkMetadata>) return "metadata " + ev.name;
        if constexpr (std::is_same_v<T, LinkLost>) return "lost";
      },
      e);
}

Replay replay(const fs::path& capture) {
  const std::vector<fs::path> files = wire::testing::frame_files(capture);

  Replay r;
  std::optional<ClientLink> link;
  for (const auto& file : files) {
    const Bytes bytes = read_file(file);
    const bool c2p = file.filename().string().find("_c2p_") != std::string::npos;
    if (!c2p) {
      link->receive_from_proxy(bytes, 0);
      while (auto e = link->next_event()) r.events.push_back(describe(*e));
      continue;
    }
    const wire::Frame frame = *wire::decode_frame(wire::Direction::kClientToProxy, bytes);
    Micros now = 0;
    TxCallback tx;
    if (const auto* st = std::get_if<wire::StreamTypeFrame>(&frame)) {
      ClientLinkOptions o;
      o.streamtype = st->streamtype;
      o.client_pid = st->client_pid;
      o.initial_tx_credit = st->initial_tx_credit == wire::kDefaultInitialTxCredit ? 0 : st->initial_tx_credit;
      link.emplace(o);
      link->link_up(0);
    } else if (std::holds_alternative<wire::OnwardConnectFrame>(frame)) {
      link->onward_connect();
    } else if (const auto* t = std::get_if<wire::TimeoutUpdateFrame>(&frame)) {
      link->set_timeout(t->timeout_ms);
    } else if (const auto* m = std::get_if<wire::MetadataFrame>(&frame)) {
      link->set_metadata(m->name, m->value);
    } else if (const auto* h = std::get_if<wire::PayloadLengthHintFrame>(&frame)) {
      link->set_tx_length(h->length);
    } else if (const auto* c = std::get_if<wire::TxCreditFrame>(&frame)) {
      link->add_peer_tx_credit(c->credit);
    } else if (const auto* p = std::get_if<wire::PayloadFrame>(&frame)) {
      now = static_cast<Micros>(p->timestamp_us);
      link->request_tx(now - p->delay_us);
      tx = [p](std::span<std::uint8_t> buf, std::size_t* len, std::uint32_t* flags) {
        std::copy(p->payload.begin(), p->payload.end(), buf.begin());
        *len = p->payload.size();
        *flags = p->flags;
        return TxAnswer::kSend;
      };
    }
    Bytes out;
    EXPECT_EQ(link->take_proxy_bytes(&out, tx, now), ClientLink::WriteResult::kWrote) << file;
    EXPECT_EQ(out, bytes) << "frame " << file.filename() << " differs from what lws wrote";
    r.written.insert(r.written.end(), out.begin(), out.end());
  }
  EXPECT_FALSE(link->wants_write()) << "nothing else may be pending at the end";
  return r;
}

TEST(ClientLinkInterop, HttpGetWritesTheLwsBytesAndSeesTheLwsEvents) {
  const fs::path cap = kRoot / "01b-http-get-small-with-metadata";
  Replay r = replay(cap);
  EXPECT_EQ(r.written, read_file(cap / "c2p.bin"));
  EXPECT_EQ(r.events, (std::vector<std::string>{"created", "state 6", "state 5", "rx 49 flags 1",
                                                "rx 0 flags 2"}));
}

TEST(ClientLinkInterop, WsEchoWritesTheLwsBytes) {
  const fs::path cap = kRoot / "03-ws-echo";
  Replay r = replay(cap);
  EXPECT_EQ(r.written, read_file(cap / "c2p.bin"));
  EXPECT_EQ(r.events.front(), "created");
  EXPECT_EQ(std::count(r.events.begin(), r.events.end(), "rx 7 flags 3"), 9);
  EXPECT_EQ(r.events.back(), "state 14");  // TIMEOUT ends the capture
}

TEST(ClientLinkInterop, MultipartPostWritesTheLwsBytes) {
  const fs::path cap = kRoot / "04-http-post-multipart";
  Replay r = replay(cap);
  EXPECT_EQ(r.written, read_file(cap / "c2p.bin"));
  EXPECT_NE(std::find(r.events.begin(), r.events.end(), "state 10"), r.events.end())
      << "QOS_ACK_REMOTE reaches the user";
}

TEST(ClientLinkInterop, TcpTransportHttpGetWritesTheLwsBytes) {
  const fs::path cap = kRoot / "07-tcp-transport-http-get";
  Replay r = replay(cap);
  EXPECT_EQ(r.written, read_file(cap / "c2p.bin"));
}

TEST(ClientLinkInterop, UnknownStreamtypeReportsCreateFailed) {
  const fs::path cap = kRoot / "06-create-fail-unknown-streamtype";
  Replay r = replay(cap);
  EXPECT_EQ(r.written, read_file(cap / "c2p.bin"));
  EXPECT_EQ(r.events, std::vector<std::string>{"create-failed"});
}

}  // namespace
}  // namespace ss::proxy
