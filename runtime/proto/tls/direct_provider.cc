// make_tls_provider() for programs linked with OpenSSL (make_provider.h).
#include "runtime/proto/tls/make_provider.h"
#include "runtime/proto/tls/openssl_tls.h"

namespace ss::proto {

std::unique_ptr<TlsProvider> make_tls_provider() { return std::make_unique<OpenSslTlsProvider>(); }

}  // namespace ss::proto
