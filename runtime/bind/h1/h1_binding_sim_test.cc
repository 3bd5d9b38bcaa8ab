// The h1 binding in the simulator, against sim/peers/HttpServer: the state
// sequence (docs/secure-streams.md §2.4) for a good response and for every misbehaviour.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/bind/h1/h1_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "sim/peers/http_server.h"
#include "sim/testing/sim_context.h"
#include "sim/world.h"

namespace ss::proto::h1 {
namespace {

using stream::Ret;
using stream::State;
using sim::peers::HttpFault;
using sim::peers::HttpRoute;

using enum stream::State;

struct Outcome {
  std::vector<State> states;
  std::vector<std::uint32_t> rx_flags;
  std::string rx;
  std::string md_rx;  // response header mapped into metadata "srv"
  std::vector<Head> requests;
  std::vector<std::string> bodies;
  std::size_t violations = 0;
  std::uint64_t hash = 0;
  std::vector<Micros> connecting_at;  // sim time of each CONNECTING
  std::vector<std::string> logs;      // the context's log hook
  std::vector<std::string> statuses;  // "h1.status" trace texts
};

struct Case {
  HttpRoute route;
  std::string method = "GET";
  std::string body;          // user tx body (POST)
  bool announce_len = true;  // request_tx_len
  int expect = 0;
  std::vector<std::pair<int, int>> resp_map;
  bool multipart = false;
  bool allow_redirects = false;
  std::vector<HttpRoute> more_routes;
  std::optional<policy::RetryPolicy> retry;
  // System blob headers: (policy key value, blob value); "" = not set.
  std::string auth_header, auth_preamble, auth_blob;
  std::string dsn_header, serial_blob;
  bool form = false;                // http_www_form_urlencoded
  std::string url;                  // http_url instead of the route's path
  std::vector<std::pair<std::string, std::string>> md_set;  // set_metadata before request_tx
  std::vector<policy::MetadataDecl> extra_md;               // declared besides ua/srv
  // An SS proxy's onward stream (kInfoProxied) fed as the proxy feeds it:
  // the body exists only once the client has seen CONNECTED.
  bool proxied = false;
};

Outcome run(const Case& su, std::uint64_t seed = 3) {
  sim::WorldOptions wo;
  wo.seed = seed;
  sim::World world(wo);
  Outcome out;
  const int client = world.add_host("client");
  const int server = world.add_host("server");
  sim::peers::HttpServer http(world.loop(), world.net_for(server), Endpoint::tcp("", 80));
  http.route(su.route);
  for (const auto& r : su.more_routes) http.route(r);
  EXPECT_TRUE(http.start().ok());

  auto pol = std::make_shared<policy::Policy>();
  policy::Streamtype st = policy::streamtype("web", policy::Protocol::kH1, "server", 80);
  st.opportunistic = true;
  st.http_method = su.method;
  st.http_url = su.url.empty() ? su.route.path.substr(1) : su.url;
  st.http_www_form_urlencoded = su.form;
  st.http_expect = su.expect;
  st.http_resp_map = su.resp_map;
  st.allow_redirects = su.allow_redirects;
  st.metadata = {{"ua", "user-agent:"}, {"srv", "x-server:"}};
  st.metadata.insert(st.metadata.end(), su.extra_md.begin(), su.extra_md.end());
  st.http_auth_header = su.auth_header;
  st.http_auth_preamble = su.auth_preamble;
  st.http_dsn_header = su.dsn_header;
  if (su.multipart) {
    st.http_multipart_name = "file";
    st.http_multipart_filename = "a.txt";
    st.http_mime_content_type = "text/plain";
  }
  if (su.retry) {
    pol->retries.push_back(*su.retry);
    st.retry = 0;
  }
  pol->streamtypes.push_back(st);

  stream::Context::Config cfg = sim::testing::context_config(world, client, pol, seed);
  cfg.hooks.trace = [&world, &out](std::string_view k, std::string_view t) {
    world.record(k, t);
    if (k == "h1.status") out.statuses.emplace_back(t);
  };
  cfg.hooks.log = [&out](std::string_view t) { out.logs.emplace_back(t); };
  stream::Context ctx(std::move(cfg));
  register_h1_binding(ctx);
  auto blob = [](const std::string& v) {
    return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(v.data()), v.size());
  };
  if (!su.auth_blob.empty()) ctx.blobs().set(stream::SystemBlobs::slot(stream::BlobType::kAuth, 0), blob(su.auth_blob));
  if (!su.serial_blob.empty())
    ctx.blobs().set(stream::SystemBlobs::slot(stream::BlobType::kDeviceSerial, 0), blob(su.serial_blob));

  stream::Stream* s = nullptr;
  bool sent = false;
  stream::StreamInfo info;
  info.streamtype = "web";
  if (su.proxied) info.flags = stream::kInfoProxied;
  bool client_connected = !su.proxied;
  info.callbacks.state = [&](stream::State state, std::uint32_t) {
    out.states.push_back(state);
    if (su.proxied && state == kConnected && !client_connected) {
      client_connected = true;  // the client's TX_PAYLOAD arrives: the proxy asks for tx
      s->request_tx();
    }
    if (state == kConnecting) out.connecting_at.push_back(world.now());
    if (state == kConnected && s) {
      auto v = s->get_metadata("srv");
      if (v.ok()) out.md_rx = std::string(*v);
    }
    return Ret::kOk;
  };
  info.callbacks.rx = [&](std::span<const std::uint8_t> b, std::uint32_t flags) {
    out.rx.append(b.begin(), b.end());
    out.rx_flags.push_back(flags);
    return Ret::kOk;
  };
  info.callbacks.tx = [&](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    if (sent || su.body.empty() || !client_connected) return Ret::kTxDontSend;
    std::copy(su.body.begin(), su.body.end(), buf.begin());
    len = su.body.size();
    flags = stream::kFlagSom | stream::kFlagEom;
    sent = true;
    return Ret::kOk;
  };
  auto created = ctx.create(std::move(info));
  EXPECT_TRUE(created.ok());
  s = *created;
  EXPECT_TRUE(s->set_metadata("ua", "sim-test/1").ok());
  for (const auto& [k, v] : su.md_set) EXPECT_TRUE(s->set_metadata(k, v).ok()) << k;
  if (!su.body.empty() && su.announce_len) {
    s->request_tx_len(su.body.size());
  } else {
    s->request_tx();
  }
  world.run_for(seconds(30));
  if (ctx.stream_count()) s->destroy();
  world.run_until_idle(1'000'000);
  out.requests = http.requests();
  out.bodies = http.request_bodies();
  out.violations = world.violations().size();
  out.hash = world.trace().hash();
  return out;
}

const std::vector<State> kGood = {kCreating, kPoll, kConnecting, kConnected, kQosAckRemote, kDisconnected, kDestroying};

TEST(H1BindingSim, GetSuccess) {
  Case su;
  su.route = {.path = "/data", .headers = {{"X-Server", "sim"}}, .body_size = 5000};
  auto o = run(su);
  EXPECT_EQ(o.states, kGood);
  EXPECT_EQ(o.rx, sim::peers::pattern_body(5000));
  ASSERT_GE(o.rx_flags.size(), 2u);
  EXPECT_EQ(o.rx_flags.front(), stream::kFlagSom);
  EXPECT_EQ(o.rx_flags.back(), stream::kFlagEom);  // empty rx with EOM at completion
  EXPECT_EQ(o.md_rx, "sim");                       // response header -> metadata before rx
  ASSERT_EQ(o.requests.size(), 1u);
  EXPECT_EQ(o.requests[0].target, "/data");
  EXPECT_EQ(find_header(o.requests[0].headers, "user-agent"), "sim-test/1");
  EXPECT_EQ(find_header(o.requests[0].headers, "host"), "server");
  EXPECT_EQ(o.violations, 0u);
  EXPECT_TRUE(o.logs.empty());
  EXPECT_EQ(o.statuses, (std::vector<std::string>{"ss1 200"}));
}

// http_auth_header + http_auth_preamble and http_dsn_header carry system
// blobs; a header whose blob is unset is not sent at all.
TEST(H1BindingSim, SystemBlobHeaders) {
  Case su;
  su.route = {.path = "/b"};
  su.auth_header = "authorization:";
  su.auth_preamble = "Bearer ";
  su.auth_blob = "tok-123";
  su.dsn_header = "x-dsn:";
  auto o = run(su);
  EXPECT_EQ(o.states, kGood);
  ASSERT_EQ(o.requests.size(), 1u);
  EXPECT_EQ(find_header(o.requests[0].headers, "authorization"), "Bearer tok-123");
  EXPECT_EQ(find_header(o.requests[0].headers, "x-dsn"), std::nullopt);
  su.serial_blob = "SN-42";
  o = run(su);
  EXPECT_EQ(find_header(o.requests[0].headers, "x-dsn"), "SN-42");
}

// A blob that would inject a header line is refused, never sent.
TEST(H1BindingSim, SystemBlobWithNewlineIsRefused) {
  Case su;
  su.route = {.path = "/b"};
  su.auth_header = "authorization:";
  su.auth_blob = "x\r\nEvil: 1";
  auto o = run(su);
  EXPECT_TRUE(o.requests.empty());
  EXPECT_EQ(std::count(o.states.begin(), o.states.end(), kConnected), 0);
}

TEST(H1BindingSim, ChunkedAndSlowBody) {
  Case su;
  su.route = {.path = "/c", .body_size = 300, .chunked = true, .piece = 50, .piece_gap = millis(100)};
  auto o = run(su);
  EXPECT_EQ(o.states, kGood);
  EXPECT_EQ(o.rx, sim::peers::pattern_body(300));
}

TEST(H1BindingSim, UntilCloseBodyCompletesAtClose) {
  Case su;
  su.route = {.path = "/u", .body_size = 100, .until_close = true};
  auto o = run(su);
  EXPECT_EQ(o.states, kGood);
  EXPECT_EQ(o.rx, sim::peers::pattern_body(100));
}

TEST(H1BindingSim, NotFoundIsNack) {
  Case su;
  su.route = {.path = "/x"};
  su.route.path = "/elsewhere";  // request /elsewhere... the route below is unknown
  su.route.status = 404;
  auto o = run(su);
  EXPECT_EQ(o.states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kQosNackRemote, kDisconnected, kDestroying}));
}

TEST(H1BindingSim, HttpExpect) {
  Case su;
  su.route = {.path = "/e", .status = 201, .reason = "Created"};
  su.expect = 201;
  EXPECT_EQ(run(su).states, kGood);
  su.expect = 204;
  EXPECT_EQ(run(su).states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kQosNackRemote, kDisconnected, kDestroying}));
}

TEST(H1BindingSim, RespMapRaisesUserState) {
  Case su;
  su.route = {.path = "/m", .status = 403, .reason = "Forbidden"};
  su.resp_map = {{403, 1003}};
  EXPECT_EQ(run(su).states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, stream::to_state(1003), kQosNackRemote, kDisconnected, kDestroying}));
}

TEST(H1BindingSim, ServiceUnavailableWithoutRetryPolicyGivesUpAtOnce) {
  Case su;
  su.route = {.path = "/busy", .status = 503, .reason = "Busy", .retry_after = 2u};
  // 503 means "come back later": a retry, which without a retry policy is
  // ALL_RETRIES_FAILED straight away (docs/secure-streams.md §1.3).
  EXPECT_EQ(run(su).states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kQosNackRemote, kDisconnected, kAllRetriesFailed, kDestroying}));
}

TEST(H1BindingSim, ServiceUnavailableRetriesNoSoonerThanRetryAfter) {
  for (int status : {503, 429}) {
    Case su;
    su.route = {.path = "/busy", .status = status, .reason = "Busy", .retry_after = 2u};
    policy::RetryPolicy r;
    r.name = "r";
    r.backoff_ms = {100};
    r.conceal = 2;
    su.retry = r;
    auto o = run(su);
    EXPECT_EQ(o.states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kQosNackRemote, kDisconnected, kPoll, kConnecting, kConnected, kQosNackRemote, kDisconnected,
                                          kPoll, kConnecting, kConnected, kQosNackRemote, kDisconnected, kAllRetriesFailed, kDestroying}))
        << status;
    ASSERT_EQ(o.connecting_at.size(), 3u);
    for (std::size_t i = 1; i < o.connecting_at.size(); ++i)
      EXPECT_GE(o.connecting_at[i] - o.connecting_at[i - 1], seconds(2))
          << "retried before the server's Retry-After (" << status << ")";
    EXPECT_EQ(o.violations, 0u);
  }
}

TEST(H1BindingSim, RedirectNotFollowedIsNack) {
  Case su;
  su.route = {.path = "/r", .status = 302, .reason = "Found", .location = "http://server/other"};
  auto o = run(su);
  EXPECT_EQ(o.states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kQosNackRemote, kDisconnected, kDestroying}));
  EXPECT_TRUE(o.rx.empty());
}

TEST(H1BindingSim, SameOriginRedirectIsFollowedWhenAllowed) {
  for (std::string loc : {"/data", "http://server/data", "http://server:80/data"}) {
    Case su;
    su.route = {.path = "/r", .status = 302, .reason = "Found", .location = loc};
    su.more_routes = {{.path = "/data", .body_size = 10}};
    su.allow_redirects = true;
    auto o = run(su);
    EXPECT_EQ(o.states, kGood) << loc;
    EXPECT_EQ(o.rx, sim::peers::pattern_body(10)) << loc;
    ASSERT_EQ(o.requests.size(), 2u) << loc;
    EXPECT_EQ(o.requests[1].target, "/data");
  }
}

TEST(H1BindingSim, RedirectToAnotherSchemeIsNackEvenWhenAllowed) {
  Case su;
  su.route = {.path = "/r", .status = 301, .reason = "Moved", .location = "gopher://other/data"};
  su.allow_redirects = true;
  auto o = run(su);
  EXPECT_EQ(o.states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kQosNackRemote, kDisconnected, kDestroying}));
  EXPECT_EQ(o.requests.size(), 1u);
}

TEST(H1BindingSim, RedirectLoopStopsAfterFourHops) {
  Case su;
  su.route = {.path = "/loop", .status = 307, .reason = "Again", .location = "/loop"};
  su.allow_redirects = true;
  auto o = run(su);
  EXPECT_EQ(o.states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kQosNackRemote, kDisconnected, kDestroying}));
  EXPECT_EQ(o.requests.size(), 5u);
}

TEST(H1BindingSim, TruncatedBodyDisconnectsWithoutAck) {
  Case su;
  su.route = {.path = "/t", .body_size = 1000, .fault = HttpFault::kTruncateBody};
  auto o = run(su);
  EXPECT_EQ(o.states, (std::vector<State>{kCreating, kPoll, kConnecting, kConnected, kDisconnected, kDestroying}));
  EXPECT_EQ(o.rx, sim::peers::pattern_body(500));
  // The truncation found at the peer's close is logged like any protocol
  // error (it used to be dropped), and the status was traced.
  ASSERT_EQ(o.logs.size(), 1u);
  EXPECT_NE(o.logs[0].find("protocol error: h1: connection closed mid-message (truncated after 500 of 1000 body bytes)"),
            std::string::npos)
      << o.logs[0];
  EXPECT_EQ(o.statuses, (std::vector<std::string>{"ss1 200"}));
}

// A server that reads the request and never answers: the attempt times out
// 20 s after the transport came up (Context::Config::protocol_timeout), as
// UNREACHABLE, never CONNECTED.
TEST(H1BindingSim, SilentServerTimesOut) {
  Case su;
  su.route = {.path = "/s", .fault = HttpFault::kNoResponse};
  auto o = run(su);
  EXPECT_EQ(o.states, (std::vector<State>{kCreating, kPoll, kConnecting, kUnreachable, kAllRetriesFailed, kDestroying}));
  ASSERT_EQ(o.requests.size(), 1u);
}

// No retry policy: the first failure exhausts the budget (docs/secure-streams.md §2.5).
TEST(H1BindingSim, GarbageHeaderIsUnreachable) {
  Case su;
  su.route = {.path = "/g", .fault = HttpFault::kGarbageHeader};
  EXPECT_EQ(run(su).states, (std::vector<State>{kCreating, kPoll, kConnecting, kUnreachable, kAllRetriesFailed, kDestroying}));
}

TEST(H1BindingSim, OversizedHeaderIsUnreachable) {
  Case su;
  su.route = {.path = "/o", .fault = HttpFault::kOversizedHeader};
  EXPECT_EQ(run(su).states, (std::vector<State>{kCreating, kPoll, kConnecting, kUnreachable, kAllRetriesFailed, kDestroying}));
}

TEST(H1BindingSim, CloseBeforeResponseIsUnreachable) {
  Case su;
  su.route = {.path = "/z", .fault = HttpFault::kCloseBeforeResponse};
  EXPECT_EQ(run(su).states, (std::vector<State>{kCreating, kPoll, kConnecting, kUnreachable, kAllRetriesFailed, kDestroying}));
}

TEST(H1BindingSim, PostWithLengthAndChunked) {
  Case su;
  su.route = {.path = "/post", .body = "ok"};
  su.method = "POST";
  su.body = "payload-bytes";
  auto o = run(su);
  EXPECT_EQ(o.states, kGood);
  ASSERT_EQ(o.requests.size(), 1u);
  EXPECT_EQ(find_header(o.requests[0].headers, "content-length"), "13");
  EXPECT_EQ(o.bodies[0], "payload-bytes");
  su.announce_len = false;
  o = run(su);
  EXPECT_EQ(o.states, kGood);
  EXPECT_EQ(find_header(o.requests[0].headers, "transfer-encoding"), "chunked");
  EXPECT_EQ(o.bodies[0], "payload-bytes");
}

// As lws: a proxy's onward POST says CONNECTED once its request head is
// out, since the proxied client sends the body only after CONNECTED; the
// response head's CONNECTED is then not raised again. A plain POST waits
// for the response head.
TEST(H1BindingSim, ProxiedPostIsConnectedWhenTheHeadIsOut) {
  Case su;
  su.route = {.path = "/post", .body = "ok"};
  su.method = "POST";
  su.body = "payload-bytes";
  su.proxied = true;
  for (bool len : {true, false}) {
    su.announce_len = len;
    auto o = run(su);
    EXPECT_EQ(o.states, kGood);
    EXPECT_EQ(o.violations, 0u);
    ASSERT_EQ(o.bodies.size(), 1u);
    EXPECT_EQ(o.bodies[0], "payload-bytes");
    EXPECT_EQ(o.rx, "ok");
  }
  // Connected early, a close before the response is a DISCONNECTED.
  su.route = {.path = "/post", .fault = HttpFault::kCloseBeforeResponse};
  auto o = run(su);
  EXPECT_EQ(o.violations, 0u);
  EXPECT_EQ(std::count(o.states.begin(), o.states.end(), kConnected), 1);
  EXPECT_EQ(std::count(o.states.begin(), o.states.end(), kQosAckRemote), 0);
  // A proxied GET has no body to wait for: CONNECTED on the response head.
  Case get;
  get.route = {.path = "/data", .body_size = 50};
  get.proxied = true;
  EXPECT_EQ(run(get).states, kGood);
}

TEST(H1BindingSim, MultipartPost) {
  Case su;
  su.route = {.path = "/up"};
  su.method = "POST";
  su.body = "file contents";
  su.multipart = true;
  auto o = run(su);
  EXPECT_EQ(o.states, kGood);
  ASSERT_EQ(o.bodies.size(), 1u);
  auto ct = find_header(o.requests[0].headers, "content-type");
  ASSERT_TRUE(ct.has_value());
  EXPECT_EQ(ct->rfind("multipart/form-data; boundary=", 0), 0u);
  EXPECT_NE(o.bodies[0].find("filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nfile contents\r\n--"),
            std::string::npos);
  EXPECT_EQ(find_header(o.requests[0].headers, "content-length"), std::to_string(o.bodies[0].size()));
}

TEST(H1BindingSim, FormPutWithOneContentType) {
  Case su;
  su.route = {.path = "/f"};
  su.method = "PUT";
  su.body = "a=1&b=two";
  su.form = true;
  su.extra_md = {{"ct", "content-type:"}};
  su.md_set = {{"ct", "text/plain"}};  // the form framing wins: one Content-Type
  auto o = run(su);
  EXPECT_EQ(o.states, kGood);
  ASSERT_EQ(o.requests.size(), 1u);
  EXPECT_EQ(o.requests[0].method, "PUT");
  int content_types = 0;
  for (const auto& h : o.requests[0].headers) content_types += iequals(h.name, "content-type");
  EXPECT_EQ(content_types, 1);
  EXPECT_EQ(find_header(o.requests[0].headers, "content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(o.bodies[0], "a=1&b=two");
}

TEST(H1BindingSim, UrlWithMetadata) {
  Case su;
  su.route = {.path = "/items/42", .body_size = 2};
  su.url = "items/${id}";
  su.extra_md = {{"id", ""}};
  su.md_set = {{"id", "42"}};
  auto o = run(su);
  EXPECT_EQ(o.states, kGood);
  ASSERT_EQ(o.requests.size(), 1u);
  EXPECT_EQ(o.requests[0].target, "/items/42");
}

// A metadata value that would inject a header line fails the request; no
// byte of it reaches the server.
TEST(H1BindingSim, MetadataWithNewlineIsRefused) {
  Case su;
  su.route = {.path = "/m"};
  su.extra_md = {{"x", "x-note:"}};
  su.md_set = {{"x", "a\r\nEvil: 1"}};
  auto o = run(su);
  EXPECT_TRUE(o.requests.empty());
  EXPECT_EQ(std::count(o.states.begin(), o.states.end(), kConnected), 0);
}

TEST(H1BindingSim, SameSeedSameTrace) {
  Case su;
  su.route = {.path = "/data", .body_size = 777, .piece = 100, .piece_gap = millis(3)};
  EXPECT_EQ(run(su, 11).hash, run(su, 11).hash);
}

}  // namespace
}  // namespace ss::proto::h1
