// Decisions: where the whole-stack generator (generate.h) takes its choices.
//
// The generator never draws from an Rng directly: it asks a Decisions for
// every choice, so one generator serves three masters:
//   - RngDecisions: a seed's world (ss-sim --seed S, campaigns);
//   - ByteDecisions: a libFuzzer input's world (fuzz/world_fuzz.cc), where
//     coverage guidance picks the choices and -minimize_crash shrinks them;
//   - tests that want a fixed world.
// Convention (as in Hypothesis): choice 0 is always the simplest option —
// fewest streams, no fault, smallest payload, no TLS, direct. An exhausted
// ByteDecisions answers 0, so a short fuzz input is a small, calm world.
#pragma once

#include <cstdint>
#include <span>

#include "runtime/core/rng.h"

namespace ss::sim::gen {

class Decisions {
 public:
  virtual ~Decisions() = default;
  // Uniform-ish in [0, bound); bound == 0 or 1 returns 0.
  virtual std::uint64_t below(std::uint64_t bound) = 0;

  // [lo, hi] inclusive; lo is the simplest. Requires lo <= hi.
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  // True with probability num/den; false is the simplest.
  // Requires num <= den and den > 0.
  bool chance(std::uint64_t num, std::uint64_t den) { return below(den) >= den - num; }
};

class RngDecisions final : public Decisions {
 public:
  explicit RngDecisions(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t below(std::uint64_t bound) override { return bound <= 1 ? 0 : rng_.below(bound); }

 private:
  Rng rng_;
};

// Reads each choice from the next bytes of `data` (as many as the bound
// needs, big-endian, reduced modulo the bound); 0 once the bytes run out.
class ByteDecisions final : public Decisions {
 public:
  explicit ByteDecisions(std::span<const std::uint8_t> data) : data_(data) {}
  std::uint64_t below(std::uint64_t bound) override {
    if (bound <= 1) return 0;
    std::uint64_t v = 0;
    for (std::uint64_t span = bound - 1; span != 0; span >>= 8) {
      if (pos_ >= data_.size()) break;
      v = (v << 8) | data_[pos_++];
    }
    return v % bound;
  }
  std::size_t consumed() const { return pos_; }

 private:
  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
};

}  // namespace ss::sim::gen
