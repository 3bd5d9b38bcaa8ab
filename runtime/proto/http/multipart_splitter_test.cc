#include "runtime/proto/http/multipart_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ss::proto::http {
namespace {

using Events = std::vector<MultipartEvent>;

// Feeds `body` in pieces of `chunk` bytes (0: whole), then receive_end();
// collects events up to a terminal one, data merged.
Events run(std::string_view boundary, std::string_view body, std::size_t chunk = 0, bool finish = true) {
  MultipartSplitter s{std::string(boundary)};
  Events all;
  auto drain = [&] {
    for (;;) {
      MultipartEvent e = s.next_event();
      if (std::holds_alternative<NeedData>(e)) return false;
      all.push_back(e);
      if (std::holds_alternative<Done>(e) || std::holds_alternative<ErrorEvent>(e)) return true;
    }
  };
  if (chunk == 0) chunk = body.empty() ? 1 : body.size();
  for (std::size_t i = 0; i < body.size(); i += chunk) {
    s.receive_data(body.substr(i, chunk));
    if (drain()) return merge_part_data(all);
  }
  if (finish) s.receive_end();
  drain();
  return merge_part_data(all);
}

std::string text(const Events& ev) {
  std::string out;
  for (const auto& e : ev) {
    if (!out.empty()) out += " | ";
    if (auto* d = std::get_if<PartData>(&e)) {
      out += "data '" + std::string(d->data.begin(), d->data.end()) + "'";
    } else if (auto* b = std::get_if<PartBegin>(&e)) {
      out += "begin";
      for (const auto& h : b->headers) out += " [" + h.name + ": " + h.value + "]";
    } else {
      out += describe(e);
    }
  }
  return out;
}

// The same, for every chunking 1..8 and whole; all must agree.
std::string run_all(std::string_view boundary, std::string_view body) {
  std::string whole = text(run(boundary, body));
  for (std::size_t c = 1; c <= 8; ++c) EXPECT_EQ(text(run(boundary, body, c)), whole) << "chunk " << c;
  return whole;
}

TEST(MultipartBoundary, FromContentType) {
  using M = MultipartSplitter;
  EXPECT_EQ(*M::boundary_from_content_type("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*M::boundary_from_content_type("Multipart/Related;type=x;BOUNDARY=\"a b:c\""), "a b:c");
  EXPECT_EQ(*M::boundary_from_content_type("multipart/mixed ; charset=utf-8 ; boundary=x ;"), "x");
  // RFC 9110 §5.6.6: no whitespace around '='.
  EXPECT_EQ(M::boundary_from_content_type("multipart/mixed ; charset=utf-8 ; boundary = x").error().message(),
            "Content-Type: expected '=' after parameter name at offset 42");
}

TEST(MultipartBoundary, Errors) {
  using M = MultipartSplitter;
  auto err = [](std::string_view ct) {
    auto r = M::boundary_from_content_type(ct);
    return r.ok() ? std::string("ok: ") + *r : r.error().message();
  };
  EXPECT_EQ(err("text/plain; boundary=abc"), "Content-Type: expected multipart/*, got 'text/plain' at offset 0");
  EXPECT_EQ(err("multipart/form-data"), "Content-Type: no boundary parameter");
  EXPECT_EQ(err("multipart/form-data; charset=utf-8"), "Content-Type: no boundary parameter");
  EXPECT_EQ(err("multipart"), "Content-Type: expected type/subtype at offset 9");
  EXPECT_EQ(err("multipart/x; boundary=\"abc"), "Content-Type: unterminated quoted string at offset 22");
  EXPECT_EQ(err("multipart/x; boundary="), "Content-Type: expected a parameter value at offset 22");
  EXPECT_EQ(err("multipart/x; boundary=\"\""), "multipart boundary: empty (expected 1..70 chars)");
  EXPECT_EQ(err("multipart/x; boundary=" + std::string(71, 'a')), "multipart boundary: 71 chars, at most 70");
  EXPECT_EQ(err("multipart/x; boundary=" + std::string(70, 'a')), "ok: " + std::string(70, 'a'));
  EXPECT_EQ(err("multipart/x; boundary=\"a@b\""), "multipart boundary: character '@' at index 1 is not allowed");
  EXPECT_EQ(err("multipart/x; boundary=\"ab \""), "multipart boundary: must not end with a space");
  EXPECT_EQ(err("multipart/x; boundary=a; boundary=b"), "Content-Type: second boundary parameter at offset 25");
  EXPECT_EQ(err("multipart/x boundary=a"), "Content-Type: expected ';' before a parameter at offset 12");
  EXPECT_EQ(M::boundary_from_content_type("text/plain").error().code(), ErrorCode::kParse);
}

TEST(MultipartSplitter, TwoPartsWithPreambleAndEpilogue) {
  std::string body =
      "This is the preamble.\r\n"
      "--XyZ\r\n"
      "Content-Type: text/plain\r\n"
      "Content-Disposition: form-data; name=\"a\"\r\n"
      "\r\n"
      "hello\r\n"
      "--XyZ  \t\r\n"
      "\r\n"
      "line1\r\nline2\r\n"
      "--XyZ--\r\n"
      "epilogue --XyZ garbage";
  EXPECT_EQ(run_all("XyZ", body),
            "begin [Content-Type: text/plain] [Content-Disposition: form-data; name=\"a\"] | data 'hello' | "
            "part-end | begin | data 'line1\r\nline2' | part-end | done");
}

TEST(MultipartSplitter, DelimiterAtStartAndEmptyParts) {
  EXPECT_EQ(run_all("b", "--b\r\n\r\n\r\n--b\r\nX: 1\r\n\r\n\r\n--b--"),
            "begin | part-end | begin [X: 1] | part-end | done");
  EXPECT_EQ(run_all("b", "--b--"), "done");
}

TEST(MultipartSplitter, NearBoundaryDataStaysData) {
  // "--b" not after CRLF, "\r\n--" with another boundary, "\r\n-", a lone CR.
  std::string body = "--bnd\r\n\r\nx--bnd\r\n--bn\r\n-\r\r\n\r--bnd\r\n--bnd--";  // CR alone: no
  EXPECT_EQ(run_all("bnd", body), "begin | data 'x--bnd\r\n--bn\r\n-\r\r\n\r--bnd' | part-end | done");
}

TEST(MultipartSplitter, OurOwnClientFraming) {
  // What h1::Multipart writes for a single part.
  std::string body = "--B0\r\nContent-Disposition: form-data; name=\"n\"\r\nContent-Type: a/b\r\n\r\n"
                     "payload\r\n--B0--\r\n";
  EXPECT_EQ(run_all("B0", body),
            "begin [Content-Disposition: form-data; name=\"n\"] [Content-Type: a/b] | data 'payload' | part-end | "
            "done");
}

TEST(MultipartSplitter, MissingCloseDelimiter) {
  EXPECT_EQ(run_all("b", "--b\r\n\r\nabc"),
            "begin | data 'abc' | error: multipart: body ended inside a part (no close delimiter) at offset 10");
  EXPECT_EQ(run_all("b", "--b\r\n\r\nabc\r\n--b"),
            "begin | data 'abc' | error: multipart: body ended after a boundary delimiter at offset 15");
  EXPECT_EQ(run_all("b", "--b\r\nX: 1\r\n"),
            "error: multipart: body ended inside part headers at offset 11");
  EXPECT_EQ(run_all("b", "no delimiter here"), "error: multipart: no boundary delimiter in the body at offset 17");
  EXPECT_EQ(run_all("b", ""), "error: multipart: no boundary delimiter in the body at offset 0");
}

TEST(MultipartSplitter, BadDelimiterLines) {
  EXPECT_EQ(run_all("b", "--bx\r\n\r\n--b--"),
            "error: multipart: expected CRLF or \"--\" after the boundary at offset 3");
  EXPECT_EQ(run_all("b", "--b\r\n\r\nd\r\n--b-x"),
            "begin | data 'd' | error: multipart: expected CRLF or \"--\" after the boundary at offset 13");
  EXPECT_EQ(run_all("b", "--b \r x"), "error: multipart: expected CRLF or \"--\" after the boundary at offset 5");
  EXPECT_EQ(run_all("b", "--b --"), "error: multipart: expected CRLF or \"--\" after the boundary at offset 4");
}

TEST(MultipartSplitter, HeaderErrors) {
  EXPECT_EQ(run_all("b", "--b\r\n folded: x\r\n\r\n--b--"),
            "error: multipart: obsolete line folding in part headers at offset 5");
  EXPECT_EQ(run_all("b", "--b\r\nnocolon\r\n\r\n--b--"),
            "error: multipart: part header line without ':' at offset 5");
  EXPECT_EQ(run_all("b", "--b\r\nba d: x\r\n\r\n--b--"),
            "error: multipart: part header name is not a token at offset 7");
  EXPECT_EQ(run_all("b", "--b\r\n: x\r\n\r\n--b--"), "error: multipart: empty part header name at offset 5");
  EXPECT_EQ(run_all("b", std::string("--b\r\nA: x\0y\r\n\r\n--b--", 21)),
            "error: multipart: control character in part header value at offset 9");
}

TEST(MultipartSplitter, HeaderLimits) {
  std::string many = "--b\r\n";
  for (std::size_t i = 0; i < kMaxPartHeaderFields; ++i) many += "H: v\r\n";
  EXPECT_EQ(run_all("b", many + "\r\n\r\n--b--"), "begin" + [] {
    std::string s;
    for (std::size_t i = 0; i < kMaxPartHeaderFields; ++i) s += " [H: v]";
    return s;
  }() + " | part-end | done");
  EXPECT_EQ(run_all("b", many + "H: v\r\n\r\n\r\n--b--"),
            "error: multipart: more than 32 part header fields at offset " + std::to_string(many.size()));
  // 8 KiB exactly (line + final CRLF) is fine; one more byte is not.
  std::string line = "A: " + std::string(kMaxPartHeaderBytes - 3 - 4, 'v') + "\r\n";
  EXPECT_EQ(run(("b"), "--b\r\n" + line + "\r\n\r\n--b--").size(), 3u);
  std::string longer = "A: " + std::string(kMaxPartHeaderBytes - 3 - 3, 'v') + "\r\n";
  EXPECT_EQ(run_all("b", "--b\r\n" + longer + "\r\n\r\n--b--"),
            "error: multipart: part headers over 8192 bytes at offset 5");
  // Without any CRLF, the error comes as soon as the budget is passed.
  EXPECT_EQ(text(run("b", "--b\r\n" + std::string(kMaxPartHeaderBytes + 1, 'x'), 0, false)),
            "error: multipart: part headers over 8192 bytes at offset 5");
}

TEST(MultipartSplitter, DataIsStreamedAndHoldbackIsBounded) {
  MultipartSplitter s("boundary");
  s.receive_data(std::string_view("--boundary\r\n\r\n"));
  EXPECT_TRUE(std::holds_alternative<PartBegin>(s.next_event()));
  s.receive_data(std::string_view("abc\r\n--bou"));
  auto e = s.next_event();
  ASSERT_TRUE(std::holds_alternative<PartData>(e));
  EXPECT_EQ(std::get<PartData>(e).data, (std::vector<std::uint8_t>{'a', 'b', 'c'}));
  EXPECT_TRUE(std::holds_alternative<NeedData>(s.next_event()));
  s.receive_data(std::string_view("x"));  // not a delimiter after all
  e = s.next_event();
  ASSERT_TRUE(std::holds_alternative<PartData>(e));
  EXPECT_EQ(std::get<PartData>(e).data.size(), 8u);
}

TEST(MultipartSplitter, TerminalEventsAreSticky) {
  MultipartSplitter s("b");
  s.receive_data(std::string_view("--b--\r\nepilogue"));
  EXPECT_TRUE(std::holds_alternative<Done>(s.next_event()));
  s.receive_data(std::string_view("more"));
  s.receive_end();
  EXPECT_TRUE(std::holds_alternative<Done>(s.next_event()));
  EXPECT_TRUE(s.done());

  MultipartSplitter bad("");
  auto e = bad.next_event();
  ASSERT_TRUE(std::holds_alternative<ErrorEvent>(e));
  EXPECT_EQ(std::get<ErrorEvent>(e).message, "multipart boundary: empty (expected 1..70 chars)");
  EXPECT_EQ(bad.next_event(), e);
  EXPECT_TRUE(bad.failed());
}

TEST(SplitMultipart, WholeBodyIntoPartsOrANamedError) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\none\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\n\r\n--b--\r\n";
  auto parts = split_multipart("multipart/form-data; boundary=b", body);
  ASSERT_TRUE(parts.ok()) << parts.error().message();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ(h1::find_header((*parts)[0].headers, "content-disposition"), "form-data; name=\"x\"");
  EXPECT_EQ((*parts)[0].data, "one");
  EXPECT_EQ(h1::find_header((*parts)[1].headers, "content-type"), "text/plain");
  EXPECT_EQ((*parts)[1].data, "");
  auto cut = split_multipart("multipart/form-data; boundary=b", body.substr(0, body.size() - 8));
  ASSERT_FALSE(cut.ok());
  EXPECT_FALSE(split_multipart("text/plain", body).ok());
}

}  // namespace
}  // namespace ss::proto::http
