// Policy: the immutable, typed form of a Secure Streams JSON policy.
//
// parse_policy() (parse.h) builds one from JSON text written for
// libwebsockets, validates it, and never changes it afterwards; streams hold
// a shared_ptr<const Policy>. Every key of docs/policy.md has a field here; keys
// that libwebsockets parses but never acts on are kept (so `ss-policy show`
// round-trips them) and documented as such in docs/policy.md.
//
// Names (retry, cert, trust store, auth, streamtype) are resolved at parse
// time into indices into the vectors below, so nothing looks a name up on a
// hot path and a dangling reference cannot exist.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ss::policy {

// Protocol of a streamtype; values are lws HEAD's LWSSSP_* (docs/secure-streams.md §1.4).
enum class Protocol : std::uint8_t { kH1 = 0, kH2 = 1, kH3 = 2, kWs = 3, kMqtt = 4, kRaw = 5 };
const char* protocol_name(Protocol protocol);  // "h1", "h2", ...

// LWSSSPOLF_* bits, for code that wants lws's flag word (static policies,
// the proxy). Streamtype also has one bool per flag.
enum PolicyFlag : std::uint32_t {
  kFlagOpportunistic = 1u << 0,
  kFlagNailedUp = 1u << 1,
  kFlagUrgentTx = 1u << 2,
  kFlagUrgentRx = 1u << 3,
  kFlagTls = 1u << 4,
  kFlagLongPoll = 1u << 5,
  kFlagAuthBearer = 1u << 6,
  kFlagHttpNoContentLength = 1u << 7,
  kFlagQuirkNghttp2EndStream = 1u << 8,
  kFlagH2QuirkOverflowsTxcr = 1u << 9,
  kFlagH2QuirkUncleanHpackState = 1u << 10,
  kFlagHttpMultipart = 1u << 11,
  kFlagHttpWwwFormUrlencoded = 1u << 12,
  kFlagLocalSink = 1u << 13,
  kFlagWakeSuspendValidity = 1u << 14,
  kFlagServer = 1u << 15,
  kFlagAllowRedirects = 1u << 16,
  kFlagHttpMultipartIn = 1u << 17,
  kFlagAttrLowLatency = 1u << 18,
  kFlagAttrHighThroughput = 1u << 19,
  kFlagAttrHighReliability = 1u << 20,
  kFlagAttrLowCost = 1u << 21,
  kFlagPerf = 1u << 22,
  kFlagDirectProtoStr = 1u << 23,
  kFlagHttpCookies = 1u << 24,
  kFlagPrioritizeReads = 1u << 25,
};

// `retry[].<name>` (docs/secure-streams.md §1.3).
struct RetryPolicy {
  static constexpr std::uint16_t kConcealForever = 65535;
  static constexpr std::size_t kMaxBackoffEntries = 8;

  std::string name;
  std::vector<std::uint32_t> backoff_ms;  // at most 8; empty = 3000 ms each try
  std::uint16_t conceal = 0;              // failures hidden before ALL_RETRIES_FAILED
  std::uint8_t jitter_percent = 0;        // as written; 0 means 30 (effective_jitter)
  std::uint16_t secs_since_valid_ping = 0;
  std::uint16_t secs_since_valid_hangup = 0;

  std::uint8_t effective_jitter_percent() const { return jitter_percent ? jitter_percent : 30; }
  friend bool operator==(const RetryPolicy&, const RetryPolicy&) = default;
};

// `certs[]`: one named DER blob (a certificate, or a key for server_key).
struct Cert {
  std::string name;
  std::vector<std::uint8_t> der;
  bool is_certificate = true;  // false when the DER parsed as a private key
  friend bool operator==(const Cert&, const Cert&) = default;
};

// `trust_stores[]`: a named stack of 1..6 certs (indices into Policy::certs).
struct TrustStore {
  static constexpr std::size_t kMaxStack = 6;
  std::string name;
  std::vector<std::size_t> certs;
  friend bool operator==(const TrustStore&, const TrustStore&) = default;
};

// `auth[]` (docs/secure-streams.md §1.5).
struct Auth {
  std::string name;
  std::string type;        // e.g. "sigv4"
  std::string streamtype;  // streamtype that refreshes the credential
  int blob = 0;            // 0..3
  friend bool operator==(const Auth&, const Auth&) = default;
};

// `metrics[]`.
struct Metric {
  std::string name;
  std::uint64_t us_schedule = 0;
  std::uint64_t us_halflife = 0;
  std::uint32_t min_outlier = 0;
  std::string report;
  friend bool operator==(const Metric&, const Metric&) = default;
};

// One `metadata` entry: a name and, optionally, the HTTP header it maps to.
struct MetadataDecl {
  std::string name;
  std::string header;  // "" = plain variable; else e.g. "content-type:" as written
  friend bool operator==(const MetadataDecl&, const MetadataDecl&) = default;
};

// `s[].<streamtype>` (docs/secure-streams.md §1.4). Defaults are those of libwebsockets.
struct Streamtype {
  std::string name;

  // connection
  std::string endpoint;  // may hold ${md}; "+path" / "+@name" for unix sockets
  std::uint16_t port = 0;
  Protocol protocol = Protocol::kH1;
  std::string via_socks5;  // parsed, unused (as in lws)
  bool tls = false;
  int client_cert = 0;  // system blob index + 1; 0 = none
  std::optional<std::size_t> trust_store;  // index into Policy::trust_stores
  std::optional<std::size_t> retry;        // index into Policy::retries
  std::uint32_t timeout_ms = 0;            // default for start_timeout(0)
  bool opportunistic = false;
  bool nailed_up = false;
  bool allow_redirects = false;
  bool urgent_tx = false;
  bool urgent_rx = false;
  bool long_poll = false;
  bool perf = false;
  bool swake_validity = false;
  bool direct_proto_str = false;
  bool ws_prioritize_reads = false;
  int attr_priority = 0;  // 0..7
  bool attr_low_latency = false;
  bool attr_high_throughput = false;
  bool attr_high_reliability = false;
  bool attr_low_cost = false;

  // proxy buffers
  std::uint32_t proxy_buflen = 0;  // 0 = 32768
  std::uint32_t proxy_buflen_rxflow_on_above = 0;
  std::uint32_t proxy_buflen_rxflow_off_below = 0;
  std::uint32_t client_buflen = 0;  // 0 = 32768
  std::uint32_t client_buflen_rxflow_on_above = 0;  // parsed, unused (as in lws)
  std::uint32_t client_buflen_rxflow_off_below = 0;

  std::vector<MetadataDecl> metadata;  // at most 255, names unique

  // http
  std::string http_method;
  std::string http_url;  // no leading '/'; may hold ${md}
  int http_expect = 0;   // 0 = any 2xx is success
  bool http_fail_redirect = false;
  std::vector<std::pair<int, int>> http_resp_map;  // status -> state; at most 16
  std::string http_auth_header;
  std::string http_dsn_header;
  std::string http_fwv_header;
  std::string http_devtype_header;
  std::string http_auth_preamble;
  bool http_no_content_length = false;
  bool nghttp2_quirk_end_stream = false;
  bool h2q_oflow_txcr = false;
  std::string http_multipart_name;
  std::string http_multipart_filename;
  std::string http_mime_content_type;
  bool http_www_form_urlencoded = false;
  bool http_cookies = false;
  bool http_multipart_ss_in = false;

  std::optional<std::size_t> rideshare;  // index into Policy::streamtypes
  std::string payload_fmt;

  // ws
  std::string ws_subprotocol;
  bool ws_binary = false;

  // server / sink
  bool local_sink = false;
  bool server = false;
  std::optional<std::size_t> server_cert;  // index into Policy::certs
  std::optional<std::size_t> server_key;   // index into Policy::certs
  std::vector<std::pair<std::string, std::string>> options;

  // mqtt
  std::string mqtt_topic;
  std::string mqtt_subscribe;
  int mqtt_qos = 0;
  bool mqtt_retain = false;
  std::uint16_t mqtt_keep_alive = 0;
  bool mqtt_clean_start = false;
  std::string mqtt_will_topic;
  std::string mqtt_will_message;
  int mqtt_will_qos = 0;
  bool mqtt_will_retain = false;
  std::string mqtt_birth_topic;
  std::string mqtt_birth_message;
  int mqtt_birth_qos = 0;
  bool mqtt_birth_retain = false;
  bool aws_iot = false;

  // auth
  std::optional<std::size_t> use_auth;  // index into Policy::auths
  std::string aws_region;   // metadata names used for sigv4
  std::string aws_service;

  bool http_multipart() const {
    return !http_multipart_name.empty() || !http_multipart_filename.empty();
  }
  std::uint32_t flags() const;  // LWSSSPOLF_* word
  // Index of a declared metadata name, or nullopt.
  std::optional<std::size_t> metadata_index(std::string_view md_name) const;

  friend bool operator==(const Streamtype&, const Streamtype&) = default;
};

struct Policy {
  std::string release;
  std::string product;
  int schema_version = 0;
  std::string via_socks5;  // global "addr:port"

  std::vector<RetryPolicy> retries;
  std::vector<Cert> certs;
  std::vector<TrustStore> trust_stores;
  std::vector<Auth> auths;
  std::vector<Metric> metrics;
  std::vector<Streamtype> streamtypes;  // in the order the JSON gave them

  const Streamtype* find_streamtype(std::string_view name) const;
  // `st`, then the streamtypes its `rideshare` chain goes on with, in order:
  // the parts of one transaction (docs/secure-streams.md §4.2). The parser
  // rejects loops; a hand-built looping chain stops at the first repeat.
  std::vector<const Streamtype*> rideshare_chain(const Streamtype& st) const;
  const RetryPolicy* retry_of(const Streamtype& st) const {
    return st.retry ? &retries[*st.retry] : nullptr;
  }

  friend bool operator==(const Policy&, const Policy&) = default;
};

}  // namespace ss::policy
