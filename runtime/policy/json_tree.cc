#include "runtime/policy/json_tree.h"

#include <optional>

#include <nlohmann/json.hpp>

namespace ss::policy {
namespace {

// SAX handler: appends every value to the innermost open container. Pointers
// on the stack stay valid because only the innermost container grows.
class TreeBuilder {
 public:
  using json = nlohmann::json;
  explicit TreeBuilder(const JsonLimits& limits) : limits_(limits) {}

  bool null() { return add(JValue{}); }
  bool boolean(bool b) {
    JValue v;
    v.kind = JValue::Kind::kBool;
    v.boolean = b;
    return add(std::move(v));
  }
  bool number_integer(json::number_integer_t n) {
    JValue v;
    if (n >= 0) {
      v.kind = JValue::Kind::kUint;
      v.uinteger = static_cast<std::uint64_t>(n);
    } else {
      v.kind = JValue::Kind::kInt;
      v.integer = n;
    }
    return add(std::move(v));
  }
  bool number_unsigned(json::number_unsigned_t n) {
    JValue v;
    v.kind = JValue::Kind::kUint;
    v.uinteger = n;
    return add(std::move(v));
  }
  bool number_float(json::number_float_t f, const std::string&) {
    JValue v;
    v.kind = JValue::Kind::kFloat;
    v.real = f;
    return add(std::move(v));
  }
  bool string(std::string& s) {
    JValue v;
    v.kind = JValue::Kind::kString;
    v.text = std::move(s);
    return add(std::move(v));
  }
  bool binary(json::binary_t&) { return fail("binary values are not JSON"); }
  bool start_object(std::size_t) { return open(JValue::Kind::kObject); }
  bool key(std::string& k) {
    if (k.size() > limits_.max_key_bytes) {
      return fail("an object key of " + std::to_string(k.size()) + " bytes; expected at most " +
                  std::to_string(limits_.max_key_bytes) + " (limit)");
    }
    stack_.back()->members.push_back(JMember{std::move(k), JValue{}});
    return true;
  }
  bool end_object() {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) { return open(JValue::Kind::kArray); }
  bool end_array() {
    stack_.pop_back();
    return true;
  }
  // `position` counts the bytes read, the offending one included.
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) {
    error_offset_ = position > 0 ? position - 1 : 0;
    error_ = "JSON syntax error at byte " + std::to_string(*error_offset_) + ": " + plain_message(ex.what());
    return false;
  }

  JValue root;
  std::string error_;
  std::optional<std::size_t> error_offset_;

 private:
  bool fail(std::string msg) {
    if (error_.empty()) error_ = std::move(msg);
    return false;
  }
  JValue* place(JValue v) {
    if (++count_ > limits_.max_values) {
      fail("the policy has more than " + std::to_string(limits_.max_values) +
           " JSON values; expected a smaller document (limit)");
      return nullptr;
    }
    v.seq = static_cast<std::uint32_t>(count_);
    if (stack_.empty()) {
      root = std::move(v);
      return &root;
    }
    JValue* top = stack_.back();
    if (top->kind == JValue::Kind::kArray) {
      top->items.push_back(std::move(v));
      return &top->items.back();
    }
    top->members.back().second = std::move(v);
    return &top->members.back().second;
  }
  bool add(JValue v) { return place(std::move(v)) != nullptr; }
  bool open(JValue::Kind kind) {
    if (stack_.size() >= limits_.max_depth) {
      return fail("JSON nesting deeper than " + std::to_string(limits_.max_depth) + "; expected a flatter document (limit)");
    }
    JValue v;
    v.kind = kind;
    JValue* p = place(std::move(v));
    if (!p) return false;
    stack_.push_back(p);
    return true;
  }

  const JsonLimits& limits_;
  std::vector<JValue*> stack_;
  std::size_t count_ = 0;
};

}  // namespace

std::string plain_message(std::string_view what) {
  // "[json.exception.parse_error.101] parse error at line 1, column 7:
  // syntax error while parsing value - unexpected '}'; expected ..."
  if (what.substr(0, 16) == "[json.exception.") {
    const auto close = what.find("] ");
    if (close != std::string_view::npos) what.remove_prefix(close + 2);
  }
  if (what.substr(0, 11) == "parse error") {
    const auto colon = what.find(": ");
    if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
  }
  constexpr std::string_view kSyntax = "syntax error ";
  if (what.substr(0, kSyntax.size()) == kSyntax) what.remove_prefix(kSyntax.size());
  // "; last read: '<raw input bytes>'": the line and column say where, and
  // the raw bytes (control characters, broken UTF-8) do not belong in a
  // one-line message.
  std::string out(what);
  constexpr std::string_view kLastRead = "; last read: '";
  const auto at = out.find(kLastRead);
  if (at != std::string::npos) {
    const auto expected = out.find("'; expected ", at + kLastRead.size());
    if (expected != std::string::npos) {
      out.erase(at, expected + 1 - at);
    } else if (out.back() == '\'') {
      out.erase(at);
    }
  }
  return out;
}

std::string describe(const JValue& v) {
  switch (v.kind) {
    case JValue::Kind::kNull: return "null";
    case JValue::Kind::kBool: return v.boolean ? "true" : "false";
    case JValue::Kind::kInt: return "number " + std::to_string(v.integer);
    case JValue::Kind::kUint: return "number " + std::to_string(v.uinteger);
    case JValue::Kind::kFloat: return "number " + nlohmann::json(v.real).dump();
    case JValue::Kind::kString: {
      std::string s = v.text.size() > 60 ? v.text.substr(0, 60) + "..." : v.text;
      return "string " + nlohmann::json(s).dump(-1, ' ', false,
                                                nlohmann::json::error_handler_t::replace);
    }
    case JValue::Kind::kArray: return "an array of " + std::to_string(v.items.size());
    case JValue::Kind::kObject: return "an object";
  }
  return "?";
}

Result<JValue> parse_json_tree(std::string_view text, const JsonLimits& limits, std::size_t* error_offset) {
  if (text.size() > limits.max_bytes) {
    return make_error(ErrorCode::kLimit, "policy is " + std::to_string(text.size()) +
                                             " bytes; the limit is " +
                                             std::to_string(limits.max_bytes));
  }
  TreeBuilder b(limits);
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(text.begin(), text.end(), &b);
  } catch (const std::exception& e) {  // the parse edge: nothing escapes
    return make_error(ErrorCode::kParse, "JSON error: " + plain_message(e.what()));
  }
  if (!ok) {
    if (b.error_offset_ && error_offset) *error_offset = *b.error_offset_;
    return make_error(ErrorCode::kParse, b.error_.empty() ? "JSON error" : b.error_);
  }
  return std::move(b.root);
}

}  // namespace ss::policy
