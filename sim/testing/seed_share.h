// Which seeds of a sweep this test process runs. Bazel's test shards
// (TEST_TOTAL_SHARDS / TEST_SHARD_INDEX) split the sweep, and SS_SEED_STRIDE=N
// keeps every Nth seed only: the ASan half of CI sets it (.bazelrc,
// build:asan) because a sanitized seed costs ~5x a plain one, while the plain
// half runs every seed. Positions, not seed values, are split so a sweep from
// any first seed spreads evenly.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace ss::sim::testing {

struct SeedShare {
  std::uint64_t shards = 1;
  std::uint64_t index = 0;
  std::uint64_t stride = 1;

  // Reads the environment and tells Bazel the test honours sharding.
  // `honour_stride` false: every seed counts (a corpus of known bugs).
  static SeedShare from_env(bool honour_stride = true) {
    auto env_u64 = [](const char* name, std::uint64_t fallback) {
      const char* v = std::getenv(name);
      const std::uint64_t n = v ? std::strtoull(v, nullptr, 10) : fallback;
      return n == 0 ? fallback : n;
    };
    SeedShare s;
    s.shards = env_u64("TEST_TOTAL_SHARDS", 1);
    s.index = std::getenv("TEST_SHARD_INDEX") ? std::strtoull(std::getenv("TEST_SHARD_INDEX"), nullptr, 10) : 0;
    if (honour_stride) s.stride = env_u64("SS_SEED_STRIDE", 1);
    if (const char* f = std::getenv("TEST_SHARD_STATUS_FILE")) {
      if (FILE* fp = std::fopen(f, "w")) std::fclose(fp);
    }
    return s;
  }

  // Whether this process runs the sweep's position `i` (0-based).
  bool runs(std::uint64_t i) const { return i % stride == 0 && (i / stride) % shards == index; }

  // How many of `count` positions this process runs.
  std::uint64_t share_of(std::uint64_t count) const {
    std::uint64_t n = 0;
    for (std::uint64_t i = 0; i < count; ++i) n += runs(i) ? 1 : 0;
    return n;
  }
};

}  // namespace ss::sim::testing
