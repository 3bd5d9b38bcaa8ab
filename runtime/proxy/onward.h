// Onward streams, as the proxy needs them.
//
// The proxy turns each client link into one "onward" Secure Stream that it
// runs for the client. ProxyServer only needs the few calls below, so it
// does not depend on the stream engine; engine_onward.* adapts the real
// engine to this interface, and tests use scripted fakes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/proxy/link.h"

namespace ss::proxy {

// What the onward stream reports back; ProxyServer implements it per link.
class OnwardEvents {
 public:
  virtual ~OnwardEvents() = default;
  virtual void onward_state(std::uint32_t state, std::uint32_t ordinal) = 0;
  virtual void onward_rx(std::uint32_t flags, std::span<const std::uint8_t> payload,
                         const std::optional<std::string>& rideshare) = 0;
  virtual void onward_metadata(const std::string& name, const std::string& value) = 0;
  virtual void onward_tx_credit(std::int32_t credit) = 0;
  // The onward stream's tx(): the next piece of client payload, if any.
  virtual std::optional<TxPiece> onward_take_tx() = 0;
};

class OnwardStream {
 public:
  virtual ~OnwardStream() = default;  // destroys the stream (no more events)
  virtual void connect() = 0;
  virtual void request_tx() = 0;
  virtual Error set_metadata(const std::string& name, const std::string& value) = 0;
  virtual void set_timeout(std::uint32_t ms) = 0;  // 0 = policy, 0xffffffff = cancel
  virtual void request_tx_len(std::uint32_t length) = 0;
  virtual void add_peer_tx_credit(std::int32_t credit) = 0;
  // Stop (true) / resume (false) reading from the onward peer while the
  // client is behind (Stream::hold_rx).
  virtual void pause_rx(bool paused) = 0;
};

struct OnwardCreated {
  std::unique_ptr<OnwardStream> stream;
  std::uint32_t client_buflen = 0;         // the streamtype's client_buflen
  std::uint32_t proxy_buflen = 0;          // 0 = 32768
  // Marks for bytes queued toward the client: above `on_above` the onward
  // read pauses, below `off_below` it resumes (0 = the proxy's defaults).
  std::uint32_t rxflow_on_above = 0;
  std::uint32_t rxflow_off_below = 0;
  std::vector<std::string> streamtypes;    // primary + rideshares, for CREATE_RESULT
  // The streamtype is nailed_up: the stream was made without connecting,
  // and the link connects it once the client's metadata is in
  // (ProxyLink::nailed_up).
  bool nailed_up = false;
};

class OnwardFactory {
 public:
  virtual ~OnwardFactory() = default;
  // Creates the onward stream for `request`. Events go to `events`, never
  // inline from create(). An unknown streamtype is an error.
  virtual Result<OnwardCreated> create(const CreateOnward& request, OnwardEvents* events) = 0;
};

}  // namespace ss::proxy
