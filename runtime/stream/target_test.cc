// target.h: endpoint URLs, redirect rules, the pool key and idempotent
// methods, without a stream around them.
#include "runtime/stream/target.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ss::stream {
namespace {

policy::Streamtype streamtype(std::string endpoint, std::uint16_t port = 443, bool tls = true) {
  policy::Streamtype st;
  st.name = "t";
  st.endpoint = std::move(endpoint);
  st.port = port;
  st.tls = tls;
  return st;
}

TEST(ParseUrl, SchemeHostPortPath) {
  auto u = parse_url("https://api.example.com:8443/v1/x");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "api.example.com");
  ASSERT_TRUE(u->port.has_value());
  EXPECT_EQ(*u->port, 8443);
  EXPECT_EQ(u->path, "/v1/x");
}

TEST(ParseUrl, BracketedIpv6AndNoPort) {
  auto u = parse_url("http://[::1]:81/");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->host, "[::1]");
  EXPECT_EQ(u->port.value_or(0), 81);
  auto v = parse_url("wss://h");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->host, "h");
  EXPECT_FALSE(v->port.has_value());
  EXPECT_EQ(v->path, "");
}

TEST(ParseUrl, RejectsBadPortsAndNonUrls) {
  EXPECT_FALSE(parse_url("api.example.com").has_value());
  EXPECT_FALSE(parse_url("http://h:").has_value());
  EXPECT_FALSE(parse_url("http://h:65536/").has_value());
  EXPECT_FALSE(parse_url("http://h:8x/").has_value());
  EXPECT_FALSE(parse_url("http://[::1/").has_value());
  EXPECT_FALSE(parse_url("http://[::1]x/").has_value());
}

TEST(PolicyTarget, PlainHostUsesThePolicysPortAndTls) {
  const auto st = streamtype("api.example.com", 8443, true);
  Metadata md(st);
  auto t = policy_target(st, md);
  ASSERT_TRUE(t.ok()) << t.error().message();
  EXPECT_EQ(t->ep.host, "api.example.com");
  EXPECT_EQ(t->ep.port, 8443);
  EXPECT_TRUE(t->tls);
  EXPECT_EQ(t->url_path, "");
}

TEST(PolicyTarget, UrlSchemeDecidesTlsAndOverridesPortAndPath) {
  const auto st = streamtype("http://h.example:8080/p", 443, true);
  Metadata md(st);
  auto t = policy_target(st, md);
  ASSERT_TRUE(t.ok()) << t.error().message();
  EXPECT_FALSE(t->tls);
  EXPECT_EQ(t->ep.port, 8080);
  EXPECT_EQ(t->url_path, "/p");
  const auto st2 = streamtype("wss://h.example", 80, false);
  Metadata md2(st2);
  auto t2 = policy_target(st2, md2);
  ASSERT_TRUE(t2.ok());
  EXPECT_TRUE(t2->tls);
  EXPECT_EQ(t2->ep.port, 80);
}

TEST(PolicyTarget, BadEndpointNamesIt) {
  const auto st = streamtype("${nope}");
  Metadata md(st);
  auto t = policy_target(st, md);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message().find("endpoint"), std::string::npos) << t.error().message();
}

Target origin(bool tls) {
  Target t;
  t.ep = Endpoint::tcp("a.example", tls ? 443 : 80);
  t.tls = tls;
  t.url_path = "/start";
  return t;
}

TEST(RedirectTarget, RelativePathStaysOnTheOrigin) {
  auto t = redirect_target(origin(true), "/next?q=1", 0);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(same_origin(*t, origin(true)));
  EXPECT_EQ(t->url_path, "/next?q=1");
}

TEST(RedirectTarget, AbsoluteUrlMovesAndDefaultsPortAndPath) {
  auto t = redirect_target(origin(false), "https://b.example", 1);
  ASSERT_TRUE(t.ok()) << t.error().message();
  EXPECT_TRUE(t->tls);
  EXPECT_EQ(t->ep.host, "b.example");
  EXPECT_EQ(t->ep.port, 443);
  EXPECT_EQ(t->url_path, "/");
  EXPECT_FALSE(same_origin(*t, origin(false)));
}

TEST(RedirectTarget, Refusals) {
  EXPECT_FALSE(redirect_target(origin(true), "http://b.example/", 0).ok());  // leaves TLS
  EXPECT_FALSE(redirect_target(origin(false), "ftp://b.example/", 0).ok());
  EXPECT_FALSE(redirect_target(origin(false), "//b.example/x", 0).ok());   // scheme-relative
  EXPECT_FALSE(redirect_target(origin(false), "nowhere", 0).ok());
  auto too_many = redirect_target(origin(false), "/x", kMaxRedirects);
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.error().message().find("redirects"), std::string::npos);
  EXPECT_TRUE(redirect_target(origin(false), "/x", kMaxRedirects - 1).ok());
}

TEST(PoolKey, TlsPartsOnlyWithTls) {
  auto st = streamtype("h");
  const std::vector<std::string> alpn = {"h2", "http/1.1"};
  Target plain = origin(false);
  Target tls = origin(true);
  EXPECT_EQ(pool_key(plain, st, alpn).find("|tls|"), std::string::npos);
  const std::string k = pool_key(tls, st, alpn);
  EXPECT_NE(k.find("|tls|a.example|tssystem|cc0|h2|http/1.1"), std::string::npos) << k;
  st.trust_store = 2;
  EXPECT_NE(pool_key(tls, st, alpn), k);
  EXPECT_NE(pool_key(tls, streamtype("h"), std::vector<std::string>{"h2"}), k);
}

TEST(IdempotentMethod, SafeAndIdempotentOnly) {
  EXPECT_TRUE(idempotent_method(""));
  EXPECT_TRUE(idempotent_method("GET"));
  EXPECT_TRUE(idempotent_method("PUT"));
  EXPECT_TRUE(idempotent_method("DELETE"));
  EXPECT_FALSE(idempotent_method("POST"));
  EXPECT_FALSE(idempotent_method("PATCH"));
}

}  // namespace
}  // namespace ss::stream
