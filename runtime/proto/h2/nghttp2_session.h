// What both ends of an nghttp2 session in this project share (the client
// core, h2_client.h, and the simulated server's core,
// sim/peers/h2_server_core.h): making a session whose flow-control windows
// its owner opens itself, a header field, and feeding a queued body to
// nghttp2's data source.
#pragma once

#include <nghttp2/nghttp2.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

namespace ss::proto::h2 {

// The callbacks a session gets; the last two may stay null.
struct SessionCallbacks {
  nghttp2_on_begin_headers_callback on_begin_headers = nullptr;
  nghttp2_on_header_callback on_header = nullptr;
  nghttp2_on_frame_recv_callback on_frame_recv = nullptr;
  nghttp2_on_data_chunk_recv_callback on_data_chunk = nullptr;
  nghttp2_on_stream_close_callback on_stream_close = nullptr;
  nghttp2_error_callback2 on_error = nullptr;
  nghttp2_on_frame_not_send_callback on_frame_not_send = nullptr;
};

enum class SessionSide { kClient, kServer };

// A new session for `side` calling `callbacks` with `user`. nghttp2 sends
// no WINDOW_UPDATE by itself: the owner opens every window.
nghttp2_session* new_session(SessionSide side, const SessionCallbacks& callbacks, void* user);

// A header field naming `name` and `value` (which must outlive its use).
nghttp2_nv nv(const std::string& name, const std::string& value);

// A data source's read: up to `length` bytes of `queued` into `buf`
// (removed from it); EOF once it is empty and `end`, or when there is no
// body (`queued` null); NGHTTP2_ERR_DEFERRED while it is empty and more
// is to come (resume the stream when it is not).
ssize_t read_queued_body(std::deque<std::uint8_t>* queued, bool end, std::uint8_t* buf, std::size_t length,
                         std::uint32_t* data_flags);

}  // namespace ss::proto::h2
