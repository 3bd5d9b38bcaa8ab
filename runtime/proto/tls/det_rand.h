// DetRand: OpenSSL's randomness drawn from an ss::Rng, for simulated runs.
//
// Why
//   A simulated run must be a pure function of its seed, TLS included.
//   OpenSSL draws key shares, ECDSA nonces, ClientHello/ServerHello randoms,
//   ticket keys and GCM nonces from its own DRBG, whose output differs
//   between processes even when seeded. Installing DetRand routes every
//   RAND_bytes / RAND_priv_bytes of the process to the given ss::Rng
//   (docs/deterministic-tls.md §1).
//
// Process-wide by nature
//   OpenSSL has one RAND method per process, so this is the one deliberate
//   piece of mutable global state in runtime/: a pointer to the caller's
//   generator. Rules:
//   - A ScopedDetRand is the only way in: it installs at construction and
//     restores what was there before at destruction, so a test that returns
//     early (a failed ASSERT_*) or throws cannot leave it installed. Create
//     it before any TLS provider, SSL_CTX or key of the run (they draw at
//     creation). Never in production.
//   - Scopes stack: an inner scope's generator serves until the inner scope
//     ends, then the outer one's serves again (tls_seed_gen swaps a server
//     generator in around the server's steps that way).
//   - A borrowed Rng must outlive its scope.
//   - No threads may use OpenSSL while installed (the runtime has none).
//   The RAND_METHOD itself is static and allocates nothing, so nothing
//   leaks whether or not a scope ends before exit.
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/core/rng.h"

namespace ss::proto {

// True while a generator is installed (some ScopedDetRand is alive).
bool det_rand_installed();

// RAII: routes OpenSSL's randomness to a generator for its lifetime.
// Neither copyable nor movable (the stack of scopes points at it).
class ScopedDetRand {
 public:
  // A generator of its own, seeded with `seed`.
  explicit ScopedDetRand(std::uint64_t seed);
  // A generator of its own (e.g. a fork of a world's Rng).
  explicit ScopedDetRand(Rng rng);
  // The caller's generator (not owned; must outlive the scope), for
  // generators that live on across several scopes.
  explicit ScopedDetRand(Rng* borrowed);
  // Restores the enclosing scope's generator, or OpenSSL's default one.
  ~ScopedDetRand();
  ScopedDetRand(const ScopedDetRand&) = delete;
  ScopedDetRand& operator=(const ScopedDetRand&) = delete;

  Rng& rng() { return *rng_; }
  // False if OpenSSL refused the method (then OpenSSL's own randomness
  // serves, and the run is not replayable).
  bool installed() const { return installed_; }

 private:
  void enter();

  std::optional<Rng> owned_;
  Rng* rng_;
  ScopedDetRand* outer_ = nullptr;  // the scope that was innermost before this one
  bool installed_ = false;
};

}  // namespace ss::proto
