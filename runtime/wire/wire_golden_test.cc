// Golden tests against traffic captured between a real libwebsockets SS
// client and the libwebsockets SS proxy (testdata/interop/README.md).
//
// For every capture: each frames/NNN_<dir>_<TYPE>.bin decodes to one frame
// of that type and re-encodes to the identical bytes; and the whole c2p.bin /
// p2c.bin streams decode to exactly that frame sequence whether fed at once,
// one byte at a time, or in odd chunks.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "runtime/wire/decoder.h"
#include "runtime/wire/encoder.h"
#include "runtime/wire/testing/interop.h"

namespace ss::wire {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

using testing::direction_of;
using testing::read_file;
const fs::path& kRoot = testing::interop_root();

struct Capture {
  fs::path dir;
  std::vector<fs::path> frames;  // sorted by NNN
};

std::vector<Capture> captures() {
  std::vector<Capture> out;
  for (const auto& entry : fs::directory_iterator(kRoot)) {
    if (!fs::is_directory(entry.path())) continue;
    out.push_back(Capture{entry.path(), testing::frame_files(entry.path())});
  }
  std::sort(out.begin(), out.end(), [](const Capture& a, const Capture& b) { return a.dir < b.dir; });
  return out;
}

// "007_c2p_TX_PAYLOAD.bin" -> "TX_PAYLOAD"
std::string type_of(const fs::path& frame_file) {
  std::string name = frame_file.stem().string();
  return name.substr(8);
}

std::vector<Frame> decode_in_chunks(Direction from, const Bytes& stream,
                                    const std::vector<std::size_t>& chunk_sizes) {
  FrameDecoder decoder(from);
  std::vector<Frame> frames;
  std::size_t pos = 0, i = 0;
  while (pos < stream.size()) {
    const std::size_t n = std::min(chunk_sizes[i++ % chunk_sizes.size()], stream.size() - pos);
    decoder.receive_data(std::span(stream.data() + pos, n));
    pos += n;
    Frame f;
    FrameDecoder::Status st;
    while ((st = decoder.next_event(&f)) == FrameDecoder::Status::kFrame) frames.push_back(f);
    EXPECT_NE(st, FrameDecoder::Status::kError) << decoder.error().message();
  }
  EXPECT_EQ(decoder.buffered(), 0u);
  return frames;
}

TEST(WireGolden, FindsAllCaptures) {
  auto all = captures();
  ASSERT_EQ(all.size(), 5u) << "expected the five captures of testdata/interop";
  std::size_t frames = 0;
  for (const auto& c : all) frames += c.frames.size();
  EXPECT_EQ(frames, 11u + 42u + 14u + 2u + 11u);
}

TEST(WireGolden, EveryCapturedFrameDecodesAndReencodesIdentically) {
  for (const auto& capture : captures()) {
    for (const auto& file : capture.frames) {
      SCOPED_TRACE(file.string());
      const Bytes bytes = read_file(file);
      auto frame = decode_frame(direction_of(file), bytes);
      ASSERT_TRUE(frame.ok()) << frame.error().message();
      EXPECT_EQ(frame_type_name(frame_type(*frame)), type_of(file));
      auto again = encode_frame(*frame);
      ASSERT_TRUE(again.ok()) << again.error().message();
      EXPECT_EQ(*again, bytes);
    }
  }
}

TEST(WireGolden, WholeStreamsDecodeToTheFrameSequenceInAnyChunking) {
  const std::vector<std::vector<std::size_t>> chunkings = {
      {1u << 20}, {1}, {2, 5, 1, 17}, {3}, {64, 1, 1}};
  for (const auto& capture : captures()) {
    for (Direction dir : {Direction::kClientToProxy, Direction::kProxyToClient}) {
      const bool c2p = dir == Direction::kClientToProxy;
      SCOPED_TRACE(capture.dir.string() + (c2p ? " c2p" : " p2c"));
      std::vector<Frame> expected;
      for (const auto& file : capture.frames)
        if (direction_of(file) == dir) expected.push_back(*decode_frame(dir, read_file(file)));
      const Bytes stream = read_file(capture.dir / (c2p ? "c2p.bin" : "p2c.bin"));
      for (const auto& chunks : chunkings) EXPECT_EQ(decode_in_chunks(dir, stream, chunks), expected);
    }
  }
}

TEST(WireGolden, KnownFieldsOfTheHttpGetCapture) {
  const fs::path dir = kRoot / "01b-http-get-small-with-metadata" / "frames";
  auto st = decode_frame(Direction::kClientToProxy, read_file(dir / "000_c2p_STREAMTYPE.bin"));
  ASSERT_TRUE(st.ok());
  const auto& stf = std::get<StreamTypeFrame>(*st);
  EXPECT_EQ(stf.version, 1);
  EXPECT_EQ(stf.client_pid, 22343u);
  EXPECT_EQ(stf.initial_tx_credit, 500000000);
  EXPECT_EQ(stf.streamtype, "mintest");

  auto cr = decode_frame(Direction::kProxyToClient, read_file(dir / "001_p2c_CREATE_RESULT.bin"));
  ASSERT_TRUE(cr.ok());
  const auto& crf = std::get<CreateResultFrame>(*cr);
  EXPECT_EQ(crf.result, 0);
  EXPECT_EQ(crf.list, ",mintest");
  EXPECT_EQ(crf.streamtypes(), std::vector<std::string>{"mintest"});
  // Our proxy sends the same frame without the leading comma (frames.h).
  EXPECT_EQ(*encode_frame(CreateResultFrame::ok(0, {"mintest"})),
            testing::without_leading_comma(read_file(dir / "001_p2c_CREATE_RESULT.bin")));
  EXPECT_EQ(CreateResultFrame::ok(0, {"a", "b", "c"}).list, "a,b,c");
  CreateResultFrame lws_spelling{0, 0, ",a,b,c"};
  EXPECT_EQ(lws_spelling.streamtypes(), (std::vector<std::string>{"a", "b", "c"}));

  auto md = decode_frame(Direction::kClientToProxy, read_file(dir / "007_c2p_METADATA.bin"));
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(std::get<MetadataFrame>(*md).name, "uptag");
  EXPECT_EQ(std::get<MetadataFrame>(*md).value, "myuptag123");

  auto rx = decode_frame(Direction::kProxyToClient, read_file(dir / "009_p2c_RX_PAYLOAD.bin"));
  ASSERT_TRUE(rx.ok());
  const auto& rxf = std::get<PayloadFrame>(*rx);
  EXPECT_EQ(rxf.flags, kFlagSom);
  EXPECT_EQ(rxf.payload.size(), 49u);
}

TEST(WireGolden, CreateFailureIsTheLwsEightBytes) {
  const Bytes expected = {0x56, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(read_file(kRoot / "06-create-fail-unknown-streamtype" / "p2c.bin"), expected);
  EXPECT_EQ(*encode_frame(CreateResultFrame::failed()), expected);
}

}  // namespace
}  // namespace ss::wire
