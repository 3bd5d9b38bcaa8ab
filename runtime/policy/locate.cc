#include "runtime/policy/locate.h"

#include <algorithm>

namespace ss::policy {
namespace {

// Walks valid JSON in the order TreeBuilder numbers its values (json_tree.cc:
// every value, containers before their contents; keys are not values).
class OffsetScanner {
 public:
  explicit OffsetScanner(std::string_view t) : t_(t) {}

  std::vector<std::uint32_t> run() {
    offsets_.push_back(0);  // seq 0 is never used
    if (t_.substr(0, 3) == "\xEF\xBB\xBF") i_ = 3;  // nlohmann skips a UTF-8 BOM
    ws();
    if (i_ < t_.size()) value(i_, 0);
    return std::move(offsets_);
  }

 private:
  char peek() const { return i_ < t_.size() ? t_[i_] : '\0'; }
  void ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) ++i_;
  }
  void skip_string() {
    ++i_;  // opening quote
    while (i_ < t_.size() && t_[i_] != '"') i_ += t_[i_] == '\\' ? 2 : 1;
    ++i_;  // closing quote
  }
  // Returns false when the text is not what valid JSON would be here.
  bool value(std::size_t at, int depth) {
    if (depth > 64 || i_ >= t_.size()) return false;
    offsets_.push_back(static_cast<std::uint32_t>(at));
    const char c = peek();
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++i_;
      ws();
      if (peek() == close) {
        ++i_;
        return true;
      }
      for (;;) {
        ws();
        std::size_t item_at = i_;
        if (c == '{') {
          if (peek() != '"') return false;
          skip_string();
          ws();
          if (peek() != ':') return false;
          ++i_;
          ws();
        }
        if (!value(c == '{' ? item_at : i_, depth + 1)) return false;
        ws();
        if (peek() == ',') {
          ++i_;
          continue;
        }
        if (peek() != close) return false;
        ++i_;
        return true;
      }
    }
    if (c == '"') {
      skip_string();
      return true;
    }
    while (i_ < t_.size() && std::string_view(",}] \t\r\n").find(t_[i_]) == std::string_view::npos) ++i_;
    return true;
  }

  std::string_view t_;
  std::size_t i_ = 0;
  std::vector<std::uint32_t> offsets_;
};

}  // namespace

std::vector<std::uint32_t> value_offsets(std::string_view text) { return OffsetScanner(text).run(); }

const JValue* find_path(const JValue& root, std::string_view path) {
  const JValue* v = &root;
  bool first = true;
  while (!path.empty()) {
    if (path.front() == '[') {
      const auto close = path.find(']');
      if (close == std::string_view::npos || close == 1 || !v->is_array()) return nullptr;
      std::size_t n = 0;
      for (char ch : path.substr(1, close - 1)) {
        if (ch < '0' || ch > '9' || n > v->items.size()) return nullptr;
        n = n * 10 + static_cast<std::size_t>(ch - '0');
      }
      if (n >= v->items.size()) return nullptr;
      v = &v->items[n];
      path.remove_prefix(close + 1);
    } else {
      if (!first) {
        if (path.front() != '.') return nullptr;
        path.remove_prefix(1);
      }
      if (!v->is_object()) return nullptr;
      const JValue* best = nullptr;
      std::size_t best_len = 0;
      for (const JMember& m : v->members) {
        const std::size_t k = m.first.size();
        if (path.substr(0, k) != m.first) continue;
        if (k < path.size() && path[k] != '.' && path[k] != '[') continue;
        if (!best || k > best_len) {
          best = &m.second;
          best_len = k;
        }
      }
      if (!best) return nullptr;
      v = best;
      path.remove_prefix(best_len);
    }
    first = false;
  }
  return v;
}

LineColumn line_column(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  LineColumn lc{1, 1};
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++lc.line;
      lc.column = 1;
    } else {
      ++lc.column;
    }
  }
  return lc;
}

}  // namespace ss::policy
