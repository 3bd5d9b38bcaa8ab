// Fuzz target: the multipart splitter (runtime/proto/http), which runs on
// a body from an untrusted HTTP server when http_multipart_ss_in is set.
//
// Input: byte 0 = boundary length L (1 + byte % 16, taken from the bytes
// that follow; a boundary that fails validation is replaced by "b");
// byte 1 = chunk size for a third feeding (1 + byte % 64); the rest is
// the body.
// Invariants checked:
//  - no crash, no sanitizer report, no unbounded buffering;
//  - the events (data merged, see merge_part_data) are identical fed whole,
//    fed in chunks and fed one byte at a time, including the error and its
//    byte offset;
//  - the event sequence has the shape (PartBegin PartData* PartEnd)* and
//    then exactly one terminal Done or ErrorEvent (receive_end() is called);
//    PartData is never empty, a PartBegin has at most kMaxPartHeaderFields
//    headers, an error offset is within the body.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/proto/http/multipart_splitter.h"

namespace {

using namespace ss::proto::http;

std::vector<MultipartEvent> run(const std::string& boundary, std::string_view in, std::size_t chunk) {
  MultipartSplitter s(boundary);
  std::vector<MultipartEvent> all;
  bool ended = false;
  auto drain = [&] {
    while (!ended) {
      MultipartEvent e = s.next_event();
      if (std::holds_alternative<NeedData>(e)) return;
      if (auto* d = std::get_if<PartData>(&e); d && d->data.empty()) std::abort();
      ended = std::holds_alternative<Done>(e) || std::holds_alternative<ErrorEvent>(e);
      all.push_back(std::move(e));
    }
  };
  for (std::size_t i = 0; i < in.size() && !ended; i += chunk) {
    s.receive_data(in.substr(i, chunk));
    drain();
  }
  s.receive_end();
  drain();
  // receive_end() always leads to a terminal event, and it is sticky.
  if (all.empty() || !(s.next_event() == all.back())) std::abort();
  return merge_part_data(all);
}

void check_shape(const std::vector<MultipartEvent>& ev, std::size_t body_size) {
  bool in_part = false;
  for (std::size_t i = 0; i < ev.size(); ++i) {
    const auto& e = ev[i];
    bool last = i + 1 == ev.size();
    if (std::holds_alternative<Done>(e)) {
      if (!last || in_part) std::abort();
    } else if (auto* err = std::get_if<ErrorEvent>(&e)) {
      if (!last || err->offset > body_size) std::abort();
    } else if (auto* b = std::get_if<PartBegin>(&e)) {
      if (in_part || last || b->headers.size() > kMaxPartHeaderFields) std::abort();
      in_part = true;
    } else if (std::holds_alternative<PartData>(e)) {
      if (!in_part || last) std::abort();
    } else if (std::holds_alternative<PartEnd>(e)) {
      if (!in_part || last) std::abort();
      in_part = false;
    } else {
      std::abort();  // NeedData is merged away
    }
  }
  if (ev.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  std::size_t blen = 1 + data[0] % 16;
  std::size_t chunk = 1 + data[1] % 64;
  std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  std::string boundary(rest.substr(0, blen));
  rest.remove_prefix(std::min(blen, rest.size()));
  auto r = MultipartSplitter::boundary_from_content_type("multipart/mixed; boundary=\"" + boundary + "\"");
  boundary = r.ok() ? *r : "b";
  auto whole = run(boundary, rest, rest.empty() ? 1 : rest.size());
  check_shape(whole, rest.size());
  if (run(boundary, rest, chunk) != whole) std::abort();
  if (run(boundary, rest, 1) != whole) std::abort();
  return 0;
}
