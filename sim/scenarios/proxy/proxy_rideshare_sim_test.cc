// Rideshare through the SS proxy in the simulator (docs/api.md
// "Rideshare"): a ProxyClient of streamtype "up" (rideshare "audio", then
// "tail") on host "box", the proxy (engine + h1) beside it, an HttpServer
// on "server". One POST reaches the server with a multipart part per
// streamtype in chain order; the client's rideshare() names each part
// during tx() and the last part during the response's rx(), as a direct
// stream does; on the link, CREATE_RESULT lists the chain without a
// leading comma and payload frames of later parts carry RIDESHARE + name.
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/proto/http/multipart_splitter.h"
#include "runtime/proxy/proxy_client.h"
#include "runtime/wire/decoder.h"
#include "sim/peers/http_server.h"
#include "sim/scenarios/proxy/sim_proxy_process.h"
#include "sim/testing/recording_net.h"
#include "sim/testing/rideshare_upload.h"

namespace ss::sim {
namespace {

constexpr const char* kPolicy = R"({
  "release": "t", "product": "rideshare", "schema-version": 1,
  "retry": [{"r": {"backoff": [200], "conceal": 2, "jitterpc": 0}}],
  "s": [
    {"up": {"endpoint": "server", "port": 80, "protocol": "h1", "http_method": "POST", "http_url": "up",
            "retry": "r", "opportunistic": true, "rideshare": "audio",
            "http_multipart_name": "meta", "http_multipart_filename": "meta.json",
            "http_mime_content_type": "application/json"}},
    {"audio": {"endpoint": "server", "port": 80, "protocol": "h1", "rideshare": "tail",
               "http_multipart_name": "audio", "http_multipart_filename": "a.raw",
               "http_mime_content_type": "application/octet-stream"}},
    {"tail": {"endpoint": "server", "port": 80, "protocol": "h1",
              "http_multipart_name": "tail", "http_mime_content_type": "text/plain"}}
  ]
})";

std::vector<wire::Frame> frames(wire::Direction from, const std::vector<std::uint8_t>& bytes) {
  wire::FrameDecoder d(from);
  d.receive_data(bytes);
  std::vector<wire::Frame> out;
  wire::Frame f;
  while (d.next_event(&f) == wire::FrameDecoder::Status::kFrame) out.push_back(f);
  EXPECT_EQ(d.next_event(&f), wire::FrameDecoder::Status::kNeedData);
  return out;
}

struct Outcome {
  sim::testing::RideshareUpload up;
  std::vector<std::string> rx_names;
  std::string rx;
  std::vector<stream::State> states;
  std::vector<std::string> bodies, content_types;
  std::vector<wire::Frame> c2p, p2c;
};

Outcome run(std::uint64_t seed) {
  Outcome out;
  WorldOptions wo;
  wo.seed = seed;
  World world(wo);
  const int box = world.add_host("box");
  const int server = world.add_host("server");
  peers::HttpServer http(world.loop(), world.net_for(server), Endpoint::tcp("", 80));
  http.route({.path = "/up", .body = "stored"});
  EXPECT_TRUE(http.start().ok());
  SimProxyProcess proxy;
  EXPECT_TRUE(proxy.start(world, box, kPolicy, seed, /*with_h1=*/true));

  std::string audio(5000, '\0');
  for (std::size_t i = 0; i < audio.size(); ++i) audio[i] = static_cast<char>(i * 13 % 253);
  out.up.parts = {{"up", R"({"k":2})"}, {"audio", audio}, {"tail", "end"}};
  out.up.chunk = 1500;

  sim::testing::RecordingNet link_net(world.loop(), world.net_for(box));
  proxy::ProxyClientOptions o;
  o.link.streamtype = "up";
  proxy::ProxyClient* client = nullptr;
  proxy::ProxyClientCallbacks cb;
  cb.state = [&](stream::State state, std::uint32_t) {
    out.states.push_back(state);
    if (state == stream::State::kCreating) client->request_tx_len(static_cast<std::uint32_t>(out.up.total()));
    return stream::Ret::kOk;
  };
  cb.tx = [&](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    if (!out.up.fill(client->rideshare(), buf, len, flags)) return stream::Ret::kTxDontSend;
    if (!out.up.done()) client->request_tx();
    return stream::Ret::kOk;
  };
  cb.rx = [&](std::span<const std::uint8_t> b, std::uint32_t) {
    out.rx.append(b.begin(), b.end());
    out.rx_names.push_back(client->rideshare());
    return stream::Ret::kOk;
  };
  proxy::ProxyClient pc(world.loop(), link_net, std::move(o), std::move(cb));
  client = &pc;
  pc.start();
  world.run_for(seconds(5));

  out.bodies = http.request_bodies();
  for (const auto& head : http.requests())
    out.content_types.emplace_back(find_header(head.headers, "content-type").value_or(""));
  for (const auto& [id, bytes] : link_net.written) {
    auto f = frames(wire::Direction::kClientToProxy, bytes);
    out.c2p.insert(out.c2p.end(), f.begin(), f.end());
  }
  out.p2c = frames(wire::Direction::kProxyToClient, link_net.delivered);
  pc.destroy();
  world.run_for(seconds(1));
  return out;
}

TEST(ProxyRideshare, OnePostWithAPartPerStreamtypeAndNamesOnBothSides) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(seed);
    Outcome o = run(seed);
    ASSERT_EQ(o.bodies.size(), 1u);
    auto parts = proto::http::split_multipart(o.content_types[0], o.bodies[0]);
    ASSERT_TRUE(parts.ok()) << parts.error().message();
    ASSERT_EQ(parts->size(), 3u);
    const char* names[] = {R"(form-data; name="meta"; filename="meta.json")",
                           R"(form-data; name="audio"; filename="a.raw")", R"(form-data; name="tail")"};
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(proto::h1::find_header((*parts)[i].headers, "content-disposition"), names[i]);
      EXPECT_EQ((*parts)[i].data, o.up.parts[i].second);
    }
    EXPECT_EQ(o.up.tx_names, o.up.expected_names());
    EXPECT_EQ(o.rx, "stored");
    ASSERT_FALSE(o.rx_names.empty());
    EXPECT_EQ(o.rx_names, std::vector<std::string>(o.rx_names.size(), "tail"));

    // The link: CREATE_RESULT's list, then TX_PAYLOAD of the later parts
    // and the response's RX_PAYLOAD named.
    ASSERT_FALSE(o.p2c.empty());
    EXPECT_EQ(std::get<wire::CreateResultFrame>(o.p2c[0]).list, "up,audio,tail");
    std::vector<std::optional<std::string>> tx_named;
    for (const auto& f : o.c2p)
      if (const auto* p = std::get_if<wire::PayloadFrame>(&f)) tx_named.push_back(p->rideshare);
    std::vector<std::optional<std::string>> want_tx;
    for (const auto& name : o.up.expected_names())
      want_tx.push_back(name == "up" ? std::nullopt : std::optional(name));
    EXPECT_EQ(tx_named, want_tx);
    int rx_frames = 0;
    for (const auto& f : o.p2c) {
      if (const auto* p = std::get_if<wire::PayloadFrame>(&f)) {
        ++rx_frames;
        EXPECT_EQ(p->rideshare, "tail");
        EXPECT_NE(p->flags & wire::kFlagRideshare, 0u);
      }
    }
    EXPECT_GT(rx_frames, 0);
  }
}

}  // namespace
}  // namespace ss::sim
