// The validating builder: top level, named sections, reference resolution.
// Streamtype keys are in parse_streamtype.cc.
#include "runtime/policy/parse.h"

#include <algorithm>
#include <limits>

#include "runtime/core/escape.h"
#include "runtime/core/planted.h"
#include "runtime/policy/builder.h"
#include "runtime/policy/certs.h"
#include "runtime/policy/der_shape.h"
#include "runtime/policy/locate.h"

namespace ss::policy {

std::size_t ParseOutput::error_count() const {
  return static_cast<std::size_t>(std::count_if(diagnostics.begin(), diagnostics.end(), [](auto& d) {
    return d.severity == Diagnostic::Severity::kError;
  }));
}

std::size_t ParseOutput::warning_count() const { return diagnostics.size() - error_count(); }

std::string format_diagnostic(const Diagnostic& d) {
  std::string s = d.severity == Diagnostic::Severity::kError ? "error: " : "warning: ";
  if (!d.path.empty()) s += escape_text(d.path) + ": ";  // keys are the author's bytes
  return s + d.message;
}

std::string format_diagnostic(const Diagnostic& d, std::string_view source) {
  std::string s(source);
  if (d.line > 0) s += ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
  return s + ": " + format_diagnostic(d);
}

namespace detail {
namespace {

enum DefKind { kDefRetry = 0, kDefCert = 1, kDefTrust = 2, kDefAuth = 3, kDefMetric = 4 };
const char* const kDefNoun[] = {"retry policy", "cert", "trust store", "auth", "metric"};

// Names in messages are cut short: a message never grows with the input.
std::string quoted(const std::string& s) {
  return "\"" + escape_text(s.size() > 80 ? s.substr(0, 80) + "..." : s) + "\"";
}

// "a, b, c" (at most 8), for "expected one of" messages.
template <typename V>
std::string name_list(const std::vector<V>& items) {
  if (items.empty()) return "a defined name, but none are defined";
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < 8; ++i) out += (i ? ", " : "") + quoted(items[i].name);
  if (items.size() > 8) out += ", ...";
  return out;
}

template <typename V>
std::optional<std::size_t> find_named(const std::vector<V>& items, const std::string& name) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].name == name) return i;
  }
  return std::nullopt;
}

}  // namespace

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}
std::string index(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

Builder::Builder(Policy base, bool overlay) : p_(std::move(base)), overlay_(overlay) {
  for (auto& r : p_.retries) defs_[kDefRetry][r.name] = 0;
  for (auto& c : p_.certs) defs_[kDefCert][c.name] = 0;
  for (auto& t : p_.trust_stores) defs_[kDefTrust][t.name] = 0;
  for (auto& a : p_.auths) defs_[kDefAuth][a.name] = 0;
  for (auto& m : p_.metrics) defs_[kDefMetric][m.name] = 0;
  st_path_.assign(p_.streamtypes.size(), "");
}

void Builder::error(const std::string& path, std::string msg) {
  ++errors_;
  if (diags_.size() < kMaxDiagnostics) {
    diags_.push_back({Diagnostic::Severity::kError, path, std::move(msg)});
  } else {
    ++dropped_errors_;
  }
}
void Builder::warn(const std::string& path, std::string msg) {
  if (diags_.size() < kMaxDiagnostics) {
    diags_.push_back({Diagnostic::Severity::kWarning, path, std::move(msg)});
  } else {
    ++dropped_warnings_;
  }
}

bool Builder::read_string(const JValue& v, const std::string& path, std::string* out) {
  if (!v.is_string()) {
    error(path, "wrong type: found " + describe(v) + ", expected a string");
    return false;
  }
  *out = v.text;
  return true;
}

bool Builder::read_bool(const JValue& v, const std::string& path, bool* out) {
  if (v.kind != JValue::Kind::kBool) {
    // libwebsockets sets a flag only for the literal true and silently
    // ignores anything else: same meaning here, but said out loud.
    warn(path, "wrong type: found " + describe(v) +
                   ", expected true or false; libwebsockets ignores it, so the flag stays off");
    *out = false;
    return true;
  }
  *out = v.boolean;
  return true;
}

bool Builder::read_int(const JValue& v, const std::string& path, std::int64_t lo,
                       std::int64_t hi, std::int64_t* out) {
  const std::string want = "an integer " + std::to_string(lo) + ".." + std::to_string(hi);
  std::int64_t n = 0;
  switch (v.kind) {
    case JValue::Kind::kUint:
      if (v.uinteger > static_cast<std::uint64_t>(hi)) {
        error(path, "out of range: found " + describe(v) + ", expected " + want);
        return false;
      }
      n = static_cast<std::int64_t>(v.uinteger);
      break;
    case JValue::Kind::kInt:
      n = v.integer;
      break;
    case JValue::Kind::kString: {
      // libwebsockets reads every number with atoi, so "443" works there.
      const std::string& t = v.text;
      const bool neg = !t.empty() && t[0] == '-';
      const std::size_t start = neg ? 1 : 0;
      if (t.size() <= start || t.size() - start > 18 ||
          !std::all_of(t.begin() + static_cast<long>(start), t.end(),
                       [](char c) { return c >= '0' && c <= '9'; })) {
        error(path, "wrong type: found " + describe(v) + ", expected " + want);
        return false;
      }
      n = std::stoll(t);
      warn(path, "integer written as a string " + quoted(t) + "; write it as a JSON number");
      break;
    }
    default:
      error(path, "wrong type: found " + describe(v) + ", expected " + want);
      return false;
  }
  if (n < lo || n > hi) {
    error(path, "out of range: found number " + std::to_string(n) + ", expected " + want);
    return false;
  }
  *out = n;
  return true;
}

bool Builder::expect_object(const JValue& v, const std::string& path) {
  if (!v.is_object()) {
    error(path, "wrong type: found " + describe(v) + ", expected an object");
    return false;
  }
  // Duplicate keys: libwebsockets keeps the last silently; here it is an error.
  // Quadratic only in the keys of one object, each bounded by the input size.
  std::map<std::string_view, bool> seen;
  for (const auto& [k, _] : v.members) {
    if (!seen.emplace(k, true).second) {
      error(join(path, k), "duplicate key " + quoted(k) + " in one object; expected each key once");
    }
  }
  return true;
}

bool Builder::expect_array(const JValue& v, const std::string& path, std::size_t max_items) {
  if (!v.is_array()) {
    error(path, "wrong type: found " + describe(v) + ", expected an array");
    return false;
  }
  if (v.items.size() > max_items) {
    error(path, "too many entries: found " + std::to_string(v.items.size()) + ", expected at most " +
                    std::to_string(max_items));
    return false;
  }
  return true;
}

void Builder::add_ref(RefKind kind, const JValue& v, const std::string& path, std::size_t owner,
                      std::size_t slot) {
  std::string name;
  if (!read_string(v, path, &name)) return;
  refs_.push_back({kind, std::move(name), path, v.seq, owner, slot});
}

bool Builder::new_name(int kind, const std::string& name, const JValue& v, const std::string& path) {
  if (name.empty()) {
    error(path, std::string("empty ") + kDefNoun[kind] + " name; expected a non-empty name");
    return false;
  }
  if (!defs_[kind].emplace(name, v.seq).second) {
    error(path, std::string("duplicate ") + kDefNoun[kind] + " name " + quoted(name) +
                    "; expected each name once" + (overlay_ ? " (the base policy has it)" : ""));
    return false;
  }
  return true;
}

void Builder::run(const JValue& root) {
  if (!expect_object(root, "")) return;
  for (const auto& [key, v] : root.members) top_key(key, v);
  resolve_refs();
  if (errors_ == 0) check_rideshare_cycles();
  for (std::size_t i = 0; i < p_.streamtypes.size(); ++i) {
    if (!st_path_[i].empty()) check_streamtype(i);
  }
  if (!overlay_ && p_.streamtypes.empty() && errors_ == 0) {
    warn("s", "the policy defines no streamtypes; every stream creation will fail");
  }
}

void Builder::top_key(const std::string& key, const JValue& v) {
  if (key == "release") {
    read_string(v, key, &p_.release);
  } else if (key == "product") {
    read_string(v, key, &p_.product);
  } else if (key == "schema-version") {
    read_int_as(v, key, 0, std::numeric_limits<std::int32_t>::max(), &p_.schema_version);
  } else if (key == "via-socks5") {
    std::string s;
    if (!read_string(v, key, &s) || s.empty()) return;  // "" = no proxy
    const auto colon = s.rfind(':');
    std::int64_t port = 0;
    if (colon == std::string::npos || colon == 0) {
      error(key, "bad socks5 address: found " + describe(v) + ", expected \"host:port\"");
      return;
    }
    const std::string digits = s.substr(colon + 1);
    if (digits.empty() || digits.size() > 5 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        (port = std::stoll(digits)) < 1 || port > 65535) {
      error(key, "bad socks5 port: found " + describe(v) + ", expected \"host:port\" with port 1..65535");
      return;
    }
    p_.via_socks5 = s;
  } else if (key == "retry") {
    retry_section(v, key);
  } else if (key == "certs") {
    certs_section(v, key);
  } else if (key == "trust_stores") {
    trust_stores_section(v, key);
  } else if (key == "auth") {
    auth_section(v, key);
  } else if (key == "metrics") {
    metrics_section(v, key);
  } else if (key == "s") {
    s_section(v, key);
  } else if (key == "plugins") {
    warn(key, "\"plugins\" is deprecated and ignored (as in libwebsockets)");
  } else {
    warn(key, "unknown top-level key " + quoted(key) +
                  " (libwebsockets ignores it); expected one of release, product, "
                  "schema-version, via-socks5, retry, certs, trust_stores, auth, metrics, s");
  }
}

void Builder::retry_section(const JValue& v, const std::string& path) {
  if (!expect_array(v, path)) return;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const std::string ip = index(path, i);
    if (!expect_object(v.items[i], ip)) continue;
    for (const auto& [name, body] : v.items[i].members) {
      const std::string np = join(ip, name);
      if (!new_name(kDefRetry, name, body, np)) continue;
      RetryPolicy r;
      r.name = name;
      retry_body(body, np, r);
      p_.retries.push_back(std::move(r));
    }
  }
}

void Builder::retry_body(const JValue& v, const std::string& path, RetryPolicy& r) {
  if (!expect_object(v, path)) return;
  for (const auto& [key, val] : v.members) {
    const std::string kp = join(path, key);
    if (key == "backoff") {
      if (!expect_array(val, kp, RetryPolicy::kMaxBackoffEntries)) continue;
      r.backoff_ms.clear();
      for (std::size_t i = 0; i < val.items.size(); ++i) {
        std::uint32_t ms = 0;
        if (read_int_as(val.items[i], index(kp, i), 0, std::numeric_limits<std::uint32_t>::max(), &ms)) {
          r.backoff_ms.push_back(ms);
        }
      }
    } else if (key == "conceal") {
      read_int_as(val, kp, 0, 65535, &r.conceal);
    } else if (key == "jitterpc") {
      if (read_int_as(val, kp, 0, 255, &r.jitter_percent) && r.jitter_percent > 100) {
        warn(kp, "jitter of " + std::to_string(r.jitter_percent) +
                     " % can more than double each delay; expected 0..100 (0 means 30)");
      }
    } else if (key == "svalidping") {
      read_int_as(val, kp, 0, 65535, &r.secs_since_valid_ping);
    } else if (key == "svalidhup") {
      read_int_as(val, kp, 0, 65535, &r.secs_since_valid_hangup);
      if (SS_PLANTED("policy-svalidhup-ignored")) r.secs_since_valid_hangup = 0;
    } else {
      warn(kp, "unknown retry key " + quoted(key) +
                   " (libwebsockets ignores it); expected one of backoff, conceal, jitterpc, "
                   "svalidping, svalidhup");
    }
  }
}

void Builder::certs_section(const JValue& v, const std::string& path) {
  if (!expect_array(v, path)) return;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const std::string ip = index(path, i);
    if (!expect_object(v.items[i], ip)) continue;
    for (const auto& [name, val] : v.items[i].members) {
      const std::string np = join(ip, name);
      std::string b64;
      if (!read_string(val, np, &b64)) continue;
      auto der = decode_base64(b64);
      if (!der) {
        error(np, "bad base64: " + der.error().message());
        continue;
      }
      if (der->size() > kMaxCertDer) {
        error(np, "cert too large: found " + std::to_string(der->size()) +
                      " bytes of DER, expected at most " + std::to_string(kMaxCertDer));
        continue;
      }
      const DerKind kind = classify_der(*der);
      if (kind == DerKind::kInvalid) {
        error(np, "not a certificate: the base64 decodes to " + std::to_string(der->size()) +
                      " bytes that are neither a DER X.509 certificate nor a DER private key; "
                      "expected base64 of one DER certificate (or key)");
        continue;
      }
      if (der->size() > kLwsMaxCertDer) {
        warn(np, std::to_string(der->size()) + " bytes of DER; libwebsockets rejects more than " +
                     std::to_string(kLwsMaxCertDer));
      }
      if (!new_name(kDefCert, name, val, np)) continue;
      p_.certs.push_back({name, std::move(*der), kind == DerKind::kCertificate});
    }
  }
}

void Builder::trust_stores_section(const JValue& v, const std::string& path) {
  if (!expect_array(v, path)) return;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const std::string ip = index(path, i);
    const JValue& obj = v.items[i];
    if (!expect_object(obj, ip)) continue;
    TrustStore t;
    const JValue* stack = nullptr;
    std::string stack_path;
    bool bad_stack = false, unknown = false;
    bool named = false, has_name = false;
    for (const auto& [key, val] : obj.members) {
      const std::string kp = join(ip, key);
      if (key == "name") {
        has_name = true;
        named = read_string(val, kp, &t.name) && new_name(kDefTrust, t.name, val, kp);
      } else if (key == "stack") {
        if (expect_array(val, kp, TrustStore::kMaxStack)) {
          stack = &val;
          stack_path = kp;
        } else {
          bad_stack = true;
        }
      } else {
        unknown = true;
        error(kp, "unknown trust store key " + quoted(key) + "; expected name and stack "
                  "(the README form [{\"<store>\": [certs]}] is outdated)");
      }
    }
    if (!named) {
      if (!has_name && !unknown) error(ip, "trust store without a \"name\"; expected {\"name\": ..., \"stack\": [...]}");
      continue;
    }
    if (bad_stack) continue;
    if (!stack || stack->items.empty()) {
      error(stack ? stack_path : ip, "trust store " + quoted(t.name) +
                                         " has no certs; expected a \"stack\" of 1..6 cert names");
      continue;
    }
    const std::size_t ti = p_.trust_stores.size();
    t.certs.assign(stack->items.size(), 0);
    for (std::size_t k = 0; k < stack->items.size(); ++k) {
      add_ref(RefKind::kStackCert, stack->items[k], index(stack_path, k), ti, k);
    }
    p_.trust_stores.push_back(std::move(t));
  }
}

void Builder::auth_section(const JValue& v, const std::string& path) {
  if (!expect_array(v, path)) return;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const std::string ip = index(path, i);
    if (!expect_object(v.items[i], ip)) continue;
    Auth a;
    bool named = false, has_name = false;
    for (const auto& [key, val] : v.items[i].members) {
      const std::string kp = join(ip, key);
      if (key == "name") {
        has_name = true;
        named = read_string(val, kp, &a.name) && new_name(kDefAuth, a.name, val, kp);
      } else if (key == "type") {
        read_string(val, kp, &a.type);
      } else if (key == "streamtype") {
        read_string(val, kp, &a.streamtype);
      } else if (key == "blob") {
        read_int_as(val, kp, 0, 3, &a.blob);
      } else {
        error(kp, "unknown auth key " + quoted(key) + "; expected name, type, streamtype, blob");
      }
    }
    if (!named) {
      if (!has_name) error(ip, "auth entry without a \"name\"; expected a unique name");
      continue;
    }
    p_.auths.push_back(std::move(a));
  }
}

void Builder::metrics_section(const JValue& v, const std::string& path) {
  if (!expect_array(v, path)) return;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const std::string ip = index(path, i);
    if (!expect_object(v.items[i], ip)) continue;
    Metric m;
    bool named = false, has_name = false;
    for (const auto& [key, val] : v.items[i].members) {
      const std::string kp = join(ip, key);
      constexpr auto kU64 = std::numeric_limits<std::int64_t>::max();
      if (key == "name") {
        has_name = true;
        named = read_string(val, kp, &m.name) && new_name(kDefMetric, m.name, val, kp);
      } else if (key == "us_schedule") {
        read_int_as(val, kp, 0, kU64, &m.us_schedule);
      } else if (key == "us_halflife") {
        read_int_as(val, kp, 0, kU64, &m.us_halflife);
      } else if (key == "min_outlier") {
        read_int_as(val, kp, 0, std::numeric_limits<std::uint32_t>::max(), &m.min_outlier);
      } else if (key == "report") {
        read_string(val, kp, &m.report);
      } else {
        error(kp, "unknown metrics key " + quoted(key) +
                      "; expected name, us_schedule, us_halflife, min_outlier, report");
      }
    }
    if (!named) {
      if (!has_name) error(ip, "metrics entry without a \"name\"; expected a unique name");
      continue;
    }
    p_.metrics.push_back(std::move(m));
  }
}

void Builder::s_section(const JValue& v, const std::string& path) {
  if (!expect_array(v, path)) return;
  std::map<std::string, bool> in_doc;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const std::string ip = index(path, i);
    if (!expect_object(v.items[i], ip)) continue;
    for (const auto& [name, body] : v.items[i].members) {
      const std::string np = join(ip, name);
      if (name.empty()) {
        error(np, "empty streamtype name; expected a non-empty name");
        continue;
      }
      if (!in_doc.emplace(name, true).second) {
        error(np, "duplicate streamtype name " + quoted(name) + "; expected each name once");
        continue;
      }
      std::size_t st_index = p_.streamtypes.size();
      if (auto existing = find_named(p_.streamtypes, name)) {
        st_index = *existing;  // an overlay over a base streamtype
      } else {
        Streamtype st;
        st.name = name;
        p_.streamtypes.push_back(std::move(st));
        st_path_.push_back("");
      }
      st_path_[st_index] = np;
      streamtype_body(body, np, st_index);
    }
  }
}

void Builder::resolve_refs() {
  for (const PendingRef& r : refs_) {
    int def = -1;
    const char* noun = "";
    std::optional<std::size_t> found;
    std::string names;
    switch (r.kind) {
      case RefKind::kRetry:
        def = kDefRetry, noun = "retry policy", found = find_named(p_.retries, r.name);
        names = name_list(p_.retries);
        break;
      case RefKind::kTrustStore:
        def = kDefTrust, noun = "trust store", found = find_named(p_.trust_stores, r.name);
        names = name_list(p_.trust_stores);
        break;
      case RefKind::kAuth:
        def = kDefAuth, noun = "auth", found = find_named(p_.auths, r.name);
        names = name_list(p_.auths);
        break;
      case RefKind::kServerCert:
      case RefKind::kServerKey:
      case RefKind::kStackCert:
        def = kDefCert, noun = "cert", found = find_named(p_.certs, r.name);
        names = name_list(p_.certs);
        break;
      case RefKind::kRideshare:
        noun = "streamtype", found = find_named(p_.streamtypes, r.name);
        names = name_list(p_.streamtypes);
        break;
    }
    if (!found) {
      error(r.path, std::string("undefined ") + noun + ": found " + quoted(r.name) +
                        ", expected " + (names.rfind("a defined", 0) == 0 ? names : "one of " + names));
      continue;
    }
    if (def >= 0) {
      auto it = defs_[def].find(r.name);
      if (it != defs_[def].end() && it->second > r.seq) {
        warn(r.path, std::string("forward reference to ") + noun + " " + quoted(r.name) +
                         ", defined later in the document; libwebsockets rejects this policy, "
                         "we accept it");
      }
    }
    const bool is_cert = def == kDefCert && p_.certs[*found].is_certificate;
    Streamtype* st = r.kind == RefKind::kStackCert ? nullptr : &p_.streamtypes[r.owner];
    switch (r.kind) {
      case RefKind::kRetry: st->retry = found; break;
      case RefKind::kTrustStore: st->trust_store = found; break;
      case RefKind::kAuth: st->use_auth = found; break;
      case RefKind::kRideshare: st->rideshare = found; break;
      case RefKind::kServerCert:
        if (!is_cert) error(r.path, "cert " + quoted(r.name) + " is a private key; expected a certificate");
        st->server_cert = found;
        break;
      case RefKind::kServerKey:
        if (is_cert) error(r.path, "cert " + quoted(r.name) + " is a certificate; expected a private key");
        st->server_key = found;
        break;
      case RefKind::kStackCert:
        if (!is_cert) error(r.path, "cert " + quoted(r.name) + " is a private key; expected a certificate");
        p_.trust_stores[r.owner].certs[r.slot] = *found;
        break;
    }
  }
}

void Builder::check_rideshare_cycles() {
  // A chain A -> B -> ... must end; a cycle would never finish a transaction.
  // One error per cycle, at its first streamtype in document order.
  const std::size_t n = p_.streamtypes.size();
  std::vector<bool> reported(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t at = i, steps = 0;
    while (p_.streamtypes[at].rideshare && steps <= n) {
      at = *p_.streamtypes[at].rideshare;
      ++steps;
      if (at == i) break;
    }
    if (at != i || steps == 0 || reported[i]) continue;  // i is not on a cycle
    std::string names = quoted(p_.streamtypes[i].name);
    reported[i] = true;
    for (std::size_t k = *p_.streamtypes[i].rideshare; k != i; k = *p_.streamtypes[k].rideshare) {
      reported[k] = true;
      names += " -> " + quoted(p_.streamtypes[k].name);
    }
    names += " -> " + quoted(p_.streamtypes[i].name);
    const std::string& path = st_path_[i].empty() ? p_.streamtypes[i].name : st_path_[i];
    error(join(path, "rideshare"), "rideshare chain loops (" + names + "); expected a chain that ends");
  }
}

ParseOutput Builder::finish() {
  if (dropped_errors_ + dropped_warnings_) {
    diags_.push_back({dropped_errors_ ? Diagnostic::Severity::kError : Diagnostic::Severity::kWarning, "",
                      std::to_string(dropped_errors_) + " more error(s) and " +
                          std::to_string(dropped_warnings_) + " more warning(s) not shown (limit " +
                          std::to_string(kMaxDiagnostics) + "); expected fewer problems"});
  }
  ParseOutput out;
  out.diagnostics = std::move(diags_);
  if (errors_ == 0) out.policy = std::make_shared<const Policy>(std::move(p_));
  return out;
}

}  // namespace detail

namespace {

// Gives each diagnostic whose path names a value of the document the line
// and column of that value (locate.h).
void locate(const JValue& root, std::string_view json, std::vector<Diagnostic>& diagnostics) {
  std::vector<std::uint32_t> offsets;
  for (Diagnostic& d : diagnostics) {
    if (d.path.empty()) continue;
    const JValue* v = find_path(root, d.path);
    if (!v) continue;
    if (offsets.empty()) offsets = value_offsets(json);
    if (v->seq == 0 || v->seq >= offsets.size()) continue;
    const LineColumn lc = line_column(json, offsets[v->seq]);
    d.line = lc.line;
    d.column = lc.column;
  }
}

ParseOutput run_builder(detail::Builder& b, std::string_view json) {
  std::size_t error_offset = 0;
  auto tree = parse_json_tree(json, JsonLimits{}, &error_offset);
  if (!tree) {
    ParseOutput out;
    Diagnostic d{Diagnostic::Severity::kError, "", tree.error().message()};
    if (tree.error().code() == ErrorCode::kParse && tree.error().message().rfind("JSON syntax error", 0) == 0) {
      const LineColumn lc = line_column(json, error_offset);
      d.line = lc.line;
      d.column = lc.column;
    }
    out.diagnostics.push_back(std::move(d));
    return out;
  }
  b.run(*tree);
  ParseOutput out = b.finish();
  locate(*tree, json, out.diagnostics);
  return out;
}

}  // namespace

ParseOutput parse_policy(std::string_view json) {
  detail::Builder b(Policy{}, false);
  return run_builder(b, json);
}

ParseOutput apply_overlay(const Policy& base, std::string_view overlay_json) {
  detail::Builder b(base, true);
  return run_builder(b, overlay_json);
}

}  // namespace ss::policy
