// The TLS transport hook for the engine (Context::set_tls_transport): a
// streamtype with "tls": true connects through runtime/proto/tls's
// connect_tls over the context's Net, verifying against the policy's trust
// store (or the system store when the streamtype names none).
#pragma once

#include "runtime/stream/context.h"

namespace ss::stream {

TlsTransportFactory make_tls_transport();

}  // namespace ss::stream
