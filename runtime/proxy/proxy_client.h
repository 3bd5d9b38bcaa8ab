// ProxyClient: one Secure Stream of a client process whose streams live in
// an SS proxy (lws "SSPC"). It is the glue between a ClientLink (the
// sans-IO protocol core) and the Loop/Net seams: one connection to the
// proxy per stream, the link's deadlines on the loop, the user's callbacks
// with the same return-code rules as a direct stream.
//
// What the user sees (docs/secure-streams.md §3.1, §3.6):
//   - the proxy cannot be reached, or the link drops: UPSTREAM_LINK_RETRY
//     with ack = ms since the first failed try, and a new try every 1 s
//     (link_retry); when the link drops, DISCONNECTED first if the user had
//     seen CONNECTED, UNREACHABLE if it was CONNECTING (that attempt is
//     over; a request still pending goes to the next link's onward stream);
//     UPSTREAM_LINK_RETRY may come before CREATING (docs/states.md,
//     "Proxied streams");
//   - CREATE_RESULT ok: CREATING (once, not again after a reconnect);
//     refused (streamtype not in the proxy's policy): DESTROYING and the
//     stream is gone (destroyed() becomes true); destroyed before
//     CREATE_RESULT: DESTROYING alone, as with lws;
//   - proxied states, rx (in pieces of at most 1380 bytes) and metadata
//     from the proxy, as the onward stream raised them;
//   - after a link drop the proxy has destroyed the onward stream; the new
//     link gets a fresh one, which connects when the user asks again
//     (request_tx / client_connect), as with lws;
//   - destroy(): DISCONNECTED first if the user's connection is up
//     (docs/states.md rule 3, as a direct stream), then DESTROYING, and the
//     link closes (the proxy then destroys the onward stream). From inside
//     a callback it happens once that callback returns.
// Return codes: DESTROY_ME destroys the stream; DISCONNECT_ME closes the
// link (the proxy drops the onward stream) and the 1 s retry brings a new
// one; TX_DONT_SEND from tx() sends nothing.
//
// Lifespan: the owner keeps the ProxyClient alive while the Loop may run
// its timers; destroying the object is silent (no callback).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "runtime/core/endpoint.h"
#include "runtime/core/loop.h"
#include "runtime/core/net.h"
#include "runtime/proxy/client_link.h"
#include "runtime/stream/phases.h"
#include "runtime/stream/states.h"

namespace ss::proxy {

struct ProxyClientOptions {
  Endpoint proxy = Endpoint::unix_abstract("proxy.ss.lws");  // lws's default listener
  ClientLinkOptions link;
  Micros link_retry = seconds(1);
};

struct ProxyClientCallbacks {
  std::function<stream::Ret(std::span<const std::uint8_t> buf, std::uint32_t flags)> rx;
  std::function<stream::Ret(std::uint32_t ordinal, std::span<std::uint8_t> buf, std::size_t& len,
                            std::uint32_t& flags)>
      tx;
  std::function<stream::Ret(stream::State state, std::uint32_t ack)> state;
};

class ProxyClient final : public ConnectionHandler {
 public:
  ProxyClient(Loop& loop, Net& net, ProxyClientOptions options, ProxyClientCallbacks callbacks);
  ~ProxyClient() override;
  ProxyClient(const ProxyClient&) = delete;
  ProxyClient& operator=(const ProxyClient&) = delete;

  // Starts connecting to the proxy (from the loop, never inline).
  void start();

  // The lws_ss_* calls.
  void request_tx();
  void request_tx_len(std::uint32_t len);
  void client_connect();
  void set_metadata(std::string name, std::string value);
  // Last value the proxy sent for `name` (response headers and the like).
  std::optional<std::string_view> get_metadata(std::string_view name) const;
  void start_timeout(std::uint32_t ms);  // 0 = the streamtype's timeout_ms
  void cancel_timeout();
  void add_peer_tx_credit(std::int32_t add);
  // Stops (true) or resumes (false) reading from the proxy, for a user that
  // cannot take more rx now (as Stream::hold_rx): the proxy then holds or
  // drops the rest by its own rules (docs/proxy.md). Holds across link
  // reconnects until released; a link's handshake (CREATE_RESULT) is read
  // regardless.
  void hold_rx(bool hold);
  std::int64_t est_peer_tx_credit() const { return link_.est_peer_tx_credit(); }
  void destroy();

  // True from the moment destroy starts (its last states, DISCONNECTED and
  // DESTROYING, are being delivered) on: the API does nothing any more.
  bool destroyed() const { return phase_ >= stream::StreamPhase::kDestroying; }
  // The client's lifecycle (runtime/stream/phases.h, legal moves in phases.cc).
  stream::StreamPhase lifecycle() const { return phase_; }
  const std::string& streamtype() const { return options_.link.streamtype; }
  // lws_ss_rideshare (docs/api.md "Rideshare"): inside rx(), the part the
  // bytes belong to (the frame's RIDESHARE name, else this streamtype);
  // elsewhere, the part the next tx() produces (ClientLink::tx_rideshare).
  const std::string& rideshare() const {
    if (in_rx_) return rx_part_ ? *rx_part_ : streamtype();
    return link_.tx_rideshare();
  }
  // Why the latest try failed, in words, as far as this side knows (the
  // proxy protocol carries states, not reasons): "cannot reach the SS proxy
  // at <addr>: connection refused", "the SS proxy refused streamtype 'x'",
  // "the SS proxy could not reach the endpoint (its log says why)", "link to
  // the SS proxy lost". Set before the state it explains is raised, so the
  // state callback can read it; "" before any failure and again once
  // CONNECTED is raised (as Stream::last_error; docs/api.md).
  const std::string& last_error() const { return last_error_; }
  ClientLink::Phase phase() const { return link_.phase(); }

  // ConnectionHandler (the link to the proxy).
  void on_connected() override;
  void on_data(std::span<const std::uint8_t> bytes) override;
  void on_writable() override;
  void on_end(EndReason reason) override;

 private:
  class Depth;
  void connect_now();
  void apply_hold();
  void link_failed(EndReason reason);
  void schedule_retry();
  void drain();
  void drain_events();
  void flush();
  void flush_once();
  void arm_deadline();
  void apply(stream::Ret r);
  void settle();  // act on DESTROY_ME / DISCONNECT_ME once no callback is running
  void raise(stream::State state, std::uint32_t ack);
  stream::Ret notify(stream::State state, std::uint32_t ack);  // the user's state() and seen_
  bool connection_up() const;
  // The user asked to end the stream or its connection; settle() will.
  bool ended_by_user() const { return pending_destroy_ || pending_disconnect_; }
  void close_link();

  Loop& loop_;
  Net& net_;
  ProxyClientOptions options_;
  ProxyClientCallbacks cb_;
  ClientLink link_;
  bool in_rx_ = false;                          // the user's rx() is running
  std::optional<std::string> rx_part_;          // that rx's rideshare name
  std::unique_ptr<Connection> conn_;
  std::unique_ptr<Connection> dead_conn_;  // closed inside its own callback; freed later
  TimerId retry_timer_;
  TimerId deadline_timer_;
  std::optional<Micros> first_failure_;
  std::map<std::string, std::string, std::less<>> rx_metadata_;
  std::uint32_t tx_ordinal_ = 0;
  int depth_ = 0;
  bool flushing_ = false;
  bool flush_again_ = false;
  // drain() is handing the user what one read brought: tx() waits until it
  // is all handled, so nothing is written for a connection that the same
  // read already ended (the caller of drain() flushes after it).
  bool draining_ = false;
  // kNew until start(), kLive while the API acts, kDestroying while settle()
  // delivers the last states, then kDestroyed (phases.h, as a Stream's).
  stream::StreamPhase phase_ = stream::StreamPhase::kNew;
  // What callbacks asked for, done by settle() once no callback runs (as
  // Stream's requests; not phases: both can be pending at once).
  bool pending_destroy_ = false;
  bool pending_disconnect_ = false;
  bool closing_by_hand_ = false;  // settle() closes the link (DISCONNECT_ME): not "lost"
  std::string last_error_;
  bool hold_rx_ = false;
  // The connection state the user has seen (state_table.h tracking).
  stream::State seen_ = stream::State::kNone;
  bool read_paused_ = false;  // conn_'s reading is paused for hold_rx_
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ss::proxy
