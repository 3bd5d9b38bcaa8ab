#include "sim/scenarios/world/world_testing.h"

#include <string>

namespace ss::sim::world {
namespace {

class OneSpec final : public Scenario {
 public:
  OneSpec(gen::WorldSpec spec, Plant plant) : spec_(std::move(spec)), plant_(plant) {}
  std::string name() const override { return "world-test"; }
  std::string summary() const override { return ""; }
  std::unique_ptr<ScenarioRun> derive(std::uint64_t) const override { return make_world_run(spec_, plant_); }

 private:
  gen::WorldSpec spec_;
  Plant plant_;
};

}  // namespace

SeedOutcome run_world_spec(const gen::WorldSpec& spec, Plant plant) {
  return run_seed(OneSpec(spec, plant), spec.seed);
}

gen::WorldSpec proxied_credit_world() {
  gen::WorldSpec w;
  w.seed = 11;
  w.latency = millis(2);
  w.max_segment = 9000;
  w.proxy = true;
  w.retries.push_back(gen::RetrySpec{{100, 200, 400}, 65535, 20});
  gen::ServerSpec s;
  s.host = "srv-1";
  s.port = 7;
  s.kind = gen::ServerKind::kEcho;
  w.servers.push_back(s);
  gen::StreamtypeSpec st;
  st.name = "st-1";
  st.proto = gen::Proto::kRaw;
  st.retry = 0;
  st.manual_initial_tx_credit = 1000;
  w.streamtypes.push_back(st);
  gen::StreamSpec ss;
  ss.via_proxy = true;
  ss.start_at = millis(10);
  ss.messages = {20000, 300};
  ss.reader.credit_step = 3000;
  w.streams.push_back(ss);
  return w;
}

bool has_violation(const SeedOutcome& o, const std::string& id) {
  for (const auto& v : o.violations)
    if (v.rfind("[" + id + "] ", 0) == 0) return true;
  return false;
}

}  // namespace ss::sim::world
