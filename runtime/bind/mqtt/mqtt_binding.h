// The mqtt protocol binding (docs/secure-streams.md §2.4 "mqtt",
// docs/protocols.md "MQTT"): maps the sans-IO MQTT 3.1.1 client core
// (runtime/proto/mqtt) onto stream states. Streams to the same broker
// share one connection, as in libwebsockets: the engine's SharedWire
// carries a Session (mqtt_session.h) that owns the client core; each
// stream's binding is a rider on it.
//
//   transport up   -> the first stream on the wire: CONNECT: client id (system blob MQTT_CLIENT_ID, else
//                     "ss-" and 16 hex digits from the context Rng),
//                     username/password blobs, mqtt_keep_alive,
//                     mqtt_clean_start, will (mqtt_will_*, ${md} expanded)
//                     (a later stream joins the session as it is)
//   CONNACK ok     -> SUBSCRIBE mqtt_subscribe at mqtt_qos (once per filter
//                     on the connection), and the birth
//                     message (mqtt_birth_*) if any
//   CONNECTED      -> when the SUBACK and the birth's PUBACK (if any) are in;
//                     at once after CONNACK when there is neither
//   CONNACK 1..5   -> the connection closes with the reason (UNREACHABLE;
//                     not AUTH_FAILED, which the engine cannot follow with
//                     the retry states, docs/protocols.md "MQTT")
//   user tx        -> chunks SOM..EOM gathered into one PUBLISH to
//                     mqtt_topic (${md} expanded) at mqtt_qos, mqtt_retain
//   PUBACK         -> QOS_ACK_REMOTE (QoS 1; nothing for QoS 0)
//   resends out    -> QOS_NACK_REMOTE (three DUP resends, 3 s apart)
//   PUBLISH in     -> rx with SOM|EOM (messages that come before CONNECTED,
//                     e.g. retained ones after the SUBACK, wait for it)
//   svalidping     -> PINGREQ after that many seconds with nothing from the
//                     broker; svalidhup -> hang up; mqtt_keep_alive -> a
//                     PINGREQ when we have sent nothing for that long;
//                     a PINGREQ unanswered for the shorter of the two
//                     intervals -> hang up (MQTT 3.1.1 §3.1.2.10)
//   close / error  -> every stream on the connection ends with it, then the
//                     engine's retry rules (a new connection subscribes
//                     again); a stream that closes alone UNSUBSCRIBEs the
//                     filter no other stream wants; the last one sends
//                     DISCONNECT.
// QoS 2 in the policy is used as QoS 1 (the core speaks 0 and 1).
#pragma once

#include <memory>

#include "runtime/stream/binding.h"

namespace ss::stream {
class Context;
}

namespace ss::proto::mqtt {

std::unique_ptr<stream::Binding> make_mqtt_binding(stream::BindingHost& host);
void register_mqtt_binding(stream::Context& ctx);

}  // namespace ss::proto::mqtt
