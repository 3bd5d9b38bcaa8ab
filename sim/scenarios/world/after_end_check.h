// AfterEndCheck: what a stream's user may still hear once it has ended the
// stream or its connection, judged from the callbacks alone, so it holds
// the same for every port the world drives a stream through (the C++
// engine, a ProxyClient, lws_ss_*, lws_sspc_*: the engine checker sees only
// the first and third):
//
//   [after-destroy]     once the user destroyed the stream (destroy(),
//                       lws_ss_destroy, lws_sspc_destroy, or DESTROY_ME from
//                       any callback) it hears DISCONNECTED (only if its
//                       connection was up, docs/states.md rule 3) and then
//                       DESTROYING (rule 2), nothing else: no rx, no tx, no
//                       other state, not even one the peer had already sent;
//   [after-disconnect]  once the user answered DISCONNECT_ME from rx, tx or a
//                       state callback (not DISCONNECTED's) while CONNECTED,
//                       it hears no rx and no tx, and no state but
//                       QOS_ACK_REMOTE / QOS_NACK_REMOTE (the transaction's
//                       verdict), until DISCONNECTED ends that connection
//                       (docs/api.md "Return codes": what that connection
//                       still had for the user goes with it).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "runtime/stream/binding.h"
#include "runtime/stream/states.h"

namespace ss::sim::world {

class AfterEndCheck {
 public:
  using Report = std::function<void(const char* id, const std::string& text)>;
  explicit AfterEndCheck(Report report) : report_(std::move(report)) {}

  // At the start of each callback: `state` for the state callback, nullopt
  // for rx / tx (`what` names it); `connected`: the user has seen CONNECTED
  // and no DISCONNECTED since.
  void hear(const char* what, std::optional<stream::State> state, bool connected);
  // What the user answered that callback.
  void answered(const char* what, std::optional<stream::State> state, stream::Ret r, bool connected);
  // The user destroys the stream by a call (outside or inside a callback).
  void destroy_called() { ended_by("destroy()"); }

 private:
  void ended_by(std::string how);

  Report report_;
  std::optional<std::string> destroyed_by_;   // how the user destroyed it
  std::optional<std::string> disconnect_by_;  // the DISCONNECT_ME not yet followed by DISCONNECTED
  bool disconnected_after_destroy_ = false;
};

}  // namespace ss::sim::world
