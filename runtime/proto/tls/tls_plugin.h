// The contract between the packaged library and its TLS plugin
// (libsecurestreams-tls.so.N, docs/install.md): the plugin exports one C
// function, kTlsPluginEntry, of type TlsPluginEntry, that makes a new
// OpenSslTlsProvider with default options; the caller owns it. Both sides
// are built from one tree with one compiler, so a C++ object may cross; the
// entry's name carries a version to bump if this contract ever changes.
#pragma once

#include "runtime/core/tls.h"

namespace ss::proto {

using TlsPluginEntry = TlsProvider* (*)();
inline constexpr char kTlsPluginEntry[] = "ss_tls_plugin_make_provider_v1";

}  // namespace ss::proto
