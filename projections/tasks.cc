#include "projections/tasks.h"

#include <nlohmann/json.hpp>

#include "domain/base/streams.h"
#include "domain/forms/events.h"
#include "domain/meeting/events.h"
#include "domain/reminders/reminders.h"

namespace ecab::proj {
Result<TaskBook*> TasksProjection::Book(const std::string& object) {
  TaskBook fresh;
  fresh.object = object;
  return books_.Get(object, std::move(fresh));
}

Status TasksProjection::ApplyForm(const es::RecordedEvent& e) {
  ECAB_TRY_LET(event, DecodeEvent(forms::FormDecoder(), e, name()));
  ECAB_TRY_LET(book, Book(e.stream));
  TaskBook& b = **book;
  auto& touched = dirty_[e.stream];
  b.body = e.body;
  b.kind = "answer_form";
  std::visit(
      [&](const auto& ev) {
        using E = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<E, forms::FormDrafted>) {
          b.title = ev.content.title;
          b.responsible = e.actor.id;
        } else if constexpr (std::is_same_v<E, forms::FormRevised>) {
          b.title = ev.content.title;
        } else if constexpr (std::is_same_v<E, forms::FormIssued>) {
          b.open = true;
          b.has_deadline = true;
          b.deadline = ev.deadline;
          b.urgency = ev.urgency;
          for (const auto& p : ev.addressees) {
            b.people[p];
            touched.insert(p);
          }
        } else if constexpr (std::is_same_v<E, forms::AnswerGiven>) {
          b.people[ev.member].done = true;
          touched.insert(ev.member);
        } else if constexpr (std::is_same_v<E, forms::FormClosed>) {
          b.open = false;
          for (const auto& [p, t] : b.people) touched.insert(p);
        }
      },
      *event);
  return Ok{};
}

Status TasksProjection::ApplyMeeting(const es::RecordedEvent& e) {
  ECAB_TRY_LET(event, DecodeEvent(meeting::MeetingDecoder(), e, name()));
  ECAB_TRY_LET(book, Book(e.stream));
  TaskBook* b = *book;
  b->body = e.body;
  b->kind = "rsvp";
  if (const auto* s = std::get_if<meeting::MeetingScheduled>(&*event)) {
    b->title = s->title;
    b->responsible = e.actor.id;
    b->open = true;
    b->has_deadline = true;
    b->deadline = s->starts_at;
  } else if (const auto* inv = std::get_if<meeting::ParticipantInvited>(&*event)) {
    b->people[inv->person];
    dirty_[e.stream].insert(inv->person);
  } else if (const auto* r = std::get_if<meeting::RsvpGiven>(&*event)) {
    b->people[r->person].done = true;
    dirty_[e.stream].insert(r->person);
  } else if (std::holds_alternative<meeting::SessionOpened>(*event)) {
    b->open = false;
    for (const auto& [p, t] : b->people) dirty_[e.stream].insert(p);
  } else if (const auto* v = std::get_if<meeting::VoteOpened>(&*event)) {
    const std::string title = b->title;
    ECAB_TRY_LET(vote_book, Book(e.stream + "#" + v->vote));
    TaskBook& vb = **vote_book;
    vb.body = e.body;
    vb.kind = "vote";
    vb.title = v->question.empty() ? title : v->question;
    vb.open = true;
    vb.urgency = Urgency::kExpress;
    for (const auto& p : v->electorate) {
      vb.people[p];
      dirty_[vb.object].insert(p);
    }
  } else if (const auto* ballot = std::get_if<meeting::BallotCast>(&*event)) {
    ECAB_TRY_LET(vote_book, Book(e.stream + "#" + ballot->vote));
    (*vote_book)->people[ballot->voter].done = true;
    dirty_[(*vote_book)->object].insert(ballot->voter);
  } else if (const auto* closed = std::get_if<meeting::VoteClosed>(&*event)) {
    ECAB_TRY_LET(vote_book, Book(e.stream + "#" + closed->vote));
    (*vote_book)->open = false;
    for (const auto& [p, t] : (*vote_book)->people) dirty_[(*vote_book)->object].insert(p);
  } else {
    dirty_[e.stream];  // the book changed, no inbox entry did
  }
  return Ok{};
}

Status TasksProjection::ApplyReminder(const es::RecordedEvent& e) {
  ECAB_TRY_LET(event, DecodeEvent(reminders::ReminderDecoder(), e, name()));
  const auto* r = std::get_if<reminders::ReminderRecorded>(&*event);
  if (r == nullptr) return Ok{};
  ECAB_TRY_LET(book, Book(r->object));
  (*book)->people[r->person].reminded.insert(r->stage + ":" + std::to_string(r->offset_minutes));
  dirty_[r->object].insert(r->person);
  return Ok{};
}

Status TasksProjection::Apply(const es::RecordedEvent& e) {
  if (KindOfStream(e.stream) == ObjectKind::kForm) return ApplyForm(e);
  if (KindOfStream(e.stream) == ObjectKind::kMeeting) return ApplyMeeting(e);
  if (IsRemindersStream(e.stream)) return ApplyReminder(e);
  return Ok{};
}

Status TasksProjection::Flush(es::ViewBatch& batch) {
  for (const auto& [object, people] : dirty_) {
    const TaskBook& b = books_.at(object);
    books_.Write(batch, object);
    for (const auto& person : people) {
      const std::string key = "inbox/" + person + "/" + object;
      const auto it = b.people.find(person);
      if (!b.open || it == b.people.end() || it->second.done) {
        batch.Delete(key);
        continue;
      }
      nlohmann::json entry = {
          {"kind", b.kind},
          {"object", b.object},
          {"title", b.title},
          {"urgency", UrgencyName(b.urgency)},
          {"deadline", b.has_deadline ? nlohmann::json(FormatRfc3339(b.deadline)) : nullptr},
          {"reminders", it->second.reminded}};
      batch.Put(key, entry.dump());
    }
  }
  dirty_.clear();
  books_.Trim();
  return Ok{};
}

void TasksProjection::Discard() {
  books_.Clear();
  dirty_.clear();
}

}  // namespace ecab::proj
