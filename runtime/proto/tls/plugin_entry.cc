// The TLS plugin's one export (tls_plugin.h); linked into
// libsecurestreams-tls.so.N with OpenSSL, never into the library itself.
#include <string_view>
#include <type_traits>

#include "runtime/proto/tls/openssl_tls.h"
#include "runtime/proto/tls/tls_plugin.h"

extern "C" ss::TlsProvider* ss_tls_plugin_make_provider_v1() { return new ss::proto::OpenSslTlsProvider(); }

// The loader looks the entry up by kTlsPluginEntry: keep name and type in step.
static_assert(std::string_view(ss::proto::kTlsPluginEntry) == "ss_tls_plugin_make_provider_v1");
static_assert(std::is_same_v<decltype(&ss_tls_plugin_make_provider_v1), ss::proto::TlsPluginEntry>);
