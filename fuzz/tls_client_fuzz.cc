// Fuzz target: a TLS client session (runtime/proto/tls) reading bytes from a
// hostile server: records, handshake messages, certificates, alerts.
//
// Input: byte 0 picks the client variant (tls_fuzz_setup.h, mod 4), byte 1
// a chunk size (1..256), the rest is what the server sends. Seeds
// (corpus/tls_client_fuzz, made by tls_seed_gen) are real server flights
// recorded with the same deterministic randomness, so they decrypt.
// Invariants checked:
//  - no crash, no sanitizer report, no leak;
//  - status and error agree: kFailed <=> error is set, and then its code
//    is kTls and its text is not empty;
//  - the outcome (status, error text, plaintext, ALPN) is the same fed
//    whole, fed in chunks, and fed one byte at a time;
//  - buffered plaintext never exceeds the bytes fed.
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "fuzz/tls_fuzz_setup.h"

namespace {

struct Outcome {
  ss::TlsStatus status;
  std::string error;
  std::vector<std::uint8_t> plaintext;
  std::string alpn;
  bool operator==(const Outcome& o) const {
    return status == o.status && error == o.error && plaintext == o.plaintext && alpn == o.alpn;
  }
};

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "tls_client_fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

Outcome run(int variant, std::span<const std::uint8_t> bytes, std::size_t chunk) {
  ss::proto::ScopedDetRand det(ss::fuzz_tls::kRunSeed);
  ss::proto::OpenSslTlsProvider provider(ss::fuzz_tls::options(variant));
  auto client = provider.client(ss::fuzz_tls::client_config(variant));
  require(client.ok(), "client creation");
  ss::TlsSession& s = **client;
  std::vector<std::uint8_t> sink;
  Outcome out;
  s.take_ciphertext(&sink);
  for (std::size_t pos = 0; pos < bytes.size(); pos += chunk) {
    s.receive_ciphertext(bytes.subspan(pos, std::min(chunk, bytes.size() - pos)));
    sink.clear();
    s.take_ciphertext(&sink);  // what we would send back; dropped
    s.take_plaintext(&out.plaintext);
    if (s.status() == ss::TlsStatus::kFailed) break;
  }
  s.send_plaintext(std::span<const std::uint8_t>(bytes.data(), std::min<std::size_t>(bytes.size(), 16)));
  s.close_notify();
  s.take_ciphertext(&sink);
  out.status = s.status();
  out.error = s.error().message();
  out.alpn = s.negotiated_alpn();
  require((s.status() == ss::TlsStatus::kFailed) == !s.error().ok(), "kFailed <=> error");
  require(s.error().ok() || (s.error().code() == ss::ErrorCode::kTls && !out.error.empty()),
          "error code and text");
  require(out.plaintext.size() <= bytes.size(), "plaintext bounded by input");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const int variant = data[0] % ss::fuzz_tls::kVariants;
  const std::size_t chunk = 1 + data[1];
  std::span<const std::uint8_t> bytes(data + 2, size - 2);
  (void)ss::fuzz_tls::pki();  // before the run, outside its randomness
  const Outcome whole = run(variant, bytes, bytes.size() + 1);
  if (std::getenv("TLS_FUZZ_VERBOSE") != nullptr) {  // to check what a seed reaches
    std::fprintf(stderr, "variant %d: %s %s alpn=%s plaintext=%zu bytes\n", variant,
                 ss::tls_status_name(whole.status), whole.error.c_str(), whole.alpn.c_str(),
                 whole.plaintext.size());
  }
  require(run(variant, bytes, chunk) == whole, "chunked == whole");
  if (bytes.size() <= 4096) require(run(variant, bytes, 1) == whole, "byte-by-byte == whole");
  return 0;
}
