// The serialized Secure Streams protocol (SSSv1): the frames a client and an
// SS proxy exchange, one stream per link, written back to back with no outer
// framing (docs/secure-streams.md §3, docs/wire.md).
//
//   frame = type:u8, rest_len:u16 big-endian, body[rest_len]
//
// Every integer is big-endian. Each struct below is one frame type; its
// comment gives the body layout by byte offset *within the body* (lws's
// comments count from the frame start, i.e. +3).
//
// These types are plain data. decoder.h turns bytes into them (untrusted
// input: every rule is checked and an error names the byte offset);
// encoder.h turns them into bytes, byte-identical to libwebsockets for the
// same fields (checked against captured traffic in wire_golden_test.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ss::wire {

// Frame type codes (lws_sss_cmds_t).
enum class FrameType : std::uint8_t {
  // proxy -> client
  kRxPayload = 0x55,
  kCreateResult = 0x56,
  kConnState = 0x57,
  kProxyTxCredit = 0x58,
  kProxyMetadata = 0x59,
  kTlsNegEnclaveSign = 0x5a,  // reserved by lws; never generated
  kPerf = 0x5b,
  // client -> proxy
  kStreamType = 0xaa,
  kOnwardConnect = 0xab,
  kDestroying = 0xac,
  kTxPayload = 0xad,
  kClientMetadata = 0xae,
  kClientTxCredit = 0xaf,
  kTimeoutUpdate = 0xb0,
  kPayloadLengthHint = 0xb1,
  kTlsNegEnclaveSigned = 0xb2,  // reserved by lws; never generated
  kLinkValidityProbe = 0xb3,    // defined by lws, never handled
};

enum class Direction { kClientToProxy, kProxyToClient };

const char* frame_type_name(FrameType type);  // "STREAMTYPE", "RX_PAYLOAD", ...

// Limits, as libwebsockets enforces them (docs/secure-streams.md §3.9). Exceeding one is a
// decode error naming the limit.
inline constexpr std::size_t kHeaderSize = 3;
inline constexpr std::size_t kMaxBody = 65535;
inline constexpr std::size_t kMaxStreamtypeName = 31;
inline constexpr std::size_t kMaxMetadataName = 30;
inline constexpr std::size_t kMaxRideshareName = 31;
inline constexpr std::size_t kMaxCreateResultList = 127;
inline constexpr std::size_t kMaxCreateResultEntries = 4;
inline constexpr std::size_t kPayloadPrefix = 16;  // flags + wait/latency + timestamp

inline constexpr std::uint8_t kProtocolVersion = 1;
inline constexpr std::int32_t kDefaultInitialTxCredit = 500000000;
inline constexpr std::uint32_t kTimeoutFromPolicy = 0;
inline constexpr std::uint32_t kTimeoutCancel = 0xffffffff;

// LWSSS_FLAG_* (docs/secure-streams.md §2.9).
inline constexpr std::uint32_t kFlagSom = 1u << 0;
inline constexpr std::uint32_t kFlagEom = 1u << 1;
inline constexpr std::uint32_t kFlagPoll = 1u << 2;
inline constexpr std::uint32_t kFlagRelatedStart = 1u << 3;
inline constexpr std::uint32_t kFlagRelatedEnd = 1u << 4;
inline constexpr std::uint32_t kFlagRideshare = 1u << 5;
inline constexpr std::uint32_t kFlagPerfJson = 1u << 6;

// 0xaa. Body: 0 u8 version | 1 u32 pid | 5 i32 initial tx credit | 9 name.
struct StreamTypeFrame {
  std::uint8_t version = kProtocolVersion;
  std::uint32_t client_pid = 0;
  std::int32_t initial_tx_credit = kDefaultInitialTxCredit;
  std::string streamtype;  // 1..31 bytes, no NUL
  friend bool operator==(const StreamTypeFrame&, const StreamTypeFrame&) = default;
};

// 0xab, 0xac, 0xb3: empty body.
struct OnwardConnectFrame {
  friend bool operator==(const OnwardConnectFrame&, const OnwardConnectFrame&) = default;
};
struct DestroyingFrame {
  friend bool operator==(const DestroyingFrame&, const DestroyingFrame&) = default;
};
struct LinkValidityProbeFrame {
  friend bool operator==(const LinkValidityProbeFrame&, const LinkValidityProbeFrame&) = default;
};

// 0xad (client->proxy) and 0x55 (proxy->client) share a layout:
// 0 u32 flags | 4 u32 µs (client: wait since request_tx; proxy: latency,
// always 0 from lws) | 8 u64 µs monotonic timestamp |
// 16 [if flags & RIDESHARE: u8 R, R bytes name] | payload.
struct PayloadFrame {
  Direction direction = Direction::kClientToProxy;
  std::uint32_t flags = 0;
  std::uint32_t delay_us = 0;
  std::uint64_t timestamp_us = 0;
  std::optional<std::string> rideshare;  // present iff flags & kFlagRideshare
  std::vector<std::uint8_t> payload;
  friend bool operator==(const PayloadFrame&, const PayloadFrame&) = default;
};

// 0xae (client->proxy) and 0x59 (proxy->client):
// 0 u8 L | 1 name (L bytes, 1..30) | 1+L value (rest, no NUL).
struct MetadataFrame {
  Direction direction = Direction::kClientToProxy;
  std::string name;
  std::string value;
  friend bool operator==(const MetadataFrame&, const MetadataFrame&) = default;
};

// 0xaf (client->proxy) and 0x58 (proxy->client): body is exactly an i32.
struct TxCreditFrame {
  Direction direction = Direction::kClientToProxy;
  std::int32_t credit = 0;
  friend bool operator==(const TxCreditFrame&, const TxCreditFrame&) = default;
};

// 0xb0: u32 ms; 0 = policy timeout_ms, 0xffffffff = cancel.
struct TimeoutUpdateFrame {
  std::uint32_t timeout_ms = kTimeoutFromPolicy;
  friend bool operator==(const TimeoutUpdateFrame&, const TimeoutUpdateFrame&) = default;
};

// 0xb1: u32 payload length (feeds request_tx_len at the proxy).
struct PayloadLengthHintFrame {
  std::uint32_t length = 0;
  friend bool operator==(const PayloadLengthHintFrame&, const PayloadLengthHintFrame&) = default;
};

// 0x56: 0 u8 result (0 ok, 1 failed) | 1 u32 client_buflen | 5 list.
// The list is kept as it was on the wire. libwebsockets writes it as
// "," + streamtype + ("," + rideshare)*: the leading comma makes an empty
// first entry, and its client's rideshare index then lags one part behind
// (docs/secure-streams.md §3.4, §6 item 1). ok() writes streamtype +
// ("," + rideshare)* instead; streamtypes() reads either spelling.
struct CreateResultFrame {
  std::uint8_t result = 0;
  std::uint32_t client_buflen = 0;
  std::string list;

  static CreateResultFrame ok(std::uint32_t client_buflen,
                              const std::vector<std::string>& streamtypes);
  static CreateResultFrame failed() { return CreateResultFrame{1, 0, {}}; }
  std::vector<std::string> streamtypes() const;  // non-empty entries, in order
  friend bool operator==(const CreateResultFrame&, const CreateResultFrame&) = default;
};

// 0x57: state < 256: u8 state | u32 ordinal (5 bytes);
//       otherwise:   u32 state | u32 ordinal (8 bytes).
struct ConnStateFrame {
  std::uint32_t state = 0;
  std::uint32_t ordinal = 0;
  friend bool operator==(const ConnStateFrame&, const ConnStateFrame&) = default;
};

// 0x5b: a JSON perf record (whole body).
struct PerfFrame {
  std::string json;
  friend bool operator==(const PerfFrame&, const PerfFrame&) = default;
};

using Frame = std::variant<StreamTypeFrame, OnwardConnectFrame, DestroyingFrame,
                           LinkValidityProbeFrame, PayloadFrame, MetadataFrame, TxCreditFrame,
                           TimeoutUpdateFrame, PayloadLengthHintFrame, CreateResultFrame,
                           ConnStateFrame, PerfFrame>;

// The type code this frame is sent with.
FrameType frame_type(const Frame& frame);

// One line, for logs and ss-cat -v: e.g. "CONNSTATE state=5 ordinal=0".
std::string describe(const Frame& frame);

}  // namespace ss::wire
