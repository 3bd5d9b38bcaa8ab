#include "sim/trace.h"

#include <cstdio>

namespace ss::sim {

std::uint64_t fnv1a64(std::span<const std::uint8_t> bytes, std::uint64_t state) {
  for (std::uint8_t b : bytes) {
    state ^= b;
    state *= kFnv64Prime;
  }
  return state;
}

std::uint64_t fnv1a64(std::string_view text, std::uint64_t state) {
  return fnv1a64(std::span<const std::uint8_t>(
                     reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                 state);
}

void Trace::record(Micros time, std::string_view kind, std::string_view text) {
  std::uint8_t t[8];
  const auto u = static_cast<std::uint64_t>(time);
  for (int i = 0; i < 8; ++i) t[i] = static_cast<std::uint8_t>(u >> (8 * i));
  const std::uint8_t zero[1] = {0};
  hash_ = fnv1a64(t, hash_);
  hash_ = fnv1a64(kind, hash_);
  hash_ = fnv1a64(zero, hash_);
  hash_ = fnv1a64(text, hash_);
  hash_ = fnv1a64(zero, hash_);
  ++count_;
  if (keep_events_) events_.push_back(TraceEvent{time, std::string(kind), std::string(text)});
  if (sink_) sink_(time, kind, text);
}

std::string Trace::to_string() const {
  std::string out;
  for (const TraceEvent& e : events_) {
    out += std::to_string(e.time);
    out += ' ';
    out += e.kind;
    out += ' ';
    out += e.text;
    out += '\n';
  }
  return out;
}

std::string hex64(std::uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(value));
  return buf;
}

}  // namespace ss::sim
