// Reproduce commands and the machine-readable campaign reports: --json FILE
// and --junit FILE (docs/sim.md, "Campaigns").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/campaign/result.h"

namespace ss::campaign {

// "asan" when this binary was built with AddressSanitizer (--config=asan),
// else "default".
const char* build_flavour();

// The command that replays one seed alone, with every option that changes
// the run: "bazel run [--config=asan] LABEL -- --scenario NAME --seed S
// [--max-events N] --trace" (--max-events only when it is not the default).
// For nondeterminism, one run shows nothing: the seed is rechecked alone,
// "... --from S --seeds 1 --recheck 1" (the same runs: a worker's first
// seed, again in it, and in a fresh process when the seed was; recheck.h).
std::string reproduce_command(const std::string& label, const std::string& scenario, std::uint64_t seed,
                              std::uint64_t max_events, bool nondeterminism = false);

// Counts over a campaign's results.
struct Tally {
  std::uint64_t seeds = 0, passed = 0, failed = 0;
  std::uint64_t violation = 0, livelock = 0, crash = 0, hang = 0, leak = 0, nondeterminism = 0;
  std::uint64_t events = 0;
  long double sim_time_us = 0;
  void add(const SeedResult& r);
};

struct CampaignInfo {
  std::string label;  // bazel target of the binary, for reproduce commands
  std::string scenario;
  std::uint64_t from = 1;
  std::optional<std::uint64_t> seed_limit;       // --seeds
  std::optional<double> duration_seconds;        // --duration
  int jobs = 1;
  std::uint64_t max_events = 0;
  double seed_timeout_seconds = 0;
  double recheck = 0;  // --recheck fraction
  bool interrupted = false;
  double wall_seconds = 0;
};

// `results` sorted by seed. Each returns false with `error` set when the
// file cannot be written.
bool write_json(const std::string& path, const CampaignInfo& info, const std::vector<SeedResult>& results,
                std::string* error);
bool write_junit(const std::string& path, const CampaignInfo& info, const std::vector<SeedResult>& results,
                 std::string* error);

// Text made safe for the reports: invalid UTF-8 becomes U+FFFD.
std::string valid_utf8(std::string_view text);
// A JSON string literal (quotes included) of valid_utf8(text).
std::string json_string(std::string_view text);
// valid_utf8(text) with XML's special characters escaped and the control
// characters XML 1.0 forbids replaced by U+FFFD.
std::string xml_text(std::string_view text);

}  // namespace ss::campaign
