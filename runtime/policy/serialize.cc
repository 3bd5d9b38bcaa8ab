// Policy -> JSON; one template for both nlohmann object types.
#include "runtime/policy/serialize.h"

#include "runtime/policy/certs.h"

namespace ss::policy {
namespace {

template <typename J>
J streamtype_json(const Policy& p, const Streamtype& st) {
  J o = J::object();
  // connection
  o["endpoint"] = st.endpoint;
  o["port"] = st.port;
  o["protocol"] = protocol_name(st.protocol);
  o["via-socks5"] = st.via_socks5;
  o["tls"] = st.tls;
  if (st.client_cert) o["client_cert"] = st.client_cert - 1;
  if (st.trust_store) o["tls_trust_store"] = p.trust_stores[*st.trust_store].name;
  if (st.retry) o["retry"] = p.retries[*st.retry].name;
  o["timeout_ms"] = st.timeout_ms;
  o["opportunistic"] = st.opportunistic;
  o["nailed_up"] = st.nailed_up;
  o["allow_redirects"] = st.allow_redirects;
  o["urgent_tx"] = st.urgent_tx;
  o["urgent_rx"] = st.urgent_rx;
  o["long_poll"] = st.long_poll;
  o["perf"] = st.perf;
  o["swake_validity"] = st.swake_validity;
  o["direct_proto_str"] = st.direct_proto_str;
  o["ws_prioritize_reads"] = st.ws_prioritize_reads;
  o["attr_priority"] = st.attr_priority;
  o["attr_low_latency"] = st.attr_low_latency;
  o["attr_high_throughput"] = st.attr_high_throughput;
  o["attr_high_reliability"] = st.attr_high_reliability;
  o["attr_low_cost"] = st.attr_low_cost;
  // proxy buffers
  o["proxy_buflen"] = st.proxy_buflen;
  o["proxy_buflen_rxflow_on_above"] = st.proxy_buflen_rxflow_on_above;
  o["proxy_buflen_rxflow_off_below"] = st.proxy_buflen_rxflow_off_below;
  o["client_buflen"] = st.client_buflen;
  o["client_buflen_rxflow_on_above"] = st.client_buflen_rxflow_on_above;
  o["client_buflen_rxflow_off_below"] = st.client_buflen_rxflow_off_below;
  J md = J::array();
  for (const auto& m : st.metadata) md.push_back(J{{m.name, m.header}});
  o["metadata"] = md;
  // http
  o["http_method"] = st.http_method;
  o["http_url"] = st.http_url;
  o["http_expect"] = st.http_expect;
  o["http_fail_redirect"] = st.http_fail_redirect;
  J rm = J::array();
  for (const auto& [status, state] : st.http_resp_map) rm.push_back(J{{std::to_string(status), state}});
  o["http_resp_map"] = rm;
  o["http_auth_header"] = st.http_auth_header;
  o["http_dsn_header"] = st.http_dsn_header;
  o["http_fwv_header"] = st.http_fwv_header;
  o["http_devtype_header"] = st.http_devtype_header;
  o["http_auth_preamble"] = st.http_auth_preamble;
  o["http_no_content_length"] = st.http_no_content_length;
  o["nghttp2_quirk_end_stream"] = st.nghttp2_quirk_end_stream;
  o["h2q_oflow_txcr"] = st.h2q_oflow_txcr;
  o["http_multipart_name"] = st.http_multipart_name;
  o["http_multipart_filename"] = st.http_multipart_filename;
  o["http_mime_content_type"] = st.http_mime_content_type;
  o["http_www_form_urlencoded"] = st.http_www_form_urlencoded;
  o["http_cookies"] = st.http_cookies;
  o["http_multipart_ss_in"] = st.http_multipart_ss_in;
  if (st.rideshare) o["rideshare"] = p.streamtypes[*st.rideshare].name;
  o["payload_fmt"] = st.payload_fmt;
  // ws
  o["ws_subprotocol"] = st.ws_subprotocol;
  o["ws_binary"] = st.ws_binary;
  // server / sink
  o["local_sink"] = st.local_sink;
  o["server"] = st.server;
  if (st.server_cert) o["server_cert"] = p.certs[*st.server_cert].name;
  if (st.server_key) o["server_key"] = p.certs[*st.server_key].name;
  J opts = J::array();
  for (const auto& [k, v] : st.options) opts.push_back(J{{k, v}});
  o["options"] = opts;
  // mqtt
  o["mqtt_topic"] = st.mqtt_topic;
  o["mqtt_subscribe"] = st.mqtt_subscribe;
  o["mqtt_qos"] = st.mqtt_qos;
  o["mqtt_retain"] = st.mqtt_retain;
  o["mqtt_keep_alive"] = st.mqtt_keep_alive;
  o["mqtt_clean_start"] = st.mqtt_clean_start;
  o["mqtt_will_topic"] = st.mqtt_will_topic;
  o["mqtt_will_message"] = st.mqtt_will_message;
  o["mqtt_will_qos"] = st.mqtt_will_qos;
  o["mqtt_will_retain"] = st.mqtt_will_retain;
  o["mqtt_birth_topic"] = st.mqtt_birth_topic;
  o["mqtt_birth_message"] = st.mqtt_birth_message;
  o["mqtt_birth_qos"] = st.mqtt_birth_qos;
  o["mqtt_birth_retain"] = st.mqtt_birth_retain;
  o["aws_iot"] = st.aws_iot;
  // auth
  if (st.use_auth) o["use_auth"] = p.auths[*st.use_auth].name;
  o["aws_region"] = st.aws_region;
  o["aws_service"] = st.aws_service;
  return o;
}

template <typename J>
J policy_json(const Policy& p) {
  J o = J::object();
  o["release"] = p.release;
  o["product"] = p.product;
  o["schema-version"] = p.schema_version;
  o["via-socks5"] = p.via_socks5;
  J retry = J::array();
  for (const auto& r : p.retries) {
    J body = J::object();
    body["backoff"] = r.backoff_ms;
    body["conceal"] = r.conceal;
    body["jitterpc"] = r.jitter_percent;
    body["svalidping"] = r.secs_since_valid_ping;
    body["svalidhup"] = r.secs_since_valid_hangup;
    retry.push_back(J{{r.name, body}});
  }
  o["retry"] = retry;
  J certs = J::array();
  for (const auto& c : p.certs) certs.push_back(J{{c.name, encode_base64(c.der)}});
  o["certs"] = certs;
  J stores = J::array();
  for (const auto& t : p.trust_stores) {
    J stack = J::array();
    for (std::size_t i : t.certs) stack.push_back(p.certs[i].name);
    J store = J::object();
    store["name"] = t.name;
    store["stack"] = stack;
    stores.push_back(store);
  }
  o["trust_stores"] = stores;
  J auths = J::array();
  for (const auto& a : p.auths) {
    J e = J::object();
    e["name"] = a.name;
    e["type"] = a.type;
    e["streamtype"] = a.streamtype;
    e["blob"] = a.blob;
    auths.push_back(e);
  }
  o["auth"] = auths;
  J metrics = J::array();
  for (const auto& m : p.metrics) {
    J e = J::object();
    e["name"] = m.name;
    e["us_schedule"] = m.us_schedule;
    e["us_halflife"] = m.us_halflife;
    e["min_outlier"] = m.min_outlier;
    e["report"] = m.report;
    metrics.push_back(e);
  }
  o["metrics"] = metrics;
  J s = J::array();
  for (const auto& st : p.streamtypes) s.push_back(J{{st.name, streamtype_json<J>(p, st)}});
  o["s"] = s;
  return o;
}

}  // namespace

nlohmann::json to_json(const Policy& policy) { return policy_json<nlohmann::json>(policy); }
nlohmann::ordered_json to_ordered_json(const Policy& policy) {
  return policy_json<nlohmann::ordered_json>(policy);
}
nlohmann::json to_json(const Policy& policy, const Streamtype& st) {
  return streamtype_json<nlohmann::json>(policy, st);
}
nlohmann::ordered_json to_ordered_json(const Policy& policy, const Streamtype& st) {
  return streamtype_json<nlohmann::ordered_json>(policy, st);
}

}  // namespace ss::policy
