#include "runtime/proto/tls/openssl_tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "runtime/proto/tls/openssl_session.h"

namespace ss::proto {
namespace {

int to_openssl_version(std::uint16_t v) { return v == 0x0303 ? TLS1_2_VERSION : TLS1_3_VERSION; }

std::string store_key(const std::vector<std::vector<std::uint8_t>>& anchors, bool system) {
  if (anchors.empty()) return system ? "system" : "none";
  std::string key = "der";
  for (const auto& a : anchors) {
    key += std::to_string(a.size()) + ":";
    key.append(a.begin(), a.end());
  }
  return key;
}

}  // namespace

OpenSslTlsProvider::OpenSslTlsProvider() : OpenSslTlsProvider(Options{}) {}

OpenSslTlsProvider::OpenSslTlsProvider(Options options) : options_(std::move(options)) {}

OpenSslTlsProvider::~OpenSslTlsProvider() {
  SSL_CTX_free(client_ctx_);
  SSL_CTX_free(server_ctx_);
  for (auto& [key, store] : stores_) X509_STORE_free(store);
}

Result<SSL_CTX*> OpenSslTlsProvider::context(bool server) {
  SSL_CTX*& slot = server ? server_ctx_ : client_ctx_;
  if (slot != nullptr) return slot;
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
  if (ctx == nullptr) return make_error(ErrorCode::kTls, "cannot create a TLS context (SSL_CTX_new)");
  if (options_.min_version > options_.max_version ||
      SSL_CTX_set_min_proto_version(ctx, to_openssl_version(options_.min_version)) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, to_openssl_version(options_.max_version)) != 1) {
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return make_error(ErrorCode::kInvalidArgument,
                      "min_version/max_version: expected 0x0303 (TLS 1.2) .. 0x0304 (TLS 1.3)");
  }
  // No tickets (they embed time() and we never resume), no renegotiation,
  // no session cache: every handshake is a full one, the same for a seed.
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_num_tickets(ctx, 0);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  if (server) {
    SSL_CTX_set_alpn_select_cb(ctx, &OpenSslSession::select_alpn, nullptr);
    SSL_CTX_set_tlsext_servername_callback(ctx, &OpenSslSession::check_server_name);
  }
  slot = ctx;
  return slot;
}

Result<X509_STORE*> OpenSslTlsProvider::store(const std::vector<std::vector<std::uint8_t>>& anchors,
                                              bool system) {
  const std::string key = store_key(anchors, system);
  auto found = stores_.find(key);
  if (found != stores_.end()) return found->second;
  ERR_clear_error();
  X509_STORE* st = X509_STORE_new();
  if (st == nullptr) return make_error(ErrorCode::kTls, "cannot create a trust store");
  for (std::size_t i = 0; i < anchors.size(); ++i) {
    const unsigned char* p = anchors[i].data();
    X509* cert = d2i_X509(nullptr, &p, static_cast<long>(anchors[i].size()));
    const bool whole = cert != nullptr && p == anchors[i].data() + anchors[i].size();
    if (!whole || X509_STORE_add_cert(st, cert) != 1) {
      X509_free(cert);
      X509_STORE_free(st);
      ERR_clear_error();
      return make_error(ErrorCode::kInvalidArgument,
                        "trust_anchors_der[" + std::to_string(i) + "]: not a DER certificate");
    }
    X509_free(cert);  // the store holds its own reference
  }
  if (anchors.empty() && system && X509_STORE_set_default_paths(st) != 1) {
    X509_STORE_free(st);
    ERR_clear_error();
    return make_error(ErrorCode::kTls, "cannot load the system trust store");
  }
  stores_.emplace(key, st);
  return st;
}

Result<std::unique_ptr<TlsSession>> OpenSslTlsProvider::client(const TlsClientConfig& config) {
  auto ctx = context(false);
  if (!ctx) return ctx.error();
  X509_STORE* st = nullptr;
  if (config.verify_peer) {
    auto s = store(config.trust_anchors_der, config.use_system_trust);
    if (!s) return s.error();
    st = *s;
  }
  return OpenSslSession::make_client(*ctx, st, config, options_.verify_time);
}

Result<std::unique_ptr<TlsSession>> OpenSslTlsProvider::server(const TlsServerConfig& config) {
  auto ctx = context(true);
  if (!ctx) return ctx.error();
  X509_STORE* st = nullptr;
  if (!options_.client_ca_der.empty()) {
    auto s = store(options_.client_ca_der, false);
    if (!s) return s.error();
    st = *s;
  }
  return OpenSslSession::make_server(*ctx, st, config, options_.verify_time);
}

}  // namespace ss::proto
