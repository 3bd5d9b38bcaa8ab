#include "runtime/stream/state_table.h"

#include <cstdint>

namespace ss::stream {
namespace {

constexpr std::uint32_t bit(State s) { return 1u << static_cast<int>(s); }

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

bool is_out_of_band(int to) {
  return to == static_cast<int>(State::kTimeout) ||
         to == static_cast<int>(State::kEventWaitCancelled) ||
         to == static_cast<int>(State::kUpstreamLinkRetry) ||
         to == static_cast<int>(State::kSinkJoin) || to == static_cast<int>(State::kSinkPart) ||
         to >= static_cast<int>(State::kUserBase);
}

bool transition_legal(State from, int to) {
  const int f = static_cast<int>(from);
  if (f < 0 || f > kLastBuiltinState) return false;
  // UPSTREAM_LINK_RETRY also before CREATING: an SSPC stream hears it while
  // it has no link to the proxy, and CREATING comes with CREATE_RESULT.
  if (to == static_cast<int>(State::kUpstreamLinkRetry)) return from != State::kDestroying;
  if (is_out_of_band(to)) return from != State::kNone && from != State::kDestroying;
  if (to < 1 || to > kLastBuiltinState) return false;
  return (kAllowed[f] >> to) & 1u;
}

State next_tracked(State from, int to) {
  return is_out_of_band(to) ? from : static_cast<State>(to);
}

}  // namespace ss::stream
