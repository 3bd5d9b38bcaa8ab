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
//
// Body bytes are not copied (a bulk download is one copy from the socket to
// the user's rx callback): a BodyEvent's `data` points into the bytes given
// to receive_data(), so it is valid while those bytes are, and until the
// next receive_data() call. A consumer that drains next_event() after each
// receive_data() (the client binding) needs nothing more. One that leaves
// events queued while its input buffer goes away (a server holding a
// pipelined request until it has answered the one before) calls
// own_queued_body() first: the queued pieces then point into the parser's
// own copy, valid until popped and the next receive_data() call.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include <http_parser.h>

#include "runtime/core/fifo.h"
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
  std::span<const std::uint8_t> data;  // borrowed; see the lifetime rule above
  bool operator==(const BodyEvent& other) const;  // same bytes
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

// For tests and fuzzers: events with NeedData dropped and each run of
// adjacent BodyEvents joined into one, so two event lists from differently
// split input compare equal. The joined bodies are stored here; the events
// point into them, hence move-only.
class MergedEvents {
 public:
  MergedEvents() = default;
  MergedEvents(MergedEvents&&) = default;
  MergedEvents& operator=(MergedEvents&&) = default;
  MergedEvents(const MergedEvents&) = delete;
  MergedEvents& operator=(const MergedEvents&) = delete;

  void add(const Event& e);

  std::size_t size() const { return events_.size(); }
  bool empty() const { return events_.empty(); }
  const Event& operator[](std::size_t i) const { return events_[i]; }
  const Event& front() const { return events_.front(); }
  const Event& back() const { return events_.back(); }
  auto begin() const { return events_.begin(); }
  auto end() const { return events_.end(); }
  bool operator==(const MergedEvents& other) const { return events_ == other.events_; }

 private:
  std::vector<Event> events_;
  std::deque<std::vector<std::uint8_t>> bodies_;  // moving a vector keeps its bytes where they are
};
MergedEvents merge_body_events(const std::vector<Event>& events);

class MessageParser {
 public:
  enum class Kind { kResponse, kRequest };
  explicit MessageParser(Kind kind);
  MessageParser(const MessageParser&) = delete;
  MessageParser& operator=(const MessageParser&) = delete;

  void receive_data(std::span<const std::uint8_t> bytes);
  Event next_event();
  // Copies the bytes of the BodyEvents still queued into the parser, so
  // they outlive the input they came from (see the lifetime rule above).
  void own_queued_body();

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
  Fifo<Event> events_;
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

  // own_queued_body()'s copies, one per BodyEvent; the oldest queued
  // BodyEvents point into them (newer ones borrow the input). Moving a
  // vector keeps its bytes where they are, so the Fifo may move them.
  Fifo<std::vector<std::uint8_t>> owned_bodies_;
  // Copies whose events were popped: kept until the next receive_data().
  std::vector<std::vector<std::uint8_t>> handed_out_;
};

}  // namespace ss::proto::h1
