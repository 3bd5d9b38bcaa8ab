// RideshareUpload: the user side of a rideshare upload in tests
// (docs/api.md "Rideshare"). One payload per streamtype of the chain; each
// tx() sends the next chunk of the part that lws_ss_rideshare() names at
// that moment, with SOM on a part's first chunk and EOM on its last, so a
// wrong name shows up as a wrong body. Every name seen is logged.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ss::sim::testing {

struct RideshareUpload {
  // (streamtype, payload) in chain order; payloads are not empty.
  std::vector<std::pair<std::string, std::string>> parts;
  std::size_t chunk = 700;

  std::vector<std::string> tx_names;  // what rideshare() named at each tx() that sent
  std::vector<std::size_t> sent;      // bytes sent per part

  // Fills `buf` from the part named `rideshare`; false (send nothing) when
  // that part is unknown or already sent.
  bool fill(std::string_view rideshare, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    sent.resize(parts.size());
    auto it = std::find_if(parts.begin(), parts.end(), [&](const auto& p) { return p.first == rideshare; });
    if (it == parts.end()) return false;
    const std::size_t i = static_cast<std::size_t>(it - parts.begin());
    const std::string& payload = it->second;
    if (sent[i] == payload.size() && !payload.empty()) return false;
    const std::size_t n = std::min({chunk, buf.size(), payload.size() - sent[i]});
    std::copy_n(payload.data() + sent[i], n, buf.begin());
    flags = (sent[i] == 0 ? 1u : 0u) | (sent[i] + n == payload.size() ? 2u : 0u);  // SOM, EOM
    sent[i] += n;
    len = n;
    tx_names.emplace_back(rideshare);
    return true;
  }

  // A new transaction: every part goes again from its start.
  void restart() { sent.assign(parts.size(), 0); }

  // The part a correct engine names now: the first one not fully sent.
  std::size_t due() const {
    for (std::size_t i = 0; i < parts.size(); ++i)
      if (i >= sent.size() || sent[i] < parts[i].second.size()) return i;
    return parts.size();
  }

  bool done() const {
    if (sent.size() != parts.size()) return parts.empty();
    for (std::size_t i = 0; i < parts.size(); ++i)
      if (sent[i] != parts[i].second.size()) return false;
    return true;
  }

  std::size_t total() const {
    std::size_t n = 0;
    for (const auto& p : parts) n += p.second.size();
    return n;
  }

  // The names a correct engine gives: each part's name once per chunk.
  std::vector<std::string> expected_names() const {
    std::vector<std::string> out;
    for (const auto& [name, payload] : parts) {
      const std::size_t chunks = std::max<std::size_t>(1, (payload.size() + chunk - 1) / chunk);
      out.insert(out.end(), chunks, name);
    }
    return out;
  }
};

}  // namespace ss::sim::testing
