#include "tools/campaign/fresh_run.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>

#include "tools/campaign/result.h"
#include "tools/campaign/trace_view.h"

namespace ss::campaign {

FreshRun parse_fresh_output(const std::string& output) {
  FreshRun out;
  bool in_trace = false;
  std::size_t start = 0;
  while (start < output.size()) {
    std::size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    const std::string_view line(output.data() + start, end - start);
    start = end + 1;
    if (line == "trace:") {
      in_trace = true;
      continue;
    }
    if (line.substr(0, 8) == "result: ") {
      const std::size_t at = line.find(" hash=0x");
      if (at == std::string_view::npos) break;
      std::uint64_t h = 0;
      std::size_t i = at + 8, digits = 0;
      for (; i < line.size() && digits < 16; ++i, ++digits) {
        const char c = line[i];
        const int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0) break;
        h = h << 4 | static_cast<std::uint64_t>(v);
      }
      if (digits != 16) break;
      out.ok = true;
      out.hash = h;
      break;
    }
    if (!in_trace) continue;
    // "<time>s <kind> <text>"
    const std::size_t sp1 = line.find(' ');
    sim::TraceEvent e;
    if (sp1 == std::string_view::npos || !parse_sim_time(line.substr(0, sp1), &e.time)) continue;
    const std::size_t sp2 = line.find(' ', sp1 + 1);
    e.kind = std::string(line.substr(sp1 + 1, sp2 == std::string_view::npos ? sp2 : sp2 - sp1 - 1));
    if (sp2 != std::string_view::npos) e.text = std::string(line.substr(sp2 + 1));
    out.events.push_back(std::move(e));
  }
  if (!out.ok) out.error = "no result line";
  return out;
}

FreshRun run_fresh(const std::string& exe, const std::string& scenario, std::uint64_t seed,
                   std::uint64_t max_events) {
  FreshRun failed;
  int out[2];
  if (::pipe(out) != 0) {
    failed.error = "pipe failed";
    return failed;
  }
  const std::string seed_text = std::to_string(seed), max_text = std::to_string(max_events);
  const char* argv[] = {exe.c_str(), "--scenario", scenario.c_str(), "--seed", seed_text.c_str(),
                        "--max-events", max_text.c_str(), "--trace", nullptr};
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out[0]);
    ::close(out[1]);
    failed.error = "fork failed";
    return failed;
  }
  if (pid == 0) {
    ::dup2(out[1], 1);
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) ::dup2(null, 2);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // dies with the worker (a hang kill)
    ::execv(exe.c_str(), const_cast<char* const*>(argv));
    ::_exit(127);
  }
  ::close(out[1]);
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t r = ::read(out[0], buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    text.append(buf, static_cast<std::size_t>(r));
  }
  ::close(out[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  FreshRun run = parse_fresh_output(text);
  if (!run.ok) {
    run.error = WIFEXITED(status) && WEXITSTATUS(status) == 127 ? "could not execute " + exe
                                                                  : describe_wait_status(status);
  }
  return run;
}

}  // namespace ss::campaign
