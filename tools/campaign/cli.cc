#include "tools/campaign/cli.h"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <unistd.h>
#include <vector>

#include "sim/generator/spec_text.h"
#include "sim/generator/world_source.h"
#include "sim/trace.h"
#include "tools/campaign/campaign.h"
#include "tools/campaign/recheck.h"
#include "tools/campaign/trace_json.h"
#include "tools/campaign/trace_view.h"
#include "tools/campaign/world_files.h"
#include "tools/tool_common.h"

namespace ss::campaign {
namespace {

constexpr const char* kUsage =
    "usage: ss-sim [--scenario NAME] --seed S [--trace] [--trace-filter KINDS] [--trace-stream N]\n"
    "              [--trace-json FILE] [--max-events N]\n"
    "       ss-sim [--scenario NAME] --seed S (--show-scenario | --save-scenario FILE)\n"
    "       ss-sim [--scenario NAME] --seed S --shrink [--shrink-out FILE] [--shrink-runs N]\n"
    "              [--max-events N] [--seed-timeout D]\n"
    "       ss-sim --scenario FILE [--show-scenario] [--trace ...] [--max-events N]\n"
    "       ss-sim [--scenario NAME] (--seeds N | --duration D | both) [--from S] [--jobs J]\n"
    "              [--max-events N] [--seed-timeout D] [--recheck F] [--json FILE] [--junit FILE]\n"
    "              [--stop-after N] [--show-failures N] [--no-progress] [--no-leak-check]\n"
    "       ss-sim --list | --help\n"
    "\n";
// Between the two: what the default scenario runs, from the registry.
constexpr const char* kUsageBody =
    "One seed, in this process:\n"
    "  --seed S         run seed S; print its derived options (fault plan, workload)\n"
    "  --trace          with --seed: also print every trace event as it happens\n"
    "  --trace-filter KIND[,KIND]  print only events of these kinds (implies --trace)\n"
    "  --trace-stream N print only the events of stream N (ssN) or connection\n"
    "                   conn=N (implies --trace)\n"
    "  --trace-json FILE  write the trace as Chrome trace-event JSON (chrome://tracing,\n"
    "                   Perfetto): a track per stream and per connection\n"
    "  --show-scenario  print the seed's derived options (as --seed does) without running it\n"
    "\n"
    "Scenario files (a seed of a world scenario as a WorldSpec JSON file):\n"
    "  --save-scenario FILE  with --seed: write the seed's world to FILE (not run)\n"
    "  --scenario FILE  when FILE is not a scenario name: run the world in FILE (its own\n"
    "                   seed; --seed is rejected); a bad file exits 2 naming the JSON path\n"
    "  --shrink         with --seed: if the seed fails, shrink its world (fewer streams,\n"
    "                   faults, messages, smaller payloads, earlier starts) while it still\n"
    "                   breaks the same [invariant] (or crashes / livelocks the same way),\n"
    "                   each candidate in a forked child; write the smallest world\n"
    "  --shrink-out FILE  where (default shrunk-<scenario>-<seed>.json in the directory\n"
    "                   ss-sim was started from)\n"
    "  --shrink-runs N  at most N candidate runs (default 500)\n"
    "  Relative FILEs are taken from where `bazel run` was started.\n"
    "\n"
    "A campaign, in worker processes (a seed that crashes, aborts, trips a sanitizer\n"
    "or hangs is reported with its seed; the others still run):\n"
    "  --seeds N        run seeds S..S+N-1 (S = --from)\n"
    "  --duration D     start seeds until D of wall time is spent (90s, 5m, 1h)\n"
    "  --from S         first seed (default 1; --first-seed S is the same)\n"
    "  --jobs J         worker processes at once (default: the CPUs available)\n"
    "  --seed-timeout D a seed with no result after D of wall time is a hang\n"
    "                   (default 60s; 0 = never)\n"
    "  --recheck F      run a fraction F of the seeds (1/20, 0.05; default 1/20; 0 = off)\n"
    "                   twice, one in five of those also in a fresh process, and fail\n"
    "                   one whose trace differs as nondeterminism\n"
    "  --json FILE      every seed's result as JSON\n"
    "  --junit FILE     every seed's result as JUnit XML (one testcase per seed)\n"
    "  --stop-after N   start no more seeds once N have failed (the rest are not run)\n"
    "  --show-failures N  print the first N failures in full (default 20); all are counted\n"
    "  --no-progress    no progress line (stderr on a terminal, else stdout every 5s)\n"
    "  --no-leak-check  ASan builds: skip LeakSanitizer after each seed (faster)\n"
    "\n"
    "Both:\n"
    "  --scenario NAME  which scenario (see --list), or a scenario FILE (above)\n"
    "  --max-events N   livelock bound per seed (default 5000000)\n"
    "  --list           list scenarios\n"
    "\n"
    "Exit status: 0 every seed passed, 1 a seed failed (violation, livelock, crash,\n"
    "hang, leak or nondeterminism; --shrink: the seed passes), 2 bad arguments or a bad\n"
    "scenario file, 3 the campaign runner failed, 7 a file could not be read or written,\n"
    "130 interrupted. --shrink, --save-scenario, --show-scenario and --version exit 0 when done.\n";

// `text` with line breaks between words so no line is longer than `width`.
std::string wrap_words(const std::string& text, std::size_t width) {
  std::string out, line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  return out + line + "\n";
}

int bad(const std::string& msg) {
  std::fprintf(stderr, "ss-sim: %s (try --help)\n", msg.c_str());
  return 2;
}

bool parse_u64(std::string_view text, std::uint64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

// "0" is allowed here (no timeout); parse_duration wants > 0.
bool parse_timeout(std::string_view text, double* seconds) {
  if (text == "0") {
    *seconds = 0;
    return true;
  }
  return parse_duration(text, seconds);
}

struct TraceOptions {
  bool print = false;
  TraceFilter filter;
  std::string json_path;
};

// `what` names the run in the one-line failure reason ("seed 7", a file).
int run_one_seed(const sim::Scenario& scenario, std::uint64_t seed, std::uint64_t max_events,
                 const TraceOptions& trace, const std::string& what) {
  // Line-buffered, so that a seed that crashes still shows what it printed
  // (and with --trace its events) up to the crash.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  sim::RunConfig config;
  config.max_events = max_events;
  std::printf("scenario: %s\nseed: %llu\n%s", scenario.name().c_str(), static_cast<unsigned long long>(seed),
              scenario.derive(seed)->describe().c_str());
  if (trace.print) std::printf("trace:\n");
  std::vector<sim::TraceEvent> kept;
  if (trace.print || !trace.json_path.empty()) {
    config.on_event = [&trace, &kept](Micros time, std::string_view kind, std::string_view text) {
      if (!trace.json_path.empty()) kept.push_back(sim::TraceEvent{time, std::string(kind), std::string(text)});
      if (!trace.print || !trace.filter.keeps(kind, text)) return;
      std::printf("%s %.*s %.*s\n", format_sim_time(time).c_str(), static_cast<int>(kind.size()), kind.data(),
                  static_cast<int>(text.size()), text.data());
    };
  }
  const sim::SeedOutcome o = sim::run_seed(scenario, seed, config);
  if (!trace.json_path.empty()) {
    std::ofstream out(trace.json_path, std::ios::binary | std::ios::trunc);
    out << chrome_trace_json(kept);
    out.close();
    if (!out) {
      std::fprintf(stderr, "ss-sim: cannot write %s\n", trace.json_path.c_str());
      return tools::kExitFile;
    }
  }
  std::printf("result: events=%llu trace_events=%llu sim_time=%lldus hash=%s violations=%zu\n",
              static_cast<unsigned long long>(o.events), static_cast<unsigned long long>(o.trace_events),
              static_cast<long long>(o.sim_time), sim::hex64(o.hash).c_str(), o.violations.size());
  for (const auto& v : o.violations) std::printf("VIOLATION: %s\n", v.c_str());
  if (o.violations.empty()) return 0;
  std::fprintf(stderr, "ss-sim: %s %s: %s\n", what.c_str(), o.livelock ? "livelocked" : "broke an invariant",
               o.violations.front().c_str());
  return 1;
}

void show_scenario(const sim::Scenario& scenario, std::uint64_t seed) {
  std::printf("scenario: %s\nseed: %llu\n%s", scenario.name().c_str(), static_cast<unsigned long long>(seed),
              scenario.derive(seed)->describe().c_str());
}

bool is_readable_file(const std::string& path) { return ::access(path.c_str(), R_OK) == 0; }

}  // namespace

bool parse_duration(std::string_view text, double* seconds) {
  double total = 0;
  std::size_t i = 0;
  if (text.empty()) return false;
  while (i < text.size()) {
    const std::size_t start = i;
    std::uint64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (n > 100'000'000) return false;
      n = n * 10 + static_cast<std::uint64_t>(text[i] - '0');
      ++i;
    }
    if (i == start) return false;
    const std::size_t unit_start = i;
    while (i < text.size() && (text[i] < '0' || text[i] > '9')) ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    double scale = 0;
    if (unit.empty()) {
      if (start != 0) return false;  // "1m30": a bare number only stands alone
      scale = 1;
    } else if (unit == "ms") {
      scale = 0.001;
    } else if (unit == "s") {
      scale = 1;
    } else if (unit == "m") {
      scale = 60;
    } else if (unit == "h") {
      scale = 3600;
    } else {
      return false;
    }
    total += static_cast<double>(n) * scale;
  }
  if (total <= 0 || total > 366.0 * 24 * 3600) return false;
  *seconds = total;
  return true;
}

int ss_sim_main(int argc, char** argv, const sim::ScenarioRegistry& registry, const std::string& label) {
  std::string scenario_name = "default";
  std::uint64_t seed = 0;
  CampaignOptions campaign;
  campaign.label = label;
  std::optional<int> jobs;
  bool have_seed = false, list = false;
  TraceOptions trace;
  std::string trace_option;   // the first option that needs --seed
  std::string campaign_only;  // the first campaign-only option given
  bool show = false, shrink = false, seed_timeout_given = false;
  std::string save_path, shrink_out;
  std::optional<std::uint64_t> shrink_runs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    auto u64 = [&](std::uint64_t* out) { return has_value && parse_u64(argv[++i], out); };
    auto text = [&](std::string* out) {
      if (!has_value) return false;
      *out = argv[++i];
      return !out->empty();
    };
    auto campaign_option = [&] {
      if (campaign_only.empty()) campaign_only = arg;
    };
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::string about = "Runs simulated scenarios over the faulty simulated network.";
      if (const sim::Scenario* d = registry.find("default")) about += " The default scenario: " + d->summary() + ".";
      std::fputs((wrap_words(about, 80) + "\n").c_str(), stdout);
      std::fputs(kUsageBody, stdout);
      return 0;
    } else if (arg == "--list") {
      list = true;
    } else if (arg == "--trace") {
      trace.print = true;
      if (trace_option.empty()) trace_option = arg;
    } else if (arg == "--trace-filter") {
      trace.print = true;
      if (trace_option.empty()) trace_option = arg;
      if (!has_value || !parse_kind_list(argv[++i], &trace.filter.kinds)) {
        return bad("--trace-filter needs event kinds such as data,end");
      }
    } else if (arg == "--trace-stream") {
      trace.print = true;
      if (trace_option.empty()) trace_option = arg;
      Track track;
      if (!has_value || !parse_track(argv[++i], &track)) {
        return bad("--trace-stream needs a stream (3, ss3) or a connection (conn=5)");
      }
      trace.filter.track = track;
    } else if (arg == "--trace-json") {
      if (trace_option.empty()) trace_option = arg;
      if (!text(&trace.json_path)) return bad("--trace-json needs a file name");
    } else if (arg == "--recheck") {
      campaign_option();
      if (!has_value || !parse_fraction(argv[++i], &campaign.recheck)) {
        return bad("--recheck needs a fraction from 0 to 1 such as 1/20 or 0.05");
      }
    } else if (arg == "--scenario") {
      if (!text(&scenario_name)) return bad("--scenario needs a name or a file");
    } else if (arg == "--show-scenario") {
      show = true;
    } else if (arg == "--save-scenario") {
      if (!text(&save_path)) return bad("--save-scenario needs a file name");
    } else if (arg == "--shrink") {
      shrink = true;
    } else if (arg == "--shrink-out") {
      if (!text(&shrink_out)) return bad("--shrink-out needs a file name");
    } else if (arg == "--shrink-runs") {
      std::uint64_t n = 0;
      if (!u64(&n) || n == 0) return bad("--shrink-runs needs a positive integer");
      shrink_runs = n;
    } else if (arg == "--seed") {
      if (!u64(&seed)) return bad("--seed needs a non-negative integer");
      have_seed = true;
    } else if (arg == "--seeds") {
      std::uint64_t n = 0;
      if (!u64(&n) || n == 0) return bad("--seeds needs a positive integer");
      campaign.seeds = n;
    } else if (arg == "--duration") {
      double d = 0;
      if (!has_value || !parse_duration(argv[++i], &d)) return bad("--duration needs a time such as 90s, 5m or 1h");
      campaign.duration_seconds = d;
    } else if (arg == "--from" || arg == "--first-seed") {
      campaign_option();
      if (!u64(&campaign.from)) return bad(arg + " needs a non-negative integer");
    } else if (arg == "--jobs" || arg == "-j") {
      campaign_option();
      std::uint64_t n = 0;
      if (!u64(&n) || n == 0 || n > 1024) return bad("--jobs needs an integer from 1 to 1024");
      jobs = static_cast<int>(n);
    } else if (arg == "--max-events") {
      if (!u64(&campaign.max_events) || campaign.max_events == 0) {
        return bad("--max-events needs a positive integer");
      }
    } else if (arg == "--seed-timeout") {
      seed_timeout_given = true;
      if (!has_value || !parse_timeout(argv[++i], &campaign.seed_timeout_seconds)) {
        return bad("--seed-timeout needs a time such as 30s or 2m (0 = never)");
      }
    } else if (arg == "--json") {
      campaign_option();
      if (!text(&campaign.json_path)) return bad("--json needs a file name");
    } else if (arg == "--junit") {
      campaign_option();
      if (!text(&campaign.junit_path)) return bad("--junit needs a file name");
    } else if (arg == "--stop-after") {
      std::uint64_t n = 0;
      if (!u64(&n) || n == 0) return bad("--stop-after needs a positive number of failed seeds");
      campaign.stop_after_failures = n;
    } else if (arg == "--show-failures") {
      campaign_option();
      if (!u64(&campaign.show_failures)) return bad("--show-failures needs a non-negative integer");
    } else if (arg == "--no-progress") {
      campaign_option();
      campaign.progress = false;
    } else if (arg == "--no-leak-check") {
      campaign_option();
      campaign.leak_check = false;
    } else {
      return bad("unknown argument '" + arg + "'");
    }
  }
  if (list) {
    for (const auto& s : registry.all()) std::printf("%-24s %s\n", s->name().c_str(), s->summary().c_str());
    return 0;
  }
  const bool is_campaign = campaign.seeds || campaign.duration_seconds;
  const int modes = (show ? 1 : 0) + (shrink ? 1 : 0) + (save_path.empty() ? 0 : 1);
  if (modes > 1) return bad("give one of --show-scenario, --save-scenario and --shrink");
  if (!shrink && !shrink_out.empty()) return bad("--shrink-out needs --shrink");
  if (!shrink && shrink_runs) return bad("--shrink-runs needs --shrink");
  if (seed_timeout_given && !shrink && !is_campaign) return bad("--seed-timeout is for campaigns and --shrink");
  if (modes == 1 && is_campaign) return bad("--show-scenario, --save-scenario and --shrink take --seed S, not a campaign");
  if ((shrink || !save_path.empty()) && !trace_option.empty()) return bad(trace_option + " is for running one seed");
  if (show && !trace_option.empty()) return bad(trace_option + " does not go with --show-scenario (nothing runs)");

  const sim::Scenario* scenario = registry.find(scenario_name);
  if (scenario == nullptr && is_readable_file(user_path(scenario_name))) {
    // A scenario file: one world with its own seed.
    const std::string file = user_path(scenario_name);
    if (have_seed) return bad("--seed does not go with a scenario file: the file holds its own \"seed\"");
    if (is_campaign) return bad("a scenario file is one world; campaigns need a scenario name");
    if (shrink || !save_path.empty()) return bad("--shrink and --save-scenario take a scenario name and --seed S");
    if (!campaign_only.empty()) return bad(campaign_only + " is for campaigns (--seeds N / --duration D)");
    const sim::gen::WorldSource* source = find_world_source(registry);
    if (source == nullptr) return bad("this ss-sim has no world scenario to run " + scenario_name);
    Result<sim::gen::WorldSpec> spec = sim::gen::load_world_spec(file);
    if (!spec) {
      std::fprintf(stderr, "ss-sim: %s\n", spec.error().message().c_str());
      return 2;
    }
    const std::uint64_t spec_seed = spec->seed;
    const sim::gen::SpecScenario one(*source, std::move(*spec), scenario_name);
    if (show) {
      show_scenario(one, spec_seed);
      return 0;
    }
    return run_one_seed(one, spec_seed, campaign.max_events, trace, scenario_name);
  }
  if (scenario == nullptr) return bad("no scenario named '" + scenario_name + "' and no such file (see --list)");
  if (modes == 1 && !have_seed) return bad("--show-scenario, --save-scenario and --shrink need --seed S");
  if (modes == 1 && !campaign_only.empty()) return bad(campaign_only + " is for campaigns (--seeds N / --duration D)");
  if (show) {
    show_scenario(*scenario, seed);
    return 0;
  }
  if (!save_path.empty()) return save_scenario_command(*scenario, scenario_name, seed, save_path);
  if (shrink) {
    ShrinkRequest req;
    req.scenario_name = scenario_name;
    req.seed = seed;
    req.max_events = campaign.max_events;
    req.seed_timeout_seconds = campaign.seed_timeout_seconds;
    if (shrink_runs) req.max_runs = *shrink_runs;
    req.out_path = shrink_out;
    req.label = label;
    return shrink_command(*scenario, req);
  }
  if (have_seed && is_campaign) return bad("give either --seed S or a campaign (--seeds N / --duration D), not both");
  if (!have_seed && !is_campaign) return bad("give --seed S, or --seeds N and/or --duration D for a campaign");
  if (!trace_option.empty() && !have_seed) return bad(trace_option + " needs --seed S");
  if (have_seed && !campaign_only.empty()) return bad(campaign_only + " is for campaigns (--seeds N / --duration D)");
  if (have_seed) return run_one_seed(*scenario, seed, campaign.max_events, trace, "seed " + std::to_string(seed));

  if (campaign.seeds && *campaign.seeds - 1 > UINT64_MAX - campaign.from) {
    return bad("--from + --seeds goes past the last seed (2^64-1)");
  }
  if (!campaign.json_path.empty() && campaign.json_path == campaign.junit_path) {
    return bad("--json and --junit need different files");
  }
  campaign.jobs = jobs ? *jobs : default_jobs();
  if (campaign.seeds && static_cast<std::uint64_t>(campaign.jobs) > *campaign.seeds) {
    campaign.jobs = static_cast<int>(*campaign.seeds);
  }
  return run_campaign(*scenario, campaign);
}

}  // namespace ss::campaign
