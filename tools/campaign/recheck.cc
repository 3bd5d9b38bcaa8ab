#include "tools/campaign/recheck.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "tools/campaign/campaign.h"
#include "tools/campaign/fresh_run.h"
#include "tools/campaign/trace_view.h"

namespace ss::campaign {
namespace {

// splitmix64's finaliser: every bit of the seed moves every bit of the mix.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

bool parse_number(std::string_view text, double* out) {
  if (text.empty() || text.size() > 30) return false;
  const std::string s(text);
  for (char c : s) {
    if ((c < '0' || c > '9') && c != '.') return false;
  }
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(*out);
}

std::string side(const std::optional<sim::TraceEvent>& e) {
  if (!e) return "(the trace ended)";
  return format_sim_time(e->time) + " " + e->kind + " \"" + e->text + "\"";
}

struct Collected {
  std::vector<sim::TraceEvent> events;
  sim::Trace::Sink sink() {
    return [this](Micros time, std::string_view kind, std::string_view text) {
      events.push_back(sim::TraceEvent{time, std::string(kind), std::string(text)});
    };
  }
};

}  // namespace

bool recheck_selected(std::uint64_t seed, double fraction) {
  if (fraction <= 0) return false;
  if (fraction >= 1) return true;
  return static_cast<double>(mix(seed) >> 11) * 0x1.0p-53 < fraction;
}

bool recheck_fresh(std::uint64_t seed, double fraction) {
  return recheck_selected(seed, fraction) && mix(seed ^ 0x5f7e5f7e5f7e5f7eULL) % kFreshOneIn == 0;
}

bool parse_fraction(std::string_view text, double* fraction) {
  double v = 0;
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    if (!parse_number(text, &v)) return false;
  } else {
    double num = 0, den = 0;
    if (!parse_number(text.substr(0, slash), &num) || !parse_number(text.substr(slash + 1), &den) || den <= 0) {
      return false;
    }
    v = num / den;
  }
  if (v < 0 || v > 1) return false;
  *fraction = v;
  return true;
}

std::optional<Divergence> first_divergence(const std::vector<sim::TraceEvent>& a,
                                           const std::vector<sim::TraceEvent>& b) {
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const bool has_a = i < a.size(), has_b = i < b.size();
    if (has_a && has_b && a[i].time == b[i].time && a[i].kind == b[i].kind && a[i].text == b[i].text) continue;
    Divergence d;
    d.index = i;
    if (has_a) d.a = a[i];
    if (has_b) d.b = b[i];
    return d;
  }
  return std::nullopt;
}

std::string describe_divergence(const Divergence& d) {
  return "first difference at event #" + std::to_string(d.index) + ": " + side(d.a) + " vs " + side(d.b);
}

SeedResult run_seed_checked(const sim::Scenario& scenario, std::uint64_t seed, std::uint64_t max_events,
                            const RecheckOptions& options) {
  if (!recheck_selected(seed, options.fraction)) return run_seed_result(scenario, seed, max_events);
  Collected first, again;
  SeedResult r = run_seed_result(scenario, seed, max_events, first.sink());
  const SeedResult second = run_seed_result(scenario, seed, max_events, again.sink());
  auto diverged = [&r](const char* where, std::uint64_t hash, const std::string& what) {
    r.status = Status::kNondeterminism;
    r.recheck_hash = hash;
    r.divergence = std::string(where) + ": " + what;
  };
  if (second.hash != r.hash) {
    const auto d = first_divergence(first.events, again.events);
    diverged("run again in the same process", second.hash,
             d ? describe_divergence(*d) : "the traces are equal but their hashes are not");
    return r;
  }
  again.events.clear();
  if (!recheck_fresh(seed, options.fraction)) return r;
  const FreshRun fresh = run_fresh(options.self_exe, options.scenario, seed, max_events);
  if (!fresh.ok) {
    diverged("run again in a fresh process", 0, "it gave no result (" + fresh.error + ")");
  } else if (fresh.hash != r.hash) {
    const auto d = first_divergence(first.events, fresh.events);
    diverged("run again in a fresh process", fresh.hash,
             d ? describe_divergence(*d) : "the printed traces are equal but their hashes are not");
  }
  return r;
}

}  // namespace ss::campaign
