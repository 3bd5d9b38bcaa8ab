// Trace: the observable events of one simulated run, and their hash.
//
// Every event has the sim time it happened at, a short kind ("connect",
// "data", "end", "timer", "fault", or a kind a higher layer records) and a
// text. The run's fingerprint is the 64-bit FNV-1a hash (Fowler/Noll/Vo,
// 64-bit offset basis 0xcbf29ce484222325, prime 0x100000001b3) of every event
// in order: time as 8 little-endian bytes, kind, a 0 byte, text, a 0 byte.
// Same seed => same hash; the seed-sweep test checks it.
//
// Storing the event texts is optional (keep_events): a seed sweep only needs
// the hash; `ss-sim --trace` and failing tests want the text.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/loop.h"
#include "runtime/core/time.h"

namespace ss::sim {

inline constexpr std::uint64_t kFnv64Basis = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t kFnv64Prime = 0x100000001b3ULL;

// FNV-1a 64 over `bytes`, continuing from `state`.
std::uint64_t fnv1a64(std::span<const std::uint8_t> bytes, std::uint64_t state = kFnv64Basis);
std::uint64_t fnv1a64(std::string_view text, std::uint64_t state = kFnv64Basis);

struct TraceEvent {
  Micros time = 0;
  std::string kind;
  std::string text;
};

class Trace {
 public:
  explicit Trace(bool keep_events = false) : keep_events_(keep_events) {}

  void set_keep_events(bool keep) { keep_events_ = keep; }
  void record(Micros time, std::string_view kind, std::string_view text);
  // Records at the clock's now() (World sets the clock to its loop), so
  // higher layers can call world.trace().record(kind, text) too.
  void record(std::string_view kind, std::string_view text) {
    record(clock_ == nullptr ? 0 : clock_->now(), kind, text);
  }
  void set_clock(const Loop* clock) { clock_ = clock; }
  // Also hands every event to `sink` as it is recorded (ss-sim --trace
  // prints the trace this way, so a run that crashes still shows its events
  // up to the crash). Observation only: the hash does not change.
  using Sink = std::function<void(Micros time, std::string_view kind, std::string_view text)>;
  void set_sink(Sink sink) { sink_ = std::move(sink); }

  std::uint64_t hash() const { return hash_; }
  std::uint64_t count() const { return count_; }
  const std::vector<TraceEvent>& events() const { return events_; }

  // One line per kept event: "<time µs> <kind> <text>".
  std::string to_string() const;

 private:
  bool keep_events_;
  const Loop* clock_ = nullptr;
  std::uint64_t hash_ = kFnv64Basis;
  std::uint64_t count_ = 0;
  std::vector<TraceEvent> events_;
  Sink sink_;
};

// "0x%016x" spelling used in reports.
std::string hex64(std::uint64_t value);

}  // namespace ss::sim
