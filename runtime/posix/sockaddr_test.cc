#include "runtime/posix/sockaddr.h"

#include <cerrno>
#include <string>

#include "gtest/gtest.h"

namespace ss::posix {
namespace {

TEST(SockAddr, IpLiteralsRoundTrip) {
  for (const char* ip : {"127.0.0.1", "::1", "fd00::2", "0.0.0.0"}) {
    auto sa = ip_sockaddr(ip, 4433);
    ASSERT_TRUE(sa.ok()) << ip;
    EXPECT_EQ(to_endpoint(*sa), Endpoint::tcp(ip, 4433));
  }
  EXPECT_FALSE(ip_sockaddr("example.com", 1).ok());
  EXPECT_FALSE(ip_sockaddr("[::1]", 1).ok()) << "brackets are stripped by parse_endpoint, not here";
  EXPECT_TRUE(is_ip_literal("::ffff:1.2.3.4"));
  EXPECT_FALSE(is_ip_literal("1.2.3"));
}

TEST(SockAddr, UnixPathAndAbstract) {
  auto p = unix_sockaddr(Endpoint::unix_path("/tmp/x.sock"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(to_endpoint(*p), Endpoint::unix_path("/tmp/x.sock"));
  auto a = unix_sockaddr(Endpoint::unix_abstract("name"));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(to_endpoint(*a), Endpoint::unix_abstract("name"));
  auto too_long = unix_sockaddr(Endpoint::unix_path(std::string(200, 'a')));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(unix_sockaddr(Endpoint::unix_path("")).ok());
  EXPECT_FALSE(unix_sockaddr(Endpoint::tcp("1.2.3.4", 1)).ok());
}

TEST(SockAddr, ErrnoMapping) {
  EXPECT_EQ(end_reason_for_errno(ECONNREFUSED), EndReason::kRefused);
  EXPECT_EQ(end_reason_for_errno(ENOENT), EndReason::kRefused);
  EXPECT_EQ(end_reason_for_errno(ECONNRESET), EndReason::kReset);
  EXPECT_EQ(end_reason_for_errno(EPIPE), EndReason::kReset);
  EXPECT_EQ(end_reason_for_errno(ETIMEDOUT), EndReason::kTimedOut);
  EXPECT_EQ(end_reason_for_errno(ENETUNREACH), EndReason::kUnreachable);
  EXPECT_EQ(end_reason_for_errno(EHOSTUNREACH), EndReason::kUnreachable);
}

}  // namespace
}  // namespace ss::posix
