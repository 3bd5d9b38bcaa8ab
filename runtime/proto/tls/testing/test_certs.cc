#include "runtime/proto/tls/testing/test_certs.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <ctime>
#include <stdexcept>

namespace ss::proto::testing {
namespace {

// Test code: a failure here is a broken test setup, so abort loudly.
void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test_certs: ") + what);
}

EVP_PKEY* new_key() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  check(key != nullptr, "EC key generation");
  return key;
}

Der key_der(EVP_PKEY* key) {
  unsigned char* buf = nullptr;
  const int len = i2d_PrivateKey(key, &buf);
  check(len > 0, "i2d_PrivateKey");
  Der out(buf, buf + len);
  OPENSSL_free(buf);
  return out;
}

Der cert_der(X509* cert) {
  unsigned char* buf = nullptr;
  const int len = i2d_X509(cert, &buf);
  check(len > 0, "i2d_X509");
  Der out(buf, buf + len);
  OPENSSL_free(buf);
  return out;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Builds and signs a certificate for `key` (issuer: issuer_cert/issuer_key,
// or itself when issuer_cert is null).
X509* build(const CertSpec& spec, std::int64_t serial, EVP_PKEY* key, X509* issuer_cert,
            EVP_PKEY* issuer_key) {
  X509* cert = X509_new();
  check(cert != nullptr, "X509_new");
  X509_set_version(cert, 2);  // v3
  ASN1_INTEGER_set_int64(X509_get_serialNumber(cert), serial);
  check(ASN1_TIME_set(X509_getm_notBefore(cert), static_cast<time_t>(spec.not_before)) != nullptr,
        "notBefore");
  check(ASN1_TIME_set(X509_getm_notAfter(cert), static_cast<time_t>(spec.not_after)) != nullptr,
        "notAfter");
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1,
                             -1, 0);
  X509_set_issuer_name(cert, issuer_cert != nullptr ? X509_get_subject_name(issuer_cert) : name);
  X509_set_pubkey(cert, key);
  X509* issuer = issuer_cert != nullptr ? issuer_cert : cert;
  add_ext(cert, issuer, NID_subject_key_identifier, "hash");
  add_ext(cert, issuer, NID_authority_key_identifier, "keyid:always");
  if (spec.is_ca) {
    add_ext(cert, issuer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(cert, issuer, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert, issuer, NID_key_usage, "critical,digitalSignature");
    add_ext(cert, issuer, NID_ext_key_usage, "serverAuth,clientAuth");
    std::string san;
    for (const auto& d : spec.dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + d;
    for (const auto& ip : spec.ip_names) san += (san.empty() ? "IP:" : ",IP:") + ip;
    if (!san.empty()) add_ext(cert, issuer, NID_subject_alt_name, san);
  }
  check(X509_sign(cert, issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

CertAndKey finish(X509* cert, EVP_PKEY* key) {
  CertAndKey out{cert_der(cert), key_der(key)};
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

// Parses our own DER back (both are ours, so failure is a test bug).
X509* parse(const Der& der) {
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  check(x != nullptr, "d2i_X509");
  return x;
}

EVP_PKEY* parse_key(const Der& der) {
  const unsigned char* p = der.data();
  EVP_PKEY* k = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size()));
  check(k != nullptr, "d2i_AutoPrivateKey");
  return k;
}

}  // namespace

TestCa TestCa::make(const std::string& common_name, std::int64_t not_before,
                    std::int64_t not_after) {
  CertSpec spec;
  spec.common_name = common_name;
  spec.not_before = not_before;
  spec.not_after = not_after;
  spec.is_ca = true;
  EVP_PKEY* key = new_key();
  TestCa ca;
  ca.self_ = finish(build(spec, 1, key, nullptr, nullptr), key);
  return ca;
}

TestCa TestCa::from(CertAndKey self) {
  TestCa ca;
  ca.self_ = std::move(self);
  ca.next_serial_ = 1000;
  return ca;
}

CertAndKey TestCa::issue(const CertSpec& spec) {
  X509* issuer = parse(self_.cert_der);
  EVP_PKEY* issuer_key = parse_key(self_.key_der);
  EVP_PKEY* key = new_key();
  CertAndKey out = finish(build(spec, next_serial_++, key, issuer, issuer_key), key);
  X509_free(issuer);
  EVP_PKEY_free(issuer_key);
  return out;
}

CertAndKey make_self_signed(const CertSpec& spec) {
  EVP_PKEY* key = new_key();
  return finish(build(spec, 1, key, nullptr, nullptr), key);
}

TestPki make_test_pki(const std::string& host, std::int64_t now) {
  constexpr std::int64_t kDay = 24 * 3600;
  TestPki pki;
  TestCa ca = TestCa::make("ss test root", now - 365 * kDay, now + 3650 * kDay);
  TestCa other = TestCa::make("ss other root", now - 365 * kDay, now + 3650 * kDay);
  pki.ca = ca.self();
  pki.other_ca = other.self();
  auto leaf = [&](const std::string& name, std::int64_t from, std::int64_t to) {
    CertSpec spec;
    spec.common_name = name;
    spec.dns_names = {name};
    spec.not_before = from;
    spec.not_after = to;
    return spec;
  };
  pki.good = ca.issue(leaf(host, now - kDay, now + 90 * kDay));
  pki.expired = ca.issue(leaf(host, now - 90 * kDay, now - kDay));
  pki.not_yet_valid = ca.issue(leaf(host, now + kDay, now + 90 * kDay));
  pki.wrong_host = ca.issue(leaf("other.example", now - kDay, now + 90 * kDay));
  pki.unknown_ca = other.issue(leaf(host, now - kDay, now + 90 * kDay));
  pki.self_signed = make_self_signed(leaf(host, now - kDay, now + 90 * kDay));
  pki.client = ca.issue(leaf("client.ss-test", now - kDay, now + 90 * kDay));
  return pki;
}

std::string subject_of(const Der& der) {
  X509* x = parse(der);
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, X509_get_subject_name(x), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  X509_free(x);
  return out;
}

}  // namespace ss::proto::testing
