#include "tools/campaign/world_files.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "sim/generator/shrink.h"
#include "sim/generator/spec_text.h"
#include "tools/campaign/campaign.h"
#include "tools/campaign/worker_pool.h"
#include "tools/tool_common.h"

namespace ss::campaign {
namespace {

class SpecScenario final : public sim::Scenario {
 public:
  SpecScenario(const sim::gen::WorldSource& source, sim::gen::WorldSpec spec, std::string name)
      : source_(source), spec_(std::move(spec)), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  std::string summary() const override { return "the world in " + name_; }
  std::unique_ptr<sim::ScenarioRun> derive(std::uint64_t /*seed*/) const override { return source_.run_spec(spec_); }

 private:
  const sim::gen::WorldSource& source_;
  sim::gen::WorldSpec spec_;
  std::string name_;
};

// In the child: the seed's result, with a violation of `first_id` first.
SeedResult run_here(const sim::Scenario& scenario, std::uint64_t seed, std::uint64_t max_events,
                    const std::string& first_id) {
  sim::RunConfig config;
  config.max_events = max_events;
  sim::SeedOutcome o = sim::run_seed(scenario, seed, config);
  // The violation asked for first; else (the seed's own run) the livelock.
  const std::string front = !first_id.empty() ? first_id : o.livelock ? "livelock" : "";
  if (!front.empty()) {
    std::stable_partition(o.violations.begin(), o.violations.end(),
                          [&front](const std::string& v) { return sim::gen::invariant_id(v) == front; });
  }
  return seed_result(seed, std::move(o));
}

std::string default_out_path(const std::string& scenario_name, std::uint64_t seed) {
  std::string name = "shrunk-" + scenario_name + "-" + std::to_string(seed) + ".json";
  for (char& c : name)
    if (c == '/') c = '_';
  return user_path(name);
}

}  // namespace

const sim::gen::WorldSource* world_source_for(const sim::Scenario& scenario, std::uint64_t seed) {
  return dynamic_cast<const sim::gen::WorldSource*>(&scenario.part_for(seed));
}

const sim::gen::WorldSource* find_world_source(const sim::ScenarioRegistry& registry) {
  for (const auto& s : registry.all()) {
    if (const auto* w = dynamic_cast<const sim::gen::WorldSource*>(s.get())) return w;
  }
  return nullptr;
}

std::unique_ptr<sim::Scenario> make_spec_scenario(const sim::gen::WorldSource& source, sim::gen::WorldSpec spec,
                                                  std::string name) {
  return std::make_unique<SpecScenario>(source, std::move(spec), std::move(name));
}

std::string user_path(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  const char* dir = std::getenv("BUILD_WORKING_DIRECTORY");
  if (dir == nullptr || *dir == '\0') return path;
  return std::string(dir) + "/" + path;
}

std::string failure_key(const SeedResult& r) {
  switch (r.status) {
    case Status::kPass: return "";
    case Status::kViolation:
    case Status::kLivelock:
      return r.violations.empty() ? "violation" : "violation [" + sim::gen::invariant_id(r.violations.front()) + "]";
    case Status::kCrash: return "crash " + r.crash;
    case Status::kHang: return "hang";
    case Status::kLeak: return "leak";
    case Status::kNondeterminism: return "nondeterminism";
  }
  return "?";
}

SeedResult run_in_child(const sim::Scenario& scenario, std::uint64_t seed, std::uint64_t max_events,
                        double timeout_seconds, const std::string& first_id, std::string* error) {
  SeedResult out;
  bool issued = false, got = false;
  PoolOptions options;
  options.jobs = 1;
  options.seed_timeout_seconds = timeout_seconds;
  PoolCallbacks cb;
  cb.next_seed = [&](std::uint64_t* s) {
    if (issued) return false;
    issued = true;
    *s = seed;
    return true;
  };
  cb.on_result = [&](SeedResult r) {
    out = std::move(r);
    got = true;
  };
  const RunSeedFn run = [&scenario, max_events, &first_id](std::uint64_t s) {
    return run_here(scenario, s, max_events, first_id);
  };
  const PoolOutcome outcome = run_pool(run, options, cb);
  if (!outcome.error.empty()) {
    *error = outcome.error;
  } else if (!got) {
    *error = "the child gave no result";
  }
  return out;
}

int save_scenario_command(const sim::Scenario& scenario, const std::string& scenario_name, std::uint64_t seed,
                          const std::string& path) {
  const sim::gen::WorldSource* source = world_source_for(scenario, seed);
  if (source == nullptr) {
    std::fprintf(stderr, "ss-sim: seed %llu of '%s' runs '%s', which is not a world scenario: no spec to save\n",
                 static_cast<unsigned long long>(seed), scenario_name.c_str(),
                 scenario.part_for(seed).name().c_str());
    return 2;
  }
  const std::string file = user_path(path);
  if (Error e = sim::gen::save_world_spec(file, source->spec_for_seed(seed)); !e.ok()) {
    std::fprintf(stderr, "ss-sim: %s\n", e.message().c_str());
    return tools::kExitFile;
  }
  std::printf("wrote: %s\nreplay: ss-sim --scenario %s\n", file.c_str(), file.c_str());
  return 0;
}

int shrink_command(const sim::Scenario& scenario, const ShrinkRequest& req) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const auto seed_text = std::to_string(req.seed);
  const sim::gen::WorldSource* source = world_source_for(scenario, req.seed);
  if (source == nullptr) {
    std::fprintf(stderr, "ss-sim: seed %s of '%s' runs '%s', which is not a world scenario: cannot shrink it\n",
                 seed_text.c_str(), req.scenario_name.c_str(), scenario.part_for(req.seed).name().c_str());
    return 2;
  }
  std::printf("scenario: %s\nseed: %s\n", req.scenario_name.c_str(), seed_text.c_str());
  std::string error;
  const SeedResult first = run_in_child(scenario, req.seed, req.max_events, req.seed_timeout_seconds, "", &error);
  if (!error.empty()) {
    std::fprintf(stderr, "ss-sim: could not run seed %s: %s\n", seed_text.c_str(), error.c_str());
    return 3;
  }
  if (first.passed()) {
    std::fprintf(stderr, "ss-sim: seed %s passes; nothing to shrink\n", seed_text.c_str());
    return 1;
  }
  const std::string key = failure_key(first);
  const std::string id =
      first.status == Status::kViolation || first.status == Status::kLivelock
          ? (first.violations.empty() ? "" : sim::gen::invariant_id(first.violations.front()))
          : "";
  std::printf("failure: %s\nfails as: %s\n", first.detail().c_str(), key.c_str());

  // Does a spec fail the same way? Each one runs in a forked child.
  std::string child_error, other_first;
  std::uint64_t other = 0;  // candidates that failed another way (a crash, another invariant)
  auto still_fails = [&](const sim::gen::WorldSpec& spec) {
    const auto one = make_spec_scenario(*source, spec, "candidate");
    std::string e;
    const SeedResult r = run_in_child(*one, spec.seed, req.max_events, req.seed_timeout_seconds, id, &e);
    if (!e.empty()) {
      if (child_error.empty()) child_error = e;
      return false;
    }
    const std::string got = failure_key(r);
    if (!got.empty() && got != key && other++ == 0) other_first = got;
    return got == key;
  };

  const sim::gen::WorldSpec original = source->spec_for_seed(req.seed);
  if (!still_fails(original)) {
    std::fprintf(stderr, "ss-sim: the world spec of seed %s does not fail as the seed does (%s)%s%s\n",
                 seed_text.c_str(), key.c_str(), child_error.empty() ? "" : ": ", child_error.c_str());
    return 3;
  }
  const sim::gen::SpecSize before = sim::gen::spec_size(original);
  std::printf("shrinking: at most %llu runs, each in a forked child\n",
              static_cast<unsigned long long>(req.max_runs));
  sim::gen::ShrinkProgress last;
  sim::gen::ShrinkOptions options;
  options.max_runs = req.max_runs;
  std::string shown = before.to_string();
  options.on_progress = [&last, &shown](const sim::gen::ShrinkProgress& p) {
    if (std::string now = p.size.to_string(); now != shown) {  // a line each time it gets smaller
      std::printf("  run %llu: %s\n", static_cast<unsigned long long>(p.runs), now.c_str());
      shown = std::move(now);
    }
    last = p;
  };
  const sim::gen::WorldSpec smallest = sim::gen::shrink(original, still_fails, options);
  if (!child_error.empty() && last.accepted == 0) {
    std::fprintf(stderr, "ss-sim: could not run the candidates: %s\n", child_error.c_str());
    return 3;
  }
  const std::string file = req.out_path.empty() ? default_out_path(req.scenario_name, req.seed) : user_path(req.out_path);
  if (Error e = sim::gen::save_world_spec(file, smallest); !e.ok()) {
    std::fprintf(stderr, "ss-sim: %s\n", e.message().c_str());
    return tools::kExitFile;
  }
  if (other != 0) {
    std::printf("failed another way: %llu candidates (not kept; the first: %s)\n",
                static_cast<unsigned long long>(other), other_first.c_str());
  }
  std::printf("before: %s\nafter:  %s\nruns: %llu (%s)\ninvariant: %s\nwrote: %s\nreplay: ss-sim --scenario %s\n"
              "  (bazel run %s -- --scenario %s)\n",
              before.to_string().c_str(), sim::gen::spec_size(smallest).to_string().c_str(),
              static_cast<unsigned long long>(last.runs + 1),
              last.budget_spent ? "the budget was spent; --shrink-runs N for more" : "a fixed point",
              id.empty() ? key.c_str() : id.c_str(), file.c_str(), file.c_str(), req.label.c_str(), file.c_str());
  return 0;
}

}  // namespace ss::campaign
