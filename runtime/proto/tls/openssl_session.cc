#include "runtime/proto/tls/openssl_session.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <strings.h>

#include <array>
#include <ctime>

#include "runtime/core/escape.h"
#include "runtime/core/planted.h"

namespace ss::proto {
namespace {

// Largest plaintext chunk read per SSL_read (one TLS record).
constexpr std::size_t kReadChunk = 16 * 1024;

std::string subject_of(X509* cert) {
  if (cert == nullptr) return "?";
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return "?";
  X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out = len > 0 ? std::string(data, static_cast<std::size_t>(len)) : "(empty)";
  BIO_free(bio);
  return out;
}

bool is_ip_literal(const std::string& name) {
  std::array<unsigned char, 16> buf{};
  return inet_pton(AF_INET, name.c_str(), buf.data()) == 1 ||
         inet_pton(AF_INET6, name.c_str(), buf.data()) == 1;
}

// ALPN protocol list in wire form (length-prefixed names).
Result<std::vector<std::uint8_t>> alpn_wire(const std::vector<std::string>& names) {
  std::vector<std::uint8_t> wire;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& n = names[i];
    if (n.empty() || n.size() > 255) {
      return make_error(ErrorCode::kInvalidArgument,
                        "alpn[" + std::to_string(i) + "]: expected 1..255 bytes, got " +
                            std::to_string(n.size()));
    }
    wire.push_back(static_cast<std::uint8_t>(n.size()));
    wire.insert(wire.end(), n.begin(), n.end());
  }
  return wire;
}

// Owning wrappers for objects we only hold while configuring.
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

X509Ptr parse_cert(const std::vector<std::uint8_t>& der) {
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x != nullptr && p != der.data() + der.size()) {  // trailing bytes
    X509_free(x);
    x = nullptr;
  }
  return X509Ptr(x);
}

PkeyPtr parse_key(const std::vector<std::uint8_t>& der) {
  const unsigned char* p = der.data();
  return PkeyPtr(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size())));
}

// Installs cert + key (+ chain) on `ssl`. `what` names the config fields.
Error use_identity(SSL* ssl, const std::vector<std::uint8_t>& cert_der,
                   const std::vector<std::uint8_t>& key_der,
                   const std::vector<std::vector<std::uint8_t>>& chain, const std::string& what) {
  X509Ptr cert = parse_cert(cert_der);
  if (!cert) return make_error(ErrorCode::kInvalidArgument, what + "cert_der: not a DER certificate");
  PkeyPtr key = parse_key(key_der);
  if (!key) return make_error(ErrorCode::kInvalidArgument, what + "key_der: not a DER private key");
  if (SSL_use_certificate(ssl, cert.get()) != 1 || SSL_use_PrivateKey(ssl, key.get()) != 1 ||
      SSL_check_private_key(ssl) != 1) {
    ERR_clear_error();
    return make_error(ErrorCode::kInvalidArgument,
                      what + "key_der: does not match the certificate (or is unusable)");
  }
  for (std::size_t i = 0; i < chain.size(); ++i) {
    X509Ptr c = parse_cert(chain[i]);
    if (!c || SSL_add1_chain_cert(ssl, c.get()) != 1) {
      ERR_clear_error();
      return make_error(ErrorCode::kInvalidArgument,
                        what + "chain_der[" + std::to_string(i) + "]: not a DER certificate");
    }
  }
  return Error::ok_value();
}

// A fresh SSL between two memory BIOs, or null.
SSL* new_ssl(SSL_CTX* ctx, BIO** in, BIO** out) {
  SSL* ssl = SSL_new(ctx);
  if (ssl == nullptr) return nullptr;
  *in = BIO_new(BIO_s_mem());
  *out = BIO_new(BIO_s_mem());
  if (*in == nullptr || *out == nullptr) {
    BIO_free(*in);
    BIO_free(*out);
    SSL_free(ssl);
    return nullptr;
  }
  SSL_set_bio(ssl, *in, *out);  // ssl owns both from here
  return ssl;
}

}  // namespace

OpenSslSession::OpenSslSession(SSL* ssl, BIO* in, BIO* out, TimeFn verify_time)
    : ssl_(ssl), in_(in), out_(out), verify_time_(std::move(verify_time)) {
  SSL_set_app_data(ssl_, this);
}

OpenSslSession::~OpenSslSession() { SSL_free(ssl_); }

Result<std::unique_ptr<OpenSslSession>> OpenSslSession::create(SSL_CTX* ctx,
                                                               const std::vector<std::string>& alpn,
                                                               const TimeFn& verify_time) {
  ERR_clear_error();
  auto wire = alpn_wire(alpn);
  if (!wire) return wire.error();
  BIO* in = nullptr;
  BIO* out = nullptr;
  SSL* ssl = new_ssl(ctx, &in, &out);
  if (ssl == nullptr) return make_error(ErrorCode::kTls, "cannot create a TLS session (SSL_new)");
  std::unique_ptr<OpenSslSession> s(new OpenSslSession(ssl, in, out, verify_time));
  s->alpn_wire_ = std::move(wire.value());
  return s;
}

Result<std::unique_ptr<TlsSession>> OpenSslSession::make_client(SSL_CTX* ctx, X509_STORE* store,
                                                                const TlsClientConfig& config,
                                                                const TimeFn& verify_time) {
  const std::string& name = config.server_name;
  if (config.verify_peer && name.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "server_name: required when verify_peer is on (it is the name the "
                      "certificate must match)");
  }
  if (name.size() > 253) {
    return make_error(ErrorCode::kInvalidArgument, "server_name: longer than 253 bytes");
  }
  auto created = create(ctx, config.alpn, verify_time);
  if (!created) return created.error();
  std::unique_ptr<OpenSslSession> s = std::move(created.value());
  SSL* ssl = s->ssl_;
  SSL_set_connect_state(ssl);

  const bool ip = !name.empty() && is_ip_literal(name);
  if (!name.empty() && !ip && !SS_PLANTED("tls-no-sni") && SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) {
    ERR_clear_error();
    return make_error(ErrorCode::kInvalidArgument, "server_name: not usable as SNI: " + quote_text(name));
  }
  if (config.verify_peer && !SS_PLANTED("tls-verify-off")) {  // planted: any certificate will do
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                      : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
    if (ok != 1) {
      ERR_clear_error();
      return make_error(ErrorCode::kInvalidArgument, "server_name: not a valid host name: " + quote_text(name));
    }
    // Every certificate the policy lists is an anchor, intermediates too
    // (pinning an intermediate or a leaf works); the system store keeps
    // OpenSSL's rule that chains end at a self-signed root.
    if (!config.trust_anchors_der.empty()) X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    if (store != nullptr) SSL_set1_verify_cert_store(ssl, store);
    SSL_set_verify(ssl, SSL_VERIFY_PEER, &OpenSslSession::on_verify);
  } else {
    SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
  }
  const std::vector<std::uint8_t>& alpn = s->alpn_wire_;
  if (!alpn.empty() && SSL_set_alpn_protos(ssl, alpn.data(), static_cast<unsigned>(alpn.size())) != 0) {
    return make_error(ErrorCode::kInvalidArgument, "alpn: rejected by OpenSSL");
  }
  if (!config.client_cert_der.empty() || !config.client_key_der.empty()) {
    Error e = use_identity(ssl, config.client_cert_der, config.client_key_der, {}, "client_");
    if (e) return e;
  }
  s->step();  // produces the ClientHello
  return std::unique_ptr<TlsSession>(std::move(s));
}

Result<std::unique_ptr<TlsSession>> OpenSslSession::make_server(SSL_CTX* ctx,
                                                                X509_STORE* client_store,
                                                                const TlsServerConfig& config,
                                                                const TimeFn& verify_time) {
  auto created = create(ctx, config.alpn, verify_time);
  if (!created) return created.error();
  std::unique_ptr<OpenSslSession> s = std::move(created.value());
  SSL* ssl = s->ssl_;
  SSL_set_accept_state(ssl);
  s->server_name_ = config.server_name;
  Error e = use_identity(ssl, config.cert_der, config.key_der, config.chain_der, "");
  if (e) return e;
  if (client_store != nullptr) {
    SSL_set1_verify_cert_store(ssl, client_store);
    SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                   &OpenSslSession::on_verify);
  }
  return std::unique_ptr<TlsSession>(std::move(s));
}

int OpenSslSession::select_alpn(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                                const unsigned char* in, unsigned int inlen, void*) {
  auto* self = static_cast<OpenSslSession*>(SSL_get_app_data(ssl));
  if (self == nullptr || self->alpn_wire_.empty()) return SSL_TLSEXT_ERR_NOACK;
  unsigned char* chosen = nullptr;
  // Server preference: the first of our protocols the client also offers.
  if (SSL_select_next_proto(&chosen, outlen, self->alpn_wire_.data(),
                            static_cast<unsigned>(self->alpn_wire_.size()), in,
                            inlen) != OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

int OpenSslSession::check_server_name(SSL* ssl, int* alert, void*) {
  auto* self = static_cast<OpenSslSession*>(SSL_get_app_data(ssl));
  // NOACK, not OK, when it matches: the handshake is byte for byte the one
  // a server without the check makes.
  if (self == nullptr || self->server_name_.empty()) return SSL_TLSEXT_ERR_NOACK;
  const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (sni != nullptr && strcasecmp(sni, self->server_name_.c_str()) == 0) return SSL_TLSEXT_ERR_NOACK;
  *alert = SSL_AD_UNRECOGNIZED_NAME;
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

int OpenSslSession::on_verify(int ok, X509_STORE_CTX* store_ctx) {
  if (ok) return ok;
  auto* ssl = static_cast<SSL*>(
      X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* self = ssl != nullptr ? static_cast<OpenSslSession*>(SSL_get_app_data(ssl)) : nullptr;
  if (self != nullptr && self->verify_depth_ < 0) {  // keep the first rejection
    self->verify_error_ = X509_STORE_CTX_get_error(store_ctx);
    self->verify_depth_ = X509_STORE_CTX_get_error_depth(store_ctx);
    self->verify_subject_ = subject_of(X509_STORE_CTX_get_current_cert(store_ctx));
  }
  return ok;
}

void OpenSslSession::refresh_time() {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
  if (verify_time_) X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(verify_time_()));
}

void OpenSslSession::receive_ciphertext(std::span<const std::uint8_t> bytes) {
  if (status_ == TlsStatus::kFailed || status_ == TlsStatus::kClosed || bytes.empty()) return;
  // A memory BIO grows as needed; step() drains it before returning.
  std::size_t done = 0;
  while (done < bytes.size()) {
    const std::size_t n = std::min<std::size_t>(bytes.size() - done, 1 << 30);
    BIO_write(in_, bytes.data() + done, static_cast<int>(n));
    done += n;
  }
  step();
}

void OpenSslSession::send_plaintext(std::span<const std::uint8_t> bytes) {
  if (bytes.empty() || close_requested_ || status_ == TlsStatus::kFailed) return;
  if (status_ == TlsStatus::kHandshaking) {
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
    return;
  }
  write_now(bytes);
}

void OpenSslSession::write_now(std::span<const std::uint8_t> bytes) {
  ERR_clear_error();
  std::size_t done = 0;
  while (done < bytes.size()) {
    std::size_t n = 0;
    const int r = SSL_write_ex(ssl_, bytes.data() + done, bytes.size() - done, &n);
    if (r != 1) {
      fail_from_openssl(SSL_get_error(ssl_, r), false);
      return;
    }
    done += n;
  }
}

void OpenSslSession::close_notify() {
  if (close_requested_) return;
  close_requested_ = true;
  if (status_ == TlsStatus::kEstablished || status_ == TlsStatus::kClosed) send_close();
}

void OpenSslSession::send_close() {
  if (close_sent_) return;
  close_sent_ = true;
  ERR_clear_error();
  SSL_shutdown(ssl_);  // queues close_notify in out_; the peer's may come later
  ERR_clear_error();
}

std::size_t OpenSslSession::take_ciphertext(std::vector<std::uint8_t>* out) {
  const std::size_t pending = BIO_ctrl_pending(out_);
  if (pending == 0) return 0;
  const std::size_t at = out->size();
  out->resize(at + pending);
  const int n = BIO_read(out_, out->data() + at, static_cast<int>(pending));
  out->resize(at + (n > 0 ? static_cast<std::size_t>(n) : 0));
  return out->size() - at;
}

std::size_t OpenSslSession::take_plaintext(std::vector<std::uint8_t>* out) {
  const std::size_t n = plaintext_.size();
  out->insert(out->end(), plaintext_.begin(), plaintext_.end());
  plaintext_.clear();
  return n;
}

std::string OpenSslSession::negotiated_alpn() const {
  const unsigned char* data = nullptr;
  unsigned int len = 0;
  SSL_get0_alpn_selected(ssl_, &data, &len);
  return data != nullptr ? std::string(reinterpret_cast<const char*>(data), len) : std::string();
}

void OpenSslSession::step() {
  ERR_clear_error();
  if (status_ == TlsStatus::kHandshaking) {
    refresh_time();
    const int r = SSL_do_handshake(ssl_);
    if (r != 1) {
      const int e = SSL_get_error(ssl_, r);
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) fail_from_openssl(e, true);
      return;
    }
    status_ = TlsStatus::kEstablished;
    if (!pending_.empty()) {
      std::vector<std::uint8_t> held;
      held.swap(pending_);
      write_now(held);
      if (status_ == TlsStatus::kFailed) return;
    }
    if (close_requested_) send_close();
  }
  if (status_ != TlsStatus::kEstablished) return;
  std::array<std::uint8_t, kReadChunk> buf;
  for (;;) {
    std::size_t n = 0;
    const int r = SSL_read_ex(ssl_, buf.data(), buf.size(), &n);
    if (r == 1) {
      plaintext_.insert(plaintext_.end(), buf.begin(), buf.begin() + static_cast<long>(n));
      continue;
    }
    const int e = SSL_get_error(ssl_, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return;
    if (e == SSL_ERROR_ZERO_RETURN) {  // the peer's close_notify
      status_ = TlsStatus::kClosed;
      return;
    }
    fail_from_openssl(e, false);
    return;
  }
}

void OpenSslSession::fail_from_openssl(int ssl_error, bool handshake) {
  status_ = TlsStatus::kFailed;
  pending_.clear();
  std::string msg;
  if (verify_depth_ >= 0) {
    msg = "certificate verify failed: ";
    msg += X509_verify_cert_error_string(verify_error_);
    msg += " (cert " + std::to_string(verify_depth_) + ", subject " + verify_subject_ + ")";
  } else {
    msg = handshake ? "TLS handshake failed: " : "TLS connection failed: ";
    const unsigned long err = ERR_peek_error();
    if (err != 0) {
      const int reason = ERR_GET_REASON(err);
      const char* text = ERR_reason_error_string(err);
      if (reason >= SSL_AD_REASON_OFFSET) msg += "peer sent alert: ";
      msg += text != nullptr ? text : ("OpenSSL error " + std::to_string(err));
    } else if (ssl_error == SSL_ERROR_SYSCALL) {
      msg += "unexpected end of data";
    } else {
      msg += "OpenSSL error class " + std::to_string(ssl_error);
    }
  }
  ERR_clear_error();
  error_ = make_error(ErrorCode::kTls, std::move(msg));
}

}  // namespace ss::proto
