// Properties of the frame codec over generated frames and chunkings:
//  - decode(encode(f)) == f for every valid frame, whatever the chunking;
//  - a stream of frames decodes to the same frames fed at once or in pieces;
//  - arbitrary bytes never crash the decoder, and anything it accepts
//    re-encodes to bytes that decode to the same frame.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "runtime/wire/decoder.h"
#include "runtime/wire/encoder.h"

namespace ss::wire {
namespace {

rc::Gen<std::string> name_gen(std::size_t max) {
  return rc::gen::mapcat(rc::gen::inRange<std::size_t>(1, max + 1), [](std::size_t n) {
    return rc::gen::container<std::string>(n, rc::gen::inRange<char>('a', 'z' + 1));
  });
}

rc::Gen<Frame> frame_gen(Direction dir) {
  const bool c2p = dir == Direction::kClientToProxy;
  auto payload = rc::gen::map(
      rc::gen::tuple(rc::gen::arbitrary<std::uint32_t>(), rc::gen::arbitrary<std::uint32_t>(),
                     rc::gen::arbitrary<std::uint64_t>(), rc::gen::maybe(name_gen(31)),
                     rc::gen::resize(300, rc::gen::arbitrary<std::vector<std::uint8_t>>())),
      [dir](auto t) {
        PayloadFrame f;
        f.direction = dir;
        f.flags = std::get<0>(t) & ~kFlagRideshare;
        f.delay_us = std::get<1>(t);
        f.timestamp_us = std::get<2>(t);
        if (std::get<3>(t)) {
          f.flags |= kFlagRideshare;
          f.rideshare = *std::get<3>(t);
        }
        f.payload = std::get<4>(t);
        return Frame(f);
      });
  auto metadata = rc::gen::map(rc::gen::tuple(name_gen(30), rc::gen::arbitrary<std::string>()),
                               [dir](auto t) {
                                 return Frame(MetadataFrame{dir, std::get<0>(t), std::get<1>(t)});
                               });
  auto credit = rc::gen::map(rc::gen::arbitrary<std::int32_t>(),
                             [dir](std::int32_t v) { return Frame(TxCreditFrame{dir, v}); });
  if (c2p) {
    return rc::gen::oneOf(
        rc::gen::map(rc::gen::tuple(rc::gen::arbitrary<std::uint8_t>(),
                                    rc::gen::arbitrary<std::uint32_t>(),
                                    rc::gen::arbitrary<std::int32_t>(), name_gen(31)),
                     [](auto t) {
                       return Frame(StreamTypeFrame{std::get<0>(t), std::get<1>(t), std::get<2>(t),
                                                    std::get<3>(t)});
                     }),
        rc::gen::just(Frame(OnwardConnectFrame{})), rc::gen::just(Frame(DestroyingFrame{})),
        payload, metadata, credit,
        rc::gen::map(rc::gen::arbitrary<std::uint32_t>(),
                     [](std::uint32_t v) { return Frame(TimeoutUpdateFrame{v}); }),
        rc::gen::map(rc::gen::arbitrary<std::uint32_t>(),
                     [](std::uint32_t v) { return Frame(PayloadLengthHintFrame{v}); }));
  }
  return rc::gen::oneOf(
      payload, metadata, credit,
      rc::gen::map(rc::gen::tuple(rc::gen::arbitrary<std::uint32_t>(),
                                  rc::gen::mapcat(rc::gen::inRange<std::size_t>(0, 5),
                                                  [](std::size_t n) {
                                                    return rc::gen::container<
                                                        std::vector<std::string>>(n, name_gen(20));
                                                  })),
                   [](auto t) {
                     return Frame(CreateResultFrame::ok(std::get<0>(t), std::get<1>(t)));
                   }),
      rc::gen::just(Frame(CreateResultFrame::failed())),
      rc::gen::map(rc::gen::tuple(rc::gen::arbitrary<std::uint32_t>(),
                                  rc::gen::arbitrary<std::uint32_t>()),
                   [](auto t) { return Frame(ConnStateFrame{std::get<0>(t), std::get<1>(t)}); }),
      rc::gen::map(rc::gen::arbitrary<std::string>(),
                   [](std::string s) { return Frame(PerfFrame{s}); }));
}

std::vector<Frame> feed(Direction dir, const std::vector<std::uint8_t>& bytes,
                        const std::vector<std::size_t>& chunks, bool* error) {
  FrameDecoder d(dir);
  std::vector<Frame> out;
  std::size_t pos = 0, i = 0;
  *error = false;
  while (pos < bytes.size()) {
    std::size_t n = chunks.empty() ? bytes.size() : std::max<std::size_t>(1, chunks[i++ % chunks.size()]);
    n = std::min(n, bytes.size() - pos);
    d.receive_data(std::span(bytes.data() + pos, n));
    pos += n;
    Frame f;
    FrameDecoder::Status st;
    while ((st = d.next_event(&f)) == FrameDecoder::Status::kFrame) out.push_back(f);
    if (st == FrameDecoder::Status::kError) {
      *error = true;
      break;
    }
  }
  return out;
}

RC_GTEST_PROP(WireProps, StreamsOfFramesSurviveAnyChunking, ()) {
  const auto dir = *rc::gen::element(Direction::kClientToProxy, Direction::kProxyToClient);
  const auto frames = *rc::gen::resize(20, rc::gen::container<std::vector<Frame>>(frame_gen(dir)));
  const auto chunks = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(1, 40));
  std::vector<std::uint8_t> bytes;
  for (const auto& f : frames) RC_ASSERT(encode_frame(f, &bytes).ok());
  bool error = false;
  RC_ASSERT(feed(dir, bytes, chunks, &error) == frames);
  RC_ASSERT(!error);
}

RC_GTEST_PROP(WireProps, ArbitraryBytesNeverCrashAndAcceptedFramesAreStable,
              (const std::vector<std::uint8_t>& bytes)) {
  const auto dir = *rc::gen::element(Direction::kClientToProxy, Direction::kProxyToClient);
  bool error = false;
  const auto frames = feed(dir, bytes, {}, &error);
  bool error_bytewise = false;
  RC_ASSERT(feed(dir, bytes, {1}, &error_bytewise) == frames);
  RC_ASSERT(error == error_bytewise);
  for (const auto& f : frames) {
    auto again = encode_frame(f);
    RC_ASSERT(again.ok());
    auto back = decode_frame(dir, *again);
    RC_ASSERT(back.ok());
    RC_ASSERT(*back == f);
  }
}

}  // namespace
}  // namespace ss::wire
