// ss-policy explain: the schedule it prints comes from retry.h and ends the
// way the retry policy says (gives up after `conceal`, or never).
#include <gtest/gtest.h>

#include "runtime/policy/parse.h"
#include "tools/ss_policy_explain.h"

namespace ss::policy {
namespace {

std::string explain(const std::string& json, const std::string& st) {
  const ParseOutput out = parse_policy(json);
  EXPECT_TRUE(out.ok());
  if (!out.ok()) return "";
  return explain_streamtype(*out.policy, *out.policy->find_streamtype(st));
}

TEST(Explain, ScheduleWithJitterBoundsAndGiveUp) {
  const std::string text = explain(
      R"({"retry":[{"d":{"backoff":[1000,2000],"conceal":3,"jitterpc":10}}],)"
      R"("s":[{"x":{"endpoint":"e.example","port":443,"tls":true,"retry":"d","opportunistic":true}}]})",
      "x");
  EXPECT_NE(text.find("connects to e.example port 443, h1 over TLS"), std::string::npos) << text;
  EXPECT_NE(text.find("failure 1: hidden from the app, retry after 1000..1099 ms"), std::string::npos) << text;
  EXPECT_NE(text.find("failure 2: hidden from the app, retry after 2000..2199 ms"), std::string::npos) << text;
  EXPECT_NE(text.find("failures 3..3: hidden, retry after 2000..2199 ms each"), std::string::npos) << text;
  EXPECT_NE(text.find("failure 4: ALL_RETRIES_FAILED"), std::string::npos) << text;
  EXPECT_NE(text.find("5000..5497 ms"), std::string::npos) << text;
}

TEST(Explain, ForeverAndNoRetry) {
  const std::string forever = explain(
      R"({"retry":[{"f":{"backoff":[500],"conceal":65535}}],"s":[{"x":{"retry":"f","nailed_up":true}}]})", "x");
  EXPECT_NE(forever.find("never gives up"), std::string::npos) << forever;
  EXPECT_NE(forever.find("500..649 ms"), std::string::npos) << forever;  // jitterpc 0 = 30 %
  EXPECT_EQ(forever.find("ALL_RETRIES_FAILED is reported"), std::string::npos) << forever;
  const std::string none = explain(R"({"s":[{"x":{}}]})", "x");
  EXPECT_NE(none.find("first failed connection attempt reports ALL_RETRIES_FAILED"), std::string::npos) << none;
}

}  // namespace
}  // namespace ss::policy
