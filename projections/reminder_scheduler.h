// projections/reminder_scheduler.h — records due reminders and overdue
// warnings through the command side. Time comes from an injected clock.
//
// Exactly once: a reminder's command id is derived from (object, person,
// stage, offset), so the store refuses to record it twice even if two
// schedulers race or the task view lags; and the scheduler first lets the
// task view catch up with the log, so after a restart it knows what was sent
// and sends whatever fell due while it was down.
#pragma once

#include <chrono>
#include <vector>

#include <map>

#include "domain/base/context.h"
#include "domain/directory/body.h"
#include "eventstore/clock.h"
#include "eventstore/event_store.h"
#include "projections/runner.h"
#include "projections/tasks.h"

namespace ecab::proj {

struct ReminderPolicy {
  // Reminders this long before a deadline. Default: 24 hours and 1 hour.
  std::vector<std::chrono::minutes> before{std::chrono::hours(24), std::chrono::hours(1)};
  // How long to wait for the task view to catch up. Default: 5 s.
  std::chrono::milliseconds catch_up{5000};
};

class ReminderScheduler {
 public:
  // `actor` is the secretariat account the service records reminders as.
  // The runner must carry a TasksProjection over `views`.
  ReminderScheduler(es::EventStore& store, const es::ViewStore& views, const Runner& runner, es::Clock& clock,
                    std::string actor, ReminderPolicy policy = {});

  // Records every reminder due now that is not yet recorded. Returns how many
  // were appended.
  Result<std::size_t> RunOnce();

 private:
  Result<std::size_t> Remind(const TaskBook& book, Timestamp now, std::map<std::string, directory::Body>& bodies);

  es::EventStore& store_;
  const es::ViewStore& views_;
  const Runner& runner_;
  es::Clock& clock_;
  std::string actor_;
  ReminderPolicy policy_;
};

}  // namespace ecab::proj
