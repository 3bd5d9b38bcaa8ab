// EngineEvent: a structured account of what the stream engine does, for
// checkers that judge the engine's behaviour (the simulator's engine
// checker, sim/testing/engine_checker.h) rather than only its crashes.
//
// Set Hooks::observe to receive them; unset, the engine builds nothing (one
// branch per event). Events are reported synchronously, in order, on the
// loop's thread; the observer must not call back into the engine.
//
// What is reported (docs/states.md says what each should lead to):
//   kState   the engine is about to call the state callback (state, ack);
//   kRx/kTx  ... the rx / tx callback;
//   kAnswer  the callback of kind `of` returned `ret` (DISCONNECT_ME and
//            DESTROY_ME must be obeyed);
//   kBackoff the retry budget was charged with one failure: the 16 random
//            bits drawn for the jitter, the Retry-After floor and the
//            budget's decision (delay, or give up, or already given up);
//   kEnd     a connection attempt ended, with the binding's facts the
//            reconnect rule needs (was it CONNECTED, did a transaction
//            complete, did the peer say "come back later") and the
//            transport's end reason;
//   kDestroy the stream's destruction begins (DISCONNECTED, if connected,
//            then DESTROYING follow);
//   kTimeoutArm / kTimeoutCancel  the user timer (start_timeout) was asked
//            for / an armed one was disarmed (TIMEOUT is then not due).
#pragma once

#include <cstdint>

#include "runtime/core/net.h"
#include "runtime/policy/policy.h"
#include "runtime/stream/states.h"

namespace ss::stream {

struct EngineEvent {
  enum class Kind { kState, kRx, kTx, kAnswer, kBackoff, kEnd, kDestroy, kTimeoutArm, kTimeoutCancel };
  EngineEvent() = default;
  explicit EngineEvent(Kind k) : kind(k) {}
  Kind kind = Kind::kState;
  std::uint64_t stream = 0;
  const policy::Streamtype* streamtype = nullptr;
  // kState
  int state = 0;
  std::uint32_t ack = 0;
  // kAnswer
  Kind of = Kind::kState;
  int answered_state = 0;  // when of == kState
  Ret ret = Ret::kOk;
  // kBackoff
  std::uint16_t rand16 = 0;
  std::uint32_t floor_ms = 0;
  std::uint32_t delay_ms = 0;
  bool give_up = false;
  bool already_gave_up = false;
  // kTimeoutArm: what the user asked start_timeout for (0: the policy's
  // timeout_ms), so a checker can work out when TIMEOUT is due on its own.
  std::uint32_t asked_ms = 0;
  // kEnd
  bool was_connected = false;
  bool txn_ok = false;
  bool retry_asked = false;
  bool locally = false;
  EndReason reason = EndReason::kClosedLocally;  // how it ended (a DNS failure: UNREACHABLE's ack is 1)
};

}  // namespace ss::stream
