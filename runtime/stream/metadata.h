// Per-stream metadata (docs/secure-streams.md §4.1): one slot per name the streamtype declares.
//
// Values are copied in (never borrowed: lws binds by reference, a known
// source of use-after-free, docs/secure-streams.md §4.1). An undeclared name is an error unless
// the streamtype has direct_proto_str, in which case it is kept as an
// "instant" header by name. Limits: a value is at most kMaxValue bytes; at
// most kMaxInstant instant names; an expansion result at most kMaxExpanded.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/policy/policy.h"

namespace ss::stream {

class Metadata {
 public:
  static constexpr std::size_t kMaxValue = 65535;
  static constexpr std::size_t kMaxInstant = 32;
  static constexpr std::size_t kMaxExpanded = 8192;

  explicit Metadata(const policy::Streamtype& st);

  // Copies `value`. Errors: undeclared name (kNotFound), too long (kLimit).
  Error set(std::string_view name, std::string_view value);
  // Declared and set -> value; declared, unset -> "" ; undeclared -> kNotFound.
  Result<std::string_view> get(std::string_view name) const;
  // nullopt if undeclared or unset.
  std::optional<std::string_view> find(std::string_view name) const;

  // Forgets every value (an accepted stream's next request starts clean).
  void clear();

  // Expands ${name}. Undeclared name or unterminated "${" -> error naming it
  // and its byte offset; declared but unset -> "".
  Result<std::string> expand(std::string_view text) const;

 private:
  std::optional<std::size_t> index_of(std::string_view name) const;

  const policy::Streamtype& st_;
  std::vector<std::optional<std::string>> values_;      // by declaration index
  // direct_proto_str only: made on its first use, so a stream that never
  // sets one carries a pointer instead of an empty map (docs/benchmarks.md).
  using InstantMap = std::map<std::string, std::string, std::less<>>;
  std::unique_ptr<InstantMap> instant_;
};

}  // namespace ss::stream
