// projections/tasks.h — what awaits whom: per form, meeting invitation and
// open vote, who still has to act, by when, and which reminders they already
// had. Feeds the inboxes and the reminder scheduler.
//
// Keys: "tasks/book/<object>"        the TaskBook (state, for restarts and the scheduler)
//       "inbox/<person>/<object>"    JSON of one pending task, deleted when done
#pragma once

#include <cereal/types/map.hpp>
#include <cereal/types/set.hpp>
#include <map>
#include <set>
#include <string>

#include "domain/base/time_serialization.h"
#include "domain/directory/policy.h"
#include "projections/projection.h"
#include "projections/state_cache.h"

namespace ecab::proj {

struct PersonTask {
  bool done = false;
  std::set<std::string> reminded;  // "before:1440", "overdue:0"
  template <class A>
  void serialize(A& ar) {
    ar(done, reminded);
  }
};

struct TaskBook {
  std::string body;
  std::string object;  // "form-1", "meeting-1", "meeting-1#vote-1"
  std::string kind;    // "answer_form", "rsvp", "vote"
  std::string title;
  std::string responsible;  // the staff member who issued the form or scheduled the meeting
  bool open = false;        // people are being asked to act
  bool has_deadline = false;
  Timestamp deadline;
  Urgency urgency = Urgency::kNormal;
  std::map<std::string, PersonTask> people;
  template <class A>
  void serialize(A& ar) {
    ar(body, object, kind, title, responsible, open, has_deadline, deadline, urgency, people);
  }
};

class TasksProjection final : public Projection {
 public:
  explicit TasksProjection(const es::ViewStore& views) : books_(views, "tasks/book/") {}
  std::string_view name() const override { return "tasks"; }
  Status Apply(const es::RecordedEvent& event) override;
  Status Flush(es::ViewBatch& batch) override;
  void Discard() override;

 private:
  Result<TaskBook*> Book(const std::string& object);
  Status ApplyForm(const es::RecordedEvent& e);
  Status ApplyMeeting(const es::RecordedEvent& e);
  Status ApplyReminder(const es::RecordedEvent& e);

  StateCache<TaskBook> books_;
  std::map<std::string, std::set<std::string>>
      dirty_;  // object -> people whose inbox entry changed
};

}  // namespace ecab::proj
