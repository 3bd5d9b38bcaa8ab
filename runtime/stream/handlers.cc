#include "runtime/stream/handlers.h"

namespace ss::stream {

void change_handlers(std::shared_ptr<Handlers>& h, const Callbacks& partial) {
  FunctionHandlers* fn = h->as_functions();
  // Ours alone: in place, so a callback that changes the handlers is not
  // freed while it runs (a replaced member is, as with a std::function).
  if (fn && h.use_count() == 1) {
    if (partial.rx) fn->callbacks().rx = partial.rx;
    if (partial.tx) fn->callbacks().tx = partial.tx;
    if (partial.state) fn->callbacks().state = partial.state;
    return;
  }
  Callbacks cb;
  if (fn) {
    cb = fn->callbacks();
  } else {
    // Another kind (a C API handle): what is not replaced goes on to it.
    // The state member always holds `base`, which may own the user object
    // the stream still points at; without either it answers OK, as a
    // missing state callback does.
    std::shared_ptr<Handlers> base = h;
    if (base->has_rx()) {
      cb.rx = [base](std::span<const std::uint8_t> buf, std::uint32_t flags) { return base->rx(buf, flags); };
    }
    if (base->has_tx()) {
      cb.tx = [base](std::uint32_t ordinal, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
        return base->tx(ordinal, buf, len, flags);
      };
    }
    cb.state = [base, replaced = partial.state](State state, std::uint32_t ack) {
      if (replaced) return replaced(state, ack);
      return base->has_state() ? base->state(state, ack) : Ret::kOk;
    };
  }
  if (partial.rx) cb.rx = partial.rx;
  if (partial.tx) cb.tx = partial.tx;
  if (partial.state && fn) cb.state = partial.state;
  h = std::make_shared<FunctionHandlers>(std::move(cb));
}

}  // namespace ss::stream
