#include "runtime/proto/http/http_date.h"

#include <gtest/gtest.h>

namespace ss::proto::http {
namespace {

constexpr std::int64_t k1994 = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT

TEST(HttpDate, ThreeRfcExamples) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), k1994);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), k1994);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), k1994);
  EXPECT_EQ(parse_http_date("  Sun, 06 Nov 1994 08:49:37 GMT\t"), k1994);
}

TEST(HttpDate, EpochAndCivilDays) {
  EXPECT_EQ(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(parse_http_date("Wed, 31 Dec 1969 23:59:59 GMT"), -1);
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(0, 3, 1), -719468);
}

TEST(HttpDate, LeapYears) {
  EXPECT_EQ(parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT"), 951782400);  // /400: leap
  EXPECT_EQ(parse_http_date("Thu, 29 Feb 2024 12:00:00 GMT"), 1709208000);
  EXPECT_EQ(parse_http_date("Mon, 29 Feb 1900 00:00:00 GMT"), std::nullopt);  // /100: not leap
  EXPECT_EQ(parse_http_date("Fri, 29 Feb 2023 00:00:00 GMT"), std::nullopt);
  EXPECT_EQ(parse_http_date("Sun, 31 Dec 2000 00:00:00 GMT"), 978220800);
}

TEST(HttpDate, After2038) {
  EXPECT_EQ(parse_http_date("Tue, 19 Jan 2038 03:14:08 GMT"), std::int64_t{1} << 31);
  EXPECT_EQ(parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT"), 253402300799);
  EXPECT_EQ(parse_http_date("Wednesday, 01-Jan-70 00:00:00 GMT"), 0);
  EXPECT_EQ(parse_http_date("Thursday, 01-Jan-69 00:00:00 GMT"), 3124224000);  // pivot: 2069
}

TEST(HttpDate, LeapSecondCountsAsNext) {
  EXPECT_EQ(parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT"), parse_http_date("Sun, 01 Jan 2017 00:00:00 GMT"));
}

TEST(HttpDate, Garbage) {
  for (const char* bad : {
           "", "   ", "garbage", "Sun, 06 Nov 1994 08:49:37",      // no GMT
           "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT",
           "Sun, 06 Nov 94 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
           "Sun, 32 Jan 1994 08:49:37 GMT", "Sun, 00 Jan 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
           "Sun, 06 Nov 1994 23:60:00 GMT", "Sun, 06 Nov 1994 23:59:61 GMT", "Sun, 06 Nov 1994 08:49:37 GMTx",
           "Sun, 06 Foo 1994 08:49:37 GMT", "Sun,  06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 8:49:37 GMT",
           "Sunday, 06-Nov-1994 08:49:37 GMT", "Sun, 06-Nov-94 08:49:37 GMT", "Sunny, 06-Nov-94 08:49:37 GMT",
           "Sun Nov 6 08:49:37 1994", "Sun Nov  6 08:49:37 94", "Sun Nov 06 08:49:37 1994 GMT",
           "Sun, 06 Nov -994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT\r\n",
       }) {
    EXPECT_EQ(parse_http_date(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(parse_http_date("Sun Nov 06 08:49:37 1994"), k1994);  // asctime with 2 digits is valid
  std::string nul("Sun, 06 Nov 1994 08:49:37 GMT\0", 30);
  EXPECT_EQ(parse_http_date(nul), std::nullopt);
}

TEST(CookieDate, AcceptsWhatServersSend) {
  EXPECT_EQ(parse_cookie_date("Sun, 06 Nov 1994 08:49:37 GMT"), k1994);
  EXPECT_EQ(parse_cookie_date("Sunday, 06-Nov-94 08:49:37 GMT"), k1994);
  EXPECT_EQ(parse_cookie_date("Sun Nov  6 08:49:37 1994"), k1994);
  EXPECT_EQ(parse_cookie_date("Sun, 06-Nov-1994 08:49:37 GMT"), k1994);  // Netscape / PHP style
  EXPECT_EQ(parse_cookie_date("06 nov 1994 8:49:37"), k1994);
  EXPECT_EQ(parse_cookie_date("Thu, 01-Jan-1970 00:00:01 GMT"), 1);
  EXPECT_EQ(parse_cookie_date("1 January 2030 0:0:0"), 1893456000);
  EXPECT_EQ(parse_cookie_date("Fri, 01 Jan 2049 00:00:00 GMT"), parse_http_date("Fri, 01 Jan 2049 00:00:00 GMT"));
}

TEST(CookieDate, Rejects) {
  for (const char* bad : {"", "garbage", "Sun, 06 Nov 1994", "06 Nov 08:49:37", "Nov 1994 08:49:37",
                          "31 Feb 2020 00:00:00", "06 Nov 1600 08:49:37", "06 Nov 1994 24:00:00",
                          "06 Nov 1994 23:59:60", "006 Nov 1994 08:49:37", "06 Nov 19945 08:49:37"}) {
    EXPECT_EQ(parse_cookie_date(bad), std::nullopt) << bad;
  }
}

TEST(RetryAfter, DeltaSeconds) {
  EXPECT_EQ(retry_after_ms("0", std::nullopt), 0u);
  EXPECT_EQ(retry_after_ms("120", std::nullopt), 120000u);
  EXPECT_EQ(retry_after_ms("  5", std::nullopt), 5000u);
  EXPECT_EQ(retry_after_ms("5\t ", std::nullopt), 5000u);
  EXPECT_EQ(retry_after_ms("86400", std::nullopt), kRetryAfterCapMs);
  EXPECT_EQ(retry_after_ms("86401", std::nullopt), kRetryAfterCapMs);
  EXPECT_EQ(retry_after_ms("99999999999999999999999999999999", std::nullopt), kRetryAfterCapMs);
  EXPECT_EQ(retry_after_ms("-1", std::nullopt), std::nullopt);
  EXPECT_EQ(retry_after_ms("+1", std::nullopt), std::nullopt);
  EXPECT_EQ(retry_after_ms("1.5", std::nullopt), std::nullopt);
  EXPECT_EQ(retry_after_ms("12 3", std::nullopt), std::nullopt);
  EXPECT_EQ(retry_after_ms("", std::nullopt), std::nullopt);
  EXPECT_EQ(retry_after_ms("soon", "Sun, 06 Nov 1994 08:49:37 GMT"), std::nullopt);
}

TEST(RetryAfter, HttpDateRelativeToTheResponseDate) {
  const char* date = "Sun, 06 Nov 1994 08:49:37 GMT";
  EXPECT_EQ(retry_after_ms("Sun, 06 Nov 1994 08:51:37 GMT", date), 120000u);
  EXPECT_EQ(retry_after_ms("Sunday, 06-Nov-94 08:49:47 GMT", date), 10000u);
  EXPECT_EQ(retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", date), 0u);
  EXPECT_EQ(retry_after_ms("Sun, 06 Nov 1994 08:00:00 GMT", date), 0u);  // in the past: clamp 0
  EXPECT_EQ(retry_after_ms("Fri, 31 Dec 9999 23:59:59 GMT", date), kRetryAfterCapMs);
  EXPECT_EQ(retry_after_ms("Sun, 06 Nov 1994 08:51:37 GMT", std::nullopt), std::nullopt);
  EXPECT_EQ(retry_after_ms("Sun, 06 Nov 1994 08:51:37 GMT", "yesterday"), std::nullopt);
}

}  // namespace
}  // namespace ss::proto::http
