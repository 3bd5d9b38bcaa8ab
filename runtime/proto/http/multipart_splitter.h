// MultipartSplitter: a sans-IO splitter for an incoming multipart body
// (RFC 2046 §5.1.1), for `http_multipart_ss_in` (docs/secure-streams.md
// §2.4: each part becomes one SOM..EOM message; the binding brackets the
// group with RELATED_START and a final RELATED_END).
//
// Use (h11 style, like h1::MessageParser):
//   MultipartSplitter s(boundary);   // boundary from boundary_from_content_type
//   s.receive_data(bytes);  s.receive_end();  // input; receive_end() = end of the body
//   s.next_event();                           // one Event, NeedData when it needs input
// Events: (PartBegin PartData* PartEnd)* Done, or an ErrorEvent at any point.
// Done and ErrorEvent are terminal and sticky: next_event() returns the same
// event again; input fed after them is ignored (after Done that is the
// epilogue). PartData is never empty; it is split wherever the input was
// split, so compare bodies by their concatenation (merge_part_data()).
// The events (data concatenated) do not depend on how the input was split.
//
// Grammar accepted:
//  - the preamble (anything before the first "--boundary" that starts the
//    body or follows a CRLF) is skipped;
//  - a delimiter is CRLF "--" boundary; the CRLF before it belongs to the
//    delimiter, not to the part's data;
//  - after a delimiter: transport padding (spaces/tabs, any amount, not
//    buffered) then CRLF starts the next part; "--" closes the body (Done);
//    anything else is an error (a boundary must not occur in a part);
//  - part headers: "name: value" lines ending in CRLF, then an empty line.
//    Names are tokens; values are trimmed; obsolete line folding, CTLs in a
//    value and a missing colon are errors;
//  - "--boundary--" as the first delimiter gives Done with no part;
//  - the epilogue after the close delimiter is ignored.
//
// Limits and memory: part headers at most kMaxPartHeaderBytes (8 KiB, all
// lines with CRLFs) and kMaxPartHeaderFields (32) per part, else a named
// kLimit error. Input fed but not yet pulled with next_event() is buffered; once
// next_event() says NeedData the splitter holds at most a tail that could be the
// start of a delimiter (< boundary + 4 bytes) or one unfinished header line
// (< 8 KiB): data is handed out as it arrives, preamble, padding and
// epilogue are dropped as they come. Every error names the absolute byte
// offset in the body.
//
// For the binding: PartBegin..PartEnd is one SOM..EOM message (a part with
// an empty body has no PartData: an empty SOM|EOM message); Done ends the
// group (RELATED_END); an ErrorEvent is a bad response body.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/proto/http/http_message.h"

namespace ss::proto::http {

using Headers = ss::proto::h1::Headers;

inline constexpr std::size_t kMaxBoundaryLength = 70;  // RFC 2046 §5.1.1
inline constexpr std::size_t kMaxPartHeaderBytes = 8 * 1024;
inline constexpr std::size_t kMaxPartHeaderFields = 32;

struct PartBegin {
  Headers headers;
  bool operator==(const PartBegin&) const = default;
};
struct PartData {
  std::vector<std::uint8_t> data;  // never empty
  bool operator==(const PartData&) const = default;
};
struct PartEnd {
  bool operator==(const PartEnd&) const = default;
};
struct Done {
  bool operator==(const Done&) const = default;
};
struct NeedData {
  bool operator==(const NeedData&) const = default;
};
struct ErrorEvent {
  ErrorCode code = ErrorCode::kParse;  // kParse or kLimit
  std::string message;                 // says what and where ("at offset N")
  std::uint64_t offset = 0;            // byte offset in the whole body
  bool operator==(const ErrorEvent&) const = default;
};
using MultipartEvent = std::variant<PartBegin, PartData, PartEnd, Done, NeedData, ErrorEvent>;

// "part-begin 2 headers", "data 12", "part-end", "done", "need-data",
// "error: ..." (for test output and traces).
std::string describe(const MultipartEvent& event);

// One part of a whole multipart body, as split_multipart() returns it.
struct WholePart {
  Headers headers;
  std::string data;
  bool operator==(const WholePart&) const = default;
};

// Splits a complete multipart body whose Content-Type is `content_type`
// (the boundary comes from it) into its parts, in order. Errors as
// boundary_from_content_type() and the splitter name them (with the byte
// offset). For a whole body in memory: tests and simulated servers.
Result<std::vector<WholePart>> split_multipart(std::string_view content_type, std::string_view body);

// Joins adjacent PartData events and drops NeedData, so two event lists
// from differently split input compare equal.
std::vector<MultipartEvent> merge_part_data(const std::vector<MultipartEvent>& events);

class MultipartSplitter {
 public:
  // The boundary parameter of a Content-Type "multipart/<anything>" value
  // (token or quoted-string; 1..70 chars of RFC 2046 bchars, not ending in a
  // space). Errors (kParse / kLimit) name the problem: not multipart, no
  // boundary parameter, bad quoting, bad length, a disallowed character.
  static Result<std::string> boundary_from_content_type(std::string_view content_type);

  // `boundary` without the leading "--". An invalid one (empty, > 70 chars)
  // makes the first next_event() an ErrorEvent.
  explicit MultipartSplitter(std::string boundary);

  void receive_data(std::span<const std::uint8_t> bytes);
  void receive_data(std::string_view bytes);
  void receive_end();  // no more input: a body without its close delimiter fails
  MultipartEvent next_event();

  bool done() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kError; }

 private:
  enum class State { kPreamble, kAfterDelimiter, kHeaders, kData, kDone, kError };

  MultipartEvent fail(ErrorCode code, std::string what, std::uint64_t at);
  std::uint64_t offset_of(std::size_t buffer_index) const;
  std::string_view avail() const;
  void consume(std::size_t n);
  // Index in avail() of a full delimiter, or npos; `keep` gets the index of
  // a tail that may be a delimiter's start (avail().size() if none).
  std::size_t find_delimiter(std::size_t& keep) const;
  // Each returns an event for next_event() to hand out, or nullopt when it made
  // progress without one (next_event() then goes on).
  std::optional<MultipartEvent> after_delimiter();
  std::optional<MultipartEvent> header_line();

  std::string delimiter_;  // "\r\n--" + boundary
  State state_ = State::kPreamble;
  bool finished_ = false;
  bool in_part_ = false;      // a PartBegin was emitted and no PartEnd yet
  bool padding_seen_ = false;  // transport padding seen after this delimiter
  std::string buf_;           // unconsumed input from pos_
  std::size_t pos_ = 0;
  std::uint64_t consumed_ = 0;  // bytes of buf_ consumed before pos_ (incl. the virtual CRLF)
  std::uint64_t headers_start_ = 0;
  std::size_t header_bytes_ = 0;
  Headers headers_;
  ErrorEvent error_;
};

}  // namespace ss::proto::http
