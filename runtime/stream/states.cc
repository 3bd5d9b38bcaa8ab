#include "runtime/stream/states.h"

#include <ostream>

namespace ss::stream {

const char* state_name(int state) {
  static constexpr const char* kNames[] = {
      "(none)",          "CREATING",           "DISCONNECTED",    "UNREACHABLE",
      "AUTH_FAILED",     "CONNECTED",          "CONNECTING",      "DESTROYING",
      "POLL",            "ALL_RETRIES_FAILED", "QOS_ACK_REMOTE",  "QOS_NACK_REMOTE",
      "QOS_ACK_LOCAL",   "QOS_NACK_LOCAL",     "TIMEOUT",         "SERVER_TXN",
      "SERVER_UPGRADE",  "EVENT_WAIT_CANCELLED", "UPSTREAM_LINK_RETRY", "SINK_JOIN",
      "SINK_PART",
  };
  if (state >= 0 && state <= kLastBuiltinState) return kNames[state];
  if (state >= to_int(State::kUserBase)) return "USER_STATE";
  return "UNKNOWN";
}

const char* ret_name(Ret r) {
  switch (r) {
    case Ret::kTxDontSend: return "TX_DONT_SEND";
    case Ret::kOk: return "OK";
    case Ret::kDisconnectMe: return "DISCONNECT_ME";
    case Ret::kDestroyMe: return "DESTROY_ME";
  }
  return "UNKNOWN";
}

std::ostream& operator<<(std::ostream& os, State s) {
  os << state_name(s);
  if (is_user_state(s)) os << '(' << to_int(s) << ')';
  return os;
}

Ret worse(Ret a, Ret b) {
  auto rank = [](Ret r) {
    return r == Ret::kDestroyMe ? 3 : r == Ret::kDisconnectMe ? 2 : r == Ret::kTxDontSend ? 1 : 0;
  };
  return rank(a) >= rank(b) ? a : b;
}

}  // namespace ss::stream
