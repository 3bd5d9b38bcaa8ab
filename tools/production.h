// The production runtime the command-line tools run on: the posix backend
// (epoll loop, sockets, c-ares), OpenSSL TLS, every built-in protocol
// binding, and a policy loaded from a file (or inline JSON text).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/policy/parse.h"
#include "runtime/posix/epoll_loop.h"
#include "runtime/posix/posix_net.h"
#include "runtime/proto/tls/make_provider.h"
#include "runtime/stream/context.h"

namespace ss::tools {

class ProductionRuntime {
 public:
  // `policy` is a path, or JSON text when it starts with '{'. Policy
  // diagnostics (errors and warnings) are appended to *diagnostics, each
  // "FILE:LINE:COL: error: PATH: ..." (policy::format_diagnostic). A file
  // that cannot be read is an ErrorCode::kIo error (exit kExitFile).
  static Result<std::unique_ptr<ProductionRuntime>> create(std::string_view policy,
                                                           stream::Hooks hooks,
                                                           std::vector<std::string>* diagnostics);

  posix::EpollLoop& loop() { return loop_; }
  posix::PosixNet& net() { return net_; }
  stream::Context& context() { return *context_; }

 private:
  ProductionRuntime() = default;

  posix::EpollLoop loop_;
  posix::PosixNet net_{loop_};
  std::unique_ptr<TlsProvider> tls_ = proto::make_tls_provider();
  std::unique_ptr<stream::Context> context_;
};

// Registers every built-in protocol binding and the TLS transport.
void register_builtin_protocols(stream::Context& ctx);

}  // namespace ss::tools
