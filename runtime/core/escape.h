// Escaping text from keys and values (policy names, metadata, endpoints,
// header values, certificate fields) before it goes into a diagnostic or a
// log line, so that what a peer or a policy author wrote can never break the
// line, move the cursor or speak to the terminal (docs/api.md, "Errors and
// log lines").
#pragma once

#include <string>
#include <string_view>

namespace ss {

// `text` with every control character written as an escape, C style:
// \n \r \t, \\ for a backslash (so the output is unambiguous), \xNN for the
// other C0 bytes and DEL, \u0080..\u009f for the C1 controls (UTF-8
// C2 80..C2 9F). Everything else, UTF-8 included, is kept as it is.
std::string escape_text(std::string_view text);

// '<escape_text(text)>': a value quoted in a message.
std::string quote_text(std::string_view text);

}  // namespace ss
