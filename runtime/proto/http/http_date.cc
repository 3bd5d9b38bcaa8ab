#include "runtime/proto/http/http_date.h"

#include <array>

#include "runtime/core/planted.h"

namespace ss::proto::http {
namespace {

constexpr std::array<std::string_view, 7> kDayShort = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kDayLong = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                      "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> kMonth = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool is_ws(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A small cursor over the input; every read checks the length first.
struct Cursor {
  std::string_view s;
  bool lit(std::string_view want) {
    if (s.substr(0, want.size()) != want) return false;
    s.remove_prefix(want.size());
    return true;
  }
  // Exactly n digits.
  bool digits(std::size_t n, int& out) {
    if (s.size() < n) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!is_digit(s[i])) return false;
      v = v * 10 + (s[i] - '0');
    }
    s.remove_prefix(n);
    out = v;
    return true;
  }
  bool month(int& out) {
    for (std::size_t i = 0; i < kMonth.size(); ++i)
      if (lit(kMonth[i])) {
        out = static_cast<int>(i) + 1;
        return true;
      }
    return false;
  }
  // hour ":" minute ":" second
  bool time_of_day(int& h, int& m, int& sec) {
    return digits(2, h) && lit(":") && digits(2, m) && lit(":") && digits(2, sec);
  }
};

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, int m) {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29u : kDays[m - 1];
}

std::optional<std::int64_t> assemble(int year, int month, int day, int h, int m, int s) {
  if (month < 1 || month > 12 || day < 1 || static_cast<unsigned>(day) > days_in_month(year, month))
    return std::nullopt;
  if (h > 23 || m > 59 || s > 60) return std::nullopt;
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         h * 3600 + m * 60 + s;
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<std::int64_t> imf_fixdate(Cursor c) {
  bool day_ok = false;
  for (auto d : kDayShort) day_ok = day_ok || c.lit(d);
  int day, month, year, h, m, s;
  if (!day_ok || !c.lit(", ") || !c.digits(2, day) || !c.lit(" ") || !c.month(month) || !c.lit(" ") ||
      !c.digits(4, year) || !c.lit(" ") || !c.time_of_day(h, m, s) || !c.lit(" GMT") || !c.s.empty())
    return std::nullopt;
  return assemble(year, month, day, h, m, s);
}

// "Sunday, 06-Nov-94 08:49:37 GMT"
std::optional<std::int64_t> rfc850(Cursor c) {
  bool day_ok = false;
  for (auto d : kDayLong) day_ok = day_ok || c.lit(d);
  int day, month, yy, h, m, s;
  if (!day_ok || !c.lit(", ") || !c.digits(2, day) || !c.lit("-") || !c.month(month) || !c.lit("-") ||
      !c.digits(2, yy) || !c.lit(" ") || !c.time_of_day(h, m, s) || !c.lit(" GMT") || !c.s.empty())
    return std::nullopt;
  return assemble(yy < 70 ? 2000 + yy : 1900 + yy, month, day, h, m, s);
}

// "Sun Nov  6 08:49:37 1994" (day: two digits or space + one digit)
std::optional<std::int64_t> asctime_date(Cursor c) {
  bool day_ok = false;
  for (auto d : kDayShort) day_ok = day_ok || c.lit(d);
  int month, day, year, h, m, s;
  if (!day_ok || !c.lit(" ") || !c.month(month) || !c.lit(" ")) return std::nullopt;
  if (!(c.lit(" ") ? c.digits(1, day) : c.digits(2, day))) return std::nullopt;
  if (!c.lit(" ") || !c.time_of_day(h, m, s) || !c.lit(" ") || !c.digits(4, year) || !c.s.empty())
    return std::nullopt;
  return assemble(year, month, day, h, m, s);
}

}  // namespace

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  // Shift the year to start in March so the leap day is the last day of a
  // "year"; then count 400-year eras (146097 days each).
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;                                  // [0, 399]
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          // [0, 146096]
  return era * 146097 + doe - 719468;
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  Cursor c{trim(text)};
  // The form is decided by the character after the day name.
  std::size_t i = 0;
  while (i < c.s.size() && ((c.s[i] >= 'A' && c.s[i] <= 'Z') || (c.s[i] >= 'a' && c.s[i] <= 'z'))) ++i;
  if (i == 3 && i < c.s.size() && c.s[i] == ',') return imf_fixdate(c);
  if (i == 3) return asctime_date(c);
  return rfc850(c);
}

std::optional<std::int64_t> parse_cookie_date(std::string_view text) {
  auto is_delim = [](unsigned char c) {
    return c == 0x09 || (c >= 0x20 && c <= 0x2f) || (c >= 0x3b && c <= 0x40) || (c >= 0x5b && c <= 0x60) ||
           (c >= 0x7b && c <= 0x7e);
  };
  // 1..max_digits digits, then the end or a non-digit.
  auto number = [](std::string_view t, std::size_t min_digits, std::size_t max_digits, int& out) {
    std::size_t n = 0;
    int v = 0;
    while (n < t.size() && is_digit(t[n])) {
      if (++n > max_digits) return std::size_t{0};
      v = v * 10 + (t[n - 1] - '0');
    }
    if (n < min_digits) return std::size_t{0};
    out = v;
    return n;
  };
  bool have_time = false, have_day = false, have_month = false, have_year = false;
  int h = 0, m = 0, s = 0, day = 0, month = 0, year = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_delim(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t start = i;
    while (i < text.size() && !is_delim(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view tok = text.substr(start, i - start);
    if (tok.empty()) continue;
    if (!have_time) {
      // time-field ":" time-field ":" time-field, each 1..2 digits.
      int th, tm, ts;
      std::size_t a = number(tok, 1, 2, th);
      if (a && a < tok.size() && tok[a] == ':') {
        std::string_view r1 = tok.substr(a + 1);
        std::size_t b = number(r1, 1, 2, tm);
        if (b && b < r1.size() && r1[b] == ':' && number(r1.substr(b + 1), 1, 2, ts)) {
          have_time = true;
          h = th, m = tm, s = ts;
          continue;
        }
      }
    }
    if (!have_day && number(tok, 1, 2, day)) {
      have_day = true;
      continue;
    }
    if (!have_month && tok.size() >= 3) {
      for (std::size_t k = 0; k < kMonth.size() && !have_month; ++k) {
        bool eq = true;
        for (std::size_t j = 0; j < 3; ++j) {
          char c = tok[j];
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
          char w = kMonth[k][j];
          if (w >= 'A' && w <= 'Z') w = static_cast<char>(w - 'A' + 'a');
          eq = eq && c == w;
        }
        if (eq) {
          have_month = true;
          month = static_cast<int>(k) + 1;
        }
      }
      if (have_month) continue;
    }
    if (!have_year && number(tok, 2, 4, year)) have_year = true;
  }
  if (!have_time || !have_day || !have_month || !have_year) return std::nullopt;
  if (year >= 70 && year <= 99) year += 1900;
  else if (year >= 0 && year <= 69) year += 2000;
  if (year < 1601 || s > 59) return std::nullopt;
  return assemble(year, month, day, h, m, s);
}

std::optional<std::uint32_t> retry_after_ms(std::string_view retry_after_value,
                                            std::optional<std::string_view> date_header_value) {
  constexpr std::int64_t kCapS = kRetryAfterCapMs / 1000;
  std::string_view v = trim(retry_after_value);
  if (v.empty()) return std::nullopt;
  if (is_digit(v.front())) {
    std::int64_t n = 0;
    for (char c : v) {
      if (!is_digit(c)) return std::nullopt;
      n = n * 10 + (c - '0');
      if (n > kCapS) n = kCapS;  // saturate: no overflow on any length
    }
    return static_cast<std::uint32_t>(n * 1000);
  }
  auto when = parse_http_date(v);
  if (!when || !date_header_value) return std::nullopt;
  auto now = parse_http_date(*date_header_value);
  if (!now) return std::nullopt;
  // Planted: the difference taken the wrong way round (never a wait).
  std::int64_t delta = SS_PLANTED("retry-after-date-swapped") ? *now - *when : *when - *now;  // years 0..9999: no overflow
  if (delta < 0) delta = 0;
  if (delta > kCapS) delta = kCapS;
  return static_cast<std::uint32_t>(delta * 1000);
}

}  // namespace ss::proto::http
