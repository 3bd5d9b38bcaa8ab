// BulkClient: a client process of the proxy that moves bulk data and reads
// the way real processes do, for the "proxy-bulk" scenario.
//
// It drives a ClientLink over a simulated connection to the proxy (like
// SimLinkClient) so that it controls its own reading:
//   - a reader that is fast, slow (reads for a while, then pauses), stalls
//     once for seconds, or stops reading for good;
//   - it looks at every RX_PAYLOAD frame as it arrives and flags one larger
//     than a libwebsockets client with the announced client_buflen can hold
//     (lws gathers a frame in that buffer and loses the tail of a bigger
//     one; docs/proxy.md "Frame sizes");
//   - it records every state with its simulated time, and the bytes of each
//     connection of the onward stream separately (a reconnect starts over).
// Roles: download (h1 GET or raw), echo upload (send a body, get it back),
// and "dead" (an endpoint that refuses or never answers: only states).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/proxy/client_link.h"
#include "runtime/stream/states.h"
#include "runtime/wire/decoder.h"
#include "sim/world.h"

namespace ss::proxy::testing {

enum class BulkRole { kDownloadH1, kDownloadRaw, kEchoUpload, kDead };
enum class Reader { kFast, kSlow, kStall, kStop };

const char* bulk_role_name(BulkRole r);
const char* reader_name(Reader r);

struct BulkClientSpec {
  BulkRole role = BulkRole::kDownloadRaw;
  Reader reader = Reader::kFast;
  std::string streamtype;
  std::string object;      // h1: metadata "obj" (the URL's last part)
  std::string expected;    // what the download / echo must bring, byte for byte
  Micros slow_read = millis(20);   // kSlow: read this long ...
  Micros slow_pause = millis(80);  // ... then pause this long
  Micros stall_at = seconds(1);    // kStall: from then ...
  Micros stall_for = seconds(4);   // ... for this long; kStop: stops at stall_at for good
};

class BulkClient final : public ConnectionHandler {
 public:
  BulkClient(sim::World& world, Net& net, BulkClientSpec spec,
             Endpoint proxy = Endpoint::unix_abstract("proxy.ss.lws"));
  ~BulkClient() override;

  void on_connected() override;
  void on_data(std::span<const std::uint8_t> bytes) override;
  void on_writable() override { flush(); }
  void on_end(EndReason reason) override;
  void close();

  struct Seen {
    Micros at = 0;
    stream::State state = stream::State::kNone;
  };
  const BulkClientSpec& spec() const { return spec_; }
  const std::vector<Seen>& states() const { return states_; }
  // Bytes of each onward connection (a new one starts at each CONNECTED).
  const std::vector<std::string>& attempts() const { return attempts_; }
  // Set when the QOS_ACK_REMOTE came: the bytes of that connection.
  const std::optional<std::string>& acked() const { return acked_; }
  std::optional<EndReason> ended() const { return ended_; }
  bool closed_by_us() const { return closed_; }
  // The proxy ended the link: we saw it end, or, when we closed it
  // ourselves, the proxy's end was already gone. A client that stopped
  // reading never sees the proxy's FIN: it waits behind the bytes left
  // unread, as in TCP (proxy-bulk seed 12001189).
  bool proxy_dropped() const { return ended_.has_value() || proxy_gone_at_close_; }
  std::uint32_t client_buflen() const { return buflen_; }
  std::size_t sent() const { return sent_; }
  // When the client asked its stream to connect (a dead-endpoint client
  // asks again after its first ALL_RETRIES_FAILED).
  const std::vector<Micros>& asks() const { return asks_; }
  // Frames too big for the announced buffer, protocol errors seen.
  const std::vector<std::string>& problems() const { return problems_; }
  std::size_t largest_frame() const { return largest_frame_; }

 private:
  void handle(const LinkEvent& e);
  void inspect(std::span<const std::uint8_t> bytes);
  void flush();
  void set_paused(bool paused);
  void schedule_reader();

  sim::World& world_;
  BulkClientSpec spec_;
  ClientLink link_;
  wire::FrameDecoder frames_{wire::Direction::kProxyToClient};
  std::unique_ptr<Connection> conn_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::vector<Seen> states_;
  std::vector<std::string> attempts_;
  std::optional<std::string> acked_;
  std::optional<EndReason> ended_;
  std::vector<std::string> problems_;
  std::uint32_t buflen_ = 32768;
  std::size_t largest_frame_ = 0;
  std::size_t sent_ = 0;
  std::vector<Micros> asks_;
  bool paused_ = false;
  bool som_seen_ = false;  // this connection's response began (h1)
  bool eom_seen_ = false;  // ... and ended
  bool closed_ = false;
  bool proxy_gone_at_close_ = false;
};

}  // namespace ss::proxy::testing
