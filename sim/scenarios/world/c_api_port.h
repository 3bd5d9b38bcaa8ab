// The world's C API client processes (docs/sim.md "C API streams in the
// world"): a stream with StreamSpec::api == kCApi is driven by its actor
// through <libwebsockets.h>, as a C application drives it: lws_ss_create
// with a user object, the ss_info callbacks answering LWSSSSRET_*, and
// lws_ss_* (direct) or lws_sspc_* (via the SS proxy) for everything else.
// Each kind of process has one lws_context on host "client", made through
// the C API's simulator backend (sim/testing/c_backend.h).
//
// What the C layer adds to the world's checks ([c-api]):
//   - every answer a C callback gave reaches the engine as that answer
//     (the engine observer's kAnswer against the callback's own return);
//   - every state the engine raises reaches the C callback as that state;
//   - the user object is the one lws_ss_to_user_object names, with the
//     handle written at handle_offset.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/tls.h"
#include "runtime/policy/policy.h"
#include "runtime/stream/observer.h"
#include "sim/scenarios/world/world_actor.h"
#include "sim/testing/engine_checker.h"
#include "sim/world.h"

struct lws_context;

namespace ss::sim::world {

class CApiProcess {
 public:
  // A process whose streams live in its own context, under the world's
  // policy `policy_json` (lws_ss_*), checked by an EngineChecker that
  // reads the same policy as `policy`.
  static std::unique_ptr<CApiProcess> direct(World& world, int host, const std::string& policy_json,
                                             std::shared_ptr<const policy::Policy> policy, std::uint64_t seed,
                                             TlsProvider* tls);
  // A process without a policy whose streams live in the SS proxy listening
  // on tcp `proxy_host`:`proxy_port` (lws_sspc_*).
  static std::unique_ptr<CApiProcess> sspc(World& world, int host, const std::string& proxy_host,
                                           std::uint16_t proxy_port);
  ~CApiProcess();  // lws_context_destroy: every stream still live hears DESTROYING
  CApiProcess(const CApiProcess&) = delete;
  CApiProcess& operator=(const CApiProcess&) = delete;

  // Creates `actor`'s stream of `streamtype` and attaches its port; false
  // (reported) if lws_ss_create / lws_sspc_create refused.
  bool create(Actor& actor, const std::string& streamtype, int manual_initial_tx_credit);
  // After the run: the engine checker's end-of-run checks (direct only).
  void finish();

  // For the ports' C callbacks: the answer a callback gave, and the state
  // number it was handed (checked against what the engine observed).
  void said(stream::EngineEvent::Kind of, stream::Ret ret);
  void heard_state(int state);
  World& world() { return world_; }

 private:
  CApiProcess(World& world, bool via_proxy) : world_(world), via_proxy_(via_proxy) {}
  void observe(const stream::EngineEvent& e);
  void violation(const std::string& text);

  World& world_;
  bool via_proxy_;
  std::string policy_json_;  // lws_context_creation_info points at it
  std::unique_ptr<EngineChecker> checker_;
  lws_context* context_ = nullptr;
  struct Answer {
    stream::EngineEvent::Kind of;
    stream::Ret ret;
  };
  // Answers given and not yet observed (a stack: a callback's answer is
  // observed right after it returns, after any callback nested inside it).
  std::vector<Answer> said_;
  std::optional<int> raised_;  // the state the engine is about to hand a callback
  bool closing_ = false;       // teardown: callbacks no longer reach ports
};

}  // namespace ss::sim::world
