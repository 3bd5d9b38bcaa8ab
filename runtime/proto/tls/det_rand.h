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
//   - install() at the start of a run, before creating any TLS provider,
//     SSL_CTX or key of that run (they draw at creation); uninstall() at
//     its end (ScopedDetRand does both). Never in production.
//   - The Rng must outlive the installation. One installation at a time;
//     install() while installed replaces the generator.
//   - No threads may use OpenSSL while installed (the runtime has none).
//   The RAND_METHOD itself is static and allocates nothing, so nothing
//   leaks whether or not uninstall() runs before exit.
#pragma once

#include "runtime/core/rng.h"

namespace ss::proto {

// Routes OpenSSL's randomness to `rng` (not owned). Returns false if OpenSSL
// refused the method (then nothing changed).
bool install_det_rand(Rng* rng);

// Restores OpenSSL's default randomness. Safe to call when not installed.
void uninstall_det_rand();

// True while a generator is installed.
bool det_rand_installed();

// RAII: installs a generator seeded with `seed` for its lifetime.
class ScopedDetRand {
 public:
  explicit ScopedDetRand(std::uint64_t seed) : rng_(seed) { install_det_rand(&rng_); }
  ~ScopedDetRand() { uninstall_det_rand(); }
  ScopedDetRand(const ScopedDetRand&) = delete;
  ScopedDetRand& operator=(const ScopedDetRand&) = delete;
  Rng& rng() { return rng_; }

 private:
  Rng rng_;
};

}  // namespace ss::proto
