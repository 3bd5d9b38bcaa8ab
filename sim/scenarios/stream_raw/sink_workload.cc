#include "sim/scenarios/stream_raw/sink_workload.h"

#include <algorithm>
#include <deque>

#include "runtime/stream/binding.h"
#include "runtime/stream/stream.h"
#include "sim/testing/stream_actor.h"

namespace ss::sim {

using stream::Ret;
using stream::State;

// One end of a link. A source sends its spec's messages; an accepted sink
// sends back each message it read whole. Both read messages piece by
// piece and check each against the one the other end sent in its place.
struct SinkWorkload::End {
  World* world = nullptr;
  std::string name;
  stream::Stream* s = nullptr;
  bool connected = false;
  bool gone = false;
  std::vector<std::pair<Micros, State>> states;
  const std::vector<std::string>* expected = nullptr;  // what the other end sends, in order
  std::deque<std::string> to_send;
  std::size_t send_offset = 0;
  std::string reading;
  bool in_message = false;
  std::size_t whole = 0;  // messages read whole
  bool echo = false;      // the accepted sink: send back what it reads
  int destroy_at = -1;    // answer DESTROY_ME at this message's EOM

  Ret on_state(State st) {
    if (gone) {
      world->violation(name + ": state callback after DESTROYING");
      return Ret::kOk;
    }
    states.emplace_back(world->now(), st);
    if (st == State::kConnected) {
      connected = true;
      if (!to_send.empty()) s->request_tx();
    }
    if (st == State::kDisconnected) connected = false;
    if (st == State::kDestroying) {
      gone = true;
      connected = false;
      s = nullptr;
    }
    return Ret::kOk;
  }

  Ret on_rx(std::span<const std::uint8_t> b, std::uint32_t flags) {
    if (!connected) {
      world->violation(name + ": rx while not CONNECTED");
      return Ret::kOk;
    }
    const bool som = flags & stream::kFlagSom, eom = flags & stream::kFlagEom;
    if (som == in_message)
      world->violation(name + (som ? ": SOM inside message " : ": no SOM at the start of message ") +
                       std::to_string(whole + 1));
    in_message = true;
    reading.append(b.begin(), b.end());
    if (!eom) return Ret::kOk;
    in_message = false;
    if (whole >= expected->size() || (*expected)[whole] != reading) {
      world->violation(name + ": message " + std::to_string(whole + 1) + " (" + std::to_string(reading.size()) +
                       " bytes) is not the one sent in its place");
    }
    ++whole;
    if (echo) {
      to_send.push_back(std::move(reading));
      s->request_tx();
    }
    reading.clear();
    return static_cast<int>(whole) - 1 == destroy_at ? Ret::kDestroyMe : Ret::kOk;
  }

  Ret on_tx(std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    if (to_send.empty()) return Ret::kTxDontSend;
    const std::string& m = to_send.front();
    if (sim::testing::next_chunk(m, buf.size(), send_offset, buf, len, flags)) to_send.pop_front();
    if (!to_send.empty()) s->request_tx();
    return Ret::kOk;
  }

  stream::StreamInfo info(const std::shared_ptr<End>& self) {
    stream::StreamInfo i;
    i.streamtype = kStreamtype;
    i.callbacks.state = [self](State st, std::uint32_t) { return self->on_state(st); };
    i.callbacks.rx = [self](std::span<const std::uint8_t> b, std::uint32_t f) { return self->on_rx(b, f); };
    i.callbacks.tx = [self](std::uint32_t, std::span<std::uint8_t> b, std::size_t& l, std::uint32_t& f) {
      return self->on_tx(b, l, f);
    };
    i.on_bind = [self](stream::Stream* st) { self->s = st; };
    return i;
  }
};

SinkWorkload SinkWorkload::draw(Rng draw) {
  SinkWorkload w;
  if (!draw.chance(1, 2)) return w;
  w.max_sources_ = static_cast<std::size_t>(draw.between(1, 2));
  const int n = static_cast<int>(draw.between(1, 3));
  for (int i = 0; i < n; ++i) {
    SourceSpec s;
    s.start_at = draw.between(0, seconds(3));
    s.end_at = s.start_at + draw.between(millis(100), seconds(2));
    const int messages = static_cast<int>(draw.between(1, 5));
    for (int m = 0; m < messages; ++m) {
      std::string bytes(static_cast<std::size_t>(draw.between(1, 4000)), '\0');
      for (auto& c : bytes) c = static_cast<char>(draw.next_u32());
      s.messages.push_back(std::move(bytes));
    }
    if (draw.chance(1, 4)) s.sink_destroys_at = static_cast<int>(draw.below(static_cast<std::uint64_t>(messages)));
    w.sources_.push_back(std::move(s));
  }
  return w;
}

std::string SinkWorkload::describe() const {
  if (!active()) return "";
  std::string out = "sink: " + std::string(kStreamtype) + " takes " + std::to_string(max_sources_) + " source(s)\n";
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    const auto& s = sources_[i];
    out += "  source" + std::to_string(i + 1) + " start=" + std::to_string(s.start_at) + "us end=" +
           std::to_string(s.end_at) + "us messages=";
    for (std::size_t m = 0; m < s.messages.size(); ++m) out += (m ? "," : "") + std::to_string(s.messages[m].size());
    if (s.sink_destroys_at >= 0) out += " sink-destroys-at=" + std::to_string(s.sink_destroys_at + 1);
    out += "\n";
  }
  return out;
}

void SinkWorkload::start(World& world, stream::Context& ctx) {
  if (!active()) return;
  world_ = &world;
  ctx_ = &ctx;
  stream::StreamInfo sink;
  sink.streamtype = kStreamtype;
  sink.callbacks.state = [this](State st, std::uint32_t ack) {
    if (st == State::kSinkJoin) {
      if (ack != linked_)
        world_->violation("sink: SINK_JOIN says " + std::to_string(ack) + " sources, " + std::to_string(linked_) +
                          " are linked");
      return linked_ >= max_sources_ ? Ret::kDisconnectMe : Ret::kOk;
    }
    if (st == State::kSinkPart) {
      if (linked_ == 0) world_->violation("sink: SINK_PART with no source linked");
      linked_ = linked_ ? linked_ - 1 : 0;
      if (ack != linked_)
        world_->violation("sink: SINK_PART says " + std::to_string(ack) + " sources left, " +
                          std::to_string(linked_) + " are");
    }
    return Ret::kOk;
  };
  // The accepted end is the one create_source made for the source being
  // created now.
  if (Error e = ctx.register_sink(std::move(sink), [this]() -> std::optional<stream::StreamInfo> {
        ++linked_;
        return joining_->info(joining_);
      })) {
    world.violation("sink: register_sink: " + e.message());
    return;
  }
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    world.loop().at(sources_[i].start_at, [this, i] { create_source(i); }, {"source", i + 1, "start"});
    world.loop().at(sources_[i].end_at, [this, i] {
      if (ends_.size() > 2 * i && ends_[2 * i] && ends_[2 * i]->s) ends_[2 * i]->s->destroy();
    }, {"source", i + 1, "end"});
  }
}

void SinkWorkload::create_source(std::size_t i) {
  // Sources start in drawn order, not index order: ends_ is by index.
  while (ends_.size() < 2 * sources_.size()) ends_.push_back(nullptr);
  auto src = std::make_shared<End>();
  auto acc = std::make_shared<End>();
  src->world = acc->world = world_;
  src->name = "source" + std::to_string(i + 1);
  acc->name = src->name + "'s sink";
  src->to_send.assign(sources_[i].messages.begin(), sources_[i].messages.end());
  src->expected = &sources_[i].messages;  // the echoes
  acc->expected = &sources_[i].messages;
  acc->echo = true;
  acc->destroy_at = sources_[i].sink_destroys_at;
  ends_[2 * i] = src;
  ends_[2 * i + 1] = acc;
  joining_ = acc;
  const bool full = linked_ >= max_sources_;
  auto made = ctx_->create(src->info(src));
  joining_.reset();
  if (made && full) world_->violation(src->name + ": linked although the sink was full (SINK_JOIN refused)");
  if (!made && !full) world_->violation(src->name + ": create failed: " + made.error().message());
  if (!made) ends_[2 * i + 1] = nullptr;
  if (made && src->s && !src->to_send.empty()) src->s->request_tx();
}

void SinkWorkload::check(World& world) const {
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    if (ends_.size() <= 2 * i || !ends_[2 * i]) {
      world.violation("source" + std::to_string(i + 1) + ": never created");
      continue;
    }
    const End& src = *ends_[2 * i];
    sim::testing::check_state_sequence(world, src.name, src.states);
    const End* acc = ends_[2 * i + 1].get();
    if (!acc) continue;  // refused: CREATING, DESTROYING
    sim::testing::check_state_sequence(world, acc->name, acc->states);
    // The two ends come up and go together.
    auto times = [](const End& e, State st) {
      std::vector<Micros> t;
      for (const auto& [at, s] : e.states)
        if (s == st) t.push_back(at);
      return t;
    };
    for (State st : {State::kConnected, State::kDestroying}) {
      if (times(src, st) != times(*acc, st))
        world.violation(src.name + ": " + stream::state_name(st) + " not at the same instants on both ends");
    }
    const std::size_t n = sources_[i].messages.size();
    const int cut = sources_[i].sink_destroys_at;
    const std::size_t at_sink = cut >= 0 ? static_cast<std::size_t>(cut) + 1 : n;
    if (acc->whole != at_sink)
      world.violation(src.name + ": the sink read " + std::to_string(acc->whole) + " of " + std::to_string(at_sink) +
                      " messages whole");
    if (cut < 0 && src.whole != n)
      world.violation(src.name + ": " + std::to_string(src.whole) + " of " + std::to_string(n) + " echoes came back");
  }
  if (active() && linked_ != 0)
    world.violation("sink: " + std::to_string(linked_) + " sources still linked after every stream ended");
}

}  // namespace ss::sim
