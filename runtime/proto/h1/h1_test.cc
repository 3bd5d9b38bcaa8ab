#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/proto/h1/h1_client.h"

namespace ss::proto::h1 {
namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::vector<Event> drain(MessageParser& p) {
  std::vector<Event> out;
  for (;;) {
    Event e = p.next_event();
    if (std::holds_alternative<NeedData>(e)) return out;
    out.push_back(std::move(e));
  }
}

MergedEvents parse(std::string_view input, bool eof, bool byte_by_byte) {
  MessageParser p(MessageParser::Kind::kResponse);
  std::vector<Event> all;
  if (byte_by_byte) {
    for (std::size_t i = 0; i < input.size(); ++i) {
      p.receive_data(bytes(input.substr(i, 1)));
      auto ev = drain(p);
      all.insert(all.end(), ev.begin(), ev.end());
    }
  } else {
    p.receive_data(bytes(input));
  }
  if (eof) p.receive_data({});
  auto ev = drain(p);
  all.insert(all.end(), ev.begin(), ev.end());
  return merge_body_events(all);
}

std::string body_of(const MergedEvents& ev) {
  std::string out;
  for (const auto& e : ev)
    if (auto* b = std::get_if<BodyEvent>(&e)) out.append(b->data.begin(), b->data.end());
  return out;
}

TEST(H1Parser, ContentLengthResponse) {
  auto ev = parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello", false, false);
  ASSERT_EQ(ev.size(), 3u);
  auto& head = std::get<HeadEvent>(ev[0]).head;
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(find_header(head.headers, "x-a"), "b");
  EXPECT_TRUE(head.keep_alive);
  EXPECT_EQ(body_of(ev), "hello");
  EXPECT_TRUE(std::get<CompleteEvent>(ev[2]).keep_alive);
}

TEST(H1Parser, ChunkedResponse) {
  std::string in = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
  for (bool bb : {false, true}) {
    auto ev = parse(in, false, bb);
    ASSERT_EQ(ev.size(), 3u);
    EXPECT_EQ(body_of(ev), "abcde");
  }
}

TEST(H1Parser, ReadUntilClose) {
  auto ev = parse("HTTP/1.0 200 OK\r\n\r\nsome body", true, false);
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_FALSE(std::get<HeadEvent>(ev[0]).head.keep_alive);
  EXPECT_EQ(body_of(ev), "some body");
  EXPECT_TRUE(std::holds_alternative<CompleteEvent>(ev[2]));
  EXPECT_TRUE(std::holds_alternative<ClosedEvent>(ev[3]));
}

TEST(H1Parser, TruncatedBodyIsNamedError) {
  auto ev = parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true, false);
  auto* err = std::get_if<ErrorEvent>(&ev.back());
  ASSERT_NE(err, nullptr);
  EXPECT_NE(err->message.find("(truncated after 3 of 10 body bytes)"), std::string::npos) << err->message;
}

// How much came is in the message: of the announced length, of a chunked
// body, or nothing of the body at all (closed in the head).
TEST(H1Parser, TruncationSaysHowMuchCame) {
  struct {
    std::string in, says;
  } cases[] = {
      {"HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\n\r\nhello",
       "(truncated after 5 of 10000000000 body bytes)"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\nde",
       "(truncated after 5 body bytes)"},
      {"HTTP/1.1 200 OK\r\nContent-Le", "(truncated in the head)"},
  };
  for (const auto& c : cases) {
    for (bool bb : {false, true}) {
      auto ev = parse(c.in, true, bb);
      auto* err = std::get_if<ErrorEvent>(&ev.back());
      ASSERT_NE(err, nullptr) << c.in;
      EXPECT_NE(err->message.find(c.says), std::string::npos) << err->message;
    }
  }
}

TEST(H1Parser, GarbageHeaderHasOffset) {
  for (bool bb : {false, true}) {
    auto ev = parse("HTTP/1.1 200 OK\r\nBad Header\r\n\r\n", false, bb);
    auto* err = std::get_if<ErrorEvent>(&ev.back());
    ASSERT_NE(err, nullptr);
    EXPECT_EQ(err->code, ErrorCode::kParse);
    EXPECT_NE(err->message.find("byte offset"), std::string::npos);
  }
}

TEST(H1Parser, HeaderSizeLimit) {
  std::string in = "HTTP/1.1 200 OK\r\nX-Big: " + std::string(kMaxHeaderBytes, 'a') + "\r\n\r\n";
  auto whole = parse(in, false, false);
  auto split = parse(in, false, true);
  auto* err = std::get_if<ErrorEvent>(&whole.back());
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->code, ErrorCode::kLimit);
  EXPECT_EQ(whole, split);  // same offset however the input was split
}

TEST(H1Parser, HeaderCountLimit) {
  std::string in = "HTTP/1.1 200 OK\r\n";
  for (std::size_t i = 0; i <= kMaxHeaderCount; ++i) in += "H" + std::to_string(i) + ": v\r\n";
  in += "\r\n";
  auto ev = parse(in, false, false);
  auto* err = std::get_if<ErrorEvent>(&ev.back());
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->code, ErrorCode::kLimit);
  EXPECT_EQ(ev, parse(in, false, true));
}

TEST(H1Parser, InterimResponsesAreSkipped) {
  auto ev = parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", false, false);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(std::get<HeadEvent>(ev[0]).head.status, 204);
}

// Found by h1_stream_fuzz: a 1xx that announces a body must not leak that
// "body" as body events before the real response's head. A 1xx has none.
TEST(H1Parser, InterimResponseNeverHasABody) {
  const std::string in =
      "HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  auto ev = parse(in, false, false);
  ASSERT_EQ(ev.size(), 3u) << describe(ev.front());
  EXPECT_EQ(std::get<HeadEvent>(ev[0]).head.status, 200);
  const auto& body = std::get<BodyEvent>(ev[1]).data;
  EXPECT_EQ(std::string(body.begin(), body.end()), "ok");
  EXPECT_TRUE(std::holds_alternative<CompleteEvent>(ev[2]));
  EXPECT_EQ(ev, parse(in, false, true));
}

TEST(H1Parser, UpgradeKeepsRemainder) {
  MessageParser p(MessageParser::Kind::kResponse);
  p.receive_data(bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x02hi"));
  auto ev = drain(p);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_TRUE(std::get<HeadEvent>(ev[0]).head.upgrade);
  p.receive_data(bytes("x"));
  auto rest = p.take_upgrade_bytes();
  EXPECT_EQ(std::string(rest.begin(), rest.end()), "\x81\x02hix");
}

// A body piece is the input's own bytes, not a copy (the bulk download
// path copies once, socket to rx callback).
TEST(H1Parser, BodyBorrowsTheInput) {
  const std::string in = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  MessageParser p(MessageParser::Kind::kResponse);
  p.receive_data(bytes(in));
  auto ev = drain(p);
  ASSERT_EQ(ev.size(), 3u);
  const auto& body = std::get<BodyEvent>(ev[1]).data;
  ASSERT_EQ(body.size(), 5u);
  EXPECT_EQ(static_cast<const void*>(body.data()), static_cast<const void*>(in.data() + in.find("hello")));
}

// Events left queued (a server answering one pipelined request before it
// reads the next) keep their bytes after own_queued_body(), while the input
// they came from is overwritten; pieces owned by an earlier call are not
// copied again, and later input is borrowed again.
TEST(H1Parser, OwnQueuedBodyOutlivesTheInput) {
  MessageParser p(MessageParser::Kind::kRequest);
  std::string buf = "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
  p.receive_data(bytes(buf));
  p.own_queued_body();
  buf.assign(buf.size(), 'x');  // the read buffer is reused
  std::string buf2 = "POST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nde";
  p.receive_data(bytes(buf2));
  p.own_queued_body();
  buf2.assign(buf2.size(), 'y');
  std::string buf3 = "POST /c HTTP/1.1\r\nContent-Length: 1\r\n\r\nf";
  p.receive_data(bytes(buf3));  // drained below while buf3 lives: borrowed
  std::vector<std::string> bodies;
  std::vector<const void*> where;
  for (Event e = p.next_event(); !std::holds_alternative<NeedData>(e); e = p.next_event()) {
    if (auto* b = std::get_if<BodyEvent>(&e)) {
      bodies.emplace_back(b->data.begin(), b->data.end());
      where.push_back(b->data.data());
    }
  }
  EXPECT_EQ(bodies, (std::vector<std::string>{"abc", "de", "f"}));
  ASSERT_EQ(where.size(), 3u);
  EXPECT_EQ(where[2], static_cast<const void*>(buf3.data() + buf3.size() - 1));
}

TEST(H1Message, RedirectAndRetryAfter) {
  Head h;
  h.status = 302;
  h.headers = {{"Location", "http://x/y"}, {"Retry-After", " 120 "}};
  EXPECT_EQ(redirect_location(h), "http://x/y");
  EXPECT_EQ(retry_after_seconds(h), 120u);
  h.status = 200;
  EXPECT_EQ(redirect_location(h), std::nullopt);
  h.headers = {{"retry-after", "Fri, 31 Dec 1999 23:59:59 GMT"}};
  EXPECT_EQ(retry_after_seconds(h), std::nullopt);
  h.headers = {{"retry-after", "99999999999999999999"}};
  EXPECT_EQ(retry_after_seconds(h), 24u * 3600u);
}

TEST(H1Client, GetThenReuse) {
  Client c;
  Request r;
  r.target = "/a?b=c";
  r.host = "example.com:8080";
  r.headers = {{"X-Md", "v"}};
  auto head = c.send_request(r);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(*head, "GET /a?b=c HTTP/1.1\r\nHost: example.com:8080\r\nX-Md: v\r\n\r\n");
  EXPECT_FALSE(c.send_request(r).ok());  // exchange still open
  c.receive_data(bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  while (!std::holds_alternative<NeedData>(c.next_event())) {
  }
  EXPECT_TRUE(c.can_reuse());
  EXPECT_TRUE(c.send_request(r).ok());
}

TEST(H1Client, ConnectionCloseIsNotReusable) {
  Client c;
  Request r;
  r.host = "h";
  ASSERT_TRUE(c.send_request(r).ok());
  c.receive_data(bytes("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"));
  while (!std::holds_alternative<NeedData>(c.next_event())) {
  }
  EXPECT_TRUE(c.response_done());
  EXPECT_FALSE(c.can_reuse());
}

TEST(H1Client, ChunkedPostAndContentLengthChecks) {
  Client c;
  Request r;
  r.method = "POST";
  r.host = "h";
  r.framing = BodyFraming::kChunked;
  auto head = c.send_request(r);
  ASSERT_TRUE(head.ok());
  EXPECT_NE(head->find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_EQ(*c.send_body("hello"), "5\r\nhello\r\n");
  EXPECT_EQ(*c.end_body(), "0\r\n\r\n");

  Client d;
  r.framing = BodyFraming::kContentLength;
  r.content_length = 3;
  ASSERT_TRUE(d.send_request(r).ok());
  EXPECT_FALSE(d.send_body("toolong").ok());
  EXPECT_TRUE(d.send_body("ab").ok());
  EXPECT_FALSE(d.end_body().ok());
  EXPECT_TRUE(d.send_body("c").ok());
  EXPECT_TRUE(d.end_body().ok());
}

TEST(H1Client, HeadResponseHasNoBody) {
  Client c;
  Request r;
  r.method = "HEAD";
  r.host = "h";
  ASSERT_TRUE(c.send_request(r).ok());
  c.receive_data(bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"));
  EXPECT_TRUE(std::holds_alternative<HeadEvent>(c.next_event()));
  EXPECT_TRUE(std::holds_alternative<CompleteEvent>(c.next_event()));
}

TEST(H1Serialize, RejectsInjection) {
  Request r;
  r.host = "h";
  r.headers = {{"X", "a\r\nEvil: 1"}};
  auto out = serialize_request(r);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kInvalidArgument);
  r.headers = {{"Bad Name", "v"}};
  EXPECT_FALSE(serialize_request(r).ok());
  r.headers = {};
  r.target = "/a b";
  EXPECT_FALSE(serialize_request(r).ok());
  r.target = "/";
  r.method = "G T";
  EXPECT_FALSE(serialize_request(r).ok());
}

TEST(H1Serialize, MultipartAndForm) {
  Multipart m{"BOUND", "file", "a.txt", "text/plain"};
  EXPECT_EQ(m.content_type_header(), "multipart/form-data; boundary=BOUND");
  EXPECT_EQ(m.preamble(),
            "--BOUND\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n");
  EXPECT_EQ(m.epilogue(), "\r\n--BOUND--\r\n");
  EXPECT_EQ(form_urlencode("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
}

// Policy strings cannot break out of the part header.
TEST(H1Serialize, MultipartParametersAreEscaped) {
  Multipart m{"B", "a\"b", "x\r\nEvil: 1.txt", "text/plain\r\nX: y"};
  EXPECT_EQ(m.preamble(),
            "--B\r\nContent-Disposition: form-data; name=\"a%22b\"; filename=\"x%0D%0AEvil: 1.txt\"\r\n"
            "Content-Type: text/plainX: y\r\n\r\n");
}

}  // namespace
}  // namespace ss::proto::h1
