// CatSession: what ss-cat does with one stream, whichever way the stream
// runs (directly on the engine, or through an SS proxy).
//
// It sets the metadata, connects (or asks to send, when there is a payload),
// sends the payload once (SOM on the first chunk, EOM on the last), writes
// every rx byte to `out`, logs states to `err` when verbose, and decides
// when the run is over and with which exit code:
//
//   0  done: QOS_ACK_REMOTE, or the payload went out and the stream then
//      closed or stayed quiet for --idle-ms
//   1  could not connect (ALL_RETRIES_FAILED), or the proxy link was lost
//   2  bad usage: unknown streamtype, undeclared metadata, policy errors
//   3  the peer answered with a failure (QOS_NACK_REMOTE)
//   4  timed out (--timeout-ms, or the stream's own TIMEOUT state)
//   5  the connection closed before the payload was sent
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "runtime/core/loop.h"
#include "runtime/core/result.h"

namespace ss::tools {

// The stream as ss-cat drives it.
class CatStream {
 public:
  virtual ~CatStream() = default;
  virtual Error set_metadata(const std::string& name, const std::string& value) = 0;
  virtual void connect() = 0;
  virtual void request_tx() = 0;
  virtual void request_tx_len(std::size_t length) = 0;
};

struct CatOptions {
  std::vector<std::uint8_t> payload;
  std::vector<std::pair<std::string, std::string>> metadata;
  bool connects_by_itself = false;  // nailed_up: do not ask to connect
  bool verbose = false;
  Micros idle = seconds(1);          // quiet time after the payload that ends the run
  std::FILE* out = stdout;
  std::FILE* err = stderr;
};

class CatSession {
 public:
  CatSession(Loop& loop, CatOptions options);
  ~CatSession();
  void attach(CatStream* stream) { stream_ = stream; }

  // From the stream (lws semantics; the return value is an lws_ss_state_return_t).
  int on_state(int state, std::uint32_t ack);
  int on_rx(std::span<const std::uint8_t> bytes, std::uint32_t flags);
  int on_tx(std::span<std::uint8_t> buf, std::size_t* len, std::uint32_t* flags);

  // Ends the run now with `code` and a reason for stderr ("" = none).
  void finish(int code, const std::string& why);
  bool done() const { return exit_code_.has_value(); }
  int exit_code() const { return exit_code_.value_or(0); }

 private:
  void arm_idle();

  Loop& loop_;
  CatOptions options_;
  CatStream* stream_ = nullptr;
  std::size_t sent_ = 0;
  bool tx_asked_ = false;
  bool connected_ = false;
  TimerId idle_timer_;
  std::optional<int> exit_code_;
};

}  // namespace ss::tools
