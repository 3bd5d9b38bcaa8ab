// Handlers: the user's callbacks as a stream calls them, behind one pointer.
//
// The C++ API gives a stream three std::function (Callbacks); the C API
// gives three C function pointers and a user object. A stream keeps one
// shared pointer to either (16 bytes, where three std::function took 96:
// docs/benchmarks.md, "Heap per idle raw stream"); the C API's handle is
// itself a Handlers, so its stream needs no block for its callbacks.
// (Not the C++ API's ss::Handlers, runtime/include/ss/streams.h: that is
// what a user gives; this is what the engine calls.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "runtime/stream/states.h"

namespace ss::stream {

// The user's callbacks. A missing callback behaves as one returning OK
// (tx: TX_DONT_SEND).
struct Callbacks {
  // Payload from the peer with LWSSS_FLAG_* flags.
  std::function<Ret(std::span<const std::uint8_t> buf, std::uint32_t flags)> rx;
  // Fill `buf`: set `len` (<= buf.size()) and `flags` (SOM/EOM).
  std::function<Ret(std::uint32_t ordinal, std::span<std::uint8_t> buf, std::size_t& len,
                    std::uint32_t& flags)>
      tx;
  // A state change; `ack` is the state's argument (e.g. 1 = DNS for UNREACHABLE).
  std::function<Ret(State state, std::uint32_t ack)> state;
};

class FunctionHandlers;

// What a stream calls. has_*() false: the user gave no such callback (the
// stream then acts as if it answered OK, tx TX_DONT_SEND, and uses no tx
// ordinal). An implementation may own the user object (the C API's handle):
// the stream keeps its Handlers until it is reclaimed.
class Handlers {
 public:
  virtual ~Handlers() = default;
  virtual bool has_rx() const = 0;
  virtual bool has_tx() const = 0;
  virtual bool has_state() const = 0;
  virtual Ret rx(std::span<const std::uint8_t> buf, std::uint32_t flags) = 0;
  virtual Ret tx(std::uint32_t ordinal, std::span<std::uint8_t> buf, std::size_t& len,
                 std::uint32_t& flags) = 0;
  virtual Ret state(State state, std::uint32_t ack) = 0;
  // These as Callbacks, when that is what they are (null otherwise).
  virtual FunctionHandlers* as_functions() { return nullptr; }
};

// Callbacks as Handlers.
class FunctionHandlers final : public Handlers {
 public:
  explicit FunctionHandlers(Callbacks cb) : cb_(std::move(cb)) {}
  bool has_rx() const override { return static_cast<bool>(cb_.rx); }
  bool has_tx() const override { return static_cast<bool>(cb_.tx); }
  bool has_state() const override { return static_cast<bool>(cb_.state); }
  Ret rx(std::span<const std::uint8_t> buf, std::uint32_t flags) override { return cb_.rx(buf, flags); }
  Ret tx(std::uint32_t ordinal, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) override {
    return cb_.tx(ordinal, buf, len, flags);
  }
  Ret state(State state, std::uint32_t ack) override { return cb_.state(state, ack); }
  FunctionHandlers* as_functions() override { return this; }
  Callbacks& callbacks() { return cb_; }

 private:
  Callbacks cb_;
};

// Replaces the members `partial` gives (empty ones keep theirs) in `h`
// (Stream::change_handlers, lws_ss_change_handlers).
void change_handlers(std::shared_ptr<Handlers>& h, const Callbacks& partial);

}  // namespace ss::stream
