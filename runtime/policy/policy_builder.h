// PolicyBuilder: a Policy written in code, for tests and simulated scenarios
// that do not read JSON (the JSON parser's own builder is builder.h).
//
//   auto base = policy::streamtype(policy::Protocol::kRaw, "echo.test", 7);
//   policy::PolicyBuilder b(base);
//   b.retry("r3", {1000, 2000, 4000}, 3, 20);        // retries[0]
//   b.add("echo", [](policy::Streamtype& st) { st.retry = 0; });
//   b.add("once");                                    // the base as it is
//   std::shared_ptr<const policy::Policy> p = b.build();
//
// Retries and streamtypes keep the order they were added in, as a parsed
// policy keeps the JSON's order (policy.h); the builder checks nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/policy/policy.h"

namespace ss::policy {

// A streamtype without a name: `protocol` to endpoint:port, the rest default.
inline Streamtype streamtype(Protocol protocol, std::string endpoint, std::uint16_t port) {
  Streamtype st;
  st.endpoint = std::move(endpoint);
  st.port = port;
  st.protocol = protocol;
  return st;
}

// The same, named.
inline Streamtype streamtype(std::string name, Protocol protocol, std::string endpoint,
                             std::uint16_t port) {
  Streamtype st = streamtype(protocol, std::move(endpoint), port);
  st.name = std::move(name);
  return st;
}

inline RetryPolicy retry_policy(std::string name, std::vector<std::uint32_t> backoff_ms,
                                std::uint16_t conceal, std::uint8_t jitter_percent = 0) {
  RetryPolicy r;
  r.name = std::move(name);
  r.backoff_ms = std::move(backoff_ms);
  r.conceal = conceal;
  r.jitter_percent = jitter_percent;
  return r;
}

class PolicyBuilder {
 public:
  // `base`: what add() starts every streamtype from.
  explicit PolicyBuilder(Streamtype base = {}) : base_(std::move(base)) {}

  // Appends a retry policy; its index is the number of retries before it.
  PolicyBuilder& retry(std::string name, std::vector<std::uint32_t> backoff_ms, std::uint16_t conceal,
                       std::uint8_t jitter_percent = 0) {
    policy_.retries.push_back(retry_policy(std::move(name), std::move(backoff_ms), conceal, jitter_percent));
    return *this;
  }

  // Appends a copy of the base named `name`, after `tweak` set what differs.
  PolicyBuilder& add(std::string name, const std::function<void(Streamtype&)>& tweak = {}) {
    Streamtype st = base_;
    st.name = std::move(name);
    if (tweak) tweak(st);
    policy_.streamtypes.push_back(std::move(st));
    return *this;
  }

  // The policy so far, for what has no helper (certs, trust stores, ...).
  Policy& policy() { return policy_; }

  std::shared_ptr<const Policy> build() const { return std::make_shared<const Policy>(policy_); }

 private:
  Streamtype base_;
  Policy policy_;
};

}  // namespace ss::policy
