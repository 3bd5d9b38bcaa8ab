#include "runtime/wire/frames.h"

#include <cstdio>
#include <type_traits>

namespace ss::wire {

const char* frame_type_name(FrameType type) {
  switch (type) {
    case FrameType::kRxPayload: return "RX_PAYLOAD";
    case FrameType::kCreateResult: return "CREATE_RESULT";
    case FrameType::kConnState: return "CONNSTATE";
    case FrameType::kProxyTxCredit: return "TXCR_UPDATE";
    case FrameType::kProxyMetadata: return "METADATA";
    case FrameType::kTlsNegEnclaveSign: return "TLSNEG_ENCLAVE_SIGN";
    case FrameType::kPerf: return "PERF";
    case FrameType::kStreamType: return "STREAMTYPE";
    case FrameType::kOnwardConnect: return "ONWARD_CONNECT";
    case FrameType::kDestroying: return "DESTROYING";
    case FrameType::kTxPayload: return "TX_PAYLOAD";
    case FrameType::kClientMetadata: return "METADATA";
    case FrameType::kClientTxCredit: return "TXCR_UPDATE";
    case FrameType::kTimeoutUpdate: return "TIMEOUT_UPDATE";
    case FrameType::kPayloadLengthHint: return "PAYLOAD_LENGTH_HINT";
    case FrameType::kTlsNegEnclaveSigned: return "TLSNEG_ENCLAVE_SIGNED";
    case FrameType::kLinkValidityProbe: return "LINK_VALIDITY_PROBE";
  }
  return "UNKNOWN";
}

CreateResultFrame CreateResultFrame::ok(std::uint32_t client_buflen,
                                        const std::vector<std::string>& streamtypes) {
  CreateResultFrame f;
  f.result = 0;
  f.client_buflen = client_buflen;
  for (const auto& name : streamtypes) f.list += (f.list.empty() ? "" : ",") + name;  // no leading comma
  return f;
}

std::vector<std::string> CreateResultFrame::streamtypes() const {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    const std::size_t comma = list.find(',', pos);
    const std::size_t end = comma == std::string::npos ? list.size() : comma;
    if (end > pos) out.push_back(list.substr(pos, end - pos));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

FrameType frame_type(const Frame& frame) {
  return std::visit(
      [](const auto& f) -> FrameType {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, StreamTypeFrame>) return FrameType::kStreamType;
        if constexpr (std::is_same_v<T, OnwardConnectFrame>) return FrameType::kOnwardConnect;
        if constexpr (std::is_same_v<T, DestroyingFrame>) return FrameType::kDestroying;
        if constexpr (std::is_same_v<T, LinkValidityProbeFrame>) return FrameType::kLinkValidityProbe;
        if constexpr (std::is_same_v<T, PayloadFrame>)
          return f.direction == Direction::kClientToProxy ? FrameType::kTxPayload
                                                          : FrameType::kRxPayload;
        if constexpr (std::is_same_v<T, MetadataFrame>)
          return f.direction == Direction::kClientToProxy ? FrameType::kClientMetadata
                                                          : FrameType::kProxyMetadata;
        if constexpr (std::is_same_v<T, TxCreditFrame>)
          return f.direction == Direction::kClientToProxy ? FrameType::kClientTxCredit
                                                          : FrameType::kProxyTxCredit;
        if constexpr (std::is_same_v<T, TimeoutUpdateFrame>) return FrameType::kTimeoutUpdate;
        if constexpr (std::is_same_v<T, PayloadLengthHintFrame>) return FrameType::kPayloadLengthHint;
        if constexpr (std::is_same_v<T, CreateResultFrame>) return FrameType::kCreateResult;
        if constexpr (std::is_same_v<T, ConnStateFrame>) return FrameType::kConnState;
        if constexpr (std::is_same_v<T, PerfFrame>) return FrameType::kPerf;
      },
      frame);
}

namespace {

// Printable form of bytes: printable ASCII kept, the rest as '.', cut at 40.
std::string preview(const std::string& bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < 40; ++i) {
    const unsigned char c = static_cast<unsigned char>(bytes[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
  }
  if (bytes.size() > 40) out += "...";
  return out;
}

}  // namespace

std::string describe(const Frame& frame) {
  std::string out = frame_type_name(frame_type(frame));
  std::visit(
      [&](const auto& f) {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, StreamTypeFrame>) {
          out += " version=" + std::to_string(f.version) + " pid=" + std::to_string(f.client_pid) +
                 " credit=" + std::to_string(f.initial_tx_credit) + " streamtype='" +
                 preview(f.streamtype) + "'";
        } else if constexpr (std::is_same_v<T, PayloadFrame>) {
          out += " flags=" + std::to_string(f.flags) + " us=" + std::to_string(f.delay_us) +
                 " time=" + std::to_string(f.timestamp_us);
          if (f.rideshare) out += " rideshare='" + preview(*f.rideshare) + "'";
          out += " payload[" + std::to_string(f.payload.size()) + "]='" +
                 preview(std::string(f.payload.begin(), f.payload.end())) + "'";
        } else if constexpr (std::is_same_v<T, MetadataFrame>) {
          out += " name='" + preview(f.name) + "' value[" + std::to_string(f.value.size()) +
                 "]='" + preview(f.value) + "'";
        } else if constexpr (std::is_same_v<T, TxCreditFrame>) {
          out += " credit=" + std::to_string(f.credit);
        } else if constexpr (std::is_same_v<T, TimeoutUpdateFrame>) {
          out += " ms=" + std::to_string(f.timeout_ms);
        } else if constexpr (std::is_same_v<T, PayloadLengthHintFrame>) {
          out += " length=" + std::to_string(f.length);
        } else if constexpr (std::is_same_v<T, CreateResultFrame>) {
          out += " result=" + std::to_string(f.result) + " client_buflen=" +
                 std::to_string(f.client_buflen) + " list='" + preview(f.list) + "'";
        } else if constexpr (std::is_same_v<T, ConnStateFrame>) {
          out += " state=" + std::to_string(f.state) + " ordinal=" + std::to_string(f.ordinal);
        } else if constexpr (std::is_same_v<T, PerfFrame>) {
          out += " json='" + preview(f.json) + "'";
        }
      },
      frame);
  return out;
}

}  // namespace ss::wire
