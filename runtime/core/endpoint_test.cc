#include "runtime/core/endpoint.h"

#include <gtest/gtest.h>

namespace ss {
namespace {

TEST(Endpoint, ParsesTcpHostWithPolicyPort) {
  auto e = parse_endpoint("example.com", 443);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->kind, Endpoint::Kind::kTcp);
  EXPECT_EQ(e->host, "example.com");
  EXPECT_EQ(e->port, 443);
  EXPECT_EQ(to_string(*e), "example.com:443");
}

TEST(Endpoint, ParsesUnixPathAndAbstract) {
  auto p = parse_endpoint("+/run/ss.sock", 0);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, Endpoint::Kind::kUnixPath);
  EXPECT_EQ(p->path, "/run/ss.sock");
  EXPECT_EQ(to_string(*p), "+/run/ss.sock");

  auto a = parse_endpoint("+@proxy.ss.lws", 0);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->kind, Endpoint::Kind::kUnixAbstract);
  EXPECT_EQ(a->path, "proxy.ss.lws");
  EXPECT_EQ(to_string(*a), "+@proxy.ss.lws");
}

TEST(Endpoint, StripsIpv6BracketsAndPrintsThemBack) {
  auto e = parse_endpoint("[::1]", 7681);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(to_string(*e), "[::1]:7681");
}

TEST(Endpoint, RejectsMalformedWithAReason) {
  EXPECT_FALSE(parse_endpoint("", 1).ok());
  EXPECT_NE(parse_endpoint("+@", 1).error().message().find("name"), std::string::npos);
  EXPECT_NE(parse_endpoint("+", 1).error().message().find("path"), std::string::npos);
  EXPECT_NE(parse_endpoint("[::1", 1).error().message().find("]"), std::string::npos);
  EXPECT_EQ(parse_endpoint(std::string("+") + std::string(200, 'x'), 1).error().code(),
            ErrorCode::kLimit);
}

}  // namespace
}  // namespace ss
