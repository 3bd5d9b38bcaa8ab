#include "sim/peers/h2_server_core.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>

#include "runtime/proto/h2/nghttp2_session.h"

namespace ss::sim::peers {
using proto::h2::nv;

struct H2ServerCore::Callbacks {
  static H2ServerCore& self(void* user) { return *static_cast<H2ServerCore*>(user); }

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
      self(user).partial_[frame->hd.stream_id].stream = frame->hd.stream_id;
    }
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t namelen,
                       const std::uint8_t* value, std::size_t valuelen, std::uint8_t, void* user) {
    auto it = self(user).partial_.find(frame->hd.stream_id);
    if (it == self(user).partial_.end()) return 0;
    std::string n(reinterpret_cast<const char*>(name), namelen);
    std::string v(reinterpret_cast<const char*>(value), valuelen);
    H2Request& r = it->second;
    if (n == ":method") {
      r.method = v;
    } else if (n == ":path") {
      r.path = v;
    } else if (n == ":authority") {
      r.authority = v;
    } else if (!n.empty() && n.front() != ':') {
      r.headers.push_back({n, v});
    }
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    H2ServerCore& s = self(user);
    if (frame->hd.type == NGHTTP2_PING && !(frame->hd.flags & NGHTTP2_FLAG_ACK)) ++s.pings_;
    if (frame->hd.type == NGHTTP2_WINDOW_UPDATE) ++s.window_updates_;
    if ((frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
      auto it = s.partial_.find(frame->hd.stream_id);
      if (it != s.partial_.end()) {
        s.complete_.push_back(std::move(it->second));
        s.partial_.erase(it);
      }
    }
    return 0;
  }

  static int on_data_chunk(nghttp2_session* session, std::uint8_t, std::int32_t id, const std::uint8_t* data,
                           std::size_t len, void* user) {
    H2ServerCore& s = self(user);
    nghttp2_session_consume_connection(session, len);
    if (!s.options_.hold_uploads) nghttp2_session_consume_stream(session, id, len);
    auto it = s.partial_.find(id);
    if (it != s.partial_.end()) it->second.body.insert(it->second.body.end(), data, data + len);
    return 0;
  }

  static int on_stream_close(nghttp2_session*, std::int32_t id, std::uint32_t, void* user) {
    self(user).partial_.erase(id);
    self(user).bodies_.erase(id);
    return 0;
  }

  static ssize_t read_body(nghttp2_session*, std::int32_t id, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* data_flags, nghttp2_data_source*, void* user) {
    auto it = self(user).bodies_.find(id);
    if (it == self(user).bodies_.end()) return proto::h2::read_queued_body(nullptr, true, buf, length, data_flags);
    return proto::h2::read_queued_body(&it->second.bytes, it->second.end, buf, length, data_flags);
  }
};

H2ServerCore::H2ServerCore(H2ServerCoreOptions options) : options_(options) {
  proto::h2::SessionCallbacks cb;
  cb.on_begin_headers = Callbacks::on_begin_headers;
  cb.on_header = Callbacks::on_header;
  cb.on_frame_recv = Callbacks::on_frame_recv;
  cb.on_data_chunk = Callbacks::on_data_chunk;
  cb.on_stream_close = Callbacks::on_stream_close;
  session_ = proto::h2::new_session(proto::h2::SessionSide::kServer, cb, this);
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, options_.max_concurrent_streams},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, static_cast<std::uint32_t>(options_.initial_window)},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
}

H2ServerCore::~H2ServerCore() { nghttp2_session_del(session_); }

Error H2ServerCore::receive_data(std::span<const std::uint8_t> bytes) {
  if (failed_) return make_error(ErrorCode::kState, "h2 server: session over");
  const auto rv = nghttp2_session_mem_recv(session_, bytes.data(), bytes.size());
  if (rv >= 0) return {};
  failed_ = true;
  return make_error(ErrorCode::kParse, std::string("h2 server: ") + nghttp2_strerror(static_cast<int>(rv)));
}

std::optional<H2Request> H2ServerCore::next_request() {
  if (complete_.empty()) return std::nullopt;
  H2Request r = std::move(complete_.front());
  complete_.pop_front();
  return r;
}

void H2ServerCore::respond(std::int32_t stream, int status, const std::vector<proto::h2::Header>& headers,
                           std::span<const std::uint8_t> body, bool end) {
  const std::string st = ":status", code = std::to_string(status);
  std::vector<nghttp2_nv> nva{nv(st, code)};
  for (const auto& h : headers) nva.push_back(nv(h.name, h.value));
  Body& b = bodies_[stream];
  b.bytes.insert(b.bytes.end(), body.begin(), body.end());
  b.end = end;
  nghttp2_data_provider provider{};
  provider.read_callback = Callbacks::read_body;
  nghttp2_submit_response(session_, stream, nva.data(), nva.size(), &provider);
}

void H2ServerCore::send_body(std::int32_t stream, std::span<const std::uint8_t> bytes, bool end) {
  auto it = bodies_.find(stream);
  if (it == bodies_.end()) return;
  it->second.bytes.insert(it->second.bytes.end(), bytes.begin(), bytes.end());
  it->second.end = end;
  nghttp2_session_resume_data(session_, stream);
}

void H2ServerCore::reset(std::int32_t stream, std::uint32_t error_code) {
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream, error_code);
}

void H2ServerCore::goaway(std::int32_t last_stream_id, std::uint32_t error_code) {
  nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, last_stream_id, error_code, nullptr, 0);
}

void H2ServerCore::ping() { nghttp2_submit_ping(session_, NGHTTP2_FLAG_NONE, nullptr); }

void H2ServerCore::set_initial_window(std::int32_t window) {
  const nghttp2_settings_entry e{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, static_cast<std::uint32_t>(window)};
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, &e, 1);
}

void H2ServerCore::empty_settings() { nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, nullptr, 0); }

void H2ServerCore::inject(std::span<const std::uint8_t> bytes) {
  injected_.insert(injected_.end(), bytes.begin(), bytes.end());
}

void H2ServerCore::take_output(std::vector<std::uint8_t>& out) {
  for (;;) {
    const std::uint8_t* data = nullptr;
    const auto n = nghttp2_session_mem_send(session_, &data);
    if (n <= 0) break;
    out.insert(out.end(), data, data + n);
  }
  out.insert(out.end(), injected_.begin(), injected_.end());
  injected_.clear();
}

std::int32_t H2ServerCore::last_stream_id() const { return nghttp2_session_get_last_proc_stream_id(session_); }

std::optional<std::int32_t> H2ServerCore::send_window(std::int32_t stream) const {
  const int w = nghttp2_session_get_stream_remote_window_size(session_, stream);
  if (w < 0) return std::nullopt;
  return w;
}

std::size_t H2ServerCore::queued_body(std::int32_t stream) const {
  auto it = bodies_.find(stream);
  return it == bodies_.end() ? 0 : it->second.bytes.size();
}

bool H2ServerCore::closed() const {
  return failed_ || (!nghttp2_session_want_read(session_) && !nghttp2_session_want_write(session_));
}

}  // namespace ss::sim::peers
