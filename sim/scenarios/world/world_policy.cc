#include "sim/scenarios/world/world_policy.h"

#include "runtime/policy/certs.h"
#include "sim/peers/bulk_source.h"

namespace ss::sim::world {
namespace {

using gen::Proto;

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static const char* const kHex = "0123456789abcdef";
      out += "\\u00";
      out += kHex[(c >> 4) & 0xf];
      out += kHex[c & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string field(const char* key, const std::string& json_value) { return ", " + quote(key) + ": " + json_value; }

std::string streamtype_json(const gen::WorldSpec& spec, const gen::StreamtypeSpec& st) {
  const auto& server = spec.servers[st.server];
  const char* proto = st.proto == Proto::kH1 ? "h1" : st.proto == Proto::kWs ? "ws" : "raw";
  std::string out = quote("endpoint") + ": " + quote(server.host);
  out += field("port", std::to_string(server.port));
  out += field("protocol", quote(proto));
  if (st.tls) out += field("tls", "true") + field("tls_trust_store", quote("sim"));
  if (st.retry) out += field("retry", quote("r" + std::to_string(*st.retry)));
  if (st.timeout_ms) out += field("timeout_ms", std::to_string(st.timeout_ms));
  if (st.nailed_up) out += field("nailed_up", "true");
  if (st.opportunistic) out += field("opportunistic", "true");
  if (st.client_buflen) out += field("client_buflen", std::to_string(st.client_buflen));
  if (st.rxflow_on_above) {
    out += field("proxy_buflen_rxflow_on_above", std::to_string(st.rxflow_on_above));
    out += field("proxy_buflen_rxflow_off_below", std::to_string(st.rxflow_off_below));
  }
  std::string md;
  auto add_md = [&md](const std::string& name, const std::string& header) {
    md += (md.empty() ? "" : ", ") + std::string("{") + quote(name) + ": " + quote(header) + "}";
  };
  if (st.proto != Proto::kRaw) add_md(kIdMetadata, std::string(kIdHeader) + ":");
  if (st.proto == Proto::kH1) add_md(kReplyMetadata, std::string(kReplyHeader) + ":");
  if (st.proto == Proto::kH1 && st.http_method != "POST") add_md(kDownloadMetadata, "");
  for (const auto& m : st.metadata) add_md(m.name, m.use == gen::MetadataSpec::Use::kHeader ? m.header : "");
  if (!md.empty()) out += field("metadata", "[" + md + "]");
  if (st.proto == Proto::kH1) out += field("http_method", quote(st.http_method.empty() ? "GET" : st.http_method));
  if (st.proto != Proto::kRaw) out += field("http_url", quote(policy_url(st)));
  return "{" + quote(st.name) + ": {" + out + "}}";
}

}  // namespace

std::string policy_url(const gen::StreamtypeSpec& st) {
  if (st.proto == Proto::kH1)
    return st.http_method == "POST" ? "echo/" + st.url : "dl/${" + std::string(kDownloadMetadata) + "}/" + st.url;
  return st.url;
}

std::string world_body(std::size_t n) { return peers::bulk_pattern(n, static_cast<std::uint32_t>(n * 2654435761u)); }

std::string world_policy_json(const gen::WorldSpec& spec, const std::vector<std::uint8_t>& ca_der) {
  std::string out = "{\n  \"release\": \"sim\", \"product\": \"ss-sim world\", \"schema-version\": 1";
  if (!spec.retries.empty()) {
    std::string rs;
    for (std::size_t i = 0; i < spec.retries.size(); ++i) {
      const auto& r = spec.retries[i];
      std::string b;
      for (auto ms : r.backoff_ms) b += (b.empty() ? "" : ", ") + std::to_string(ms);
      rs += std::string(i ? ",\n    " : "") + "{" + quote("r" + std::to_string(i)) + ": {\"backoff\": [" + b +
            "], \"conceal\": " + std::to_string(r.conceal) + ", \"jitterpc\": " + std::to_string(r.jitter_percent) +
            "}}";
    }
    out += ",\n  \"retry\": [\n    " + rs + "\n  ]";
  }
  if (!ca_der.empty()) {
    out += ",\n  \"certs\": [{\"sim-ca\": " + quote(policy::encode_base64(ca_der)) + "}]";
    out += ",\n  \"trust_stores\": [{\"name\": \"sim\", \"stack\": [\"sim-ca\"]}]";
  }
  out += ",\n  \"s\": [";
  for (std::size_t i = 0; i < spec.streamtypes.size(); ++i)
    out += std::string(i ? ",\n    " : "\n    ") + streamtype_json(spec, spec.streamtypes[i]);
  out += "\n  ]\n}\n";
  return out;
}

}  // namespace ss::sim::world
