// tls_seed_gen: writes the seed corpus of tls_client_fuzz.
//
//   bazel run //fuzz:tls_seed_gen -- $PWD/corpus/tls_client_fuzz
//
// For each client variant and a few server behaviours, a real server
// session answers the fuzz client's (deterministic) ClientHello; every byte
// the server sent becomes one seed file: [variant][chunk][server bytes].
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz/tls_fuzz_setup.h"

namespace {

using ss::proto::testing::CertAndKey;

struct Case {
  const char* name;
  int variant;
  const CertAndKey* id;
  std::vector<std::string> alpn;
  bool client_ca;  // server requires a client certificate
};

// The client draws from Rng(kRunSeed) alone, exactly as in the fuzz target;
// the server from a generator of its own, whose scope nests inside the
// client's around each of the server's steps. So even the client's later
// draws (its TLS 1.2 key exchange) match the fuzz run, and the server's
// whole stream decrypts there.
std::vector<std::uint8_t> record(const Case& c) {
  ss::proto::ScopedDetRand as_client(ss::fuzz_tls::kRunSeed);
  ss::Rng server_rng(~ss::fuzz_tls::kRunSeed);
  ss::proto::OpenSslTlsProvider::Options o = ss::fuzz_tls::options(c.variant);
  if (c.client_ca) o.client_ca_der = {ss::fuzz_tls::pki().ca.cert_der};
  ss::proto::OpenSslTlsProvider provider(o);
  auto client = provider.client(ss::fuzz_tls::client_config(c.variant));
  ss::Result<std::unique_ptr<ss::TlsSession>> server = [&] {
    ss::proto::ScopedDetRand as_server(&server_rng);
    ss::TlsServerConfig sc;
    sc.cert_der = c.id->cert_der;
    sc.key_der = c.id->key_der;
    sc.alpn = c.alpn;
    return provider.server(sc);
  }();
  if (!client.ok() || !server.ok()) {
    std::fprintf(stderr, "setup failed\n");
    std::exit(1);
  }
  const std::string body = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  {
    ss::proto::ScopedDetRand as_server(&server_rng);
    (*server)->send_plaintext({reinterpret_cast<const std::uint8_t*>(body.data()), body.size()});
  }
  std::vector<std::uint8_t> server_bytes;
  for (int round = 0; round < 64; ++round) {
    std::vector<std::uint8_t> c2s;
    std::vector<std::uint8_t> s2c;
    (*client)->take_ciphertext(&c2s);
    {
      ss::proto::ScopedDetRand as_server(&server_rng);
      if (!c2s.empty()) (*server)->receive_ciphertext(c2s);
      if ((*server)->status() == ss::TlsStatus::kEstablished) (*server)->close_notify();
      (*server)->take_ciphertext(&s2c);
    }
    if (!s2c.empty()) (*client)->receive_ciphertext(s2c);
    server_bytes.insert(server_bytes.end(), s2c.begin(), s2c.end());
    if (c2s.empty() && s2c.empty()) break;
  }
  std::fprintf(stderr, "%s: client %s%s%s\n", c.name, ss::tls_status_name((*client)->status()),
               (*client)->error().ok() ? "" : ": ", (*client)->error().message().c_str());
  return server_bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: tls_seed_gen OUTDIR\n");
    return 2;
  }
  const auto& pki = ss::fuzz_tls::pki();
  const std::vector<Case> cases = {
      {"tls13-good-alpn", 0, &pki.good, {"http/1.1"}, false},
      {"tls12-good-alpn", 1, &pki.good, {"http/1.1"}, false},
      {"any-good", 2, &pki.good, {}, false},
      {"any-expired", 2, &pki.expired, {}, false},
      {"any-wrong-host", 2, &pki.wrong_host, {}, false},
      {"tls13-unknown-ca", 0, &pki.unknown_ca, {}, false},
      {"tls12-self-signed", 1, &pki.self_signed, {}, false},
      {"any-client-cert", 3, &pki.good, {}, true},
  };
  for (const Case& c : cases) {
    std::vector<std::uint8_t> bytes = record(c);
    std::vector<std::uint8_t> file = {static_cast<std::uint8_t>(c.variant), 255};
    file.insert(file.end(), bytes.begin(), bytes.end());
    std::ofstream out(std::string(argv[1]) + "/" + c.name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", c.name);
      return 1;
    }
  }
  return 0;
}
