// A small JSON tree that keeps what nlohmann::json throws away and the policy
// validator needs: object members in document order, duplicate keys, and a
// document-order sequence number per value (to tell a forward reference).
//
// Built with nlohmann's SAX interface, so parsing never throws past this edge
// and the limits below are checked while the text is read, before memory is
// spent: input size, nesting depth, number of values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/core/result.h"

namespace ss::policy {

struct JsonLimits {
  std::size_t max_bytes = 1u << 20;  // 1 MiB of policy text
  std::size_t max_depth = 32;        // nested objects/arrays
  std::size_t max_values = 1u << 16; // scalars + containers in the document
  std::size_t max_key_bytes = 256;   // an object key (a name); keeps JSON paths short
};

struct JMember;  // {first: key, second: value}; complete below

struct JValue {
  enum class Kind : std::uint8_t { kNull, kBool, kInt, kUint, kFloat, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::int64_t integer = 0;     // kInt (negative numbers)
  std::uint64_t uinteger = 0;   // kUint (non-negative numbers)
  double real = 0;              // kFloat
  std::string text;             // kString
  std::vector<JValue> items;    // kArray
  std::vector<JMember> members;  // kObject, in order, duplicate keys kept
  std::uint32_t seq = 0;        // document order of this value

  bool is_object() const { return kind == Kind::kObject; }
  bool is_array() const { return kind == Kind::kArray; }
  bool is_string() const { return kind == Kind::kString; }
};

struct JMember {
  std::string first;
  JValue second;
};

// nlohmann's exception text without its internals ("[json.exception...]",
// "parse error at line 1, column 7: syntax error "): "while parsing value
// - unexpected '}'; expected ...".
std::string plain_message(std::string_view what);

// "string \"abc\"", "number 1.5", "an object", ... for error messages.
std::string describe(const JValue& v);

// Parses `text` as one JSON document. A syntax error names the byte offset
// (and sets *error_offset, when given, to it; other errors leave it alone).
Result<JValue> parse_json_tree(std::string_view text, const JsonLimits& limits = {},
                               std::size_t* error_offset = nullptr);

}  // namespace ss::policy
