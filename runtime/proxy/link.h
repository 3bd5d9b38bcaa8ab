// ProxyLink: the proxy's side of one client link, as a sans-IO core.
//
// One accepted connection from a client process carries exactly one Secure
// Stream (docs/secure-streams.md §3.1). ProxyLink turns the client's bytes into commands for
// the onward stream, and the onward stream's events into bytes for the
// client, without touching a socket, a clock or the stream engine:
//
//   inputs   receive_from_client(bytes, now)     bytes as read (empty = EOF)
//            create_result(...)                  the onward stream was made
//            onward_state / onward_rx /          what the onward stream did
//            onward_metadata / onward_tx_credit
//            fail(reason)                        the glue refuses something
//            client_gone(why)                    the connection ended
//            handle_timeout(now)                 at or after next_deadline()
//   outputs  next_event()                        what to do to the onward stream
//            take_client_bytes(out)              frames to write to the client
//            take_tx_piece()                     payload for the onward tx()
//            next_deadline(), phase(), close_reason()
//
// Rules (docs/secure-streams.md §3.6, made strict): the first frame must be STREAMTYPE with
// protocol version 1, within handshake_timeout of accept; only then, and
// once CREATE_RESULT ok has gone out, the operational frames are accepted.
// Anything else closes the link with a reason naming the frame and offset.
// A failed create sends the 8-byte failure CREATE_RESULT and then closes
// the link (lws leaves it open, docs/secure-streams.md §3.4). Client payload
// is cut into pieces of at most 1380 bytes with the flags spread as lws does
// (§3.5 there), and the pieces waiting for the onward stream are bounded by
// proxy_buflen: past it the link stops decoding and asks (wants_input) to
// stop reading, so a fast client is slowed down by TCP instead of dropped
// (docs/proxy.md "Flow control"; lws drops it, §3.8 there).
// Payload is for the onward connection the client saw CONNECTED: when it
// ends (DISCONNECTED), the pieces still queued and the payload the client
// wrote before hearing so are dropped, as a direct stream's unsent bytes
// die with its connection (docs/proxy.md "Retries").
// A nailed-up onward stream is connected by the link, not at its creation:
// after the first frames the client sends once CREATE_RESULT is out (the
// metadata its user set in CREATING) have been applied, or after
// nailed_up_grace if it sends none. A direct nailed-up stream connects after
// its CREATING callback too (docs/secure-streams.md §2.6); lws's proxy
// connects at creation, before the client's metadata can arrive.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "runtime/core/fifo.h"
#include "runtime/core/time.h"
#include "runtime/wire/decoder.h"
#include "runtime/wire/frames.h"

namespace ss::proxy {

struct LinkLimits {
  Micros handshake_timeout = seconds(3);  // STREAMTYPE must arrive by then
  // A frame the client has begun must be whole within this (0 = no limit):
  // a client that sends half a frame and stalls cannot hold its link.
  Micros frame_timeout = seconds(10);
  // A link whose client, after CREATE_RESULT, never asked its stream to
  // connect or send (no ONWARD_CONNECT, TX_PAYLOAD, METADATA, ...) and whose
  // stream never got a state from its peer, is closed after this (0 = no
  // limit). Generous: a client may create a stream and use it later.
  Micros idle_created_timeout = seconds(300);
  // A nailed-up onward stream connects after the client's first frames
  // (its CREATING metadata), or after this long if the client sends none.
  Micros nailed_up_grace = millis(100);
  std::size_t tx_piece_max = 1380;        // onward tx() piece size
  std::size_t c2p_buffer_max = 32768;     // proxy_buflen: queued client payload
};

// The largest RX_PAYLOAD payload sent to a client whose CREATE_RESULT
// announced `client_buflen` (0 = 32768): half its buffer, at most what one
// frame carries. A libwebsockets client gathers each frame in that buffer
// and loses the tail of a bigger one (measured: 30,000 of 32,768 arrive
// whole, 31,000 do not), so the frame header and its bookkeeping must fit
// beside the payload (docs/proxy.md "Frame sizes").
std::size_t rx_frame_payload_max(std::uint32_t client_buflen);

// Commands for the onward stream, in the order they must be carried out.
struct CreateOnward {
  std::string streamtype;
  std::uint32_t client_pid = 0;
  std::int32_t initial_tx_credit = 0;  // manual_initial_tx_credit for the onward stream
};
struct ConnectOnward {};
struct SetOnwardMetadata {
  std::string name;
  std::string value;
};
struct OnwardTimeout {
  std::uint32_t ms = 0;  // 0 = policy timeout_ms; wire::kTimeoutCancel = cancel
};
struct OnwardTxLength {
  std::uint32_t length = 0;
};
struct OnwardPeerCredit {
  std::int32_t credit = 0;
};
struct OnwardTxReady {};  // pieces are queued: ask the onward stream for a tx
struct DestroyOnward {};  // the link is over; destroy the onward stream

using Command = std::variant<CreateOnward, ConnectOnward, SetOnwardMetadata, OnwardTimeout,
                             OnwardTxLength, OnwardPeerCredit, OnwardTxReady, DestroyOnward>;

struct TxPiece {
  std::uint32_t flags = 0;
  std::vector<std::uint8_t> payload;
  // The rideshare part the client said the bytes belong to (the frame's
  // RIDESHARE name; none = the primary streamtype).
  std::optional<std::string> rideshare;
};

class ProxyLink {
 public:
  enum class Phase { kWaitStreamType, kWaitCreateResult, kOperational, kClosed };

  ProxyLink(Micros accepted_at, LinkLimits limits = {});

  // Inputs.
  void receive_from_client(std::span<const std::uint8_t> bytes, Micros now);
  // `proxy_buflen` (the streamtype's; 0 = keep LinkLimits::c2p_buffer_max)
  // bounds the client payload held for the onward stream.
  void create_result(bool ok, std::uint32_t client_buflen,
                     const std::vector<std::string>& streamtypes, std::uint32_t proxy_buflen = 0);
  // After create_result(ok): the onward stream is nailed up and waits for
  // the link's ConnectOnward (class comment).
  void nailed_up(Micros now);
  void onward_state(std::uint32_t state, std::uint32_t ordinal);
  void onward_rx(std::uint32_t flags, std::span<const std::uint8_t> payload,
                 const std::optional<std::string>& rideshare, Micros now);
  void onward_metadata(const std::string& name, const std::string& value);
  void onward_tx_credit(std::int32_t credit);
  void fail(const std::string& reason);
  // The proxy gives up on the link by a deadline of its own (not a client
  // fault): counted as a deadline, logged with `reason`.
  void abandon(const std::string& reason);
  // The client's connection is over (EOF, reset, ...): not a client fault.
  void client_gone(const std::string& why);
  void handle_timeout(Micros now);

  // Outputs.
  std::optional<Command> next_event();
  std::size_t take_client_bytes(std::vector<std::uint8_t>* out);
  std::optional<TxPiece> take_tx_piece();
  std::optional<Micros> next_deadline() const;
  // Flow control: false while the client's payload waiting for the onward
  // stream is at proxy_buflen; the glue then pauses reading the client (TCP
  // holds the client back) and, once pieces were taken, calls
  // resume_decoding() and reads again.
  bool wants_input() const;
  void resume_decoding(Micros now);

  Phase phase() const { return phase_; }
  const std::string& close_reason() const { return close_reason_; }
  // True when the link was closed because the client broke a rule (as
  // opposed to closing, sending DESTROYING, or asking for an unknown type).
  bool client_fault() const { return client_fault_; }
  // True when it was closed by one of its deadlines (handshake, frame, idle).
  bool deadline_passed() const { return deadline_passed_; }
  std::size_t queued_tx_bytes() const { return queued_tx_bytes_; }

 private:
  void on_frame(wire::Frame frame, Micros now);
  void on_payload(const wire::PayloadFrame& frame);
  void decode_pending(Micros now);
  void client_progress();  // a frame that asks something of the stream
  void connect_nailed_if_ready();

  // Undecoded input tolerated beyond proxy_buflen: what arrives between the
  // limit being reached and the glue's pause taking effect.
  static constexpr std::size_t kUndecodedSlack = 4 * (wire::kHeaderSize + wire::kMaxBody);
  void send(const wire::Frame& frame);
  void close(const std::string& reason, bool client_fault = true);

  LinkLimits limits_;
  Phase phase_ = Phase::kWaitStreamType;
  Micros handshake_deadline_;
  std::optional<Micros> partial_since_;   // a begun frame waits for its bytes
  std::optional<Micros> created_at_;      // stream created, nothing asked of it yet
  std::optional<Micros> nailed_connect_by_;  // nailed up, not connected yet: the grace ends
  bool client_spoke_ = false;             // a frame came after CREATE_RESULT
  std::size_t rx_payload_max_ = 16384;    // rx_frame_payload_max(client_buflen)
  wire::FrameDecoder decoder_{wire::Direction::kClientToProxy};
  Fifo<Command> commands_;
  Fifo<TxPiece> tx_pieces_;
  std::size_t queued_tx_bytes_ = 0;
  // The onward connection the client saw CONNECTED has ended: payload that
  // still arrives was written for it and is dropped, until the client asks
  // again (ONWARD_CONNECT) or the stream is CONNECTED again.
  bool stale_tx_ = false;
  std::vector<std::uint8_t> to_client_;
  // Onward events that came before CREATE_RESULT went out (e.g. CREATING),
  // sent right after it, in order.
  std::vector<std::uint8_t> held_until_result_;
  std::string close_reason_;
  bool client_fault_ = false;
  bool deadline_passed_ = false;
};

}  // namespace ss::proxy
