// What a policy cert's DER bytes are, judged from their ASN.1 structure
// alone (no OpenSSL). Policy parsing runs at every process start
// (lws_create_context); asking OpenSSL there would initialise it (read
// openssl.cnf, load its providers: about 2.6 ms, more than the rest of
// the start) even for a policy whose streams never use TLS. OpenSSL
// still parses the DER for real when a TLS stream first needs it, and a
// cert it rejects then fails that stream's attempt with a message
// (docs/policy.md "certs and trust_stores").
#pragma once

#include <cstdint>
#include <span>

namespace ss::policy {

enum class DerKind { kCertificate, kPrivateKey, kInvalid };

// kCertificate: exactly one well-formed DER X.509 Certificate (SEQUENCE of
// tbsCertificate, signatureAlgorithm, signatureValue, with the
// tbsCertificate fields in order). kPrivateKey: exactly one well-formed
// PKCS#8, PKCS#1 RSA, SEC1 EC or DSA private key. Anything else (garbage,
// truncated, trailing bytes, indefinite lengths, nesting deeper than 32)
// is kInvalid.
DerKind classify_der(std::span<const std::uint8_t> der);

}  // namespace ss::policy
