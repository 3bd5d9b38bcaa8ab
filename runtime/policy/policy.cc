// Out-of-line helpers of policy.h.
#include "runtime/policy/policy.h"

#include <algorithm>

namespace ss::policy {

const char* protocol_name(Protocol protocol) {
  switch (protocol) {
    case Protocol::kH1: return "h1";
    case Protocol::kH2: return "h2";
    case Protocol::kH3: return "h3";
    case Protocol::kWs: return "ws";
    case Protocol::kMqtt: return "mqtt";
    case Protocol::kRaw: return "raw";
  }
  return "?";
}

std::uint32_t Streamtype::flags() const {
  std::uint32_t f = 0;
  auto set = [&f](bool on, std::uint32_t bit) {
    if (on) f |= bit;
  };
  set(opportunistic, kFlagOpportunistic);
  set(nailed_up, kFlagNailedUp);
  set(urgent_tx, kFlagUrgentTx);
  set(urgent_rx, kFlagUrgentRx);
  set(tls, kFlagTls);
  set(long_poll, kFlagLongPoll);
  set(http_no_content_length, kFlagHttpNoContentLength);
  set(nghttp2_quirk_end_stream, kFlagQuirkNghttp2EndStream);
  set(h2q_oflow_txcr, kFlagH2QuirkOverflowsTxcr);
  set(http_multipart(), kFlagHttpMultipart);
  set(http_www_form_urlencoded, kFlagHttpWwwFormUrlencoded);
  set(local_sink, kFlagLocalSink);
  set(swake_validity, kFlagWakeSuspendValidity);
  set(server, kFlagServer);
  set(allow_redirects, kFlagAllowRedirects);
  set(http_multipart_ss_in, kFlagHttpMultipartIn);
  set(attr_low_latency, kFlagAttrLowLatency);
  set(attr_high_throughput, kFlagAttrHighThroughput);
  set(attr_high_reliability, kFlagAttrHighReliability);
  set(attr_low_cost, kFlagAttrLowCost);
  set(perf, kFlagPerf);
  set(direct_proto_str, kFlagDirectProtoStr);
  set(http_cookies, kFlagHttpCookies);
  set(ws_prioritize_reads, kFlagPrioritizeReads);
  return f;
}

std::optional<std::size_t> Streamtype::metadata_index(std::string_view md_name) const {
  for (std::size_t i = 0; i < metadata.size(); ++i) {
    if (metadata[i].name == md_name) return i;
  }
  return std::nullopt;
}

const Streamtype* Policy::find_streamtype(std::string_view name) const {
  for (const auto& st : streamtypes) {
    if (st.name == name) return &st;
  }
  return nullptr;
}

std::vector<const Streamtype*> Policy::rideshare_chain(const Streamtype& st) const {
  std::vector<const Streamtype*> chain{&st};
  for (const Streamtype* at = &st; at->rideshare && *at->rideshare < streamtypes.size();) {
    at = &streamtypes[*at->rideshare];
    if (std::find(chain.begin(), chain.end(), at) != chain.end()) break;
    chain.push_back(at);
  }
  return chain;
}

}  // namespace ss::policy
