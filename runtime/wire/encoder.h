// Encoder for serialized Secure Streams frames (frames.h). Produces the same
// bytes libwebsockets produces for the same fields (wire_golden_test.cc
// checks this against captured lws traffic).
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/wire/frames.h"

namespace ss::wire {

// Appends the encoded frame to *out. Fails, appending nothing, when a field
// breaks a limit of frames.h (e.g. a 40-byte streamtype name, a payload that
// does not fit a 16-bit length): the message names the field.
Error encode_frame(const Frame& frame, std::vector<std::uint8_t>* out);

// Convenience for tests and tools; asserts nothing, returns the error.
Result<std::vector<std::uint8_t>> encode_frame(const Frame& frame);

// Largest payload one PayloadFrame can carry (65535 - 16 - rideshare part).
std::size_t max_payload(const PayloadFrame& frame);

}  // namespace ss::wire
