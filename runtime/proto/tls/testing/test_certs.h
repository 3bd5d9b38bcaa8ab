// Test certificates made at test time (never committed): EC P-256 keys,
// SHA-256 signatures, OpenSSL API only.
//
// make_test_pki() gives a CA, a good leaf for a host name, and the bad
// cases each verification test needs. Serial numbers are fixed; keys come
// from OpenSSL's randomness, so under det_rand.h the whole set is a function
// of the seed (EC keys only: docs/deterministic-tls.md §3 says why not RSA).
// Times are Unix seconds, so a test can pin the verify time next to them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ss::proto::testing {

using Der = std::vector<std::uint8_t>;

struct CertAndKey {
  Der cert_der;
  Der key_der;
};

struct CertSpec {
  std::string common_name;
  std::vector<std::string> dns_names;  // subjectAltName DNS entries
  std::vector<std::string> ip_names;   // subjectAltName IP entries
  std::int64_t not_before = 0;         // Unix seconds
  std::int64_t not_after = 0;
  bool is_ca = false;
};

// A certificate authority that can issue certificates.
class TestCa {
 public:
  // A self-signed CA named `common_name`, valid over [not_before, not_after].
  static TestCa make(const std::string& common_name, std::int64_t not_before,
                     std::int64_t not_after);
  // A CA from an existing CA certificate and key (e.g. an intermediate
  // issued with spec.is_ca).
  static TestCa from(CertAndKey self);
  CertAndKey issue(const CertSpec& spec);
  const CertAndKey& self() const { return self_; }

 private:
  CertAndKey self_;
  std::int64_t next_serial_ = 2;
};

// A self-signed certificate that is not a CA (a leaf nobody vouches for).
CertAndKey make_self_signed(const CertSpec& spec);

struct TestPki {
  CertAndKey ca;             // trust this
  CertAndKey good;           // for `host`, valid at `now`, issued by ca
  CertAndKey expired;        // for `host`, not_after < now
  CertAndKey not_yet_valid;  // for `host`, not_before > now
  CertAndKey wrong_host;     // for "other.example", valid, issued by ca
  CertAndKey unknown_ca;     // for `host`, valid, issued by another CA
  CertAndKey other_ca;       // that other CA (a wrong trust store)
  CertAndKey self_signed;    // for `host`, valid, self-signed
  CertAndKey client;         // a client certificate issued by ca
};

// Everything above for `host` around the Unix time `now`.
TestPki make_test_pki(const std::string& host, std::int64_t now);

// "CN=..." subject of a DER certificate (for assertions on error text).
std::string subject_of(const Der& cert_der);

}  // namespace ss::proto::testing
