// eventstore/clock.h — the store's source of recorded-at times. Injected, so
// tests and replays are exact.
#pragma once

#include <atomic>
#include <chrono>

#include "domain/base/time.h"

namespace ecab::es {

class Clock {
 public:
  virtual ~Clock() = default;
  // The current UTC time. May go backwards; the store keeps recorded-at
  // non-decreasing across the log by itself.
  virtual Timestamp Now() = 0;
};

// The operating system's wall clock.
class SystemClock final : public Clock {
 public:
  Timestamp Now() override {
    return std::chrono::time_point_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now());
  }
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_(ToMicros(start)) {}
  Timestamp Now() override { return FromMicros(now_.load()); }
  void Set(Timestamp t) { now_.store(ToMicros(t)); }
  void Advance(std::chrono::microseconds d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace ecab::es
