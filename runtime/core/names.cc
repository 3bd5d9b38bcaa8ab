// Stable names for the seams' enums (they appear in traces and logs, and the
// trace hash depends on them: do not rename).
#include "runtime/core/net.h"
#include "runtime/core/result.h"
#include "runtime/core/tls.h"

namespace ss {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kParse: return "parse";
    case ErrorCode::kLimit: return "limit";
    case ErrorCode::kState: return "state";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kTls: return "tls";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kInternal: return "internal";
  }
  return "unknown";
}

const char* end_reason_name(EndReason reason) {
  switch (reason) {
    case EndReason::kRefused: return "refused";
    case EndReason::kReset: return "reset";
    case EndReason::kTimedOut: return "timed_out";
    case EndReason::kDnsFailure: return "dns_failure";
    case EndReason::kUnreachable: return "unreachable";
    case EndReason::kTlsFailure: return "tls_failure";
    case EndReason::kClosedByPeer: return "closed_by_peer";
    case EndReason::kClosedLocally: return "closed_locally";
  }
  return "unknown";
}

const char* end_reason_text(EndReason reason) {
  switch (reason) {
    case EndReason::kRefused: return "connection refused";
    case EndReason::kReset: return "connection reset";
    case EndReason::kTimedOut: return "connect timed out";
    case EndReason::kDnsFailure: return "the host name did not resolve";
    case EndReason::kUnreachable: return "no route to the host";
    case EndReason::kTlsFailure: return "TLS failure";
    case EndReason::kClosedByPeer: return "the peer closed the connection";
    case EndReason::kClosedLocally: return "closed on our side";
  }
  return end_reason_name(reason);
}

const char* tls_status_name(TlsStatus status) {
  switch (status) {
    case TlsStatus::kHandshaking: return "handshaking";
    case TlsStatus::kEstablished: return "established";
    case TlsStatus::kClosed: return "closed";
    case TlsStatus::kFailed: return "failed";
  }
  return "unknown";
}

std::string Connection::peer_identity() const {
  const Endpoint p = peer();
  return p.kind == Endpoint::Kind::kTcp ? p.host : to_string(p);
}

}  // namespace ss
