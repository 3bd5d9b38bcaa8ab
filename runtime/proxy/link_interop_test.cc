// ProxyLink against traffic captured between a real libwebsockets client and
// the libwebsockets proxy (runtime/wire/testdata/interop): replaying each
// capture's client bytes, and playing the onward stream's events that the
// capture shows, our link must write exactly the bytes the lws proxy wrote
// (but for the leading comma of CREATE_RESULT's list, which we leave out),
// and ask the onward stream for exactly what the client asked.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "runtime/proxy/link.h"
#include "runtime/wire/decoder.h"
#include "runtime/wire/testing/interop.h"

namespace ss::proxy {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

using wire::testing::read_file;

// What the lws proxy wrote, but for the CREATE_RESULT list, which has no
// leading comma from us (docs/secure-streams.md §6 item 1).
Bytes ours(const fs::path& capture) { return wire::testing::without_leading_comma(read_file(capture / "p2c.bin")); }
const fs::path& kRoot = wire::testing::interop_root();

struct Step {
  bool c2p;
  Bytes bytes;
  wire::Frame frame;
};

std::vector<Step> steps_of(const fs::path& capture) {
  const std::vector<fs::path> files = wire::testing::frame_files(capture);
  std::vector<Step> steps;
  for (const auto& f : files) {
    const bool c2p = f.filename().string().find("_c2p_") != std::string::npos;
    Bytes bytes = read_file(f);
    auto frame = wire::decode_frame(c2p ? wire::Direction::kClientToProxy : wire::Direction::kProxyToClient,
                                    bytes);
    EXPECT_TRUE(frame.ok()) << f;
    steps.push_back({c2p, std::move(bytes), *frame});
  }
  return steps;
}

// Plays one capture; returns the bytes our link wrote to the client.
Bytes replay(const fs::path& capture, std::vector<std::string>* commands) {
  ProxyLink link(0);
  auto steps = steps_of(capture);
  Bytes out;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    if (s.c2p) {
      link.receive_from_client(s.bytes, 1000);
    } else if (auto* cr = std::get_if<wire::CreateResultFrame>(&s.frame)) {
      // The onward stream raises CREATING while it is being created, before
      // the proxy knows the result: the link must hold it until after.
      auto* next = i + 1 < steps.size() ? std::get_if<wire::ConnStateFrame>(&steps[i + 1].frame) : nullptr;
      if (cr->result == 0 && next && next->state == 1) {
        link.onward_state(next->state, next->ordinal);
        ++i;
      }
      link.create_result(cr->result == 0, cr->client_buflen, cr->streamtypes());
    } else if (auto* cs = std::get_if<wire::ConnStateFrame>(&s.frame)) {
      link.onward_state(cs->state, cs->ordinal);
    } else if (auto* rx = std::get_if<wire::PayloadFrame>(&s.frame)) {
      link.onward_rx(rx->flags, rx->payload, rx->rideshare, static_cast<Micros>(rx->timestamp_us));
    } else if (auto* md = std::get_if<wire::MetadataFrame>(&s.frame)) {
      link.onward_metadata(md->name, md->value);
    } else if (auto* cr2 = std::get_if<wire::TxCreditFrame>(&s.frame)) {
      link.onward_tx_credit(cr2->credit);
    }
    while (auto c = link.next_event()) {
      std::visit(
          [&](const auto& cmd) {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, CreateOnward>) commands->push_back("create " + cmd.streamtype);
            if constexpr (std::is_same_v<T, ConnectOnward>) commands->push_back("connect");
            if constexpr (std::is_same_v<T, SetOnwardMetadata>)
              commands->push_back("metadata " + cmd.name + "=" + cmd.value);
            if constexpr (std::is_same_v<T, OnwardTimeout>) commands->push_back("timeout " + std::to_string(cmd.ms));
            if constexpr (std::is_same_v<T, OnwardTxLength>) commands->push_back("txlen " + std::to_string(cmd.length));
            if constexpr (std::is_same_v<T, OnwardTxReady>) {
              while (auto piece = link.take_tx_piece())
                commands->push_back("tx " + std::to_string(piece->payload.size()) + " flags " +
                                    std::to_string(piece->flags));
            }
            if constexpr (std::is_same_v<T, DestroyOnward>) commands->push_back("destroy");
          },
          *c);
    }
    link.take_client_bytes(&out);
  }
  return out;
}

TEST(ProxyLinkInterop, HttpGetWithMetadataIsByteIdentical) {
  const fs::path cap = kRoot / "01b-http-get-small-with-metadata";
  std::vector<std::string> commands;
  EXPECT_EQ(replay(cap, &commands), ours(cap));
  EXPECT_EQ(commands, (std::vector<std::string>{"create mintest", "connect", "timeout 3000",
                                                "metadata ctype=myctype", "metadata uptag=myuptag123"}));
}

TEST(ProxyLinkInterop, TcpTransportHttpGetIsByteIdentical) {
  const fs::path cap = kRoot / "07-tcp-transport-http-get";
  std::vector<std::string> commands;
  EXPECT_EQ(replay(cap, &commands), ours(cap));
  EXPECT_EQ(commands.front(), "create mintest");
}

TEST(ProxyLinkInterop, WsEchoIsByteIdenticalAndEachTxIsOnePiece) {
  const fs::path cap = kRoot / "03-ws-echo";
  std::vector<std::string> commands;
  EXPECT_EQ(replay(cap, &commands), ours(cap));
  EXPECT_EQ(std::count(commands.begin(), commands.end(), "tx 7 flags 3"), 9);
  EXPECT_EQ(std::count(commands.begin(), commands.end(), "txlen 7"), 9);
}

TEST(ProxyLinkInterop, MultipartPostIsCutInto1380BytePiecesWithFlagsSpread) {
  const fs::path cap = kRoot / "04-http-post-multipart";
  std::vector<std::string> commands;
  EXPECT_EQ(replay(cap, &commands), ours(cap));
  const std::vector<std::string> tx = [&] {
    std::vector<std::string> v;
    for (const auto& c : commands)
      if (c.rfind("tx ", 0) == 0) v.push_back(c);
    return v;
  }();
  // 4061 bytes SOM, then 1909 bytes EOM (the two TX_PAYLOAD frames).
  EXPECT_EQ(tx, (std::vector<std::string>{"tx 1380 flags 1", "tx 1380 flags 0", "tx 1301 flags 0",
                                          "tx 1380 flags 0", "tx 529 flags 2"}));
  EXPECT_NE(std::find(commands.begin(), commands.end(), "txlen 5970"), commands.end());
}

TEST(ProxyLinkInterop, UnknownStreamtypeGetsTheFailureResultThenClose) {
  const fs::path cap = kRoot / "06-create-fail-unknown-streamtype";
  std::vector<std::string> commands;
  EXPECT_EQ(replay(cap, &commands), ours(cap));
  EXPECT_EQ(commands, (std::vector<std::string>{"create spam", "destroy"}));
}

}  // namespace
}  // namespace ss::proxy
