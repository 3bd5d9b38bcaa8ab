// Rng: the seeded pseudo-random generator of a context or simulated run.
//
// Algorithm: xoshiro256** (Blackman & Vigna, 2018), state seeded from one
// 64-bit seed through SplitMix64. Its own distribution functions are used,
// never std:: distributions: those differ between standard libraries and
// would break replay of a seed across toolchains. The output for a given
// seed is fixed forever; rng_test.cc pins known values.
//
// There is no global generator. Every context / simulated run owns one, and
// hands derived generators (fork) to parts that need an independent stream,
// so adding a draw in one place does not shift the draws of another.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace ss {

class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  // Next raw 64 bits.
  std::uint64_t next_u64();
  std::uint32_t next_u32() { return static_cast<std::uint32_t>(next_u64() >> 32); }
  std::uint16_t next_u16() { return static_cast<std::uint16_t>(next_u64() >> 48); }

  // Uniform in [0, bound). bound == 0 returns 0. Unbiased (Lemire's method).
  std::uint64_t below(std::uint64_t bound);

  // Uniform in [lo, hi] inclusive. Requires lo <= hi.
  std::int64_t between(std::int64_t lo, std::int64_t hi);

  // True with probability numerator/denominator (exact integer arithmetic).
  bool chance(std::uint64_t numerator, std::uint64_t denominator);

  // Fills `out` with random bytes.
  void fill(std::span<std::uint8_t> out);

  // A new generator whose stream depends on this one's seed and `label` but
  // not on how many draws were made from this one.
  Rng fork(std::uint64_t label) const;

  std::uint64_t seed() const { return seed_; }

 private:
  std::uint64_t seed_;
  std::array<std::uint64_t, 4> s_;
};

// SplitMix64 step, exposed for deriving seeds and hashing small values.
std::uint64_t splitmix64(std::uint64_t& state);

}  // namespace ss
