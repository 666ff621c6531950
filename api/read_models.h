// api/read_models.h — the read models the server keeps current: every
// projection of projections/, fed by one runner over the log on a thread
// of its own, stored in the views RocksDB; the analytics (added later) under
// a runner and checkpoint of their own, so that a node that gains them builds
// them from the whole log while the others carry on from their checkpoint.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>

#include "eventstore/event_store.h"
#include "eventstore/view_store.h"
#include "projections/analytics.h"
#include "projections/audit.h"
#include "projections/bodies.h"
#include "projections/dashboard.h"
#include "projections/notifications.h"
#include "projections/runner.h"
#include "projections/search.h"
#include "projections/tasks.h"
#include "projections/views.h"

namespace ecab::api {

// The read models the server keeps: one runner over the log on its own thread.
class Projections {
 public:
  static Result<std::unique_ptr<Projections>> Open(es::EventStore& store,
                                                   const std::filesystem::path& dir,
                                                   std::shared_ptr<const es::KeyRing> keys);
  ~Projections();
  void Stop();

  const es::ViewStore& views() const { return *views_; }
  proj::AggregateViews& aggregates() { return *aggregates_; }
  std::uint64_t position() const { return runner_->position(); }
  // The runner of the main read models (the task view the reminders read).
  const proj::Runner& runner() const { return *runner_; }
  bool WaitFor(std::uint64_t position, std::chrono::milliseconds wait) const;
  // The analytics' own position, and the wait for it.
  std::uint64_t analytics_position() const { return analytics_runner_->position(); }
  bool WaitForAnalytics(std::uint64_t position, std::chrono::milliseconds wait) const;
  std::optional<Error> error() const {
    if (auto e = runner_->error()) return e;
    return analytics_runner_->error();
  }

 private:
  Projections() = default;
  std::unique_ptr<es::ViewStore> views_;
  std::unique_ptr<proj::AggregateViews> aggregates_;
  std::unique_ptr<proj::TasksProjection> tasks_;
  std::unique_ptr<proj::DashboardProjection> dashboard_;
  std::unique_ptr<proj::NotificationsProjection> notifications_;
  std::unique_ptr<proj::AuditProjection> audit_;
  std::unique_ptr<proj::SearchProjection> search_;
  std::unique_ptr<proj::BodiesProjection> bodies_;
  std::unique_ptr<proj::AnalyticsProjection> analytics_;
  std::unique_ptr<proj::Runner> runner_, analytics_runner_;
  std::unique_ptr<es::Subscription> source_, analytics_source_;
};

}  // namespace ecab::api
