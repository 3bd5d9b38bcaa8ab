// EngineOnward: the proxy's onward streams, run by the real stream engine.
//
// Implements OnwardFactory over an ss::stream::Context: each client link's
// STREAMTYPE becomes a stream created with LWSSSINFLAGS_PROXIED from the
// proxy's own policy, and everything the stream does (states, rx, response
// metadata) goes back to the link. The policy of the proxy decides what a
// client may do: an unknown streamtype or an undeclared metadata name is
// refused (and the link closed, by ProxyServer).
#pragma once

#include "runtime/proxy/onward.h"
#include "runtime/stream/context.h"

namespace ss::proxy {

class EngineOnwardFactory final : public OnwardFactory {
 public:
  explicit EngineOnwardFactory(stream::Context& ctx) : ctx_(ctx) {}
  Result<OnwardCreated> create(const CreateOnward& request, OnwardEvents* events) override;

 private:
  stream::Context& ctx_;
};

}  // namespace ss::proxy
