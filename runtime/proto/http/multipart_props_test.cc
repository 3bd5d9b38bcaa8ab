// Properties of MultipartSplitter over generated input:
//  - split invariance: any body (well-formed or not, built from fragments
//    near the delimiter grammar plus arbitrary bytes) gives the same events
//    (data merged, error message and offset included) fed whole, fed in
//    generated pieces and fed one byte at a time;
//  - round trip: generated parts (headers; bodies that hold "--", CRLF,
//    the boundary without its CRLF, CRLF + a boundary prefix, ...) framed
//    with a preamble, transport padding and an epilogue split back into
//    exactly those parts, however the body is split.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "runtime/proto/http/multipart_splitter.h"

namespace ss::proto::http {
namespace {

using Events = std::vector<MultipartEvent>;

// Feeds `body` in pieces whose sizes cycle through `sizes` (empty: whole),
// then receive_end(); returns the merged events up to the terminal one.
Events run(const std::string& boundary, const std::string& body, const std::vector<std::size_t>& sizes) {
  MultipartSplitter s(boundary);
  Events all;
  bool ended = false;
  auto drain = [&] {
    while (!ended) {
      MultipartEvent e = s.next_event();
      if (std::holds_alternative<NeedData>(e)) return;
      ended = std::holds_alternative<Done>(e) || std::holds_alternative<ErrorEvent>(e);
      all.push_back(std::move(e));
    }
  };
  std::size_t i = 0, k = 0;
  while (i < body.size() && !ended) {
    std::size_t n = sizes.empty() ? body.size() : sizes[k++ % sizes.size()];
    n = std::min(n, body.size() - i);
    s.receive_data(std::string_view(body).substr(i, n));
    i += n;
    drain();
  }
  s.receive_end();
  drain();
  return merge_part_data(all);
}

rc::Gen<std::string> boundary_gen() {
  static const std::string kChars = "abcXYZ019'()+_,-./:=?";
  return rc::gen::mapcat(rc::gen::inRange<std::size_t>(1, 12), [](std::size_t n) {
    return rc::gen::container<std::string>(n, rc::gen::elementOf(kChars));
  });
}

// Text made of pieces that look like parts of the grammar, and random bytes.
rc::Gen<std::string> tricky_text(const std::string& b) {
  auto piece = rc::gen::oneOf(
      rc::gen::element<std::string>("\r\n", "--", "-", "\r", "\n", " ", "\t", "--" + b, "\r\n--" + b,
                                    "\r\n--" + b + "--", "\r\n--" + b.substr(0, b.size() / 2), "\r\n\r\n",
                                    "H: v\r\n", b, "\r--" + b, "\n--" + b),
      rc::gen::container<std::string>(rc::gen::inRange<char>(-128, 127)));
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(piece), [](std::vector<std::string> v) {
    std::string out;
    for (auto& s : v) out += s;
    return out;
  });
}

rc::Gen<std::vector<std::size_t>> sizes_gen() {
  return rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(1, 20));
}

// Removes every occurrence of `delim` by overwriting its last byte with
// '#', which is not in any delimiter (so no new occurrence appears).
std::string without(std::string s, const std::string& delim) {
  for (std::size_t at; (at = s.find(delim)) != std::string::npos;) s[at + delim.size() - 1] = '#';
  return s;
}

struct Part {
  Headers headers;
  std::string body;
};

rc::Gen<Headers> headers_gen() {
  auto name = rc::gen::element<std::string>("Content-Type", "Content-Disposition", "X-a", "h", "Content-ID");
  auto value_char = rc::gen::oneOf(rc::gen::inRange<char>(0x21, 0x7f), rc::gen::element(' ', '\t'));
  auto value = rc::gen::map(rc::gen::container<std::string>(value_char), [](std::string v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(0, 1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
    return v;
  });
  return rc::gen::resize(
      8, rc::gen::container<Headers>(rc::gen::map(rc::gen::pair(name, value), [](std::pair<std::string, std::string> p) {
           return ss::proto::h1::Header{p.first, p.second};
         })));
}

RC_GTEST_PROP(MultipartProps, SameEventsHoweverTheInputIsSplit, ()) {
  const std::string b = *boundary_gen();
  const std::string body = *rc::gen::resize(60, tricky_text(b));
  const auto sizes = *sizes_gen();
  const Events whole = run(b, body, {});
  RC_ASSERT(run(b, body, sizes) == whole);
  RC_ASSERT(run(b, body, {1}) == whole);
  // Always ends with exactly one terminal event.
  RC_ASSERT(!whole.empty());
  RC_ASSERT(std::holds_alternative<Done>(whole.back()) || std::holds_alternative<ErrorEvent>(whole.back()));
}

RC_GTEST_PROP(MultipartProps, GeneratedPartsRoundTrip, ()) {
  const std::string b = *boundary_gen();
  const std::string delim = "\r\n--" + b;
  const auto n = *rc::gen::inRange<std::size_t>(0, 5);
  std::vector<Part> parts;
  for (std::size_t i = 0; i < n; ++i)
    parts.push_back({*headers_gen(), without(*rc::gen::resize(30, tricky_text(b)), delim)});
  auto padding = [&] { return *rc::gen::container<std::string>(rc::gen::element(' ', '\t')); };

  std::string body;
  if (*rc::gen::arbitrary<bool>()) {
    // The preamble must not hold a delimiter, counting the CRLF that may
    // start the body.
    std::string pre = without("\r\n" + without(*rc::gen::resize(20, tricky_text(b)), delim), delim).substr(2);
    body = pre + "\r\n";
  }
  body += "--" + b;
  for (const Part& p : parts) {
    body += padding() + "\r\n";
    for (const auto& h : p.headers) body += h.name + ":" + (h.value.empty() ? "" : " ") + h.value + "\r\n";
    body += "\r\n" + p.body + "\r\n--" + b;
  }
  body += "--" + padding();
  if (*rc::gen::arbitrary<bool>()) body += "\r\n" + *rc::gen::resize(20, tricky_text(b));

  Events expected;
  for (const Part& p : parts) {
    // emplace_back, not push_back of a temporary: gcc 12 -O2 warns falsely
    // (maybe-uninitialized) on moving a temporary std::variant into the vector.
    expected.emplace_back(std::in_place_type<PartBegin>, PartBegin{p.headers});
    if (!p.body.empty())
      expected.emplace_back(std::in_place_type<PartData>, PartData{std::vector<std::uint8_t>(p.body.begin(), p.body.end())});
    expected.emplace_back(std::in_place_type<PartEnd>);
  }
  expected.emplace_back(std::in_place_type<Done>);

  RC_ASSERT(run(b, body, {}) == expected);
  RC_ASSERT(run(b, body, *sizes_gen()) == expected);
  RC_ASSERT(run(b, body, {1}) == expected);
}

}  // namespace
}  // namespace ss::proto::http
