// The small helpers lws minimal examples lean on, over the C API core
// (runtime/capi/c_api.cc): object-scoped logs and hexdumps, lws_sul_*
// timers on the context's Loop, the default event loop and its exit,
// context-info defaults and the pass/fail exit helper, and two debugging
// calls. docs/api.md ("lws example compatibility") lists what is covered.
#include <libwebsockets.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>

#include "runtime/capi/c_api.h"
#include "runtime/stream/stream.h"

namespace {

using ss::stream::c_log;

// Formats "[tag] func: message" (trailing newlines dropped by c_log).
void log_tagged(int filter, const char* tag, const char* func, const char* format,
                va_list ap) {
  if (!ss::stream::c_log_visible(filter)) return;
  char body[1024];
  std::vsnprintf(body, sizeof body, format ? format : "", ap);
  std::string line = std::string("[") + (tag ? tag : "?") + "] " + (func ? func : "") + ": " +
                     body;
  while (!line.empty() && line.back() == '\n') line.pop_back();
  c_log(filter, line);
}

// One line per 16 bytes: offset, hex bytes, printable ASCII.
void hexdump(int level, const char* prefix, const void* vbuf, std::size_t len) {
  if (!ss::stream::c_log_visible(level)) return;
  const auto* p = static_cast<const unsigned char*>(vbuf);
  if (!p && len) {
    c_log(level, std::string(prefix) + "(NULL buffer, " + std::to_string(len) + " bytes)");
    return;
  }
  for (std::size_t off = 0; off < len; off += 16) {
    char line[96];
    int n = std::snprintf(line, sizeof line, "%04zX: ", off);
    std::string ascii;
    for (std::size_t i = 0; i < 16; ++i) {
      if (off + i < len) {
        const unsigned char c = p[off + i];
        n += std::snprintf(line + n, sizeof line - static_cast<std::size_t>(n), "%02X ", c);
        ascii.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.');
      } else {
        n += std::snprintf(line + n, sizeof line - static_cast<std::size_t>(n), "   ");
      }
    }
    c_log(level, std::string(prefix) + line + "  " + ascii);
  }
}

std::string ss_prefix(struct lws_ss_handle* h) { return std::string("[") + lws_ss_tag(h) + "] "; }

void emit_stderr(int level, const char* line) {
  (void)level;
  std::fprintf(stderr, "%s\n", line ? line : "");
}

}  // namespace

extern "C" {

// --- logging -------------------------------------------------------------------

int lwsl_visible(int level) { return ss::stream::c_log_visible(level) ? 1 : 0; }

// No timestamps either way: the runtime reads no wall clock.
void lwsl_emit_stderr(int level, const char* line) { emit_stderr(level, line); }
void lwsl_emit_stderr_notimestamp(int level, const char* line) { emit_stderr(level, line); }

void lwsl_hexdump_level(int level, const void* vbuf, size_t len) { hexdump(level, "", vbuf, len); }

void lwsl_hexdump(const void* vbuf, size_t len) { hexdump(LLL_DEBUG, "", vbuf, len); }

void _ss_lws_log_ss(struct lws_ss_handle* h, int filter, const char* func, const char* format,
                    ...) {
  va_list ap;
  va_start(ap, format);
  log_tagged(filter, lws_ss_tag(h), func, format, ap);
  va_end(ap);
}

void _ss_lws_log_sspc(struct lws_sspc_handle* h, int filter, const char* func, const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  log_tagged(filter, lws_sspc_tag(h), func, format, ap);
  va_end(ap);
}

void _ss_lws_log_cx(struct lws_context* cx, int filter, const char* func, const char* format,
                    ...) {
  va_list ap;
  va_start(ap, format);
  log_tagged(filter, cx ? "cx" : "cx:(null)", func, format, ap);
  va_end(ap);
}

void lwsl_hexdump_ss(struct lws_ss_handle* h, int level, const void* vbuf, size_t len) {
  hexdump(level, ss_prefix(h).c_str(), vbuf, len);
}

void lwsl_hexdump_sspc(struct lws_sspc_handle* h, int level, const void* vbuf, size_t len) {
  hexdump(level, (std::string("[") + lws_sspc_tag(h) + "] ").c_str(), vbuf, len);
}

void lwsl_hexdump_context(struct lws_context* cx, int level, const void* vbuf, size_t len) {
  (void)cx;
  hexdump(level, "[cx] ", vbuf, len);
}

// --- timers ------------------------------------------------------------------

void lws_sul_cancel(lws_sorted_usec_list_t* sul) {
  if (!sul) return;
  sul->us = 0;  // as lws: a cancelled sul reads as not scheduled
  if (!sul->list.owner) return;
  // A scheduled sul remembers its context through list.owner (our use of
  // that member; lws keeps it on a per-thread list).
  auto* cx = reinterpret_cast<lws_context*>(sul->list.owner);
  if (auto it = cx->suls.find(sul); it != cx->suls.end()) {
    cx->backend->loop().cancel(it->second);
    cx->suls.erase(it);
  }
  sul->list.owner = nullptr;
}

void lws_sul_schedule(struct lws_context* context, int tsi, lws_sorted_usec_list_t* sul,
                      sul_cb_t cb, lws_usec_t us) {
  (void)tsi;
  if (!sul) return;
  lws_sul_cancel(sul);
  if (!context || !cb || us == LWS_SET_TIMER_USEC_CANCEL) return;
  ss::Loop& loop = context->backend->loop();
  sul->cb = cb;
  sul->us = loop.now() + (us < 0 ? 0 : us);
  sul->list.owner = reinterpret_cast<lws_dll2_owner*>(context);
  context->suls[sul] = loop.at(sul->us, [context, sul] {
    context->suls.erase(sul);
    sul->list.owner = nullptr;
    ++context->in_callback;  // lws_context_destroy from here is refused
    sul->cb(sul);
    --context->in_callback;
  }, {"lws_sul", 0, nullptr});
}

// --- context helpers -------------------------------------------------------

void lws_context_info_defaults(struct lws_context_creation_info* info, const char* sspol) {
  if (!info) return;
  std::memset(info, 0, sizeof *info);
  info->port = CONTEXT_PORT_NO_LISTEN;
  info->fd_limit_per_thread = 1 + 6 + 1;
  info->pss_policies_json = sspol;
  info->options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS |
                  LWS_SERVER_OPTION_H2_JUST_FIX_WINDOW_UPDATE_OVERFLOW |
                  LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
}

void lws_default_loop_exit(struct lws_context* context) {
  if (!context) return;
  context->interrupted.store(true);
  lws_cancel_service(context);
}

void lws_context_default_loop_run_destroy(struct lws_context* context) {
  if (!context) return;
  while (!context->interrupted.load() && lws_service(context, 0) >= 0) {
  }
  lws_context_destroy(context);
}

int lws_cmdline_passfail(int argc, const char** argv, int actual) {
  const char* p = lws_cmdline_option(argc, argv, "--expected-exit");
  const int expected = p ? std::atoi(p) : 0;
  if (actual == expected) {
    _lws_log(LLL_USER, "Completed: OK (seen expected %d)", actual);
    return 0;
  }
  _lws_log(LLL_ERR, "Completed: failed: exit %d, expected %d", actual, expected);
  return 1;
}

size_t lws_get_random(struct lws_context* context, void* buf, size_t len) {
  ss::stream::Context* engine = ss::stream::engine_of(context);
  if (!engine || (!buf && len)) return 0;
  if (len) engine->rng().fill(std::span<std::uint8_t>(static_cast<std::uint8_t*>(buf), len));
  return len;
}

int lws_ss_policy_overlay(struct lws_context* context, const char* overlay) {
  (void)context;
  (void)overlay;
  c_log(LLL_ERR, "lws_ss_policy_overlay: policy overlays are not supported; the policy given "
                 "to lws_create_context stays in force");
  return 1;
}

// --- SS debugging helpers ---------------------------------------------------

void lws_ss_validity_confirmed(struct lws_ss_handle* h) { (void)h; }

void lws_ss_dump_extant(struct lws_context* context, int tsi) {
  (void)tsi;
  ss::stream::Context* engine = ss::stream::engine_of(context);
  if (!engine) return;
  c_log(LLL_NOTICE, "lws_ss_dump_extant: " + std::to_string(engine->stream_count()) +
                        " live stream(s)");
}

}  // extern "C"
