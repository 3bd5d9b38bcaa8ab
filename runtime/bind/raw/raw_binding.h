// The raw protocol binding (docs/secure-streams.md §2.4 "raw"): a plain byte stream.
//
// CONNECTED as soon as the transport is up; every byte from the peer goes to
// rx() with flags 0 (raw has no framing); each tx opportunity pulls one
// chunk of at most kTxChunk bytes from the user's tx() and writes it as is.
// No transactions, so a non-opportunistic raw stream reconnects after
// every drop (docs/secure-streams.md §2.6).
#pragma once

#include <cstddef>
#include <memory>

#include "runtime/stream/binding.h"

namespace ss::stream {
class Context;
}

namespace ss::proto::raw {

inline constexpr std::size_t kTxChunk = 1540;  // LWS_SS_MTU

std::unique_ptr<stream::Binding> make_raw_binding(stream::BindingHost& host);

// Registers the raw binding for policy protocol "raw" on `ctx`, for both
// roles: an accepted raw stream is CONNECTED at once and moves bytes both
// ways like a client one.
void register_raw_binding(stream::Context& ctx);

}  // namespace ss::proto::raw
