// Policy JSON -> immutable typed Policy (policy.h), with validation.
//
// Input is untrusted. Every problem becomes a Diagnostic naming the JSON
// path (e.g. `s[2].mintest.retry`), what was found and what was expected.
// Errors make the parse fail (policy == nullptr); warnings mark places where
// libwebsockets would read the same text differently (silently ignore a key,
// or reject a forward reference that we accept) and leave the policy usable.
// Limits (docs/policy.md): 1 MiB of text, nesting depth 32, 65536 JSON
// values, 256-byte object keys, 200 diagnostics (then one summary line);
// per-key limits as in docs/secure-streams.md §1.2 (8 backoff entries, 6 certs
// per stack, 255 metadata, 16 http_resp_map entries), but 16 KiB of DER per cert.
// No input throws, crashes or allocates beyond a small multiple of its size.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/policy/policy.h"

namespace ss::policy {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity;
  std::string path;     // JSON path, "" for the document as a whole
  std::string message;  // what was found, what was expected
  // Where in the text: the key of the value `path` names (or the value, in
  // an array), or where a syntax error is. 1-based, column in bytes; 0 when
  // unknown (the document as a whole, a path into an overlay's base).
  std::size_t line = 0;
  std::size_t column = 0;
};

struct ParseOutput {
  std::shared_ptr<const Policy> policy;  // null on error
  std::vector<Diagnostic> diagnostics;   // document order; reference checks last
  // load_policy_text_or_file: the file could not be opened or read (the
  // one error diagnostic says which), as opposed to a policy with errors.
  bool unreadable = false;

  bool ok() const { return policy != nullptr; }
  std::size_t error_count() const;
  std::size_t warning_count() const;
};

// "error: s[0].x.port: ..." — one line per diagnostic.
std::string format_diagnostic(const Diagnostic& d);
// "p.json:3:14: error: s[0].x.port: ..." (the compiler style editors
// follow); "p.json: error: ..." when the line is unknown.
std::string format_diagnostic(const Diagnostic& d, std::string_view source);

ParseOutput parse_policy(std::string_view json);

// Parses a second document over `base`: a streamtype of `s` that already
// exists gets only the keys given overwritten (`metadata` and
// `http_resp_map`/`options` replace the whole list); new streamtypes and new
// retry/certs/trust_stores/auth/metrics names are added (reusing an existing
// name is a duplicate error); top-level strings replace the base ones.
ParseOutput apply_overlay(const Policy& base, std::string_view overlay_json);

// As libwebsockets' pss_policies_json: text that starts with '{' is the
// policy itself, anything else is a path to a file holding it (read up to
// the 1 MiB limit).
ParseOutput load_policy_text_or_file(std::string_view text_or_path);

// Reads a policy (or overlay) file, up to one byte past the 1 MiB limit so
// that parse_policy reports an overflow. The error names `what` ("policy
// file", "overlay"), the path and the system's reason.
Result<std::string> read_policy_file(const std::string& path, std::string_view what);

}  // namespace ss::policy
