// api/reminder_scheduler.h — records due reminders and overdue warnings
// through the command side. Time comes from an injected clock.
//
// Exactly once: a reminder's command id is derived from (object, person,
// stage, offset), so the command service answers a reminder already
// recorded as a replay even if two schedulers race or the task view lags;
// and the scheduler first lets the task view catch up with the log, so after
// a restart it knows what was sent and sends whatever fell due while it was
// down.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "api/command/command_service.h"
#include "eventstore/clock.h"
#include "projections/due_reminders.h"
#include "projections/runner.h"

namespace ecab::api {

class ReminderScheduler {
 public:
  // `actor` is the secretariat account the service records reminders as.
  // The runner must carry a TasksProjection over `views`.
  ReminderScheduler(CommandService& commands, const es::ViewStore& views,
                    const proj::Runner& runner, es::Clock& clock, std::string actor,
                    proj::ReminderPolicy policy = {});

  // Records every reminder due now that is not yet recorded. Returns how many
  // were recorded now. Errors: the task view did not catch up in time
  // (kShutDown: nothing is sent rather than something twice), or the store's.
  Result<std::size_t> RunOnce();

 private:
  CommandService& commands_;
  const es::ViewStore& views_;
  const proj::Runner& runner_;
  es::Clock& clock_;
  std::string actor_;
  proj::ReminderPolicy policy_;
};

// The scheduler on a thread of its own, run every `every` until Stop() (or
// destruction). An error is logged and the next run tries again: a reminder
// is never lost, only late.
class ReminderLoop {
 public:
  ReminderLoop(std::unique_ptr<ReminderScheduler> scheduler, std::chrono::milliseconds every);
  ~ReminderLoop();
  void Stop();
  // Reminders recorded since the start.
  std::uint64_t recorded() const;

 private:
  std::unique_ptr<ReminderScheduler> scheduler_;
  std::chrono::milliseconds every_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::uint64_t recorded_ = 0;
  std::thread thread_;
};

}  // namespace ecab::api
