#include "tools/campaign/result.h"

#include <sys/wait.h>

#include <csignal>

#include "sim/trace.h"

namespace ss::campaign {

const char* status_name(Status status) {
  switch (status) {
    case Status::kPass: return "pass";
    case Status::kViolation: return "violation";
    case Status::kLivelock: return "livelock";
    case Status::kCrash: return "crash";
    case Status::kHang: return "hang";
    case Status::kLeak: return "leak";
    case Status::kNondeterminism: return "nondeterminism";
  }
  return "?";
}

std::string SeedResult::detail() const {
  std::string out = status_name(status);
  switch (status) {
    case Status::kPass:
      break;
    case Status::kViolation:
    case Status::kLivelock:
      // A livelock's own violation already says "livelock: ...".
      if (!violations.empty()) out = violations.front().rfind(out + ":", 0) == 0 ? violations.front() : out + ": " + violations.front();
      if (violation_count > 1) out += " (+" + std::to_string(violation_count - 1) + " more)";
      break;
    case Status::kCrash:
    case Status::kHang:
      out += ": " + crash;
      if (!headline.empty()) out += " (" + headline + ")";
      break;
    case Status::kLeak:
      out += ": " + (headline.empty() ? std::string("LeakSanitizer found unreachable memory after the run") : headline);
      break;
    case Status::kNondeterminism:
      out += ": hash " + sim::hex64(hash) + " then " + sim::hex64(recheck_hash) + "; " + divergence;
      break;
  }
  return out;
}

namespace {

const char* signal_name(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGPIPE: return "SIGPIPE";
    case SIGSYS: return "SIGSYS";
    case SIGXCPU: return "SIGXCPU";
    case SIGXFSZ: return "SIGXFSZ";
    case SIGHUP: return "SIGHUP";
    case SIGQUIT: return "SIGQUIT";
    case SIGALRM: return "SIGALRM";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
  }
  return nullptr;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// "==1234==ERROR: ..." -> "ERROR: ..." (the pid differs from run to run).
std::string_view strip_pid(std::string_view line) {
  if (line.size() > 4 && line.substr(0, 2) == "==") {
    const std::size_t end = line.find("==", 2);
    if (end != std::string_view::npos) line.remove_prefix(end + 2);
  }
  return line;
}

std::string clip(std::string_view s) {
  constexpr std::size_t kMax = 300;
  if (s.size() <= kMax) return std::string(s);
  return std::string(s.substr(0, kMax)) + "...";
}

}  // namespace

std::string describe_wait_status(int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    const int sig = WTERMSIG(wait_status);
    if (const char* name = signal_name(sig)) return name;
    return "signal " + std::to_string(sig);
  }
  if (WIFEXITED(wait_status)) return "exit status " + std::to_string(WEXITSTATUS(wait_status));
  return "ended (wait status " + std::to_string(wait_status) + ")";
}

std::string leak_headline(std::string_view output) {
  std::size_t at = output.find("SUMMARY: ");
  if (at == std::string_view::npos) return crash_headline(output);
  at += 9;
  std::size_t end = output.find('\n', at);
  if (end == std::string_view::npos) end = output.size();
  return clip(trim(output.substr(at, end - at)));
}

std::string crash_headline(std::string_view output) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < output.size()) {
    std::size_t end = output.find('\n', start);
    if (end == std::string_view::npos) end = output.size();
    const std::string_view line = trim(strip_pid(output.substr(start, end - start)));
    if (!line.empty()) lines.push_back(line);
    start = end + 1;
  }
  // In order of how much they say: a sanitizer report, UBSan, an assertion,
  // an uncaught exception.
  for (std::string_view marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "Assertion",
                                  "terminate called", "what():", "Sanitizer"}) {
    for (std::string_view line : lines) {
      const std::size_t at = line.find(marker);
      if (at == std::string_view::npos) continue;
      // "ERROR: AddressSanitizer: x" -> "AddressSanitizer: x"
      if (marker.substr(0, 7) == "ERROR: " && at == 0) line.remove_prefix(7);
      // The registers differ from run to run and say nothing here.
      for (std::string_view registers : {" at pc 0x", " (pc 0x"}) {
        const std::size_t pc = line.find(registers);
        if (pc != std::string_view::npos) line = line.substr(0, pc);
      }
      return clip(line);
    }
  }
  return lines.empty() ? std::string() : clip(lines.back());
}

}  // namespace ss::campaign
