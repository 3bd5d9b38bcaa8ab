// Shared setup of tls_client_fuzz and its seed generator (tls_seed_gen).
//
// Both build the same client the same way under det_rand.h with fixed
// seeds, so a server flight recorded by the generator is exactly what the
// fuzzed client expects: the recorded, encrypted server stream (TLS 1.2 or
// 1.3) decrypts, verifies and delivers application data, so mutations reach the
// certificate parser, the verifier and the record layer, not just the
// first length check.
#pragma once

#include <cstdint>
#include <memory>

#include "runtime/core/tls.h"
#include "runtime/proto/tls/det_rand.h"
#include "runtime/proto/tls/openssl_tls.h"
#include "runtime/proto/tls/testing/test_certs.h"

namespace ss::fuzz_tls {

constexpr std::uint64_t kPkiSeed = 0x7150000000000001ULL;
constexpr std::uint64_t kRunSeed = 0x7150000000000002ULL;
constexpr std::int64_t kTime = 1767225600;  // pinned verify time
inline constexpr char kHost[] = "fuzz.ss-test.example";
constexpr int kVariants = 4;

// The PKI, made once per process under its own seed.
inline const proto::testing::TestPki& pki() {
  static const proto::testing::TestPki* p = [] {
    proto::ScopedDetRand det(kPkiSeed);
    return new proto::testing::TestPki(proto::testing::make_test_pki(kHost, kTime));
  }();
  return *p;
}

// Client variants: 0 TLS 1.3 + ALPN, 1 TLS 1.2 + ALPN, 2 both versions,
// 3 both versions with a client certificate and verification off.
inline proto::OpenSslTlsProvider::Options options(int variant) {
  proto::OpenSslTlsProvider::Options o;
  o.verify_time = [] { return kTime; };
  if (variant == 0) o.min_version = 0x0304;
  if (variant == 1) o.max_version = 0x0303;
  return o;
}

inline TlsClientConfig client_config(int variant) {
  TlsClientConfig c;
  c.server_name = kHost;
  c.trust_anchors_der = {pki().ca.cert_der};
  if (variant <= 1) c.alpn = {"h2", "http/1.1"};
  if (variant == 3) {
    c.verify_peer = false;
    c.client_cert_der = pki().client.cert_der;
    c.client_key_der = pki().client.key_der;
  }
  return c;
}

}  // namespace ss::fuzz_tls
