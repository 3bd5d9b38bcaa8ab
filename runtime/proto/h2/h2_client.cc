#include "runtime/proto/h2/h2_client.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>

#include "runtime/proto/h2/nghttp2_session.h"

namespace ss::proto::h2 {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// RFC 9113 §8.2.2: these belong to HTTP/1.1 connections and make an h2
// peer reject the request.
bool connection_specific(std::string_view name) {
  return name == "connection" || name == "keep-alive" || name == "proxy-connection" ||
         name == "transfer-encoding" || name == "upgrade" || name == "host" || name == "te";
}

}  // namespace

std::string error_code_text(std::uint32_t code) {
  return std::string(nghttp2_http2_strerror(code)) + " (" + std::to_string(code) + ")";
}

// nghttp2 calls these from mem_recv / mem_send; each turns a frame into an
// event or feeds a stream's body.
struct Client::Callbacks {
  static Client& self(void* user) { return *static_cast<Client*>(user); }

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_RESPONSE) {
      self(user).heads_[frame->hd.stream_id] = HeadEvent{frame->hd.stream_id, 0, {}};
    }
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t namelen, const std::uint8_t* value, std::size_t valuelen, std::uint8_t,
                       void* user) {
    auto it = self(user).heads_.find(frame->hd.stream_id);
    if (it == self(user).heads_.end()) return 0;  // trailers: not reported
    std::string_view n(reinterpret_cast<const char*>(name), namelen);
    std::string_view v(reinterpret_cast<const char*>(value), valuelen);
    if (n == ":status") {
      // nghttp2 has checked it is three digits.
      it->second.status = std::stoi(std::string(v));
    } else if (!n.empty() && n.front() != ':') {
      it->second.headers.push_back({std::string(n), std::string(v)});
    }
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    Client& c = self(user);
    const std::int32_t id = frame->hd.stream_id;
    switch (frame->hd.type) {
      case NGHTTP2_HEADERS: {
        auto it = c.heads_.find(id);
        if (it != c.heads_.end()) {
          if (it->second.status >= 200) c.events_.push_back(std::move(it->second));
          c.heads_.erase(it);
        }
        if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) c.events_.push_back(EndEvent{id});
        break;
      }
      case NGHTTP2_DATA:
        if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) c.events_.push_back(EndEvent{id});
        break;
      case NGHTTP2_GOAWAY:
        c.goaway_received_ = true;
        c.events_.push_back(GoAwayEvent{frame->goaway.last_stream_id, frame->goaway.error_code});
        break;
      case NGHTTP2_PING:
        if (frame->hd.flags & NGHTTP2_FLAG_ACK) c.events_.push_back(PingAckEvent{});
        break;
      default:
        break;
    }
    return 0;
  }

  static int on_data_chunk(nghttp2_session* session, std::uint8_t, std::int32_t id, const std::uint8_t* data,
                           std::size_t len, void* user) {
    Client& c = self(user);
    nghttp2_session_consume_connection(session, len);
    auto it = c.streams_.find(id);
    if (it == c.streams_.end() || it->second.dropped) return 0;  // a stream we reset: dropped
    StreamState& st = it->second;
    if (st.manual) {
      // Our own count, not nghttp2's: its window for a stream opened before
      // the server acked our SETTINGS still starts at 65535.
      if (static_cast<std::int64_t>(len) > st.credit) {
        st.dropped = true;
        nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, id, NGHTTP2_FLOW_CONTROL_ERROR);
        return 0;
      }
      st.credit -= static_cast<std::int64_t>(len);
    } else {
      nghttp2_session_consume_stream(session, id, len);
    }
    c.events_.push_back(DataEvent{id, std::vector<std::uint8_t>(data, data + len)});
    return 0;
  }

  static int on_stream_close(nghttp2_session*, std::int32_t id, std::uint32_t error_code, void* user) {
    Client& c = self(user);
    c.heads_.erase(id);
    c.bodies_.erase(id);
    std::erase_if(c.pending_windows_, [id](const Pending& p) { return p.stream == id; });
    if (c.streams_.erase(id)) c.events_.push_back(ClosedEvent{id, error_code});
    return 0;
  }

  // A request nghttp2 could not send (a GOAWAY came while it waited for a
  // free stream slot): never processed, as REFUSED_STREAM says.
  static int on_frame_not_send(nghttp2_session* session, const nghttp2_frame* frame, int, void* user) {
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    return on_stream_close(session, frame->hd.stream_id, kRefusedStream, user);
  }

  static int on_error(nghttp2_session*, int, const char* msg, std::size_t len, void* user) {
    self(user).last_error_.assign(msg, len);
    return 0;
  }

  static ssize_t read_body(nghttp2_session*, std::int32_t id, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* data_flags, nghttp2_data_source*, void* user) {
    Client& c = self(user);
    auto it = c.bodies_.find(id);
    if (it == c.bodies_.end()) return read_queued_body(nullptr, true, buf, length, data_flags);
    // NGHTTP2_ERR_DEFERRED while empty: send_body() resumes it.
    return read_queued_body(&it->second.bytes, it->second.end, buf, length, data_flags);
  }
};

Client::Client() {
  SessionCallbacks cb;
  cb.on_begin_headers = Callbacks::on_begin_headers;
  cb.on_header = Callbacks::on_header;
  cb.on_frame_recv = Callbacks::on_frame_recv;
  cb.on_data_chunk = Callbacks::on_data_chunk;
  cb.on_stream_close = Callbacks::on_stream_close;
  cb.on_error = Callbacks::on_error;
  cb.on_frame_not_send = Callbacks::on_frame_not_send;
  session_ = new_session(SessionSide::kClient, cb, this);  // we open every window ourselves
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 0},  // each stream's window is its own (header comment)
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, kConnectionWindow);
}

Client::~Client() { nghttp2_session_del(session_); }

Error Client::receive_data(std::span<const std::uint8_t> bytes) {
  if (failed_) return make_error(ErrorCode::kState, "h2: the connection already failed");
  const std::uint64_t from = received_;
  received_ += bytes.size();
  last_error_.clear();
  const auto rv = nghttp2_session_mem_recv(session_, bytes.data(), bytes.size());
  if (rv >= 0) drain();
  // nghttp2 answers most protocol errors by queueing a GOAWAY and reading
  // no more; only a few come back as a negative return.
  const bool broken = rv < 0 || (!nghttp2_session_want_read(session_) && !goaway_received_ && !shutdown_);
  if (!broken) return {};
  failed_ = true;
  std::string what = rv < 0 ? nghttp2_strerror(static_cast<int>(rv)) : "connection error";
  if (!last_error_.empty()) what += ": " + last_error_;
  return make_error(ErrorCode::kParse, "h2: bad input from the server in bytes " + std::to_string(from) + ".." +
                                           std::to_string(received_) + " of the connection (" + what + ")");
}

Result<std::int32_t> Client::open_stream(const Request& request, const StreamOptions& options) {
  if (failed_ || goaway_received_ || shutdown_) {
    return make_error(ErrorCode::kState, goaway_received_ ? "h2: the server sent GOAWAY" : "h2: connection over");
  }
  const std::string m = ":method", s = ":scheme", a = ":authority", p = ":path";
  std::vector<Header> headers;
  for (const auto& h : request.headers) {
    std::string name = lower(h.name);
    if (name.empty() || name.front() == ':' || connection_specific(name)) continue;
    headers.push_back({std::move(name), h.value});
  }
  std::vector<nghttp2_nv> nva{nv(m, request.method), nv(s, request.scheme), nv(a, request.authority),
                              nv(p, request.path)};
  for (const auto& h : headers) nva.push_back(nv(h.name, h.value));
  nghttp2_data_provider body{};
  body.read_callback = Callbacks::read_body;
  const std::int32_t id =
      nghttp2_submit_request(session_, nullptr, nva.data(), nva.size(), request.has_body ? &body : nullptr, this);
  if (id < 0) return make_error(ErrorCode::kLimit, std::string("h2: cannot open a stream: ") + nghttp2_strerror(id));
  streams_[id] = StreamState{options.manual_window, options.manual_window ? options.initial_window : 0, false};
  if (request.has_body) bodies_[id];
  const std::int32_t window = options.manual_window ? options.initial_window : kAutoWindow;
  if (window > 0) pending_windows_.push_back({id, window});
  return id;
}

Error Client::send_body(std::int32_t stream, std::span<const std::uint8_t> bytes, bool end) {
  auto it = bodies_.find(stream);
  if (it == bodies_.end() || it->second.end) {
    return make_error(ErrorCode::kState, "h2: stream " + std::to_string(stream) + " takes no more body");
  }
  it->second.bytes.insert(it->second.bytes.end(), bytes.begin(), bytes.end());
  it->second.end = end;
  nghttp2_session_resume_data(session_, stream);
  return {};
}

Error Client::grant(std::int32_t stream, std::int32_t bytes) {
  if (bytes <= 0) return {};
  auto st = streams_.find(stream);
  if (st == streams_.end()) return {};  // closed (or never ours): nothing left to open
  st->second.credit += bytes;
  for (auto& p : pending_windows_) {
    if (p.stream == stream) {  // HEADERS not out yet: one WINDOW_UPDATE for both
      p.window = static_cast<std::int32_t>(std::min<std::int64_t>(std::int64_t{p.window} + bytes, INT32_MAX));
      return {};
    }
  }
  if (!nghttp2_session_find_stream(session_, stream)) {
    pending_windows_.push_back({stream, bytes});
    return {};
  }
  const int rv = nghttp2_submit_window_update(session_, NGHTTP2_FLAG_NONE, stream, bytes);
  if (rv != 0) return make_error(ErrorCode::kLimit, std::string("h2: WINDOW_UPDATE: ") + nghttp2_strerror(rv));
  return {};
}

void Client::reset_stream(std::int32_t stream, std::uint32_t error_code) {
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream, error_code);
}

void Client::ping() { nghttp2_submit_ping(session_, NGHTTP2_FLAG_NONE, nullptr); }

void Client::shutdown() {
  if (shutdown_) return;
  shutdown_ = true;
  nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(session_),
                        NGHTTP2_NO_ERROR, nullptr, 0);
}

// GCC 12 at -O2 (-c opt) takes the moved-from deque element's vectors for
// uninitialized (-Wmaybe-uninitialized, a false positive) and -Werror
// stops the build; clang and -O0 do not warn.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
std::optional<Event> Client::next_event() {
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

void Client::take_output(std::vector<std::uint8_t>& out) {
  drain();
  out.insert(out.end(), out_.begin(), out_.end());
  out_.clear();
}

// Serializes every queued frame into out_ (nghttp2 marks a session it
// terminated for an error only once its GOAWAY is serialized).
void Client::drain() {
  for (;;) {
    const std::uint8_t* data = nullptr;
    const auto n = nghttp2_session_mem_send(session_, &data);
    if (n < 0) {  // only NOMEM or a callback failure: nothing more can go out
      failed_ = true;
      return;
    }
    if (n > 0) out_.insert(out_.end(), data, data + n);
    const bool opened = open_pending_windows();
    if (n == 0 && !opened) return;
  }
}

// A stream's first WINDOW_UPDATE needs the stream, which nghttp2 opens when
// it writes the HEADERS; so it goes out right after them.
bool Client::open_pending_windows() {
  bool any = false;
  for (auto it = pending_windows_.begin(); it != pending_windows_.end();) {
    if (!nghttp2_session_find_stream(session_, it->stream)) {
      ++it;
      continue;
    }
    nghttp2_submit_window_update(session_, NGHTTP2_FLAG_NONE, it->stream, it->window);
    it = pending_windows_.erase(it);
    any = true;
  }
  return any;
}

std::size_t Client::queued_body(std::int32_t stream) const {
  auto it = bodies_.find(stream);
  return it == bodies_.end() ? 0 : it->second.bytes.size();
}

std::optional<std::int32_t> Client::receive_window(std::int32_t stream) const {
  if (!nghttp2_session_find_stream(session_, stream)) return std::nullopt;
  return nghttp2_session_get_stream_local_window_size(session_, stream);
}

std::optional<std::int32_t> Client::send_window(std::int32_t stream) const {
  const int w = nghttp2_session_get_stream_remote_window_size(session_, stream);
  if (w < 0) return std::nullopt;
  return w;
}

bool Client::closed() const {
  return failed_ || (!nghttp2_session_want_read(session_) && !nghttp2_session_want_write(session_));
}

}  // namespace ss::proto::h2
