#include "sim/generator/shrink.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "sim/generator/spec_text.h"

namespace ss::sim::gen {
namespace {

std::string count(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

class Shrinker {
 public:
  Shrinker(WorldSpec failing, const std::function<bool(const WorldSpec&)>& still_fails, const ShrinkOptions& options)
      : best_(std::move(failing)), still_fails_(still_fails), options_(options) {
    tried_.insert(world_spec_to_text(best_));
  }

  WorldSpec run() {
    bool changed = true;
    while (changed && !spent()) {
      changed = false;
      changed |= drop_streams();
      changed |= drop_faults();
      changed |= drop_swarm();
      changed |= drop_stream_parts();
      changed |= simplify_world();
      changed |= simplify_streams();
      changed |= drop_unused();
      changed |= halve_numbers();
    }
    report(true);
    return std::move(best_);
  }

 private:
  bool spent() const { return runs_ >= options_.max_runs; }

  void report(bool finished) {
    if (!options_.on_progress) return;
    ShrinkProgress p;
    p.runs = runs_;
    p.accepted = accepted_;
    p.size = spec_size(best_);
    p.finished = finished;
    p.budget_spent = finished && spent();
    options_.on_progress(p);
  }

  // Runs `candidate` unless it is invalid, unchanged or already tried; keeps
  // it when it still fails.
  bool attempt(WorldSpec candidate) {
    if (spent() || !validate(candidate).empty()) return false;
    std::string text = world_spec_to_text(candidate);
    if (!tried_.insert(std::move(text)).second) return false;
    ++runs_;
    const bool fails = still_fails_(candidate);
    if (fails) {
      best_ = std::move(candidate);
      ++accepted_;
    }
    report(false);
    return fails;
  }

  // A candidate made from best_ by `edit`.
  template <typename Edit>
  bool attempt_edit(Edit edit) {
    WorldSpec c = best_;
    edit(c);
    return attempt(std::move(c));
  }

  // Drops elements of the list get(spec): all, then halves, quarters, ...,
  // then one at a time. `drop(spec, first, n)` removes [first, first+n) and
  // whatever goes with it.
  template <typename Size, typename Drop>
  bool drop_chunks(Size size, Drop drop) {
    bool any = false;
    for (std::size_t chunk = size(best_); chunk >= 1 && !spent(); chunk /= 2) {
      for (std::size_t i = 0; i < size(best_) && !spent();) {
        const std::size_t n = std::min(chunk, size(best_) - i);
        if (attempt_edit([&](WorldSpec& c) { drop(c, i, n); })) {
          any = true;  // the same i now holds the next elements
        } else {
          i += n;
        }
      }
      if (chunk > size(best_)) chunk = size(best_) * 2;  // what is left, halved next
    }
    return any;
  }

  template <typename T>
  static void erase(std::vector<T>& v, std::size_t first, std::size_t n) {
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(first), v.begin() + static_cast<std::ptrdiff_t>(first + n));
  }

  bool drop_streams() {
    return drop_chunks([](const WorldSpec& w) { return w.streams.size(); },
                       [](WorldSpec& w, std::size_t i, std::size_t n) { erase(w.streams, i, n); });
  }

  bool drop_faults() {
    return drop_chunks([](const WorldSpec& w) { return w.faults.actions.size(); },
                       [](WorldSpec& w, std::size_t i, std::size_t n) { erase(w.faults.actions, i, n); });
  }

  // A swarm kind goes with every action of that kind.
  bool drop_swarm() {
    return drop_chunks([](const WorldSpec& w) { return w.swarm.size(); },
                       [](WorldSpec& w, std::size_t i, std::size_t n) {
                         std::vector<FaultKind> gone(w.swarm.begin() + static_cast<std::ptrdiff_t>(i),
                                                     w.swarm.begin() + static_cast<std::ptrdiff_t>(i + n));
                         erase(w.swarm, i, n);
                         auto& a = w.faults.actions;
                         a.erase(std::remove_if(a.begin(), a.end(),
                                                [&](const FaultAction& f) {
                                                  return std::find(gone.begin(), gone.end(), f.kind) != gone.end() &&
                                                         std::find(w.swarm.begin(), w.swarm.end(), f.kind) ==
                                                             w.swarm.end();
                                                }),
                                 a.end());
                       });
  }

  bool drop_stream_parts() {
    bool any = false;
    for (std::size_t s = 0; s < best_.streams.size() && !spent(); ++s) {
      any |= drop_chunks([s](const WorldSpec& w) { return w.streams[s].messages.size(); },
                         [s](WorldSpec& w, std::size_t i, std::size_t n) { erase(w.streams[s].messages, i, n); });
      any |= drop_chunks([s](const WorldSpec& w) { return w.streams[s].metadata.size(); },
                         [s](WorldSpec& w, std::size_t i, std::size_t n) { erase(w.streams[s].metadata, i, n); });
    }
    return any;
  }

  // Streamtypes no stream uses, servers no streamtype uses, retry policies
  // no streamtype uses: all of them at once, else one by one.
  static void remove_streamtype(WorldSpec& w, std::size_t k) {
    erase(w.streamtypes, k, 1);
    for (auto& s : w.streams)
      if (s.streamtype > k) --s.streamtype;
  }
  static void remove_server(WorldSpec& w, std::size_t k) {
    erase(w.servers, k, 1);
    for (auto& st : w.streamtypes)
      if (st.server > k) --st.server;
  }
  static void remove_retry(WorldSpec& w, std::size_t k) {
    erase(w.retries, k, 1);
    for (auto& st : w.streamtypes)
      if (st.retry && *st.retry > k) --*st.retry;
  }
  static std::vector<std::size_t> unused_streamtypes(const WorldSpec& w) {
    std::vector<std::size_t> out;
    for (std::size_t k = 0; k < w.streamtypes.size(); ++k)
      if (std::none_of(w.streams.begin(), w.streams.end(), [k](const StreamSpec& s) { return s.streamtype == k; }))
        out.push_back(k);
    return out;
  }
  static std::vector<std::size_t> unused_servers(const WorldSpec& w) {
    std::vector<std::size_t> out;
    for (std::size_t k = 0; k < w.servers.size(); ++k)
      if (std::none_of(w.streamtypes.begin(), w.streamtypes.end(),
                       [k](const StreamtypeSpec& st) { return st.server == k; }))
        out.push_back(k);
    return out;
  }
  static std::vector<std::size_t> unused_retries(const WorldSpec& w) {
    std::vector<std::size_t> out;
    for (std::size_t k = 0; k < w.retries.size(); ++k)
      if (std::none_of(w.streamtypes.begin(), w.streamtypes.end(),
                       [k](const StreamtypeSpec& st) { return st.retry == k; }))
        out.push_back(k);
    return out;
  }

  template <typename Unused, typename Remove>
  bool drop_unused_of(Unused unused, Remove remove) {
    std::vector<std::size_t> idle = unused(best_);
    if (idle.empty()) return false;
    if (attempt_edit([&](WorldSpec& c) {
          for (auto it = idle.rbegin(); it != idle.rend(); ++it) remove(c, *it);
        })) {
      return true;
    }
    bool any = false;
    if (idle.size() == 1) return false;
    for (std::size_t j = idle.size(); j-- > 0 && !spent();) {
      const std::size_t k = idle[j];  // from the back: earlier indices stay put
      any |= attempt_edit([&](WorldSpec& c) { remove(c, k); });
    }
    return any;
  }

  bool drop_unused() {
    bool any = drop_unused_of(unused_streamtypes, remove_streamtype);
    any |= drop_unused_of(unused_servers, remove_server);
    any |= drop_unused_of(unused_retries, remove_retry);
    return any;
  }

  bool simplify_world() {
    bool any = false;
    if (best_.buggify) any |= attempt_edit([](WorldSpec& c) { c.buggify = false; });
    if (best_.max_segment != 0) any |= attempt_edit([](WorldSpec& c) { c.max_segment = 0; });
    if (best_.proxy) {
      any |= attempt_edit([](WorldSpec& c) {
        c.proxy = false;
        for (auto& s : c.streams) s.via_proxy = false;
      });
    }
    for (std::size_t k = 0; k < best_.servers.size() && !spent(); ++k) {
      const ServerSpec& sv = best_.servers[k];
      if (sv.trouble != ServerTrouble::kNone || sv.trouble_bytes != 0) {
        any |= attempt_edit([k](WorldSpec& c) {
          c.servers[k].trouble = ServerTrouble::kNone;
          c.servers[k].trouble_bytes = 0;
        });
      }
      const bool tls = best_.servers[k].tls || std::any_of(best_.streamtypes.begin(), best_.streamtypes.end(),
                                                          [k](const StreamtypeSpec& st) { return st.server == k && st.tls; });
      if (tls) {
        any |= attempt_edit([k](WorldSpec& c) {
          c.servers[k].tls = false;
          for (auto& st : c.streamtypes)
            if (st.server == k) st.tls = false;
        });
      }
    }
    for (std::size_t k = 0; k < best_.streamtypes.size() && !spent(); ++k) {
      if (best_.streamtypes[k].retry) any |= attempt_edit([k](WorldSpec& c) { c.streamtypes[k].retry.reset(); });
      if (best_.streamtypes[k].timeout_ms) any |= attempt_edit([k](WorldSpec& c) { c.streamtypes[k].timeout_ms = 0; });
      if (best_.streamtypes[k].nailed_up) any |= attempt_edit([k](WorldSpec& c) { c.streamtypes[k].nailed_up = false; });
      if (best_.streamtypes[k].opportunistic)
        any |= attempt_edit([k](WorldSpec& c) { c.streamtypes[k].opportunistic = false; });
      if (best_.streamtypes[k].manual_initial_tx_credit)
        any |= attempt_edit([k](WorldSpec& c) { c.streamtypes[k].manual_initial_tx_credit = 0; });
      if (best_.streamtypes[k].client_buflen)
        any |= attempt_edit([k](WorldSpec& c) { c.streamtypes[k].client_buflen = 0; });
      if (best_.streamtypes[k].rxflow_on_above || best_.streamtypes[k].rxflow_off_below) {
        any |= attempt_edit([k](WorldSpec& c) { c.streamtypes[k].rxflow_on_above = c.streamtypes[k].rxflow_off_below = 0; });
      }
    }
    return any;
  }

  bool simplify_streams() {
    bool any = false;
    for (std::size_t i = 0; i < best_.streams.size() && !spent(); ++i) {
      const StreamSpec& s = best_.streams[i];
      if (s.via_proxy) any |= attempt_edit([i](WorldSpec& c) { c.streams[i].via_proxy = false; });
      if (best_.streams[i].api != Api::kEngine) any |= attempt_edit([i](WorldSpec& c) { c.streams[i].api = Api::kEngine; });
      const ReaderSpec& r = best_.streams[i].reader;
      if (r.kind != ReaderSpec::Kind::kFast || r.read_for || r.pause_for || r.stall_at || r.stall_for) {
        any |= attempt_edit([i](WorldSpec& c) {
          ReaderSpec& cr = c.streams[i].reader;
          cr = ReaderSpec{.credit_step = cr.credit_step};
        });
      }
      const AnswerSpec& a = best_.streams[i].answers;
      if (a.disconnect_from != AnswerSpec::From::kNone || a.destroy_from != AnswerSpec::From::kNone) {
        any |= attempt_edit([i](WorldSpec& c) { c.streams[i].answers = AnswerSpec{}; });
      }
      if (best_.streams[i].again_after_arf) any |= attempt_edit([i](WorldSpec& c) { c.streams[i].again_after_arf = 0; });
      if (best_.streams[i].timeout.arm_at) any |= attempt_edit([i](WorldSpec& c) { c.streams[i].timeout = TimeoutSpec{}; });
      if (best_.streams[i].end_at) any |= attempt_edit([i](WorldSpec& c) { c.streams[i].end_at = 0; });
      if (best_.streams[i].tx_mode != TxMode::kRequestTx) {
        any |= attempt_edit([i](WorldSpec& c) { c.streams[i].tx_mode = TxMode::kRequestTx; });
      }
    }
    return any;
  }

  // 0 first, then halves while it still fails.
  template <typename Get>
  bool halve(Get get) {
    bool any = false;
    if (get(best_) == 0 || spent()) return false;
    if (attempt_edit([&](WorldSpec& c) { get(c) = 0; })) return true;
    while (get(best_) > 1 && !spent()) {
      const auto half = get(best_) / 2;
      if (!attempt_edit([&](WorldSpec& c) { get(c) = half; })) break;
      any = true;
    }
    return any;
  }

  bool halve_numbers() {
    bool any = false;
    for (std::size_t i = 0; i < best_.streams.size() && !spent(); ++i) {
      for (std::size_t m = 0; m < best_.streams[i].messages.size() && !spent(); ++m) {
        any |= halve([i, m](WorldSpec& w) -> std::size_t& { return w.streams[i].messages[m]; });
      }
      any |= halve([i](WorldSpec& w) -> std::size_t& { return w.streams[i].download; });
      any |= halve([i](WorldSpec& w) -> Micros& { return w.streams[i].start_at; });
    }
    return any;
  }

  WorldSpec best_;
  const std::function<bool(const WorldSpec&)>& still_fails_;
  const ShrinkOptions& options_;
  std::set<std::string> tried_;
  std::uint64_t runs_ = 0;
  std::uint64_t accepted_ = 0;
};

}  // namespace

std::string SpecSize::to_string() const {
  return count(streams, "stream", "streams") + ", " + count(faults, "fault", "faults") + ", " +
         count(swarm, "swarm kind", "swarm kinds") + ", " + count(messages, "message", "messages") + ", " +
         count(bytes, "byte", "bytes") + ", " + count(servers, "server", "servers") + ", " +
         count(streamtypes, "streamtype", "streamtypes") + ", " + count(retries, "retry policy", "retry policies");
}

SpecSize spec_size(const WorldSpec& spec) {
  SpecSize s;
  s.streams = spec.streams.size();
  s.faults = spec.faults.actions.size();
  s.swarm = spec.swarm.size();
  for (const auto& st : spec.streams) {
    s.messages += st.messages.size();
    for (std::size_t m : st.messages) s.bytes += m;
    s.bytes += st.download;
  }
  s.servers = spec.servers.size();
  s.streamtypes = spec.streamtypes.size();
  s.retries = spec.retries.size();
  return s;
}

WorldSpec shrink(WorldSpec failing, const std::function<bool(const WorldSpec&)>& still_fails,
                 const ShrinkOptions& options) {
  return Shrinker(std::move(failing), still_fails, options).run();
}

std::string invariant_id(std::string_view violation) {
  if (!violation.empty() && violation[0] == '[') {
    const std::size_t end = violation.find(']');
    if (end != std::string_view::npos) return std::string(violation.substr(1, end - 1));
  }
  if (violation.rfind("livelock", 0) == 0) return "livelock";
  return std::string(violation.substr(0, violation.find(':')));
}

}  // namespace ss::sim::gen
