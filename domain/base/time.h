// domain/base/time.h — the one time type: UTC microseconds since the Unix epoch.
// The domain never reads a clock; time enters as data.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/base/result.h"

namespace ecab {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

inline std::int64_t ToMicros(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromMicros(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }

// RFC 3339 in UTC with microseconds: "2019-06-24T08:00:00.000000Z".
std::string FormatRfc3339(Timestamp t);

// Parses "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" (UTC only); kInvalidArgument otherwise.
Result<Timestamp> ParseRfc3339(std::string_view text);

}  // namespace ecab
