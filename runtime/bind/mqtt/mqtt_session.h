// Session: one MQTT connection to a broker, shared by every mqtt stream to
// that broker (the state of an engine SharedWire, runtime/stream/binding.h;
// docs/protocols.md "MQTT: one connection per broker").
//
// The first stream's binding makes it, with that stream's CONNECT (client
// id, keep-alive, clean session, will, credentials) and validity timers;
// later streams join it. It owns the sans-IO client core and routes what
// the broker says to the streams (riders):
//   - CONNACK accepted: every rider hears on_session_up() (a rider joining
//     later hears it at once);
//   - each filter is subscribed once, however many riders want it, and
//     unsubscribed when the last rider that wanted it leaves (a rider that
//     goes only takes its own topics with it); a rider hears the SUBACK of
//     its filter, or at once when the filter is already granted;
//   - a message goes to every rider whose filter matches its topic;
//   - a PUBACK (or resends run out) goes to the rider that published;
//   - the users' QoS 1 publishes waiting for a PUBACK are also kept in the
//     broker's SessionMemory (mqtt_session_memory.h), which outlives the
//     connection: a new session restores them and, once the CONNACK
//     accepts it, sends them again first (DUP set when the broker resumed
//     the session); the outcome goes to the publishing stream when it is
//     CONNECTED on the session, else waits in the memory for it;
//   - a protocol error or a CONNACK refusal kills the session: every rider
//     hears on_failed(why) and closes; the wire closes when the last one has.
// The last rider to leave by its own close sends DISCONNECT (the broker
// drops the will). Every call into a rider goes through its host's
// guarded(), as the engine's own calls do.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/bind/mqtt/mqtt_session_memory.h"
#include "runtime/core/loop.h"
#include "runtime/proto/mqtt/mqtt_client.h"
#include "runtime/stream/binding.h"

namespace ss::proto::mqtt {

// What a stream on the session hears (the mqtt binding implements it).
class SessionRider {
 public:
  virtual ~SessionRider() = default;
  virtual stream::BindingHost& host() = 0;
  // CONNECTED: the outcome of a kept publish can be raised now.
  virtual bool connected() const = 0;
  virtual void on_session_up() = 0;                           // CONNACK accepted
  virtual void on_subscribed(bool granted) = 0;               // the SUBACK for this rider's filter
  virtual void on_message(const Publish& p) = 0;              // its topic matches this rider's filter
  virtual void on_settled(std::uint16_t id, bool acked) = 0;  // this rider's QoS 1 publish: PUBACK or given up
  virtual void on_writable() = 0;                             // the wire takes bytes again
  virtual void on_failed(const std::string& why) = 0;         // the session is dead
};

// The session's timers, from the first stream's policy.
struct SessionTimers {
  Micros ping_after = 0;      // svalidping: a PINGREQ after this long with nothing from the broker (0 = off)
  Micros hangup_after = 0;    // svalidhup: give up after this long with nothing (0 = off)
  Micros keep_alive = 0;      // mqtt_keep_alive: a PINGREQ when we sent nothing this long (0 = off)
  // A PINGREQ followed by nothing from the broker for this long closes the
  // connection (MQTT 3.1.1 §3.1.2.10; 0 = never): the shorter of ping_after
  // and keep_alive, whichever are set (docs/protocols.md "MQTT").
  Micros pingresp_wait = 0;
};

class Session final : public stream::WireState {
 public:
  Session(stream::SharedWire& wire, SessionMemory& memory, Loop& loop, SessionTimers timers,
          std::uint64_t timer_owner);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Restores the kept publishes and sends CONNECT. Fails (and the session
  // is unusable) when the core refuses either.
  Error start(const Connect& connect);

  void join(SessionRider* rider);
  // `goodbye`: the rider's own stream closed it (not the wire's end):
  // unsubscribe what only it wanted, and DISCONNECT if it was the last.
  void leave(SessionRider* rider, bool goodbye);
  // Subscribes `rider` to `filter` (one filter per rider).
  void subscribe(SessionRider* rider, const std::string& filter, std::uint8_t qos);
  // Publishes for `rider`; the packet id (0 for QoS 0) names it in
  // on_settled(). `keep`: a QoS 1 publish is kept in the memory until
  // settled, across connections (a user's message; not a birth).
  Result<std::uint16_t> publish(SessionRider* rider, const std::string& topic, std::span<const std::uint8_t> payload,
                                std::uint8_t qos, bool retain, bool keep);
  // Outcomes of the stream's kept publishes settled while it was not
  // CONNECTED here, oldest first (they are forgotten).
  std::vector<bool> take_owed(std::uint64_t stream_id);

  bool up() const { return client_.connack_received() && !dead_; }
  bool blocked() const { return blocked_; }
  std::size_t riders() const { return riders_.size(); }

  // stream::WireState
  void on_wire_data(std::span<const std::uint8_t> bytes) override;
  void on_wire_writable() override;

 private:
  struct Sub {
    int riders = 0;
    bool granted = false;
    std::uint16_t packet_id = 0;  // of its SUBSCRIBE, until the SUBACK
  };

  struct Publisher {
    std::uint64_t stream_id = 0;
    bool kept = false;  // in the memory
  };

  bool rides(SessionRider* r) const;
  SessionRider* rider_of(std::uint64_t stream_id) const;
  void settle(std::uint16_t id, bool acked);
  // Calls `fn` on each rider still on the session, through its host.
  template <typename Fn>
  void each_rider(Fn fn);
  void flush();
  void process();
  void fail(const std::string& why);
  void drop_filter(const std::string& filter);
  std::optional<Micros> due() const;
  // Our last PINGREQ has had no answer (nothing from the broker since).
  bool ping_unanswered() const { return timers_.pingresp_wait > 0 && last_ping_ > last_valid_; }
  void rearm();
  void cancel_timer();
  void on_timer();

  stream::SharedWire& wire_;
  SessionMemory& memory_;
  Loop& loop_;
  SessionTimers timers_;
  std::uint64_t timer_owner_;
  Client client_;
  bool dead_ = false;
  bool blocked_ = false;
  std::vector<SessionRider*> riders_;                      // in joining order
  std::map<SessionRider*, std::string> filter_of_;         // riders with a subscription
  std::map<std::string, Sub> subs_;                        // by filter
  std::map<std::uint16_t, Publisher> publisher_of_;        // QoS 1 packet id -> its stream
  TimerId timer_{};
  Micros last_valid_ = 0;  // last packet from the broker
  Micros last_sent_ = 0;
  Micros last_ping_ = -1;  // our last PINGREQ; unanswered while after last_valid_
};

}  // namespace ss::proto::mqtt
