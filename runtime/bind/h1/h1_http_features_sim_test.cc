// h1 features beyond one plain GET, in the simulator: the http_cookies jar,
// http_multipart_ss_in message splitting, and Retry-After as an HTTP-date.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/bind/h1/testing/h1_bed.h"

namespace ss::proto::h1 {
namespace {

using testing::Bed;
using namespace testing::states;
using sim::peers::HttpRoute;

constexpr const char* kDate = "Sun, 06 Nov 1994 08:49:37 GMT";

// Asks `n` times, `gap` apart (each after the previous one finished).
void ask(Bed& bed, stream::Stream* s, int n, Micros gap = seconds(1)) {
  for (int i = 0; i < n; ++i) {
    s->request_tx();
    bed.world.run_for(gap);
  }
}

std::optional<std::string_view> cookie_of(const Bed& bed, std::size_t request) {
  if (request >= bed.server.requests().size()) return std::nullopt;
  return find_header(bed.server.requests()[request].headers, "cookie");
}

TEST(H1Cookies, SetCookieIsSentBackOnTheNextRequest) {
  std::vector<stream::State> states;
  std::string rx;
  Bed bed("/a", false, [](policy::Policy&, policy::Streamtype& st) { st.http_cookies = true; });
  bed.server.route({.path = "/a", .headers = {{"Set-Cookie", "sid=abc; Path=/; HttpOnly"}, {"Date", kDate}}});
  ask(bed, bed.open(states, rx), 2);
  EXPECT_EQ(states, seq({kTxn, kTxn}));
  EXPECT_EQ(cookie_of(bed, 0), std::nullopt);
  EXPECT_EQ(cookie_of(bed, 1), "sid=abc");
}

TEST(H1Cookies, WithoutHttpCookiesNothingIsSent) {
  std::vector<stream::State> states;
  std::string rx;
  Bed bed("/a");
  bed.server.route({.path = "/a", .headers = {{"Set-Cookie", "sid=abc"}}});
  ask(bed, bed.open(states, rx), 2);
  EXPECT_EQ(cookie_of(bed, 1), std::nullopt);
}

// Max-Age counts on the jar's clock (loop time anchored at the server's
// Date): gone 2 s later; a Path cookie only goes to its path; the jar is
// the context's, so a second stream sends it too.
TEST(H1Cookies, MaxAgePathAndSharedJar) {
  std::vector<stream::State> s1, s2;
  std::string rx1, rx2;
  Bed bed("/a", false, [](policy::Policy&, policy::Streamtype& st) { st.http_cookies = true; });
  bed.server.route({.path = "/a",
                    .headers = {{"Set-Cookie", "short=1; Max-Age=2"},
                                {"Set-Cookie", "long=2; Max-Age=3600"},
                                {"Set-Cookie", "elsewhere=3; Path=/other"},
                                {"Date", kDate}}});
  ask(bed, bed.open(s1, rx1), 2, millis(500));
  EXPECT_EQ(cookie_of(bed, 1), "short=1; long=2");
  bed.world.run_for(seconds(3));
  ask(bed, bed.open(s2, rx2), 1);
  EXPECT_EQ(cookie_of(bed, 2), "long=2");
}

// A multipart response with http_multipart_ss_in: one SOM..EOM message per
// part, RELATED_START on the first, RELATED_END on the last.
struct Message {
  std::string data;
  std::uint32_t first_flags = 0, last_flags = 0;
};

std::vector<Message> messages(const Bed& bed) {
  std::vector<Message> out;
  bool open = false;
  for (const auto& [bytes, flags] : bed.rx_log) {
    if (flags & stream::kFlagSom) {
      EXPECT_FALSE(open) << "SOM inside a message";
      out.push_back({"", flags, 0});
      open = true;
    }
    EXPECT_TRUE(open) << "rx outside a message";
    if (!open) continue;
    out.back().data += bytes;
    if (flags & stream::kFlagEom) {
      out.back().last_flags = flags;
      open = false;
    }
  }
  EXPECT_FALSE(open) << "message never ended";
  return out;
}

const std::string kMultipart =
    "preamble\r\n--XyZ\r\nContent-Type: text/plain\r\n\r\npart one\r\n"
    "--XyZ\r\n\r\npart\r\ntwo -- with --XyZ-like text\r\n"
    "--XyZ\r\n\r\n\r\n--XyZ--\r\nepilogue";

TEST(H1MultipartIn, EachPartIsOneMessage) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    std::vector<stream::State> states;
    std::string rx;
    Bed bed("/m", false, [](policy::Policy&, policy::Streamtype& st) { st.http_multipart_ss_in = true; });
    (void)seed;
    bed.server.route({.path = "/m",
                      .headers = {{"Content-Type", "multipart/mixed; boundary=\"XyZ\""}},
                      .body = kMultipart,
                      .chunked = seed == 2,
                      .piece = seed == 3 ? 3u : 0u});
    ask(bed, bed.open(states, rx), 1, seconds(2));
    EXPECT_EQ(states, seq({kTxn}));
    auto m = messages(bed);
    ASSERT_EQ(m.size(), 3u);
    EXPECT_EQ(m[0].data, "part one");
    EXPECT_EQ(m[1].data, "part\r\ntwo -- with --XyZ-like text");
    EXPECT_EQ(m[2].data, "");  // an empty part is still a message
    EXPECT_TRUE(m[0].first_flags & stream::kFlagRelatedStart);
    EXPECT_FALSE(m[1].first_flags & stream::kFlagRelatedStart);
    EXPECT_FALSE(m[1].last_flags & stream::kFlagRelatedEnd);
    EXPECT_TRUE(m[2].last_flags & stream::kFlagRelatedEnd);
  }
}

TEST(H1MultipartIn, NonMultipartBodyIsOneMessage) {
  std::vector<stream::State> states;
  std::string rx;
  Bed bed("/p", false, [](policy::Policy&, policy::Streamtype& st) { st.http_multipart_ss_in = true; });
  bed.server.route({.path = "/p", .body_size = 100});
  ask(bed, bed.open(states, rx), 1, seconds(2));
  auto m = messages(bed);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].data, sim::peers::pattern_body(100));
  EXPECT_FALSE(m[0].first_flags & stream::kFlagRelatedStart);
}

TEST(H1MultipartIn, BrokenMultipartClosesWithoutAck) {
  std::vector<stream::State> states;
  std::string rx;
  Bed bed("/m", false, [](policy::Policy&, policy::Streamtype& st) { st.http_multipart_ss_in = true; });
  bed.server.route({.path = "/m",
                    .headers = {{"Content-Type", "multipart/mixed; boundary=XyZ"}},
                    .body = "--XyZ\r\n\r\nunterminated part"});
  ask(bed, bed.open(states, rx), 1, seconds(2));
  EXPECT_EQ(states, (std::vector<stream::State>{kCreating, kPoll, kConnecting, kConnected, kDisconnected}));
}

// Retry-After: <HTTP-date> is measured against the response's own Date.
TEST(H1RetryAfter, HttpDateFormIsHonoured) {
  std::vector<Micros> connecting_at;
  Bed bed("/busy", false, [](policy::Policy& pol, policy::Streamtype& st) {
    policy::RetryPolicy r;
    r.name = "r";
    r.backoff_ms = {100};
    r.conceal = 2;
    pol.retries.push_back(r);
    st.retry = 0;
  });
  bed.server.route({.path = "/busy",
                    .status = 503,
                    .reason = "Busy",
                    .headers = {{"Date", kDate}, {"Retry-After", "Sun, 06 Nov 1994 08:49:40 GMT"}}});
  stream::StreamInfo info;
  info.streamtype = "web";
  info.callbacks.state = [&](stream::State st, std::uint32_t) {
    if (st == kConnecting) connecting_at.push_back(bed.world.now());
    return stream::Ret::kOk;
  };
  auto s = bed.ctx->create(std::move(info));
  ASSERT_TRUE(s.ok());
  (*s)->request_tx();
  bed.world.run_for(seconds(20));
  ASSERT_GE(connecting_at.size(), 2u);
  EXPECT_GE(connecting_at[1] - connecting_at[0], seconds(3));
  EXPECT_LT(connecting_at[1] - connecting_at[0], seconds(4));
}

}  // namespace
}  // namespace ss::proto::h1
