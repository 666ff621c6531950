// api/http/limits.h — the server's limits per client address: a token
// bucket for the request rate, and counted places (open connections,
// requests waiting for the read models). No Beast; thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ecab::http {

// A token bucket per client address: `rate` requests a second, `burst` at once.
class RateLimiter {
 public:
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}

  // True when `client` may make one more request now (always, when rate <= 0).
  // Holds at most 100,000 buckets: beyond, it starts afresh (address churn
  // cannot grow it without bound).
  bool Allow(const std::string& client);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  double rate_, burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// Counted places per client address, at most `per_peer` for one address and
// `total` for all. A place is a handle: the last copy let go gives it back,
// even after the Places is gone (handlers may outlive the server).
class Places {
 public:
  Places(std::size_t per_peer, std::size_t total);

  // A place for `peer`, or nullptr when it or everyone is at the limit.
  std::shared_ptr<void> Take(const std::string& peer);

 private:
  struct Counts {
    std::mutex mu;
    std::unordered_map<std::string, std::size_t> by_peer;
    std::size_t total = 0;
  };
  std::size_t per_peer_, total_;
  std::shared_ptr<Counts> counts_ = std::make_shared<Counts>();
};

}  // namespace ecab::http
