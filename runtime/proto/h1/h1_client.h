// Client: the sans-IO HTTP/1.1 client core (one connection, requests one
// after another; no pipelining).
//
// Inputs:  send_request(), send_body(), end_body()  -> bytes to write;
//          receive_data(bytes) (empty = EOF).
// Outputs: next_event() -> Head, Body*, Complete | Closed | Error | NeedData
//          (see h1_parser.h for the event rules).
// Getters: can_reuse() says whether another request may go on this
//          connection (keep-alive, both directions of the last exchange done).
//
// Call order: send_request, then for a request with a body any number of
// send_body and one end_body; reading may interleave at any time. A call in
// the wrong state returns ErrorCode::kState and changes nothing.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "runtime/core/result.h"
#include "runtime/proto/h1/h1_parser.h"
#include "runtime/proto/http/http_message.h"

namespace ss::proto::h1 {

class Client {
 public:
  Client() : parser_(MessageParser::Kind::kResponse) {}

  // Request head bytes. Fails on an invalid request or while the previous
  // exchange is still open.
  Result<std::string> send_request(const Request& request);
  // Body bytes framed as the request said (chunked -> chunk framing).
  // With Content-Length, sending more than announced is an error.
  Result<std::string> send_body(std::span<const std::uint8_t> data);
  Result<std::string> send_body(std::string_view data) {
    return send_body(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
  }
  // Ends the body: the last chunk if chunked. With Content-Length, sending
  // fewer bytes than announced is an error.
  Result<std::string> end_body();

  void receive_data(std::span<const std::uint8_t> bytes);
  Event next_event();

  bool phase_sending() const { return phase_ == Phase::kSendingBody; }
  bool request_done() const { return phase_ == Phase::kRequestSent || phase_ == Phase::kIdle; }
  bool response_done() const { return response_complete_; }
  bool can_reuse() const;
  MessageParser& parser() { return parser_; }

 private:
  enum class Phase { kIdle, kSendingBody, kRequestSent };
  MessageParser parser_;
  Phase phase_ = Phase::kIdle;
  BodyFraming framing_ = BodyFraming::kNone;
  std::uint64_t announced_ = 0;
  std::uint64_t sent_ = 0;
  bool response_complete_ = false;
  bool keep_alive_ = false;
  bool first_request_ = true;
};

}  // namespace ss::proto::h1
