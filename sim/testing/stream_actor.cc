#include "sim/testing/stream_actor.h"

#include <algorithm>

#include "runtime/stream/binding.h"
#include "runtime/stream/state_table.h"

namespace ss::sim::testing {

policy::RetryPolicy draw_retry_policy(Rng& draw, std::size_t index, std::uint64_t ping_odds) {
  policy::RetryPolicy r;
  r.name = "r" + std::to_string(index);
  const int entries = static_cast<int>(draw.between(1, 4));
  for (int e = 0; e < entries; ++e) r.backoff_ms.push_back(static_cast<std::uint32_t>(draw.between(100, 2000)));
  const std::uint16_t conceals[] = {1, 3, 10, policy::RetryPolicy::kConcealForever};
  r.conceal = conceals[draw.below(4)];
  r.jitter_percent = draw.chance(1, 2) ? 0 : static_cast<std::uint8_t>(draw.between(1, 50));
  if (draw.chance(1, ping_odds)) {
    r.secs_since_valid_ping = static_cast<std::uint16_t>(draw.between(1, 3));
    if (draw.chance(1, 2))
      r.secs_since_valid_hangup = static_cast<std::uint16_t>(r.secs_since_valid_ping + draw.between(2, 4));
  }
  return r;
}

Deadlines draw_deadlines(Rng& draw) {
  Deadlines d;
  d.transport = draw.between(seconds(2), seconds(5));
  d.protocol = draw.between(seconds(2), seconds(5));
  return d;
}

std::string describe_deadlines(const Deadlines& d) {
  return "deadlines: transport=" + std::to_string(d.transport) + "us protocol=" + std::to_string(d.protocol) + "us\n";
}

std::string describe_retry(bool has_retry, const policy::RetryPolicy& retry) {
  if (!has_retry) return " no-retry";
  std::string out = " retry=[";
  for (std::size_t k = 0; k < retry.backoff_ms.size(); ++k) out += (k ? "," : "") + std::to_string(retry.backoff_ms[k]);
  out += "]ms conceal=" + std::to_string(retry.conceal) + " jitter=" +
         std::to_string(retry.effective_jitter_percent()) + "%";
  if (retry.secs_since_valid_ping) out += " valid_ping=" + std::to_string(retry.secs_since_valid_ping) + "s";
  if (retry.secs_since_valid_hangup) out += " valid_hangup=" + std::to_string(retry.secs_since_valid_hangup) + "s";
  return out;
}

Micros largest_jittered_backoff(const policy::RetryPolicy& retry) {
  Micros biggest = 0;
  for (auto b : retry.backoff_ms) biggest = std::max<Micros>(biggest, millis(b));
  return biggest + biggest * retry.effective_jitter_percent() / 100;
}

void add_streamtype(policy::Policy& pol, policy::Streamtype st, bool tls, bool has_retry,
                    const policy::RetryPolicy& retry) {
  if (tls) {
    st.tls = true;
    st.trust_store = 0;
  }
  if (has_retry) {
    st.retry = pol.retries.size();
    pol.retries.push_back(retry);
  }
  pol.streamtypes.push_back(std::move(st));
}

std::string describe_messages(const std::vector<TxMessage>& msgs) {
  std::string out = "    messages:";
  for (const auto& m : msgs)
    out += " " + std::to_string(m.bytes.size()) + "B/" + std::to_string(m.chunk) + "@+" + std::to_string(m.gap) + "us";
  return out + "\n";
}

bool next_chunk(const std::string& message, std::size_t chunk, std::size_t& offset, std::span<std::uint8_t> buf,
                std::size_t& len, std::uint32_t& flags) {
  const std::size_t n = std::min({chunk, message.size() - offset, buf.size()});
  std::copy_n(message.begin() + static_cast<std::ptrdiff_t>(offset), n, buf.begin());
  len = n;
  flags = (offset == 0 ? stream::kFlagSom : 0u) | (offset + n == message.size() ? stream::kFlagEom : 0u);
  offset += n;
  if (!(flags & stream::kFlagEom)) return false;
  offset = 0;
  return true;
}

void check_state_sequence(World& world, const std::string& name,
                          const std::vector<std::pair<Micros, stream::State>>& states) {
  stream::State tracked = stream::State::kNone;
  for (const auto& [t, st] : states) {
    if (!stream::transition_legal(tracked, st))
      world.violation(name + ": illegal " + std::string(stream::state_name(tracked)) + " -> " + stream::state_name(st));
    tracked = stream::next_tracked(tracked, st);
  }
  const auto destroying = std::count_if(states.begin(), states.end(),
                                        [](const auto& p) { return p.second == stream::State::kDestroying; });
  if (destroying != 1 || states.back().second != stream::State::kDestroying)
    world.violation(name + ": DESTROYING must come exactly once, last");
}

void check_nothing_left(World& world, const stream::Context* ctx) {
  if (ctx && (ctx->stream_count() != 0 || ctx->graveyard_count() != 0))
    world.violation("streams left behind: " + std::to_string(ctx->stream_count()) + " live, " +
                    std::to_string(ctx->graveyard_count()) + " unreclaimed");
}

}  // namespace ss::sim::testing
