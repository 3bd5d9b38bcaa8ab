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

// What ss-policy prints for a problem: FILE:LINE:COLUMN, the JSON path, and
// words of our own (no nlohmann internals, no documents users do not have).
std::vector<std::string> lines(const std::string& json) {
  std::vector<std::string> out;
  for (const Diagnostic& d : parse_policy(json).diagnostics) out.push_back(format_diagnostic(d, "p.json"));
  return out;
}

TEST(Diagnostics, LineAndColumnOfTheKey) {
  const auto out = lines("{\"s\":[\n  {\"x\":{\"prot\":\"h1\",\n   \"retry\":\"fast\"}}]}");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].rfind("p.json:2:9: warning: s[0].x.prot: unknown streamtype key \"prot\"", 0), 0u) << out[0];
  EXPECT_NE(out[0].find("docs/policy.md"), std::string::npos) << out[0];
  EXPECT_EQ(out[0].find("spec"), std::string::npos) << out[0];
  EXPECT_EQ(out[1].rfind("p.json:3:4: error: s[0].x.retry: undefined retry policy", 0), 0u) << out[1];
}

TEST(Diagnostics, ArrayItemsAndKeysWithDots) {
  // backoff[1] is the second array item; "a.b" is one retry name.
  const auto out = lines(R"({"retry":[{"a.b":{"backoff":[1, -5]}}],"s":[{"x":{"retry":"a.b"}}]})");
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0].rfind("p.json:1:33: error: retry[0].a.b.backoff[1]: ", 0), 0u) << out[0];
}

TEST(Diagnostics, SyntaxErrorHasLineColumnAndNoLibraryText) {
  for (const std::string& bad : {std::string("{\"s\":[\n }"), std::string("{\"s\":[]}\n\n  x"),
                                 std::string(""), std::string("{\"s\":\"\xff\"}")}) {
    const auto out = lines(bad);
    ASSERT_EQ(out.size(), 1u) << bad;
    EXPECT_EQ(out[0].find("json.exception"), std::string::npos) << out[0];
    EXPECT_EQ(out[0].find("parse_error"), std::string::npos) << out[0];
    EXPECT_NE(out[0].find("error: JSON syntax error at byte "), std::string::npos) << out[0];
  }
  EXPECT_EQ(lines("{\"s\":[\n }")[0],
            "p.json:2:2: error: JSON syntax error at byte 8: while parsing value - unexpected '}'; expected '[', "
            "'{', or a literal");
  EXPECT_EQ(lines("{\"s\":[]}\n\n  x")[0],
            "p.json:3:3: error: JSON syntax error at byte 12: while parsing value - invalid literal; expected end of "
            "input");
  // The raw bytes nlohmann quotes ("last read: '...'") stay out of the line.
  EXPECT_EQ(lines("{\"s\":\"\xff\"}")[0],
            "p.json:1:7: error: JSON syntax error at byte 6: while parsing value - invalid string: ill-formed UTF-8 "
            "byte");
}

TEST(Diagnostics, DocumentWideProblemHasNoLine) {
  const ParseOutput out = parse_policy(R"({"s":[{"x":{}},{"x":{}}]})");
  ASSERT_FALSE(out.diagnostics.empty());
  for (const Diagnostic& d : out.diagnostics) {
    if (d.path.empty()) EXPECT_EQ(d.line, 0u);
    else EXPECT_GT(d.line, 0u) << format_diagnostic(d);
  }
  EXPECT_EQ(format_diagnostic(Diagnostic{Diagnostic::Severity::kError, "", "m"}, "f"), "f: error: m");
}

}  // namespace
}  // namespace ss::policy
