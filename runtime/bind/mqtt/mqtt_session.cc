#include "runtime/bind/mqtt/mqtt_session.h"

#include <algorithm>

namespace ss::proto::mqtt {

Session::Session(stream::SharedWire& wire, SessionMemory& memory, Loop& loop, SessionTimers timers,
                 std::uint64_t timer_owner)
    : wire_(wire), memory_(memory), loop_(loop), timers_(timers), timer_owner_(timer_owner) {}

Session::~Session() { cancel_timer(); }

Error Session::start(const Connect& connect) {
  for (const auto& [id, u] : memory_.unacked) publisher_of_[id] = Publisher{u.stream_id, true};
  Error e = client_.restore(memory_.publishes());
  if (e.ok()) e = client_.connect(connect);
  if (!e.ok()) {
    dead_ = true;
    return e;
  }
  last_valid_ = loop_.now();
  flush();
  rearm();
  return {};
}

bool Session::rides(SessionRider* r) const { return std::find(riders_.begin(), riders_.end(), r) != riders_.end(); }

SessionRider* Session::rider_of(std::uint64_t stream_id) const {
  for (SessionRider* r : riders_)
    if (r->host().stream_id() == stream_id) return r;
  return nullptr;
}

template <typename Fn>
void Session::each_rider(Fn fn) {
  const auto riders = riders_;  // a rider may leave while another is called
  for (SessionRider* r : riders)
    if (rides(r)) r->host().guarded([&] { fn(r); });
}

void Session::join(SessionRider* rider) {
  riders_.push_back(rider);
  if (dead_) return rider->on_failed("mqtt: the broker connection this stream joined has failed");
  if (up()) rider->on_session_up();
}

void Session::leave(SessionRider* rider, bool goodbye) {
  if (!rides(rider)) return;
  riders_.erase(std::find(riders_.begin(), riders_.end(), rider));
  // Its kept publishes stay (their outcome waits for it in the memory)
  // unless the stream itself is going; its birth goes with it.
  const std::uint64_t sid = rider->host().stream_id();
  if (goodbye) memory_.forget(sid);
  for (auto it = publisher_of_.begin(); it != publisher_of_.end();)
    it = it->second.stream_id == sid && (goodbye || !it->second.kept) ? publisher_of_.erase(it) : std::next(it);
  auto f = filter_of_.find(rider);
  std::string filter;
  if (f != filter_of_.end()) {
    filter = f->second;
    filter_of_.erase(f);
  }
  auto sub = subs_.find(filter);
  const bool last_on_filter = sub != subs_.end() && --sub->second.riders == 0;
  if (last_on_filter) subs_.erase(sub);
  if (riders_.empty() && (!goodbye || !up())) {
    // The wire goes with its last rider: no timer may settle (and so
    // forget) a kept publish the next session has restored.
    dead_ = true;
    cancel_timer();
    return;
  }
  if (!goodbye || !up()) return;
  if (riders_.empty()) {
    // The wire closes after this: say so, so the broker drops our will
    // (MQTT 3.1.1 §3.14).
    if (client_.disconnect().ok()) flush();
    dead_ = true;
    cancel_timer();
    return;
  }
  if (last_on_filter && client_.unsubscribe(filter).ok()) flush();
}

void Session::subscribe(SessionRider* rider, const std::string& filter, std::uint8_t qos) {
  filter_of_[rider] = filter;
  auto [it, fresh] = subs_.try_emplace(filter);
  Sub& s = it->second;
  ++s.riders;
  if (!fresh) {
    if (s.granted) rider->on_subscribed(true);
    return;  // else the SUBACK under way answers it too
  }
  auto id = client_.subscribe(filter, qos);
  if (!id.ok()) return fail("mqtt: subscribe to \"" + filter + "\": " + id.error().message());
  s.packet_id = *id;
  flush();
}

Result<std::uint16_t> Session::publish(SessionRider* rider, const std::string& topic,
                                       std::span<const std::uint8_t> payload, std::uint8_t qos, bool retain,
                                       bool keep) {
  auto id = client_.publish(topic, payload, qos, retain, loop_.now());
  if (!id.ok()) return id;
  if (*id != 0) {
    const std::uint64_t sid = rider->host().stream_id();
    publisher_of_[*id] = Publisher{sid, keep};
    if (keep)
      memory_.unacked[*id] = SessionMemory::Unacked{Publish{topic, {payload.begin(), payload.end()}, qos, retain, false, *id}, sid};
  }
  flush();
  rearm();
  return id;
}

std::vector<bool> Session::take_owed(std::uint64_t stream_id) {
  auto it = memory_.owed.find(stream_id);
  if (it == memory_.owed.end()) return {};
  std::vector<bool> out = std::move(it->second);
  memory_.owed.erase(it);
  return out;
}

void Session::settle(std::uint16_t id, bool acked) {
  auto p = publisher_of_.find(id);
  if (p == publisher_of_.end()) return;  // its stream has gone
  const Publisher who = p->second;
  publisher_of_.erase(p);
  if (who.kept) memory_.unacked.erase(id);
  SessionRider* r = rider_of(who.stream_id);
  if (who.kept && (!r || !r->connected())) {
    memory_.owed[who.stream_id].push_back(acked);  // raised once it is CONNECTED again
    return;
  }
  if (r) r->host().guarded([&] { r->on_settled(id, acked); });
}

void Session::flush() {
  auto bytes = client_.take_output();
  if (bytes.empty()) return;
  last_sent_ = loop_.now();
  if (!wire_.write(bytes)) blocked_ = true;
}

void Session::on_wire_data(std::span<const std::uint8_t> bytes) {
  client_.receive_data(bytes);
  process();
}

void Session::on_wire_writable() {
  blocked_ = false;
  each_rider([](SessionRider* r) { r->on_writable(); });
}

void Session::fail(const std::string& why) {
  if (dead_) return;
  flush();  // a PUBACK the core still owed
  dead_ = true;
  cancel_timer();
  each_rider([&](SessionRider* r) { r->on_failed(why); });
}

void Session::process() {
  while (!dead_) {
    auto ev = client_.next_event();
    if (!ev) break;
    if (!std::holds_alternative<ErrorEvent>(*ev) && !std::holds_alternative<ClosedEvent>(*ev))
      last_valid_ = loop_.now();
    if (auto* c = std::get_if<ConnackEvent>(&*ev)) {
      // A refusal (return code 1..5) is followed by the core's ErrorEvent.
      if (!riders_.empty())
        riders_.front()->host().trace("mqtt.connack", std::to_string(c->connack.return_code));
      if (c->connack.return_code == 0) {
        // What an earlier connection left unacknowledged goes first.
        client_.resend_unacked(c->connack.session_present, loop_.now());
        each_rider([](SessionRider* r) { r->on_session_up(); });
      }
    } else if (auto* m = std::get_if<MessageEvent>(&*ev)) {
      each_rider([&](SessionRider* r) {
        auto f = filter_of_.find(r);
        if (f != filter_of_.end() && topic_matches(f->second, m->publish.topic)) r->on_message(m->publish);
      });
    } else if (auto* a = std::get_if<PubackEvent>(&*ev)) {
      settle(a->packet_id, true);
    } else if (auto* f = std::get_if<PublishFailedEvent>(&*ev)) {
      settle(f->packet_id, false);
    } else if (auto* s = std::get_if<SubackEvent>(&*ev)) {
      auto sub = std::find_if(subs_.begin(), subs_.end(),
                              [&](const auto& kv) { return kv.second.packet_id == s->suback.packet_id; });
      if (sub == subs_.end()) continue;  // every rider that wanted it has gone
      const std::string filter = sub->first;
      const bool granted = s->suback.return_codes.front() != kSubackFailure;
      sub->second.granted = granted;
      sub->second.packet_id = 0;
      each_rider([&](SessionRider* r) {
        auto fr = filter_of_.find(r);
        if (fr != filter_of_.end() && fr->second == filter) r->on_subscribed(granted);
      });
    } else if (auto* err = std::get_if<ErrorEvent>(&*ev)) {
      return fail(err->message);
    }
    // PINGRESP and UNSUBACK only show the broker is there; the end of the
    // wire (ClosedEvent) reaches the riders from the engine.
  }
  if (dead_) return;
  flush();
  rearm();
}

// --- one timer: QoS 1 resends, svalidping/svalidhup, keep-alive -----------

std::optional<Micros> Session::due() const {
  std::optional<Micros> at = client_.next_deadline();
  auto consider = [&](Micros t) {
    if (!at || t < *at) at = t;
  };
  // A PINGREQ may only follow the CONNACK: before it, waiting for the
  // ping time would wake us again and again at an instant already past.
  if (timers_.ping_after && last_ping_ <= last_valid_ && client_.connack_received())
    consider(last_valid_ + timers_.ping_after);
  if (timers_.hangup_after) consider(last_valid_ + timers_.hangup_after);
  if (ping_unanswered()) consider(last_ping_ + timers_.pingresp_wait);
  if (timers_.keep_alive && client_.connack_received()) consider(last_sent_ + timers_.keep_alive);
  return at;
}

void Session::rearm() {
  cancel_timer();
  if (dead_) return;
  if (auto at = due()) timer_ = loop_.at(*at, [this] { on_timer(); }, {"mqtt", timer_owner_, "timer"});
}

void Session::cancel_timer() {
  if (timer_) loop_.cancel(timer_);
  timer_ = {};
}

void Session::on_timer() {
  timer_ = {};
  if (dead_) return;
  const Micros now = loop_.now();
  const Micros idle = now - last_valid_;
  if (timers_.hangup_after && idle >= timers_.hangup_after)
    return fail("mqtt: nothing from the broker for " + std::to_string(idle / kMicrosPerSecond) + " s");
  if (ping_unanswered() && now - last_ping_ >= timers_.pingresp_wait)
    return fail("mqtt: no PINGRESP (nor anything else) " + std::to_string((now - last_ping_) / kMicrosPerSecond) +
                " s after our PINGREQ");
  bool ping = timers_.ping_after && idle >= timers_.ping_after && last_ping_ <= last_valid_;
  if (timers_.keep_alive && client_.connack_received() && now - last_sent_ >= timers_.keep_alive) ping = true;
  if (ping && client_.connack_received() && client_.ping().ok()) last_ping_ = now;
  client_.handle_timeout(now);
  process();  // PublishFailed events; flushes and re-arms
}

}  // namespace ss::proto::mqtt
