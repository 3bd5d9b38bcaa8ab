// RAND_set_rand_method is deprecated in OpenSSL 3.0 but still consulted by
// RAND_bytes_ex and RAND_priv_bytes_ex before the provider DRBGs, which is
// exactly the hook a simulator needs (docs/deterministic-tls.md §1).
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "runtime/proto/tls/det_rand.h"

#include <openssl/rand.h>

#include <cstdint>
#include <span>

namespace ss::proto {
namespace {

// The one process-wide slot (see det_rand.h for why it must exist).
Rng* g_rng = nullptr;  // NOLINT: process-wide by OpenSSL's design

int det_bytes(unsigned char* buf, int num) {
  if (g_rng == nullptr || num < 0) return 0;
  g_rng->fill(std::span<std::uint8_t>(buf, static_cast<std::size_t>(num)));
  return 1;
}

// Seeding input is ignored: the output depends on the ss::Rng alone.
int det_seed(const void*, int) { return 1; }
int det_add(const void*, int, double) { return 1; }
int det_status() { return g_rng != nullptr ? 1 : 0; }
void det_cleanup() {}

const RAND_METHOD kDetRandMethod = {
    det_seed, det_bytes, det_cleanup, det_add, det_bytes, det_status,
};

}  // namespace

bool install_det_rand(Rng* rng) {
  if (rng == nullptr) return false;
  g_rng = rng;
  if (RAND_set_rand_method(&kDetRandMethod) != 1) {
    g_rng = nullptr;
    return false;
  }
  return true;
}

void uninstall_det_rand() {
  if (g_rng == nullptr) return;
  // nullptr makes OpenSSL fall back to its default DRBG on next use.
  RAND_set_rand_method(nullptr);
  g_rng = nullptr;
}

bool det_rand_installed() { return g_rng != nullptr; }

}  // namespace ss::proto
