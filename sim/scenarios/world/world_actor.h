// One stream of a world run (world_scenario.h): the actor that drives it
// through a port (a direct stream::Stream or a ProxyClient) and records
// what it saw, checking bytes, framing and credit as they happen.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/stream/binding.h"
#include "runtime/stream/states.h"
#include "sim/generator/world_spec.h"
#include "sim/scenarios/world/after_end_check.h"
#include "sim/scenarios/world/world_scenario.h"
#include "sim/testing/answer_plan.h"
#include "sim/world.h"

namespace ss::sim::world {

// What an actor needs of its stream; direct and proxied alike.
class StreamPort {
 public:
  virtual ~StreamPort() = default;
  virtual void request_tx() = 0;
  virtual void request_tx_len(std::size_t len) = 0;
  virtual void set_metadata(const std::string& name, const std::string& value) = 0;
  virtual void add_credit(std::int32_t add) = 0;
  virtual void hold_rx(bool hold) = 0;
  virtual void start_timeout(std::uint32_t ms) = 0;
  virtual void cancel_timeout() = 0;
  virtual void destroy() = 0;
  virtual bool gone() const = 0;  // destroyed (DESTROYING came or the object is dead)
  // The stream's value of metadata `name` (from a response header too); nullopt if unset.
  virtual std::optional<std::string> metadata(const std::string& name) const = 0;
};

class Actor {
 public:
  Actor(World& world, const gen::WorldSpec& spec, std::size_t index, Plant plant);

  // Callbacks the port routes here (stream::Callbacks shape).
  stream::Ret on_state(stream::State state, std::uint32_t ack);
  stream::Ret on_rx(std::span<const std::uint8_t> buf, std::uint32_t flags);
  stream::Ret on_tx(std::uint32_t ordinal, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags);

  void attach(std::unique_ptr<StreamPort> port);
  // How many requests naming each stream (x-ss-id) the servers answered:
  // the response an h1 transaction acknowledges is this stream's latest.
  void replies_counted_in(const std::map<std::string, unsigned>* answered) { answered_ = answered; }
  void start_timers();  // reader, metadata changes, end_at, life bound
  // Test hook for a leak: never destroy.
  bool keeps_stream() const { return plant_ == Plant::kForgetDestroy; }

  // For the run's checks.
  struct StateAt {
    Micros at;
    stream::State state;
  };
  const std::string& name() const { return name_; }
  const gen::StreamSpec& spec() const { return spec_; }
  const gen::StreamtypeSpec& streamtype() const { return st_; }
  const std::vector<StateAt>& states() const { return states_; }
  std::optional<Micros> created_at() const { return created_at_; }
  std::optional<Micros> done_at() const { return done_at_; }
  std::optional<Micros> gone_at() const { return gone_at_; }
  bool has_work() const;
  // Manual credit: whether the reader grants it, and what it granted
  // (initial + grants) that no rx has used yet.
  bool manual_credit() const { return credit_; }
  std::int64_t unused_credit() const { return st_.manual_initial_tx_credit + granted_ - received_; }
  std::int64_t received() const { return received_; }
  const StreamPort* port() const { return port_.get(); }
  // Whether the user's last ask for tx at or before `t` announced the
  // length (request_tx_len) rather than request_tx.
  bool length_announced_before(Micros t) const;
  // Whether this stream's request may reach the server without x-ss-id.
  bool request_may_lack_id() const;
  // The values `name` had at some time in [from, to] (unset = "").
  std::set<std::string> values_between(const std::string& name, Micros from, Micros to) const;
  Micros life_bound() const { return life_bound_; }
  Micros calm_bound() const { return calm_bound_; }
  // Report "[id] sN @T us: text" once per id.
  void report(const char* id, const std::string& text);

 private:
  struct Conn {
    Micros at = 0;
    std::size_t first_msg = 0;         // index of the first message sent on it
    std::string tx;                    // bytes handed to the stream, in order
    std::vector<std::size_t> tx_ends;  // end offset in tx of each whole message
    std::string rx;
    std::size_t good = 0;              // rx[0, good) is what was expected (checked once per byte)
    std::size_t rx_msgs = 0;           // ws: whole messages received
    std::size_t msg_start = 0;         // ws/h1: rx offset of the open message
    bool msg_open = false;
    bool eom = false;                  // h1: the body ended
  };

  // The callbacks' work; on_state / on_rx / on_tx wrap them in after_end_.
  stream::Ret react(stream::State state, std::uint32_t ack);
  stream::Ret read(std::span<const std::uint8_t> buf, std::uint32_t flags);
  stream::Ret write(std::uint32_t ordinal, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags);
  void ask();
  void set_md(const std::string& name, const std::string& value);
  void open_conn();
  bool advance_good(Conn& c, std::size_t before, const std::string& expected);
  void on_connected();
  void on_disconnected();
  void check_done();
  bool check_reply_metadata();
  Micros timer_wait() const;
  void finish();
  void read_tick();
  void slow_reader_step(bool hold);
  void set_hold(bool hold);
  void arm_timer();
  void cancel_timer();
  void on_timeout();
  std::string message(std::size_t i) const;
  std::size_t message_count() const { return msgs_.size(); }
  std::size_t total_tx() const;

  World& world_;
  std::size_t index_;
  std::string name_;
  gen::StreamSpec spec_;
  gen::StreamtypeSpec st_;
  Plant plant_;
  AnswerPlan answers_;
  AfterEndCheck after_end_{[this](const char* id, const std::string& text) { report(id, text); }};
  std::unique_ptr<StreamPort> port_;
  std::vector<std::string> msgs_;  // what is sent (h1 POST: one body)
  std::string body_;               // h1: the response body expected
  std::vector<StateAt> states_;
  // A stream that has connected this many times gives up (destroys itself).
  static constexpr std::size_t kMaxConnections = 16;
  std::vector<Conn> conns_;
  bool connected_ = false;
  // Asked for tx since the last connection ended, and no tx() since: the
  // engine owes a tx() once CONNECTED, so CONNECTED does not ask again
  // (the lws pattern: request_tx once, from CREATING).
  bool ask_open_ = false;
  std::vector<std::pair<Micros, bool>> asks_;  // h1 asks for tx: when, with the length
  std::size_t confirmed_ = 0;  // messages echoed whole (on some connection)
  std::size_t tx_msg_ = 0, tx_off_ = 0;
  std::optional<Micros> created_at_, done_at_, gone_at_;
  bool asked_again_after_arf_ = false;
  unsigned last_reply_ = 0;  // the request number in the last ss_reply checked
  const std::map<std::string, unsigned>* answered_ = nullptr;
  int reasks_ = 0;
  bool reader_hold_ = false;
  bool credit_ = false;  // manual credit (direct and proxied streams)
  std::int64_t granted_ = 0, received_ = 0;
  bool window_opened_ = false;  // an odd-step reader's first grant is made
  // The user's timer (spec_.timeout): each arming that sets one, the
  // user's cancel since the last, the TIMEOUTs seen.
  struct Arm {
    Micros at;
    Micros due;
  };
  std::vector<Arm> arms_;
  std::optional<Micros> cancelled_at_;
  std::size_t timeouts_ = 0;
  std::size_t ends_ = 0;  // DISCONNECTED and UNREACHABLE seen
  bool calm_ = false;  // the world is calm (WorldSpec::calm)
  std::map<std::string, std::vector<std::pair<Micros, std::string>>> md_;
  std::set<std::string> reported_;
  Micros life_bound_ = 0, calm_bound_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  void later(Micros delay, std::function<void()> f);
};

}  // namespace ss::sim::world
