// Base64 (RFC 4648) of policy certificates and WebSocket keys: text <->
// bytes, with errors that name the offending character's offset.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/result.h"

namespace ss {

// Standard or URL-safe alphabet; padding optional but must be right;
// whitespace (space, tab, CR, LF) is skipped. The error names the character
// offset in the string.
Result<std::vector<std::uint8_t>> decode_base64(std::string_view text);
// Standard alphabet, padded.
std::string encode_base64(std::span<const std::uint8_t> bytes);

}  // namespace ss
