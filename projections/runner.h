// projections/runner.h — feeds projections from a subscription and commits
// their views with the checkpoint in one atomic write per batch.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "eventstore/subscription.h"
#include "eventstore/view_store.h"
#include "projections/projection.h"

namespace ecab::proj {

class Runner {
 public:
  // `name` keys the checkpoint ("checkpoint/<name>"). Projections and views
  // must outlive the runner.
  Runner(std::string name, es::ViewStore& views, std::vector<Projection*> projections);
  ~Runner();

  // The last position whose effects are stored (0: none). Reads the store.
  Result<std::uint64_t> StoredCheckpoint() const;

  // Applies the next events (at most `max`, waiting up to `wait`) from
  // `source`, which must start at StoredCheckpoint() + 1, and commits them.
  // Returns how many were applied. On any error nothing of the batch is
  // committed and the in-memory state is dropped.
  Result<std::size_t> Step(es::Subscription& source, std::size_t max,
                           std::chrono::milliseconds wait);

  // Runs Step on a thread until Stop(); the first error stops it (error()).
  // `source` must outlive the loop: call Stop() before destroying it.
  // `linger` > 0 trades freshness for throughput under load: after a partial
  // batch the loop waits up to `linger` for more events before committing
  // again, unless a WaitFor caller needs a position it has not reached (then
  // it steps at once), so a stream of small appends costs one view write per
  // `linger` instead of one per append.
  void Start(es::Subscription& source, std::size_t batch = 1000,
             std::chrono::milliseconds linger = std::chrono::milliseconds(0));
  void Stop();

  // The position applied and committed so far (what queries can rely on).
  std::uint64_t position() const { return position_.load(); }

  // Read-your-writes: waits until position() >= `target` or `deadline`.
  // Returns whether it was reached.
  bool WaitFor(std::uint64_t target, std::chrono::steady_clock::time_point deadline) const;

  // The error that stopped the background loop, if any.
  std::optional<Error> error() const;

 private:
  std::string checkpoint_key_;
  es::ViewStore& views_;
  std::vector<Projection*> projections_;
  std::atomic<std::uint64_t> position_{0};
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  mutable std::condition_variable wake_;  // the loop's linger, cut short by WaitFor and Stop
  mutable int urgent_ = 0;                // WaitFor callers ahead of position_ (under mu_)
  std::optional<Error> error_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace ecab::proj
