// Certificates of a policy: base64 text <-> DER bytes, and DER -> OpenSSL
// objects. The Policy keeps DER (a plain value, comparable and copyable);
// whoever builds a TLS context turns it into X509 / STACK_OF(X509) here.
// The parser tells certs from keys without OpenSSL (der_shape.h).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/x509.h>

#include "runtime/core/result.h"
#include "runtime/policy/policy.h"

namespace ss::policy {

// Decoded DER larger than this is an error; libwebsockets' own limit is 3072
// (MAX_CERT_TEMP), and the parser warns between the two.
inline constexpr std::size_t kMaxCertDer = 16384;
inline constexpr std::size_t kLwsMaxCertDer = 3072;

// Standard or URL-safe alphabet; padding optional but must be right;
// whitespace (space, tab, CR, LF) is skipped. The error names the character
// offset in the string.
Result<std::vector<std::uint8_t>> decode_base64(std::string_view text);
std::string encode_base64(std::span<const std::uint8_t> bytes);

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct X509StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;

// The certificate as an OpenSSL object; null when the DER is not a cert.
X509Ptr cert_x509(const Cert& cert);
// The trust store's certs in stack order; null if any is not a cert.
X509StackPtr trust_store_x509(const Policy& policy, const TrustStore& store);

}  // namespace ss::policy
