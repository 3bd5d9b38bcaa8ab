#include "sim/scenarios/world/world_actor.h"

#include <algorithm>

#include "sim/peers/bulk_source.h"
#include "sim/scenarios/world/world_policy.h"

namespace ss::sim::world {
namespace {

using gen::Proto;
using stream::Ret;
using stream::State;

constexpr Micros kAttemptMax = seconds(50);  // transport (30 s) + protocol (20 s) deadlines
// A ws frame reaches the user in pieces of at most 4 KiB, as lws hands a
// frame over in pieces of its rx buffer (docs/protocols.md "WebSocket").
constexpr std::size_t kWsRxPiece = 4096;

AnswerPlan::From from(gen::AnswerSpec::From f) {
  switch (f) {
    case gen::AnswerSpec::From::kRx: return AnswerPlan::From::kRx;
    case gen::AnswerSpec::From::kTx: return AnswerPlan::From::kTx;
    case gen::AnswerSpec::From::kState: return AnswerPlan::From::kState;
    case gen::AnswerSpec::From::kNone: break;
  }
  return AnswerPlan::From::kNone;
}

}  // namespace

Actor::Actor(World& world, const gen::WorldSpec& spec, std::size_t index, Plant plant)
    : world_(world), index_(index), name_("s" + std::to_string(index)), spec_(spec.streams[index]),
      st_(spec.streamtypes[spec.streams[index].streamtype]), plant_(plant),
      answers_(from(spec_.answers.disconnect_from), spec_.answers.disconnect_state, spec_.answers.disconnect_every,
               from(spec_.answers.destroy_from), spec_.answers.destroy_state, spec_.answers.destroy_at) {
  const std::uint32_t salt = static_cast<std::uint32_t>(index * 1000 + 7);
  if (st_.proto == Proto::kH1) {
    if (st_.http_method == "POST") {
      std::size_t n = 0;
      for (auto m : spec_.messages) n += m;
      // An empty body is still one message: a chunked body (no
      // request_tx_len) ends only at the user's EOM, so the user sends a
      // 0-byte tx with EOM (docs/protocols.md "h1 on the wire").
      msgs_.push_back(peers::bulk_pattern(n, salt));
      body_ = msgs_.front();
    } else {
      body_ = world_body(spec_.download);
    }
  } else {
    for (std::size_t i = 0; i < spec_.messages.size(); ++i) {
      if (st_.proto == Proto::kRaw && spec_.messages[i] == 0) continue;
      msgs_.push_back(peers::bulk_pattern(spec_.messages[i], salt + static_cast<std::uint32_t>(i)));
    }
  }
  // Manual credit, direct or proxied: a proxied stream's initial credit
  // goes in its STREAMTYPE frame and each grant as a TXCR frame, which the
  // proxy adds to its onward stream (docs/proxy.md).
  credit_ = st_.manual_initial_tx_credit > 0;
  calm_ = spec.calm();
  // Bounds (docs/sim.md "The world scenario"): a calm transfer gets 10 s
  // plus 1 s per 256 KiB, stretched by the reader's pauses and credit.
  const std::size_t bytes = total_tx() + body_.size();
  Micros calm = seconds(10) + static_cast<Micros>(bytes / (256 * 1024)) * seconds(1);
  const auto& r = spec_.reader;
  if (credit_) {
    // Each grant beyond the initial credit costs a reader tick (5 ms) and,
    // through the proxy, a round trip: the TXCR frame out, the rx it frees
    // back (corpus/sim-worlds/proxied-credit-one-byte-steps.json: 1-byte
    // grants through the proxy moved a byte per 25 ms, not per 5 ms).
    const std::int64_t step = r.credit_step > 0 ? r.credit_step : 4096;
    const Micros per_grant = millis(5) + (spec_.via_proxy ? 2 * spec.latency + millis(5) : 0);
    calm += static_cast<Micros>(bytes / static_cast<std::size_t>(step) + 1) * per_grant;
  }
  // A slow reader grants credit only while it reads, so its pauses stretch
  // the grants' round trips as well as the transfer (default seed 8015754:
  // 541-byte grants through the proxy to a reader pausing 79% of the time).
  if (r.kind == gen::ReaderSpec::Kind::kSlow && r.read_for > 0) calm = calm * (r.read_for + r.pause_for) / r.read_for + seconds(1);
  if (r.kind == gen::ReaderSpec::Kind::kStall) calm += r.stall_at + r.stall_for;
  calm_bound_ = plant_ == Plant::kLivenessBound ? 1 : calm;
  // A whole life: each ask runs the retry budget out, then the transfer.
  Micros per_ask = kAttemptMax + seconds(1);
  if (st_.retry) {
    const auto& rp = spec.retries[*st_.retry];
    const std::uint32_t jitter = rp.jitter_percent ? rp.jitter_percent : 30;
    const std::uint32_t n = rp.conceal == 65535 ? 4 : rp.conceal;
    per_ask = static_cast<Micros>(n + 1) * kAttemptMax;
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t b = rp.backoff_ms[std::min<std::size_t>(i, rp.backoff_ms.size() - 1)];
      per_ask += millis(static_cast<Micros>(b) + static_cast<Micros>(b) * jitter / 100);
    }
  }
  life_bound_ = std::min<Micros>(seconds(3600), 2 * per_ask + spec_.again_after_arf + calm + seconds(5));
}

std::size_t Actor::total_tx() const {
  std::size_t n = 0;
  for (const auto& m : msgs_) n += m.size();
  return n;
}

void Actor::later(Micros delay, std::function<void()> f) {
  std::weak_ptr<bool> alive = alive_;
  world_.loop().after(delay, [alive, f = std::move(f)] {
    if (!alive.expired()) f();
  });
}

void Actor::report(const char* id, const std::string& text) {
  if (!reported_.insert(id).second) return;
  world_.violation("[" + std::string(id) + "] " + name_ + " @" + std::to_string(world_.now()) + "us: " + text);
}

void Actor::attach(std::unique_ptr<StreamPort> port) { port_ = std::move(port); }

bool Actor::has_work() const {
  if (st_.proto == Proto::kH1) return !done_at_;
  return confirmed_ < msgs_.size() || !done_at_;
}

void Actor::start_timers() {
  for (const auto& m : spec_.metadata)
    if (m.at > 0) later(m.at, [this, m] { set_md(m.name, m.value); });
  const auto& r = spec_.reader;
  if (r.kind == gen::ReaderSpec::Kind::kSlow && r.read_for > 0 && r.pause_for > 0) {
    later(r.read_for, [this] { slow_reader_step(true); });
  } else if (r.kind == gen::ReaderSpec::Kind::kStall || r.kind == gen::ReaderSpec::Kind::kStop) {
    later(r.stall_at, [this] { set_hold(true); });
    if (r.kind == gen::ReaderSpec::Kind::kStall) later(r.stall_at + r.stall_for, [this] { set_hold(false); });
  }
  if (credit_) read_tick();
  if (const auto& t = spec_.timeout; t.arm_at > 0) {
    later(t.arm_at, [this] { arm_timer(); });
    if (t.rearm_after > 0) later(t.arm_at + t.rearm_after, [this] { arm_timer(); });
    if (t.cancel_after > 0) later(t.arm_at + t.rearm_after + t.cancel_after, [this] { cancel_timer(); });
  }
  const Micros end = spec_.end_at > 0 ? spec_.end_at - spec_.start_at : life_bound_;
  later(end, [this] { finish(); });
}

// A slow reader: holds for pause_for, reads for read_for, and again.
// (A member, not a closure that owns itself: that would be a leak.)
void Actor::slow_reader_step(bool hold) {
  if (gone_at_) return;
  set_hold(hold);
  later(hold ? spec_.reader.pause_for : spec_.reader.read_for, [this, hold] { slow_reader_step(!hold); });
}

void Actor::set_hold(bool hold) {
  reader_hold_ = hold;
  if (!credit_ && port_ && !port_->gone()) port_->hold_rx(hold);
}

void Actor::read_tick() {
  if (gone_at_ || !port_ || port_->gone()) return;
  const std::int64_t step = spec_.reader.credit_step > 0 ? spec_.reader.credit_step : 4096;
  // Two readers (docs/sim.md "The world scenario"). An even step: grant a
  // step whenever less than a step is outstanding. An odd step: a reader
  // that processes all it was given before asking for more; it opens its
  // window with a step at creation (before the proxy link can carry a
  // TXCR, so those grants queue up in the client and must add together)
  // and grants each step in two or three calls, as an application frees
  // its buffer piece by piece. Lost credit then stalls it for good.
  const std::int64_t outstanding = st_.manual_initial_tx_credit + granted_ - received_;
  const bool lazy = step % 2 == 1;
  const bool grant = lazy ? (!window_opened_ || outstanding <= 0) : outstanding < step;
  window_opened_ = true;
  if (!reader_hold_ && grant) {
    const std::int64_t pieces = lazy ? std::min<std::int64_t>(2 + (step / 2) % 2, step) : 1;
    for (std::int64_t i = 0; i < pieces; ++i) {
      const std::int64_t piece = step / pieces + (i < step % pieces ? 1 : 0);
      port_->add_credit(static_cast<std::int32_t>(piece));
    }
    granted_ += plant_ == Plant::kCreditGrant ? step / 2 : step;
  }
  // Grants matter only on a connection; between connections (a retry
  // policy's backoff against a dead server can last many minutes) the
  // reader looks every 200 ms, not every 5 ms, so worlds of many
  // manual-credit streams stay within the event limit
  // (corpus/sim-worlds/credit-readers-vs-blackholed-servers.json).
  if (has_work()) later(connected_ ? millis(5) : millis(200), [this] { read_tick(); });
}

// The user's timer. start_timeout(0) takes the streamtype's timeout_ms;
// with neither the engine arms nothing (docs/states.md "Timeouts").
void Actor::arm_timer() {
  if (!port_ || port_->gone()) return;
  port_->start_timeout(spec_.timeout.ms);
  const std::uint32_t ms = spec_.timeout.ms ? spec_.timeout.ms : st_.timeout_ms;
  if (ms == 0) return;
  arms_.push_back({world_.now(), world_.now() + millis(ms) + (plant_ == Plant::kTimeoutDue ? seconds(1) : 0)});
  cancelled_at_.reset();
}

void Actor::cancel_timer() {
  if (!port_ || port_->gone()) return;
  port_->cancel_timeout();
  if (!arms_.empty()) cancelled_at_ = world_.now();
}

// [timeout] end to end (the engine checker holds each engine, the client's
// and the proxy's, to the exact time): each TIMEOUT answers an arming of
// the user's, never before that arming's deadline, and never after the
// user cancelled the timer in time. Through the proxy "in time" means a
// second before the deadline, in a calm world with a reader that never
// holds the link (the cancel travels behind the stream's upload).
void Actor::on_timeout() {
  ++timeouts_;
  const Micros now = world_.now();
  if (timeouts_ > arms_.size()) {
    report("timeout", "TIMEOUT number " + std::to_string(timeouts_) + " with " + std::to_string(arms_.size()) +
                          " timers armed");
    return;
  }
  bool due = false;
  for (const Arm& a : arms_) due |= a.due <= now;
  if (!due)
    report("timeout", "TIMEOUT before any armed timer was due (last armed at " + std::to_string(arms_.back().at) +
                          "us, due at " + std::to_string(arms_.back().due) + "us)");
  // A direct stream's TIMEOUT comes exactly when due (docs/states.md
  // "Timeouts"; the engine checker holds the engine to what it was asked,
  // this holds it to what the user asked, through the C API too). Through
  // the proxy no bound is judged yet: a latency-based one failed on clean
  // runs (seeds 19001106, 19001884: docs/sim.md "[timeout]").
  const bool smooth = calm_ && !credit_ && spec_.reader.kind == gen::ReaderSpec::Kind::kFast;
  const Micros late_by = now - arms_.back().due;
  if (!spec_.via_proxy && !cancelled_at_ && late_by > 0)
    report("timeout", "TIMEOUT " + std::to_string(late_by) + "us after the last armed timer was due");
  if (!cancelled_at_) return;
  const bool judged = !spec_.via_proxy || (smooth && arms_.back().due - *cancelled_at_ >= seconds(1));
  if (judged)
    report("timeout", "TIMEOUT after the user cancelled the timer at " + std::to_string(*cancelled_at_) +
                          "us (it was due at " + std::to_string(arms_.back().due) + "us)");
}

// A proxied nailed-up onward stream connects once the client's first frames
// are in or 100 ms after CREATE_RESULT (docs/proxy.md, "What happens on a
// link" 3): behind a slow or faulty link its request goes out without the
// x-ss-id set in CREATING, and the server, not knowing whom it answers,
// sends no x-ss-reply (world seed 12008840). The server-side metadata check
// allows the same request (WorldScenario::check_metadata).
bool Actor::request_may_lack_id() const { return spec_.via_proxy && st_.nailed_up; }

// At an h1 transaction's QOS_ACK_REMOTE, metadata ss_reply holds that
// response's x-ss-reply: this stream's prefix and a request number above the
// previous transaction's (a value kept from an earlier response shows as a
// number that did not rise). Reports and returns false otherwise.
bool Actor::check_reply_metadata() {
  const auto v = port_ ? port_->metadata(kReplyMetadata) : std::nullopt;
  const std::string prefix = reply_prefix(name_ + (plant_ == Plant::kReplyValue ? "~" : ""));
  std::optional<unsigned> n;
  if (v && v->size() > prefix.size() && v->size() <= prefix.size() + 9 && v->rfind(prefix, 0) == 0 &&
      v->find_first_not_of("0123456789", prefix.size()) == std::string::npos)
    n = static_cast<unsigned>(std::stoul(v->substr(prefix.size())));
  // The acknowledged response is the latest the servers gave this stream
  // (one transaction at a time), so a value kept from an earlier
  // transaction shows even when no transaction before it completed.
  unsigned latest = n ? *n : 0;
  if (answered_) {
    const auto it = answered_->find(name_);
    latest = it == answered_->end() ? 0 : it->second;
  }
  if (n && *n > last_reply_ && *n == latest) {
    last_reply_ = *n;
    return true;
  }
  // A request that left without x-ss-id got no x-ss-reply: the metadata is
  // unset or still the previous transaction's.
  if (request_may_lack_id() && (!v || (n && *n == last_reply_))) return true;
  report("response-metadata", std::string(kReplyHeader) + " of this transaction is \"" + prefix +
                                  std::to_string(latest) + "\" (the servers' latest answer to this stream, above " +
                                  std::to_string(last_reply_) + "); metadata " + kReplyMetadata + " reads " +
                                  (v ? "\"" + *v + "\"" : std::string("unset")));
  return false;
}

void Actor::set_md(const std::string& name, const std::string& value) {
  if (!port_ || port_->gone()) return;
  port_->set_metadata(name, value);
  std::string remembered = value;
  if (plant_ == Plant::kMetadataValue && name != kIdMetadata && name != kDownloadMetadata) remembered += "~";
  md_[name].emplace_back(world_.now(), remembered);
}

std::set<std::string> Actor::values_between(const std::string& name, Micros from, Micros to) const {
  std::set<std::string> out;
  std::string at_from;
  auto it = md_.find(name);
  if (it != md_.end()) {
    for (const auto& [t, v] : it->second) {
      if (t <= from) at_from = v;
      else if (t <= to) out.insert(v);
    }
  }
  out.insert(at_from);
  return out;
}

void Actor::ask() {
  if (!port_ || port_->gone() || done_at_) return;
  if (spec_.tx_mode == gen::TxMode::kRequestTxLen && !msgs_.empty() && tx_msg_ < msgs_.size())
    port_->request_tx_len(st_.proto == Proto::kH1 ? msgs_.front().size() : msgs_[tx_msg_].size());
  else
    port_->request_tx();
  asks_.push_back({world_.now(), spec_.tx_mode == gen::TxMode::kRequestTxLen && !msgs_.empty() && tx_msg_ < msgs_.size()});
  ask_open_ = true;
}

Ret Actor::on_state(State state, std::uint32_t ack) {
  after_end_.hear("state", state, connected_);
  const Ret r = react(state, ack);
  after_end_.answered("state", state, r, connected_);
  return r;
}

Ret Actor::react(State state, std::uint32_t) {
  states_.push_back({world_.now(), state});
  if (state == State::kDisconnected || state == State::kUnreachable) ++ends_;
  if (state == State::kDisconnected || state == State::kUnreachable || state == State::kAllRetriesFailed)
    ask_open_ = false;  // an ask may go with the connection it was for
  world_.record("world.state", name_ + " " + stream::state_name(state));
  const Ret planned = state == State::kDestroying ? Ret::kOk : answers_.on_state(stream::to_int(state));
  switch (state) {
    case State::kCreating:
      created_at_ = world_.now();
      // Only names the policy declares (world_policy.cc: not ss_id on raw):
      // the proxy drops a link that sets an undeclared one (docs/proxy.md).
      if (st_.proto != Proto::kRaw) set_md(kIdMetadata, name_);
      if (st_.proto == Proto::kH1 && st_.http_method != "POST") set_md(kDownloadMetadata, std::to_string(spec_.download));
      for (const auto& m : spec_.metadata)
        if (m.at == 0) set_md(m.name, m.value);
      if (!st_.nailed_up) later(0, [this] { ask(); });
      break;
    case State::kConnecting:
      // h1 sends its body before CONNECTED (the response head): an h1
      // connection's record starts here, and a body to send is asked for
      // here too (a nailed-up stream was never asked; a retry needs it again).
      if (st_.proto == Proto::kH1) {
        open_conn();
        if (!spec_.via_proxy && tx_msg_ < msgs_.size()) ask();
      }
      break;
    case State::kConnected:
      on_connected();
      // Work that can never finish (DISCONNECT_ME every k-th rx of a message
      // that needs more, a server that always closes early, retrying for
      // ever) ends here rather than at the life bound, which a dense world
      // may not reach within the event limit (world seed 928).
      if (conns_.size() >= kMaxConnections && spec_.end_at == 0) later(0, [this] { finish(); });
      break;
    case State::kDisconnected:
      on_disconnected();
      break;
    case State::kAllRetriesFailed:
      if (spec_.again_after_arf > 0 && !asked_again_after_arf_) {
        asked_again_after_arf_ = true;
        later(spec_.again_after_arf, [this] { ask(); });
      }
      break;
    case State::kQosAckRemote:
      if (st_.proto == Proto::kH1 && !conns_.empty()) {
        const Conn& c = conns_.back();
        if (c.rx != body_)
          report("bytes-exact", "QOS_ACK_REMOTE after " + std::to_string(c.rx.size()) + " body bytes; the body is " +
                                    std::to_string(body_.size()) + " (a short or wrong body reported complete)");
        else if (!c.eom && !body_.empty())
          report("som-eom", "QOS_ACK_REMOTE before the body's EOM");
        else if (!check_reply_metadata()) {
          // reported
        } else if (!done_at_)
          done_at_ = world_.now();
        check_done();
      }
      break;
    case State::kTimeout:
      on_timeout();
      break;
    case State::kDestroying:
      gone_at_ = world_.now();
      connected_ = false;
      break;
    default:
      break;
  }
  return planned;
}

bool Actor::length_announced_before(Micros t) const {
  bool announced = false;
  for (const auto& [at, with_length] : asks_) {
    if (at > t) break;
    announced = with_length;
  }
  return announced;
}

void Actor::open_conn() {
  Conn c;
  c.at = world_.now();
  c.first_msg = confirmed_;
  conns_.push_back(std::move(c));
  tx_msg_ = confirmed_;
  tx_off_ = 0;
}

void Actor::on_connected() {
  connected_ = true;
  if (st_.proto != Proto::kH1) open_conn();
  if (st_.proto == Proto::kH1) {
    // The body goes with the request; through the proxy it may wait for
    // CONNECTED.
    // (The body of the transaction asked for: its announced length holds.)
    if (tx_msg_ < msgs_.size() && tx_off_ == 0 && conns_.back().tx.empty()) port_->request_tx();
    return;
  }
  if (st_.proto != Proto::kH1 && msgs_.empty() && !done_at_) done_at_ = world_.now();
  if (tx_msg_ < msgs_.size() && !ask_open_) {
    if (spec_.tx_mode == gen::TxMode::kRequestTxLen)
      port_->request_tx_len(msgs_[tx_msg_].size());
    else
      port_->request_tx();
    ask_open_ = true;
  }
  check_done();
}

void Actor::on_disconnected() {
  connected_ = false;
  if (done_at_ || !st_.opportunistic || gone_at_ || reasks_ >= 20) return;
  ++reasks_;
  later(millis(100), [this] { ask(); });
}

void Actor::check_done() {
  if (!done_at_ || spec_.end_at > 0 || keeps_stream()) return;
  later(timer_wait(), [this] { finish(); });
}

// A stream whose work is done lives on until its timer plan has played
// out (the deadline, or the cancel, plus 100 ms), so TIMEOUT is seen.
Micros Actor::timer_wait() const {
  const auto& t = spec_.timeout;
  if (t.arm_at == 0 || !created_at_) return 0;
  const std::uint32_t ms = t.ms ? t.ms : st_.timeout_ms;
  const Micros end = *created_at_ + t.arm_at + t.rearm_after + std::max<Micros>(millis(ms), t.cancel_after) + millis(100);
  return std::max<Micros>(0, end - world_.now());
}

void Actor::finish() {
  if (keeps_stream()) return;
  if (!port_ || port_->gone()) return;
  after_end_.destroy_called();
  port_->destroy();
}

Ret Actor::on_tx(std::uint32_t ordinal, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
  after_end_.hear("tx", std::nullopt, connected_);
  const Ret r = write(ordinal, buf, len, flags);
  after_end_.answered("tx", std::nullopt, r, connected_);
  return r;
}

Ret Actor::write(std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
  ask_open_ = false;
  if (conns_.empty() || tx_msg_ >= msgs_.size()) return Ret::kTxDontSend;
  Conn& c = conns_.back();
  const std::string& m = msgs_[tx_msg_];
  const std::size_t n = std::min(m.size() - tx_off_, buf.size());
  std::copy_n(m.begin() + static_cast<std::ptrdiff_t>(tx_off_), n, buf.begin());
  len = n;
  flags = (tx_off_ == 0 ? stream::kFlagSom : 0u) | (tx_off_ + n == m.size() ? stream::kFlagEom : 0u);
  std::string sent = m.substr(tx_off_, n);
  if (plant_ == Plant::kEchoByte && tx_msg_ == 0 && tx_off_ == 0 && !sent.empty()) sent[0] ^= 1;
  c.tx += sent;
  tx_off_ += n;
  if (tx_off_ == m.size()) {
    c.tx_ends.push_back(c.tx.size());
    ++tx_msg_;
    tx_off_ = 0;
  }
  const Ret planned = answers_.on_tx();
  if (tx_msg_ < msgs_.size() && planned == Ret::kOk) {
    if (spec_.tx_mode == gen::TxMode::kRequestTxLen && tx_off_ == 0)
      port_->request_tx_len(msgs_[tx_msg_].size());
    else
      port_->request_tx();
    ask_open_ = true;
  }
  return planned;
}

// Extends c.good over the bytes from `before` on while they match
// `expected`; true when all of c.rx matches. Only new bytes are compared, so
// a multi-MiB transfer in small pieces costs linear time, not quadratic
// (world seed 9001543: 10 MiB of ws echo in ~300-byte pieces).
bool Actor::advance_good(Conn& c, std::size_t before, const std::string& expected) {
  if (c.good == before) {
    const std::size_t end = std::min(c.rx.size(), expected.size());
    while (c.good < end && c.rx[c.good] == expected[c.good]) ++c.good;
  }
  return c.good == c.rx.size();
}

Ret Actor::on_rx(std::span<const std::uint8_t> buf, std::uint32_t flags) {
  after_end_.hear("rx", std::nullopt, connected_);
  const Ret r = read(buf, flags);
  after_end_.answered("rx", std::nullopt, r, connected_);
  return r;
}

Ret Actor::read(std::span<const std::uint8_t> buf, std::uint32_t flags) {
  received_ += static_cast<std::int64_t>(buf.size());
  // A proxied stream's next link opens with what the user granted and has
  // not received, but at least 1 byte (0 in a STREAMTYPE frame would mean
  // no manual credit, docs/proxy.md "Credit"): a byte per link end.
  const std::int64_t link_byte = spec_.via_proxy ? static_cast<std::int64_t>(ends_) : 0;
  if (credit_ && received_ > st_.manual_initial_tx_credit + granted_ + link_byte)
    report("credit", std::to_string(received_) + " rx bytes with " +
                         std::to_string(st_.manual_initial_tx_credit + granted_) + " credit granted");
  if (plant_ == Plant::kSomFlag) flags ^= stream::kFlagSom;
  const Ret planned = answers_.on_rx();
  if (conns_.empty()) return planned;  // the engine checker reports rx outside CONNECTED
  Conn& c = conns_.back();
  const bool som = flags & stream::kFlagSom, eom = flags & stream::kFlagEom;
  const std::size_t before = c.rx.size();
  c.rx.append(buf.begin(), buf.end());
  if (st_.proto == Proto::kH1) {
    if (c.eom && !buf.empty()) report("som-eom", std::to_string(buf.size()) + " body bytes after EOM");
    if (som != (before == 0 && !c.eom) && !(buf.empty() && !som))
      report("som-eom", std::string(som ? "SOM" : "no SOM") + " on a body piece at offset " + std::to_string(before));
    if (eom) c.eom = true;
    if (!advance_good(c, before, body_))
      report("bytes-exact", "connection " + std::to_string(conns_.size()) + ": the body differs at byte " +
                                std::to_string(c.good) + " (" + std::to_string(c.rx.size()) + " received, body " +
                                std::to_string(body_.size()) + ")");
    return planned;
  }
  // Echo (raw, ws): what came back on this connection is a prefix of what
  // this connection sent.
  if (!advance_good(c, before, c.tx))
    report("bytes-exact", "connection " + std::to_string(conns_.size()) + ": echo differs from what it sent at byte " +
                              std::to_string(c.good) + " (" + std::to_string(c.rx.size()) + " back, " +
                              std::to_string(c.tx.size()) + " sent)");
  if (st_.proto == Proto::kWs) {
    // Direct only: the proxy frames what it forwards in pieces of its own.
    if (!spec_.via_proxy && buf.size() > kWsRxPiece)
      report("ws-piece", std::to_string(buf.size()) + " bytes in one rx at offset " + std::to_string(before) +
                             " (ws hands a frame over in pieces of at most " + std::to_string(kWsRxPiece) + ")");
    if (som == c.msg_open) report("som-eom", std::string(som ? "SOM inside a message" : "no SOM on a message's first piece") + " at offset " + std::to_string(before));
    if (som) {
      c.msg_open = true;
      c.msg_start = before;
    }
    if (eom) {
      c.msg_open = false;
      // The message must end where the sent one ended.
      if (c.rx_msgs >= c.tx_ends.size() || c.tx_ends[c.rx_msgs] != c.rx.size())
        report("som-eom", "EOM at offset " + std::to_string(c.rx.size()) + " is not the end of sent message " +
                              std::to_string(c.first_msg + c.rx_msgs));
      ++c.rx_msgs;
    }
  }
  std::size_t whole = 0;
  while (whole < c.tx_ends.size() && c.tx_ends[whole] <= c.good) ++whole;
  confirmed_ = std::max(confirmed_, c.first_msg + whole);
  if (confirmed_ >= msgs_.size() && !done_at_) {
    done_at_ = world_.now();
    check_done();
  }
  return planned;
}

}  // namespace ss::sim::world
