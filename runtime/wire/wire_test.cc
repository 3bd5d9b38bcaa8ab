// Unit tests of the frame codec: lws's worked examples of each frame
// (docs/secure-streams.md §3.3-3.4) and one case per decode error class,
// each naming its byte offset.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/wire/decoder.h"
#include "runtime/wire/encoder.h"

namespace ss::wire {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes hex(const std::string& text) {
  Bytes out;
  std::string digits;
  for (char c : text) {
    if (c == 'x') digits += "61";  // shorthand for an 'a' byte
    else if (c != ' ') digits += c;
  }
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  return out;
}

TEST(WireSpecExamples, StreamTypeForMintest) {
  StreamTypeFrame f{1, 0x1234, kDefaultInitialTxCredit, "mintest"};
  EXPECT_EQ(*encode_frame(f), hex("aa 00 10 01 00 00 12 34 1d cd 65 00 6d 69 6e 74 65 73 74"));
}

TEST(WireSpecExamples, ConnStateNarrowAndWide) {
  EXPECT_EQ(*encode_frame(ConnStateFrame{5, 0}), hex("57 00 05 05 00 00 00 00"));
  EXPECT_EQ(*encode_frame(ConnStateFrame{1530, 0}), hex("57 00 08 00 00 05 fa 00 00 00 00"));
  auto wide = decode_frame(Direction::kProxyToClient, hex("57 00 08 00 00 05 fa 00 00 00 07"));
  ASSERT_TRUE(wide.ok());
  EXPECT_EQ(std::get<ConnStateFrame>(*wide), (ConnStateFrame{1530, 7}));
}

TEST(WireSpecExamples, RxPayloadHi) {
  PayloadFrame f;
  f.direction = Direction::kProxyToClient;
  f.flags = kFlagSom | kFlagEom;
  f.timestamp_us = 0x0102030405060708ULL;
  f.payload = {'h', 'i'};
  EXPECT_EQ(*encode_frame(f), hex("55 00 12 00 00 00 03 00 00 00 00 01 02 03 04 05 06 07 08 68 69"));
}

TEST(WireSpecExamples, FixedFourByteFrames) {
  EXPECT_EQ(*encode_frame(TimeoutUpdateFrame{3000}), hex("b0 00 04 00 00 0b b8"));
  EXPECT_EQ(*encode_frame(TimeoutUpdateFrame{kTimeoutCancel}), hex("b0 00 04 ff ff ff ff"));
  EXPECT_EQ(*encode_frame(PayloadLengthHintFrame{5970}), hex("b1 00 04 00 00 17 52"));
  EXPECT_EQ(*encode_frame(TxCreditFrame{Direction::kClientToProxy, 100}), hex("af 00 04 00 00 00 64"));
  EXPECT_EQ(*encode_frame(TxCreditFrame{Direction::kProxyToClient, -1}), hex("58 00 04 ff ff ff ff"));
  EXPECT_EQ(*encode_frame(OnwardConnectFrame{}), hex("ab 00 00"));
  EXPECT_EQ(*encode_frame(DestroyingFrame{}), hex("ac 00 00"));
}

TEST(WireSpecExamples, RidesharePayloadRoundTrips) {
  PayloadFrame f;
  f.direction = Direction::kClientToProxy;
  f.flags = kFlagSom | kFlagRideshare;
  f.rideshare = "avs_audio";
  f.payload = {1, 2, 3};
  auto bytes = encode_frame(f);
  ASSERT_TRUE(bytes.ok());
  auto back = decode_frame(Direction::kClientToProxy, *bytes);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(std::get<PayloadFrame>(*back), f);
}

TEST(WireSpecExamples, CreateResultListAcceptsBothSpellings) {
  CreateResultFrame lws{0, 0, ",a,b"};
  CreateResultFrame plain{0, 0, "a,b"};
  EXPECT_EQ(lws.streamtypes(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(plain.streamtypes(), (std::vector<std::string>{"a", "b"}));
}

struct BadCase {
  const char* what;
  Direction from;
  std::string bytes;     // hex; may be several frames
  std::string message;   // must appear in the error
};

class WireDecodeErrors : public testing::TestWithParam<BadCase> {};

TEST_P(WireDecodeErrors, NamesTheOffsetAndTheRule) {
  const BadCase& c = GetParam();
  FrameDecoder d(c.from);
  const Bytes bytes = hex(c.bytes);
  d.receive_data(bytes);
  Frame f;
  FrameDecoder::Status st;
  while ((st = d.next_event(&f)) == FrameDecoder::Status::kFrame) {
  }
  ASSERT_EQ(st, FrameDecoder::Status::kError) << c.what;
  EXPECT_NE(d.error().message().find(c.message), std::string::npos)
      << c.what << ": got '" << d.error().message() << "'";
  EXPECT_EQ(d.error().code(), ErrorCode::kParse);
  // Terminal: more input changes nothing.
  d.receive_data(hex("ab 00 00"));
  EXPECT_EQ(d.next_event(&f), FrameDecoder::Status::kError);
}

INSTANTIATE_TEST_SUITE_P(
    All, WireDecodeErrors,
    testing::Values(
        BadCase{"unknown type", Direction::kClientToProxy, "ab 00 00 42", "byte 3: unknown frame type 0x42"},
        BadCase{"proxy frame from client", Direction::kClientToProxy, "57 00 05 05 00 00 00 00",
                "byte 0: frame type CONNSTATE may only be sent by a proxy"},
        BadCase{"client frame from proxy", Direction::kProxyToClient, "ab 00 00",
                "may only be sent by a client"},
        BadCase{"reserved type", Direction::kClientToProxy, "b2 00 00", "reserved"},
        BadCase{"streamtype too short", Direction::kClientToProxy, "aa 00 03 01 00 00",
                "byte 3: STREAMTYPE body is 3 bytes; expected at least 10"},
        BadCase{"streamtype name too long", Direction::kClientToProxy,
                "aa 00 29 01 00 00 00 00 00 00 00 00" + std::string(32, 'x'),
                "byte 12: STREAMTYPE streamtype name is 32 bytes; limit is 31"},
        BadCase{"onward connect with a body", Direction::kClientToProxy, "ab 00 01 00",
                "byte 3: ONWARD_CONNECT body is 1 bytes; expected none"},
        BadCase{"payload too short", Direction::kClientToProxy, "ad 00 02 00 00",
                "TX_PAYLOAD body is 2 bytes; expected at least 16"},
        BadCase{"rideshare name overflows", Direction::kProxyToClient,
                "55 00 12 00 00 00 20 00 00 00 00 00 00 00 00 00 00 00 00 09 41",
                "byte 19: RX_PAYLOAD rideshare name length 9 runs past the body"},
        BadCase{"metadata name empty", Direction::kClientToProxy, "ae 00 02 00 41",
                "byte 3: METADATA name length 0; expected 1..30"},
        BadCase{"metadata name past body", Direction::kProxyToClient, "59 00 03 05 41 42",
                "name length 5 runs past the body"},
        BadCase{"timeout not 4 bytes", Direction::kClientToProxy, "b0 00 03 00 00 00",
                "TIMEOUT_UPDATE body is 3 bytes; expected exactly 4"},
        BadCase{"txcr not 4 bytes", Direction::kProxyToClient, "58 00 05 00 00 00 00 00",
                "expected exactly 4"},
        BadCase{"connstate 6 bytes", Direction::kProxyToClient, "57 00 06 00 00 00 00 00 00",
                "CONNSTATE body is 6 bytes; expected 5 or 8"},
        BadCase{"create result bad code", Direction::kProxyToClient, "56 00 05 02 00 00 00 00",
                "result 2; expected 0 (ok) or 1 (failed)"},
        BadCase{"create result list too many", Direction::kProxyToClient,
                "56 00 0f 00 00 00 00 00 2c 61 2c 62 2c 63 2c 64 2c 65",
                "more than 4 entries"},
        BadCase{"second frame bad", Direction::kProxyToClient,
                "57 00 05 05 00 00 00 00 57 00 07 00 00 00 00 00 00 00",
                "byte 11: CONNSTATE body is 7 bytes"}));

TEST(WireEncodeErrors, LimitsNameTheField) {
  EXPECT_NE(encode_frame(StreamTypeFrame{1, 0, 0, std::string(32, 'x')})
                .error()
                .message()
                .find("streamtype name is 32 bytes"),
            std::string::npos);
  EXPECT_EQ(encode_frame(MetadataFrame{Direction::kClientToProxy, "", "v"}).error().code(),
            ErrorCode::kLimit);
  PayloadFrame big;
  big.payload.resize(65535 - 16 + 1);
  EXPECT_NE(encode_frame(big).error().message().find("at most 65519"), std::string::npos);
  big.payload.resize(65535 - 16);
  EXPECT_TRUE(encode_frame(big).ok());
  PayloadFrame flag_without_name;
  flag_without_name.flags = kFlagRideshare;
  EXPECT_FALSE(encode_frame(flag_without_name).ok());
  std::vector<std::uint8_t> out{9};
  big.payload.resize(70000);
  EXPECT_FALSE(encode_frame(Frame(big), &out).ok());
  EXPECT_EQ(out, std::vector<std::uint8_t>{9}) << "a failed encode appends nothing";
}

TEST(WireDecoder, HoldsOnlyUnconsumedBytes) {
  FrameDecoder d(Direction::kClientToProxy);
  const Bytes one = hex("ab 00 00");
  Frame f;
  for (int i = 0; i < 10000; ++i) {
    d.receive_data(one);
    ASSERT_EQ(d.next_event(&f), FrameDecoder::Status::kFrame);
    ASSERT_EQ(d.next_event(&f), FrameDecoder::Status::kNeedData);
  }
  EXPECT_EQ(d.buffered(), 0u);
  EXPECT_EQ(d.consumed(), 30000u);
}

}  // namespace
}  // namespace ss::wire
