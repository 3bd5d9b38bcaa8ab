// Client: the sans-IO HTTP/2 client core (one connection, many streams),
// over nghttp2's session API (docs/protocols.md "HTTP/2").
//
// Inputs:   receive_data(bytes) (bytes from the server, never EOF; the
//           caller ends the core when the transport ends).
// Commands: open_stream(), send_body(), grant(), reset_stream(), ping(),
//           shutdown(). Each queues frames.
// Outputs:  next_event() (std::nullopt = nothing now), take_output().
// No timer of its own: idle PINGs are the caller's (it knows svalidping).
//
// Flow control (why it looks like this): libwebsockets' manual rx credit
// means "the server may send this stream only what the user granted". The
// initial window an h2 client offers is one SETTINGS value for every
// stream, so we offer 0 there and open each stream's window with its own
// WINDOW_UPDATE right after its HEADERS:
//  - an automatic stream (StreamOptions::manual_window false) gets
//    kAutoWindow, and nghttp2 tops it up as the data is received (half a
//    window at a time);
//  - a manual stream gets its initial_window, and then only what grant()
//    adds: a server that sends more is a flow-control error (nghttp2 resets
//    the stream), never held data.
// The connection window is kConnectionWindow and replenished as data comes
// (the per-stream windows bound what one stream can take).
//
// Events, in the order the frames came:
//  - HeadEvent: a stream's final response head (1xx heads are skipped;
//    trailers are not reported);
//  - DataEvent: body bytes of a stream;
//  - EndEvent: the server ended the stream (END_STREAM);
//  - ClosedEvent: the stream is gone, with the h2 error code (0 after a
//    normal end; RST_STREAM's code; REFUSED_STREAM for a stream a GOAWAY
//    said was never processed);
//  - GoAwayEvent: the server will take no new streams; streams above
//    last_stream_id were not processed (their ClosedEvents follow);
//  - PingAckEvent: our PING came back.
// Bad input (a frame the protocol forbids, a flow-control or header
// violation): receive_data returns an Error naming what and where (the
// byte range of the connection), a GOAWAY is queued, and the core is over
// (closed() true).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "runtime/core/fifo.h"
#include "runtime/core/result.h"

struct nghttp2_session;

namespace ss::proto::h2 {

// 256 KiB: a download moves without waiting for a WINDOW_UPDATE every
// 64 KiB (the protocol default) even over a long link.
constexpr std::int32_t kAutoWindow = 256 * 1024;
constexpr std::int32_t kConnectionWindow = 16 * 1024 * 1024;

struct Header {
  std::string name;  // lower case on the wire (h2 requires it)
  std::string value;
  bool operator==(const Header&) const = default;
};

struct Request {
  std::string method = "GET";
  std::string scheme = "https";
  std::string authority;  // host[:port]
  std::string path = "/";
  std::vector<Header> headers;  // names are lowered; connection-specific ones are dropped
  bool has_body = false;        // send_body() follows; else END_STREAM with the HEADERS
};

struct StreamOptions {
  bool manual_window = false;      // only grant() opens the window after initial_window
  std::int32_t initial_window = 0;  // manual_window: the first credit (0 = none yet)
};

struct HeadEvent {
  std::int32_t stream = 0;
  int status = 0;
  std::vector<Header> headers;  // without pseudo-headers
  bool operator==(const HeadEvent&) const = default;
};
struct DataEvent {
  std::int32_t stream = 0;
  std::vector<std::uint8_t> bytes;
  bool operator==(const DataEvent&) const = default;
};
struct EndEvent {
  std::int32_t stream = 0;
  bool operator==(const EndEvent&) const = default;
};
struct ClosedEvent {
  std::int32_t stream = 0;
  std::uint32_t error_code = 0;  // NGHTTP2_NO_ERROR (0), REFUSED_STREAM (7), ...
  bool operator==(const ClosedEvent&) const = default;
};
struct GoAwayEvent {
  std::int32_t last_stream_id = 0;
  std::uint32_t error_code = 0;
  bool operator==(const GoAwayEvent&) const = default;
};
struct PingAckEvent {
  bool operator==(const PingAckEvent&) const = default;
};
using Event = std::variant<HeadEvent, DataEvent, EndEvent, ClosedEvent, GoAwayEvent, PingAckEvent>;

// h2 error codes we name (RFC 9113 §7).
constexpr std::uint32_t kNoError = 0;
constexpr std::uint32_t kRefusedStream = 7;
constexpr std::uint32_t kCancel = 8;

// The name of an h2 error code ("REFUSED_STREAM"), for messages.
std::string error_code_text(std::uint32_t code);

class Client {
 public:
  Client();  // queues the connection preface and our SETTINGS
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Bytes from the server. An Error means the connection is broken (see
  // the header comment); later calls do nothing.
  Error receive_data(std::span<const std::uint8_t> bytes);

  // A new request stream; its id, or an Error (GOAWAY received, ids used
  // up, the core is over). nghttp2 holds the HEADERS back while the
  // server's SETTINGS_MAX_CONCURRENT_STREAMS streams are open.
  Result<std::int32_t> open_stream(const Request& request, const StreamOptions& options);
  // Request body bytes for `stream` (open_stream with has_body); `end`
  // sends END_STREAM after them. They go out as the server's window allows.
  Error send_body(std::int32_t stream, std::span<const std::uint8_t> bytes, bool end);
  // Manual window: the user granted `bytes` more (a WINDOW_UPDATE).
  Error grant(std::int32_t stream, std::int32_t bytes);
  void reset_stream(std::int32_t stream, std::uint32_t error_code);
  void ping();
  // A GOAWAY(NO_ERROR): no new streams; open ones finish.
  void shutdown();

  std::optional<Event> next_event();
  // Appends the frames waiting to be written to `out`.
  void take_output(std::vector<std::uint8_t>& out);

  // Body bytes of `stream` queued here, not yet sent (waiting for window).
  std::size_t queued_body(std::int32_t stream) const;
  // What the server may still send on `stream` before our next
  // WINDOW_UPDATE (its window as we granted it), or nullopt for no such
  // stream.
  std::optional<std::int32_t> receive_window(std::int32_t stream) const;
  // What we may still send on `stream` (the server's window for it).
  std::optional<std::int32_t> send_window(std::int32_t stream) const;
  bool goaway_received() const { return goaway_received_; }
  // Over: a fatal error, or nothing more to read or write after GOAWAYs.
  bool closed() const;
  std::uint64_t bytes_received() const { return received_; }

  // nghttp2's callbacks (h2_client.cc) reach the private members.
  struct Callbacks;

 private:
  struct Body {
    std::deque<std::uint8_t> bytes;
    bool end = false;
  };
  struct Pending {  // a stream's first WINDOW_UPDATE, sent once nghttp2 has opened it
    std::int32_t stream;
    std::int32_t window;
  };

  bool open_pending_windows();  // true when it queued any
  void drain();

  struct StreamState {
    bool manual = false;
    std::int64_t credit = 0;  // manual: what the server may still send
    bool dropped = false;     // we reset it (it overran its window): data ignored
  };

  nghttp2_session* session_ = nullptr;
  Fifo<Event> events_;
  std::map<std::int32_t, Body> bodies_;
  std::map<std::int32_t, StreamState> streams_;  // our open streams
  std::vector<std::uint8_t> out_;                // serialized, not yet taken
  std::map<std::int32_t, HeadEvent> heads_;  // response heads being received
  std::vector<Pending> pending_windows_;
  std::uint64_t received_ = 0;
  std::string last_error_;  // nghttp2's last complaint, for the Error of receive_data
  bool failed_ = false;
  bool goaway_received_ = false;
  bool shutdown_ = false;
};

}  // namespace ss::proto::h2
