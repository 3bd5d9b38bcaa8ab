// Certificates of a policy: base64 text <-> DER bytes. The Policy keeps DER
// (a plain value, comparable and copyable); the TLS provider turns it into
// OpenSSL objects (runtime/proto/tls), so the policy code never links
// OpenSSL. The parser tells certs from keys without it (der_shape.h).
#pragma once

#include <cstddef>

#include "runtime/core/base64.h"

namespace ss::policy {

// Decoded DER larger than this is an error; libwebsockets' own limit is 3072
// (MAX_CERT_TEMP), and the parser warns between the two.
inline constexpr std::size_t kMaxCertDer = 16384;
inline constexpr std::size_t kLwsMaxCertDer = 3072;

// The policy's base64 is the core's (runtime/core/base64.h).
using ss::decode_base64;
using ss::encode_base64;

}  // namespace ss::policy
