// The TLS transport hook for the engine (Context::set_tls_transport): a
// streamtype with "tls": true connects through runtime/proto/tls's
// connect_tls over the context's Net, verifying against the policy's trust
// store (or the system store when the streamtype names none), presenting
// the client certificate its `client_cert` names (docs/tls.md).
#pragma once

#include "runtime/core/result.h"
#include "runtime/core/tls.h"
#include "runtime/stream/context.h"

namespace ss::stream {

TlsTransportFactory make_tls_transport();

// The accept hook for TLS server streamtypes (Context::set_tls_accept):
// the streamtype's server_cert and server_key (DER, from the policy's
// certs), ALPN "http/1.1" for h1.
TlsAcceptFactory make_tls_accept();

// The client configuration for `target`: SNI = the host, the binding's
// ALPN, the streamtype's trust store (its certificates as anchors; the
// system store when it names none or one the policy lacks), and with
// `client_cert: N` the certificate and key in system blobs
// CLIENT_CERT_DER + N - 1 and CLIENT_KEY_DER + N - 1 (lws numbering).
// An error names the client_cert whose blobs are missing.
Result<TlsClientConfig> tls_client_config(const TlsTarget& target);

}  // namespace ss::stream
