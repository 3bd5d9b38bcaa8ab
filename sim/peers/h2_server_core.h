// H2ServerCore: a sans-IO HTTP/2 server (one connection) over nghttp2's
// server session, for the h2 client core's tests and the simulated h2
// server (h2_server.h). It only answers what it is told to: a request
// comes out of next_request() once its END_STREAM is in, and the caller
// responds, resets, sends GOAWAY or PING as its script or seed says.
//
// Flow control: the client's DATA are consumed as they arrive (our
// receive windows stay open) unless `hold_uploads`; our response bodies go
// out as the client's stream windows allow (send_window()).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/proto/h2/h2_client.h"

struct nghttp2_session;

namespace ss::sim::peers {

struct H2ServerCoreOptions {
  std::uint32_t max_concurrent_streams = 100;
  std::int32_t initial_window = 65535;  // SETTINGS_INITIAL_WINDOW_SIZE we offer the client
  bool hold_uploads = false;            // never open the window again for request bodies
};

struct H2Request {
  std::int32_t stream = 0;
  std::string method;
  std::string path;
  std::string authority;
  std::vector<proto::h2::Header> headers;
  std::vector<std::uint8_t> body;
};

class H2ServerCore {
 public:
  explicit H2ServerCore(H2ServerCoreOptions options = {});  // queues our SETTINGS
  ~H2ServerCore();
  H2ServerCore(const H2ServerCore&) = delete;
  H2ServerCore& operator=(const H2ServerCore&) = delete;

  // Bytes from the client; an Error when nghttp2 refused them (the session
  // then sends its GOAWAY and is over).
  Error receive_data(std::span<const std::uint8_t> bytes);
  // Complete requests (END_STREAM received), in the order they completed.
  std::optional<H2Request> next_request();

  // Response head and the first body bytes; `end` ends the stream after them.
  void respond(std::int32_t stream, int status, const std::vector<proto::h2::Header>& headers,
               std::span<const std::uint8_t> body, bool end);
  // More body for a stream respond()ed without `end`.
  void send_body(std::int32_t stream, std::span<const std::uint8_t> bytes, bool end);
  void reset(std::int32_t stream, std::uint32_t error_code);
  void goaway(std::int32_t last_stream_id, std::uint32_t error_code);
  void ping();
  void empty_settings();  // a SETTINGS frame with no entries (the client ACKs it)
  // A new SETTINGS_INITIAL_WINDOW_SIZE: every open stream's window moves
  // by the difference (RFC 9113 §6.9.2).
  void set_initial_window(std::int32_t window);
  // Raw bytes straight onto the wire after what is queued (hostile frames).
  void inject(std::span<const std::uint8_t> bytes);

  void take_output(std::vector<std::uint8_t>& out);

  std::int32_t last_stream_id() const;  // highest client stream seen
  std::optional<std::int32_t> send_window(std::int32_t stream) const;
  std::size_t queued_body(std::int32_t stream) const;
  std::size_t pings_received() const { return pings_; }
  std::size_t window_updates_received() const { return window_updates_; }
  bool closed() const;

  struct Callbacks;

 private:
  struct Body {
    std::deque<std::uint8_t> bytes;
    bool end = false;
  };
  nghttp2_session* session_ = nullptr;
  H2ServerCoreOptions options_;
  std::map<std::int32_t, H2Request> partial_;
  std::deque<H2Request> complete_;
  std::map<std::int32_t, Body> bodies_;
  std::vector<std::uint8_t> injected_;
  std::size_t pings_ = 0;
  std::size_t window_updates_ = 0;
  bool failed_ = false;
};

}  // namespace ss::sim::peers
