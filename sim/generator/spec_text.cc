#include "sim/generator/spec_text.h"

#include <cstdint>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "runtime/policy/json_tree.h"

namespace ss::sim::gen {
namespace {

using Json = nlohmann::ordered_json;
using policy::JValue;

// --- enum names ------------------------------------------------------------

template <typename E>
struct Named {
  E value;
  const char* name;
};

constexpr Named<Proto> kProtos[] = {{Proto::kRaw, "raw"}, {Proto::kH1, "h1"}, {Proto::kWs, "ws"}};
constexpr Named<ServerKind> kServerKinds[] = {
    {ServerKind::kEcho, "echo"}, {ServerKind::kHttp, "http"}, {ServerKind::kWsEcho, "ws-echo"}};
constexpr Named<ServerTrouble> kTroubles[] = {{ServerTrouble::kNone, "none"},
                                              {ServerTrouble::kRefuse, "refuse"},
                                              {ServerTrouble::kBlackhole, "blackhole"},
                                              {ServerTrouble::kCloseEarly, "close-early"},
                                              {ServerTrouble::kSlow, "slow"}};
constexpr Named<MetadataSpec::Use> kUses[] = {
    {MetadataSpec::Use::kUrl, "url"}, {MetadataSpec::Use::kHeader, "header"}, {MetadataSpec::Use::kNone, "none"}};
constexpr Named<TxMode> kTxModes[] = {{TxMode::kRequestTx, "request_tx"}, {TxMode::kRequestTxLen, "request_tx_len"}};
constexpr Named<ReaderSpec::Kind> kReaderKinds[] = {{ReaderSpec::Kind::kFast, "fast"},
                                                    {ReaderSpec::Kind::kSlow, "slow"},
                                                    {ReaderSpec::Kind::kStall, "stall"},
                                                    {ReaderSpec::Kind::kStop, "stop"}};
constexpr Named<AnswerSpec::From> kFroms[] = {{AnswerSpec::From::kNone, "none"},
                                              {AnswerSpec::From::kRx, "rx"},
                                              {AnswerSpec::From::kTx, "tx"},
                                              {AnswerSpec::From::kState, "state"}};
constexpr Named<Endpoint::Kind> kEndpointKinds[] = {{Endpoint::Kind::kTcp, "tcp"},
                                                    {Endpoint::Kind::kUnixPath, "unix_path"},
                                                    {Endpoint::Kind::kUnixAbstract, "unix_abstract"}};
constexpr Named<FaultKind> kFaultKinds[] = {
    {FaultKind::kRefuse, "refuse"},
    {FaultKind::kBlackhole, "blackhole"},
    {FaultKind::kDnsNxdomain, "dns_nxdomain"},
    {FaultKind::kDnsTimeout, "dns_timeout"},
    {FaultKind::kReset, "reset"},
    {FaultKind::kHalfClose, "half_close"},
    {FaultKind::kStall, "stall"},
    {FaultKind::kClog, "clog"},
    {FaultKind::kPartitionOneWay, "partition_one_way"},
    {FaultKind::kPartitionTwoWay, "partition_two_way"},
    {FaultKind::kListenerRestart, "listener_restart"},
};

template <typename E, std::size_t N>
const char* name_of(const Named<E> (&table)[N], E value) {
  for (const auto& n : table)
    if (n.value == value) return n.name;
  return "?";
}

// "fast, slow, stall or stop"
template <typename E, std::size_t N>
std::string names_of(const Named<E> (&table)[N]) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i != 0) out += i + 1 == N ? " or " : ", ";
    out += table[i].name;
  }
  return out;
}

// --- writing ---------------------------------------------------------------

Json endpoint_json(const Endpoint& e) {
  Json j = Json::object();
  j["kind"] = name_of(kEndpointKinds, e.kind);
  j["host"] = e.host;
  j["port"] = e.port;
  j["path"] = e.path;
  return j;
}

Json fault_json(const FaultAction& a) {
  Json j = Json::object();
  j["at_us"] = a.at;
  j["kind"] = name_of(kFaultKinds, a.kind);
  j["host"] = a.host;
  j["peer_host"] = a.peer_host;
  j["endpoint"] = endpoint_json(a.endpoint);
  j["name"] = a.name;
  j["duration_us"] = a.duration;
  return j;
}

Json retry_json(const RetrySpec& r) {
  Json j = Json::object();
  j["backoff_ms"] = r.backoff_ms;
  j["conceal"] = r.conceal;
  j["jitter_percent"] = r.jitter_percent;
  return j;
}

Json server_json(const ServerSpec& s) {
  Json j = Json::object();
  j["host"] = s.host;
  j["port"] = s.port;
  j["kind"] = name_of(kServerKinds, s.kind);
  j["tls"] = s.tls;
  j["trouble"] = name_of(kTroubles, s.trouble);
  j["trouble_bytes"] = s.trouble_bytes;
  return j;
}

Json streamtype_json(const StreamtypeSpec& st) {
  Json j = Json::object();
  j["name"] = st.name;
  j["proto"] = name_of(kProtos, st.proto);
  j["server"] = st.server;
  j["tls"] = st.tls;
  j["retry"] = st.retry ? Json(*st.retry) : Json(nullptr);
  j["timeout_ms"] = st.timeout_ms;
  j["nailed_up"] = st.nailed_up;
  j["opportunistic"] = st.opportunistic;
  Json md = Json::array();
  for (const auto& m : st.metadata) {
    Json e = Json::object();
    e["name"] = m.name;
    e["use"] = name_of(kUses, m.use);
    e["header"] = m.header;
    md.push_back(std::move(e));
  }
  j["metadata"] = std::move(md);
  j["http_method"] = st.http_method;
  j["url"] = st.url;
  j["manual_initial_tx_credit"] = st.manual_initial_tx_credit;
  j["client_buflen"] = st.client_buflen;
  j["rxflow_on_above"] = st.rxflow_on_above;
  j["rxflow_off_below"] = st.rxflow_off_below;
  return j;
}

Json stream_json(const StreamSpec& s) {
  Json j = Json::object();
  j["streamtype"] = s.streamtype;
  j["via_proxy"] = s.via_proxy;
  j["start_at_us"] = s.start_at;
  j["end_at_us"] = s.end_at;
  j["tx_mode"] = name_of(kTxModes, s.tx_mode);
  j["messages"] = s.messages;
  j["download"] = s.download;
  Json md = Json::array();
  for (const auto& m : s.metadata) {
    Json e = Json::object();
    e["at_us"] = m.at;
    e["name"] = m.name;
    e["value"] = m.value;
    md.push_back(std::move(e));
  }
  j["metadata"] = std::move(md);
  Json r = Json::object();
  r["kind"] = name_of(kReaderKinds, s.reader.kind);
  r["read_for_us"] = s.reader.read_for;
  r["pause_for_us"] = s.reader.pause_for;
  r["stall_at_us"] = s.reader.stall_at;
  r["stall_for_us"] = s.reader.stall_for;
  r["credit_step"] = s.reader.credit_step;
  j["reader"] = std::move(r);
  Json a = Json::object();
  a["disconnect_from"] = name_of(kFroms, s.answers.disconnect_from);
  a["disconnect_state"] = s.answers.disconnect_state;
  a["disconnect_every"] = s.answers.disconnect_every;
  a["destroy_from"] = name_of(kFroms, s.answers.destroy_from);
  a["destroy_state"] = s.answers.destroy_state;
  a["destroy_at"] = s.answers.destroy_at;
  j["answers"] = std::move(a);
  j["again_after_arf_us"] = s.again_after_arf;
  return j;
}

// --- reading ---------------------------------------------------------------

// The first error wins; every later read is a no-op once there is one.
struct ReadState {
  std::string error;
  bool failed() const { return !error.empty(); }
  void fail(const std::string& path, const std::string& what) {
    if (error.empty()) error = path + ": " + what;
  }
};

std::string quoted(const std::string& s) {
  const std::string cut = s.size() > 40 ? s.substr(0, 40) + "..." : s;
  return "'" + cut + "'";
}

// One JSON object being read: each field is taken once by name; finish()
// reports a key that nothing took (a typo) or that appears twice.
class ObjectReader {
 public:
  ObjectReader(const JValue& v, std::string path, ReadState& st) : v_(v), path_(std::move(path)), st_(st) {
    if (!v.is_object()) st_.fail(path_, "expected an object, got " + policy::describe(v));
  }

  const JValue* take(const char* key) {
    if (st_.failed() || !v_.is_object()) return nullptr;
    taken_.insert(key);
    for (const auto& m : v_.members)
      if (m.first == key) return &m.second;
    return nullptr;
  }
  std::string at(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  template <typename T>
  void integer(const char* key, T* out) {
    const JValue* v = take(key);
    if (v) read_integer(*v, at(key), out, st_);
  }
  void boolean(const char* key, bool* out) {
    const JValue* v = take(key);
    if (!v) return;
    if (v->kind != JValue::Kind::kBool) return st_.fail(at(key), "expected true or false, got " + policy::describe(*v));
    *out = v->boolean;
  }
  void text(const char* key, std::string* out) {
    const JValue* v = take(key);
    if (!v) return;
    if (!v->is_string()) return st_.fail(at(key), "expected a string, got " + policy::describe(*v));
    *out = v->text;
  }
  template <typename E, std::size_t N>
  void name(const char* key, const Named<E> (&table)[N], E* out) {
    const JValue* v = take(key);
    if (!v) return;
    read_name(*v, at(key), table, out, st_);
  }
  // Calls each(item, path) for every element of the array `key`.
  template <typename F>
  void array(const char* key, F each) {
    const JValue* v = take(key);
    if (!v) return;
    if (!v->is_array()) return st_.fail(at(key), "expected an array, got " + policy::describe(*v));
    for (std::size_t i = 0; i < v->items.size() && !st_.failed(); ++i) {
      each(v->items[i], at(key) + "[" + std::to_string(i) + "]");
    }
  }

  void finish() {
    if (st_.failed() || !v_.is_object()) return;
    std::set<std::string> seen;
    for (const auto& m : v_.members) {
      if (!seen.insert(m.first).second) return st_.fail(at(m.first), "appears twice");
      if (!taken_.count(m.first)) return st_.fail(at(m.first), "unknown key");
    }
  }

  template <typename T>
  static void read_integer(const JValue& v, const std::string& path, T* out, ReadState& st) {
    static_assert(std::is_integral_v<T>);
    using L = std::numeric_limits<T>;
    if (v.kind == JValue::Kind::kUint) {
      if (v.uinteger > static_cast<std::uint64_t>(L::max())) {
        return st.fail(path, std::to_string(v.uinteger) + " is above " + std::to_string(L::max()));
      }
      *out = static_cast<T>(v.uinteger);
    } else if (v.kind == JValue::Kind::kInt) {
      if constexpr (std::is_unsigned_v<T>) {
        return st.fail(path, std::to_string(v.integer) + " is negative");
      } else {
        if (v.integer < static_cast<std::int64_t>(L::min())) {
          return st.fail(path, std::to_string(v.integer) + " is below " + std::to_string(L::min()));
        }
        *out = static_cast<T>(v.integer);
      }
    } else {
      st.fail(path, "expected an integer, got " + policy::describe(v));
    }
  }

  template <typename E, std::size_t N>
  static void read_name(const JValue& v, const std::string& path, const Named<E> (&table)[N], E* out,
                        ReadState& st) {
    if (!v.is_string()) return st.fail(path, "expected a string, got " + policy::describe(v));
    for (const auto& n : table) {
      if (v.text == n.name) {
        *out = n.value;
        return;
      }
    }
    st.fail(path, "unknown value " + quoted(v.text) + " (expected " + names_of(table) + ")");
  }

 private:
  const JValue& v_;
  std::string path_;
  ReadState& st_;
  std::set<std::string> taken_;
};

template <typename T>
void integer_array(ObjectReader& r, const char* key, std::vector<T>* out, ReadState& st) {
  out->clear();
  r.array(key, [&](const JValue& v, const std::string& path) {
    T x{};
    ObjectReader::read_integer(v, path, &x, st);
    out->push_back(x);
  });
}

Endpoint read_endpoint(const JValue& v, const std::string& path, ReadState& st) {
  Endpoint e;
  ObjectReader r(v, path, st);
  r.name("kind", kEndpointKinds, &e.kind);
  r.text("host", &e.host);
  r.integer("port", &e.port);
  r.text("path", &e.path);
  r.finish();
  return e;
}

FaultAction read_fault(const JValue& v, const std::string& path, ReadState& st) {
  FaultAction a;
  ObjectReader r(v, path, st);
  r.integer("at_us", &a.at);
  r.name("kind", kFaultKinds, &a.kind);
  r.text("host", &a.host);
  r.text("peer_host", &a.peer_host);
  if (const JValue* e = r.take("endpoint")) a.endpoint = read_endpoint(*e, r.at("endpoint"), st);
  r.text("name", &a.name);
  r.integer("duration_us", &a.duration);
  r.finish();
  return a;
}

RetrySpec read_retry(const JValue& v, const std::string& path, ReadState& st) {
  RetrySpec s;
  ObjectReader r(v, path, st);
  integer_array(r, "backoff_ms", &s.backoff_ms, st);
  r.integer("conceal", &s.conceal);
  r.integer("jitter_percent", &s.jitter_percent);
  r.finish();
  return s;
}

ServerSpec read_server(const JValue& v, const std::string& path, ReadState& st) {
  ServerSpec s;
  ObjectReader r(v, path, st);
  r.text("host", &s.host);
  r.integer("port", &s.port);
  r.name("kind", kServerKinds, &s.kind);
  r.boolean("tls", &s.tls);
  r.name("trouble", kTroubles, &s.trouble);
  r.integer("trouble_bytes", &s.trouble_bytes);
  r.finish();
  return s;
}

StreamtypeSpec read_streamtype(const JValue& v, const std::string& path, ReadState& st) {
  StreamtypeSpec s;
  ObjectReader r(v, path, st);
  r.text("name", &s.name);
  r.name("proto", kProtos, &s.proto);
  r.integer("server", &s.server);
  r.boolean("tls", &s.tls);
  if (const JValue* retry = r.take("retry"); retry && retry->kind != JValue::Kind::kNull) {
    std::size_t index = 0;
    ObjectReader::read_integer(*retry, r.at("retry"), &index, st);
    s.retry = index;
  }
  r.integer("timeout_ms", &s.timeout_ms);
  r.boolean("nailed_up", &s.nailed_up);
  r.boolean("opportunistic", &s.opportunistic);
  r.array("metadata", [&](const JValue& item, const std::string& at) {
    MetadataSpec m;
    ObjectReader mr(item, at, st);
    mr.text("name", &m.name);
    mr.name("use", kUses, &m.use);
    mr.text("header", &m.header);
    mr.finish();
    s.metadata.push_back(std::move(m));
  });
  r.text("http_method", &s.http_method);
  r.text("url", &s.url);
  r.integer("manual_initial_tx_credit", &s.manual_initial_tx_credit);
  r.integer("client_buflen", &s.client_buflen);
  r.integer("rxflow_on_above", &s.rxflow_on_above);
  r.integer("rxflow_off_below", &s.rxflow_off_below);
  r.finish();
  return s;
}

StreamSpec read_stream(const JValue& v, const std::string& path, ReadState& st) {
  StreamSpec s;
  ObjectReader r(v, path, st);
  r.integer("streamtype", &s.streamtype);
  r.boolean("via_proxy", &s.via_proxy);
  r.integer("start_at_us", &s.start_at);
  r.integer("end_at_us", &s.end_at);
  r.name("tx_mode", kTxModes, &s.tx_mode);
  integer_array(r, "messages", &s.messages, st);
  r.integer("download", &s.download);
  r.array("metadata", [&](const JValue& item, const std::string& at) {
    MetadataSet m;
    ObjectReader mr(item, at, st);
    mr.integer("at_us", &m.at);
    mr.text("name", &m.name);
    mr.text("value", &m.value);
    mr.finish();
    s.metadata.push_back(std::move(m));
  });
  if (const JValue* reader = r.take("reader")) {
    ObjectReader rr(*reader, r.at("reader"), st);
    rr.name("kind", kReaderKinds, &s.reader.kind);
    rr.integer("read_for_us", &s.reader.read_for);
    rr.integer("pause_for_us", &s.reader.pause_for);
    rr.integer("stall_at_us", &s.reader.stall_at);
    rr.integer("stall_for_us", &s.reader.stall_for);
    rr.integer("credit_step", &s.reader.credit_step);
    rr.finish();
  }
  if (const JValue* answers = r.take("answers")) {
    ObjectReader ar(*answers, r.at("answers"), st);
    ar.name("disconnect_from", kFroms, &s.answers.disconnect_from);
    ar.integer("disconnect_state", &s.answers.disconnect_state);
    ar.integer("disconnect_every", &s.answers.disconnect_every);
    ar.name("destroy_from", kFroms, &s.answers.destroy_from);
    ar.integer("destroy_state", &s.answers.destroy_state);
    ar.integer("destroy_at", &s.answers.destroy_at);
    ar.finish();
  }
  r.integer("again_after_arf_us", &s.again_after_arf);
  r.finish();
  return s;
}

WorldSpec read_world(const JValue& root, ReadState& st) {
  WorldSpec w;
  ObjectReader r(root, "", st);
  if (st.failed()) return w;
  const JValue* tag = r.take("ss-sim-world");
  if (!tag) {
    st.fail("ss-sim-world", "missing: not an ss-sim world file (expected \"ss-sim-world\": " +
                                std::to_string(kWorldSpecFormat) + ")");
    return w;
  }
  int format = 0;
  ObjectReader::read_integer(*tag, "ss-sim-world", &format, st);
  if (!st.failed() && format != kWorldSpecFormat) {
    st.fail("ss-sim-world", "format " + std::to_string(format) + " is not supported (expected " +
                                std::to_string(kWorldSpecFormat) + ")");
  }
  r.integer("seed", &w.seed);
  r.integer("latency_us", &w.latency);
  r.integer("max_segment", &w.max_segment);
  r.boolean("buggify", &w.buggify);
  r.array("swarm", [&](const JValue& v, const std::string& path) {
    FaultKind k{};
    ObjectReader::read_name(v, path, kFaultKinds, &k, st);
    w.swarm.push_back(k);
  });
  r.array("faults", [&](const JValue& v, const std::string& path) { w.faults.actions.push_back(read_fault(v, path, st)); });
  r.array("retries", [&](const JValue& v, const std::string& path) { w.retries.push_back(read_retry(v, path, st)); });
  r.array("servers", [&](const JValue& v, const std::string& path) { w.servers.push_back(read_server(v, path, st)); });
  r.array("streamtypes",
          [&](const JValue& v, const std::string& path) { w.streamtypes.push_back(read_streamtype(v, path, st)); });
  r.boolean("proxy", &w.proxy);
  r.array("streams", [&](const JValue& v, const std::string& path) { w.streams.push_back(read_stream(v, path, st)); });
  r.finish();
  return w;
}

}  // namespace

std::string world_spec_to_text(const WorldSpec& spec) {
  Json j = Json::object();
  j["ss-sim-world"] = kWorldSpecFormat;
  j["seed"] = spec.seed;
  j["latency_us"] = spec.latency;
  j["max_segment"] = spec.max_segment;
  j["buggify"] = spec.buggify;
  Json swarm = Json::array();
  for (FaultKind k : spec.swarm) swarm.push_back(name_of(kFaultKinds, k));
  j["swarm"] = std::move(swarm);
  Json faults = Json::array();
  for (const auto& a : spec.faults.actions) faults.push_back(fault_json(a));
  j["faults"] = std::move(faults);
  Json retries = Json::array();
  for (const auto& r : spec.retries) retries.push_back(retry_json(r));
  j["retries"] = std::move(retries);
  Json servers = Json::array();
  for (const auto& s : spec.servers) servers.push_back(server_json(s));
  j["servers"] = std::move(servers);
  Json streamtypes = Json::array();
  for (const auto& st : spec.streamtypes) streamtypes.push_back(streamtype_json(st));
  j["streamtypes"] = std::move(streamtypes);
  j["proxy"] = spec.proxy;
  Json streams = Json::array();
  for (const auto& s : spec.streams) streams.push_back(stream_json(s));
  j["streams"] = std::move(streams);
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Result<WorldSpec> world_spec_from_text(std::string_view text) {
  policy::JsonLimits limits;
  limits.max_bytes = 16u << 20;
  limits.max_values = 1u << 22;
  limits.max_depth = 16;
  Result<JValue> tree = policy::parse_json_tree(text, limits);
  if (!tree) return tree.error();
  ReadState st;
  WorldSpec spec = read_world(*tree, st);
  if (st.failed()) return make_error(ErrorCode::kParse, st.error);
  if (std::string bad = validate(spec); !bad.empty()) return make_error(ErrorCode::kInvalidArgument, bad);
  return spec;
}

Result<WorldSpec> load_world_spec(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, path + ": cannot read the file");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return make_error(ErrorCode::kIo, path + ": cannot read the file");
  Result<WorldSpec> spec = world_spec_from_text(buf.str());
  if (!spec) return make_error(spec.error().code(), path + ": " + spec.error().message());
  return spec;
}

Error save_world_spec(const std::string& path, const WorldSpec& spec) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << world_spec_to_text(spec);
  out.close();
  if (!out) return make_error(ErrorCode::kIo, path + ": cannot write the file");
  return Error::ok_value();
}

}  // namespace ss::sim::gen
