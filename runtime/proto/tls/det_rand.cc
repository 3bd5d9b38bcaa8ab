// RAND_set_rand_method is deprecated in OpenSSL 3.0 but still consulted by
// RAND_bytes_ex and RAND_priv_bytes_ex before the provider DRBGs, which is
// exactly the hook a simulator needs (docs/deterministic-tls.md §1).
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "runtime/proto/tls/det_rand.h"

#include <openssl/rand.h>

#include <cstdint>
#include <span>
#include <utility>

namespace ss::proto {
namespace {

// The one process-wide slot (see det_rand.h for why it must exist): the
// innermost live scope, whose generator serves.
ScopedDetRand* g_top = nullptr;  // NOLINT: process-wide by OpenSSL's design

int det_bytes(unsigned char* buf, int num) {
  if (g_top == nullptr || num < 0) return 0;
  g_top->rng().fill(std::span<std::uint8_t>(buf, static_cast<std::size_t>(num)));
  return 1;
}

// Seeding input is ignored: the output depends on the ss::Rng alone.
int det_seed(const void*, int) { return 1; }
int det_add(const void*, int, double) { return 1; }
int det_status() { return g_top != nullptr ? 1 : 0; }
void det_cleanup() {}

const RAND_METHOD kDetRandMethod = {
    det_seed, det_bytes, det_cleanup, det_add, det_bytes, det_status,
};

}  // namespace

bool det_rand_installed() { return g_top != nullptr; }

ScopedDetRand::ScopedDetRand(std::uint64_t seed) : owned_(Rng(seed)), rng_(&*owned_) { enter(); }

ScopedDetRand::ScopedDetRand(Rng rng) : owned_(std::move(rng)), rng_(&*owned_) { enter(); }

ScopedDetRand::ScopedDetRand(Rng* borrowed) : rng_(borrowed) { enter(); }

void ScopedDetRand::enter() {
  if (rng_ == nullptr) return;
  // The method is already in place while an outer scope lives.
  if (g_top == nullptr && RAND_set_rand_method(&kDetRandMethod) != 1) return;
  outer_ = g_top;
  g_top = this;
  installed_ = true;
}

ScopedDetRand::~ScopedDetRand() {
  if (!installed_) return;
  if (g_top == this) {
    g_top = outer_;
  } else {
    // Ended before a scope nested in it (scopes held in members, destroyed
    // out of order): unlink it, the innermost scope keeps serving.
    for (ScopedDetRand* s = g_top; s != nullptr; s = s->outer_) {
      if (s->outer_ == this) {
        s->outer_ = outer_;
        break;
      }
    }
  }
  // nullptr makes OpenSSL fall back to its default DRBG on next use.
  if (g_top == nullptr) RAND_set_rand_method(nullptr);
}

}  // namespace ss::proto
