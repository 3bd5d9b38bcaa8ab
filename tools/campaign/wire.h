// What a campaign worker sends its parent after each seed: one frame, a
// 4-byte little-endian length and then the result (seed, status, hash,
// counters, violation texts). Crash and hang results are never sent: the
// parent makes those itself when a worker dies (worker_pool.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tools/campaign/result.h"

namespace ss::campaign {

// The whole frame (length prefix included).
std::string encode_result(const SeedResult& result);

// Takes one complete frame off the front of `buffer` into `out`. Returns
// 1 when it did, 0 when the buffer holds no complete frame yet, -1 when the
// frame is malformed.
int take_result(std::string& buffer, SeedResult* out);

}  // namespace ss::campaign
