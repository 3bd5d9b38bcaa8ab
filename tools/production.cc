#include "tools/production.h"

#include <sys/random.h>

#include "runtime/bind/tls/tls_transport.h"
#include "runtime/include/ss/builtin_bindings.h"

namespace ss::tools {

void register_builtin_protocols(stream::Context& ctx) {
  stream::register_builtin_bindings(ctx);
  ctx.set_tls_transport(stream::make_tls_transport());
  ctx.set_tls_accept(stream::make_tls_accept());  // TLS server streamtypes
}

Result<std::unique_ptr<ProductionRuntime>> ProductionRuntime::create(
    std::string_view policy, stream::Hooks hooks, std::vector<std::string>* diagnostics) {
  auto parsed = policy::load_policy_text_or_file(policy);
  if (parsed.unreadable) return make_error(ErrorCode::kIo, parsed.diagnostics.front().message);
  const std::string source = !policy.empty() && policy.front() == '{' ? "<policy text>" : std::string(policy);
  for (const auto& d : parsed.diagnostics) diagnostics->push_back(policy::format_diagnostic(d, source));
  if (!parsed.ok())
    return make_error(ErrorCode::kParse, "the policy has " + std::to_string(parsed.error_count()) +
                                             " error(s)");
  std::unique_ptr<ProductionRuntime> rt(new ProductionRuntime());
  // Production is not replayed: the context's generator (retry jitter, ws
  // masks) is seeded from the kernel.
  std::uint64_t seed = 0;
  if (getrandom(&seed, sizeof seed, 0) != static_cast<ssize_t>(sizeof seed)) seed = 0x5eed;
  stream::Context::Config config;
  config.loop = &rt->loop_;
  config.net = &rt->net_;
  config.tls = rt->tls_.get();
  config.seed = seed;
  config.policy = parsed.policy;
  config.hooks = std::move(hooks);
  rt->context_ = std::make_unique<stream::Context>(std::move(config));
  register_builtin_protocols(*rt->context_);
  return rt;
}

}  // namespace ss::tools
