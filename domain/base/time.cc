#include "domain/base/time.h"

#include <cstdio>
#include <string>

namespace ecab {

std::string FormatRfc3339(Timestamp t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(days);
  const std::chrono::hh_mm_ss hms(t - days);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<long long>(hms.subseconds().count()));
  return buf;
}

// The grammar accepted (RFC 3339's date-time, in UTC only):
//   date-time = 4DIGIT "-" 2DIGIT "-" 2DIGIT "T" 2DIGIT ":" 2DIGIT ":" 2DIGIT [ "." 1*9DIGIT ] "Z"
// Each field is exactly its digits: no sign, no space, no shorter field.
Result<Timestamp> ParseRfc3339(std::string_view text) {
  auto refuse = [&] {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "'" + std::string(text.substr(0, 64)) + "' is not a UTC time like 2019-06-24T08:00:00Z");
  };
  std::size_t at = 0;
  auto digits = [&](std::size_t n, int& out) {
    if (at + n > text.size()) return false;
    out = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = text[at + i];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    at += n;
    return true;
  };
  auto literal = [&](char c) {
    if (at >= text.size() || text[at] != c) return false;
    ++at;
    return true;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!(digits(4, y) && literal('-') && digits(2, mo) && literal('-') && digits(2, d) &&
        literal('T') && digits(2, h) && literal(':') && digits(2, mi) && literal(':') &&
        digits(2, s))) {
    return refuse();
  }
  long long micros = 0;
  if (literal('.')) {
    const std::size_t first = at;
    long long scale = 100000;
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, scale /= 10) {
      if (scale > 0) micros += (text[at] - '0') * scale;
    }
    if (at == first || at - first > 9) return refuse();
  }
  if (!literal('Z') || at != text.size()) return refuse();
  const std::chrono::year_month_day ymd{std::chrono::year(y),
                                        std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return refuse();
  return Timestamp(std::chrono::sys_days(ymd).time_since_epoch() + std::chrono::hours(h) +
                   std::chrono::minutes(mi) + std::chrono::seconds(s) +
                   std::chrono::microseconds(micros));
}

}  // namespace ecab
