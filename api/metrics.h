// api/metrics.h — the Prometheus metrics the node exposes at GET /metrics
// (text format 0.0.4). Label values come from closed sets: the caller passes
// a known method or "other", a registered route pattern or a fixed name, and
// a status code, so no client can grow the series.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace ecab::api {

// Prometheus metrics.
class Metrics {
 public:
  void Request(const std::string& method, const std::string& route, int status, double seconds);
  void Append(std::size_t events);
  std::string Render(std::uint64_t head, std::uint64_t projected, std::int64_t websockets,
                     std::int64_t connections) const;

 private:
  static constexpr double kBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                        0.1,   0.25,   0.5,   1,    2.5,   5};
  struct Histogram {
    std::array<std::uint64_t, std::size(kBuckets)> counts{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::atomic<std::uint64_t> appends_{0}, appended_events_{0};
};

}  // namespace ecab::api
