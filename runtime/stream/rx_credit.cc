// Manual rx credit and held rx (docs/api.md "Sending and receiving"): rx
// beyond the peer's tx credit is held, with the states queued behind it, and
// delivered as credit comes; reading pauses while much is held or the
// consumer holds rx. Stream member functions (stream.h).
#include <algorithm>
#include <string>

#include "runtime/core/planted.h"
#include "runtime/stream/attempt.h"
#include "runtime/stream/context.h"
#include "runtime/stream/stream.h"

namespace ss::stream {

void Stream::add_peer_tx_credit(std::int32_t add) {
  if (destroy_started()) return;
  std::int64_t sum = static_cast<std::int64_t>(est_credit_) + add;
  // planted: the sum wraps past INT32_MAX (a generous grant holds everything)
  est_credit_ = SS_PLANTED("credit-wrap") ? static_cast<std::int32_t>(static_cast<std::uint32_t>(sum))
                                           : static_cast<std::int32_t>(std::clamp<std::int64_t>(sum, INT32_MIN, INT32_MAX));
  if (attempt_ && attempt_->binding_) attempt_->binding_->on_peer_tx_credit(add);
  if (holding_rx() && !flush_posted_) {
    flush_posted_ = true;
    ctx_.loop().post(guarded(&Stream::flush_held_rx));
  }
}

HostVerdict Stream::deliver_rx(std::span<const std::uint8_t> bytes, std::uint32_t flags) {
  if (manual_credit_ && (holding_rx() || est_credit_ < static_cast<std::int64_t>(bytes.size()))) {
    std::size_t fit = !holding_rx() && est_credit_ > 0 ? static_cast<std::size_t>(est_credit_) : 0;
    fit = std::min(fit, bytes.size());
    Extras& x = extras();
    if (x.held_bytes + (bytes.size() - fit) > kMaxHeldRx) {
      ctx_.log("stream " + std::to_string(id_) + ": peer exceeded its tx credit by more than " +
               std::to_string(kMaxHeldRx) + " bytes; closing the connection and dropping the " +
               std::to_string(x.held_bytes) + " bytes held");
      pending_disconnect_ = true;
      drop_held_ = true;
      return HostVerdict::kStop;
    }
    std::uint32_t tail_flags = flags;
    if (fit > 0) {
      tail_flags &= ~static_cast<std::uint32_t>(kFlagSom);
      x.held.push_back(Held{std::vector<std::uint8_t>(bytes.begin() + fit, bytes.end()), tail_flags, State::kNone});
      x.held_bytes += bytes.size() - fit;
      bytes = bytes.first(fit);
      flags &= ~static_cast<std::uint32_t>(kFlagEom);
    } else {
      x.held.push_back(Held{std::vector<std::uint8_t>(bytes.begin(), bytes.end()), flags, State::kNone});
      x.held_bytes += bytes.size();
      update_rx_pause();
      return HostVerdict::kContinue;
    }
    update_rx_pause();
  }
  if (manual_credit_) est_credit_ -= static_cast<std::int32_t>(bytes.size());
  if (ctx_.observing()) observe(EngineEvent(EngineEvent::Kind::kRx));
  Ret r = handlers_->has_rx() ? handlers_->rx(bytes, flags) : Ret::kOk;
  observe_answer(EngineEvent::Kind::kRx, r);
  apply(r);
  if (SS_PLANTED("rx-after-destroy") && pending_destroy_) return HostVerdict::kContinue;  // planted: read on
  return stopping() ? HostVerdict::kStop : HostVerdict::kContinue;
}

bool Stream::hold_state(State state) {
  if (!holding_rx()) return false;
  extras_->held.push_back(Held{{}, 0, state});
  return true;
}

void Stream::drop_held() {
  if (!extras_) return;  // nothing was ever held
  if (!extras_->held.empty() && !destroyed()) {
    ctx_.trace("ss.rxflow", "ss" + std::to_string(id_) + " drop " + std::to_string(extras_->held_bytes));
  }
  extras_->held.clear();
  extras_->held_bytes = 0;
}

// Delivers what was held, in order, as far as the credit goes: rx (an
// empty rx, e.g. a lone EOM, needs no credit) and the states queued behind
// it; then, once nothing is held, the end of a connection that ended
// meanwhile.
void Stream::flush_held_rx() {
  flush_posted_ = false;
  while (holding_rx() && !stopping()) {
    std::list<Held>& held = extras_->held;
    Held& h = held.front();
    if (h.state != State::kNone) {
      const State state = h.state;
      held.pop_front();
      raise(state);
      continue;
    }
    if (!h.data.empty() && est_credit_ <= 0) break;
    std::size_t n = std::min<std::size_t>(h.data.size(), static_cast<std::size_t>(std::max<std::int32_t>(est_credit_, 0)));
    std::uint32_t f = h.flags;
    std::vector<std::uint8_t> chunk(h.data.begin(), h.data.begin() + static_cast<std::ptrdiff_t>(n));
    if (n < h.data.size()) {
      // planted: the message's EOM also on a partial chunk of it
      if (!SS_PLANTED("held-rx-split-eom")) f &= ~static_cast<std::uint32_t>(kFlagEom);
      h.data.erase(h.data.begin(), h.data.begin() + static_cast<std::ptrdiff_t>(n));
      h.flags &= ~static_cast<std::uint32_t>(kFlagSom);
    } else {
      held.pop_front();
    }
    extras_->held_bytes -= n;
    est_credit_ -= static_cast<std::int32_t>(n);
    if (ctx_.observing()) observe(EngineEvent(EngineEvent::Kind::kRx));
    Ret r = handlers_->has_rx() ? handlers_->rx(chunk, f) : Ret::kOk;
    observe_answer(EngineEvent::Kind::kRx, r);
    apply(r);
  }
  update_rx_pause();
  if (!holding_rx() && end_later() && !stopping()) {
    const EndLater e = *extras_->end_later;
    extras_->end_later.reset();
    report_connected_end(e.reconnect);
  }
}

void Stream::hold_rx(bool hold) {
  if (destroyed() || hold == hold_rx_) return;
  hold_rx_ = hold;
  update_rx_pause();
}

// Flow control: stop reading while the consumer holds rx (hold_rx), or
// while much rx is held back for lack of manual credit.
void Stream::update_rx_pause() {
  Connection* conn = attempt_ && attempt_->transport_up() ? attempt_->conn_.get() : nullptr;
  const bool pause = hold_rx_ || held_bytes() >= kHeldRxPauseAt || (rx_paused_ && held_bytes() >= kHeldRxResumeBelow);
  // planted: reading paused for held rx never resumes
  if (SS_PLANTED("held-rx-no-resume") && rx_paused_ && !pause) return;
  if (pause == rx_paused_ || !conn) {
    if (!conn) rx_paused_ = false;
    return;
  }
  rx_paused_ = pause;
  conn->pause_reading(pause);
  ctx_.trace("ss.rxflow", "ss" + std::to_string(id_) + (pause ? " pause " : " resume ") +
                              std::to_string(held_bytes()));
}

}  // namespace ss::stream
