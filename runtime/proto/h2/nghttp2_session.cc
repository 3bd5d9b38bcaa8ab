#include "runtime/proto/h2/nghttp2_session.h"

#include <algorithm>

namespace ss::proto::h2 {

nghttp2_session* new_session(SessionSide side, const SessionCallbacks& callbacks, void* user) {
  nghttp2_session_callbacks* cb = nullptr;
  nghttp2_session_callbacks_new(&cb);
  nghttp2_session_callbacks_set_on_begin_headers_callback(cb, callbacks.on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(cb, callbacks.on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cb, callbacks.on_frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, callbacks.on_data_chunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(cb, callbacks.on_stream_close);
  if (callbacks.on_error) nghttp2_session_callbacks_set_error_callback2(cb, callbacks.on_error);
  if (callbacks.on_frame_not_send)
    nghttp2_session_callbacks_set_on_frame_not_send_callback(cb, callbacks.on_frame_not_send);
  nghttp2_option* opt = nullptr;
  nghttp2_option_new(&opt);
  nghttp2_option_set_no_auto_window_update(opt, 1);
  nghttp2_session* session = nullptr;
  if (side == SessionSide::kClient) {
    nghttp2_session_client_new2(&session, cb, user, opt);
  } else {
    nghttp2_session_server_new2(&session, cb, user, opt);
  }
  nghttp2_option_del(opt);
  nghttp2_session_callbacks_del(cb);
  return session;
}

nghttp2_nv nv(const std::string& name, const std::string& value) {
  return nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
                    reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(),
                    value.size(), NGHTTP2_NV_FLAG_NONE};
}

ssize_t read_queued_body(std::deque<std::uint8_t>* queued, bool end, std::uint8_t* buf, std::size_t length,
                         std::uint32_t* data_flags) {
  if (!queued) {
    *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    return 0;
  }
  const std::size_t n = std::min(length, queued->size());
  std::copy_n(queued->begin(), n, buf);
  queued->erase(queued->begin(), queued->begin() + static_cast<std::ptrdiff_t>(n));
  if (queued->empty() && end) {
    *data_flags |= NGHTTP2_DATA_FLAG_EOF;
  } else if (n == 0) {
    return NGHTTP2_ERR_DEFERRED;
  }
  return static_cast<ssize_t>(n);
}

}  // namespace ss::proto::h2
