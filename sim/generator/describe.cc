#include "sim/generator/describe.h"

#include "runtime/stream/states.h"

namespace ss::sim::gen {
namespace {

std::string us(Micros t) { return std::to_string(t) + "us"; }

std::string join_sizes(const std::vector<std::size_t>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
  return out + "]";
}

std::string from_name(AnswerSpec::From f, int state) {
  switch (f) {
    case AnswerSpec::From::kRx: return "rx";
    case AnswerSpec::From::kTx: return "tx";
    case AnswerSpec::From::kState: return stream::state_name(state);
    case AnswerSpec::From::kNone: break;
  }
  return "-";
}

std::string world_line(const WorldSpec& w) {
  return "world: seed=" + std::to_string(w.seed) + " latency=" + us(w.latency) + " segmentation=" +
         (w.max_segment ? "[1," + std::to_string(w.max_segment) + "]" : std::string("off")) +
         " buggify=" + (w.buggify ? "on" : "off") + " proxy=" + (w.proxy ? "yes" : "no") +
         " calm=" + (w.calm() ? "yes" : "no") + "\n";
}

std::string swarm_lines(const WorldSpec& w) {
  std::string out = "swarm:";
  if (w.swarm.empty()) out += " (none)";
  for (FaultKind k : w.swarm) out += std::string(" ") + fault_kind_name(k);
  return out + "\nfaults:\n" + w.faults.to_string();
}

std::string retry_line(const RetrySpec& r, std::size_t i) {
  std::string out = "retry[" + std::to_string(i) + "]: backoff_ms=[";
  for (std::size_t k = 0; k < r.backoff_ms.size(); ++k) out += (k ? "," : "") + std::to_string(r.backoff_ms[k]);
  out += "] conceal=" + (r.conceal == 65535 ? std::string("forever") : std::to_string(r.conceal));
  return out + " jitter=" + std::to_string(r.jitter_percent) + "%\n";
}

std::string server_line(const ServerSpec& s, std::size_t i) {
  std::string out = "server[" + std::to_string(i) + "]: " + s.host + ":" + std::to_string(s.port) + " " +
                    server_kind_name(s.kind) + " tls=" + (s.tls ? "on" : "off") +
                    " trouble=" + server_trouble_name(s.trouble);
  if (s.trouble == ServerTrouble::kCloseEarly || s.trouble == ServerTrouble::kSlow)
    out += "(" + std::to_string(s.trouble_bytes) + " bytes)";
  return out + "\n";
}

std::string metadata_decl(const MetadataSpec& m) {
  switch (m.use) {
    case MetadataSpec::Use::kUrl: return m.name + "(url)";
    case MetadataSpec::Use::kHeader: return m.name + "(header " + m.header + ")";
    case MetadataSpec::Use::kNone: break;
  }
  return m.name + "(unused)";
}

std::string streamtype_line(const WorldSpec& w, const StreamtypeSpec& st, std::size_t i) {
  std::string out = "streamtype[" + std::to_string(i) + "]: " + st.name + " " + proto_name(st.proto) + " server=" +
                    (st.server < w.servers.size() ? w.servers[st.server].host : "?" + std::to_string(st.server)) +
                    " tls=" + (st.tls ? "on" : "off") +
                    " retry=" + (st.retry ? "retry[" + std::to_string(*st.retry) + "]" : std::string("none"));
  out += " timeout=" + (st.timeout_ms ? std::to_string(st.timeout_ms) + "ms" : std::string("none"));
  if (st.nailed_up) out += " nailed_up";
  if (st.opportunistic) out += " opportunistic";
  if (!st.http_method.empty()) out += " " + st.http_method;
  if (!st.url.empty()) out += " url=/" + st.url;
  out += " metadata=[";
  for (std::size_t k = 0; k < st.metadata.size(); ++k) out += (k ? " " : "") + metadata_decl(st.metadata[k]);
  out += "]";
  if (st.manual_initial_tx_credit) out += " manual_credit=" + std::to_string(st.manual_initial_tx_credit);
  if (st.client_buflen) out += " client_buflen=" + std::to_string(st.client_buflen);
  if (st.rxflow_on_above)
    out += " rxflow_on_above=" + std::to_string(st.rxflow_on_above) +
           " rxflow_off_below=" + std::to_string(st.rxflow_off_below);
  return out + "\n";
}

std::string reader_text(const ReaderSpec& r) {
  std::string out = std::string("reader=") + reader_kind_name(r.kind);
  switch (r.kind) {
    case ReaderSpec::Kind::kSlow: out += "(read " + us(r.read_for) + ", pause " + us(r.pause_for) + ")"; break;
    case ReaderSpec::Kind::kStall: out += "(at " + us(r.stall_at) + " for " + us(r.stall_for) + ")"; break;
    case ReaderSpec::Kind::kStop: out += "(at " + us(r.stall_at) + ")"; break;
    case ReaderSpec::Kind::kFast: break;
  }
  if (r.credit_step) out += " credit_step=" + std::to_string(r.credit_step);
  return out;
}

std::string answers_text(const AnswerSpec& a) {
  std::string out;
  if (a.disconnect_from != AnswerSpec::From::kNone)
    out += " DISCONNECT_ME every " + std::to_string(a.disconnect_every) + " of " +
           from_name(a.disconnect_from, a.disconnect_state);
  if (a.destroy_from != AnswerSpec::From::kNone)
    out += " DESTROY_ME at call " + std::to_string(a.destroy_at) + " of " + from_name(a.destroy_from, a.destroy_state);
  return out.empty() ? "" : " answers:" + out;
}

std::string stream_line(const WorldSpec& w, const StreamSpec& s, std::size_t i) {
  std::string out = "stream[" + std::to_string(i) + "]: " +
                    (s.streamtype < w.streamtypes.size() ? w.streamtypes[s.streamtype].name
                                                         : "?" + std::to_string(s.streamtype)) +
                     (s.via_proxy ? " via_proxy" : " direct") +
                    " api=" + api_name(s.api) + " start=" + us(s.start_at) +
                    " end=" + (s.end_at ? us(s.end_at) : std::string("when-done")) +
                    " tx=" + (s.tx_mode == TxMode::kRequestTxLen ? "request_tx_len" : "request_tx") +
                    " messages=" + join_sizes(s.messages) + " download=" + std::to_string(s.download);
  out += " metadata=[";
  for (std::size_t k = 0; k < s.metadata.size(); ++k) {
    const auto& m = s.metadata[k];
    out += (k ? " " : "") + m.name + "=\"" + m.value + "\"@" + us(m.at);
  }
  out += "] " + reader_text(s.reader) + answers_text(s.answers);
  if (s.timeout.arm_at) {
    out += " timeout=" + (s.timeout.ms ? std::to_string(s.timeout.ms) + "ms" : std::string("policy's")) + "@" +
           us(s.timeout.arm_at);
    if (s.timeout.rearm_after) out += " rearm+" + us(s.timeout.rearm_after);
    if (s.timeout.cancel_after) out += " cancel+" + us(s.timeout.cancel_after);
  }
  if (s.again_after_arf) out += " again_after_arf=" + us(s.again_after_arf);
  return out + "\n";
}

}  // namespace

std::string describe_world_spec(const WorldSpec& spec) {
  std::string out = world_line(spec) + swarm_lines(spec);
  for (std::size_t i = 0; i < spec.retries.size(); ++i) out += retry_line(spec.retries[i], i);
  for (std::size_t i = 0; i < spec.servers.size(); ++i) out += server_line(spec.servers[i], i);
  for (std::size_t i = 0; i < spec.streamtypes.size(); ++i) out += streamtype_line(spec, spec.streamtypes[i], i);
  for (std::size_t i = 0; i < spec.streams.size(); ++i) out += stream_line(spec, spec.streams[i], i);
  return out;
}

}  // namespace ss::sim::gen
