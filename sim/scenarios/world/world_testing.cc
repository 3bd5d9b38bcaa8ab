#include "sim/scenarios/world/world_testing.h"

#include <string>

namespace ss::sim::world {

SeedOutcome run_world_spec(const gen::WorldSpec& spec, Plant plant, const RunConfig& config) {
  return run_derived(make_world_run(spec, plant), spec.seed, config);
}

gen::WorldSpec one_server_world(const OneServer& o) {
  gen::WorldSpec w;
  w.seed = o.seed;
  w.latency = millis(2);
  w.max_segment = 9000;
  w.proxy = o.via_proxy;
  w.retries.push_back(gen::RetrySpec{{100, 200, 400}, 65535, 20});
  gen::ServerSpec s;
  s.host = "srv-1";
  s.port = o.proto == gen::Proto::kRaw ? 7 : 80;
  s.kind = o.proto == gen::Proto::kRaw  ? gen::ServerKind::kEcho
           : o.proto == gen::Proto::kH1 ? gen::ServerKind::kHttp
                                        : gen::ServerKind::kWsEcho;
  s.tls = o.tls;
  w.servers.push_back(s);
  gen::StreamtypeSpec st;
  st.name = "st-1";
  st.proto = o.proto;
  st.tls = o.tls;
  st.retry = 0;
  st.http_method = o.method;
  st.url = o.url;
  if (o.room_and_tag) {
    st.metadata.push_back(gen::MetadataSpec{"room", gen::MetadataSpec::Use::kUrl, ""});
    st.metadata.push_back(gen::MetadataSpec{"tag", gen::MetadataSpec::Use::kHeader, "x-tag:"});
  }
  w.streamtypes.push_back(st);
  gen::StreamSpec ss;
  ss.via_proxy = o.via_proxy;
  ss.start_at = millis(10);
  if (o.room_and_tag) ss.metadata = {{0, "room", "r1"}, {0, "tag", "t1"}};
  w.streams.push_back(ss);
  return w;
}

gen::WorldSpec proxied_credit_world() {
  gen::WorldSpec w = one_server_world({.proto = gen::Proto::kRaw, .via_proxy = true});
  w.streamtypes[0].manual_initial_tx_credit = 1000;
  w.streams[0].messages = {20000, 300};
  w.streams[0].reader.credit_step = 3000;
  return w;
}

bool has_violation(const SeedOutcome& o, const std::string& id) {
  for (const auto& v : o.violations)
    if (v.rfind("[" + id + "] ", 0) == 0) return true;
  return false;
}

std::string all_violations(const SeedOutcome& o) {
  std::string out;
  for (const auto& v : o.violations) out += v + "\n";
  return out;
}

}  // namespace ss::sim::world
