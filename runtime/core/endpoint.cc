#include "runtime/core/endpoint.h"

namespace ss {

Result<Endpoint> parse_endpoint(std::string_view text, std::uint16_t port) {
  if (text.empty()) return make_error(ErrorCode::kInvalidArgument, "endpoint is empty");
  if (text.front() == '+') {
    std::string_view rest = text.substr(1);
    if (!rest.empty() && rest.front() == '@') {
      rest.remove_prefix(1);
      if (rest.empty())
        return make_error(ErrorCode::kInvalidArgument,
                          "abstract unix endpoint '+@' needs a name after '@'");
      if (rest.size() > 107)
        return make_error(ErrorCode::kLimit, "abstract unix socket name longer than 107 bytes");
      return Endpoint::unix_abstract(std::string(rest));
    }
    if (rest.empty())
      return make_error(ErrorCode::kInvalidArgument, "unix endpoint '+' needs a path after '+'");
    if (rest.size() > 107)
      return make_error(ErrorCode::kLimit, "unix socket path longer than 107 bytes");
    return Endpoint::unix_path(std::string(rest));
  }
  std::string_view host = text;
  if (host.front() == '[') {
    if (host.back() != ']')
      return make_error(ErrorCode::kInvalidArgument, "IPv6 endpoint '[' without closing ']'");
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) return make_error(ErrorCode::kInvalidArgument, "endpoint host is empty");
  for (char c : host) {
    if (c == ' ' || c == '/' || c == '\0')
      return make_error(ErrorCode::kInvalidArgument,
                        "endpoint host contains an invalid character");
  }
  return Endpoint::tcp(std::string(host), port);
}

std::string to_string(const Endpoint& endpoint) {
  switch (endpoint.kind) {
    case Endpoint::Kind::kUnixPath: return "+" + endpoint.path;
    case Endpoint::Kind::kUnixAbstract: return "+@" + endpoint.path;
    case Endpoint::Kind::kTcp: break;
  }
  const bool v6 = endpoint.host.find(':') != std::string::npos;
  return (v6 ? "[" + endpoint.host + "]" : endpoint.host) + ":" + std::to_string(endpoint.port);
}

}  // namespace ss
