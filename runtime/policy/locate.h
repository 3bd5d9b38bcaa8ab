// Where in the policy text a diagnostic points: the line and column of the
// value its JSON path names (docs/policy.md, "Errors and warnings"). Used
// after parsing, so the scanner may assume the text is valid JSON; on
// anything unexpected it gives up and the diagnostic simply has no line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime/policy/json_tree.h"

namespace ss::policy {

// Byte offset of every value of a valid JSON document, indexed by
// JValue::seq (document order; [0] unused). For an object member it is the
// offset of the member's key, which is where a reader looks for it.
std::vector<std::uint32_t> value_offsets(std::string_view text);

// The value a diagnostic path such as `s[2].mintest.retry` names (keys may
// themselves hold '.' or '['; the longest key that fits wins), or nullptr.
const JValue* find_path(const JValue& root, std::string_view path);

// 1-based line and column (in bytes) of byte `offset` of `text`.
struct LineColumn {
  std::size_t line = 0;
  std::size_t column = 0;
};
LineColumn line_column(std::string_view text, std::size_t offset);

}  // namespace ss::policy
