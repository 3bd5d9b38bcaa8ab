// H2Connection: one HTTP/2 connection shared by the h2 streams of a
// context that go to the same place (docs/protocols.md "HTTP/2").
//
// How the wire gets here: the first stream to a place (the "opener") makes
// the connection entry and connects through the engine as any attempt
// does (TCP, TLS with ALPN "h2"); once its transport is up it hands the
// wire over (BindingHost::take_connection) and the entry owns it. Streams
// that come while the entry is usable join it instead of connecting
// (Binding::shares_connection). Each joined stream is a member; it opens
// its h2 stream once the wire is up.
//
// What ends it: the wire ending (every member ends with that reason), bad
// frames from the server (every member's attempt closes with the error),
// svalidhup with nothing from the server (members end as timed out), or
// no member for kIdleTimeout. After a GOAWAY it takes no new members; it
// closes when the last one leaves.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/loop.h"
#include "runtime/core/net.h"
#include "runtime/proto/h2/h2_client.h"
#include "runtime/stream/binding.h"

namespace ss::proto::h2 {

// A member, as the connection sees it (H2Binding).
class Member {
 public:
  virtual ~Member() = default;
  virtual void on_wire_up() = 0;                 // open your stream now (if you are ready)
  virtual void on_stream_event(Event e) = 0;     // a HeadEvent/DataEvent/EndEvent/ClosedEvent of yours
  virtual void on_wire_room() = 0;               // windows or the wire have room: send more body
  virtual void on_wire_end(EndReason reason, const std::string& error) = 0;  // the connection is over
};

class H2Registry;

class H2Connection final : public ConnectionHandler, public std::enable_shared_from_this<H2Connection> {
 public:
  static constexpr Micros kIdleTimeout = seconds(5);  // as the engine's keep-alive pool

  H2Connection(Loop& loop, std::string key, std::weak_ptr<H2Registry> registry, const policy::RetryPolicy* retry);
  ~H2Connection() override;

  void join(Member* m);
  // `m` is done; its open stream (if any) is reset with CANCEL.
  void leave(Member* m);
  void bind_stream(std::int32_t id, Member* m);
  void adopt(stream::Link link);
  // The opener's transport ended before it could hand the wire over.
  void opener_failed(EndReason reason);

  Client& core() { return core_; }
  void flush();  // writes what the core has queued
  bool wire_up() const { return up_; }
  bool over() const { return over_; }
  bool joinable() const { return !over_ && !core_.goaway_received(); }
  // Room on the wire for more request body (not past its high watermark).
  bool wire_has_room() const { return writable_; }
  EndReason end_reason() const { return end_reason_; }
  const std::string& key() const { return key_; }

  // ConnectionHandler (the wire's relay points here)
  void on_data(std::span<const std::uint8_t> bytes) override;
  void on_writable() override;
  void on_end(EndReason reason) override;

 private:
  void dispatch();
  void end(EndReason reason, const std::string& error);
  void arm_timers();
  void on_timer();
  void maybe_idle();

  Loop& loop_;
  std::string key_;
  std::weak_ptr<H2Registry> registry_;  // gone at context teardown, before us perhaps
  void forget_me();
  Micros ping_after_ = 0;   // svalidping (0: never)
  Micros hangup_after_ = 0; // svalidhup (0: never)
  Client core_;
  stream::Link link_;
  std::vector<Member*> members_;            // in join order
  std::map<std::int32_t, Member*> streams_; // open h2 streams
  bool up_ = false;
  bool over_ = false;
  bool writable_ = true;
  EndReason end_reason_ = EndReason::kReset;
  Micros last_valid_ = 0;  // last time the server proved the wire alive
  Micros last_ping_ = -1;
  TimerId timer_;
  TimerId idle_timer_;
};

// The usable connection per place, one per context (the h2 binding
// factory keeps it).
class H2Registry : public std::enable_shared_from_this<H2Registry> {
 public:
  // The context's h1 client binding, for a TLS server that does not pick
  // h2 by ALPN (nullptr from it: no h1 binding registered).
  stream::BindingFactory h1_fallback;

  std::shared_ptr<H2Connection> find(const std::string& key) const;
  void add(std::shared_ptr<H2Connection> c);
  void forget(const H2Connection* c);  // no longer joinable
  ~H2Registry();

 private:
  std::map<std::string, std::shared_ptr<H2Connection>> live_;
};

}  // namespace ss::proto::h2
