// Request headers the HTTP bindings (h1, h2) take from the policy alike
// (docs/secure-streams.md, "HTTP"): the name in a metadata item's header
// mapping, and the headers whose values are system blobs.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/stream/binding.h"

namespace ss::proto::http {

// The header name of a policy mapping: "X-Token:" -> "X-Token".
std::string header_name(std::string_view mapping);

// http_auth_header / http_dsn_header / http_fwv_header /
// http_devtype_header of the host's streamtype: each a (name, value)
// request header whose value is a system blob (auth: after
// http_auth_preamble, e.g. "Bearer "; the streamtype's use_auth picks one
// of the two auth slots). None for a blob that is unset or empty.
std::vector<std::pair<std::string, std::string>> system_blob_headers(const stream::BindingHost& host);

}  // namespace ss::proto::http
