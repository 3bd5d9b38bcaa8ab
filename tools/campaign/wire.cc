#include "tools/campaign/wire.h"

namespace ss::campaign {
namespace {

constexpr std::uint32_t kMaxFrame = 16u << 20;

void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_string(std::string& out, std::string_view s) {
  put_u64(out, s.size());
  out.append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool u64(std::uint64_t* v) {
    if (data_.size() < 8) return false;
    std::uint64_t x = 0;
    for (int i = 0; i < 8; ++i) x |= static_cast<std::uint64_t>(static_cast<unsigned char>(data_[i])) << (8 * i);
    data_.remove_prefix(8);
    *v = x;
    return true;
  }
  bool string(std::string* s) {
    std::uint64_t n = 0;
    if (!u64(&n) || n > data_.size()) return false;
    s->assign(data_.substr(0, n));
    data_.remove_prefix(n);
    return true;
  }
  bool done() const { return data_.empty(); }

 private:
  std::string_view data_;
};

}  // namespace

std::string encode_result(const SeedResult& r) {
  std::string body;
  put_u64(body, r.seed);
  put_u64(body, static_cast<std::uint64_t>(r.status));
  put_u64(body, r.hash);
  put_u64(body, r.events);
  put_u64(body, r.trace_events);
  put_u64(body, static_cast<std::uint64_t>(r.sim_time_us));
  put_u64(body, r.violation_count);
  put_u64(body, r.leaked ? 1 : 0);
  put_u64(body, r.recheck_hash);
  put_string(body, r.divergence);
  put_u64(body, r.violations.size());
  for (const std::string& v : r.violations) put_string(body, v);
  std::string frame;
  const auto n = static_cast<std::uint32_t>(body.size());
  for (int i = 0; i < 4; ++i) frame.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return frame + body;
}

int take_result(std::string& buffer, SeedResult* out) {
  if (buffer.size() < 4) return 0;
  std::uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(buffer[i])) << (8 * i);
  if (n > kMaxFrame) return -1;
  if (buffer.size() < 4 + static_cast<std::size_t>(n)) return 0;
  Reader in(std::string_view(buffer).substr(4, n));
  SeedResult r;
  std::uint64_t status = 0, sim_time = 0, leaked = 0, kept = 0;
  if (!in.u64(&r.seed) || !in.u64(&status) || !in.u64(&r.hash) || !in.u64(&r.events) ||
      !in.u64(&r.trace_events) || !in.u64(&sim_time) || !in.u64(&r.violation_count) || !in.u64(&leaked) ||
      !in.u64(&r.recheck_hash) || !in.string(&r.divergence) || !in.u64(&kept) || leaked > 1) {
    return -1;
  }
  r.leaked = leaked == 1;
  // Only a worker's own verdicts travel; crash and hang are the parent's.
  const bool own = status == static_cast<std::uint64_t>(Status::kPass) ||
                   status == static_cast<std::uint64_t>(Status::kViolation) ||
                   status == static_cast<std::uint64_t>(Status::kLivelock) ||
                   status == static_cast<std::uint64_t>(Status::kLeak) ||
                   status == static_cast<std::uint64_t>(Status::kNondeterminism);
  if (!own || kept > r.violation_count) return -1;
  r.status = static_cast<Status>(status);
  r.sim_time_us = static_cast<std::int64_t>(sim_time);
  for (std::uint64_t i = 0; i < kept; ++i) {
    std::string v;
    if (!in.string(&v)) return -1;
    r.violations.push_back(std::move(v));
  }
  if (!in.done()) return -1;
  buffer.erase(0, 4 + static_cast<std::size_t>(n));
  *out = std::move(r);
  return 1;
}

}  // namespace ss::campaign
