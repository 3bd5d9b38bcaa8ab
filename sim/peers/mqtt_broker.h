// MqttBroker: a simulated MQTT 3.1.1 broker, written against ss::Net and
// ss::Loop only, on the same packet codec as the client
// (runtime/proto/mqtt/mqtt_packet.h) but with its own routing.
//
// What it does: CONNECT -> CONNACK (or refuse_code); SUBSCRIBE -> SUBACK
// (granted QoS = min(asked, 1)) and the retained messages that match;
// PUBLISH -> PUBACK for QoS 1, kept as retained when asked (an empty
// payload clears), and forwarded to every matching subscription at
// min(publish QoS, subscription QoS), in the order received; UNSUBSCRIBE ->
// UNSUBACK (the filters dropped); PINGREQ -> PINGRESP; DISCONNECT -> close
// without the will; any other end of a
// connection that had CONNECTed publishes its will. A CONNECT with
// clean_session 0 gets back the session its client id had, if any, with its
// subscriptions (CONNACK "session present"); messages for a session while it is offline are not
// queued. Keep-alive is not enforced. stop() forgets every session (a
// restarted broker with no persistence).
//
// Misbehaviours, drawn from `seed` (deterministic per run), each a percent
// chance per event: drop a PUBACK we owe (the client resends with DUP),
// deliver a message twice (the second with DUP, as after a lost PUBACK on
// the broker side), and close a subscriber's connection after writing half
// of a message's packet. Every PUBLISH the broker takes in is logged
// (received()), so a scenario can check what subscribers saw against it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"
#include "runtime/core/rng.h"
#include "runtime/proto/mqtt/mqtt_packet.h"
#include "sim/peers/peer_listener.h"

namespace ss::sim::peers {

struct MqttBrokerOptions {
  std::uint8_t refuse_code = 0;     // CONNACK return code; 0 accepts
  bool silent = false;              // never answer CONNECT (a broker that hangs)
  bool refuse_subscriptions = false;  // SUBACK 0x80 for every filter
  std::uint64_t seed = 1;           // for the misbehaviours below
  int drop_puback_pct = 0;          // a QoS 1 PUBACK we owe is not sent
  int duplicate_pct = 0;            // a forwarded message is sent twice
  int close_mid_packet_pct = 0;     // a forwarded message is cut in half and the connection closed
  std::uint32_t max_packet = 1 << 20;
};

// One PUBLISH the broker took in (from a client, or a will).
struct MqttReceived {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 0;
  bool dup = false;
  bool will = false;
  Micros at = 0;  // when the broker took it in
  std::uint64_t conn = 0;  // the client connection it came on (0: a will or the broker's own)
  std::uint16_t packet_id = 0;
  bool acked = false;  // QoS 1: the broker sent its PUBACK (not dropped)
};

class MqttBroker {
 public:
  MqttBroker(Loop& loop, Net& net, Endpoint at, MqttBrokerOptions options = {});
  ~MqttBroker();
  MqttBroker(const MqttBroker&) = delete;
  MqttBroker& operator=(const MqttBroker&) = delete;

  Error start();
  // Stops listening and drops every connection (no wills: a broker going
  // down is not its clients going away). `keep_sessions`: the kept
  // sessions (clean_session 0) survive, as with a broker that persists them.
  void stop(bool keep_sessions = false);
  Endpoint local() const { return listen_.local(); }

  // Every connection the broker has now goes silent for good: nothing is
  // read or sent on it, and it stays open (a hung broker behind live TCP
  // connections: a dead peer only pings can find). New connections are
  // served as usual.
  void freeze();

  // From now on, drop this percentage of the PUBACKs we owe.
  void set_drop_puback_pct(int pct) { options_.drop_puback_pct = pct; }

  // Publishes as the broker itself (a message from "elsewhere").
  void publish(const std::string& topic, const std::string& payload, std::uint8_t qos, bool retain);

  const std::vector<MqttReceived>& received() const { return received_; }
  std::size_t connections() const { return accepted_; }
  std::size_t subscribes() const { return subscribes_; }
  std::size_t pubacks_dropped() const { return pubacks_dropped_; }
  std::size_t duplicates_sent() const { return duplicates_; }
  std::size_t cuts() const { return cuts_; }
  // Protocol errors the broker saw from clients ("mqtt: ..."), in order.
  const std::vector<std::string>& errors() const { return errors_; }

  std::size_t unsubscribes() const { return unsubscribes_; }
  // The clean_session flag of every CONNECT the broker took, in order.
  const std::vector<bool>& clean_sessions() const { return clean_sessions_; }
  // QoS 1 deliveries left without the subscriber's PUBACK although their
  // connection went on (read, not frozen) for kPubackWait or more after
  // them (MQTT 3.1.1 §4.3.2: the receiver answers each with a PUBACK).
  std::size_t pubacks_missing() const;
  static constexpr Micros kPubackWait = 1'000'000;
  // A session kept for a client id (clean_session 0): its subscriptions.
  std::size_t sessions() const { return sessions_.size(); }

 private:
  struct Conn;
  void accept(std::unique_ptr<Connection> c);
  void drop(std::uint64_t id);
  void route(const proto::mqtt::Publish& p);
  bool roll(int pct);

  PeerListener listen_;
  MqttBrokerOptions options_;
  Rng rng_;
  std::map<std::uint64_t, std::unique_ptr<Conn>> conns_;  // by id: forwarding order is fixed
  std::map<std::string, proto::mqtt::Publish> retained_;  // by topic
  std::vector<MqttReceived> received_;
  std::vector<std::string> errors_;
  std::vector<bool> clean_sessions_;
  // QoS 1 deliveries awaiting their PUBACK, by (connection, packet id): when sent.
  std::map<std::pair<std::uint64_t, std::uint16_t>, Micros> awaiting_puback_;
  std::size_t pubacks_missing_ = 0;  // of connections gone
  std::uint64_t next_id_ = 1;
  std::size_t accepted_ = 0;
  std::size_t subscribes_ = 0;
  std::size_t unsubscribes_ = 0;
  std::map<std::string, std::vector<proto::mqtt::Subscription>> sessions_;  // by client id
  std::size_t pubacks_dropped_ = 0;
  std::size_t duplicates_ = 0;
  std::size_t cuts_ = 0;
};

}  // namespace ss::sim::peers
