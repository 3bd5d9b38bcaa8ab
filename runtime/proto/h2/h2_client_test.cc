// The h2 client core against an nghttp2 server session: the frames it
// writes (byte for byte where we chose them: SETTINGS, WINDOW_UPDATEs) and
// the events it makes of what the server sends.
#include "runtime/proto/h2/h2_client.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/peers/h2_server_core.h"

namespace ss::proto::h2 {
namespace {

using Bytes = std::vector<std::uint8_t>;
using sim::peers::H2ServerCore;
using sim::peers::H2ServerCoreOptions;

Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }

// A frame header (RFC 9113 §4.1) and its payload.
Bytes frame(std::uint32_t len, std::uint8_t type, std::uint8_t flags, std::uint32_t stream, Bytes payload) {
  Bytes b{static_cast<std::uint8_t>(len >> 16), static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len),
          type, flags, static_cast<std::uint8_t>(stream >> 24), static_cast<std::uint8_t>(stream >> 16),
          static_cast<std::uint8_t>(stream >> 8), static_cast<std::uint8_t>(stream)};
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}
Bytes u32(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
          static_cast<std::uint8_t>(v)};
}
Bytes window_update(std::uint32_t stream, std::uint32_t increment) { return frame(4, 0x8, 0, stream, u32(increment)); }

bool contains(const Bytes& hay, const Bytes& needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

struct Pair {
  Client client;
  H2ServerCore server;
  std::vector<Event> events;

  explicit Pair(H2ServerCoreOptions o = {}) : server(o) {}

  // Moves bytes both ways until neither side has anything to say; collects
  // the client's events.
  void pump() {
    for (int round = 0; round < 1000; ++round) {
      Bytes c2s, s2c;
      client.take_output(c2s);
      if (!c2s.empty()) {
        EXPECT_TRUE(server.receive_data(c2s).ok());
      }
      server.take_output(s2c);
      if (!s2c.empty()) {
        EXPECT_TRUE(client.receive_data(s2c).ok());
      }
      while (auto e = client.next_event()) events.push_back(std::move(*e));
      if (c2s.empty() && s2c.empty()) return;
    }
    ADD_FAILURE() << "pump did not settle";
  }

  std::string body_of(std::int32_t stream) const {
    std::string out;
    for (const auto& e : events) {
      if (auto* d = std::get_if<DataEvent>(&e); d && d->stream == stream) out.append(d->bytes.begin(), d->bytes.end());
    }
    return out;
  }
  template <class T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& e : events) {
      if (auto* t = std::get_if<T>(&e)) out.push_back(*t);
    }
    return out;
  }
};

Request get(std::string path) {
  Request r;
  r.authority = "example.com";
  r.path = std::move(path);
  return r;
}

TEST(H2Client, PrefaceSettingsAndConnectionWindowAreExact) {
  Client c;
  Bytes out;
  c.take_output(out);
  Bytes want = bytes_of("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  // SETTINGS: ENABLE_PUSH 0, INITIAL_WINDOW_SIZE 0.
  Bytes settings = frame(12, 0x4, 0, 0, {0, 2, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0});
  want.insert(want.end(), settings.begin(), settings.end());
  Bytes conn_window = window_update(0, kConnectionWindow - 65535);
  want.insert(want.end(), conn_window.begin(), conn_window.end());
  EXPECT_EQ(out, want);
}

TEST(H2Client, EachStreamGetsItsOwnWindowRightAfterItsHeaders) {
  Client c;
  Bytes preface;
  c.take_output(preface);
  auto id = c.open_stream(get("/a"), {});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 1);
  Bytes out;
  c.take_output(out);
  ASSERT_GT(out.size(), 9u + 13u);
  EXPECT_EQ(out[3], 0x1);  // HEADERS
  EXPECT_EQ(out[4], 0x5);  // END_STREAM | END_HEADERS: a GET has no body
  Bytes tail(out.end() - 13, out.end());
  EXPECT_EQ(tail, window_update(1, kAutoWindow));

  StreamOptions manual{true, 10};
  auto id2 = c.open_stream(get("/b"), manual);
  ASSERT_TRUE(id2.ok());
  EXPECT_EQ(*id2, 3);
  out.clear();
  c.take_output(out);
  EXPECT_EQ(Bytes(out.end() - 13, out.end()), window_update(3, 10));
}

TEST(H2Client, ResponseBecomesHeadDataEndAndClosed) {
  Pair p;
  auto id = p.client.open_stream(get("/hello"), {});
  ASSERT_TRUE(id.ok());
  p.pump();
  auto req = p.server.next_request();
  ASSERT_TRUE(req);
  EXPECT_EQ(req->method, "GET");
  EXPECT_EQ(req->path, "/hello");
  EXPECT_EQ(req->authority, "example.com");
  p.server.respond(*id, 200, {{"content-type", "text/plain"}}, bytes_of("hello"), true);
  p.pump();
  ASSERT_EQ(p.events.size(), 4u);
  EXPECT_EQ(std::get<HeadEvent>(p.events[0]), (HeadEvent{1, 200, {{"content-type", "text/plain"}}}));
  EXPECT_EQ(std::get<DataEvent>(p.events[1]), (DataEvent{1, bytes_of("hello")}));
  EXPECT_EQ(std::get<EndEvent>(p.events[2]), EndEvent{1});
  EXPECT_EQ(std::get<ClosedEvent>(p.events[3]), (ClosedEvent{1, kNoError}));
}

TEST(H2Client, HeadersAreLoweredAndConnectionSpecificOnesDropped) {
  Pair p;
  Request r = get("/");
  r.headers = {{"X-Token", "abc"}, {"Connection", "keep-alive"}, {"Host", "x"}, {"Transfer-Encoding", "chunked"}};
  ASSERT_TRUE(p.client.open_stream(r, {}).ok());
  p.pump();
  auto req = p.server.next_request();
  ASSERT_TRUE(req);
  EXPECT_EQ(req->headers, (std::vector<Header>{{"x-token", "abc"}}));
}

TEST(H2Client, RequestBodyGoesOutWithEndStream) {
  Pair p;
  Request r = get("/up");
  r.method = "POST";
  r.has_body = true;
  auto id = p.client.open_stream(r, {});
  ASSERT_TRUE(id.ok());
  p.pump();
  EXPECT_FALSE(p.server.next_request());  // no END_STREAM yet
  ASSERT_TRUE(p.client.send_body(*id, bytes_of("abc"), false).ok());
  ASSERT_TRUE(p.client.send_body(*id, bytes_of("def"), true).ok());
  p.pump();
  auto req = p.server.next_request();
  ASSERT_TRUE(req);
  EXPECT_EQ(std::string(req->body.begin(), req->body.end()), "abcdef");
  EXPECT_FALSE(p.client.send_body(*id, bytes_of("x"), true).ok());
}

TEST(H2Client, UploadWaitsForTheServersWindow) {
  H2ServerCoreOptions o;
  o.initial_window = 4;
  o.hold_uploads = true;
  Pair p(o);
  p.pump();  // the server's SETTINGS (window 4) are in before the body goes
  Request r = get("/up");
  r.method = "PUT";
  r.has_body = true;
  auto id = p.client.open_stream(r, {});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(p.client.send_body(*id, bytes_of("0123456789"), true).ok());
  p.pump();
  EXPECT_EQ(p.client.queued_body(*id), 6u);
  EXPECT_EQ(p.client.send_window(*id), 0);
}

TEST(H2Client, ManualWindowLetsOnlyTheGrantedBytesThrough) {
  Pair p;
  auto id = p.client.open_stream(get("/big"), StreamOptions{true, 10});
  ASSERT_TRUE(id.ok());
  p.pump();
  ASSERT_TRUE(p.server.next_request());
  Bytes body(100, 'x');
  p.server.respond(*id, 200, {}, body, true);
  p.pump();
  EXPECT_EQ(p.body_of(*id).size(), 10u);
  EXPECT_EQ(p.server.send_window(*id), 0);
  EXPECT_EQ(p.client.receive_window(*id), 0);  // all 10 granted bytes came

  ASSERT_TRUE(p.client.grant(*id, 5).ok());
  Bytes out;
  p.client.take_output(out);
  EXPECT_EQ(out, window_update(1, 5));
  EXPECT_TRUE(p.server.receive_data(out).ok());
  p.pump();
  EXPECT_EQ(p.body_of(*id).size(), 15u);

  ASSERT_TRUE(p.client.grant(*id, 85).ok());
  p.pump();
  EXPECT_EQ(p.body_of(*id), std::string(100, 'x'));
  EXPECT_EQ(p.all<EndEvent>().size(), 1u);
}

TEST(H2Client, GrantsBeforeTheHeadersGoOutAddUp) {
  Client c;
  Bytes preface;
  c.take_output(preface);
  auto id = c.open_stream(get("/"), StreamOptions{true, 0});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(c.grant(*id, 7).ok());
  ASSERT_TRUE(c.grant(*id, 5).ok());
  Bytes out;
  c.take_output(out);
  EXPECT_EQ(Bytes(out.end() - 13, out.end()), window_update(1, 12));
  // One WINDOW_UPDATE for the stream, not one per grant.
  EXPECT_FALSE(contains(out, window_update(1, 7)));
  EXPECT_FALSE(contains(out, window_update(1, 5)));
}

TEST(H2Client, DataBeyondTheWindowResetsTheStream) {
  Pair p;
  auto id = p.client.open_stream(get("/"), StreamOptions{true, 4});
  ASSERT_TRUE(id.ok());
  p.pump();
  ASSERT_TRUE(p.server.next_request());
  p.server.respond(*id, 200, {}, {}, false);
  p.pump();
  // 8 bytes of DATA on a stream granted 4: a hostile server.
  Bytes hostile = frame(8, 0x0, 0, 1, bytes_of("12345678"));
  ASSERT_TRUE(p.client.receive_data(hostile).ok());
  while (auto e = p.client.next_event()) p.events.push_back(std::move(*e));
  Bytes out;
  p.client.take_output(out);
  EXPECT_TRUE(contains(out, frame(4, 0x3, 0, 1, u32(3))));  // RST_STREAM FLOW_CONTROL_ERROR
  EXPECT_EQ(p.body_of(*id), "");
  auto closed = p.all<ClosedEvent>();
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0], (ClosedEvent{1, 3}));
}

TEST(H2Client, GoAwayRefusesTheStreamsAboveLastStreamId) {
  Pair p;
  auto a = p.client.open_stream(get("/a"), {});
  auto b = p.client.open_stream(get("/b"), {});
  ASSERT_TRUE(a.ok() && b.ok());
  p.pump();
  p.server.goaway(*a, kNoError);
  p.pump();
  auto goaways = p.all<GoAwayEvent>();
  ASSERT_EQ(goaways.size(), 1u);
  EXPECT_EQ(goaways[0], (GoAwayEvent{1, kNoError}));
  EXPECT_EQ(p.all<ClosedEvent>(), (std::vector<ClosedEvent>{{3, kRefusedStream}}));
  EXPECT_TRUE(p.client.goaway_received());
  EXPECT_FALSE(p.client.open_stream(get("/c"), {}).ok());
  // Stream 1 still completes.
  p.server.next_request();
  p.server.respond(*a, 204, {}, {}, true);
  p.pump();
  EXPECT_EQ(p.all<ClosedEvent>().back(), (ClosedEvent{1, kNoError}));
}

TEST(H2Client, RstStreamClosesJustThatStream) {
  Pair p;
  auto a = p.client.open_stream(get("/a"), {});
  auto b = p.client.open_stream(get("/b"), {});
  p.pump();
  p.server.reset(*a, 2);  // INTERNAL_ERROR
  p.pump();
  EXPECT_EQ(p.all<ClosedEvent>(), (std::vector<ClosedEvent>{{1, 2}}));
  p.server.next_request();
  p.server.next_request();
  p.server.respond(*b, 200, {}, bytes_of("ok"), true);
  p.pump();
  EXPECT_EQ(p.body_of(*b), "ok");
}

TEST(H2Client, PingIsAnsweredAndReported) {
  Pair p;
  p.pump();
  p.client.ping();
  p.pump();
  EXPECT_EQ(p.server.pings_received(), 1u);
  EXPECT_EQ(p.all<PingAckEvent>().size(), 1u);
}

TEST(H2Client, ManyStreamsBeyondTheServersConcurrencyLimitAllComplete) {
  H2ServerCoreOptions o;
  o.max_concurrent_streams = 10;
  Pair p(o);
  p.pump();  // the server's SETTINGS are in before we open
  std::vector<std::int32_t> ids;
  for (int i = 0; i < 100; ++i) {
    auto id = p.client.open_stream(get("/" + std::to_string(i)), {});
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  for (int round = 0; round < 200; ++round) {
    p.pump();
    bool any = false;
    while (auto r = p.server.next_request()) {
      p.server.respond(r->stream, 200, {}, bytes_of(r->path), true);
      any = true;
    }
    if (!any) break;
  }
  EXPECT_EQ(p.all<EndEvent>().size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(p.body_of(ids[static_cast<std::size_t>(i)]), "/" + std::to_string(i));
}

TEST(H2Client, GarbageFromTheServerIsAnErrorNamingTheBytes) {
  Pair p;
  p.pump();
  const std::uint64_t before = p.client.bytes_received();
  // A DATA frame on stream 0 is a connection error (RFC 9113 §6.1).
  Error e = p.client.receive_data(frame(3, 0x0, 0, 0, bytes_of("abc")));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.code(), ErrorCode::kParse);
  EXPECT_NE(e.message().find("bytes " + std::to_string(before) + ".." + std::to_string(before + 12)),
            std::string::npos)
      << e.message();
  EXPECT_TRUE(p.client.closed());
  Bytes out;
  p.client.take_output(out);
  ASSERT_GE(out.size(), 9u);
  EXPECT_EQ(out[3], 0x7);  // GOAWAY
  EXPECT_FALSE(p.client.receive_data(bytes_of("x")).ok());
}

}  // namespace
}  // namespace ss::proto::h2
