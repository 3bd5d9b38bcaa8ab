#include "sim/generator/spec_text.h"

#include <array>
#include <concepts>
#include <iterator>
#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <type_traits>
#include <vector>

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

// An enum with a name function (world_spec.h, sim/faults.h) takes its
// names from it, so each value has one spelling.
template <typename E, std::size_t N>
std::array<Named<E>, N> named(const char* (*name)(E), const E (&values)[N]) {
  std::array<Named<E>, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = {values[i], name(values[i])};
  return out;
}

const auto kProtos = named(proto_name, {Proto::kRaw, Proto::kH1, Proto::kWs});
const auto kServerKinds = named(server_kind_name, {ServerKind::kEcho, ServerKind::kHttp, ServerKind::kWsEcho});
const auto kTroubles = named(server_trouble_name, {ServerTrouble::kNone, ServerTrouble::kRefuse, ServerTrouble::kBlackhole,
                                                   ServerTrouble::kCloseEarly, ServerTrouble::kSlow});
constexpr Named<MetadataSpec::Use> kUses[] = {
    {MetadataSpec::Use::kUrl, "url"}, {MetadataSpec::Use::kHeader, "header"}, {MetadataSpec::Use::kNone, "none"}};
constexpr Named<TxMode> kTxModes[] = {{TxMode::kRequestTx, "request_tx"}, {TxMode::kRequestTxLen, "request_tx_len"}};
const auto kApis = named(api_name, {Api::kEngine, Api::kCApi});
const auto kReaderKinds = named(reader_kind_name, {ReaderSpec::Kind::kFast, ReaderSpec::Kind::kSlow,
                                                   ReaderSpec::Kind::kStall, ReaderSpec::Kind::kStop});
constexpr Named<AnswerSpec::From> kFroms[] = {{AnswerSpec::From::kNone, "none"},
                                              {AnswerSpec::From::kRx, "rx"},
                                              {AnswerSpec::From::kTx, "tx"},
                                              {AnswerSpec::From::kState, "state"}};
constexpr Named<Endpoint::Kind> kEndpointKinds[] = {{Endpoint::Kind::kTcp, "tcp"},
                                                    {Endpoint::Kind::kUnixPath, "unix_path"},
                                                    {Endpoint::Kind::kUnixAbstract, "unix_abstract"}};
const auto kFaultKinds = named(fault_kind_name, {FaultKind::kRefuse, FaultKind::kBlackhole, FaultKind::kDnsNxdomain,
                                                 FaultKind::kDnsTimeout, FaultKind::kReset, FaultKind::kHalfClose,
                                                 FaultKind::kStall, FaultKind::kClog, FaultKind::kPartitionOneWay,
                                                 FaultKind::kPartitionTwoWay, FaultKind::kListenerRestart});

// A table is a Named<E>[N] or a std::array of them.
template <typename Table, typename E>
const char* name_of(const Table& table, E value) {
  for (const auto& n : table)
    if (n.value == value) return n.name;
  return "?";
}

// "fast, slow, stall or stop"
template <typename Table>
std::string names_of(const Table& table) {
  const std::size_t N = std::size(table);
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i != 0) out += i + 1 == N ? " or " : ", ";
    out += table[i].name;
  }
  return out;
}

// --- one field list per object --------------------------------------------

// fields(v, x) names each key of x's JSON object once, in the order it is
// written; the writer (JsonWriter) and the reader (ObjectReader) both walk
// it, so each object's format is written down once. x is const when
// writing, so each overload takes any S that is T or const T.
template <typename S, typename T>
concept Is = std::same_as<std::remove_const_t<S>, T>;

template <typename V, Is<Endpoint> S>
void fields(V& v, S& e) {
  v.name("kind", kEndpointKinds, e.kind);
  v.text("host", e.host);
  v.integer("port", e.port);
  v.text("path", e.path);
}

template <typename V, Is<FaultAction> S>
void fields(V& v, S& a) {
  v.integer("at_us", a.at);
  v.name("kind", kFaultKinds, a.kind);
  v.text("host", a.host);
  v.text("peer_host", a.peer_host);
  v.object("endpoint", a.endpoint);
  v.text("name", a.name);
  v.integer("duration_us", a.duration);
}

template <typename V, Is<RetrySpec> S>
void fields(V& v, S& r) {
  v.integers("backoff_ms", r.backoff_ms);
  v.integer("conceal", r.conceal);
  v.integer("jitter_percent", r.jitter_percent);
}

template <typename V, Is<ServerSpec> S>
void fields(V& v, S& s) {
  v.text("host", s.host);
  v.integer("port", s.port);
  v.name("kind", kServerKinds, s.kind);
  v.boolean("tls", s.tls);
  v.name("trouble", kTroubles, s.trouble);
  v.integer("trouble_bytes", s.trouble_bytes);
}

template <typename V, Is<MetadataSpec> S>
void fields(V& v, S& m) {
  v.text("name", m.name);
  v.name("use", kUses, m.use);
  v.text("header", m.header);
}

template <typename V, Is<StreamtypeSpec> S>
void fields(V& v, S& st) {
  v.text("name", st.name);
  v.name("proto", kProtos, st.proto);
  v.integer("server", st.server);
  v.boolean("tls", st.tls);
  v.optional_integer("retry", st.retry);
  v.integer("timeout_ms", st.timeout_ms);
  v.boolean("nailed_up", st.nailed_up);
  v.boolean("opportunistic", st.opportunistic);
  v.objects("metadata", st.metadata);
  v.text("http_method", st.http_method);
  v.text("url", st.url);
  v.integer("manual_initial_tx_credit", st.manual_initial_tx_credit);
  v.integer("client_buflen", st.client_buflen);
  v.integer("rxflow_on_above", st.rxflow_on_above);
  v.integer("rxflow_off_below", st.rxflow_off_below);
}

template <typename V, Is<MetadataSet> S>
void fields(V& v, S& m) {
  v.integer("at_us", m.at);
  v.text("name", m.name);
  v.text("value", m.value);
}

template <typename V, Is<ReaderSpec> S>
void fields(V& v, S& r) {
  v.name("kind", kReaderKinds, r.kind);
  v.integer("read_for_us", r.read_for);
  v.integer("pause_for_us", r.pause_for);
  v.integer("stall_at_us", r.stall_at);
  v.integer("stall_for_us", r.stall_for);
  v.integer("credit_step", r.credit_step);
}

template <typename V, Is<AnswerSpec> S>
void fields(V& v, S& a) {
  v.name("disconnect_from", kFroms, a.disconnect_from);
  v.integer("disconnect_state", a.disconnect_state);
  v.integer("disconnect_every", a.disconnect_every);
  v.name("destroy_from", kFroms, a.destroy_from);
  v.integer("destroy_state", a.destroy_state);
  v.integer("destroy_at", a.destroy_at);
}

template <typename V, Is<TimeoutSpec> S>
void fields(V& v, S& t) {
  v.integer("arm_at_us", t.arm_at);
  v.integer("ms", t.ms);
  v.integer("rearm_after_us", t.rearm_after);
  v.integer("cancel_after_us", t.cancel_after);
}

template <typename V, Is<StreamSpec> S>
void fields(V& v, S& s) {
  v.integer("streamtype", s.streamtype);
  v.boolean("via_proxy", s.via_proxy);
  v.name("api", kApis, s.api);
  v.integer("start_at_us", s.start_at);
  v.integer("end_at_us", s.end_at);
  v.name("tx_mode", kTxModes, s.tx_mode);
  v.integers("messages", s.messages);
  v.integer("download", s.download);
  v.objects("metadata", s.metadata);
  v.object("reader", s.reader);
  v.object("answers", s.answers);
  v.object("timeout", s.timeout);
  v.integer("again_after_arf_us", s.again_after_arf);
}

// Every key after the format tag "ss-sim-world".
template <typename V, Is<WorldSpec> S>
void fields(V& v, S& w) {
  v.integer("seed", w.seed);
  v.integer("latency_us", w.latency);
  v.integer("max_segment", w.max_segment);
  v.boolean("buggify", w.buggify);
  v.names("swarm", kFaultKinds, w.swarm);
  v.objects("faults", w.faults.actions);
  v.objects("retries", w.retries);
  v.objects("servers", w.servers);
  v.objects("streamtypes", w.streamtypes);
  v.boolean("proxy", w.proxy);
  v.objects("streams", w.streams);
}

// --- writing ---------------------------------------------------------------

class JsonWriter {
 public:
  Json j = Json::object();

  template <typename T>
  void integer(const char* key, const T& x) {
    j[key] = x;
  }
  void boolean(const char* key, bool x) { j[key] = x; }
  void text(const char* key, const std::string& x) { j[key] = x; }
  template <typename Table, typename E>
  void name(const char* key, const Table& table, E x) {
    j[key] = name_of(table, x);
  }
  template <typename T>
  void optional_integer(const char* key, const std::optional<T>& x) {
    j[key] = x ? Json(*x) : Json(nullptr);
  }
  template <typename T>
  void integers(const char* key, const std::vector<T>& xs) {
    j[key] = xs;
  }
  template <typename Table, typename E>
  void names(const char* key, const Table& table, const std::vector<E>& xs) {
    Json a = Json::array();
    for (E x : xs) a.push_back(name_of(table, x));
    j[key] = std::move(a);
  }
  template <typename S>
  void object(const char* key, const S& x) {
    j[key] = json_of(x);
  }
  template <typename S>
  void objects(const char* key, const std::vector<S>& xs) {
    Json a = Json::array();
    for (const S& x : xs) a.push_back(json_of(x));
    j[key] = std::move(a);
  }

  template <typename S>
  static Json json_of(const S& x) {
    JsonWriter w;
    fields(w, x);
    return std::move(w.j);
  }
};

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
  void integer(const char* key, T& out) {
    const JValue* v = take(key);
    if (v) read_integer(*v, at(key), &out, st_);
  }
  void boolean(const char* key, bool& out) {
    const JValue* v = take(key);
    if (!v) return;
    if (v->kind != JValue::Kind::kBool) return st_.fail(at(key), "expected true or false, got " + policy::describe(*v));
    out = v->boolean;
  }
  void text(const char* key, std::string& out) {
    const JValue* v = take(key);
    if (!v) return;
    if (!v->is_string()) return st_.fail(at(key), "expected a string, got " + policy::describe(*v));
    out = v->text;
  }
  template <typename Table, typename E>
  void name(const char* key, const Table& table, E& out) {
    const JValue* v = take(key);
    if (!v) return;
    read_name(*v, at(key), table, &out, st_);
  }
  // null (or no key) leaves `out` as it is.
  template <typename T>
  void optional_integer(const char* key, std::optional<T>& out) {
    const JValue* v = take(key);
    if (!v || v->kind == JValue::Kind::kNull) return;
    T x{};
    read_integer(*v, at(key), &x, st_);
    out = x;
  }
  // The arrays replace what `out` held.
  template <typename T>
  void integers(const char* key, std::vector<T>& out) {
    out.clear();
    array(key, [&](const JValue& v, const std::string& path) {
      T x{};
      read_integer(v, path, &x, st_);
      out.push_back(x);
    });
  }
  template <typename Table, typename E>
  void names(const char* key, const Table& table, std::vector<E>& out) {
    out.clear();
    array(key, [&](const JValue& v, const std::string& path) {
      E x{};
      read_name(v, path, table, &x, st_);
      out.push_back(x);
    });
  }
  template <typename S>
  void object(const char* key, S& out) {
    if (const JValue* v = take(key)) read_object(*v, at(key), out);
  }
  template <typename S>
  void objects(const char* key, std::vector<S>& out) {
    out.clear();
    array(key, [&](const JValue& v, const std::string& path) {
      S x{};
      read_object(v, path, x);
      out.push_back(std::move(x));
    });
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

  template <typename Table, typename E>
  static void read_name(const JValue& v, const std::string& path, const Table& table, E* out, ReadState& st) {
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
  template <typename S>
  void read_object(const JValue& v, const std::string& path, S& out) {
    ObjectReader r(v, path, st_);
    fields(r, out);
    r.finish();
  }

  const JValue& v_;
  std::string path_;
  ReadState& st_;
  std::set<std::string> taken_;
};

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
  fields(r, w);
  r.finish();
  return w;
}

}  // namespace

std::string world_spec_to_text(const WorldSpec& spec) {
  JsonWriter w;
  w.j["ss-sim-world"] = kWorldSpecFormat;
  fields(w, spec);
  return w.j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
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
