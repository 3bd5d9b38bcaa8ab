#include "sim/scenarios/world/after_end_check.h"

namespace ss::sim::world {

using stream::Ret;
using stream::State;

namespace {

std::string heard(const char* what, std::optional<State> state) {
  return state ? std::string(stream::state_name(*state)) : std::string(what) + " callback";
}

}  // namespace

void AfterEndCheck::ended_by(std::string how) {
  if (!destroyed_by_) destroyed_by_ = std::move(how);
}

void AfterEndCheck::hear(const char* what, std::optional<State> state, bool connected) {
  if (destroyed_by_) {
    // Rule 3: the connection the user saw up is reported gone, once, first.
    const bool last_disconnect = state == State::kDisconnected && connected && !disconnected_after_destroy_;
    if (last_disconnect) disconnected_after_destroy_ = true;
    if (!last_disconnect && state != State::kDestroying)
      report_("after-destroy", heard(what, state) + " after the user destroyed the stream (" + *destroyed_by_ +
                                   "): only DISCONNECTED (connection up) and DESTROYING may follow");
    return;
  }
  if (!disconnect_by_) return;
  if (state == State::kDisconnected) {
    disconnect_by_.reset();
    return;
  }
  if (state == State::kQosAckRemote || state == State::kQosNackRemote) return;
  report_("after-disconnect", heard(what, state) + " after DISCONNECT_ME from " + *disconnect_by_ +
                                  ", before DISCONNECTED");
  disconnect_by_.reset();  // once per DISCONNECT_ME
}

void AfterEndCheck::answered(const char* what, std::optional<State> state, Ret r, bool connected) {
  if (state == State::kDestroying) return;  // answers change nothing now
  if (r == Ret::kDestroyMe) ended_by(std::string("DESTROY_ME from ") + heard(what, state));
  if (r == Ret::kDisconnectMe && connected && state != State::kDisconnected && !destroyed_by_ && !disconnect_by_)
    disconnect_by_ = heard(what, state);
}

}  // namespace ss::sim::world
