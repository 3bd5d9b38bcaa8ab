#include "runtime/proto/http/cookie_jar.h"

#include <gtest/gtest.h>

#include <string>

namespace ss::proto::http {
namespace {

using R = CookieJar::StoreResult;
constexpr std::int64_t kNow = 1'700'000'000;

TEST(CookieJar, NameValueAndEmptyJar) {
  CookieJar jar;
  EXPECT_EQ(jar.header_for("a.com", "/", false, kNow), "");
  EXPECT_EQ(jar.store("a.com", "/", false, " sid = 42 ", kNow), R::kStored);
  EXPECT_EQ(jar.store("a.com", "/", false, "empty=", kNow), R::kStored);
  EXPECT_EQ(jar.header_for("a.com", "/", false, kNow), "sid=42; empty=");
}

TEST(CookieJar, SyntaxErrorsAreIgnored) {
  CookieJar jar;
  EXPECT_EQ(jar.store("a.com", "/", false, "novalue", kNow), R::kIgnoredSyntax);
  EXPECT_EQ(jar.store("a.com", "/", false, "=v", kNow), R::kIgnoredSyntax);
  EXPECT_EQ(jar.store("a.com", "/", false, ";a=b", kNow), R::kIgnoredSyntax);
  EXPECT_EQ(jar.store("a.com", "/", false, "a=b\r\nX-Evil: 1", kNow), R::kIgnoredSyntax);
  EXPECT_EQ(jar.store("a.com", "/", false, std::string("a=b\0c", 5), kNow), R::kIgnoredSyntax);
  EXPECT_EQ(jar.size(), 0u);
}

TEST(CookieJar, TooLongIsIgnored) {
  CookieJar jar;
  std::string v = "n=" + std::string(CookieJar::kMaxSetCookieBytes - 2, 'x');
  EXPECT_EQ(jar.store("a.com", "/", false, v, kNow), R::kStored);
  EXPECT_EQ(jar.store("a.com", "/", false, v + "x", kNow), R::kIgnoredTooLong);
  EXPECT_EQ(jar.size(), 1u);
}

TEST(CookieJar, HostOnlyVersusDomain) {
  CookieJar jar;
  jar.store("www.a.com", "/", false, "host=1", kNow);
  jar.store("www.a.com", "/", false, "dom=1; Domain=a.com", kNow);
  EXPECT_EQ(jar.header_for("www.a.com", "/", false, kNow), "host=1; dom=1");
  EXPECT_EQ(jar.header_for("WWW.A.COM", "/", false, kNow), "host=1; dom=1");
  EXPECT_EQ(jar.header_for("a.com", "/", false, kNow), "dom=1");
  EXPECT_EQ(jar.header_for("x.www.a.com", "/", false, kNow), "dom=1");
  EXPECT_EQ(jar.header_for("bada.com", "/", false, kNow), "");
  EXPECT_EQ(jar.header_for("b.com", "/", false, kNow), "");
}

TEST(CookieJar, DomainLeadingDotAndCaseIgnored) {
  CookieJar jar;
  EXPECT_EQ(jar.store("www.a.com", "/", false, "d=1; Domain=.A.Com", kNow), R::kStored);
  EXPECT_EQ(jar.header_for("other.a.com", "/", false, kNow), "d=1");
}

TEST(CookieJar, DomainMustDomainMatchTheRequestHost) {
  CookieJar jar;
  EXPECT_EQ(jar.store("www.a.com", "/", false, "d=1; Domain=b.com", kNow), R::kIgnoredDomain);
  EXPECT_EQ(jar.store("www.a.com", "/", false, "d=1; Domain=x.www.a.com", kNow), R::kIgnoredDomain);
  EXPECT_EQ(jar.store("a.com", "/", false, "d=1; Domain=ba.com", kNow), R::kIgnoredDomain);
  EXPECT_EQ(jar.store("1.2.3.4", "/", false, "d=1; Domain=2.3.4", kNow), R::kIgnoredDomain);
  EXPECT_EQ(jar.store("1.2.3.4", "/", false, "d=1; Domain=1.2.3.4", kNow), R::kStored);
  EXPECT_EQ(jar.size(), 1u);
  // An empty Domain attribute is ignored: host-only.
  EXPECT_EQ(jar.store("c.com", "/", false, "e=1; Domain=", kNow), R::kStored);
  EXPECT_EQ(jar.header_for("x.c.com", "/", false, kNow), "");
  EXPECT_EQ(jar.header_for("c.com", "/", false, kNow), "e=1");
}

TEST(CookieJar, DomainAndPathMatchHelpers) {
  EXPECT_TRUE(domain_match("a.com", "a.com"));
  EXPECT_TRUE(domain_match("x.a.com", "a.com"));
  EXPECT_FALSE(domain_match("xa.com", "a.com"));
  EXPECT_FALSE(domain_match("a.com", "x.a.com"));
  EXPECT_FALSE(domain_match("::1", ":1"));
  EXPECT_EQ(default_path(""), "/");
  EXPECT_EQ(default_path("x"), "/");
  EXPECT_EQ(default_path("/"), "/");
  EXPECT_EQ(default_path("/a"), "/");
  EXPECT_EQ(default_path("/a/b"), "/a");
  EXPECT_EQ(default_path("/a/b/"), "/a/b");
  EXPECT_EQ(default_path("/a/b?x=/c/d"), "/a");
  EXPECT_TRUE(path_match("/a", "/a"));
  EXPECT_TRUE(path_match("/a/b", "/a"));
  EXPECT_TRUE(path_match("/a/b", "/a/"));
  EXPECT_TRUE(path_match("/a?q", "/a"));
  EXPECT_FALSE(path_match("/ab", "/a"));
  EXPECT_FALSE(path_match("/", "/a"));
  EXPECT_TRUE(path_match("", "/"));
}

TEST(CookieJar, PathAttributeAndDefaultPath) {
  CookieJar jar;
  jar.store("a.com", "/docs/page", false, "def=1", kNow);          // path /docs
  jar.store("a.com", "/docs/page", false, "root=1; Path=/", kNow);
  jar.store("a.com", "/", false, "bad=1; Path=relative", kNow);    // default: /
  EXPECT_EQ(jar.header_for("a.com", "/docs", false, kNow), "def=1; root=1; bad=1");
  EXPECT_EQ(jar.header_for("a.com", "/docs/x/y", false, kNow), "def=1; root=1; bad=1");
  EXPECT_EQ(jar.header_for("a.com", "/docsx", false, kNow), "root=1; bad=1");
  EXPECT_EQ(jar.header_for("a.com", "/", false, kNow), "root=1; bad=1");
}

TEST(CookieJar, SecureOnlyOverTlsAndNotFromPlainOrigin) {
  CookieJar jar;
  EXPECT_EQ(jar.store("a.com", "/", false, "s=1; Secure", kNow), R::kIgnoredInsecure);
  EXPECT_EQ(jar.store("a.com", "/", true, "s=1; Secure", kNow), R::kStored);
  jar.store("a.com", "/", true, "p=1", kNow);
  EXPECT_EQ(jar.header_for("a.com", "/", false, kNow), "p=1");
  EXPECT_EQ(jar.header_for("a.com", "/", true, kNow), "s=1; p=1");
}

TEST(CookieJar, PlainOriginCannotOverwriteOrShadowASecureCookie) {
  CookieJar jar;
  jar.store("a.com", "/", true, "s=secret; Secure; Domain=a.com", kNow);
  EXPECT_EQ(jar.store("a.com", "/", false, "s=evil", kNow), R::kIgnoredInsecure);
  EXPECT_EQ(jar.store("www.a.com", "/", false, "s=evil; Path=/x", kNow), R::kIgnoredInsecure);
  EXPECT_EQ(jar.store("a.com", "/", false, "s=gone; Max-Age=0", kNow), R::kIgnoredInsecure);
  EXPECT_EQ(jar.store("a.com", "/", false, "other=1", kNow), R::kStored);
  EXPECT_EQ(jar.header_for("a.com", "/x", true, kNow), "s=secret; other=1");
  // A secure origin may replace it.
  EXPECT_EQ(jar.store("a.com", "/", true, "s=new; Secure; Domain=a.com", kNow), R::kReplaced);
}

TEST(CookieJar, HttpOnlyAndUnknownAttributesAccepted) {
  CookieJar jar;
  EXPECT_EQ(jar.store("a.com", "/", false, "h=1; HttpOnly; SameSite=Lax; Foo", kNow), R::kStored);
  EXPECT_EQ(jar.header_for("a.com", "/", false, kNow), "h=1");
}

TEST(CookieJar, MaxAgeRelativeToNow) {
  CookieJar jar;
  jar.store("a.com", "/", false, "m=1; Max-Age=10", kNow);
  EXPECT_EQ(jar.header_for("a.com", "/", false, kNow + 9), "m=1");
  EXPECT_EQ(jar.header_for("a.com", "/", false, kNow + 10), "");
  jar.store("a.com", "/", false, "big=1; Max-Age=999999999999999999999999", kNow);
  EXPECT_EQ(jar.header_for("a.com", "/", false, kNow + 100'000'000), "big=1");
  // Invalid Max-Age values are ignored (session cookie).
  jar.store("a.com", "/", false, "inv=1; Max-Age=1x", kNow);
  jar.store("a.com", "/", false, "inv2=1; Max-Age=", kNow);
  EXPECT_EQ(jar.header_for("a.com", "/", false, kNow + 100'000'000), "big=1; inv=1; inv2=1");
}

TEST(CookieJar, MaxAgeZeroOrNegativeDeletes) {
  CookieJar jar;
  jar.store("a.com", "/", false, "a=1", kNow);
  jar.store("a.com", "/", false, "b=1", kNow);
  EXPECT_EQ(jar.store("a.com", "/", false, "a=gone; Max-Age=0", kNow), R::kDeleted);
  EXPECT_EQ(jar.store("a.com", "/", false, "b=gone; Max-Age=-5", kNow), R::kDeleted);
  EXPECT_EQ(jar.size(), 0u);
  // A deletion must hit the same (name, domain, path).
  jar.store("a.com", "/", false, "c=1; Path=/x", kNow);
  jar.store("a.com", "/", false, "c=1; Max-Age=0", kNow);
  EXPECT_EQ(jar.size(), 1u);
}

TEST(CookieJar, ExpiresAndMaxAgeWins) {
  CookieJar jar;
  const std::int64_t t1994 = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
  jar.store("a.com", "/", false, "e=1; Expires=Sun, 06 Nov 1994 08:49:37 GMT", t1994 - 5);
  EXPECT_EQ(jar.header_for("a.com", "/", false, t1994 - 1), "e=1");
  EXPECT_EQ(jar.header_for("a.com", "/", false, t1994), "");
  // Expires in the past deletes.
  EXPECT_EQ(jar.store("a.com", "/", false, "e=1; Expires=Sun, 06 Nov 1994 08:49:37 GMT", t1994), R::kDeleted);
  // Max-Age wins over Expires, in either order.
  jar.store("a.com", "/", false, "m=1; Max-Age=100; Expires=Sun, 06 Nov 1994 08:49:37 GMT", t1994);
  jar.store("a.com", "/", false, "n=1; Expires=Sun, 06 Nov 1994 08:49:38 GMT; Max-Age=0", t1994);
  EXPECT_EQ(jar.header_for("a.com", "/", false, t1994 + 50), "m=1");
  // The Netscape/PHP form that deletes a cookie.
  jar.store("a.com", "/", false, "p=1", t1994);
  EXPECT_EQ(jar.store("a.com", "/", false, "p=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT", t1994), R::kDeleted);
  // An unparsable Expires is ignored: session cookie.
  jar.store("a.com", "/", false, "s=1; Expires=tomorrow", t1994);
  EXPECT_EQ(jar.header_for("a.com", "/", false, t1994 + 1'000'000), "s=1");
}

TEST(CookieJar, ReplaceKeepsCreationOrder) {
  CookieJar jar;
  jar.store("a.com", "/", false, "first=1", kNow);
  jar.store("a.com", "/", false, "second=1", kNow);
  EXPECT_EQ(jar.store("a.com", "/", false, "first=2", kNow), R::kReplaced);
  EXPECT_EQ(jar.header_for("a.com", "/", false, kNow), "first=2; second=1");
  EXPECT_EQ(jar.size(), 2u);
  // Different path: a distinct cookie.
  EXPECT_EQ(jar.store("a.com", "/", false, "first=3; Path=/p", kNow), R::kStored);
  EXPECT_EQ(jar.size(), 3u);
}

TEST(CookieJar, OrderLongerPathsFirstThenCreation) {
  CookieJar jar;
  jar.store("a.com", "/", false, "r1=1; Path=/", kNow);
  jar.store("a.com", "/", false, "deep=1; Path=/a/b", kNow);
  jar.store("a.com", "/", false, "mid=1; Path=/a", kNow);
  jar.store("a.com", "/", false, "r2=1; Path=/", kNow);
  jar.store("a.com", "/", false, "deep2=1; Path=/a/b", kNow);
  EXPECT_EQ(jar.header_for("a.com", "/a/b/c", false, kNow), "deep=1; deep2=1; mid=1; r1=1; r2=1");
}

TEST(CookieJar, LimitEvictsExpiredFirstThenOldest) {
  CookieJar jar;
  for (std::size_t i = 0; i < CookieJar::kMaxCookies; ++i)
    jar.store("a.com", "/", false, "c" + std::to_string(i) + "=1" + (i == 7 ? "; Max-Age=5" : ""), kNow);
  EXPECT_EQ(jar.size(), CookieJar::kMaxCookies);
  // At kNow + 5 c7 is expired: it goes, c0 stays.
  jar.store("a.com", "/", false, "new1=1", kNow + 5);
  EXPECT_EQ(jar.size(), CookieJar::kMaxCookies);
  std::string h = jar.header_for("a.com", "/", false, kNow + 5);
  EXPECT_EQ(h.rfind("c0=1; c1=1;", 0), 0u) << h;
  EXPECT_EQ(h.find("c7="), std::string::npos);
  // Nothing expired: the oldest (c0) goes.
  jar.store("a.com", "/", false, "new2=1", kNow + 5);
  h = jar.header_for("a.com", "/", false, kNow + 5);
  EXPECT_EQ(h.rfind("c1=1;", 0), 0u) << h;
  EXPECT_NE(h.find("new1=1; new2=1"), std::string::npos);
  EXPECT_EQ(jar.size(), CookieJar::kMaxCookies);
}

}  // namespace
}  // namespace ss::proto::http
