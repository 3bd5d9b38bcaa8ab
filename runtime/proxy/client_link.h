// ClientLink: the client's side of one link to an SS proxy, as a sans-IO core.
//
// A client process that uses a proxy has no network of its own: each of its
// Secure Streams is one link to the proxy, and ClientLink turns the user's
// calls into frames and the proxy's frames into what the user sees, without
// touching a socket or a clock (docs/secure-streams.md §3.6-3.8):
//
//   link inputs   link_up(now), receive_from_proxy(bytes, now) (empty = link
//                 lost), handle_timeout(now)
//   user inputs   onward_connect(), request_tx(now), set_metadata(),
//                 set_timeout(), set_tx_length(), add_peer_tx_credit()
//   outputs       next_event()        what the user's callbacks must see
//                 take_proxy_bytes(out, tx, now) the next frame(s) to
//                                     write; `tx` is the user's tx callback,
//                                     asked only when a payload may go out
//                 next_deadline(), phase(), close_reason()
//
// What it writes, and in which order, is what a libwebsockets client writes
// (checked byte for byte against captured traffic): one frame per write
// opportunity, a pending TIMEOUT_UPDATE first, then queued METADATA / credit,
// then PAYLOAD_LENGTH_HINT, then ONWARD_CONNECT (before the onward stream is
// up) or a TX_PAYLOAD (after). Where lws is wrong we are not (docs/secure-streams.md §6):
// queued credit updates add up instead of replacing each other; a tx()
// answer of DISCONNECT_ME / DESTROY_ME is honoured, not sent; tx waits while
// the proxy reported no credit; rx is handed over in pieces of at most 1380
// bytes with SOM/EOM spread over them; a second CREATE_RESULT after a
// reconnect does not raise CREATING again; a new link (after a drop or
// DISCONNECT_ME) gets all the metadata the user set again, before its
// ONWARD_CONNECT, since the proxy made a fresh onward stream for it.
#pragma once

#include <cstdint>
#include <functional>
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

struct ClientLinkOptions {
  std::string streamtype;
  std::uint32_t client_pid = 0;
  std::int32_t initial_tx_credit = 0;  // 0 = lws default 500000000
  Micros create_result_timeout = seconds(3);
  std::size_t rx_piece_max = 1380;
  std::size_t tx_payload_max = 4096 - 19;  // lws: max_http_header_data - 19
};

// What the user's callbacks see.
struct LinkCreated {
  std::uint32_t client_buflen = 0;         // 0 = 32768
  std::vector<std::string> streamtypes;    // primary first, then rideshares
};
struct LinkCreateFailed {};
struct LinkState {
  std::uint32_t state = 0;  // lws_ss_constate_t value
  std::uint32_t ordinal = 0;
};
struct LinkRx {
  std::uint32_t flags = 0;
  std::vector<std::uint8_t> payload;
  std::optional<std::string> rideshare;
};
struct LinkMetadata {
  std::string name;
  std::string value;
};
struct LinkLost {
  std::string reason;
  bool was_connected = false;  // the user had seen CONNECTED: raise DISCONNECTED
};
using LinkEvent = std::variant<LinkCreated, LinkCreateFailed, LinkState, LinkRx, LinkMetadata, LinkLost>;

// The user's tx callback, lws-style: fill `buf` (capacity = buf.size()), set
// *len and *flags, and answer.
enum class TxAnswer { kSend, kDontSend, kDisconnect, kDestroy };
using TxCallback = std::function<TxAnswer(std::span<std::uint8_t> buf, std::size_t* len,
                                          std::uint32_t* flags)>;

class ClientLink {
 public:
  enum class Phase { kDown, kWaitCreateResult, kLocalConnected, kOperational, kClosed };
  enum class WriteResult { kNothing, kWrote, kDisconnect, kDestroy };

  explicit ClientLink(ClientLinkOptions options);

  // Link inputs.
  void link_up(Micros now);
  void receive_from_proxy(std::span<const std::uint8_t> bytes, Micros now);
  void handle_timeout(Micros now);
  // The client closes the link (the user answered DISCONNECT_ME): what the
  // proxy sent for the connection being ended and the user has not seen yet
  // goes with it (docs/api.md "Return codes"); LinkLost comes next.
  void close_by_client();

  // User inputs (may come in any phase; they wait until they can be sent).
  void onward_connect();
  void request_tx(Micros now);
  void set_metadata(std::string name, std::string value);
  void set_timeout(std::uint32_t ms);  // 0 = policy, wire::kTimeoutCancel = cancel
  void set_tx_length(std::uint32_t length);
  void add_peer_tx_credit(std::int32_t credit);

  // Outputs.
  std::optional<LinkEvent> next_event();
  // Appends at most one frame (as lws does per write opportunity). kWrote:
  // call again while wants_write(). kDisconnect / kDestroy: the user's tx()
  // asked for it; nothing was written. `tx` may call request_tx() and the
  // other user inputs, but must not call take_proxy_bytes() again (the glue must not
  // flush re-entrantly, or frames go out of order).
  WriteResult take_proxy_bytes(std::vector<std::uint8_t>* out, const TxCallback& tx, Micros now);
  bool wants_write() const;
  std::optional<Micros> next_deadline() const;

  Phase phase() const { return phase_; }
  const std::string& close_reason() const { return close_reason_; }
  std::int32_t tx_credit() const { return tx_credit_; }
  std::int64_t est_peer_tx_credit() const { return peer_credit_est_; }
  // The streamtype whose part of the transaction the next tx() produces:
  // CREATE_RESULT's list (primary, then the rideshare chain) walked one
  // entry per tx EOM, staying on the last part until CONNECTING starts the
  // next transaction, as the onward stream walks it (docs/api.md "Rideshare").
  const std::string& tx_rideshare() const { return parts_.empty() ? options_.streamtype : parts_[tx_part_]; }

 private:
  void on_frame(const wire::Frame& frame);
  void on_state(const wire::ConnStateFrame& f);
  void deliver_rx(const wire::PayloadFrame& f);
  void lose_link(const std::string& reason);
  bool tx_allowed() const;
  static void remember(std::vector<std::pair<std::string, std::string>>& list, std::string name,
                       std::string value);

  ClientLinkOptions options_;
  Phase phase_ = Phase::kDown;
  wire::FrameDecoder decoder_{wire::Direction::kProxyToClient};
  std::optional<Micros> deadline_;
  Fifo<LinkEvent> events_;
  std::string close_reason_;

  bool streamtype_pending_ = false;
  bool created_reported_ = false;  // CREATING already shown to the user
  bool connected_reported_ = false;
  bool connect_requested_ = false;
  // The last state was UNREACHABLE: the onward stream's retry is pending.
  // A link lost then takes that onward stream with it, so the next link asks
  // for the connection again (else the stream would wait for ever).
  bool onward_retrying_ = false;
  bool connect_sent_ = false;
  std::optional<std::uint32_t> pending_timeout_;
  std::optional<std::uint32_t> pending_length_;
  std::vector<std::pair<std::string, std::string>> pending_metadata_;  // newest last
  // Every value the user set (first-set order, current values): a new link's
  // onward stream is new and gets them all again (link_up).
  std::vector<std::pair<std::string, std::string>> metadata_;
  std::int64_t pending_credit_ = 0;
  bool credit_pending_ = false;
  std::optional<Micros> tx_requested_at_;

  bool proxy_reports_credit_ = false;
  std::int32_t tx_credit_ = 0;
  std::int64_t peer_credit_est_ = 0;
  std::int32_t create_credit_ = 0;  // initial credit the next STREAMTYPE frame carries
  int links_up_ = 0;
  std::vector<std::string> parts_;  // CREATE_RESULT's streamtypes
  std::size_t tx_part_ = 0;         // index in parts_ (tx_rideshare)
};

}  // namespace ss::proxy
