// The result of one seed of an ss-sim campaign (docs/sim.md, "Campaigns").
//
// A seed passes, breaks an invariant (violation), never comes to rest within
// --max-events (livelock), kills the worker process running it (crash: a
// signal, an abort, a sanitizer report), gives no result within
// --seed-timeout of wall time (hang: the worker is killed), or, in an ASan
// build, passes but leaves memory that LeakSanitizer finds unreachable
// (leak), or, rechecked (recheck.h), gives a different trace when run again
// (nondeterminism).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ss::campaign {

enum class Status { kPass, kViolation, kLivelock, kCrash, kHang, kLeak, kNondeterminism };

// "pass", "violation", "livelock", "crash", "hang", "leak", "nondeterminism".
const char* status_name(Status status);

struct SeedResult {
  std::uint64_t seed = 0;
  Status status = Status::kPass;
  // From the run (not for crash / hang): trace hash, scheduler steps, trace
  // events, simulated time.
  std::uint64_t hash = 0;
  std::uint64_t events = 0;
  std::uint64_t trace_events = 0;
  std::int64_t sim_time_us = 0;
  // Violations: how many, and the first few texts.
  std::uint64_t violation_count = 0;
  std::vector<std::string> violations;
  // Crash / hang: how the worker ended ("SIGSEGV", "exit status 1",
  // "no result after 60s of wall time; worker killed") and the telling line
  // of its output (a sanitizer's ERROR line, an assertion), if any. Leak:
  // LeakSanitizer's SUMMARY line as the headline.
  std::string crash;
  std::string headline;
  // Failures: the tail of what the seed wrote to stdout/stderr.
  std::string output;
  // LeakSanitizer found unreachable memory after the run (status kLeak if
  // the seed otherwise passed); its worker is then replaced.
  bool leaked = false;
  // Nondeterminism: the hash of the run that differed from `hash` (0 when
  // that run gave none) and where and how ("run again in the same process:
  // first difference at event #12: ...").
  std::uint64_t recheck_hash = 0;
  std::string divergence;
  // Wall time of the seed in its worker (not deterministic; reports only).
  double wall_seconds = 0;

  bool passed() const { return status == Status::kPass; }
  // One line: "crash: SIGSEGV (AddressSanitizer: SEGV on unknown address ...)",
  // "violation: <first violation> (+2 more)", "livelock: ...", "hang: ...".
  std::string detail() const;
};

// How a waitpid() status reads: "SIGSEGV", "SIGABRT", "signal 40",
// "exit status 1", "exit status 0".
std::string describe_wait_status(int wait_status);

// The line of a crashed seed's output that says what happened: a
// sanitizer's "ERROR:" line (without its "==pid==" prefix), a UBSan
// "runtime error:", an assertion, an uncaught exception; else the last
// non-empty line; "" for no output. At most 300 characters.
std::string crash_headline(std::string_view output);

// A leak report's "SUMMARY:" text ("AddressSanitizer: 48 byte(s) leaked in
// 1 allocation(s)."); else crash_headline(output).
std::string leak_headline(std::string_view output);

}  // namespace ss::campaign
