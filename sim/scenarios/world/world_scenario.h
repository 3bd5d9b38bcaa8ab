// "world": runs a whole generated world (sim/generator/world_spec.h) and
// checks it. docs/sim.md "The world scenario" is the user's view.
//
// How a WorldSpec is built (the contract the generator follows):
//   - hosts: client processes on "client", the SS proxy on "box" (when
//     spec.proxy), each server on its ServerSpec::host, port `port`;
//   - servers: kEcho sends back every byte; kHttp serves GET /dl/<n>/...
//     with world_body(n) and answers POST /echo/... with the request body;
//     kWsEcho echoes each message. TLS servers present a leaf for their
//     host from one test CA the policy trusts (store "sim"). Troubles:
//     kRefuse = no listener; kBlackhole = the network drops SYNs to it;
//     kCloseEarly / kSlow as trouble_net.h says;
//   - the policy is JSON text from world_policy.h (parsed for real), which
//     also fixes the URL conventions (ss_id / ss_dl metadata);
//   - one actor per StreamSpec, created at start_at: directly in the client
//     Context, or (via_proxy) as a ProxyClient to the proxy on "box"; with
//     api == kCApi through the C API instead, in a C client process of its
//     own (c_api_port.h: lws_ss_* in an lws_context under the same policy,
//     or lws_sspc_* to the proxy on "box"); the same actor drives all four
//     through a port. It sets the spec's metadata
//     (at == 0: in CREATING; else at creation + at), asks (request_tx, or
//     request_tx_len(total) with TxMode::kRequestTxLen) unless nailed_up
//     (once: CONNECTED asks again only if the ask's connection ended),
//     sends messages[] one after another (h1 POST: all of them as one
//     body; raw: zero-size messages are skipped), resending from the first
//     message not yet echoed whole after a reconnect; reads per ReaderSpec
//     (hold_rx; with manual_initial_tx_credit > 0: grants credit_step
//     (4096 if 0) every 5 ms while reading, when less than a step of its
//     credit is left; through the proxy the initial credit goes in the
//     STREAMTYPE frame and each grant as TXCR); answers per
//     AnswerSpec; an opportunistic stream with work left asks again 100 ms
//     after DISCONNECTED (at most 20 times); it asks once more
//     again_after_arf after its first ALL_RETRIES_FAILED; arms, re-arms
//     and cancels its timer per TimeoutSpec. It is destroyed
//     at end_at, or when its work is done (end_at == 0), or at its life
//     bound (so every run comes to rest). raw streams ignore `download`.
//
// Invariant ids (every violation text starts with one, then the stream and
// the simulated time):
//   [policy]            the spec's policy does not parse / a server cannot listen
//   [legal-transition]  a state sequence the transition table forbids; a
//                       callback outside CONNECTED (engine checker)
//   [one-destroying]    DESTROYING not exactly once, last
//   [retry-schedule]    backoff, conceal, ALL_RETRIES_FAILED (engine checker)
//   [return-code]       DISCONNECT_ME / DESTROY_ME not obeyed (engine checker)
//   [after-destroy]     any port: a callback but DISCONNECTED (connection
//                       up) and DESTROYING after the user destroyed the
//                       stream (a call, or DESTROY_ME) (after_end_check.h)
//   [after-disconnect]  any port: rx, tx or a state but QOS_ACK/NACK_REMOTE
//                       after DISCONNECT_ME while CONNECTED, before DISCONNECTED
//   [bytes-exact]       rx on a connection is not a prefix of what that
//                       connection sent (echo) / of the body (h1); an ws
//                       message that differs; an ACK without the whole body
//   [som-eom]           ws / h1 rx framing: SOM on a message's first piece
//                       only, EOM on its last, nothing after EOM
//   [ws-piece]          a direct ws stream's rx over 4 KiB in one call
//                       (docs/protocols.md "WebSocket": frames come in
//                       pieces of at most 4 KiB)
//   [metadata-at-server] a url segment or header the server read is not a
//                       value the user had set when that request was made
//   [h1-length]         an h1 POST whose length the user announced
//                       (request_tx_len; not nailed-up) reached the server
//                       without that Content-Length, or chunked
//   [response-metadata] h1: at QOS_ACK_REMOTE metadata ss_reply is not the
//                       x-ss-reply header the server answered with (its
//                       request number must rise per transaction)
//   [credit]            manual credit, direct or proxied: more rx than the
//                       credit granted; calm world: the transfer stalled
//                       with granted credit unused
//   [timeout]           the user's timer: a TIMEOUT no arming asked for, or
//                       before the armed deadline, or after the user
//                       cancelled it (through the proxy: a second before
//                       its deadline, calm world, fast reader; and there
//                       no later than 4 latencies + 50 ms after it)
//   [liveness]          calm world: work not done within its bound; faults:
//                       not CONNECTED again within a bound after they heal
//   [c-api]             a C API stream: a C callback's answer (LWSSSSRET_*)
//                       is not the one the engine took, a state the engine
//                       raised is not the one the C callback got, a
//                       callback's user object is not its handle's
//   [leak]              streams, attempts, pooled connections, proxy links,
//                       onward streams or network connections left at the end
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "sim/generator/generate.h"
#include "sim/generator/world_source.h"
#include "sim/generator/world_spec.h"
#include "sim/scenario.h"

namespace ss::sim {

namespace world {

// Wrong expectations a test plants to show an invariant can fail (never
// set by a campaign).
enum class Plant {
  kNone,
  kEchoByte,        // the actor remembers one sent byte wrong
  kMetadataValue,   // the actor remembers a metadata value wrong
  kCreditGrant,     // the actor under-counts the credit it granted
  kSomFlag,         // the actor reads every rx piece's SOM flag inverted
  kLivenessBound,   // calm liveness bound of 1 us
  kForgetDestroy,   // the actor never destroys a stream (a leak)
  kTimeoutDue,      // the actor thinks each timer it arms is due 1 s later
  kReplyValue,      // the actor expects another x-ss-reply value
};

// A run of `spec` with `plant` (tests).
std::unique_ptr<ScenarioRun> make_world_run(gen::WorldSpec spec, Plant plant = Plant::kNone);

}  // namespace world

// "world": the generator's own mix. "world-heavy" (make_heavy_world_scenario)
// is the same world of each seed grown by gen::GenKnobs: 1,000 streams and
// faults always on, for the simulator's speed under load (bench/run).
class WorldScenario final : public Scenario, public gen::WorldSource {
 public:
  WorldScenario() = default;
  WorldScenario(std::string name, gen::GenKnobs knobs) : name_(std::move(name)), knobs_(knobs) {}
  std::string name() const override { return name_; }
  std::string summary() const override;
  std::unique_ptr<ScenarioRun> derive(std::uint64_t seed) const override;
  gen::WorldSpec spec_for_seed(std::uint64_t seed) const override;
  std::unique_ptr<ScenarioRun> run_spec(gen::WorldSpec spec) const override;

 private:
  std::string name_ = "world";
  gen::GenKnobs knobs_;
};

std::unique_ptr<Scenario> make_world_scenario();
std::unique_ptr<Scenario> make_heavy_world_scenario();
void register_world_scenarios(ScenarioRegistry& registry);

}  // namespace ss::sim
