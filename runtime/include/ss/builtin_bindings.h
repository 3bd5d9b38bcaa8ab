// The protocol bindings every context of the C and C++ APIs has: raw, h1,
// ws, mqtt and h2, registered by StreamContext (ss/streams.h), by the C
// API's contexts (runtime/capi) and by the tools' production runtime. The
// one list of them (docs/architecture.md, "A protocol").
#pragma once

#include "runtime/bind/h1/h1_binding.h"
#include "runtime/bind/h2/h2_binding.h"
#include "runtime/bind/mqtt/mqtt_binding.h"
#include "runtime/bind/raw/raw_binding.h"
#include "runtime/bind/ws/ws_binding.h"
#include "runtime/stream/context.h"

namespace ss::stream {

inline void register_builtin_bindings(Context& ctx) {
  proto::raw::register_raw_binding(ctx);
  proto::h1::register_h1_binding(ctx);
  proto::ws::register_ws_binding(ctx);
  proto::mqtt::register_mqtt_binding(ctx);
  proto::h2::register_h2_binding(ctx);
}

}  // namespace ss::stream
