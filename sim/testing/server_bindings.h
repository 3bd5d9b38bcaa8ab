// The bindings a ServerBed's contexts need to serve and to be served by
// raw and ws streams (raw; ws, which also serves plain HTTP): for engine
// tests (runtime/stream) that may not name the bindings' packages.
#pragma once

#include "runtime/bind/raw/raw_binding.h"
#include "runtime/bind/ws/ws_binding.h"
#include "runtime/stream/context.h"

namespace ss::sim::testing {

inline void register_raw_and_ws_bindings(stream::Context& ctx) {
  proto::raw::register_raw_binding(ctx);
  proto::ws::register_ws_binding(ctx);
}

}  // namespace ss::sim::testing
