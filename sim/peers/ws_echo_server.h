// WsEchoServer: a simulated WebSocket server that echoes every message
// (same opcode), written against ss::Net and ss::Loop only. Framing on its
// side is wslay's server context, so the client core is checked against an
// independent implementation of the receive path.
//
// Options let it ping after the handshake, close after N messages with a
// chosen code, and misbehave: a wrong Sec-WebSocket-Accept, refusing the
// upgrade with a status (e.g. 503 + Retry-After), closing the TCP
// connection without a close frame, or sending a frame with reserved bits.
// It can also echo in fragments of a chosen size (a ping between them, if
// asked), refuse only its first N upgrades, and cut the TCP connection in
// the middle of an echo. connections() logs every connection: when its
// upgrade request came, the request target and headers, and each message
// it echoed whole (for scenarios that check what the client saw).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"
#include "runtime/proto/http/http_message.h"
#include "sim/peers/peer_listener.h"

namespace ss::sim::peers {

namespace h1 = ss::proto::h1;

enum class WsFault {
  kNone,
  kWrongAccept,     // 101 with a bad Sec-WebSocket-Accept
  kRefuse,          // answer the upgrade with refuse_status
  kDropAfterOpen,   // close TCP right after the handshake, no close frame
  kBadFrame,        // send a frame with RSV1 set after the handshake
  kCloseMidMessage, // on each close_after-th message: first fragment, then TCP close
};

// Message size limit (explicit): a message over max_message bytes (default
// kWsEchoMaxMessage, 1 MiB: python websockets' default max_size; lws' ws
// server itself has no message cap, it hands frames over in pieces of its
// rx buffer) is refused the way such a server does it: close 1009 "message
// too big" (wslay's), then the TCP connection ends. Messages up to the
// limit are echoed whole, in one frame unless echo_frame is set; raise
// max_message for multi-MiB echoes. docs/protocols.md "Limits".
inline constexpr std::size_t kWsEchoMaxMessage = std::size_t{1} << 20;

struct WsEchoOptions {
  std::string subprotocol{};     // accepted when the client asks for it
  bool ping_on_open = false;     // send a ping "hello" after the handshake
  std::size_t close_after = 0;   // close after this many echoed messages (0: never)
  std::uint16_t close_code = 1000;
  std::string close_reason = "bye";
  WsFault fault = WsFault::kNone;
  int refuse_status = 503;
  std::optional<std::uint32_t> retry_after{};  // with kRefuse
  std::size_t refuse_first = 0;  // with kRefuse: only the first N upgrades (0: all)
  std::size_t echo_frame = 0;    // echo in frames of at most this many bytes (0: one frame)
  bool ping_between = false;     // with echo_frame: a ping between two fragments
  std::size_t max_message = kWsEchoMaxMessage;  // bigger: close 1009 (>= 1)
};

// One accepted connection, as the server saw it.
struct WsConnRecord {
  Micros at = 0;               // when its upgrade request arrived (0: none yet)
  bool upgraded = false;       // answered 101
  std::string target{};          // request target ("/path")
  h1::Headers headers{};         // request headers
  std::vector<std::string> echoed{};  // messages echoed whole, in order
  std::size_t text_messages = 0;      // of those, how many came as text (the rest binary)
};

class WsEchoServer {
 public:
  WsEchoServer(Loop& loop, Net& net, Endpoint at, WsEchoOptions options = {});
  ~WsEchoServer();
  WsEchoServer(const WsEchoServer&) = delete;
  WsEchoServer& operator=(const WsEchoServer&) = delete;

  Error start();
  void stop();
  Endpoint local() const { return listen_.local(); }
  // Every connection the server has now goes silent for good: nothing is
  // read or sent on it (no echo, no pong, no close), and it stays open (a
  // hung server behind live TCP connections: only svalidhup finds it). New
  // connections are served as usual.
  void freeze();

  std::size_t messages_echoed() const { return echoed_; }
  // Messages refused as over max_message (close 1009 sent).
  std::size_t messages_too_big() const { return too_big_; }
  std::size_t pongs_received() const { return pongs_; }
  // Close codes received from clients, in order.
  const std::vector<std::uint16_t>& close_codes() const { return close_codes_; }
  // Every connection accepted, in order.
  const std::vector<WsConnRecord>& connections() const { return records_; }

 private:
  struct Conn;
  void accept(std::unique_ptr<Connection> c);
  void drop(std::uint64_t id);
  // Runs `task` later unless the server is gone by then.
  void later(Micros delay, std::function<void()> task) { listen_.later(delay, std::move(task)); }

  PeerListener listen_;
  WsEchoOptions options_;
  std::map<std::uint64_t, std::unique_ptr<Conn>> conns_;
  std::uint64_t next_id_ = 1;
  std::size_t echoed_ = 0;
  std::size_t too_big_ = 0;
  std::size_t pongs_ = 0;
  std::vector<std::uint16_t> close_codes_;
  std::vector<WsConnRecord> records_;
  std::size_t refused_ = 0;
  std::size_t messages_ = 0;  // data messages received whole
};

}  // namespace ss::sim::peers
