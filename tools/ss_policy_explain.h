// `ss-policy explain`: a streamtype in plain words — where it connects, when,
// how it retries (the real delay schedule from retry.h, with jitter bounds)
// and when it gives up.
#pragma once

#include <string>

#include "runtime/policy/policy.h"

namespace ss::policy {

std::string explain_streamtype(const Policy& policy, const Streamtype& st);

// Only the retry part (also used for streamtypes without a retry policy).
std::string explain_retry(const RetryPolicy* retry);

}  // namespace ss::policy
