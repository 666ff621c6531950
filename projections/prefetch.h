// projections/prefetch.h — a subscription that reads ahead on its own thread,
// so that catching up overlaps reading and decrypting the log with applying
// it (two cores instead of one). Same contract as the subscription it wraps:
// every event once, in order, no gap.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "eventstore/subscription.h"

namespace ecab::proj {

class Prefetcher final : public es::Subscription {
 public:
  // Reads batches of `batch` events from `inner`, keeping at most `depth`
  // batches ready.
  Prefetcher(std::unique_ptr<es::Subscription> inner, std::size_t batch = 10'000,
             std::size_t depth = 2);
  ~Prefetcher() override;
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  Result<std::vector<es::RecordedEvent>> Next(std::size_t max,
                                              std::chrono::milliseconds wait) override;
  std::uint64_t next_position() const override;

 private:
  void Loop();

  std::unique_ptr<es::Subscription> inner_;
  const std::size_t batch_;
  const std::size_t depth_;
  mutable std::mutex mu_;
  std::condition_variable ready_;  // a batch (or an error) arrived
  std::condition_variable room_;   // a batch was taken
  std::deque<std::vector<es::RecordedEvent>> queue_;
  std::optional<Error> error_;
  std::uint64_t next_;  // position of the next event this returns
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ecab::proj
