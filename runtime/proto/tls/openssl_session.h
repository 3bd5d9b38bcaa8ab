// OpenSslSession: the TlsSession behind OpenSslTlsProvider (internal).
//
// One SSL object between two memory BIOs: receive_ciphertext() writes into the
// read BIO and advances the handshake or decrypts; take_ciphertext() drains
// the write BIO. Everything happens inside the calls; no clock, no socket.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/core/tls.h"

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;
typedef struct bio_st BIO;
typedef struct x509_store_st X509_STORE;
typedef struct x509_store_ctx_st X509_STORE_CTX;

namespace ss::proto {

class OpenSslSession final : public TlsSession {
 public:
  using TimeFn = std::function<std::int64_t()>;

  // `store` (may be null) is the verification store; it is up-referenced.
  static Result<std::unique_ptr<TlsSession>> make_client(SSL_CTX* ctx, X509_STORE* store,
                                                         const TlsClientConfig& config,
                                                         const TimeFn& verify_time);
  // `client_store` non-null: require and verify a client certificate.
  static Result<std::unique_ptr<TlsSession>> make_server(SSL_CTX* ctx, X509_STORE* client_store,
                                                         const TlsServerConfig& config,
                                                         const TimeFn& verify_time);

  // ALPN selection for server contexts (SSL_CTX_set_alpn_select_cb).
  static int select_alpn(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                         const unsigned char* in, unsigned int inlen, void* arg);
  // SNI check for server contexts (SSL_CTX_set_tlsext_servername_callback):
  // TlsServerConfig::server_name.
  static int check_server_name(SSL* ssl, int* alert, void* arg);

  ~OpenSslSession() override;

  void receive_ciphertext(std::span<const std::uint8_t> bytes) override;
  void send_plaintext(std::span<const std::uint8_t> bytes) override;
  void close_notify() override;
  std::size_t take_ciphertext(std::vector<std::uint8_t>* out) override;
  std::size_t take_plaintext(std::vector<std::uint8_t>* out) override;
  TlsStatus status() const override { return status_; }
  const Error& error() const override { return error_; }
  std::string negotiated_alpn() const override;

 private:
  OpenSslSession(SSL* ssl, BIO* in, BIO* out, TimeFn verify_time);
  // The part both make_* share: a session on a fresh SSL offering `alpn`.
  static Result<std::unique_ptr<OpenSslSession>> create(SSL_CTX* ctx, const std::vector<std::string>& alpn,
                                                        const TimeFn& verify_time);

  static int on_verify(int ok, X509_STORE_CTX* store_ctx);
  void step();
  void write_now(std::span<const std::uint8_t> bytes);
  void send_close();
  void refresh_time();
  void fail_from_openssl(int ssl_error, bool handshake);

  SSL* ssl_;
  BIO* in_;   // ciphertext from the peer (owned by ssl_)
  BIO* out_;  // ciphertext to the peer (owned by ssl_)
  TimeFn verify_time_;
  TlsStatus status_ = TlsStatus::kHandshaking;
  Error error_;
  std::vector<std::uint8_t> pending_;    // plaintext written before the handshake ended
  std::vector<std::uint8_t> plaintext_;  // decrypted, not yet taken
  std::vector<std::uint8_t> alpn_wire_;  // our protocols, preference order (ALPN wire form)
  std::string server_name_;              // server: the SNI it requires ("" any)
  bool close_requested_ = false;
  bool close_sent_ = false;
  // First certificate the verifier rejected (from on_verify).
  int verify_error_ = 0;
  int verify_depth_ = -1;
  std::string verify_subject_;
};

}  // namespace ss::proto
