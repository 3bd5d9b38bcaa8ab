// The policy JSON of a WorldSpec (sim/generator/world_spec.h), written as
// text so every run goes through the real parser (runtime/policy/parse.h).
//
// Conventions the runner adds to the spec's streamtypes (docs/sim.md "The
// world scenario"):
//   - retries[i] is retry policy "r<i>"; a TLS streamtype trusts store
//     "sim", one test CA (`ca_der`) that issued every TLS server's leaf;
//   - h1 and ws streamtypes get metadata "ss_id" sent as header "x-ss-id:"
//     (the runner sets it to the stream's name, so the server can tell
//     whose request it reads);
//   - h1 streamtypes also get metadata "ss_reply" read from response
//     header "x-ss-reply:" (the server answers the n-th request that names
//     a stream with reply_value(that name, n), so each transaction's value
//     is new);
//   - h1 GET: http_url "dl/${ss_dl}/<url>" with metadata "ss_dl" (no
//     header), set by the runner to the stream's `download`; the server
//     serves /dl/<n>/... with body world_body(n);
//   - h1 POST: http_url "echo/<url>"; the server answers with the body;
//   - ws: http_url "<url>"; the server echoes every message;
//   - manual_initial_tx_credit is not a policy key: the runner passes it in
//     StreamInfo.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/generator/world_spec.h"

namespace ss::sim::world {

// Names the runner reserves for its own metadata.
inline constexpr const char* kIdMetadata = "ss_id";
inline constexpr const char* kIdHeader = "x-ss-id";
inline constexpr const char* kDownloadMetadata = "ss_dl";
inline constexpr const char* kReplyMetadata = "ss_reply";
inline constexpr const char* kReplyHeader = "x-ss-reply";

// The x-ss-reply value the world's HTTP servers send to stream `name`,
// before the number of the request (reply_value(name, n)).
inline std::string reply_prefix(const std::string& name) { return "reply-to-" + name + "#"; }
inline std::string reply_value(const std::string& name, unsigned n) { return reply_prefix(name) + std::to_string(n); }

// The policy's http_url for streamtype `st` (before ${} expansion).
std::string policy_url(const gen::StreamtypeSpec& st);

// `ca_der`: the test CA's certificate (empty when no server speaks TLS).
std::string world_policy_json(const gen::WorldSpec& spec, const std::vector<std::uint8_t>& ca_der);

// The body an h1 GET of n bytes gets: a lost, repeated or misplaced piece
// shows (peers::bulk_pattern, salted by n).
std::string world_body(std::size_t n);

}  // namespace ss::sim::world
