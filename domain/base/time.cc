#include "domain/base/time.h"

#include <cstdio>

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

Result<Timestamp> ParseRfc3339(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char tail[16] = {};
  const std::string copy(text);
  const int n = std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%15s", &y, &mo, &d, &h, &mi, &s, tail);
  std::string rest = n == 7 ? tail : "";
  long long micros = 0;
  if (!rest.empty() && rest[0] == '.') {
    std::size_t i = 1;
    long long scale = 100000;
    for (; i < rest.size() && rest[i] >= '0' && rest[i] <= '9'; ++i, scale /= 10) {
      if (scale > 0) micros += (rest[i] - '0') * scale;
    }
    rest = rest.substr(i);
  }
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (n < 7 || rest != "Z" || !ymd.ok() || h > 23 || mi > 59 || s > 60) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + copy + "' is not a UTC time like 2019-06-24T08:00:00Z");
  }
  return Timestamp(std::chrono::sys_days(ymd).time_since_epoch() + std::chrono::hours(h) + std::chrono::minutes(mi) +
                   std::chrono::seconds(s) + std::chrono::microseconds(micros));
}

}  // namespace ecab
