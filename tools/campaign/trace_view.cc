#include "tools/campaign/trace_view.h"

#include <cstdio>

namespace ss::campaign {
namespace {

bool parse_digits(std::string_view text, std::uint64_t* out) {
  if (text.empty() || text.size() > 18) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

// The digits at the start of `text` (none: false).
bool leading_number(std::string_view text, std::uint64_t* out) {
  std::size_t n = 0;
  while (n < text.size() && text[n] >= '0' && text[n] <= '9') ++n;
  return parse_digits(text.substr(0, n), out);
}

}  // namespace

std::string format_sim_time(Micros time) {
  char buf[40];
  const bool negative = time < 0;
  const auto t = static_cast<unsigned long long>(negative ? -time : time);
  std::snprintf(buf, sizeof buf, "%s%llu.%06llus", negative ? "-" : "", t / 1000000, t % 1000000);
  return buf;
}

bool parse_sim_time(std::string_view text, Micros* time) {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos || text.size() != dot + 8 || text.back() != 's') return false;
  std::uint64_t secs = 0, micros = 0;
  if (!parse_digits(text.substr(0, dot), &secs) || !parse_digits(text.substr(dot + 1, 6), &micros)) return false;
  *time = static_cast<Micros>(secs * 1000000 + micros);
  return true;
}

Track event_track(std::string_view kind, std::string_view text) {
  Track t;
  if (kind == "fault" || kind == "violation") return t;
  std::uint64_t id = 0;
  const std::size_t word = text.find(' ');
  if (text.substr(0, 2) == "ss" && parse_digits(text.substr(2, word == std::string_view::npos ? word : word - 2), &id)) {
    t.kind = Track::kStream;
    t.id = id;
    return t;
  }
  const std::size_t at = text.find("conn=");
  if (at != std::string_view::npos && (at == 0 || text[at - 1] == ' ') && leading_number(text.substr(at + 5), &id)) {
    t.kind = Track::kConnection;
    t.id = id;
  }
  return t;
}

bool TraceFilter::keeps(std::string_view kind, std::string_view text) const {
  if (!kinds.empty()) {
    bool found = false;
    for (const std::string& k : kinds) found = found || k == kind;
    if (!found) return false;
  }
  return !track || event_track(kind, text) == *track;
}

bool parse_kind_list(std::string_view text, std::vector<std::string>* kinds) {
  kinds->clear();
  while (true) {
    const std::size_t comma = text.find(',');
    const std::string_view kind = text.substr(0, comma);
    if (kind.empty()) return false;
    kinds->emplace_back(kind);
    if (comma == std::string_view::npos) return true;
    text.remove_prefix(comma + 1);
  }
}

bool parse_track(std::string_view text, Track* track) {
  Track t;
  if (text.substr(0, 5) == "conn=") {
    t.kind = Track::kConnection;
    text.remove_prefix(5);
  } else if (text.substr(0, 1) == "c") {
    t.kind = Track::kConnection;
    text.remove_prefix(1);
  } else {
    t.kind = Track::kStream;
    if (text.substr(0, 2) == "ss") text.remove_prefix(2);
  }
  if (!parse_digits(text, &t.id)) return false;
  *track = t;
  return true;
}

}  // namespace ss::campaign
