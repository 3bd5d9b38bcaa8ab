// CatSession: what ss-cat does with one stream, whichever way the stream
// runs (directly on the engine, or through an SS proxy).
//
// It sets the metadata, connects (or asks to send, when there is a payload),
// sends the payload once (SOM on the first chunk, EOM on the last), writes
// every rx byte to `out`, logs states to `err` when verbose, and decides
// when the run is over and with which exit code (docs/tools.md):
//
//   0  the transfer is known complete:
//        h1 (any protocol with transactions): QOS_ACK_REMOTE;
//        ws: the server's Close with 1000 after our payload went out (not
//            in the middle of a message), or
//            (--idle-ms) quiet that long with no message half-received;
//        raw: the peer closed in order (FIN) after our payload went out,
//            or (--idle-ms) quiet that long after it;
//        mqtt: QOS_ACK_REMOTE (the broker's PUBACK of a QoS 1 publish), or
//            (--idle-ms) quiet that long after the payload went out (a
//            QoS 0 publish, or printing a subscription with -n)
//   1  could not connect (ALL_RETRIES_FAILED), or the proxy cannot be reached
//   2  bad usage: unknown streamtype, undeclared metadata, policy errors
//   3  the peer answered with a failure (QOS_NACK_REMOTE)
//   4  timed out: --timeout-ms, the stream's TIMEOUT state, or (--idle-ms)
//      quiet in the middle of an h1 response or a ws message
//   5  the connection closed before the payload was sent
//   6  incomplete: the stream ended before the transfer was complete (short
//      or broken body, protocol error, ws Close other than 1000, reset,
//      the link to the proxy dropped)
// A failure's reason is one line on `err`; with `verbose` every state, the
// HTTP status, the ws Close and how each connection ended are logged too.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/core/loop.h"
#include "runtime/core/result.h"
#include "runtime/stream/states.h"

namespace ss::tools {

// The stream as ss-cat drives it.
class CatStream {
 public:
  virtual ~CatStream() = default;
  virtual Error set_metadata(const std::string& name, const std::string& value) = 0;
  virtual void connect() = 0;
  virtual void request_tx() = 0;
  virtual void request_tx_len(std::size_t length) = 0;
  // Why the latest connect failed, in words (Stream::last_error()); "" when
  // unknown (through a proxy, which carries states only).
  virtual std::string last_error() const { return {}; }
};

// What "complete" means for the streamtype (its policy protocol).
enum class CatProtocol {
  kTransaction,  // h1 (h2): QOS_ACK_REMOTE, nothing else
  kWs,
  kMqtt,  // QOS_ACK_REMOTE (a QoS 1 publish), or --idle-ms quiet (QoS 0, a subscription)
  kRaw,
  kUnknown,  // through a proxy without a local policy: as kTransaction
};

struct CatOptions {
  std::vector<std::uint8_t> payload;
  std::vector<std::pair<std::string, std::string>> metadata;
  bool connects_by_itself = false;  // nailed_up: do not ask to connect
  bool verbose = false;
  CatProtocol protocol = CatProtocol::kUnknown;
  // The engine reports how each connection ended (on_connection_end, ...):
  // true for a direct stream, false through a proxy (the proxy protocol
  // carries states only).
  bool sees_connection_end = false;
  // --idle-ms: quiet time after the payload went out that ends a raw or ws
  // run (and is a stall for h1). Unset: quiet never ends the run.
  std::optional<Micros> idle;
  std::FILE* out = stdout;
  std::FILE* err = stderr;
};

class CatSession {
 public:
  CatSession(Loop& loop, CatOptions options);
  ~CatSession();
  void attach(CatStream* stream) { stream_ = stream; }

  // From the stream (lws semantics).
  stream::Ret on_state(stream::State state, std::uint32_t ack);
  stream::Ret on_rx(std::span<const std::uint8_t> bytes, std::uint32_t flags);
  stream::Ret on_tx(std::span<std::uint8_t> buf, std::size_t* len, std::uint32_t* flags);

  // What the engine says besides states (direct streams, tools/cat_direct.h).
  // Each comes before the state it explains (ss.end before DISCONNECTED).
  void on_connection_end(std::string_view reason, bool locally);  // end_reason_name()
  void on_http_status(int status);
  void on_ws_close(int code, std::string_view reason);
  void on_engine_log(std::string_view line);  // protocol errors and the like

  // Ends the run now with `code` and a reason for stderr ("" = none).
  void finish(int code, const std::string& why);
  bool done() const { return exit_code_.has_value(); }
  int exit_code() const { return exit_code_.value_or(0); }

 private:
  void arm_idle();
  void on_idle();
  void on_disconnected();
  void verbose_line(const std::string& text);
  // ": <the last engine log line>" or "" — the detail a reason ends with.
  std::string detail() const;
  std::string received() const;  // "1000 bytes received"

  Loop& loop_;
  CatOptions options_;
  CatStream* stream_ = nullptr;
  std::size_t sent_ = 0;
  bool connected_ = false;
  std::uint64_t rx_bytes_ = 0;
  bool message_open_ = false;  // an rx SOM without its EOM yet
  TimerId idle_timer_;
  std::optional<int> exit_code_;
  // Facts about the current connection (reset at CONNECTING).
  std::optional<std::string> end_reason_;
  bool end_locally_ = false;
  std::optional<int> http_status_;
  std::optional<int> ws_close_code_;
  std::string ws_close_reason_;
  std::string last_log_;
};

}  // namespace ss::tools
