// Typed Policy -> JSON in the libwebsockets policy format, every key written
// out (defaults included), names instead of indices. parse_policy() of the
// result gives back an equal Policy (the round-trip property in props/).
//
// Values are written as stored: `jitterpc: 0` stays 0 (meaning 30 %),
// `proxy_buflen: 0` stays 0 (meaning 32768); `ss-policy explain` shows the
// effective values. Unset references (retry, tls_trust_store, rideshare,
// use_auth, server_cert, server_key) and client_cert 0 (none) are omitted.
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/policy/policy.h"

namespace ss::policy {

// nlohmann::json sorts object keys; the ordered variants keep the sections
// in definition-before-use order (retry, certs, trust_stores, auth, metrics,
// s), so their text also parses without forward-reference warnings.
nlohmann::json to_json(const Policy& policy);
nlohmann::ordered_json to_ordered_json(const Policy& policy);

// One streamtype's body (the value under its name in `s`).
nlohmann::json to_json(const Policy& policy, const Streamtype& st);
nlohmann::ordered_json to_ordered_json(const Policy& policy, const Streamtype& st);

}  // namespace ss::policy
