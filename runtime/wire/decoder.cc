#include "runtime/wire/decoder.h"

#include "runtime/core/planted.h"

#include <string>

namespace ss::wire {
namespace {

// Reads big-endian integers from a frame body; every read is bounds-checked
// by the caller's length rules first, so these never fail.
struct Reader {
  std::span<const std::uint8_t> body;
  std::size_t pos = 0;

  std::uint8_t u8() { return body[pos++]; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | body[pos++];
    return v;
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | body[pos++];
    return v;
  }
  std::string str(std::size_t n) {
    std::string s(reinterpret_cast<const char*>(body.data() + pos), n);
    pos += n;
    return s;
  }
  std::size_t left() const { return body.size() - pos; }
};

bool is_client_to_proxy(FrameType t) { return static_cast<std::uint8_t>(t) >= 0xaa; }

bool known_type(std::uint8_t code) {
  return (code >= 0x55 && code <= 0x5b) || (code >= 0xaa && code <= 0xb3);
}

class FrameError {
 public:
  FrameError(std::uint64_t frame_offset, FrameType type)
      : frame_offset_(frame_offset), type_(type) {}
  // `body_pos` is relative to the body; the message gives the absolute offset.
  Error at(std::size_t body_pos, const std::string& what) const {
    return make_error(ErrorCode::kParse,
                      "byte " + std::to_string(frame_offset_ + kHeaderSize + body_pos) + ": " +
                          frame_type_name(type_) + " " + what);
  }

 private:
  std::uint64_t frame_offset_;
  FrameType type_;
};

Result<PayloadFrame> decode_payload(Direction from, Reader& r, const FrameError& err) {
  if (r.left() < kPayloadPrefix)
    return err.at(0, "body is " + std::to_string(r.left()) + " bytes; expected at least 16 (flags, µs, timestamp)");
  PayloadFrame f;
  f.direction = from;
  f.flags = r.u32();
  f.delay_us = r.u32();
  f.timestamp_us = r.u64();
  if (f.flags & kFlagRideshare) {
    if (r.left() < 1) return err.at(r.pos, "has the RIDESHARE flag but no rideshare name length");
    const std::size_t pos = r.pos;
    const std::size_t n = r.u8();
    if (n == 0 || n > kMaxRideshareName)
      return err.at(pos, "rideshare name length " + std::to_string(n) + "; expected 1..31");
    if (r.left() < n)
      return err.at(pos, "rideshare name length " + std::to_string(n) + " runs past the body (" +
                             std::to_string(r.left()) + " bytes left)");
    f.rideshare = r.str(n);
  }
  f.payload.assign(r.body.begin() + static_cast<std::ptrdiff_t>(r.pos), r.body.end());
  if (SS_PLANTED("wire-rx-tail") && from == Direction::kProxyToClient && f.payload.size() > 4096)
    f.payload.pop_back();  // planted: the last byte of a big RX_PAYLOAD is lost
  return f;
}

Result<MetadataFrame> decode_metadata(Direction from, Reader& r, const FrameError& err) {
  if (r.left() < 2)
    return err.at(0, "body is " + std::to_string(r.left()) + " bytes; expected a name length and a name");
  const std::size_t n = r.u8();
  // planted: the longest name (30 bytes) refused
  if (n == 0 || n > kMaxMetadataName - (SS_PLANTED("wire-md-name-30") ? 1 : 0))
    return err.at(0, "name length " + std::to_string(n) + "; expected 1..30");
  if (r.left() < n)
    return err.at(0, "name length " + std::to_string(n) + " runs past the body (" +
                         std::to_string(r.left()) + " bytes left)");
  MetadataFrame f;
  f.direction = from;
  f.name = r.str(n);
  f.value = r.str(r.left());
  if (SS_PLANTED("wire-md-value-tail") && f.value.size() > 8) f.value.pop_back();
  return f;
}

Result<std::uint32_t> exactly_u32(Reader& r, const FrameError& err) {
  if (r.left() != 4)
    return err.at(0, "body is " + std::to_string(r.left()) + " bytes; expected exactly 4");
  return r.u32();
}

Result<CreateResultFrame> decode_create_result(Reader& r, const FrameError& err) {
  if (r.left() < 5)
    return err.at(0, "body is " + std::to_string(r.left()) + " bytes; expected at least 5 (result, buffer size)");
  CreateResultFrame f;
  f.result = r.u8();
  if (f.result > 1) return err.at(0, "result " + std::to_string(f.result) + "; expected 0 (ok) or 1 (failed)");
  f.client_buflen = r.u32();
  if (r.left() > kMaxCreateResultList)
    return err.at(5, "streamtype list is " + std::to_string(r.left()) + " bytes; limit is 127");
  f.list = r.str(r.left());
  if (f.streamtypes().size() > kMaxCreateResultEntries)
    return err.at(5, "streamtype list has more than 4 entries");
  return f;
}

Result<Frame> decode_body(Direction from, FrameType type, std::span<const std::uint8_t> body,
                          const FrameError& err) {
  Reader r{body};
  auto empty = [&](auto frame) -> Result<Frame> {
    if (!body.empty())
      return err.at(0, "body is " + std::to_string(body.size()) + " bytes; expected none");
    return Frame(frame);
  };
  switch (type) {
    case FrameType::kStreamType: {
      if (body.size() < 10)
        return err.at(0, "body is " + std::to_string(body.size()) +
                             " bytes; expected at least 10 (version, pid, credit, name)");
      if (body.size() - 9 > kMaxStreamtypeName)
        return err.at(9, "streamtype name is " + std::to_string(body.size() - 9) + " bytes; limit is 31");
      StreamTypeFrame f;
      f.version = r.u8();
      f.client_pid = r.u32();
      f.initial_tx_credit = static_cast<std::int32_t>(r.u32());
      f.streamtype = r.str(r.left());
      return Frame(std::move(f));
    }
    case FrameType::kOnwardConnect: return empty(OnwardConnectFrame{});
    case FrameType::kDestroying: return empty(DestroyingFrame{});
    case FrameType::kLinkValidityProbe: return empty(LinkValidityProbeFrame{});
    case FrameType::kTxPayload:
    case FrameType::kRxPayload: {
      auto f = decode_payload(from, r, err);
      if (!f) return f.error();
      return Frame(std::move(f).value());
    }
    case FrameType::kClientMetadata:
    case FrameType::kProxyMetadata: {
      auto f = decode_metadata(from, r, err);
      if (!f) return f.error();
      return Frame(std::move(f).value());
    }
    case FrameType::kClientTxCredit:
    case FrameType::kProxyTxCredit: {
      auto v = exactly_u32(r, err);
      if (!v) return v.error();
      return Frame(TxCreditFrame{from, static_cast<std::int32_t>(*v)});
    }
    case FrameType::kTimeoutUpdate: {
      auto v = exactly_u32(r, err);
      if (!v) return v.error();
      return Frame(TimeoutUpdateFrame{*v});
    }
    case FrameType::kPayloadLengthHint: {
      auto v = exactly_u32(r, err);
      if (!v) return v.error();
      return Frame(PayloadLengthHintFrame{*v});
    }
    case FrameType::kCreateResult: {
      auto f = decode_create_result(r, err);
      if (!f) return f.error();
      return Frame(std::move(f).value());
    }
    case FrameType::kConnState: {
      ConnStateFrame f;
      if (body.size() == 5) {
        f.state = r.u8();
      } else if (body.size() == 8) {
        f.state = r.u32();
      } else {
        return err.at(0, "body is " + std::to_string(body.size()) + " bytes; expected 5 or 8");
      }
      f.ordinal = r.u32();
      return Frame(f);
    }
    case FrameType::kPerf: return Frame(PerfFrame{r.str(r.left())});
    case FrameType::kTlsNegEnclaveSign:
    case FrameType::kTlsNegEnclaveSigned:
      return err.at(0, "is reserved and not supported");
  }
  return err.at(0, "has no decoder");
}

// The type byte alone: known, and allowed from this sender?
Error check_type(Direction from, std::uint8_t code, std::uint64_t offset) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (!known_type(code))
    return make_error(ErrorCode::kParse, "byte " + std::to_string(offset) +
                                             ": unknown frame type 0x" + kHex[code >> 4] +
                                             kHex[code & 15]);
  const auto type = static_cast<FrameType>(code);
  const bool c2p = is_client_to_proxy(type);
  if (c2p != (from == Direction::kClientToProxy))
    return make_error(ErrorCode::kParse, "byte " + std::to_string(offset) + ": frame type " +
                                             frame_type_name(type) + " may only be sent " +
                                             (c2p ? "by a client" : "by a proxy"));
  return Error();
}

}  // namespace

Result<Frame> decode_frame(Direction from, std::span<const std::uint8_t> frame,
                           std::uint64_t stream_offset) {
  if (frame.size() < kHeaderSize)
    return make_error(ErrorCode::kParse, "byte " + std::to_string(stream_offset) +
                                             ": frame header needs 3 bytes, got " +
                                             std::to_string(frame.size()));
  if (Error e = check_type(from, frame[0], stream_offset)) return e;
  const auto type = static_cast<FrameType>(frame[0]);
  const std::size_t rest = (std::size_t{frame[1]} << 8) | frame[2];
  if (frame.size() != kHeaderSize + rest)
    return make_error(ErrorCode::kParse, "byte " + std::to_string(stream_offset + 1) + ": " +
                                             frame_type_name(type) + " length " +
                                             std::to_string(rest) + " but " +
                                             std::to_string(frame.size() - kHeaderSize) +
                                             " body bytes given");
  return decode_body(from, type, frame.subspan(kHeaderSize), FrameError(stream_offset, type));
}

void FrameDecoder::receive_data(std::span<const std::uint8_t> bytes) {
  if (!error_.ok() || bytes.empty()) return;
  // Compact before growing, so the buffer stays about one frame long.
  if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

FrameDecoder::Status FrameDecoder::next_event(Frame* out) {
  if (!error_.ok()) return Status::kError;
  const std::size_t have = buffer_.size() - start_;
  if (have < 1) return Status::kNeedData;
  const std::uint8_t* p = buffer_.data() + start_;
  // Reject a bad type on its first byte, not after waiting for a body.
  if (Error e = check_type(from_, p[0], consumed_)) {
    error_ = std::move(e);
    return Status::kError;
  }
  if (have < kHeaderSize) return Status::kNeedData;
  const std::size_t total = kHeaderSize + ((std::size_t{p[1]} << 8) | p[2]);
  if (have < total) return Status::kNeedData;
  auto frame = decode_frame(from_, std::span(p, total), consumed_);
  if (!frame) {
    error_ = frame.error();
    return Status::kError;
  }
  *out = std::move(frame).value();
  start_ += total;
  consumed_ += total;
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
  return Status::kFrame;
}

}  // namespace ss::wire
