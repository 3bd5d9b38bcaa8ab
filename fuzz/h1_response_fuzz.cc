// Fuzz target: the h1 response parser (runtime/proto/h1), the first thing
// the client runs on bytes from an untrusted HTTP server.
//
// Input: byte 0 bit 0 = the request was HEAD (response has no body),
// bit 1 = feed EOF at the end; byte 1 = chunk size for a third feeding;
// the rest are the server's bytes.
// Invariants checked:
//  - no crash, no sanitizer report, no unbounded buffering (bodies are
//    handed out as they arrive; the head is capped by kMaxHeaderBytes);
//  - the events (bodies merged, see merge_body_events) are identical fed
//    whole, fed in chunks and fed one byte at a time, including the error
//    and its byte offset;
//  - nothing follows an ErrorEvent or a ClosedEvent; a HeadEvent has a
//    status in 100..999 and at most kMaxHeaderCount headers;
//  - Body and Complete events only inside a message (after its Head), so
//    an interim 1xx can never leak bytes (h1_stream_fuzz found one that did).
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "runtime/proto/h1/h1_parser.h"

namespace {

using namespace ss::proto::h1;

MergedEvents run(std::span<const std::uint8_t> in, bool head_req, bool eof, std::size_t chunk) {
  MessageParser p(MessageParser::Kind::kResponse);
  if (head_req) p.expect_no_body();
  std::vector<Event> all;
  auto drain = [&] {
    for (;;) {
      Event e = p.next_event();
      if (std::holds_alternative<NeedData>(e)) return;
      all.push_back(std::move(e));
    }
  };
  for (std::size_t i = 0; i < in.size(); i += chunk) {
    p.receive_data(in.subspan(i, std::min(chunk, in.size() - i)));
    drain();
  }
  if (eof) p.receive_data({});
  drain();
  return merge_body_events(all);
}

void check_shape(const MergedEvents& ev) {
  bool in_message = false;  // Body and Complete only between a Head and its Complete
  for (std::size_t i = 0; i < ev.size(); ++i) {
    if (std::holds_alternative<HeadEvent>(ev[i])) {
      if (in_message) std::abort();
      in_message = true;
    }
    if (std::holds_alternative<BodyEvent>(ev[i]) && !in_message) std::abort();
    if (std::holds_alternative<CompleteEvent>(ev[i])) {
      if (!in_message) std::abort();
      in_message = false;
    }
    if ((std::holds_alternative<ErrorEvent>(ev[i]) || std::holds_alternative<ClosedEvent>(ev[i])) &&
        i + 1 != ev.size())
      std::abort();
    if (auto* h = std::get_if<HeadEvent>(&ev[i])) {
      if (h->head.status < 100 || h->head.status > 999) std::abort();
      if (h->head.headers.size() > kMaxHeaderCount) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  bool head_req = data[0] & 1;
  bool eof = data[0] & 2;
  std::size_t chunk = 1 + data[1] % 64;
  std::span<const std::uint8_t> in(data + 2, size - 2);
  auto whole = run(in, head_req, eof, in.empty() ? 1 : in.size());
  check_shape(whole);
  if (run(in, head_req, eof, chunk) != whole) std::abort();
  if (run(in, head_req, eof, 1) != whole) std::abort();
  return 0;
}
