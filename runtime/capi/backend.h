// Backend: what the C API's lws_context runs on — a Loop, a Net, optionally
// TLS, a way to turn the loop (lws_service) and the policy loader.
//
// Production: the posix backend (runtime/posix, helper "posix"). Tests: the
// simulator (sim/testing/c_backend.h). A backend is
// chosen by the C entry point used to create the context (see
// runtime/include/ss/backend_c.h); lws_create_context() alone means posix.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"
#include "runtime/core/result.h"
#include "runtime/core/tls.h"
#include "runtime/policy/policy.h"
#include "runtime/stream/context.h"

namespace ss::stream {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Loop& loop() = 0;
  virtual Net& net() = 0;
  virtual TlsProvider* tls() { return nullptr; }
  virtual std::uint64_t seed() const { return 0; }
  // One turn of the loop for lws_service(): run what is due, waiting at most
  // `timeout_ms` (virtual time in simulated backends). Returns < 0 when
  // nothing can ever happen again (idle), else 0.
  virtual int service(int timeout_ms) = 0;
  // The process id an lws_sspc_* stream names to its proxy (STREAMTYPE
  // frame): getpid(); a simulated backend gives a fixed one, since the
  // frame's bytes are part of a reproducible run.
  virtual std::uint32_t process_id() const;
  // Thread-safe wake-up for lws_cancel_service (may be a no-op).
  virtual void wake() {}
  // Hooks for trace / invariant reports (the simulator fills them).
  virtual Hooks hooks() { return {}; }
  // Turns pss_policies_json (JSON text, or a file path when it does not start
  // with '{') into a Policy; the error lists every policy diagnostic.
  virtual Result<std::shared_ptr<const policy::Policy>> load_policy(std::string_view text);
  // Registers protocol bindings and the TLS transport on a new context.
  virtual void setup(Context& ctx);
};

}  // namespace ss::stream
