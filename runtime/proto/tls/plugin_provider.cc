// make_tls_provider() for the packaged shared library (make_provider.h):
// OpenSSL is in a plugin loaded on the first TLS session, so a process whose
// streams are all plain (or all proxied over a unix socket) never maps
// libssl/libcrypto and does not pay their page faults at start.
#include <dlfcn.h>

#include <utility>

#include "runtime/proto/tls/make_provider.h"
#include "runtime/proto/tls/plugin_loader.h"
#include "runtime/proto/tls/tls_plugin.h"

namespace ss::proto {
namespace {

// Any address inside this object: dladdr() names the file that holds it.
const char kSelf = 0;

// Loads the plugin on first use; until then it is an empty shell. A failed
// load is not remembered: each new session tries again and fails with the
// same clear error (a plugin installed meanwhile is then picked up).
class PluginTlsProvider final : public TlsProvider {
 public:
  Result<std::unique_ptr<TlsSession>> client(const TlsClientConfig& config) override {
    auto p = loaded();
    if (!p) return p.error();
    return (*p)->client(config);
  }
  Result<std::unique_ptr<TlsSession>> server(const TlsServerConfig& config) override {
    auto p = loaded();
    if (!p) return p.error();
    return (*p)->server(config);
  }

 private:
  Result<TlsProvider*> loaded() {
    if (!provider_) {
      auto made = load_tls_plugin(tls_plugin_path());
      if (!made) return made.error();
      provider_ = std::move(*made);
    }
    return provider_.get();
  }

  std::unique_ptr<TlsProvider> provider_;
};

}  // namespace

const char* tls_plugin_file() { return SS_TLS_PLUGIN_FILE; }

std::string tls_plugin_path() {
  Dl_info info{};
  if (dladdr(&kSelf, &info) != 0 && info.dli_fname != nullptr) {
    const std::string self = info.dli_fname;
    const std::size_t slash = self.rfind('/');
    if (slash != std::string::npos) return self.substr(0, slash + 1) + tls_plugin_file();
  }
  return tls_plugin_file();
}

Result<std::unique_ptr<TlsProvider>> load_tls_plugin(const std::string& path) {
  auto fail = [&path](std::string why) {
    // dlerror() often starts with the path itself: say it once.
    if (why.starts_with(path + ": ")) why.erase(0, path.size() + 2);
    return make_error(ErrorCode::kTls, "TLS plugin " + path + ": " + why);
  };
  dlerror();  // clear a stale message
  // Never dlclose()d: sessions and OpenSSL's own state live in it until exit.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return fail(why != nullptr ? why : "dlopen failed");
  }
  void* entry = dlsym(handle, kTlsPluginEntry);
  if (entry == nullptr) {
    const char* why = dlerror();
    return fail(why != nullptr ? why : std::string("no ") + kTlsPluginEntry);
  }
  TlsProvider* provider = reinterpret_cast<TlsPluginEntry>(entry)();
  if (provider == nullptr) return fail(std::string(kTlsPluginEntry) + "() made no provider");
  return std::unique_ptr<TlsProvider>(provider);
}

std::unique_ptr<TlsProvider> make_tls_provider() { return std::make_unique<PluginTlsProvider>(); }

}  // namespace ss::proto
