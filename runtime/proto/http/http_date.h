// HTTP-date parsing (RFC 9110 §5.6.7) and the Retry-After header
// (RFC 9110 §10.2.3), as pure arithmetic on strings.
//
// Contract:
//  - parse_http_date accepts the three forms a recipient must accept:
//      IMF-fixdate  "Sun, 06 Nov 1994 08:49:37 GMT"
//      RFC 850      "Sunday, 06-Nov-94 08:49:37 GMT"
//      asctime      "Sun Nov  6 08:49:37 1994"
//    with optional surrounding spaces/tabs, and returns seconds since the
//    Unix epoch (negative before 1970). Anything else, including an invalid
//    calendar date (Feb 30, hour 24) or a wrong day name, gives nullopt.
//    The day name must be a valid name but is not checked against the date
//    (RFC 9110 lets recipients ignore it). Second 60 (leap second) is
//    accepted and counts as the next second.
//  - RFC 850 two-digit years: 70..99 mean 1970..1999, 00..69 mean
//    2000..2069. RFC 9110 asks for "within 50 years of now", which needs a
//    wall clock we do not have; the fixed pivot is the deterministic
//    stand-in.
//  - Never reads a clock, the locale or TZ (no timegm); any input is safe
//    (no UB, no allocation).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ss::proto::http {

// Days from 1970-01-01 to year-month-day of the proleptic Gregorian calendar
// (month 1..12, day 1..31; not validated here).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

// Seconds since the Unix epoch, or nullopt when `text` is not an HTTP-date.
std::optional<std::int64_t> parse_http_date(std::string_view text);

// The lenient cookie-date of RFC 6265 §5.1.1, for Set-Cookie Expires: what
// servers really send ("Thu, 01-Jan-1970 00:00:01 GMT", "01 Jan 2030
// 10:00:00", any HTTP-date). Tokens split on delimiters; the first time,
// day, month (first three letters) and year tokens are used; two-digit
// years as above; years before 1601, impossible dates and times give
// nullopt. Seconds since the Unix epoch.
std::optional<std::int64_t> parse_cookie_date(std::string_view text);

// Retry-After in milliseconds, at most kRetryAfterCapMs (24 h).
//  - delta-seconds ("120", surrounding spaces/tabs allowed): value * 1000,
//    capped (huge numbers saturate to the cap rather than fail);
//  - HTTP-date: (that date - the response's own Date header) in ms, clamped
//    to [0, 24 h]. The runtime is deterministic and has no wall clock, so the
//    server's Date header is the reference "now"; without a Date header
//    (nullopt) or with an invalid one the result is nullopt.
//  - anything else (empty, "-1", "1.5", garbage): nullopt.
inline constexpr std::uint32_t kRetryAfterCapMs = 24u * 3600u * 1000u;
std::optional<std::uint32_t> retry_after_ms(std::string_view retry_after_value,
                                            std::optional<std::string_view> date_header_value);

}  // namespace ss::proto::http
