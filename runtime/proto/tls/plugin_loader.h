// Loading the TLS plugin (tls_plugin.h): what :plugin_provider's
// make_tls_provider() does on the first TLS session, open for its tests.
#pragma once

#include <memory>
#include <string>

#include "runtime/core/result.h"
#include "runtime/core/tls.h"

namespace ss::proto {

// The plugin's file name, libsecurestreams-tls.so.SOVERSION (version.bzl).
const char* tls_plugin_file();

// Where the plugin is looked for: the directory of the object this code is
// linked into (the library, found with dladdr()) joined with
// tls_plugin_file(); the bare name if that directory is unknown (the
// dynamic loader then searches its usual paths).
std::string tls_plugin_path();

// dlopen()s `path` and makes a provider with its entry. Errors are kTls,
// "TLS plugin PATH: " and dlerror()'s words.
Result<std::unique_ptr<TlsProvider>> load_tls_plugin(const std::string& path);

}  // namespace ss::proto
