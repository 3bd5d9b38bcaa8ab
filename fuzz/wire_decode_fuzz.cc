// Fuzz target: the serialized Secure Streams frame decoder (runtime/wire),
// the first thing a proxy runs on bytes from an untrusted client and a
// client runs on bytes from the proxy.
//
// Input: byte 0 picks the direction (even: client->proxy, odd:
// proxy->client), byte 1 picks a chunk size, the rest is the link's bytes.
// Invariants checked:
//  - no crash, no sanitizer report, no unbounded buffering;
//  - the frames (and the error, if any) are the same fed whole, fed in
//    chunks, and fed one byte at a time;
//  - every accepted frame re-encodes, and that decodes to the same frame.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "runtime/wire/decoder.h"
#include "runtime/wire/encoder.h"

namespace {

using ss::wire::Direction;
using ss::wire::Frame;
using ss::wire::FrameDecoder;

struct Outcome {
  std::vector<Frame> frames;
  bool error = false;
  std::string message;
};

Outcome run(Direction dir, std::span<const std::uint8_t> bytes, std::size_t chunk) {
  FrameDecoder d(dir);
  Outcome out;
  for (std::size_t pos = 0; pos < bytes.size() && !out.error; pos += chunk) {
    d.receive_data(bytes.subspan(pos, std::min(chunk, bytes.size() - pos)));
    Frame f;
    FrameDecoder::Status st;
    while ((st = d.next_event(&f)) == FrameDecoder::Status::kFrame) out.frames.push_back(f);
    if (st == FrameDecoder::Status::kError) {
      out.error = true;
      out.message = d.error().message();
    }
    // Bounded memory: never more than one frame plus one chunk held.
    if (d.buffered() > ss::wire::kHeaderSize + ss::wire::kMaxBody + chunk) std::abort();
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const Direction dir = (data[0] & 1) ? Direction::kProxyToClient : Direction::kClientToProxy;
  const std::size_t chunk = 1 + data[1] % 64;
  const std::span<const std::uint8_t> bytes(data + 2, size - 2);

  const Outcome whole = run(dir, bytes, bytes.size() ? bytes.size() : 1);
  const Outcome chunked = run(dir, bytes, chunk);
  const Outcome bytewise = run(dir, bytes, 1);
  if (whole.frames != chunked.frames || whole.frames != bytewise.frames) std::abort();
  if (whole.error != bytewise.error || whole.message != bytewise.message) std::abort();
  if (whole.error != chunked.error || whole.message != chunked.message) std::abort();

  for (const Frame& f : whole.frames) {
    auto again = ss::wire::encode_frame(f);
    if (!again.ok()) std::abort();
    auto back = ss::wire::decode_frame(dir, *again);
    if (!back.ok() || !(*back == f)) std::abort();
  }
  return 0;
}
