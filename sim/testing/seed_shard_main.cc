// main() for tests that spread seeds over Bazel test shards themselves
// (seed_sweep.h, the corpus replay): Bazel exports GTEST_TOTAL_SHARDS too,
// and gtest would then give each test case to one shard only — the other
// shards would run nothing and half the seeds would never run. Every shard
// runs every test case; the seeds are what is split.
#include <gtest/gtest.h>

#include <cstdlib>

int main(int argc, char** argv) {
  unsetenv("GTEST_TOTAL_SHARDS");
  unsetenv("GTEST_SHARD_INDEX");
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
