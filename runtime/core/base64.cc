#include "runtime/core/base64.h"

#include <string>

namespace ss {
namespace {

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

}  // namespace

Result<std::vector<std::uint8_t>> decode_base64(std::string_view text) {
  std::vector<std::uint8_t> out;
  out.reserve(text.size() / 4 * 3 + 3);
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t digits = 0, pads = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++pads;
      if (pads > 2 || (digits + pads) % 4 == 1) {
        return make_error(ErrorCode::kParse,
                          "bad base64 padding at character " + std::to_string(i) +
                              "; expected '=' only at the end, at most two");
      }
      continue;
    }
    const int v = b64_value(c);
    if (v < 0 || pads) {
      return make_error(ErrorCode::kParse,
                        "bad base64 character " +
                            (v < 0 ? "'" + std::string(1, c) + "'" : std::string("after '='")) +
                            " at character " + std::to_string(i) +
                            "; expected A-Z a-z 0-9 + / (or - _) and '=' padding");
    }
    ++digits;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
    }
  }
  if (digits % 4 == 1) {
    return make_error(ErrorCode::kParse, "base64 text ends in the middle of a byte (" +
                                             std::to_string(digits) + " digits); expected 4 digits per 3 bytes");
  }
  if (pads && (digits + pads) % 4 != 0) {
    return make_error(ErrorCode::kParse, "bad base64 padding at the end; expected a multiple of 4 characters with '='");
  }
  return out;
}

std::string encode_base64(std::span<const std::uint8_t> bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(n >> s) & 63]);
  }
  if (const std::size_t rest = bytes.size() - i; rest) {
    std::uint32_t n = bytes[i] << 16;
    if (rest == 2) n |= bytes[i + 1] << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

}  // namespace ss
