// MessageParser: sans-IO HTTP/1.x message parser (responses for the client
// core, requests for the simulated server), built on libhttp-parser.
//
// Why libhttp-parser (Debian libhttp-parser-dev): it is the parser Node.js
// shipped for a decade, small, callback-driven and incremental (any split of
// the input gives the same result), and fuzzed by OSS-Fuzz and its many
// users. We add what it lacks: explicit header size/count limits without its
// process-global setting, named errors with byte offsets, an event queue in
// the h11 style, and 1xx/HEAD handling.
//
// Use (h11 style: bytes in, events out, never a socket or a clock):
//   receive_data(bytes)  feed input; an empty span means EOF;
//   next_event()         returns the next Event, or NeedData when the
//                        parser has nothing more to say until more input.
// Events of one message come in order: Head, Body* (never empty), Complete.
// An error moves the parser to a terminal state: the Error event is the
// last event and later input is ignored. After a clean EOF between
// messages the last event is Closed.
//
// Body chunks are split wherever the input was split; compare bodies by
// their concatenation (merge_body_events() does that for tests and fuzzers).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include <http_parser.h>

#include "runtime/core/result.h"
#include "runtime/proto/http/http_message.h"

namespace ss::proto::h1 {

struct NeedData {
  bool operator==(const NeedData&) const = default;
};
struct HeadEvent {
  Head head;
  bool operator==(const HeadEvent&) const = default;
};
struct BodyEvent {
  std::vector<std::uint8_t> data;
  bool operator==(const BodyEvent&) const = default;
};
struct CompleteEvent {
  bool keep_alive = false;  // another message may follow on this connection
  bool operator==(const CompleteEvent&) const = default;
};
struct ClosedEvent {  // clean EOF between messages
  bool operator==(const ClosedEvent&) const = default;
};
struct ErrorEvent {
  ErrorCode code = ErrorCode::kParse;
  std::string message;   // names the problem and the byte offset
  std::uint64_t offset = 0;  // byte offset in the whole input stream
  bool operator==(const ErrorEvent&) const = default;
};
using Event = std::variant<NeedData, HeadEvent, BodyEvent, CompleteEvent, ClosedEvent, ErrorEvent>;

// A short name for traces and test output ("head 200", "body 12", ...).
std::string describe(const Event& event);

// Joins adjacent BodyEvents and drops NeedData, so two event lists from
// differently split input compare equal.
std::vector<Event> merge_body_events(const std::vector<Event>& events);

class MessageParser {
 public:
  enum class Kind { kResponse, kRequest };
  explicit MessageParser(Kind kind);
  MessageParser(const MessageParser&) = delete;
  MessageParser& operator=(const MessageParser&) = delete;

  void receive_data(std::span<const std::uint8_t> bytes);
  Event next_event();

  // The response to the request in flight has no body (HEAD).
  void expect_no_body() { no_body_next_ = true; }

  // After a HeadEvent with upgrade: the bytes that followed the head
  // (and any input fed since), for the next protocol (ws).
  std::vector<std::uint8_t> take_upgrade_bytes();
  bool upgraded() const { return state_ == State::kUpgraded; }
  bool failed() const { return state_ == State::kError; }
  bool ended() const { return state_ == State::kClosed || state_ == State::kError; }
  // True between messages (no message started or the last one complete).
  bool idle() const { return !in_message_; }
  std::uint64_t offset() const { return offset_; }

 private:
  enum class State { kParsing, kUpgraded, kClosed, kError };
  friend struct ParserCallbacks;

  void fail(ErrorCode code, std::string what, std::uint64_t at);
  std::string truncated() const;
  int add_header_bytes(const char* at, std::size_t n);

  Kind kind_;
  http_parser parser_{};
  State state_ = State::kParsing;
  std::deque<Event> events_;
  std::uint64_t offset_ = 0;  // bytes consumed before the current execute()
  const char* chunk_start_ = nullptr;

  // Per message.
  bool in_message_ = false;
  bool no_body_next_ = false;
  bool informational_ = false;
  Head head_;
  std::size_t header_bytes_ = 0;
  bool last_was_value_ = false;
  std::string limit_error_;
  std::string cb_error_;  // a check of ours failed in a callback
  bool body_started_ = false;        // the head is complete
  std::uint64_t body_bytes_ = 0;     // body bytes so far
  std::optional<std::uint64_t> declared_length_;  // Content-Length, if the head had one

  std::vector<std::uint8_t> upgrade_bytes_;
};

}  // namespace ss::proto::h1
