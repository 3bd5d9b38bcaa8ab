// Rideshare over h1 (docs/protocols.md "Rideshare"): a streamtype whose
// `rideshare` chain is A -> B -> C sends one POST whose multipart/form-data
// body has a part per streamtype, in chain order, each framed with that
// streamtype's http_multipart_name / _filename / http_mime_content_type;
// lws_ss_rideshare() names the part tx() is producing.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/bind/h1/testing/h1_bed.h"
#include "runtime/proto/http/multipart_splitter.h"
#include "sim/testing/rideshare_upload.h"

namespace ss::proto::h1 {
namespace {

using testing::Bed;
using namespace testing::states;

// "up" (multipart "meta", meta.json, application/json) rides on with
// "audio" (a.raw, application/octet-stream), then "tail" (text/plain).
void chain_policy(policy::Policy& pol, policy::Streamtype& st, bool multipart = true) {
  policy::Streamtype audio = policy::streamtype("audio", policy::Protocol::kH1, "server", 80);
  policy::Streamtype tail = policy::streamtype("tail", policy::Protocol::kH1, "server", 80);
  if (multipart) {
    audio.http_multipart_name = "audio";
    audio.http_multipart_filename = "a.raw";
    audio.http_mime_content_type = "application/octet-stream";
    tail.http_multipart_name = "tail";
    tail.http_mime_content_type = "text/plain";
    st.http_multipart_name = "meta";
    st.http_multipart_filename = "meta.json";
    st.http_mime_content_type = "application/json";
  }
  audio.rideshare = 1;  // tail
  pol.streamtypes.push_back(audio);
  pol.streamtypes.push_back(tail);
  st.rideshare = 0;  // audio
  st.http_method = "POST";
}

sim::testing::RideshareUpload upload() {
  sim::testing::RideshareUpload up;
  std::string audio(3000, '\0');
  for (std::size_t i = 0; i < audio.size(); ++i) audio[i] = static_cast<char>(i * 7 % 251);
  up.parts = {{"web", R"({"k":1})"}, {"audio", audio}, {"tail", "end"}};
  return up;
}

struct Uploader {
  std::vector<stream::State> states;
  std::string rx;
  std::vector<std::string> rx_names;  // rideshare() in each rx()
  sim::testing::RideshareUpload up = upload();
  stream::Stream* s = nullptr;

  void open(Bed& bed) {
    stream::StreamInfo info;
    info.streamtype = "web";
    info.callbacks.state = [this](stream::State state, std::uint32_t) {
      states.push_back(state);
      return stream::Ret::kOk;
    };
    info.callbacks.rx = [this](std::span<const std::uint8_t> b, std::uint32_t) {
      rx.append(b.begin(), b.end());
      rx_names.emplace_back(s->rideshare());
      return stream::Ret::kOk;
    };
    info.callbacks.tx = [this](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
      if (!up.fill(s->rideshare(), buf, len, flags)) return stream::Ret::kTxDontSend;
      if (!up.done()) s->request_tx();
      return stream::Ret::kOk;
    };
    info.on_bind = [this](stream::Stream* bound) { s = bound; };
    auto created = bed.ctx->create(std::move(info));
    ASSERT_TRUE(created.ok());
  }
};

void expect_parts(const std::string& content_type, const std::string& body, const Uploader& run) {
  auto parts = http::split_multipart(content_type, body);
  ASSERT_TRUE(parts.ok()) << parts.error().message() << "\n" << body;
  ASSERT_EQ(parts->size(), 3u);
  const char* dispositions[] = {R"(form-data; name="meta"; filename="meta.json")",
                                R"(form-data; name="audio"; filename="a.raw")", R"(form-data; name="tail")"};
  const char* types[] = {"application/json", "application/octet-stream", "text/plain"};
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(find_header((*parts)[i].headers, "content-disposition"), dispositions[i]);
    EXPECT_EQ(find_header((*parts)[i].headers, "content-type"), types[i]);
    EXPECT_EQ((*parts)[i].data, run.up.parts[i].second);
  }
}

TEST(H1Rideshare, ChainOfThreeIsOnePostWithAPartEach) {
  Uploader run;
  Bed bed("/up", false, [](policy::Policy& pol, policy::Streamtype& st) { chain_policy(pol, st); });
  bed.server.route({.path = "/up", .body = "stored"});
  run.open(bed);
  run.s->request_tx_len(run.up.total());
  bed.world.run_for(seconds(2));

  EXPECT_EQ(run.states, seq({kTxn}));
  ASSERT_EQ(bed.server.requests().size(), 1u);
  const auto& head = bed.server.requests()[0];
  const std::string& body = bed.server.request_bodies()[0];
  EXPECT_EQ(head.method, "POST");
  EXPECT_EQ(find_header(head.headers, "content-length"), std::to_string(body.size()));
  auto ct = find_header(head.headers, "content-type");
  ASSERT_TRUE(ct.has_value());
  expect_parts(std::string(*ct), body, run);
  // tx() was asked for "web" until its EOM, then "audio", then "tail".
  EXPECT_EQ(run.up.tx_names, run.up.expected_names());
  // The response comes after the last part, and is named by it (as lws
  // does) until the next transaction starts again at "web".
  EXPECT_EQ(run.rx, "stored");
  ASSERT_FALSE(run.rx_names.empty());
  EXPECT_EQ(run.rx_names, std::vector<std::string>(run.rx_names.size(), "tail"));
}

TEST(H1Rideshare, WithoutALengthTheBodyIsChunked) {
  Uploader run;
  Bed bed("/up", false, [](policy::Policy& pol, policy::Streamtype& st) { chain_policy(pol, st); });
  bed.server.route({.path = "/up"});
  run.open(bed);
  run.s->request_tx();
  bed.world.run_for(seconds(2));
  EXPECT_EQ(run.states, seq({kTxn}));
  ASSERT_EQ(bed.server.requests().size(), 1u);
  const auto& head = bed.server.requests()[0];
  EXPECT_EQ(find_header(head.headers, "transfer-encoding"), "chunked");
  expect_parts(std::string(*find_header(head.headers, "content-type")), bed.server.request_bodies()[0], run);
}

// The next transaction starts again with the first part.
TEST(H1Rideshare, EachTransactionCarriesTheWholeChain) {
  Uploader run;
  Bed bed("/up", false, [](policy::Policy& pol, policy::Streamtype& st) { chain_policy(pol, st); });
  bed.server.route({.path = "/up"});
  run.open(bed);
  for (int i = 0; i < 2; ++i) {
    run.up = upload();
    run.s->request_tx_len(run.up.total());
    bed.world.run_for(seconds(2));
  }
  EXPECT_EQ(run.states, seq({kTxn, kTxn}));
  ASSERT_EQ(bed.server.requests().size(), 2u);
  EXPECT_EQ(run.up.tx_names, run.up.expected_names());
  for (std::size_t i = 0; i < 2; ++i)
    expect_parts(std::string(*find_header(bed.server.requests()[i].headers, "content-type")),
                 bed.server.request_bodies()[i], run);
}

// Without multipart framing the parts simply follow each other in the body.
TEST(H1Rideshare, PlainBodyConcatenatesTheParts) {
  Uploader run;
  Bed bed("/up", false, [](policy::Policy& pol, policy::Streamtype& st) { chain_policy(pol, st, false); });
  bed.server.route({.path = "/up"});
  run.open(bed);
  run.s->request_tx_len(run.up.total());
  bed.world.run_for(seconds(2));
  EXPECT_EQ(run.states, seq({kTxn}));
  ASSERT_EQ(bed.server.request_bodies().size(), 1u);
  EXPECT_EQ(bed.server.request_bodies()[0], run.up.parts[0].second + run.up.parts[1].second + run.up.parts[2].second);
  EXPECT_EQ(find_header(bed.server.requests()[0].headers, "content-length"), std::to_string(run.up.total()));
  EXPECT_EQ(run.up.tx_names, run.up.expected_names());
}

}  // namespace
}  // namespace ss::proto::h1
