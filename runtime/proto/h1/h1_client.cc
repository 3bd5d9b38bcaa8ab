#include "runtime/proto/h1/h1_client.h"

namespace ss::proto::h1 {

Result<std::string> Client::send_request(const Request& request) {
  if (phase_ != Phase::kIdle && !(phase_ == Phase::kRequestSent && can_reuse()))
    return make_error(ErrorCode::kState, "h1 client: previous exchange still open");
  if (!first_request_ && !can_reuse())
    return make_error(ErrorCode::kState, "h1 client: connection cannot be reused");
  if (request.framing == BodyFraming::kUntilClose)
    return make_error(ErrorCode::kInvalidArgument, "h1 client: a request body cannot end at close");
  auto head = serialize_request(request);
  if (!head.ok()) return head;
  first_request_ = false;
  framing_ = request.framing;
  announced_ = request.content_length;
  sent_ = 0;
  response_complete_ = false;
  keep_alive_ = false;
  if (iequals(request.method, "HEAD")) parser_.expect_no_body();
  bool has_body = framing_ == BodyFraming::kChunked ||
                  (framing_ == BodyFraming::kContentLength && announced_ > 0);
  phase_ = has_body ? Phase::kSendingBody : Phase::kRequestSent;
  return head;
}

Result<std::string> Client::send_body(std::span<const std::uint8_t> data) {
  if (phase_ != Phase::kSendingBody)
    return make_error(ErrorCode::kState, "h1 client: no request body is open");
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (framing_ == BodyFraming::kContentLength) {
    if (sent_ + data.size() > announced_)
      return make_error(ErrorCode::kInvalidArgument,
                        "h1 client: body exceeds Content-Length " + std::to_string(announced_));
    sent_ += data.size();
    return std::string(text);
  }
  sent_ += data.size();
  return encode_chunk(text);
}

Result<std::string> Client::end_body() {
  if (phase_ != Phase::kSendingBody)
    return make_error(ErrorCode::kState, "h1 client: no request body is open");
  if (framing_ == BodyFraming::kContentLength && sent_ != announced_)
    return make_error(ErrorCode::kInvalidArgument, "h1 client: body is " + std::to_string(sent_) +
                                                       " bytes, Content-Length said " + std::to_string(announced_));
  phase_ = Phase::kRequestSent;
  return std::string(framing_ == BodyFraming::kChunked ? kLastChunk : std::string_view());
}

void Client::receive_data(std::span<const std::uint8_t> bytes) { parser_.receive_data(bytes); }

Event Client::next_event() {
  Event e = parser_.next_event();
  if (auto* c = std::get_if<CompleteEvent>(&e)) {
    response_complete_ = true;
    keep_alive_ = c->keep_alive && !parser_.upgraded();
  }
  return e;
}

bool Client::can_reuse() const {
  return phase_ == Phase::kRequestSent && response_complete_ && keep_alive_ && !parser_.ended();
}

}  // namespace ss::proto::h1
