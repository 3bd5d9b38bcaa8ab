#include "tools/cat_direct.h"

#include <charconv>

namespace ss::tools {

namespace {
int to_int(std::string_view digits) {
  int v = 0;
  auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  return r.ec == std::errc() ? v : 0;
}
}  // namespace

stream::Hooks CatEngineSink::hooks() {
  stream::Hooks h;
  h.trace = [this](std::string_view kind, std::string_view text) { on_trace(kind, text); };
  h.log = [this](std::string_view text) { on_log(text); };
  return h;
}

void CatEngineSink::on_log(std::string_view text) {
  if (session_) {
    session_->on_engine_log(text);
  } else {
    std::fprintf(err_, "ss-cat: %.*s\n", static_cast<int>(text.size()), text.data());
  }
}

// Texts are "ss<id> <what>" (runtime/stream/stream.cc, BindingHost::trace).
void CatEngineSink::on_trace(std::string_view kind, std::string_view text) {
  if (!session_ || text.rfind(prefix_, 0) != 0) return;
  text.remove_prefix(prefix_.size());
  if (kind == "ss.end") {
    constexpr std::string_view kLocal = " (local)";
    const bool locally = text.size() >= kLocal.size() && text.substr(text.size() - kLocal.size()) == kLocal;
    if (locally) text.remove_suffix(kLocal.size());
    session_->on_connection_end(text, locally);
  } else if (kind == "h1.status") {
    session_->on_http_status(to_int(text));
  } else if (kind == "ws.close") {
    const auto space = text.find(' ');
    session_->on_ws_close(to_int(text.substr(0, space)),
                          space == std::string_view::npos ? std::string_view() : text.substr(space + 1));
  }
}

DirectStream::~DirectStream() {
  if (stream_ && !stream_->destroyed()) stream_->destroy();
  sink_.session_ = nullptr;
}

Error DirectStream::start(stream::Context& ctx, const std::string& streamtype, CatSession& s) {
  stream::StreamInfo info;
  info.streamtype = streamtype;
  // Known before CREATING is raised, so the session may use it from there.
  info.on_bind = [this, &s](stream::Stream* bound) {
    stream_ = bound;
    sink_.session_ = &s;
    sink_.prefix_ = "ss" + std::to_string(bound->id()) + " ";
  };
  info.callbacks.state = [&s](stream::State state, std::uint32_t ack) {
    return s.on_state(state, ack);
  };
  info.callbacks.rx = [&s](std::span<const std::uint8_t> b, std::uint32_t f) {
    return s.on_rx(b, f);
  };
  info.callbacks.tx = [&s](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    return s.on_tx(buf, &len, &flags);
  };
  auto created = ctx.create(std::move(info));
  if (!created) {
    sink_.session_ = nullptr;
    return created.error();
  }
  stream_ = *created;
  return Error();
}

}  // namespace ss::tools
