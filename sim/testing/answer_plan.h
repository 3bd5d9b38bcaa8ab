// AnswerPlan: which of a scenario stream's callbacks answer DISCONNECT_ME
// or DESTROY_ME, drawn from the seed and printed by describe(), so that the
// engine checker (engine_checker.h) sees those return codes obeyed or not.
//
//   disconnect: every k-th call of rx, tx or the state callback for one
//               state answers DISCONNECT_ME;
//   destroy:    the n-th such call answers DESTROY_ME.
//
// Half the draws are "none": those streams behave as if no plan existed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/core/rng.h"
#include "runtime/stream/states.h"

namespace ss::sim {

class AnswerPlan {
 public:
  enum class From { kNone, kRx, kTx, kState };

  AnswerPlan() = default;
  // A fixed plan (the fields of a WorldSpec's AnswerSpec): DISCONNECT_ME on
  // every `disconnect_every`-th call of `disconnect_from` (its state number
  // for kState), DESTROY_ME on the `destroy_at`-th call of `destroy_from`.
  AnswerPlan(From disconnect_from, int disconnect_state, int disconnect_every, From destroy_from, int destroy_state,
             int destroy_at)
      : disconnect_from_(disconnect_from),
        disconnect_state_(disconnect_state),
        disconnect_every_(disconnect_every < 1 ? 1 : disconnect_every),
        destroy_from_(destroy_from),
        destroy_state_(destroy_state),
        destroy_at_(destroy_at) {}

  // `states`: the states a state-callback answer may be tied to.
  static AnswerPlan draw(Rng& r, bool has_tx, const std::vector<stream::State>& states) {
    AnswerPlan p;
    if (!r.chance(1, 2)) return p;
    auto from = [&](int& state) {
      const auto k = r.below(has_tx ? 3 : 2);
      if (k == 2) return From::kTx;
      if (k == 1) {
        state = static_cast<int>(states[r.below(states.size())]);
        return From::kState;
      }
      return From::kRx;
    };
    if (r.chance(2, 3)) {
      p.disconnect_from_ = from(p.disconnect_state_);
      p.disconnect_every_ = static_cast<int>(r.between(1, 6));
    }
    if (r.chance(1, 2)) {
      p.destroy_from_ = from(p.destroy_state_);
      p.destroy_at_ = static_cast<int>(r.between(1, 10));
    }
    return p;
  }

  bool active() const { return disconnect_from_ != From::kNone || destroy_from_ != From::kNone; }

  // " answers: DISCONNECT_ME every 3rd rx, DESTROY_ME at the 2nd CONNECTED" or "".
  std::string describe() const {
    if (!active()) return "";
    std::string out = " answers:";
    if (disconnect_from_ != From::kNone)
      out += " DISCONNECT_ME every " + std::to_string(disconnect_every_) + " " + from_name(disconnect_from_, disconnect_state_);
    if (destroy_from_ != From::kNone)
      out += " DESTROY_ME at call " + std::to_string(destroy_at_) + " of " + from_name(destroy_from_, destroy_state_);
    return out;
  }

  stream::Ret on_rx() { return answer(From::kRx, 0); }
  stream::Ret on_tx() { return answer(From::kTx, 0); }
  stream::Ret on_state(int state) { return answer(From::kState, state); }

 private:
  static std::string from_name(From f, int state) {
    switch (f) {
      case From::kRx: return "rx";
      case From::kTx: return "tx";
      case From::kState: return stream::state_name(state);
      case From::kNone: break;
    }
    return "-";
  }
  stream::Ret answer(From f, int state) {
    stream::Ret r = stream::Ret::kOk;
    if (disconnect_from_ == f && disconnect_state_ == state && ++disconnect_calls_ % disconnect_every_ == 0)
      r = stream::Ret::kDisconnectMe;
    if (destroy_from_ == f && destroy_state_ == state && ++destroy_calls_ == destroy_at_) r = stream::Ret::kDestroyMe;
    return r;
  }

  From disconnect_from_ = From::kNone;
  int disconnect_state_ = 0;
  int disconnect_every_ = 1;
  int disconnect_calls_ = 0;
  From destroy_from_ = From::kNone;
  int destroy_state_ = 0;
  int destroy_at_ = 0;
  int destroy_calls_ = 0;
};

}  // namespace ss::sim
