// classify_der (der_shape.h) against OpenSSL: whatever OpenSSL's d2i_X509
// or d2i_AutoPrivateKey reads whole, the structural check must classify the
// same way, for real certs and keys (made here at test time) and for every
// truncation and many one-byte corruptions of them. The structural check
// may accept more than OpenSSL (OpenSSL judges again at TLS time), never
// less.
#include "runtime/policy/der_shape.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "runtime/policy/certs.h"
#include "runtime/policy/testdata/test_certs.h"

namespace ss::policy {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes b64(const char* text) { return *decode_base64(text); }

// What OpenSSL makes of the bytes, the way the parser used to ask it.
// `ask_key`: also try them as a private key (slow when they are not one:
// OpenSSL tries each of its decoders).
DerKind openssl_kind(const Bytes& der, bool ask_key = true) {
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  const bool cert = x && p == der.data() + der.size();
  X509_free(x);
  p = der.data();
  EVP_PKEY* k = cert || !ask_key ? nullptr : d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size()));
  const bool key = k && p == der.data() + der.size();
  EVP_PKEY_free(k);
  ERR_clear_error();
  return cert ? DerKind::kCertificate : key ? DerKind::kPrivateKey : DerKind::kInvalid;
}

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

Bytes traditional_der(EVP_PKEY* k) {  // PKCS#1 for RSA, SEC1 for EC
  unsigned char* out = nullptr;
  const int n = i2d_PrivateKey(k, &out);
  Bytes b(out, out + (n > 0 ? n : 0));
  OPENSSL_free(out);
  return b;
}

Bytes pkcs8_der(EVP_PKEY* k) {
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(k);
  unsigned char* out = nullptr;
  const int n = i2d_PKCS8_PRIV_KEY_INFO(info, &out);
  Bytes b(out, out + (n > 0 ? n : 0));
  OPENSSL_free(out);
  PKCS8_PRIV_KEY_INFO_free(info);
  return b;
}

struct Sample {
  std::string what;
  Bytes der;
  DerKind kind;
};

std::vector<Sample> samples() {
  std::vector<Sample> s = {
      {"cert a (P-256, v3)", b64(testdata::kCertA), DerKind::kCertificate},
      {"cert b", b64(testdata::kCertB), DerKind::kCertificate},
      {"cert over 3072 bytes", b64(testdata::kCertBig), DerKind::kCertificate},
      {"key a (SEC1 EC)", b64(testdata::kKeyA), DerKind::kPrivateKey},
  };
  PkeyPtr rsa(EVP_RSA_gen(1024), EVP_PKEY_free);
  PkeyPtr ec(EVP_EC_gen("P-256"), EVP_PKEY_free);
  PkeyPtr ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), EVP_PKEY_free);
  if (rsa && ec && ed) {
    s.push_back({"RSA PKCS#1", traditional_der(rsa.get()), DerKind::kPrivateKey});
    s.push_back({"RSA PKCS#8", pkcs8_der(rsa.get()), DerKind::kPrivateKey});
    s.push_back({"EC PKCS#8", pkcs8_der(ec.get()), DerKind::kPrivateKey});
    s.push_back({"Ed25519 PKCS#8", pkcs8_der(ed.get()), DerKind::kPrivateKey});
  }
  return s;
}

TEST(DerShape, RealCertsAndKeysAsOpenSslSeesThem) {
  const auto all = samples();
  ASSERT_EQ(all.size(), 8u) << "OpenSSL could not make the test keys";
  for (const auto& s : all) {
    EXPECT_EQ(openssl_kind(s.der), s.kind) << s.what;  // the sample is what it says
    EXPECT_EQ(classify_der(s.der), s.kind) << s.what;
  }
}

TEST(DerShape, EveryTruncationAndTrailingByteIsInvalid) {
  for (const auto& s : samples()) {
    for (std::size_t n = 0; n < s.der.size(); ++n) {
      const Bytes cut(s.der.begin(), s.der.begin() + static_cast<long>(n));
      ASSERT_EQ(classify_der(cut), DerKind::kInvalid) << s.what << " cut to " << n;
    }
    Bytes longer = s.der;
    longer.push_back(0);
    EXPECT_EQ(classify_der(longer), DerKind::kInvalid) << s.what;
  }
}

// One byte changed: whatever OpenSSL still reads whole, the structural
// check reads the same way. Certs: every offset, three ways. Keys: the
// first 24 bytes (their structure), two ways, as OpenSSL takes milliseconds
// to turn down a key that is not one.
TEST(DerShape, NeverRejectsWhatOpenSslAccepts) {
  int still_accepted = 0;
  for (const auto& s : samples()) {
    if (s.der.size() > 3072) continue;  // the big cert: truncations above are enough
    const bool key = s.kind == DerKind::kPrivateKey;
    const std::size_t end = key ? std::min<std::size_t>(24, s.der.size()) : s.der.size();
    for (std::size_t i = 0; i < end; ++i) {
      for (std::uint8_t mask : {0x01, 0x20, 0x80}) {
        if (key && mask == 0x01) continue;
        Bytes m = s.der;
        m[i] ^= mask;
        const DerKind want = openssl_kind(m, key);
        if (want == DerKind::kInvalid) continue;
        ++still_accepted;
        ASSERT_EQ(classify_der(m), want) << s.what << ": byte " << i << " ^ " << int(mask);
      }
    }
  }
  EXPECT_GT(still_accepted, 100);  // the comparison really ran on accepted inputs
}

TEST(DerShape, NotCertsOrKeys) {
  EXPECT_EQ(classify_der(Bytes{}), DerKind::kInvalid);
  EXPECT_EQ(classify_der(Bytes{'H', 'e', 'l', 'l', 'o'}), DerKind::kInvalid);
  EXPECT_EQ(classify_der(Bytes{0x30, 0x00}), DerKind::kInvalid);                    // empty SEQUENCE
  EXPECT_EQ(classify_der(Bytes{0x30, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00}), DerKind::kInvalid);  // indefinite
  EXPECT_EQ(classify_der(Bytes{0x30, 0x85, 0, 0, 0, 0, 0}), DerKind::kInvalid);    // 5-byte length
  // Six INTEGERs is the DSA key shape; five is nothing.
  const Bytes dsa = {0x30, 0x12, 0x02, 0x01, 0x00, 0x02, 0x01, 0x07, 0x02, 0x01, 0x03,
                     0x02, 0x01, 0x02, 0x02, 0x01, 0x04, 0x02, 0x01, 0x01};
  EXPECT_EQ(classify_der(dsa), DerKind::kPrivateKey);
  Bytes five(dsa.begin(), dsa.end() - 3);
  five[1] = 0x0f;
  EXPECT_EQ(classify_der(five), DerKind::kInvalid);
}

}  // namespace
}  // namespace ss::policy
