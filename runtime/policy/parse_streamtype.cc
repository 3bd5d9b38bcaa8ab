// Streamtype keys (docs/secure-streams.md §1.4): one table entry per key, then the checks that
// need the whole streamtype (metadata references, sigv4 names, servers).
#include <algorithm>
#include <limits>
#include <string_view>

#include "runtime/core/escape.h"
#include "runtime/core/planted.h"
#include "runtime/policy/builder.h"

namespace ss::policy::detail {
namespace {

using Handler = void (*)(Builder&, const JValue&, const std::string&, Streamtype&, std::size_t);
struct KeyDef {
  std::string_view key;
  Handler fn;
};

constexpr std::int64_t kU16 = 65535;
constexpr std::int64_t kU32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t kMaxMetadata = 255;
constexpr std::size_t kMaxRespMap = 16;

void read_metadata(Builder& b, const JValue& v, const std::string& p, Streamtype& st) {
  if (!b.expect_array(v, p)) return;
  std::vector<MetadataDecl> list;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const std::string ip = index(p, i);
    if (!b.expect_object(v.items[i], ip)) continue;
    for (const auto& [name, header] : v.items[i].members) {
      const std::string np = join(ip, name);
      MetadataDecl md{name, ""};
      if (!b.read_string(header, np, &md.header)) continue;
      if (name.empty() || name.find_first_of("${}") != std::string::npos) {
        b.error(np, "bad metadata name \"" + escape_text(name) + "\"; expected a non-empty name without $ { }");
        continue;
      }
      if (std::any_of(list.begin(), list.end(), [&md](auto& m) { return m.name == md.name; })) {
        b.error(np, "duplicate metadata name \"" + escape_text(name) + "\"; expected each name once");
        continue;
      }
      if (list.size() == kMaxMetadata) {
        b.error(np, "too many metadata entries; expected at most 255");
        return;
      }
      if (!md.header.empty() && md.header.back() != ':') {
        b.warn(np, "header mapping \"" + escape_text(md.header) +
                       "\" does not end in ':'; libwebsockets expects e.g. \"content-type:\"");
      }
      list.push_back(std::move(md));
    }
  }
  st.metadata = std::move(list);
}

void read_resp_map(Builder& b, const JValue& v, const std::string& p, Streamtype& st) {
  if (!b.expect_array(v, p)) return;
  std::vector<std::pair<int, int>> map;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const std::string ip = index(p, i);
    if (!b.expect_object(v.items[i], ip)) continue;
    for (const auto& [status, state] : v.items[i].members) {
      const std::string np = join(ip, status);
      int code = 0, value = 0;
      if (status.size() != 3 || !std::all_of(status.begin(), status.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
          (code = std::stoi(status)) < 100 || code > 599) {
        b.error(np, "bad HTTP status key \"" + escape_text(status) + "\"; expected a status 100..599");
        continue;
      }
      if (!b.read_int_as(state, np, 0, std::numeric_limits<std::int32_t>::max(), &value)) continue;
      if (map.size() == kMaxRespMap) {
        b.error(np, "too many http_resp_map entries; expected at most 16");
        return;
      }
      map.emplace_back(code, value);
    }
  }
  st.http_resp_map = std::move(map);
}

void read_options(Builder& b, const JValue& v, const std::string& p, Streamtype& st) {
  if (!b.expect_array(v, p)) return;
  std::vector<std::pair<std::string, std::string>> opts;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const std::string ip = index(p, i);
    if (!b.expect_object(v.items[i], ip)) continue;
    for (const auto& [k, val] : v.items[i].members) {
      std::string s;
      if (b.read_string(val, join(ip, k), &s)) opts.emplace_back(k, std::move(s));
    }
  }
  st.options = std::move(opts);
}

void read_protocol(Builder& b, const JValue& v, const std::string& p, Streamtype& st) {
  std::string s;
  if (!b.read_string(v, p, &s)) return;
  static constexpr std::pair<std::string_view, Protocol> kNames[] = {
      {"h1", Protocol::kH1}, {"h2", Protocol::kH2},     {"h3", Protocol::kH3},
      {"ws", Protocol::kWs}, {"mqtt", Protocol::kMqtt}, {"raw", Protocol::kRaw}};
  for (const auto& [name, proto] : kNames) {
    if (s == name) {
      st.protocol = proto;
      return;
    }
  }
  b.error(p, "unknown protocol: found " + describe(v) + ", expected one of h1, h2, h3, ws, mqtt, raw" +
                 (s == "h1get" ? " (\"h1get\" is from an outdated libwebsockets README)" : ""));
}

#define SS_BOOL(k) \
  {#k, [](Builder& b, const JValue& v, const std::string& p, Streamtype& st, std::size_t) { b.read_bool(v, p, &st.k); }}
#define SS_STR(k) \
  {#k, [](Builder& b, const JValue& v, const std::string& p, Streamtype& st, std::size_t) { b.read_string(v, p, &st.k); }}
#define SS_INT(k, lo, hi)                                                                \
  {#k, [](Builder& b, const JValue& v, const std::string& p, Streamtype& st, std::size_t) { \
     b.read_int_as(v, p, lo, hi, &st.k);                                                 \
   }}
#define SS_REF(k, kind) \
  {#k, [](Builder& b, const JValue& v, const std::string& p, Streamtype&, std::size_t i) { b.add_ref(kind, v, p, i); }}
// Keys libwebsockets parses but never acts on: kept, with a warning.
#define SS_UNUSED_BOOL(k)                                                                \
  {#k, [](Builder& b, const JValue& v, const std::string& p, Streamtype& st, std::size_t) { \
     if (b.read_bool(v, p, &st.k) && st.k) b.warn(p, #k " is parsed but has no effect (as in libwebsockets)"); \
   }}
#define SS_UNUSED_INT(k)                                                                 \
  {#k, [](Builder& b, const JValue& v, const std::string& p, Streamtype& st, std::size_t) { \
     if (b.read_int_as(v, p, 0, kU32, &st.k) && st.k) b.warn(p, #k " is parsed but has no effect (as in libwebsockets)"); \
   }}

const KeyDef kKeys[] = {
    // connection
    SS_STR(endpoint),
    SS_INT(port, 0, kU16),
    {"protocol", [](Builder& b, const JValue& v, const std::string& p, Streamtype& st, std::size_t) { read_protocol(b, v, p, st); }},
    {"via-socks5", [](Builder& b, const JValue& v, const std::string& p, Streamtype& st, std::size_t) {
       if (b.read_string(v, p, &st.via_socks5) && !st.via_socks5.empty()) b.warn(p, "per-streamtype via-socks5 is parsed but has no effect (as in libwebsockets); use the top-level key");
     }},
    SS_BOOL(tls),
    {"client_cert", [](Builder& b, const JValue& v, const std::string& p, Streamtype& st, std::size_t) {
       int n = 0;
       if (b.read_int_as(v, p, 0, 254, &n)) st.client_cert = n + 1;  // stored +1: 0 = none
     }},
    SS_REF(tls_trust_store, RefKind::kTrustStore),
    SS_REF(retry, RefKind::kRetry),
    SS_INT(timeout_ms, 0, kU32),
    SS_BOOL(opportunistic),
    SS_BOOL(nailed_up),
    {"allow_redirects", [](Builder& b, const JValue& v, const std::string& p, Streamtype& st, std::size_t) {
       bool ignored = false;
       b.read_bool(v, p, SS_PLANTED("policy-redirects-ignored") ? &ignored : &st.allow_redirects);
     }},
    SS_UNUSED_BOOL(urgent_tx),
    SS_UNUSED_BOOL(urgent_rx),
    SS_BOOL(long_poll),
    SS_BOOL(perf),
    SS_BOOL(swake_validity),
    SS_BOOL(direct_proto_str),
    SS_BOOL(ws_prioritize_reads),
    SS_INT(attr_priority, 0, 7),
    SS_BOOL(attr_low_latency),
    SS_BOOL(attr_high_throughput),
    SS_BOOL(attr_high_reliability),
    SS_BOOL(attr_low_cost),
    // proxy buffers
    SS_INT(proxy_buflen, 0, kU32),
    SS_INT(proxy_buflen_rxflow_on_above, 0, kU32),
    SS_INT(proxy_buflen_rxflow_off_below, 0, kU32),
    SS_INT(client_buflen, 0, kU32),
    SS_UNUSED_INT(client_buflen_rxflow_on_above),
    SS_UNUSED_INT(client_buflen_rxflow_off_below),
    {"metadata", [](Builder& b, const JValue& v, const std::string& p, Streamtype& st, std::size_t) { read_metadata(b, v, p, st); }},
    // http
    SS_STR(http_method),
    SS_STR(http_url),
    SS_INT(http_expect, 0, 999),
    SS_BOOL(http_fail_redirect),
    {"http_resp_map", [](Builder& b, const JValue& v, const std::string& p, Streamtype& st, std::size_t) { read_resp_map(b, v, p, st); }},
    SS_STR(http_auth_header),
    SS_STR(http_dsn_header),
    SS_STR(http_fwv_header),
    SS_STR(http_devtype_header),
    SS_STR(http_auth_preamble),
    SS_BOOL(http_no_content_length),
    SS_BOOL(nghttp2_quirk_end_stream),
    SS_BOOL(h2q_oflow_txcr),
    SS_STR(http_multipart_name),
    SS_STR(http_multipart_filename),
    SS_STR(http_mime_content_type),
    SS_BOOL(http_www_form_urlencoded),
    SS_BOOL(http_cookies),
    SS_BOOL(http_multipart_ss_in),
    SS_REF(rideshare, RefKind::kRideshare),
    SS_STR(payload_fmt),
    // ws
    {"ws_subprotocol", [](Builder& b, const JValue& v, const std::string& p, Streamtype& st, std::size_t) {
       std::string ignored;
       b.read_string(v, p, SS_PLANTED("policy-subprotocol-ignored") ? &ignored : &st.ws_subprotocol);
     }},
    SS_BOOL(ws_binary),
    // server / sink
    SS_BOOL(local_sink),
    SS_BOOL(server),
    SS_REF(server_cert, RefKind::kServerCert),
    SS_REF(server_key, RefKind::kServerKey),
    {"options", [](Builder& b, const JValue& v, const std::string& p, Streamtype& st, std::size_t) { read_options(b, v, p, st); }},
    // mqtt
    SS_STR(mqtt_topic),
    SS_STR(mqtt_subscribe),
    SS_INT(mqtt_qos, 0, 2),
    SS_BOOL(mqtt_retain),
    SS_INT(mqtt_keep_alive, 0, kU16),
    SS_BOOL(mqtt_clean_start),
    SS_STR(mqtt_will_topic),
    SS_STR(mqtt_will_message),
    SS_INT(mqtt_will_qos, 0, 2),
    SS_BOOL(mqtt_will_retain),
    SS_STR(mqtt_birth_topic),
    SS_STR(mqtt_birth_message),
    SS_INT(mqtt_birth_qos, 0, 2),
    SS_BOOL(mqtt_birth_retain),
    SS_BOOL(aws_iot),
    // auth
    SS_REF(use_auth, RefKind::kAuth),
    SS_STR(aws_region),
    SS_STR(aws_service),
    {"plugins", [](Builder& b, const JValue&, const std::string& p, Streamtype&, std::size_t) {
       b.warn(p, "\"plugins\" is deprecated and ignored (as in libwebsockets)");
     }},
};

// Edit distance, for "did you mean" on an unknown key (keys are short).
std::size_t distance(std::string_view a, std::string_view b) {
  if (a.size() > 64 || b.size() > 64) return 99;
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string unknown_key_message(const std::string& key) {
  std::string msg = "unknown streamtype key \"" + escape_text(key) + "\" (libwebsockets ignores it)";
  if (key == "http_multipart_content_type") {
    return msg + "; expected http_mime_content_type (the libwebsockets README's name is wrong, "
                 "and libwebsockets silently ignores it)";
  }
  std::string_view best;
  std::size_t best_d = 3;
  for (const auto& k : kKeys) {
    const std::size_t d = distance(key, k.key);
    if (d < best_d) best_d = d, best = k.key;
  }
  if (!best.empty()) return msg + "; expected a streamtype key (docs/policy.md), did you mean \"" + std::string(best) + "\"?";
  return msg + "; expected a streamtype key (docs/policy.md lists them)";
}

// Every ${name} in `text` must name declared metadata.
void check_template(Builder& b, const Streamtype& st, const std::string& path, const std::string& text) {
  for (std::size_t at = text.find("${"); at != std::string::npos; at = text.find("${", at + 2)) {
    const std::size_t end = text.find('}', at + 2);
    if (end == std::string::npos) {
      b.error(path, "unterminated \"${\" at character " + std::to_string(at) + "; expected ${name}");
      return;
    }
    const std::string name = text.substr(at + 2, end - at - 2);
    if (!st.metadata_index(name)) {
      std::string names;
      for (const auto& m : st.metadata) names += (names.empty() ? "" : ", ") + m.name;
      b.error(path, "undefined metadata ${" + escape_text(name) + "}: expected a name declared in this "
                    "streamtype's metadata (" + (names.empty() ? "none are declared" : names) + ")");
    }
  }
}

}  // namespace

void Builder::streamtype_body(const JValue& body, const std::string& path, std::size_t st_index) {
  if (!expect_object(body, path)) return;
  for (const auto& [key, v] : body.members) {
    const std::string kp = join(path, key);
    const KeyDef* def = nullptr;
    for (const auto& k : kKeys) {
      if (k.key == key) def = &k;
    }
    if (!def) {
      // libwebsockets ignores keys it does not know; a policy written for it
      // must still load, so this is a warning (ss-policy lint shows it).
      warn(kp, unknown_key_message(key));
      continue;
    }
    def->fn(*this, v, kp, p_.streamtypes[st_index], st_index);
  }
}

void Builder::check_streamtype(std::size_t i) {
  const Streamtype& st = p_.streamtypes[i];
  const std::string& path = st_path_[i];
  const std::pair<const char*, const std::string*> templates[] = {
      {"endpoint", &st.endpoint},
      {"http_url", &st.http_url},
      {"mqtt_topic", &st.mqtt_topic},
      {"mqtt_subscribe", &st.mqtt_subscribe},
      {"mqtt_will_topic", &st.mqtt_will_topic},
      {"mqtt_will_message", &st.mqtt_will_message},
      {"mqtt_birth_topic", &st.mqtt_birth_topic},
      {"mqtt_birth_message", &st.mqtt_birth_message},
  };
  for (const auto& [key, text] : templates) check_template(*this, st, join(path, key), *text);
  for (const auto& [key, name] : {std::pair{"aws_region", &st.aws_region}, std::pair{"aws_service", &st.aws_service}}) {
    if (!name->empty() && !st.metadata_index(*name)) {
      error(join(path, key), "undefined metadata \"" + escape_text(*name) +
                                 "\": expected the name of a metadata entry of this streamtype");
    }
  }
  if (st.server && st.tls && !st.server_cert) {
    warn(path, "a TLS server without server_cert; libwebsockets fails to create it");
  }
  // The endpoint's scheme wins over "tls", as in libwebsockets; the engine
  // logs it at connect time too, for schemes that come from metadata
  // (docs/tls.md, "No silent downgrade").
  for (const char* scheme : {"http://", "ws://", "mqtt://"}) {
    if (st.tls && !st.server && st.endpoint.rfind(scheme, 0) == 0) {
      warn(join(path, "endpoint"), std::string("the scheme ") + scheme +
                                       " turns TLS off although \"tls\" is true: the stream connects without "
                                       "TLS (libwebsockets: the scheme wins); write " +
                                       (scheme[0] == 'h' ? "https://" : scheme[0] == 'w' ? "wss://" : "mqtts://") +
                                       " or drop the scheme");
    }
  }
}

}  // namespace ss::policy::detail
