#include "api/metrics.h"

#include <sstream>

namespace ecab::api {

void Metrics::Request(const std::string& method, const std::string& route, int status,
                      double seconds) {
  std::lock_guard g(mu_);
  ++requests_[{method, route, status}];
  Histogram& h = latency_[method + " " + route];
  for (std::size_t i = 0; i < std::size(kBuckets); ++i) {
    if (seconds <= kBuckets[i]) ++h.counts[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::Append(std::size_t events) {
  appends_.fetch_add(1);
  appended_events_.fetch_add(events);
}

std::string Metrics::Render(std::uint64_t head, std::uint64_t projected, std::int64_t websockets,
                            std::int64_t connections) const {
  std::ostringstream out;
  auto label = [](const std::string& v) {
    std::string s;
    for (char c : v) {
      if (c == '"' || c == '\\') s.push_back('\\');
      s.push_back(c == '\n' ? ' ' : c);
    }
    return s;
  };
  std::lock_guard g(mu_);
  out << "# HELP ecab_http_requests_total HTTP requests by route and status.\n"
      << "# TYPE ecab_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out << "ecab_http_requests_total{method=\"" << method << "\",route=\"" << label(route)
        << "\",status=\"" << status << "\"} " << n << "\n";
  }
  out << "# HELP ecab_http_request_duration_seconds Time to answer a request, by route.\n"
      << "# TYPE ecab_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    const std::string r = label(route);
    for (std::size_t i = 0; i < std::size(kBuckets); ++i) {
      out << "ecab_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\"" << kBuckets[i]
          << "\"} " << h.counts[i] << "\n";
    }
    out << "ecab_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\"+Inf\"} "
        << h.count << "\n"
        << "ecab_http_request_duration_seconds_sum{route=\"" << r << "\"} " << h.sum << "\n"
        << "ecab_http_request_duration_seconds_count{route=\"" << r << "\"} " << h.count << "\n";
  }
  out << "# HELP ecab_appends_total Appends made by commands.\n# TYPE ecab_appends_total counter\n"
      << "ecab_appends_total " << appends_.load() << "\n"
      << "# HELP ecab_appended_events_total Events appended by commands.\n# TYPE "
         "ecab_appended_events_total counter\n"
      << "ecab_appended_events_total " << appended_events_.load() << "\n"
      << "# HELP ecab_log_head_position The last position in the log.\n# TYPE "
         "ecab_log_head_position gauge\n"
      << "ecab_log_head_position " << head << "\n"
      << "# HELP ecab_projection_lag_events Events in the log not yet in the read models.\n"
      << "# TYPE ecab_projection_lag_events gauge\n"
      << "ecab_projection_lag_events " << (head > projected ? head - projected : 0) << "\n"
      << "# HELP ecab_websockets_open Open WebSocket feeds.\n# TYPE ecab_websockets_open gauge\n"
      << "ecab_websockets_open " << websockets << "\n"
      << "# HELP ecab_connections_open Open HTTPS connections.\n# TYPE ecab_connections_open "
         "gauge\n"
      << "ecab_connections_open " << connections << "\n";
  return out.str();
}

}  // namespace ecab::api
