// projections/due_reminders.h — which reminders and overdue warnings are due,
// read from the task view (tasks/book/…). Read-only: recording them is the
// command side's (api/reminder_scheduler.h), the one way in for writes.
//
// A reminder is due `before` offsets ahead of a task's deadline, or as the
// overdue warning once it has passed, for every person who has not done the
// task and has not been reminded at that stage yet (the task view folds the
// reminders recorded).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "domain/reminders/reminders.h"
#include "eventstore/view_store.h"

namespace ecab::proj {

struct ReminderPolicy {
  // Reminders this long before a deadline. Default: 24 hours and 1 hour.
  std::vector<std::chrono::minutes> before{std::chrono::hours(24), std::chrono::hours(1)};
  // How long to wait for the task view to catch up. Default: 5 s.
  std::chrono::milliseconds catch_up{5000};
};

// A reminder to record in `body`'s reminders stream.
struct DueReminder {
  std::string body;
  reminders::RecordReminder command;
};

// Every reminder due at `now` that the task view in `views` has not seen
// recorded, in the view's key order. The caller makes sure the view has caught
// up with the log first. Errors: reading or decoding the view.
Result<std::vector<DueReminder>> FindDueReminders(const es::ViewStore& views, Timestamp now,
                                                  const ReminderPolicy& policy);

}  // namespace ecab::proj
