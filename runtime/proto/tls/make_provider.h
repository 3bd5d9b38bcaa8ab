// make_tls_provider(): the production TlsProvider of a context, one
// function with two implementations chosen at link time (docs/tls.md,
// "Where OpenSSL comes from"):
//   :direct_provider  OpenSslTlsProvider in this process (everything Bazel
//                     builds: tests, tools, the static libsecurestreams.a).
//   :plugin_provider  a provider that dlopen()s libsecurestreams-tls.so.N,
//                     found beside the library itself, the first time a
//                     session is asked for (the packaged shared library, so
//                     a process that never opens a TLS stream never maps
//                     OpenSSL). A missing or broken plugin fails that
//                     session with ErrorCode::kTls naming the file and
//                     dlerror(); the stream ends with a TLS failure.
// Link exactly one of them.
#pragma once

#include <memory>

#include "runtime/core/tls.h"

namespace ss::proto {

std::unique_ptr<TlsProvider> make_tls_provider();

}  // namespace ss::proto
