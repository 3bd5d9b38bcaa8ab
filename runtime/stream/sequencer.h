// Sequencer: the states a stream raised, in order (lws_ss_get_sequencer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/stream/states.h"

namespace ss::stream {

// A minimal sequencer (lws <= v4.3): receives every state the stream raises
// except DESTROYING, in order (at most kMaxKept).
class Sequencer {
 public:
  std::size_t size() const { return count_; }
  State at(std::size_t i) const { return i < kInline ? first_[i] : (*rest_)[i - kInline]; }
  // All of them, in order (a copy: for tests and diagnostics).
  std::vector<State> states() const;
  void deliver(State state);
  static constexpr std::size_t kMaxKept = 1024;

 private:
  // The first states live in the object: a stream that connected and
  // stays up has raised three (CREATING, CONNECTING, CONNECTED), so most
  // never need the heap block a vector makes (docs/benchmarks.md). The
  // members take the 24 bytes a std::vector did.
  static constexpr std::size_t kInline = 3;
  State first_[kInline] = {};
  std::uint32_t count_ = 0;
  std::unique_ptr<std::vector<State>> rest_;  // states kInline.. on
};

}  // namespace ss::stream
