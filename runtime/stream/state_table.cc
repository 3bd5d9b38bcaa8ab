#include "runtime/stream/state_table.h"

#include <cstdint>

namespace ss::stream {
namespace {

constexpr std::uint32_t bit(State s) { return 1u << to_int(s); }

// Allowed next connection states, indexed by the tracked state.
// Changes against lws (docs/secure-streams.md §6, docs/states.md): a reconnect never re-enters
// CREATING; CONNECTED never goes straight to POLL (DISCONNECTED comes first);
// DISCONNECTED may go to ALL_RETRIES_FAILED (lws #2736); a stream whose
// connection is up says DISCONNECTED before DESTROYING.
constexpr std::uint32_t kAllowed[kLastBuiltinState + 1] = {
    /* (none): DESTROYING for an SSPC stream destroyed or refused before
       CREATE_RESULT (lws: (0) -> DESTROYING) */
    bit(State::kCreating) | bit(State::kDestroying),
    /* CREATING */
    bit(State::kConnecting) | bit(State::kPoll) | bit(State::kServerUpgrade) |
        bit(State::kDestroying),
    /* DISCONNECTED */
    bit(State::kPoll) | bit(State::kConnecting) | bit(State::kAllRetriesFailed) |
        bit(State::kDestroying),
    /* UNREACHABLE */
    bit(State::kPoll) | bit(State::kConnecting) | bit(State::kAllRetriesFailed) |
        bit(State::kDestroying),
    /* AUTH_FAILED */
    bit(State::kDisconnected) | bit(State::kPoll) | bit(State::kConnecting) |
        bit(State::kAllRetriesFailed) | bit(State::kDestroying),
    /* CONNECTED */
    bit(State::kDisconnected) | bit(State::kQosAckRemote) | bit(State::kQosNackRemote) |
        bit(State::kQosAckLocal) | bit(State::kQosNackLocal) | bit(State::kAuthFailed) |
        bit(State::kConnecting) | bit(State::kServerTxn) | bit(State::kServerUpgrade),
    /* CONNECTING */
    bit(State::kConnected) | bit(State::kUnreachable) | bit(State::kAuthFailed) |
        bit(State::kDestroying),
    /* DESTROYING */ 0,
    /* POLL */ bit(State::kConnecting) | bit(State::kDestroying),
    /* ALL_RETRIES_FAILED */
    bit(State::kPoll) | bit(State::kConnecting) | bit(State::kDestroying),
    /* QOS_ACK_REMOTE */
    bit(State::kDisconnected) | bit(State::kConnecting) | bit(State::kQosAckRemote) |
        bit(State::kQosNackRemote),
    /* QOS_NACK_REMOTE */
    bit(State::kDisconnected) | bit(State::kConnecting) | bit(State::kQosAckRemote) |
        bit(State::kQosNackRemote),
    /* QOS_ACK_LOCAL */ bit(State::kDisconnected) | bit(State::kConnecting),
    /* QOS_NACK_LOCAL */ bit(State::kDisconnected) | bit(State::kConnecting),
    /* TIMEOUT (never tracked) */ 0,
    /* SERVER_TXN */
    bit(State::kServerTxn) | bit(State::kServerUpgrade) | bit(State::kDisconnected),
    /* SERVER_UPGRADE */
    bit(State::kServerTxn) | bit(State::kServerUpgrade) | bit(State::kDisconnected),
    /* EVENT_WAIT_CANCELLED .. SINK_PART (never tracked) */ 0, 0, 0, 0,
};

}  // namespace

bool is_out_of_band(State to) {
  switch (to) {
    case State::kTimeout:
    case State::kEventWaitCancelled:
    case State::kUpstreamLinkRetry:
    case State::kSinkJoin:
    case State::kSinkPart:
      return true;
    default:
      return is_user_state(to);
  }
}

bool transition_legal(State from, State to) {
  const int f = to_int(from);
  if (f < 0 || f > kLastBuiltinState) return false;
  // UPSTREAM_LINK_RETRY also before CREATING: an SSPC stream hears it while
  // it has no link to the proxy, and CREATING comes with CREATE_RESULT.
  if (to == State::kUpstreamLinkRetry) return from != State::kDestroying;
  if (is_out_of_band(to)) return from != State::kNone && from != State::kDestroying;
  const int t = to_int(to);
  if (t < 1 || t > kLastBuiltinState) return false;
  return (kAllowed[f] >> t) & 1u;
}

State next_tracked(State from, State to) { return is_out_of_band(to) ? from : to; }

}  // namespace ss::stream
