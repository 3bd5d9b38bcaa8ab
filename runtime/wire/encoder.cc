#include "runtime/wire/encoder.h"

#include <string>
#include <type_traits>

#include "runtime/core/planted.h"

namespace ss::wire {
namespace {

struct Writer {
  std::vector<std::uint8_t> body;
  void u8(std::uint8_t v) { body.push_back(v); }
  void u32(std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) body.push_back(static_cast<std::uint8_t>(v >> shift));
  }
  void u64(std::uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) body.push_back(static_cast<std::uint8_t>(v >> shift));
  }
  void str(const std::string& s) { body.insert(body.end(), s.begin(), s.end()); }
};

Error limit(const char* frame, const std::string& what) {
  return make_error(ErrorCode::kLimit, std::string(frame) + " " + what);
}

Error encode_body(const Frame& frame, Writer& w) {
  return std::visit(
      [&](const auto& f) -> Error {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, StreamTypeFrame>) {
          if (f.streamtype.empty() || f.streamtype.size() > kMaxStreamtypeName)
            return limit("STREAMTYPE", "streamtype name is " + std::to_string(f.streamtype.size()) +
                                           " bytes; expected 1..31");
          w.u8(f.version);
          w.u32(f.client_pid);
          w.u32(static_cast<std::uint32_t>(f.initial_tx_credit));
          w.str(f.streamtype);
        } else if constexpr (std::is_same_v<T, PayloadFrame>) {
          const bool has_rideshare = (f.flags & kFlagRideshare) != 0;
          if (has_rideshare != f.rideshare.has_value())
            return limit("PAYLOAD", "RIDESHARE flag and rideshare name must come together");
          if (f.rideshare && (f.rideshare->empty() || f.rideshare->size() > kMaxRideshareName))
            return limit("PAYLOAD", "rideshare name is " + std::to_string(f.rideshare->size()) +
                                        " bytes; expected 1..31");
          if (f.payload.size() > max_payload(f))
            return limit("PAYLOAD", "payload is " + std::to_string(f.payload.size()) +
                                        " bytes; one frame carries at most " +
                                        std::to_string(max_payload(f)));
          w.u32(f.flags);
          w.u32(f.delay_us);
          w.u64(f.timestamp_us);
          if (f.rideshare) {
            w.u8(static_cast<std::uint8_t>(f.rideshare->size()));
            w.str(*f.rideshare);
          }
          w.body.insert(w.body.end(), f.payload.begin(), f.payload.end());
        } else if constexpr (std::is_same_v<T, MetadataFrame>) {
          if (f.name.empty() || f.name.size() > kMaxMetadataName)
            return limit("METADATA", "name '" + f.name.substr(0, 40) + "' is " +
                                         std::to_string(f.name.size()) + " bytes; expected 1..30");
          if (1 + f.name.size() + f.value.size() > kMaxBody)
            return limit("METADATA", "value is " + std::to_string(f.value.size()) +
                                         " bytes; too long for one frame");
          w.u8(static_cast<std::uint8_t>(f.name.size()));
          w.str(f.name);
          w.str(f.value);
        } else if constexpr (std::is_same_v<T, TxCreditFrame>) {
          w.u32(static_cast<std::uint32_t>(f.credit));
        } else if constexpr (std::is_same_v<T, TimeoutUpdateFrame>) {
          w.u32(f.timeout_ms);
        } else if constexpr (std::is_same_v<T, PayloadLengthHintFrame>) {
          // planted: the length hint one short
          w.u32(SS_PLANTED("wire-len-hint") && f.length > 0 ? f.length - 1 : f.length);
        } else if constexpr (std::is_same_v<T, CreateResultFrame>) {
          if (f.list.size() > kMaxCreateResultList)
            return limit("CREATE_RESULT", "streamtype list is " + std::to_string(f.list.size()) +
                                              " bytes; limit is 127");
          w.u8(f.result);
          w.u32(f.client_buflen);
          w.str(f.list);
        } else if constexpr (std::is_same_v<T, ConnStateFrame>) {
          if (f.state < 256) {
            w.u8(static_cast<std::uint8_t>(f.state));
          } else {
            w.u32(f.state);
          }
          w.u32(f.ordinal);
        } else if constexpr (std::is_same_v<T, PerfFrame>) {
          if (f.json.size() > kMaxBody) return limit("PERF", "JSON is too long for one frame");
          w.str(f.json);
        }
        // OnwardConnect, Destroying, LinkValidityProbe: empty body.
        return Error();
      },
      frame);
}

}  // namespace

std::size_t max_payload(const PayloadFrame& frame) {
  const std::size_t rideshare = frame.rideshare ? 1 + frame.rideshare->size() : 0;
  return kMaxBody - kPayloadPrefix - rideshare;
}

Error encode_frame(const Frame& frame, std::vector<std::uint8_t>* out) {
  Writer w;
  if (Error e = encode_body(frame, w)) return e;
  out->push_back(static_cast<std::uint8_t>(frame_type(frame)));
  out->push_back(static_cast<std::uint8_t>(w.body.size() >> 8));
  out->push_back(static_cast<std::uint8_t>(w.body.size()));
  out->insert(out->end(), w.body.begin(), w.body.end());
  return Error();
}

Result<std::vector<std::uint8_t>> encode_frame(const Frame& frame) {
  std::vector<std::uint8_t> out;
  if (Error e = encode_frame(frame, &out)) return e;
  return out;
}

}  // namespace ss::wire
