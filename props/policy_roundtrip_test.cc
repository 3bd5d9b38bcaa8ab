// Property: every key round-trips. A generated valid Policy (every field of
// policy.h, in its legal range) -> to_json -> text -> parse_policy gives an
// equal Policy, for both the sorted and the ordered JSON forms.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "runtime/policy/certs.h"
#include "runtime/policy/parse.h"
#include "runtime/policy/serialize.h"
#include "runtime/policy/testdata/test_certs.h"

namespace ss::policy {
namespace {

// Printable ASCII without '$' (templates are generated on purpose below),
// plus escapes and multi-byte UTF-8.
const std::vector<std::string> kPieces = {"a", "Z", "0", "_", "-", ".", "/", ":", " ", "{", "}",
                                          "\"", "\\", "\n", "\t", "\xc3\xa9", "\xe2\x82\xac"};

std::string text(int max_pieces = 8) {
  const int n = *rc::gen::inRange(0, max_pieces + 1);
  std::string s;
  for (int i = 0; i < n; ++i) s += kPieces[*rc::gen::inRange<std::size_t>(0, kPieces.size())];
  return s;
}

bool flip() { return *rc::gen::arbitrary<bool>(); }
template <typename T>
T any() {
  return *rc::gen::arbitrary<T>();
}
template <typename T>
T in(T lo, T hi_inclusive) {
  return *rc::gen::inRange<T>(lo, hi_inclusive + 1);
}
template <typename V>
std::optional<std::size_t> maybe_index(const std::vector<V>& v) {
  if (v.empty() || flip()) return std::nullopt;
  return in<std::size_t>(0, v.size() - 1);
}

std::vector<std::uint8_t> der_of(const char* b64) { return *decode_base64(b64); }

// A template string: text, sometimes with ${a declared metadata name}.
std::string templ(const Streamtype& st) {
  std::string s = text();
  if (!st.metadata.empty() && flip()) {
    s += "${" + st.metadata[in<std::size_t>(0, st.metadata.size() - 1)].name + "}" + text(3);
  }
  return s;
}

Streamtype gen_streamtype(const Policy& p, std::size_t i, std::size_t count) {
  Streamtype st;
  st.name = "st" + std::to_string(i) + text(3);
  const int nmd = in(0, 4);
  for (int k = 0; k < nmd; ++k) st.metadata.push_back({"md" + std::to_string(k), flip() ? "" : text(4) + ":"});
  st.endpoint = templ(st);
  st.port = any<std::uint16_t>();
  st.protocol = static_cast<Protocol>(in(0, 5));
  st.via_socks5 = text();
  st.tls = flip();
  st.client_cert = in(0, 255);
  st.trust_store = maybe_index(p.trust_stores);
  st.retry = maybe_index(p.retries);
  st.timeout_ms = any<std::uint32_t>();
  for (bool* b : {&st.opportunistic, &st.nailed_up, &st.allow_redirects, &st.urgent_tx, &st.urgent_rx,
                  &st.long_poll, &st.perf, &st.swake_validity, &st.direct_proto_str,
                  &st.ws_prioritize_reads, &st.attr_low_latency, &st.attr_high_throughput,
                  &st.attr_high_reliability, &st.attr_low_cost, &st.http_fail_redirect,
                  &st.http_no_content_length, &st.nghttp2_quirk_end_stream, &st.h2q_oflow_txcr,
                  &st.http_www_form_urlencoded, &st.http_cookies, &st.http_multipart_ss_in,
                  &st.ws_binary, &st.local_sink, &st.server, &st.mqtt_retain, &st.mqtt_clean_start,
                  &st.mqtt_will_retain, &st.mqtt_birth_retain, &st.aws_iot}) {
    *b = flip();
  }
  st.attr_priority = in(0, 7);
  for (std::uint32_t* n : {&st.proxy_buflen, &st.proxy_buflen_rxflow_on_above, &st.proxy_buflen_rxflow_off_below,
                           &st.client_buflen, &st.client_buflen_rxflow_on_above,
                           &st.client_buflen_rxflow_off_below}) {
    *n = any<std::uint32_t>();
  }
  for (std::string* s : {&st.http_method, &st.http_auth_header, &st.http_dsn_header, &st.http_fwv_header,
                         &st.http_devtype_header, &st.http_auth_preamble, &st.http_multipart_name,
                         &st.http_multipart_filename, &st.http_mime_content_type, &st.payload_fmt,
                         &st.ws_subprotocol}) {
    *s = text();
  }
  for (std::string* s : {&st.http_url, &st.mqtt_topic, &st.mqtt_subscribe, &st.mqtt_will_topic,
                         &st.mqtt_will_message, &st.mqtt_birth_topic, &st.mqtt_birth_message}) {
    *s = templ(st);
  }
  st.http_expect = in(0, 999);
  const int nmap = in(0, 16);
  for (int k = 0; k < nmap; ++k) st.http_resp_map.emplace_back(in(100, 599), static_cast<int>(in<std::int64_t>(0, 0x7fffffff)));
  if (i + 1 < count && flip()) st.rideshare = in(i + 1, count - 1);  // chains end
  std::vector<std::size_t> certs, keys;
  for (std::size_t k = 0; k < p.certs.size(); ++k) (p.certs[k].is_certificate ? certs : keys).push_back(k);
  if (!certs.empty() && flip()) st.server_cert = certs[in<std::size_t>(0, certs.size() - 1)];
  if (!keys.empty() && flip()) st.server_key = keys[in<std::size_t>(0, keys.size() - 1)];
  const int nopt = in(0, 3);
  for (int k = 0; k < nopt; ++k) st.options.emplace_back(text(), text());
  st.mqtt_qos = in(0, 2);
  st.mqtt_keep_alive = any<std::uint16_t>();
  st.mqtt_will_qos = in(0, 2);
  st.mqtt_birth_qos = in(0, 2);
  st.use_auth = maybe_index(p.auths);
  if (!st.metadata.empty() && flip()) st.aws_region = st.metadata[0].name;
  if (!st.metadata.empty() && flip()) st.aws_service = st.metadata.back().name;
  return st;
}

Policy gen_policy() {
  Policy p;
  p.release = text();
  p.product = text();
  p.schema_version = static_cast<int>(in<std::int64_t>(0, 0x7fffffff));
  if (flip()) p.via_socks5 = "h" + text(3) + ":" + std::to_string(in(1, 65535));
  const int nr = in(0, 3);
  for (int i = 0; i < nr; ++i) {
    RetryPolicy r;
    r.name = "r" + std::to_string(i) + text(3);
    r.backoff_ms = *rc::gen::container<std::vector<std::uint32_t>>(in(0, 8), rc::gen::arbitrary<std::uint32_t>());
    r.conceal = any<std::uint16_t>();
    r.jitter_percent = any<std::uint8_t>();
    r.secs_since_valid_ping = any<std::uint16_t>();
    r.secs_since_valid_hangup = any<std::uint16_t>();
    p.retries.push_back(r);
  }
  const char* pool[] = {testdata::kCertA, testdata::kCertB, testdata::kKeyA};
  const int nc = in(0, 3);
  std::vector<std::size_t> cert_idx;
  for (int i = 0; i < nc; ++i) {
    const int which = in(0, 2);
    p.certs.push_back({"c" + std::to_string(i) + text(3), der_of(pool[which]), which != 2});
    if (which != 2) cert_idx.push_back(p.certs.size() - 1);
  }
  if (!cert_idx.empty()) {
    const int nt = in(0, 2);
    for (int i = 0; i < nt; ++i) {
      TrustStore t;
      t.name = "t" + std::to_string(i) + text(3);
      const int depth = in(1, 6);
      for (int k = 0; k < depth; ++k) t.certs.push_back(cert_idx[in<std::size_t>(0, cert_idx.size() - 1)]);
      p.trust_stores.push_back(t);
    }
  }
  const int na = in(0, 2);
  for (int i = 0; i < na; ++i) p.auths.push_back({"a" + std::to_string(i) + text(3), text(), text(), in(0, 3)});
  const int nm = in(0, 2);
  for (int i = 0; i < nm; ++i) {
    p.metrics.push_back({"m" + std::to_string(i) + text(3), any<std::uint64_t>() >> 1,
                         any<std::uint64_t>() >> 1, any<std::uint32_t>(), text()});
  }
  const std::size_t ns = in<std::size_t>(1, 4);
  for (std::size_t i = 0; i < ns; ++i) p.streamtypes.push_back(gen_streamtype(p, i, ns));
  return p;
}

std::string errors_of(const ParseOutput& out) {
  std::string s;
  for (const auto& d : out.diagnostics) s += format_diagnostic(d) + "\n";
  return s;
}

RC_GTEST_PROP(PolicyRoundTrip, EveryKeySurvivesJsonAndBack, ()) {
  const Policy p = gen_policy();
  for (const std::string& text : {to_json(p).dump(), to_ordered_json(p).dump(1)}) {
    const ParseOutput out = parse_policy(text);
    RC_ASSERT_FALSE(out.policy == nullptr);
    if (!(*out.policy == p)) RC_FAIL("round trip changed the policy:\n" + text + "\n" + errors_of(out));
  }
  // The ordered form names things before use: no forward-reference warnings.
  for (const auto& d : parse_policy(to_ordered_json(p).dump()).diagnostics) {
    RC_ASSERT(d.message.find("forward reference") == std::string::npos);
  }
}

RC_GTEST_PROP(PolicyRoundTrip, StreamtypeVariantMatchesWholePolicy, ()) {
  const Policy p = gen_policy();
  const nlohmann::json whole = to_json(p);
  for (std::size_t i = 0; i < p.streamtypes.size(); ++i) {
    RC_ASSERT(whole["s"][i][p.streamtypes[i].name] == to_json(p, p.streamtypes[i]));
  }
}

RC_GTEST_PROP(PolicyRoundTrip, OverlayOfAStreamtypeReplacesItsKeys, ()) {
  const Policy base = gen_policy();
  Policy next = base;
  // Overlay the first streamtype with the body of a freshly generated one.
  Streamtype replacement = gen_streamtype(base, 0, 1);  // no rideshare (count 1)
  replacement.name = base.streamtypes[0].name;
  // Keys the serializer omits (unset references, client_cert 0) are not in
  // the overlay, so the base's values stay.
  const Streamtype& old = base.streamtypes[0];
  Streamtype expect = replacement;
  for (auto field : {&Streamtype::trust_store, &Streamtype::retry, &Streamtype::rideshare,
                     &Streamtype::server_cert, &Streamtype::server_key, &Streamtype::use_auth}) {
    if (!(expect.*field)) expect.*field = old.*field;
  }
  if (!expect.client_cert) expect.client_cert = old.client_cert;
  next.streamtypes[0] = expect;
  nlohmann::json overlay = {{"s", nlohmann::json::array({{{replacement.name, to_json(next, replacement)}}})}};
  const ParseOutput out = apply_overlay(base, overlay.dump());
  RC_ASSERT_FALSE(out.policy == nullptr);
  RC_ASSERT(*out.policy == next);
}

}  // namespace
}  // namespace ss::policy
