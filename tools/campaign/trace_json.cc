#include "tools/campaign/trace_json.h"

#include <map>
#include <string_view>

#include "tools/campaign/report.h"
#include "tools/campaign/trace_view.h"

namespace ss::campaign {
namespace {

constexpr int kStreams = 1, kConnections = 2, kWorld = 3;

// "ss1 echo CONNECTED ack=0" -> "CONNECTED" (the third word), else the text.
std::string state_name(std::string_view text) {
  std::size_t at = 0;
  for (int word = 0; word < 2; ++word) {
    at = text.find(' ', at);
    if (at == std::string_view::npos) return std::string(text);
    ++at;
  }
  return std::string(text.substr(at, text.find(' ', at) - at));
}

class Writer {
 public:
  void add(std::string_view name, const char* ph, int pid, std::uint64_t tid, Micros ts,
           const std::string* args_text, Micros dur = -1, const char* scope = nullptr) {
    out_ += first_ ? "\n" : ",\n";
    first_ = false;
    out_ += "{\"name\":" + json_string(name) + ",\"ph\":\"" + ph + "\",\"pid\":" + std::to_string(pid) +
            ",\"tid\":" + std::to_string(tid) + ",\"ts\":" + std::to_string(ts);
    if (dur >= 0) out_ += ",\"dur\":" + std::to_string(dur);
    if (scope != nullptr) out_ += std::string(",\"s\":\"") + scope + "\"";
    if (args_text != nullptr) out_ += ",\"args\":{\"text\":" + json_string(*args_text) + "}";
    out_ += "}";
  }
  void name_process(int pid, std::string_view name) { meta("process_name", pid, 0, name); }
  void name_thread(int pid, std::uint64_t tid, std::string_view name) { meta("thread_name", pid, tid, name); }
  std::string finish() { return "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[" + out_ + "\n]}\n"; }

 private:
  void meta(const char* what, int pid, std::uint64_t tid, std::string_view name) {
    out_ += first_ ? "\n" : ",\n";
    first_ = false;
    out_ += std::string("{\"name\":\"") + what + "\",\"ph\":\"M\",\"pid\":" + std::to_string(pid) +
            ",\"tid\":" + std::to_string(tid) + ",\"args\":{\"name\":" + json_string(name) + "}}";
  }
  std::string out_;
  bool first_ = true;
};

struct OpenState {
  Micros since = 0;
  std::string name, text;
};

}  // namespace

std::string chrome_trace_json(const std::vector<sim::TraceEvent>& events) {
  Writer w;
  w.name_process(kStreams, "streams");
  w.name_process(kConnections, "connections");
  w.name_process(kWorld, "world");
  w.name_thread(kWorld, 0, "events");
  const Micros end = events.empty() ? 0 : events.back().time;
  std::map<std::uint64_t, OpenState> states;            // stream -> its current state
  std::map<std::uint64_t, Micros> conn_first, conn_end;  // connection -> first event, end
  for (const sim::TraceEvent& e : events) {
    const Track t = event_track(e.kind, e.text);
    if (t.kind == Track::kStream) {
      if (e.kind != "ss.state") {
        w.add(e.kind, "i", kStreams, t.id, e.time, &e.text, -1, "t");
        continue;
      }
      auto it = states.find(t.id);
      if (it == states.end()) {
        w.name_thread(kStreams, t.id, "ss" + std::to_string(t.id));
      } else {
        w.add(it->second.name, "X", kStreams, t.id, it->second.since, &it->second.text, e.time - it->second.since);
      }
      states[t.id] = OpenState{e.time, state_name(e.text), e.text};
    } else if (t.kind == Track::kConnection) {
      if (conn_first.emplace(t.id, e.time).second) w.name_thread(kConnections, t.id, "conn=" + std::to_string(t.id));
      if (e.kind == "end") conn_end.emplace(t.id, e.time);
      w.add(e.kind, "i", kConnections, t.id, e.time, &e.text, -1, "t");
    } else if (e.kind == "fault" || e.kind == "violation") {
      w.add(e.kind + ": " + e.text, "i", kWorld, 0, e.time, &e.text, -1, "g");
    } else {
      w.add(e.kind, "i", kWorld, 0, e.time, &e.text, -1, "t");
    }
  }
  for (const auto& [id, s] : states) w.add(s.name, "X", kStreams, id, s.since, &s.text, end - s.since);
  for (const auto& [id, first] : conn_first) {
    const auto it = conn_end.find(id);
    const Micros last = it == conn_end.end() ? end : it->second;
    const std::string text = it == conn_end.end() ? "open at the end of the run" : "ended";
    w.add("conn=" + std::to_string(id), "X", kConnections, id, first, &text, last - first);
  }
  return w.finish();
}

}  // namespace ss::campaign
