#include "tools/cat_session.h"

#include <algorithm>
#include <string>

namespace ss::tools {

namespace {
// lws_ss_constate_t values used here (spec §2.1).
constexpr int kCreating = 1, kDisconnected = 2, kUnreachable = 3, kConnected = 5,
              kAllRetriesFailed = 9, kQosAck = 10, kQosNack = 11, kTimeout = 14;
constexpr int kOk = 0, kTxDontSend = 1;
constexpr std::uint32_t kSom = 1, kEom = 2;

const char* state_text(int state) {
  static const char* const kNames[] = {
      "(none)",  "CREATING", "DISCONNECTED", "UNREACHABLE", "AUTH_FAILED", "CONNECTED",
      "CONNECTING", "DESTROYING", "POLL", "ALL_RETRIES_FAILED", "QOS_ACK_REMOTE",
      "QOS_NACK_REMOTE", "QOS_ACK_LOCAL", "QOS_NACK_LOCAL", "TIMEOUT", "SERVER_TXN",
      "SERVER_UPGRADE", "EVENT_WAIT_CANCELLED", "UPSTREAM_LINK_RETRY", "SINK_JOIN", "SINK_PART"};
  if (state >= 0 && state <= 20) return kNames[state];
  return state >= 1000 ? "USER_STATE" : "UNKNOWN";
}
}  // namespace

CatSession::CatSession(Loop& loop, CatOptions options) : loop_(loop), options_(std::move(options)) {}

CatSession::~CatSession() {
  if (idle_timer_) loop_.cancel(idle_timer_);
}

void CatSession::finish(int code, const std::string& why) {
  if (exit_code_) return;
  exit_code_ = code;
  if (!why.empty()) std::fprintf(options_.err, "ss-cat: %s\n", why.c_str());
  std::fflush(options_.out);
}

void CatSession::arm_idle() {
  if (idle_timer_) loop_.cancel(idle_timer_);
  idle_timer_ = loop_.after(options_.idle, [this] {
    idle_timer_ = {};
    if (sent_ == options_.payload.size()) finish(0, options_.verbose ? "quiet for the idle time: done" : "");
  });
}

int CatSession::on_state(int state, std::uint32_t ack) {
  if (options_.verbose) {
    if (state >= 1000) {
      std::fprintf(options_.err, "ss-cat: state USER_STATE %d (ack %u)\n", state, ack);
    } else {
      std::fprintf(options_.err, "ss-cat: state %s (ack %u)\n", state_text(state), ack);
    }
  }
  switch (state) {
    case kCreating:
      for (const auto& [name, value] : options_.metadata) {
        if (Error e = stream_->set_metadata(name, value)) {
          finish(2, "metadata '" + name + "': " + e.message());
          return kOk;
        }
      }
      if (!options_.payload.empty()) {
        tx_asked_ = true;
        stream_->request_tx_len(options_.payload.size());
        stream_->request_tx();
      } else if (!options_.connects_by_itself) {
        stream_->connect();
      }
      break;
    case kConnected:
      connected_ = true;
      if (!options_.payload.empty() && sent_ < options_.payload.size()) {
        tx_asked_ = true;
        stream_->request_tx();
      }
      if (sent_ == options_.payload.size()) arm_idle();
      break;
    case kUnreachable:
      if (options_.verbose) std::fprintf(options_.err, "ss-cat: unreachable%s; retrying per policy\n",
                                         ack ? " (DNS)" : "");
      break;
    case kAllRetriesFailed: finish(1, "could not connect: every retry of the policy failed"); break;
    case kQosAck: finish(0, ""); break;
    case kQosNack: finish(3, "the peer answered with a failure (QOS_NACK_REMOTE)"); break;
    case kTimeout: finish(4, "timed out (TIMEOUT)"); break;
    case kDisconnected:
      if (sent_ == options_.payload.size()) {
        finish(0, "");
      } else {
        finish(5, "connection closed after " + std::to_string(sent_) + " of " +
                      std::to_string(options_.payload.size()) + " payload bytes");
      }
      break;
    default: break;
  }
  return kOk;
}

int CatSession::on_rx(std::span<const std::uint8_t> bytes, std::uint32_t flags) {
  if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), options_.out);
  std::fflush(options_.out);
  if (options_.verbose && (flags & kEom)) std::fprintf(options_.err, "ss-cat: rx EOM\n");
  if (sent_ == options_.payload.size() && connected_) arm_idle();
  return kOk;
}

int CatSession::on_tx(std::span<std::uint8_t> buf, std::size_t* len, std::uint32_t* flags) {
  if (sent_ >= options_.payload.size()) return kTxDontSend;
  const std::size_t n = std::min(buf.size(), options_.payload.size() - sent_);
  std::copy_n(options_.payload.begin() + static_cast<std::ptrdiff_t>(sent_), n, buf.begin());
  *len = n;
  *flags = (sent_ == 0 ? kSom : 0) | (sent_ + n == options_.payload.size() ? kEom : 0);
  sent_ += n;
  if (sent_ < options_.payload.size()) {
    stream_->request_tx();
  } else if (connected_) {
    arm_idle();
  }
  return kOk;
}

}  // namespace ss::tools
