// The captured libwebsockets client <-> proxy traffic (testdata/interop) as
// tests read it: one Capture per folder, its frame files in order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/wire/frames.h"

namespace ss::wire::testing {

inline const std::filesystem::path& interop_root() {
  static const std::filesystem::path kRoot = "runtime/wire/testdata/interop";
  return kRoot;
}

inline std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// frames/NNN_<c2p|p2c>_<TYPE>.bin of one capture folder, sorted by NNN.
inline std::vector<std::filesystem::path> frame_files(const std::filesystem::path& capture) {
  std::vector<std::filesystem::path> files;
  for (const auto& f : std::filesystem::directory_iterator(capture / "frames")) files.push_back(f.path());
  std::sort(files.begin(), files.end());
  return files;
}

inline Direction direction_of(const std::filesystem::path& frame_file) {
  return frame_file.filename().string().find("_c2p_") != std::string::npos ? Direction::kClientToProxy
                                                                             : Direction::kProxyToClient;
}

// `p2c` (a proxy -> client byte stream) as our proxy writes it: the same,
// except that a CREATE_RESULT list has no leading comma (frames.h,
// CreateResultFrame). The list is the frame's tail after 5 body bytes.
inline std::vector<std::uint8_t> without_leading_comma(std::vector<std::uint8_t> p2c) {
  for (std::size_t at = 0; at + 3 <= p2c.size();) {
    const std::size_t len = static_cast<std::size_t>(p2c[at + 1]) << 8 | p2c[at + 2];
    if (p2c[at] == 0x56 && len > 5 && p2c[at + 8] == ',') {
      p2c.erase(p2c.begin() + static_cast<std::ptrdiff_t>(at + 8));
      p2c[at + 1] = static_cast<std::uint8_t>((len - 1) >> 8);
      p2c[at + 2] = static_cast<std::uint8_t>(len - 1);
      return p2c;
    }
    at += 3 + len;
  }
  return p2c;
}

}  // namespace ss::wire::testing
