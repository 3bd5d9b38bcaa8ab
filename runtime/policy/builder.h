// Internal to runtime/policy: the validating builder behind parse.h. It walks
// a JValue tree (json_tree.h), fills a Policy, records name references and
// resolves them once the whole document is read, so forward references can
// be accepted (with a warning) instead of rejected as libwebsockets does.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/policy/json_tree.h"
#include "runtime/policy/parse.h"
#include "runtime/policy/policy.h"

namespace ss::policy::detail {

enum class RefKind : std::uint8_t {
  kRetry,
  kTrustStore,
  kAuth,
  kServerCert,
  kServerKey,
  kStackCert,
  kRideshare,
};

struct PendingRef {
  RefKind kind;
  std::string name;
  std::string path;
  std::uint32_t seq;  // document order of the referring value
  std::size_t owner;  // streamtype index (trust store index for kStackCert)
  std::size_t slot;   // position in the stack for kStackCert
};

std::string join(const std::string& path, const std::string& key);
std::string index(const std::string& path, std::size_t i);

class Builder {
 public:
  Builder(Policy base, bool overlay);
  void run(const JValue& root);
  ParseOutput finish();

  void error(const std::string& path, std::string msg);
  void warn(const std::string& path, std::string msg);

  // Typed readers: false (and one diagnostic) when the value does not fit.
  bool read_string(const JValue& v, const std::string& path, std::string* out);
  bool read_bool(const JValue& v, const std::string& path, bool* out);
  bool read_int(const JValue& v, const std::string& path, std::int64_t lo, std::int64_t hi,
                std::int64_t* out);
  template <typename T>
  bool read_int_as(const JValue& v, const std::string& path, std::int64_t lo, std::int64_t hi,
                   T* out) {
    std::int64_t n = 0;
    if (!read_int(v, path, lo, hi, &n)) return false;
    *out = static_cast<T>(n);
    return true;
  }
  // Object check plus duplicate-key check; false if not an object.
  bool expect_object(const JValue& v, const std::string& path);
  bool expect_array(const JValue& v, const std::string& path, std::size_t max_items = SIZE_MAX);

  void add_ref(RefKind kind, const JValue& v, const std::string& path, std::size_t owner,
               std::size_t slot = 0);

  // parse_streamtype.cc
  void streamtype_body(const JValue& body, const std::string& path, std::size_t st_index);

 private:
  void top_key(const std::string& key, const JValue& v);
  void retry_section(const JValue& v, const std::string& path);
  void retry_body(const JValue& v, const std::string& path, RetryPolicy& r);
  void certs_section(const JValue& v, const std::string& path);
  void trust_stores_section(const JValue& v, const std::string& path);
  void auth_section(const JValue& v, const std::string& path);
  void metrics_section(const JValue& v, const std::string& path);
  void s_section(const JValue& v, const std::string& path);
  bool new_name(int kind, const std::string& name, const JValue& v, const std::string& path);

  void resolve_refs();
  void check_rideshare_cycles();
  void check_streamtype(std::size_t i);

  static constexpr std::size_t kMaxDiagnostics = 200;

  Policy p_;
  bool overlay_;
  std::vector<Diagnostic> diags_;  // at most kMaxDiagnostics, then a summary
  std::size_t errors_ = 0;
  std::size_t dropped_errors_ = 0, dropped_warnings_ = 0;
  std::vector<PendingRef> refs_;
  // Per definition kind (retry, cert, trust store, auth, metric), name -> the
  // document order of its definition (0 for the base of an overlay).
  std::map<std::string, std::uint32_t> defs_[5];
  std::vector<std::string> st_path_;  // "" = untouched base streamtype
};

}  // namespace ss::policy::detail
