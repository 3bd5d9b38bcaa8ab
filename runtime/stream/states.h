// Stream states and callback return codes, with lws_ss_constate_t's numbers
// (docs/secure-streams.md §2.1, §2.2). The numbers are part of the wire protocol and the C API.
#pragma once

#include <cstdint>
#include <iosfwd>

namespace ss::stream {

// lws_ss_constate_t values. User states start at kUserBase (1000).
enum class State : int {
  kNone = 0,  // before CREATING (never raised)
  kCreating = 1,
  kDisconnected = 2,
  kUnreachable = 3,
  kAuthFailed = 4,
  kConnected = 5,
  kConnecting = 6,
  kDestroying = 7,
  kPoll = 8,
  kAllRetriesFailed = 9,
  kQosAckRemote = 10,
  kQosNackRemote = 11,
  kQosAckLocal = 12,
  kQosNackLocal = 13,
  kTimeout = 14,
  kServerTxn = 15,
  kServerUpgrade = 16,
  kEventWaitCancelled = 17,
  kUpstreamLinkRetry = 18,
  kSinkJoin = 19,
  kSinkPart = 20,
  kUserBase = 1000,
};

inline constexpr int kLastBuiltinState = 20;

// The engine, the proxy and the simulator pass State; its number is for
// the C API, the wire and traces only. Every int is a State (the underlying
// type is fixed): user states are kUserBase + n.
constexpr int to_int(State s) { return static_cast<int>(s); }
constexpr State to_state(int number) { return static_cast<State>(number); }
constexpr bool is_user_state(State s) { return to_int(s) >= to_int(State::kUserBase); }

// lws_ss_state_return_t.
enum class Ret : int {
  kTxDontSend = 1,
  kOk = 0,
  kDisconnectMe = -1,
  kDestroyMe = -2,
};

// "CREATING", ..., "USER_STATE" for >= 1000, "UNKNOWN" otherwise. Never null.
const char* state_name(int state);
inline const char* state_name(State s) { return state_name(to_int(s)); }

const char* ret_name(Ret r);

// Prints the state's name ("CONNECTED"; user states as USER_STATE(1001)),
// so test failures and logs read as states, not numbers.
std::ostream& operator<<(std::ostream& os, State s);

// The more severe of two return codes (DESTROY_ME > DISCONNECT_ME > others).
Ret worse(Ret a, Ret b);

// Flags of lws_ss_info_t (LWSSSINFLAGS_*).
enum InfoFlag : std::uint8_t {
  kInfoRegisterSink = 1u << 0,
  kInfoProxied = 1u << 1,
  kInfoServer = 1u << 2,
  kInfoAccepted = 1u << 3,
  kInfoAcceptedSink = 1u << 4,
};

}  // namespace ss::stream
