// Policy -> JSON; one template for both nlohmann object types.
#include "runtime/policy/serialize.h"

#include "runtime/policy/certs.h"

namespace ss::policy {
namespace {

// A JSON array of one element per item, made by `element`.
template <typename J, typename Items, typename F>
J array_of(const Items& items, F element) {
  J a = J::array();
  for (const auto& x : items) a.push_back(element(x));
  return a;
}

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
  o["metadata"] = array_of<J>(st.metadata, [](const auto& m) { return J{{m.name, m.header}}; });
  // http
  o["http_method"] = st.http_method;
  o["http_url"] = st.http_url;
  o["http_expect"] = st.http_expect;
  o["http_fail_redirect"] = st.http_fail_redirect;
  o["http_resp_map"] =
      array_of<J>(st.http_resp_map, [](const auto& m) { return J{{std::to_string(m.first), m.second}}; });
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
  o["options"] = array_of<J>(st.options, [](const auto& kv) { return J{{kv.first, kv.second}}; });
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
  // The key-value lists below keep their keys in this order (ordered_json).
  o["retry"] = array_of<J>(p.retries, [](const RetryPolicy& r) {
    const J body = {{"backoff", r.backoff_ms},
                    {"conceal", r.conceal},
                    {"jitterpc", r.jitter_percent},
                    {"svalidping", r.secs_since_valid_ping},
                    {"svalidhup", r.secs_since_valid_hangup}};
    return J{{r.name, body}};
  });
  o["certs"] = array_of<J>(p.certs, [](const auto& c) { return J{{c.name, encode_base64(c.der)}}; });
  o["trust_stores"] = array_of<J>(p.trust_stores, [&p](const auto& t) {
    return J{{"name", t.name}, {"stack", array_of<J>(t.certs, [&p](std::size_t i) { return J(p.certs[i].name); })}};
  });
  o["auth"] = array_of<J>(p.auths, [](const auto& a) {
    return J{{"name", a.name}, {"type", a.type}, {"streamtype", a.streamtype}, {"blob", a.blob}};
  });
  o["metrics"] = array_of<J>(p.metrics, [](const auto& m) {
    return J{{"name", m.name},
             {"us_schedule", m.us_schedule},
             {"us_halflife", m.us_halflife},
             {"min_outlier", m.min_outlier},
             {"report", m.report}};
  });
  o["s"] = array_of<J>(p.streamtypes, [&p](const Streamtype& st) { return J{{st.name, streamtype_json<J>(p, st)}}; });
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
