// Writes raw WebSocket frames byte by byte, for simulated servers and tests
// that must be able to send anything, including frames a real library
// would refuse (bad opcodes, reserved bits, masked server frames).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ss::proto::ws {

struct RawFrame {
  bool fin = true;
  std::uint8_t rsv = 0;     // 3 bits
  std::uint8_t opcode = 1;  // 4 bits
  std::optional<std::uint32_t> mask;  // set -> masked (clients must mask)
  std::string payload;
};

inline std::string write_frame(const RawFrame& f) {
  std::string out;
  out += static_cast<char>((f.fin ? 0x80 : 0) | ((f.rsv & 7) << 4) | (f.opcode & 0x0f));
  std::uint8_t mbit = f.mask ? 0x80 : 0;
  std::size_t n = f.payload.size();
  if (n < 126) {
    out += static_cast<char>(mbit | n);
  } else if (n < 65536) {
    out += static_cast<char>(mbit | 126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xff);
  } else {
    out += static_cast<char>(mbit | 127);
    for (int i = 7; i >= 0; --i) out += static_cast<char>((static_cast<std::uint64_t>(n) >> (8 * i)) & 0xff);
  }
  std::string body = f.payload;
  if (f.mask) {
    std::uint8_t k[4] = {static_cast<std::uint8_t>(*f.mask >> 24), static_cast<std::uint8_t>(*f.mask >> 16),
                         static_cast<std::uint8_t>(*f.mask >> 8), static_cast<std::uint8_t>(*f.mask)};
    out.append(reinterpret_cast<const char*>(k), 4);
    for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(body[i] ^ k[i % 4]);
  }
  return out + body;
}

inline std::string close_payload(std::uint16_t code, std::string_view reason) {
  std::string p;
  p += static_cast<char>(code >> 8);
  p += static_cast<char>(code & 0xff);
  p += reason;
  return p;
}

}  // namespace ss::proto::ws
