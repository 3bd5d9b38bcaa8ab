#include "sim/generator/world_spec.h"

namespace ss::sim::gen {

bool WorldSpec::calm() const {
  if (buggify || !faults.actions.empty()) return false;
  for (const auto& s : servers)
    if (s.trouble != ServerTrouble::kNone) return false;
  return true;
}

namespace {

std::string out_of_range(const std::string& field, std::size_t value, std::size_t count, const char* what) {
  return field + ": " + std::to_string(value) + " but " + std::to_string(count) + " " + what;
}

}  // namespace

std::string validate(const WorldSpec& spec) {
  for (std::size_t i = 0; i < spec.retries.size(); ++i) {
    const auto& r = spec.retries[i];
    if (r.backoff_ms.empty() || r.backoff_ms.size() > 8)
      return "retries[" + std::to_string(i) + "].backoff_ms: needs 1 to 8 entries";
    if (r.jitter_percent > 100) return "retries[" + std::to_string(i) + "].jitter_percent: above 100";
  }
  for (std::size_t i = 0; i < spec.servers.size(); ++i) {
    if (spec.servers[i].host.empty()) return "servers[" + std::to_string(i) + "].host: empty";
    if (spec.servers[i].port == 0) return "servers[" + std::to_string(i) + "].port: 0";
  }
  for (std::size_t i = 0; i < spec.streamtypes.size(); ++i) {
    const auto& st = spec.streamtypes[i];
    const std::string at = "streamtypes[" + std::to_string(i) + "]";
    if (st.name.empty()) return at + ".name: empty";
    if (st.server >= spec.servers.size()) return out_of_range(at + ".server", st.server, spec.servers.size(), "servers");
    if (st.retry && *st.retry >= spec.retries.size())
      return out_of_range(at + ".retry", *st.retry, spec.retries.size(), "retry policies");
    if (st.manual_initial_tx_credit < 0) return at + ".manual_initial_tx_credit: negative";
    if (st.rxflow_on_above && st.rxflow_off_below >= st.rxflow_on_above)
      return at + ".rxflow_off_below: not below rxflow_on_above";
  }
  for (std::size_t i = 0; i < spec.streams.size(); ++i) {
    const auto& s = spec.streams[i];
    const std::string at = "streams[" + std::to_string(i) + "]";
    if (s.streamtype >= spec.streamtypes.size())
      return out_of_range(at + ".streamtype", s.streamtype, spec.streamtypes.size(), "streamtypes");
    if (s.via_proxy && !spec.proxy) return at + ".via_proxy: the world has no proxy";
    if (s.end_at != 0 && s.end_at < s.start_at) return at + ".end_at: before start_at";
    if (s.start_at < 0) return at + ".start_at: negative";
    if (s.api == Api::kCApi && s.reader.kind != ReaderSpec::Kind::kFast &&
        spec.streamtypes[s.streamtype].manual_initial_tx_credit == 0)
      return at + ".api: the C API has no rx hold; a " + reader_kind_name(s.reader.kind) +
             " reader needs manual credit there";
  }
  return "";
}

const char* api_name(Api a) {
  switch (a) {
    case Api::kEngine: return "engine";
    case Api::kCApi: return "c-api";
  }
  return "?";
}

const char* proto_name(Proto p) {
  switch (p) {
    case Proto::kRaw: return "raw";
    case Proto::kH1: return "h1";
    case Proto::kWs: return "ws";
  }
  return "?";
}

const char* server_kind_name(ServerKind k) {
  switch (k) {
    case ServerKind::kEcho: return "echo";
    case ServerKind::kHttp: return "http";
    case ServerKind::kWsEcho: return "ws-echo";
  }
  return "?";
}

const char* server_trouble_name(ServerTrouble t) {
  switch (t) {
    case ServerTrouble::kNone: return "none";
    case ServerTrouble::kRefuse: return "refuse";
    case ServerTrouble::kBlackhole: return "blackhole";
    case ServerTrouble::kCloseEarly: return "close-early";
    case ServerTrouble::kSlow: return "slow";
  }
  return "?";
}

const char* reader_kind_name(ReaderSpec::Kind k) {
  switch (k) {
    case ReaderSpec::Kind::kFast: return "fast";
    case ReaderSpec::Kind::kSlow: return "slow";
    case ReaderSpec::Kind::kStall: return "stall";
    case ReaderSpec::Kind::kStop: return "stop";
  }
  return "?";
}

}  // namespace ss::sim::gen
