#include "tools/cat_session.h"

#include <algorithm>
#include <string>

#include "runtime/core/escape.h"
#include "runtime/stream/binding.h"

namespace ss::tools {

namespace {
using stream::Ret;
using stream::State;

// How a connection ended, in words (end_reason_name() values).
std::string end_text(const std::string& reason, bool locally) {
  if (locally) return "closed on our side";
  if (reason == "closed_by_peer") return "the peer closed it";
  if (reason == "reset") return "reset";
  if (reason == "timed_out") return "timed out";
  if (reason == "tls_failure") return "TLS failure";
  if (reason == "dns_failure") return "DNS failure";
  return reason;  // refused, unreachable
}
}  // namespace

CatSession::CatSession(Loop& loop, CatOptions options) : loop_(loop), options_(std::move(options)) {}

CatSession::~CatSession() {
  if (idle_timer_) loop_.cancel(idle_timer_);
}

void CatSession::finish(int code, const std::string& why) {
  if (exit_code_) return;
  exit_code_ = code;
  if (idle_timer_) loop_.cancel(idle_timer_);
  idle_timer_ = {};
  if (!why.empty()) std::fprintf(options_.err, "ss-cat: %s\n", why.c_str());
  std::fflush(options_.out);
}

void CatSession::verbose_line(const std::string& text) {
  if (options_.verbose) std::fprintf(options_.err, "ss-cat: %s\n", text.c_str());
}

std::string CatSession::detail() const { return last_log_.empty() ? std::string() : ": " + last_log_; }

std::string CatSession::received() const {
  return std::to_string(rx_bytes_) + (rx_bytes_ == 1 ? " byte" : " bytes") + " received";
}

// --- what the engine says besides states ------------------------------------

void CatSession::on_connection_end(std::string_view reason, bool locally) {
  end_reason_ = std::string(reason);
  end_locally_ = locally;
  verbose_line("connection ended: " + std::string(reason));  // closed_locally when `locally`
}

void CatSession::on_http_status(int status) {
  http_status_ = status;
  verbose_line("HTTP status " + std::to_string(status));
}

void CatSession::on_ws_close(int code, std::string_view reason) {
  ws_close_code_ = code;
  ws_close_reason_ = std::string(reason);
  verbose_line("the server closed the WebSocket with " + std::to_string(code) +
               (reason.empty() ? "" : " (" + std::string(reason) + ")"));
  // Every data frame before the Close has been delivered: done, without
  // waiting for the server to close TCP as well.
  if (options_.protocol == CatProtocol::kWs && code == 1000 && !message_open_ &&
      sent_ == options_.payload.size())
    finish(0, "");
}

void CatSession::on_engine_log(std::string_view line) {
  // "stream 1 (get): protocol error: ..." -> "protocol error: ..."
  std::string_view text = line;
  if (text.rfind("stream ", 0) == 0) {
    const auto cut = text.find("): ");
    if (cut != std::string_view::npos) text.remove_prefix(cut + 3);
  }
  last_log_ = std::string(text);
  verbose_line(std::string(line));
}

// --- the run ------------------------------------------------------------------

void CatSession::arm_idle() {
  if (!options_.idle || done()) return;
  if (idle_timer_) loop_.cancel(idle_timer_);
  idle_timer_ = loop_.after(*options_.idle, [this] {
    idle_timer_ = {};
    on_idle();
  });
}

void CatSession::on_idle() {
  if (sent_ != options_.payload.size()) return;
  const std::string quiet = "nothing received for " + std::to_string(*options_.idle / kMicrosPerMilli) + " ms";
  switch (options_.protocol) {
    case CatProtocol::kRaw:
      verbose_line(quiet + ": done");
      finish(0, "");
      return;
    case CatProtocol::kWs:
    case CatProtocol::kMqtt:
      if (message_open_) {
        finish(4, "timed out: " + quiet + " in the middle of a message (" + received() + ")");
      } else {
        verbose_line(quiet + " after a complete message: done");
        finish(0, "");
      }
      return;
    case CatProtocol::kTransaction:
    case CatProtocol::kUnknown:
      finish(4, "timed out: " + quiet + " before the response was complete (no QOS_ACK_REMOTE; " + received() +
                    ")");
      return;
  }
}

void CatSession::on_disconnected() {
  if (sent_ < options_.payload.size()) {
    finish(5, "connection closed after " + std::to_string(sent_) + " of " + std::to_string(options_.payload.size()) +
                  " payload bytes were sent" + detail());
    return;
  }
  const std::string how =
      end_reason_ ? " (" + end_text(*end_reason_, end_locally_) + ")" : std::string();
  switch (options_.protocol) {
    case CatProtocol::kTransaction:
    case CatProtocol::kUnknown:
      finish(6, "incomplete: the stream ended" + how + " before QOS_ACK_REMOTE, " + received() + detail());
      return;
    case CatProtocol::kMqtt:
      finish(6, "incomplete: the connection to the broker ended" + how + ", " + received() + detail());
      return;
    case CatProtocol::kWs:
      if (ws_close_code_ == 1000 && !message_open_) {
        finish(0, "");
      } else if (ws_close_code_) {
        finish(6, "incomplete: the server closed the WebSocket with " + std::to_string(*ws_close_code_) +
                      (ws_close_reason_.empty() ? "" : " (" + ws_close_reason_ + ")") +
                      (message_open_ ? " in the middle of a message" : "") + ", " + received());
      } else if (!options_.sees_connection_end) {
        finish(6, "incomplete: the stream ended (DISCONNECTED) and through a proxy ss-cat cannot see the "
                  "server's Close; " + received());
      } else {
        finish(6, "incomplete: the connection ended" + how + " without the server's Close 1000, " + received() +
                      detail());
      }
      return;
    case CatProtocol::kRaw:
      if (!options_.sees_connection_end) {
        finish(6, "incomplete: the stream ended (DISCONNECTED) and through a proxy ss-cat cannot tell the "
                  "peer's orderly close from a drop; " + received());
      } else if (end_reason_ == "closed_by_peer" && !end_locally_) {
        finish(0, "");
      } else {
        finish(6, "incomplete: the connection ended" + how + ", " + received() + detail());
      }
      return;
  }
}

Ret CatSession::on_state(State state, std::uint32_t ack) {
  std::string name = stream::state_name(state);
  if (stream::is_user_state(state)) name += " " + std::to_string(stream::to_int(state));
  verbose_line("state " + name + " (ack " + std::to_string(ack) + ")");
  switch (state) {
    case State::kCreating:
      for (const auto& [name, value] : options_.metadata) {
        if (Error e = stream_->set_metadata(name, value)) {
          finish(2, "metadata " + quote_text(name) + ": " + e.message());
          return Ret::kOk;
        }
      }
      if (!options_.payload.empty()) {
        stream_->request_tx_len(options_.payload.size());
        stream_->request_tx();
      } else if (!options_.connects_by_itself) {
        stream_->connect();
      }
      break;
    case State::kConnecting:
      // A new connection: what we knew about the last one no longer counts.
      end_reason_.reset();
      end_locally_ = false;
      http_status_.reset();
      ws_close_code_.reset();
      ws_close_reason_.clear();
      last_log_.clear();
      break;
    case State::kConnected:
      connected_ = true;
      if (!options_.payload.empty() && sent_ < options_.payload.size()) stream_->request_tx();
      if (sent_ == options_.payload.size()) arm_idle();
      break;
    case State::kUnreachable:
      verbose_line(std::string("unreachable") + (ack ? " (DNS)" : "") + "; retrying per policy");
      break;
    case State::kAllRetriesFailed: {
      // The stream knows why its last try failed (a refused certificate
      // names the check and the certificate, docs/tls.md); through a proxy
      // only the engine's log or the connection end can tell.
      const std::string why = stream_->last_error();
      finish(1, "could not connect: every retry of the policy failed" +
                    (!why.empty()                         ? " (last try: " + why + ")"
                     : last_log_.empty() && end_reason_ ? " (last try: " + end_text(*end_reason_, end_locally_) + ")"
                                                          : detail()));
      break;
    }
    case State::kQosAckRemote: finish(0, ""); break;
    case State::kQosNackRemote:
      finish(3, "the peer answered with a failure (QOS_NACK_REMOTE" +
                    (http_status_ ? ", HTTP " + std::to_string(*http_status_) : std::string()) + ")");
      break;
    case State::kTimeout: finish(4, "timed out (TIMEOUT)"); break;
    case State::kDisconnected: on_disconnected(); break;
    default: break;
  }
  return Ret::kOk;
}

Ret CatSession::on_rx(std::span<const std::uint8_t> bytes, std::uint32_t flags) {
  if (done()) return Ret::kOk;  // the verdict is in: later bytes are not part of the run
  if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), options_.out);
  std::fflush(options_.out);
  rx_bytes_ += bytes.size();
  if (flags & stream::kFlagSom) message_open_ = true;
  if (flags & stream::kFlagEom) {
    message_open_ = false;
    verbose_line("rx EOM");
  }
  if (sent_ == options_.payload.size() && connected_) arm_idle();
  return Ret::kOk;
}

Ret CatSession::on_tx(std::span<std::uint8_t> buf, std::size_t* len, std::uint32_t* flags) {
  if (sent_ >= options_.payload.size()) return Ret::kTxDontSend;
  const std::size_t n = std::min(buf.size(), options_.payload.size() - sent_);
  std::copy_n(options_.payload.begin() + static_cast<std::ptrdiff_t>(sent_), n, buf.begin());
  *len = n;
  *flags = (sent_ == 0 ? stream::kFlagSom : 0u) | (sent_ + n == options_.payload.size() ? stream::kFlagEom : 0u);
  sent_ += n;
  if (sent_ < options_.payload.size()) {
    stream_->request_tx();
  } else if (connected_) {
    arm_idle();
  }
  return Ret::kOk;
}

}  // namespace ss::tools
