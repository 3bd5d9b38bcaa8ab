// Properties of the h1 core:
//  - a response fed in any split gives the same events as fed whole, and
//    the body comes out as it went in (Content-Length, chunked, until-close);
//  - a request written by serialize_request (+ body framing) parses back,
//    with libhttp-parser in request mode, to the same method, target,
//    headers and body.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "runtime/proto/h1/h1_client.h"

namespace ss::proto::h1 {
namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

MergedEvents feed(MessageParser& p, const std::string& in, const std::vector<std::size_t>& cuts, bool eof) {
  std::vector<Event> all;
  auto drain = [&] {
    for (Event e = p.next_event(); !std::holds_alternative<NeedData>(e); e = p.next_event()) all.push_back(e);
  };
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    std::size_t n = std::min(cut, in.size() - at);
    if (n == 0) continue;  // an empty span would mean EOF
    p.receive_data(bytes(std::string_view(in).substr(at, n)));
    at += n;
    drain();
  }
  if (at < in.size()) p.receive_data(bytes(std::string_view(in).substr(at)));
  drain();
  if (eof) p.receive_data({});
  drain();
  return merge_body_events(all);
}

rc::Gen<std::string> token() {
  return rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::elementOf(std::string("abcXYZ019-_.!~"))));
}
rc::Gen<std::string> value() {
  // Visible ASCII, no leading/trailing space (http_parser trims those).
  return rc::gen::map(rc::gen::container<std::string>(rc::gen::inRange<char>(0x21, 0x7f)),
                      [](std::string s) { return s; });
}
rc::Gen<Headers> headers() {
  return rc::gen::container<Headers>(rc::gen::construct<Header>(
      rc::gen::suchThat(token(), [](const std::string& n) {
        return !iequals(n, "content-length") && !iequals(n, "transfer-encoding") && !iequals(n, "connection") &&
               !iequals(n, "host") && !iequals(n, "upgrade");
      }),
      value()));
}

RC_GTEST_PROP(H1Props, SplitDoesNotChangeEvents, ()) {
  const int framing = *rc::gen::inRange(0, 3);  // 0 length, 1 chunked, 2 until close
  const auto hs = *rc::gen::resize(10, headers());
  const auto body = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
  // 204 and 304 never have a body (RFC 9110 §15.3.5, §15.4.5): not for this property.
  const int status = *rc::gen::suchThat(rc::gen::inRange(200, 600), [](int s) { return s != 204 && s != 304; });
  std::string in = "HTTP/1.1 " + std::to_string(status) + " X\r\n";
  for (const auto& h : hs) in += h.name + ": " + h.value + "\r\n";
  if (framing == 0) in += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  if (framing == 1) {
    in += "Transfer-Encoding: chunked\r\n\r\n";
    std::size_t at = 0;
    while (at < body.size()) {
      std::size_t n = std::min<std::size_t>(*rc::gen::inRange<std::size_t>(1, 40), body.size() - at);
      in += encode_chunk(std::string_view(body).substr(at, n));
      at += n;
    }
    in += kLastChunk;
  }
  if (framing == 2) in += "Connection: close\r\n\r\n" + body;
  const auto cuts = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 20));
  MessageParser whole_p(MessageParser::Kind::kResponse), split_p(MessageParser::Kind::kResponse);
  auto whole = feed(whole_p, in, {}, framing == 2);
  auto split = feed(split_p, in, cuts, framing == 2);
  RC_ASSERT(whole == split);
  RC_ASSERT(whole.size() >= 2u);
  const auto& head = std::get<HeadEvent>(whole[0]).head;
  RC_ASSERT(head.headers.size() >= hs.size());
  for (std::size_t i = 0; i < hs.size(); ++i) RC_ASSERT(head.headers[i] == hs[i]);
  std::string got;
  for (const auto& e : whole)
    if (auto* b = std::get_if<BodyEvent>(&e)) got.append(b->data.begin(), b->data.end());
  RC_ASSERT(got == body);
  RC_ASSERT(std::count_if(whole.begin(), whole.end(),
                          [](const Event& e) { return std::holds_alternative<CompleteEvent>(e); }) == 1);
}

RC_GTEST_PROP(H1Props, RequestRoundTrips, ()) {
  Request r;
  r.method = *rc::gen::element<std::string>("GET", "POST", "PUT", "PATCH", "DELETE");
  r.target = "/" + *rc::gen::container<std::string>(rc::gen::elementOf(std::string("abc/?=&%09")));
  r.host = *token();
  r.headers = *rc::gen::resize(10, headers());
  const auto body = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
  const bool chunked = *rc::gen::arbitrary<bool>();
  r.framing = chunked ? BodyFraming::kChunked : BodyFraming::kContentLength;
  r.content_length = body.size();
  Client c;
  auto head = c.send_request(r);
  RC_ASSERT(head.ok());
  std::string wire = *head;
  std::size_t at = 0;
  while (at < body.size()) {
    std::size_t n = std::min<std::size_t>(*rc::gen::inRange<std::size_t>(1, 30), body.size() - at);
    auto piece = c.send_body(std::string_view(body).substr(at, n));
    RC_ASSERT(piece.ok());
    wire += *piece;
    at += n;
  }
  if (!body.empty() || chunked) {
    auto end = c.end_body();
    RC_ASSERT(end.ok());
    wire += *end;
  }
  MessageParser p(MessageParser::Kind::kRequest);
  auto ev = feed(p, wire, {}, false);
  RC_ASSERT(ev.size() >= 2u);
  const auto& h = std::get<HeadEvent>(ev[0]).head;
  RC_ASSERT(h.method == r.method);
  RC_ASSERT(h.target == r.target);
  RC_ASSERT(find_header(h.headers, "host") == std::optional<std::string_view>(r.host));
  for (std::size_t i = 0; i < r.headers.size(); ++i) RC_ASSERT(h.headers[i + 1] == r.headers[i]);
  std::string got;
  for (const auto& e : ev)
    if (auto* b = std::get_if<BodyEvent>(&e)) got.append(b->data.begin(), b->data.end());
  RC_ASSERT(got == body);
  RC_ASSERT(std::holds_alternative<CompleteEvent>(ev.back()));
}

}  // namespace
}  // namespace ss::proto::h1
