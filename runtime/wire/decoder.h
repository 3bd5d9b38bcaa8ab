// Sans-IO decoder for serialized Secure Streams frames (frames.h).
//
// Bytes from the link go in with receive_data(), in whatever pieces the transport
// gave them; whole frames come out of next_event(). The decoder never touches a
// socket or a clock. The input is untrusted: a frame that breaks a rule of
// docs/secure-streams.md §3.2 (unknown type, a type the sender may not send, a body
// length the type does not allow, a name over its limit) is an error that names the
// absolute byte offset in the link's stream, and the decoder stays in that
// error state for good (the link is to be dropped).
//
// Memory: the decoder holds at most the bytes handed to receive_data() and not
// yet returned as frames; call next_event() until it says kNeedData after every
// receive_data() and that stays under one frame (3 + 65535 bytes) plus one chunk.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/wire/frames.h"

namespace ss::wire {

// Decodes exactly one whole frame (header + body) sent in direction `from`.
// `stream_offset` is where the frame starts in its link, for messages.
Result<Frame> decode_frame(Direction from, std::span<const std::uint8_t> frame,
                           std::uint64_t stream_offset = 0);

class FrameDecoder {
 public:
  enum class Status { kFrame, kNeedData, kError };

  // `from` is the direction of the frames this decoder reads: a proxy reads
  // kClientToProxy, a client reads kProxyToClient.
  explicit FrameDecoder(Direction from) : from_(from) {}

  void receive_data(std::span<const std::uint8_t> bytes);

  // kFrame: *out holds the next frame. kNeedData: feed more bytes.
  // kError: error() says what and where; every later call says kError.
  Status next_event(Frame* out);

  const Error& error() const { return error_; }
  std::uint64_t consumed() const { return consumed_; }  // bytes turned into frames
  std::size_t buffered() const { return buffer_.size() - start_; }

 private:
  Direction from_;
  std::vector<std::uint8_t> buffer_;
  std::size_t start_ = 0;  // first unconsumed byte in buffer_
  std::uint64_t consumed_ = 0;
  Error error_;
};

}  // namespace ss::wire
