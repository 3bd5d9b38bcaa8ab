// Session: the sans-IO WebSocket core (RFC 6455) over wslay, for either
// side of a connection (Options::role). `Client` is its client role.
//
// Inputs:  client: open(host, target, extra) -> the upgrade request bytes;
//          server: accept(key, subprotocol, rest) -> the 101 response bytes,
//          once the binding has checked the request (check_upgrade_request);
//          receive_data(bytes) (empty = EOF);
//          send(data, binary, som, eom), ping(data), close(code, reason).
// Outputs: next_event() -> Open, Fragment, Ping, Pong, Close, Error,
//          Closed, or NeedData; take_output() -> bytes to write (our
//          frames plus wslay's automatic pongs and close replies).
// Getters: is_open(), close_sent(), close_received(), failed(), last_head().
//
// How wslay is wrapped: a wslay_event client context does the receiving
// side and control frames (ping -> pong, close handshake, protocol checks);
// its recv callback reads from our input buffer and its send callback
// appends to our output buffer, so nothing touches a socket. Data frames
// are written with wslay_frame so each user chunk maps to one frame (SOM
// starts a message, EOM sets FIN), which wslay_event's message-at-a-time
// send API cannot express. Masks come from the caller's ss::Rng (wslay's
// genmask callbacks), so output bytes replay exactly in the simulator.
//
// wslay is fed only as many bytes per recv callback as cannot hold an
// error (one byte in frame heads and control frames; the payload of a
// binary frame in bulk; runs of ASCII in text frames, see safe_run): then
// the number of bytes it has consumed is exact when it stops on an error,
// so an ErrorEvent names the byte offset where the input went wrong,
// whatever the input split, without paying a callback per payload byte.
//
// Sizes (Options, docs/protocols.md "Limits"): an incoming data frame of
// any size is handed over in pieces of at most rx_piece bytes, as lws
// hands a frame to the stream in pieces of its rx buffer (so a server that
// sends a 1 MiB message as one frame is fine). max_message, when set,
// caps one incoming message (sum of its frames): exceeding it is
// ErrorCode::kLimit and we send close 1009; 0 (the default) is no cap, as
// in lws, since nothing here buffers a message. Outgoing chunks bigger
// than max_frame are split into continuation frames.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include <wslay/wslay.h>

#include "runtime/core/fifo.h"
#include "runtime/core/result.h"
#include "runtime/core/rng.h"
#include "runtime/proto/h1/h1_parser.h"

namespace ss::proto::ws {

struct Options {
  std::size_t max_frame = 64 * 1024;  // largest frame we write
  std::size_t rx_piece = 4096;        // largest FragmentEvent (>= 1)
  std::size_t max_message = 0;        // incoming message cap; 0 = none
  std::string subprotocol;  // ws_subprotocol; "" = none (client role)
  enum class Role { kClient, kServer };
  Role role = Role::kClient;
};

struct NeedData {
  bool operator==(const NeedData&) const = default;
};
struct OpenEvent {  // handshake done
  std::string subprotocol;
  bool operator==(const OpenEvent&) const = default;
};
struct FragmentEvent {  // one piece of a data frame (at most rx_piece bytes)
  bool binary = false;
  bool first = false;  // SOM: first piece of a message
  bool last = false;   // EOM: last piece of its FIN frame
  std::vector<std::uint8_t> data;
  bool operator==(const FragmentEvent&) const = default;
};
struct PingEvent {  // the pong is already queued
  std::vector<std::uint8_t> data;
  bool operator==(const PingEvent&) const = default;
};
struct PongEvent {
  std::vector<std::uint8_t> data;
  bool operator==(const PongEvent&) const = default;
};
struct CloseEvent {  // the peer's close frame; our reply is queued
  std::uint16_t code = 0;  // 1005 when the frame had no code
  std::string reason;
  bool operator==(const CloseEvent&) const = default;
};
struct ErrorEvent {
  ErrorCode code = ErrorCode::kParse;
  std::string message;
  // Bytes of input from the response's first byte; 0 when the handshake
  // response head as a whole was refused (status, headers, accept key).
  std::uint64_t offset = 0;
  bool operator==(const ErrorEvent&) const = default;
};
struct ClosedEvent {  // EOF from the peer
  bool clean = false;  // after a close handshake
  bool operator==(const ClosedEvent&) const = default;
};
using Event = std::variant<NeedData, OpenEvent, FragmentEvent, PingEvent, PongEvent, CloseEvent, ErrorEvent,
                           ClosedEvent>;

std::string describe(const Event& event);

class Session {
 public:
  Session(Rng& rng, Options options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Client role: the upgrade request. Call once, first.
  Result<std::string> open(std::string_view host, std::string_view target, const h1::Headers& extra = {});
  // Server role: the 101 answering a request with Sec-WebSocket-Key `key`
  // (checked by check_upgrade_request, which also chose `subprotocol`);
  // the session is open. `rest` is what the client sent after its request
  // head (frames already). Call once, first.
  Result<std::string> accept(std::string_view key, std::string_view subprotocol, std::vector<std::uint8_t> rest);

  void receive_data(std::span<const std::uint8_t> bytes);
  Event next_event();
  std::vector<std::uint8_t> take_output();

  // One chunk of a message. som must start a message and may not come while
  // one is open; eom ends it. Fails (kState) before open, after close.
  Error send(std::span<const std::uint8_t> data, bool binary, bool som, bool eom);
  Error ping(std::span<const std::uint8_t> data);
  Error close(std::uint16_t code, std::string_view reason);

  bool is_open() const { return phase_ == Phase::kOpen; }
  bool failed() const { return phase_ == Phase::kFailed; }
  bool close_sent() const;
  bool close_received() const;
  bool tx_message_open() const { return tx_open_; }
  // The head of the handshake response (e.g. a 503 with Retry-After).
  const std::optional<h1::Head>& last_head() const { return head_; }

 private:
  enum class Phase { kIdle, kHandshake, kOpen, kFailed, kEnded };
  friend struct WsCallbacks;

  void run_handshake();
  bool start_wslay();  // false: out of memory (ErrorEvent queued)
  void run_wslay();
  bool server() const { return options_.role == Options::Role::kServer; }
  void fail(ErrorCode code, std::string what, std::uint64_t at, std::uint16_t close_code);
  std::size_t piece() const;
  // How many input bytes the recv callback may hand wslay (<= len, >= 1).
  std::size_t safe_run(std::size_t len);
  // Remembers the last bytes handed to wslay (the masking key, see on_frame_start).
  void note_fed(const std::uint8_t* data, std::size_t n);
  void emit_piece(bool last);
  Error write_frame(std::uint8_t opcode, bool fin, std::span<const std::uint8_t> data);

  Rng& rng_;
  Options options_;
  Phase phase_ = Phase::kIdle;
  std::string key_;
  h1::MessageParser parser_{h1::MessageParser::Kind::kResponse};
  std::optional<h1::Head> head_;
  std::uint64_t handshake_bytes_ = 0;

  wslay_event_context_ptr ev_ = nullptr;
  wslay_frame_context_ptr frame_ = nullptr;
  std::vector<std::uint8_t> in_;
  std::size_t in_pos_ = 0;
  std::uint64_t ws_consumed_ = 0;
  std::vector<std::uint8_t> out_;
  Fifo<Event> events_;

  // Incoming frame in progress.
  bool rx_data_frame_ = false;
  bool rx_fin_ = false;
  bool rx_first_ = false;
  bool rx_msg_open_ = false;
  bool rx_binary_ = false;
  bool rx_utf8_whole_ = true;  // the text message's payload fed so far ends on a whole character
  std::size_t rx_msg_len_ = 0;
  std::uint64_t rx_frame_len_ = 0;      // payload length of the frame
  std::uint64_t rx_frame_left_ = 0;     // payload bytes of the frame not yet received
  std::array<std::uint8_t, 4> rx_mask_{};  // the frame's masking key (server role; zero for a client)
  std::uint64_t recent_fed_ = 0;  // the last 8 bytes handed to wslay, the latest lowest
  std::vector<std::uint8_t> rx_frame_;  // the piece being gathered
  std::string pending_error_;  // a limit hit inside a wslay callback
  std::uint16_t pending_close_ = 0;
  bool yield_ = false;  // a frame ended: return to run_wslay to flush

  bool tx_open_ = false;
  bool tx_binary_ = false;
};

using Client = Session;  // the client role (Options::role's default)

}  // namespace ss::proto::ws
