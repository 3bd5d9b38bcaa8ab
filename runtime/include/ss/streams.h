// The idiomatic C++ API of securestreams.
//
//   ss::StreamContext ctx({.loop = &loop, .net = &net, .policy = policy});
//   auto s = ctx.create("mystreamtype", {
//       .rx = [](std::span<const std::uint8_t> b, std::uint32_t flags) { ...; return ss::Ret::kOk; },
//       .tx = [](ss::TxChunk& c) { c.len = fill(c.buffer); c.flags = ss::kSom | ss::kEom; return ss::Ret::kOk; },
//       .state = [](ss::State st, std::uint32_t ack) { return ss::Ret::kOk; },
//   });
//   if (!s) { report(s.error().message()); }
//   s->request_tx();
//
// StreamHandle is move-only and RAII: dropping it destroys the stream (the
// user sees DISCONNECTED if connected, then DESTROYING). If the stream
// destroys itself first (a callback answered DESTROY_ME), the handle
// notices and becomes empty; no pointer dangles. Callbacks may call any
// method on any handle, including reset() on their own stream (it takes
// effect when the callback returns). Single-threaded: use the loop's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "runtime/core/result.h"
#include "runtime/include/ss/builtin_bindings.h"
#include "runtime/stream/context.h"
#include "runtime/stream/stream.h"

namespace ss {

using stream::Ret;
using stream::State;

inline constexpr std::uint32_t kSom = stream::kFlagSom;
inline constexpr std::uint32_t kEom = stream::kFlagEom;

// One tx opportunity: write up to buffer.size() bytes, set len and flags.
struct TxChunk {
  std::uint32_t ordinal = 0;
  std::span<std::uint8_t> buffer;
  std::size_t len = 0;
  std::uint32_t flags = 0;
};

struct Handlers {
  std::function<Ret(std::span<const std::uint8_t> payload, std::uint32_t flags)> rx{};
  std::function<Ret(TxChunk& chunk)> tx{};
  std::function<Ret(State state, std::uint32_t ack)> state{};
};

class StreamHandle {
 public:
  StreamHandle() = default;
  explicit StreamHandle(stream::Stream& s) : weak_(s.weak()) {}
  // A handle that does not own the stream: dropping it leaves the stream
  // alone (reset() still destroys it). A server's clients are handed out
  // this way: each lives until its connection ends.
  static StreamHandle borrowed(stream::Stream& s) {
    StreamHandle h(s);
    h.owning_ = false;
    return h;
  }
  StreamHandle(StreamHandle&& other) noexcept
      : weak_(std::exchange(other.weak_, {})), owning_(other.owning_) {}
  StreamHandle& operator=(StreamHandle&& other) noexcept {
    if (this != &other) {
      drop();
      weak_ = std::exchange(other.weak_, {});
      owning_ = other.owning_;
    }
    return *this;
  }
  StreamHandle(const StreamHandle&) = delete;
  StreamHandle& operator=(const StreamHandle&) = delete;
  ~StreamHandle() { drop(); }

  // Destroys the stream (deferred if called from one of its callbacks).
  void reset() {
    if (auto* s = get()) s->destroy();
    weak_.reset();
  }
  // The stream, or nullptr once it is gone.
  stream::Stream* get() const {
    auto tok = weak_.lock();
    return tok ? *tok : nullptr;
  }
  explicit operator bool() const { return get() != nullptr; }

  Ret request_tx() { return call([](auto& s) { return s.request_tx(); }); }
  Ret request_tx_len(std::size_t len) {
    return call([len](auto& s) { return s.request_tx_len(len); });
  }
  Ret connect() { return call([](auto& s) { return s.client_connect(); }); }
  // 0 = the streamtype's timeout_ms.
  void start_timeout(std::uint32_t ms = 0) {
    if (auto* s = get()) s->start_timeout(ms);
  }
  void cancel_timeout() {
    if (auto* s = get()) s->cancel_timeout();
  }
  Error set_metadata(std::string_view name, std::string_view value) {
    auto* s = get();
    return s ? s->set_metadata(name, value) : make_error(ErrorCode::kState, "stream is gone");
  }
  Result<std::string> metadata(std::string_view name) const {
    auto* s = get();
    if (!s) return make_error(ErrorCode::kState, "stream is gone");
    auto v = s->get_metadata(name);
    if (!v) return v.error();
    return std::string(*v);
  }
  void add_peer_tx_credit(std::int32_t add) {
    if (auto* s = get()) s->add_peer_tx_credit(add);
  }
  // Why the latest connection attempt failed before CONNECTED ("" if none
  // since the last CONNECTED, or the stream is gone): Stream::last_error().
  std::string last_error() const {
    auto* s = get();
    return s ? s->last_error() : std::string();
  }
  std::int32_t est_peer_tx_credit() const {
    auto* s = get();
    return s ? s->get_est_peer_tx_credit() : 0;
  }
  // An accepted stream's answer to the current request: 0 = 200, else the
  // status; none = 404 (docs/api.md "Serving").
  void server_ack(int nack) {
    if (auto* s = get()) s->server_ack(nack);
  }
  // Replaces the handlers given (empty members keep theirs): on
  // SERVER_UPGRADE, the WebSocket handlers for the rest of an accepted
  // connection (lws_ss_change_handlers, docs/api.md "Serving").
  void change_handlers(Handlers h) {
    auto* s = get();
    if (!s) return;
    stream::Callbacks cb;
    if (h.rx) cb.rx = std::move(h.rx);
    if (h.state) cb.state = std::move(h.state);
    if (h.tx) {
      cb.tx = [f = std::move(h.tx)](std::uint32_t ord, std::span<std::uint8_t> buf, std::size_t& len,
                                    std::uint32_t& flags) {
        TxChunk c{ord, buf, 0, 0};
        const Ret r = f(c);
        len = c.len;
        flags = c.flags;
        return r;
      };
    }
    s->change_handlers(cb);
  }
  // A server stream: `fn` once for each live accepted stream (it may reset
  // the handle it is given).
  void foreach_client(const std::function<void(StreamHandle& client)>& fn) {
    if (auto* s = get()) {
      s->foreach_client([&fn](stream::Stream* c) {
        StreamHandle h = borrowed(*c);
        fn(h);
      });
    }
  }

 private:
  template <typename F>
  Ret call(F f) {
    auto* s = get();
    return s ? f(*s) : Ret::kOk;
  }
  void drop() {
    if (owning_) reset();
    weak_.reset();
  }
  std::weak_ptr<stream::Stream*> weak_;
  bool owning_ = true;
};

// Owns an engine context; the raw, h1, ws, mqtt and h2 bindings are registered on
// construction (set a TLS transport on engine() for "tls": true).
class StreamContext {
 public:
  explicit StreamContext(stream::Context::Config config)
      : ctx_(std::make_unique<stream::Context>(std::move(config))) {
    stream::register_builtin_bindings(*ctx_);
  }

  Result<StreamHandle> create(std::string_view streamtype, Handlers handlers,
                              std::int32_t manual_initial_tx_credit = 0) {
    stream::StreamInfo info;
    info.streamtype = std::string(streamtype);
    info.manual_initial_tx_credit = manual_initial_tx_credit;
    info.callbacks = to_callbacks(std::move(handlers));
    auto s = ctx_->create(std::move(info));
    if (!s) return s.error();
    return StreamHandle(**s);
  }

  // A server streamtype ("server": true, docs/api.md "Serving"): listens,
  // and for each accepted client calls `on_client` with a borrowed handle
  // to it (the client lives until its connection ends) for that client's
  // handlers. The error says why it cannot listen.
  using ClientHandlers = std::function<Handlers(StreamHandle client)>;
  Result<StreamHandle> serve(std::string_view streamtype, ClientHandlers on_client) {
    stream::StreamInfo info;
    info.streamtype = std::string(streamtype);
    info.make_accepted = [on_client = std::move(on_client)](stream::StreamInfo& a) {
      auto handlers = std::make_shared<Handlers>();
      a.on_bind = [handlers, on_client](stream::Stream* s) { *handlers = on_client(StreamHandle::borrowed(*s)); };
      a.callbacks.rx = [handlers](std::span<const std::uint8_t> b, std::uint32_t f) {
        return handlers->rx ? handlers->rx(b, f) : Ret::kOk;
      };
      a.callbacks.state = [handlers](State st, std::uint32_t ack) {
        return handlers->state ? handlers->state(st, ack) : Ret::kOk;
      };
      a.callbacks.tx = [handlers](std::uint32_t ord, std::span<std::uint8_t> buf, std::size_t& len,
                                  std::uint32_t& flags) {
        return handlers->tx ? tx_through(handlers->tx, ord, buf, len, flags) : Ret::kTxDontSend;
      };
      return true;
    };
    auto s = ctx_->create(std::move(info));
    if (!s) return s.error();
    return StreamHandle(**s);
  }

  // A system blob (auth token, device serial, client cert...; see
  // runtime/stream/system_blobs.h). False for a bad slot or over 64 KiB.
  bool set_system_blob(stream::BlobType type, int index, std::string_view value) {
    return ctx_->blobs().set(stream::SystemBlobs::slot(type, index),
                             std::span<const std::uint8_t>(
                                 reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
  }

  stream::Context& engine() { return *ctx_; }

 private:
  static Ret tx_through(const std::function<Ret(TxChunk&)>& f, std::uint32_t ord, std::span<std::uint8_t> buf,
                        std::size_t& len, std::uint32_t& flags) {
    TxChunk c{ord, buf, 0, 0};
    Ret r = f(c);
    len = c.len;
    flags = c.flags;
    return r;
  }
  static stream::Callbacks to_callbacks(Handlers handlers) {
    stream::Callbacks cb;
    if (handlers.rx) cb.rx = std::move(handlers.rx);
    if (handlers.state) cb.state = std::move(handlers.state);
    if (handlers.tx) {
      cb.tx = [f = std::move(handlers.tx)](std::uint32_t ord, std::span<std::uint8_t> buf, std::size_t& len,
                                           std::uint32_t& flags) { return tx_through(f, ord, buf, len, flags); };
    }
    return cb;
  }

  std::unique_ptr<stream::Context> ctx_;
};

}  // namespace ss
