#include "runtime/proxy/proxy_client.h"

#include <algorithm>
#include <type_traits>
#include <utility>
#include <variant>

#include "runtime/core/planted.h"
#include "runtime/stream/state_table.h"
#include "runtime/wire/frames.h"

namespace ss::proxy {

using stream::Ret;
using stream::State;

// Every entry point (a user call, a connection event, a timer) holds one:
// when the outermost one ends, what the callbacks asked for is done.
class ProxyClient::Depth {
 public:
  explicit Depth(ProxyClient* c) : c_(c) { ++c_->depth_; }
  ~Depth() {
    if (--c_->depth_ == 0) c_->settle();
  }
  Depth(const Depth&) = delete;
  Depth& operator=(const Depth&) = delete;

 private:
  ProxyClient* c_;
};

ProxyClient::ProxyClient(Loop& loop, Net& net, ProxyClientOptions options, ProxyClientCallbacks callbacks)
    : loop_(loop), net_(net), options_(std::move(options)), cb_(std::move(callbacks)), link_(options_.link) {}

ProxyClient::~ProxyClient() {
  *alive_ = false;
  if (retry_timer_) loop_.cancel(retry_timer_);
  if (deadline_timer_) loop_.cancel(deadline_timer_);
}

void ProxyClient::start() {
  if (phase_ == stream::StreamPhase::kNew) stream::move_to(phase_, stream::StreamPhase::kLive);
  std::weak_ptr<bool> alive = alive_;
  loop_.post([this, alive] {
    if (alive.expired() || destroyed() || conn_) return;
    Depth d(this);
    connect_now();
  });
}

void ProxyClient::connect_now() {
  retry_timer_ = {};
  if (destroyed()) return;
  conn_ = net_.connect(options_.proxy, {}, this);
  read_paused_ = false;
  apply_hold();
}

void ProxyClient::hold_rx(bool hold) {
  hold_rx_ = hold;
  apply_hold();
}

// The user's hold pauses reading only once CREATE_RESULT is in: the link's
// handshake has its own deadline and is not the user's rx.
void ProxyClient::apply_hold() {
  if (!conn_) return;
  const auto phase = link_.phase();
  const bool pause = hold_rx_ && phase != ClientLink::Phase::kDown && phase != ClientLink::Phase::kWaitCreateResult;
  if (pause == read_paused_) return;
  read_paused_ = pause;
  conn_->pause_reading(pause);
}

// --- the link to the proxy ---------------------------------------------------

void ProxyClient::on_connected() {
  Depth d(this);
  link_.link_up(loop_.now());
  flush();
  arm_deadline();
}

void ProxyClient::on_data(std::span<const std::uint8_t> bytes) {
  Depth d(this);
  link_.receive_from_proxy(bytes, loop_.now());
  drain();
  flush();
  arm_deadline();
  apply_hold();
}

void ProxyClient::on_writable() {
  Depth d(this);
  flush();
}

void ProxyClient::on_end(EndReason reason) {
  Depth d(this);
  const bool was_up = link_.phase() != ClientLink::Phase::kDown;
  close_link();
  if (was_up) {
    link_.receive_from_proxy({}, loop_.now());  // -> LinkLost
    drain();
    return;
  }
  link_failed(reason);
}

// A try to reach the proxy failed: say so, try again in link_retry.
void ProxyClient::link_failed(EndReason reason) {
  last_error_ = "cannot reach the SS proxy at " + to_string(options_.proxy) + ": " + end_reason_text(reason);
  const Micros now = loop_.now();
  if (!first_failure_) first_failure_ = now;
  const Micros ms = (now - *first_failure_) / kMicrosPerMilli;
  raise(State::kUpstreamLinkRetry,
        static_cast<std::uint32_t>(std::min<Micros>(ms, UINT32_MAX)));
  schedule_retry();
}

void ProxyClient::schedule_retry() {
  if (destroyed() || pending_destroy_ || retry_timer_ || conn_) return;
  std::weak_ptr<bool> alive = alive_;
  retry_timer_ = loop_.after(options_.link_retry, [this, alive] {
    if (alive.expired()) return;
    retry_timer_ = {};
    Depth d(this);
    connect_now();
  }, {"sspc", 0, "link retry"});
}

void ProxyClient::close_link() {
  if (deadline_timer_) loop_.cancel(deadline_timer_);
  deadline_timer_ = {};
  if (!conn_) return;
  conn_->close();
  // We may be inside this connection's own callback: free it from the loop.
  dead_conn_ = std::move(conn_);
  std::weak_ptr<bool> alive = alive_;
  loop_.post([this, alive] {
    if (!alive.expired()) dead_conn_.reset();
  });
}

void ProxyClient::arm_deadline() {
  if (deadline_timer_) loop_.cancel(deadline_timer_);
  deadline_timer_ = {};
  auto when = link_.next_deadline();
  if (!when || destroyed()) return;
  std::weak_ptr<bool> alive = alive_;
  deadline_timer_ = loop_.at(*when, [this, alive] {
    if (alive.expired()) return;
    deadline_timer_ = {};
    Depth d(this);
    link_.handle_timeout(loop_.now());
    drain();
    if (link_.phase() == ClientLink::Phase::kDown) close_link();
    flush();
    arm_deadline();
  }, {"sspc", 0, "frame deadline"});
}

// --- what the proxy said ---------------------------------------------------

void ProxyClient::drain() {
  const bool outer = draining_;
  draining_ = true;
  drain_events();
  draining_ = outer;
}

void ProxyClient::drain_events() {
  // Once the user destroyed the stream (lws_sspc_destroy, DESTROY_ME) it
  // hears nothing more but DESTROYING from settle(): the rest of the batch
  // is dropped with the link (corpus/sim-repro/world.seeds, world-heavy 1).
  // Once it answered DISCONNECT_ME, the rest belongs to the connection it
  // ended: settle() drops it with the link, and the user hears DISCONNECTED
  // next (default seeds 16, 34).
  // planted: the batch goes on to the user after it destroyed the stream
  const bool go_on = SS_PLANTED("sspc-events-after-destroy");
  while (!destroyed() && !(pending_destroy_ && !go_on) && !pending_disconnect_) {
    auto e = link_.next_event();
    if (!e) break;
    std::visit(
        [this](auto& ev) {
          using T = std::decay_t<decltype(ev)>;
          if constexpr (std::is_same_v<T, LinkCreated>) {
            raise(State::kCreating, 0);
          } else if constexpr (std::is_same_v<T, LinkCreateFailed>) {
            last_error_ = "the SS proxy refused streamtype '" + streamtype() + "'";
            pending_destroy_ = true;  // the proxy's policy has no such streamtype
          } else if constexpr (std::is_same_v<T, LinkState>) {
            State state = stream::to_state(static_cast<int>(ev.state));  // the wire's number
            // planted: the proxy's QOS_ACK_REMOTE reported as a NACK
            if (SS_PLANTED("sspc-ack-as-nack") && state == State::kQosAckRemote) state = State::kQosNackRemote;
            // planted: CONNECTED told twice when it follows a failure
            const bool twice = SS_PLANTED("sspc-connected-twice") && state == State::kConnected && !last_error_.empty();
            if (state == State::kConnected) last_error_.clear();
            if (state == State::kUnreachable || state == State::kAllRetriesFailed)
              last_error_ = "the SS proxy could not reach the endpoint (its log says why)";
            raise(state, ev.ordinal);
            if (twice) raise(state, ev.ordinal);
          } else if constexpr (std::is_same_v<T, LinkRx>) {
            if (cb_.rx) {
              rx_part_ = std::move(ev.rideshare);
              in_rx_ = true;
              const Ret r = cb_.rx(ev.payload, ev.flags);
              in_rx_ = false;
              apply(r);
            }
          } else if constexpr (std::is_same_v<T, LinkMetadata>) {
            if (!SS_PLANTED("sspc-rx-md-first") || !rx_metadata_.count(ev.name)) rx_metadata_[ev.name] = ev.value;
          } else if constexpr (std::is_same_v<T, LinkLost>) {
            // The proxy destroys the onward stream with the link: what the
            // user saw it doing is over (docs/states.md "Proxied streams").
            if (!closing_by_hand_) last_error_ = "link to the SS proxy lost";
            if (connection_up()) {
              raise(State::kDisconnected, 0);
            } else if (seen_ == State::kConnecting) {
              raise(State::kUnreachable, 0);
            }
            close_link();
            schedule_retry();
          }
        },
        *e);
  }
  if (link_.phase() == ClientLink::Phase::kLocalConnected || link_.phase() == ClientLink::Phase::kOperational)
    first_failure_.reset();
}

void ProxyClient::raise(State state, std::uint32_t ack) {
  if (destroyed()) return;
  apply(notify(state, ack));
}

Ret ProxyClient::notify(State state, std::uint32_t ack) {
  seen_ = stream::next_tracked(seen_, state);
  return cb_.state ? cb_.state(state, ack) : Ret::kOk;
}

// The user has seen the connection come up and not go down: CONNECTED or a
// state that follows it on the same connection (QOS_*, SERVER_*), the ones
// the table lets go to DISCONNECTED but not straight to DESTROYING
// (docs/states.md rule 3).
bool ProxyClient::connection_up() const {
  return seen_ != State::kNone && seen_ != State::kDestroying &&
         !stream::transition_legal(seen_, State::kDestroying) &&
         stream::transition_legal(seen_, State::kDisconnected);
}

void ProxyClient::apply(Ret r) {
  if (r == Ret::kDestroyMe) pending_destroy_ = true;
  if (r == Ret::kDisconnectMe) pending_disconnect_ = true;
}

void ProxyClient::settle() {
  if (destroyed()) return;
  if (pending_destroy_) {
    pending_destroy_ = false;
    ++depth_;  // DESTROYING's own answer changes nothing
    stream::move_to(phase_, stream::StreamPhase::kDestroying);
    if (retry_timer_) loop_.cancel(retry_timer_);
    retry_timer_ = {};
    close_link();
    // As a direct stream's destroy (docs/states.md rule 3): DISCONNECTED
    // first while the user's connection is up. Answers change nothing now.
    if (connection_up()) (void)notify(State::kDisconnected, 0);
    (void)notify(State::kDestroying, 0);
    stream::move_to(phase_, stream::StreamPhase::kDestroyed);
    --depth_;
    return;
  }
  if (pending_disconnect_) {
    pending_disconnect_ = false;
    ++depth_;
    if (conn_) {
      close_link();
      closing_by_hand_ = true;
      link_.close_by_client();  // the link is gone, by our hand
      drain();
      closing_by_hand_ = false;
    }
    --depth_;
    if (pending_destroy_ || pending_disconnect_) settle();
  }
}

// --- the user's side -------------------------------------------------------

void ProxyClient::flush() {
  // No tx() for a stream or connection the user has ended: settle() is
  // about to close the link (default seed 124: tx() after DESTROY_ME from
  // CONNECTED).
  if (!conn_ || destroyed() || draining_ || ended_by_user()) return;
  if (flushing_) {  // tx() asked for more from inside write(): go round again
    flush_again_ = true;
    return;
  }
  flushing_ = true;
  do {
    flush_again_ = false;
    flush_once();
  } while (flush_again_ && conn_ && !destroyed());
  flushing_ = false;
}

void ProxyClient::flush_once() {
  std::vector<std::uint8_t> out;
  auto tx = [this](std::span<std::uint8_t> buf, std::size_t* len, std::uint32_t* flags) {
    if (!cb_.tx) return TxAnswer::kDontSend;
    std::size_t l = 0;
    std::uint32_t f = 0;
    const Ret r = cb_.tx(tx_ordinal_++, buf, l, f);
    *len = std::min(l, buf.size());
    *flags = f;
    switch (r) {
      case Ret::kOk: return TxAnswer::kSend;
      case Ret::kDisconnectMe: return TxAnswer::kDisconnect;
      case Ret::kDestroyMe: return TxAnswer::kDestroy;
      default: return TxAnswer::kDontSend;
    }
  };
  for (;;) {
    if (!link_.wants_write()) break;
    const auto r = link_.take_proxy_bytes(&out, tx, loop_.now());
    if (r == ClientLink::WriteResult::kDisconnect) pending_disconnect_ = true;
    if (r == ClientLink::WriteResult::kDestroy) pending_destroy_ = true;
    if (r != ClientLink::WriteResult::kWrote) break;
  }
  if (!out.empty() && conn_) conn_->write(out);
}

void ProxyClient::request_tx() {
  if (destroyed()) return;
  Depth d(this);
  link_.request_tx(loop_.now());
  flush();
}

void ProxyClient::request_tx_len(std::uint32_t len) {
  if (destroyed()) return;
  Depth d(this);
  link_.set_tx_length(len);
  link_.request_tx(loop_.now());
  flush();
}

void ProxyClient::client_connect() {
  if (destroyed()) return;
  Depth d(this);
  link_.onward_connect();
  flush();
}

void ProxyClient::set_metadata(std::string name, std::string value) {
  if (destroyed()) return;
  Depth d(this);
  link_.set_metadata(std::move(name), std::move(value));  // the proxy checks it against its policy
  flush();
}

std::optional<std::string_view> ProxyClient::get_metadata(std::string_view name) const {
  auto it = rx_metadata_.find(name);
  if (it == rx_metadata_.end()) return std::nullopt;
  return std::string_view(it->second);
}

void ProxyClient::start_timeout(std::uint32_t ms) {
  if (destroyed()) return;
  Depth d(this);
  link_.set_timeout(ms);
  flush();
}

void ProxyClient::cancel_timeout() {
  if (destroyed()) return;
  Depth d(this);
  link_.set_timeout(wire::kTimeoutCancel);
  flush();
}

void ProxyClient::add_peer_tx_credit(std::int32_t add) {
  if (destroyed()) return;
  Depth d(this);
  link_.add_peer_tx_credit(add);
  flush();
}

void ProxyClient::destroy() {
  if (destroyed()) return;
  Depth d(this);
  pending_destroy_ = true;  // done by settle() when the outermost call ends
}

}  // namespace ss::proxy
