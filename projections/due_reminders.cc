#include "projections/due_reminders.h"

#include "projections/tasks.h"

namespace ecab::proj {
namespace {

// The reminders of one task book due at `now` and not yet recorded.
void DueOf(const TaskBook& book, Timestamp now, const ReminderPolicy& policy,
           std::vector<DueReminder>& out) {
  if (!book.open || !book.has_deadline || (book.kind != "answer_form" && book.kind != "rsvp"))
    return;
  const auto kind =
      book.kind == "rsvp" ? reminders::TaskKind::kRsvp : reminders::TaskKind::kAnswerForm;
  for (const auto& [person, task] : book.people) {
    if (task.done) continue;
    std::vector<reminders::RecordReminder> due;
    if (now >= book.deadline) {
      due.push_back({kind, book.object, book.title, person, "overdue", 0, book.deadline,
                     book.deadline, book.responsible});
    } else {
      for (auto offset : policy.before) {
        const Timestamp at = book.deadline - offset;
        if (now >= at) {
          due.push_back({kind, book.object, book.title, person, "before",
                         static_cast<std::uint32_t>(offset.count()), at, book.deadline,
                         book.responsible});
        }
      }
    }
    for (auto& r : due) {
      if (task.reminded.contains(r.stage + ":" + std::to_string(r.offset_minutes))) continue;
      out.push_back(DueReminder{book.body, std::move(r)});
    }
  }
}

}  // namespace

Result<std::vector<DueReminder>> FindDueReminders(const es::ViewStore& views, Timestamp now,
                                                  const ReminderPolicy& policy) {
  std::vector<DueReminder> out;
  std::string after;
  for (;;) {
    ECAB_TRY_LET(page, views.Scan("tasks/book/", 256, after));
    for (const auto& [key, value] : *page) {
      ECAB_TRY_LET(book, DecodeState<TaskBook>(value));
      DueOf(*book, now, policy, out);
    }
    if (page->size() < 256) return out;
    after = page->back().first;
  }
}

}  // namespace ecab::proj
