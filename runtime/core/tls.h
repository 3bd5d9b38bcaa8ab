// Tls: a sans-IO TLS session (ciphertext in/out, plaintext in/out).
//
// Overview
//   A TlsSession never touches a socket or a clock: the owner feeds it the
//   ciphertext that arrived, takes the ciphertext it must send, writes
//   plaintext into it and takes the plaintext it decrypted. That lets the
//   exact same TLS code run over real sockets and over simulated
//   connections. The implementation (runtime/proto/tls/openssl_tls.*) uses
//   OpenSSL 3 over memory BIOs.
//
// Call order
//   After creating a client session, call take_ciphertext() to get the
//   ClientHello. Then loop: receive_ciphertext(bytes from the network), send
//   whatever take_ciphertext() gives, read take_plaintext(). Plaintext
//   written before the handshake completes is held and sent once it does.
//
// Errors
//   Any failure (bad record, alert, verification failure) moves the session
//   to kFailed for good; error() says why in words a user can act on
//   (e.g. "certificate verify failed: certificate has expired"). A failed
//   session may still have an alert in take_ciphertext() to send.
//
// Trust
//   Verification is on unless the config turns it off. Trust anchors come
//   from the policy's trust store (DER certificates) or, when the policy
//   names none, from the system store.
//
// Lifespan and ownership
//   - One TlsProvider per context (or per simulated run); whoever made it
//     owns it (stream::Context::Config::tls only points to it). Keep it
//     alive while any context uses it and any session it made exists.
//   - client() / server() return a session owned by the caller. Destroying
//     a session is final and silent: nothing more comes out of it, not even
//     a close_notify (call close_notify() and send the bytes first).
//
// Callbacks and blocking
//   None: a session never calls out and never blocks. Every method does
//   its work before it returns; output waits in the session until taken.
//   Time reaches it only through the provider (the certificate check time,
//   pinned in the simulator: docs/deterministic-tls.md §2).
//
// Thread safety
//   None: a provider and its sessions are used on one thread, the Loop's.
//   In the simulator OpenSSL's randomness is replaced process-wide for a
//   run (docs/deterministic-tls.md §1), so no other thread may use OpenSSL.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/core/result.h"

namespace ss {

enum class TlsStatus { kHandshaking, kEstablished, kClosed, kFailed };

const char* tls_status_name(TlsStatus status);

struct TlsClientConfig {
  std::string server_name;  // SNI and the name the certificate must match
  bool verify_peer = true;
  bool use_system_trust = false;  // when trust_anchors_der is empty
  std::vector<std::vector<std::uint8_t>> trust_anchors_der;
  std::vector<std::uint8_t> client_cert_der;  // optional client auth
  std::vector<std::uint8_t> client_key_der;
  std::vector<std::string> alpn;              // e.g. {"http/1.1"}
};

struct TlsServerConfig {
  std::vector<std::uint8_t> cert_der;
  std::vector<std::uint8_t> key_der;
  std::vector<std::vector<std::uint8_t>> chain_der;  // intermediates, optional
  std::vector<std::string> alpn;
  // Non-empty: the one name this server answers for. A ClientHello whose
  // SNI is another name, or that has none, is refused with the alert
  // unrecognized_name, as a server hosting several names on one address
  // does (it cannot tell which certificate to present).
  std::string server_name;
};

class TlsSession {
 public:
  virtual ~TlsSession() = default;

  // Inputs.
  virtual void receive_ciphertext(std::span<const std::uint8_t> bytes) = 0;
  virtual void send_plaintext(std::span<const std::uint8_t> bytes) = 0;
  virtual void close_notify() = 0;  // queue an orderly TLS close

  // Outputs: append to `out`; return the number of bytes appended.
  virtual std::size_t take_ciphertext(std::vector<std::uint8_t>* out) = 0;
  virtual std::size_t take_plaintext(std::vector<std::uint8_t>* out) = 0;

  // Getters.
  virtual TlsStatus status() const = 0;
  virtual const Error& error() const = 0;           // ok() unless kFailed
  virtual std::string negotiated_alpn() const = 0;  // "" when none
};

// Makes sessions. One per context; owns OpenSSL contexts and trust stores.
class TlsProvider {
 public:
  virtual ~TlsProvider() = default;
  virtual Result<std::unique_ptr<TlsSession>> client(const TlsClientConfig& config) = 0;
  virtual Result<std::unique_ptr<TlsSession>> server(const TlsServerConfig& config) = 0;
};

}  // namespace ss
