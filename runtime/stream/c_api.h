// Internals of the C API (runtime/include/libwebsockets.h) for backends.
#pragma once

#include <memory>
#include <string>

#include <libwebsockets.h>

#include "runtime/stream/backend.h"

namespace ss::stream {

// Creates an lws_context running on `backend`. Returns nullptr (with an
// lwsl_err line saying why) if the policy does not load.
lws_context* create_c_context(const lws_context_creation_info* info,
                              std::unique_ptr<Backend> backend);

Backend* backend_of(lws_context* context);
// Logs through lws_set_log_level's emitter/level (LLL_* `level`).
void c_log(int level, const std::string& line);
Context* engine_of(lws_context* context);

}  // namespace ss::stream
