// The oracle of proxy_fuzz: from what a client wrote (and when), what the
// proxy must have done with its link by the check time.
//
// Rules (docs/fuzzing.md, proxy_fuzz; the link rules of runtime/proxy/link.h):
//   - the first frame must be STREAMTYPE, protocol version 1, within the
//     handshake timeout (3 s) of the connection; bytes that do not decode,
//     another first frame, another version, or nothing in time: the proxy
//     closes the link and counts the client as misbehaving;
//   - a streamtype the policy lacks: CREATE_RESULT failed, then the link
//     is closed (not a client fault);
//   - after it: bytes that do not decode, a second STREAMTYPE, METADATA
//     with a name the streamtype does not declare: closed, a fault;
//     DESTROYING: closed, not a fault.
// Only what comes before the client's first TX_PAYLOAD counts for the
// "closed" rules: flow control may rightly keep the proxy from decoding
// past queued payload (the onward stream may never take it).
// A client that breaks none of them anywhere in its stream, sends nothing
// after STREAMTYPE before its CREATE_RESULT, never stops reading and never
// closes its side is "well-behaved": it must get CREATE_RESULT ok and keep
// its link. Timing within 100 ms of the handshake timeout is not judged.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "fuzz/proxy_fuzz_client.h"
#include "runtime/policy/policy.h"
#include "runtime/wire/decoder.h"

namespace ss::fuzzing::proxy_fuzz {

struct Verdict {
  bool judged = true;        // false: too close to a time limit, or the client closed itself
  bool must_close = false;   // the proxy must have closed the link
  bool fault = false;        // ... and counted it as misbehaving
  bool well_behaved = false;  // the proxy must keep the link and create the stream
  std::string why;
};

inline Verdict judge(const FuzzClient& c, const policy::Policy& pol, Micros handshake_timeout) {
  Verdict v;
  if (c.self_ended) {
    v.judged = false;
    v.why = "closed its own side";
    return v;
  }
  auto time_of = [&](std::uint64_t end) -> Micros {
    for (const auto& m : c.marks)
      if (m.end >= end) return m.at;
    return c.marks.empty() ? 0 : c.marks.back().at;
  };
  auto close = [&](bool fault, std::string why) {
    v.must_close = true;
    v.fault = fault;
    v.why = std::move(why);
    return v;
  };

  wire::FrameDecoder d(wire::Direction::kClientToProxy);
  d.receive_data(c.written);
  wire::Frame f;
  auto st = d.next_event(&f);
  if (st == wire::FrameDecoder::Status::kNeedData) return close(true, "no whole STREAMTYPE frame (handshake timeout)");
  if (st == wire::FrameDecoder::Status::kError) return close(true, "first frame malformed: " + d.error().message());
  const auto* stf = std::get_if<wire::StreamTypeFrame>(&f);
  if (!stf) return close(true, std::string("first frame is ") + wire::frame_type_name(wire::frame_type(f)));
  if (stf->version != wire::kProtocolVersion) return close(true, "STREAMTYPE version " + std::to_string(stf->version));
  const std::uint64_t st_end = d.consumed();
  const Micros st_at = time_of(st_end);
  constexpr Micros kMargin = millis(100);
  if (st_at > c.connect_at + handshake_timeout + kMargin) return close(true, "STREAMTYPE after the handshake timeout");
  if (st_at >= c.connect_at + handshake_timeout - kMargin) {
    v.judged = false;
    v.why = "STREAMTYPE at the handshake timeout";
    return v;
  }
  const policy::Streamtype* type = pol.find_streamtype(stf->streamtype);
  if (!type) return close(false, "unknown streamtype '" + stf->streamtype + "'");
  auto declared = [&](const std::string& name) {
    for (const auto& m : type->metadata)
      if (m.name == name) return true;
    return false;
  };

  bool payload_seen = false;
  bool clean = true;
  for (;;) {
    st = d.next_event(&f);
    if (st == wire::FrameDecoder::Status::kNeedData) break;
    if (st == wire::FrameDecoder::Status::kError) {
      if (!payload_seen) return close(true, "malformed frame: " + d.error().message());
      clean = false;
      break;
    }
    if (std::holds_alternative<wire::PayloadFrame>(f)) {
      payload_seen = true;
      continue;
    }
    std::string bad;
    bool fault = true;
    if (std::holds_alternative<wire::StreamTypeFrame>(f)) bad = "second STREAMTYPE";
    if (std::holds_alternative<wire::DestroyingFrame>(f)) {
      bad = "DESTROYING";
      fault = false;
    }
    if (const auto* md = std::get_if<wire::MetadataFrame>(&f); md && !declared(md->name))
      bad = "undeclared METADATA '" + md->name + "'";
    if (bad.empty()) continue;
    if (!payload_seen) return close(fault, bad);
    clean = false;
    break;
  }

  // Everything after STREAMTYPE written after CREATE_RESULT came back?
  bool waited = true;
  for (const auto& m : c.marks)
    if (m.end > st_end && !m.had_result) waited = false;
  v.well_behaved = clean && waited && !c.paused_ever;
  v.why = v.well_behaved ? "well-behaved" : "legal so far";
  return v;
}

}  // namespace ss::fuzzing::proxy_fuzz
