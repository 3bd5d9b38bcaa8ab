// OpenSslTlsProvider: ss::TlsProvider (runtime/core/tls.h) on OpenSSL 3
// over memory BIOs. TLS 1.2 and 1.3.
//
// Client sessions
//   - Verification of the chain AND of the host name is on by default
//     (TlsClientConfig::verify_peer). server_name is then required; it is
//     sent as SNI (unless it is an IP literal, which SNI forbids) and checked
//     against the certificate (DNS name, or IP address for literals).
//   - Trust anchors: the config's DER certificates; when there are none and
//     use_system_trust is set, the system store; otherwise nothing is
//     trusted (every verified handshake fails, with a clear error).
//   - Optional client certificate (DER cert + DER private key), ALPN.
// Server sessions (simulated HTTPS/WSS peers): DER cert + key (+ chain),
//   ALPN chosen by server preference; with Options::client_ca_der they
//   require and verify a client certificate.
// Errors: a failed handshake says why, e.g. "certificate verify failed:
//   certificate has expired (cert 0, subject CN=example.com)".
//
// Determinism (docs/tls.md): Options::verify_time pins the time certificates
// are checked at (the simulator maps sim time to a fixed epoch); session
// tickets are always off (they embed time() and are not used); together with
// det_rand.h the bytes on the wire are a function of the seed.
//
// Contexts: the provider keeps one client and one server SSL_CTX, created on
// first use, and one X509_STORE per distinct set of trust anchors. Create a
// fresh provider per simulated run, inside its ScopedDetRand (det_rand.h).
// Thread safety: none; one loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/tls.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct x509_store_st X509_STORE;

namespace ss::proto {

class OpenSslTlsProvider final : public TlsProvider {
 public:
  struct Options {
    // Unix seconds at which certificates are checked. Empty: the system
    // clock (production). The simulator always sets it.
    std::function<std::int64_t()> verify_time;
    // Protocol versions allowed: 0x0303 = TLS 1.2, 0x0304 = TLS 1.3.
    std::uint16_t min_version = 0x0303;
    std::uint16_t max_version = 0x0304;
    // Server sessions only: when non-empty, clients must present a
    // certificate issued by one of these (DER) anchors.
    std::vector<std::vector<std::uint8_t>> client_ca_der;
  };

  OpenSslTlsProvider();
  explicit OpenSslTlsProvider(Options options);
  ~OpenSslTlsProvider() override;
  OpenSslTlsProvider(const OpenSslTlsProvider&) = delete;
  OpenSslTlsProvider& operator=(const OpenSslTlsProvider&) = delete;

  Result<std::unique_ptr<TlsSession>> client(const TlsClientConfig& config) override;
  Result<std::unique_ptr<TlsSession>> server(const TlsServerConfig& config) override;

  const Options& options() const { return options_; }

 private:
  Result<SSL_CTX*> context(bool server);
  // A store holding `anchors` (or the system store when `system` and empty),
  // cached by content. Owned by the provider.
  Result<X509_STORE*> store(const std::vector<std::vector<std::uint8_t>>& anchors, bool system);

  Options options_;
  SSL_CTX* client_ctx_ = nullptr;
  SSL_CTX* server_ctx_ = nullptr;
  std::map<std::string, X509_STORE*> stores_;  // key: anchors, length-prefixed
};

}  // namespace ss::proto
