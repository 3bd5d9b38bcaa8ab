#include "tools/campaign/report.h"

#include <cstdio>
#include <fstream>

#include "sim/scenario.h"
#include "sim/trace.h"

namespace ss::campaign {

#if defined(__SANITIZE_ADDRESS__)
#define SS_CAMPAIGN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SS_CAMPAIGN_ASAN 1
#endif
#endif

const char* build_flavour() {
#ifdef SS_CAMPAIGN_ASAN
  return "asan";
#else
  return "default";
#endif
}

std::string reproduce_command(const std::string& label, const std::string& scenario, std::uint64_t seed,
                              std::uint64_t max_events, bool nondeterminism) {
  std::string cmd = "bazel run ";
  if (std::string_view(build_flavour()) == "asan") cmd += "--config=asan ";
  cmd += label + " -- --scenario " + scenario;
  cmd += nondeterminism ? " --from " + std::to_string(seed) + " --seeds 1" : " --seed " + std::to_string(seed);
  if (max_events != sim::RunConfig{}.max_events) cmd += " --max-events " + std::to_string(max_events);
  return cmd + (nondeterminism ? " --recheck 1" : " --trace");
}

void Tally::add(const SeedResult& r) {
  ++seeds;
  events += r.events;
  sim_time_us += static_cast<long double>(r.sim_time_us);
  switch (r.status) {
    case Status::kPass: ++passed; return;
    case Status::kViolation: ++violation; break;
    case Status::kLivelock: ++livelock; break;
    case Status::kCrash: ++crash; break;
    case Status::kHang: ++hang; break;
    case Status::kLeak: ++leak; break;
    case Status::kNondeterminism: ++nondeterminism; break;
  }
  ++failed;
}

std::string valid_utf8(std::string_view s) {
  static const char kReplacement[] = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0, min = 0;
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2, cp = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3, cp = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4, cp = b & 0x07, min = 0x10000;
    }
    bool ok = len != 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (c & 0x3F);
    }
    ok = ok && cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += kReplacement;
      ++i;
    }
  }
  return out;
}

std::string json_string(std::string_view text) {
  const std::string s = valid_utf8(text);
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
  return out + "\"";
}

std::string xml_text(std::string_view text) {
  const std::string s = valid_utf8(text);
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += "\xEF\xBF\xBD";
        } else if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
                   (static_cast<unsigned char>(s[i + 2]) == 0xBE || static_cast<unsigned char>(s[i + 2]) == 0xBF)) {
          out += "\xEF\xBF\xBD";  // U+FFFE / U+FFFF are not XML characters either
          i += 2;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

bool finish(std::ofstream& out, const std::string& path, std::string* error) {
  out.flush();
  if (!out) {
    *error = "cannot write " + path;
    return false;
  }
  return true;
}

// Opens `path` for a report, or says why not in *error.
bool open_report(std::ofstream& out, const std::string& path, std::string* error) {
  out.open(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    *error = "cannot open " + path + " for writing";
    return false;
  }
  return true;
}

Tally tally(const std::vector<SeedResult>& results) {
  Tally t;
  for (const SeedResult& r : results) t.add(r);
  return t;
}

}  // namespace

bool write_json(const std::string& path, const CampaignInfo& info, const std::vector<SeedResult>& results,
                std::string* error) {
  std::ofstream out;
  if (!open_report(out, path, error)) return false;
  const Tally t = tally(results);
  out << "{\n";
  out << "  \"tool\": \"ss-sim\",\n";
  out << "  \"build\": " << json_string(build_flavour()) << ",\n";
  out << "  \"scenario\": " << json_string(info.scenario) << ",\n";
  out << "  \"from\": " << info.from << ",\n";
  out << "  \"seed_limit\": " << (info.seed_limit ? std::to_string(*info.seed_limit) : "null") << ",\n";
  out << "  \"duration_s\": " << (info.duration_seconds ? number(*info.duration_seconds) : "null") << ",\n";
  out << "  \"jobs\": " << info.jobs << ",\n";
  out << "  \"max_events\": " << info.max_events << ",\n";
  out << "  \"seed_timeout_s\": " << number(info.seed_timeout_seconds) << ",\n";
  out << "  \"recheck\": " << number(info.recheck) << ",\n";
  out << "  \"interrupted\": " << (info.interrupted ? "true" : "false") << ",\n";
  out << "  \"wall_time_s\": " << number(info.wall_seconds) << ",\n";
  out << "  \"seeds\": " << t.seeds << ",\n";
  out << "  \"passed\": " << t.passed << ",\n";
  out << "  \"failed\": " << t.failed << ",\n";
  out << "  \"failures\": {\"violation\": " << t.violation << ", \"livelock\": " << t.livelock
      << ", \"crash\": " << t.crash << ", \"hang\": " << t.hang << ", \"leak\": " << t.leak
      << ", \"nondeterminism\": " << t.nondeterminism << "},\n";
  out << "  \"events\": " << t.events << ",\n";
  out << "  \"simulated_time_s\": " << number(static_cast<double>(t.sim_time_us / 1e6L)) << ",\n";
  out << "  \"results\": [";
  bool first = true;
  for (const SeedResult& r : results) {
    out << (first ? "\n" : ",\n") << "    {\"seed\": " << r.seed << ", \"status\": \"" << status_name(r.status)
        << "\"";
    first = false;
    if (r.status != Status::kCrash && r.status != Status::kHang) {
      out << ", \"hash\": \"" << sim::hex64(r.hash) << "\", \"events\": " << r.events
          << ", \"trace_events\": " << r.trace_events << ", \"sim_time_us\": " << r.sim_time_us;
    }
    out << ", \"wall_s\": " << number(r.wall_seconds);
    if (!r.passed()) {
      out << ", \"detail\": " << json_string(r.detail());
      out << ", \"reproduce\": "
          << json_string(reproduce_command(info.label, info.scenario, r.seed, info.max_events,
                                          r.status == Status::kNondeterminism));
      if (r.violation_count > 0) {
        out << ", \"violation_count\": " << r.violation_count << ", \"violations\": [";
        for (std::size_t i = 0; i < r.violations.size(); ++i) out << (i ? ", " : "") << json_string(r.violations[i]);
        out << "]";
      }
      if (!r.crash.empty()) out << ", \"crash\": " << json_string(r.crash);
      if (!r.headline.empty()) out << ", \"headline\": " << json_string(r.headline);
      if (r.status == Status::kNondeterminism) {
        out << ", \"recheck_hash\": \"" << sim::hex64(r.recheck_hash) << "\", \"divergence\": "
            << json_string(r.divergence);
      }
      out << ", \"output\": " << json_string(r.output);
    }
    out << "}";
  }
  out << (first ? "]\n" : "\n  ]\n") << "}\n";
  return finish(out, path, error);
}

bool write_junit(const std::string& path, const CampaignInfo& info, const std::vector<SeedResult>& results,
                 std::string* error) {
  std::ofstream out;
  if (!open_report(out, path, error)) return false;
  const Tally t = tally(results);
  // Violations, livelocks, leaks and nondeterminism are failures (a check said no); crashes
  // and hangs are errors (the seed never finished).
  const std::uint64_t failures = t.violation + t.livelock + t.leak + t.nondeterminism, errors = t.crash + t.hang;
  const std::string suite = xml_text("ss-sim." + info.scenario);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"ss-sim\" tests=\"" << t.seeds << "\" failures=\"" << failures << "\" errors=\""
      << errors << "\" time=\"" << number(info.wall_seconds) << "\">\n";
  out << "  <testsuite name=\"" << suite << "\" tests=\"" << t.seeds << "\" failures=\"" << failures
      << "\" errors=\"" << errors << "\" skipped=\"0\" time=\"" << number(info.wall_seconds) << "\">\n";
  out << "    <properties>\n";
  out << "      <property name=\"build\" value=\"" << build_flavour() << "\"/>\n";
  out << "      <property name=\"from\" value=\"" << info.from << "\"/>\n";
  out << "      <property name=\"jobs\" value=\"" << info.jobs << "\"/>\n";
  out << "      <property name=\"max_events\" value=\"" << info.max_events << "\"/>\n";
  out << "      <property name=\"interrupted\" value=\"" << (info.interrupted ? "true" : "false") << "\"/>\n";
  out << "    </properties>\n";
  for (const SeedResult& r : results) {
    out << "    <testcase classname=\"" << suite << "\" name=\"seed " << r.seed << "\" time=\""
        << number(r.wall_seconds) << "\"";
    if (r.passed()) {
      out << "/>\n";
      continue;
    }
    const bool error_kind = r.status == Status::kCrash || r.status == Status::kHang;
    const char* tag = error_kind ? "error" : "failure";
    std::string body = "reproduce: " +
                       reproduce_command(info.label, info.scenario, r.seed, info.max_events,
                                         r.status == Status::kNondeterminism) +
                       "\n";
    for (const std::string& v : r.violations) body += "violation: " + v + "\n";
    if (r.violation_count > r.violations.size()) {
      body += "(" + std::to_string(r.violation_count - r.violations.size()) + " more violations)\n";
    }
    out << ">\n      <" << tag << " type=\"" << status_name(r.status) << "\" message=\"" << xml_text(r.detail())
        << "\">" << xml_text(body) << "</" << tag << ">\n";
    if (!r.output.empty()) out << "      <system-err>" << xml_text(r.output) << "</system-err>\n";
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return finish(out, path, error);
}

}  // namespace ss::campaign
