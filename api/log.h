// api/log.h — structured logs: one JSON object per line on stderr,
// {"time":…,"level":…, fields…}. Never given tokens, passwords or document text.
#pragma once

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace ecab::api {

// Installs the JSON-lines pattern on spdlog's default logger.
// stderr is given a 64 KiB buffer flushed every second and at once on a
// warning or error: one request line per request stays cheap under load.
inline void UseJsonLogs() {
  static char buffer[64 * 1024];
  std::setvbuf(stderr, buffer, _IOFBF, sizeof buffer);
  spdlog::set_default_logger(spdlog::stderr_logger_mt("ecabinetd"));
  spdlog::flush_on(spdlog::level::warn);
  spdlog::flush_every(std::chrono::seconds(1));
  spdlog::set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})",
                      spdlog::pattern_time_type::utc);
}

// Logs `fields` (a JSON object) as members of the line.
inline void LogEvent(spdlog::level::level_enum level, const nlohmann::json& fields) {
  std::string s = fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() >= 2) s = s.substr(1, s.size() - 2);
  spdlog::log(level, "{}", s);
}

inline void LogText(spdlog::level::level_enum level, const std::string& message) {
  LogEvent(level, nlohmann::json{{"msg", message}});
}

}  // namespace ecab::api
