#include "api/herald.h"

#include <set>

#include "domain/base/streams.h"
#include "domain/forms/form.h"
#include "domain/meeting/meeting.h"
#include "domain/reminders/reminders.h"
#include "domain/resolution/resolution.h"

namespace ecab::api {
namespace {

using reminders::NotificationKind;
using reminders::RequestNotifications;

bool Announces(const es::RecordedEvent& e) {
  return e.type == meeting::ParticipantInvited::kType ||
         e.type == meeting::AgendaItemAdded::kType || e.type == forms::FormIssued::kType ||
         e.type == meeting::VoteOpened::kType || e.type == resolution::ResolutionPromulgated::kType;
}

// An invitation, an item's documents, a vote opened: who is told, in what words.
std::optional<RequestNotifications> MeetingNews(CommandService& commands,
                                                const es::RecordedEvent& e, const std::string& id,
                                                Timestamp now, RequestNotifications n) {
  auto event = meeting::MeetingDecoder().Decode(e.type, e.schema_version, e.payload);
  auto m = commands.Meeting(id);
  if (!event.ok() || !m.ok()) return std::nullopt;
  const meeting::Meeting& state = m->state;
  n.params = {{"title", state.schedule.title},
              {"starts_at", FormatRfc3339(state.schedule.starts_at)},
              {"place", state.schedule.place}};
  if (const auto* invited = std::get_if<meeting::ParticipantInvited>(&*event)) {
    if (state.status != meeting::MeetingStatus::kScheduled || state.schedule.starts_at <= now)
      return std::nullopt;
    n.kind = NotificationKind::kInvitation;
    n.recipients = {invited->person};
    n.subject = "Invitation: " + state.schedule.title;
    n.text = "You are invited to " + state.schedule.title + ", " +
             FormatRfc3339(state.schedule.starts_at) + ".";
  } else if (const auto* item = std::get_if<meeting::AgendaItemAdded>(&*event)) {
    if (item->documents.empty() || state.status == meeting::MeetingStatus::kClosed)
      return std::nullopt;
    std::vector<documents::Document> docs;
    for (const auto& d : item->documents) {
      if (auto doc = commands.Document(d); doc.ok() && doc->version > 0) docs.push_back(doc->state);
    }
    for (const auto& [person, invitation] : state.invited) {
      for (const auto& doc : docs) {
        if (documents::MayRead(doc, person)) {
          n.recipients.push_back(person);
          break;
        }
      }
    }
    n.kind = NotificationKind::kDocumentDistributed;
    n.params["item"] = item->title;
    n.params["documents"] = std::to_string(item->documents.size());
    n.subject = "Meeting documents: " + item->title;
    n.text = std::to_string(item->documents.size()) + " document(s) for \"" + item->title +
             "\" of " + state.schedule.title + ".";
  } else if (const auto* vote = std::get_if<meeting::VoteOpened>(&*event)) {
    if (state.open_vote != vote->vote) return std::nullopt;
    for (const auto& [person, presence] : state.presence) {
      if (presence.attendance == meeting::Attendance::kRemote) n.recipients.push_back(person);
    }
    n.kind = NotificationKind::kVoteOpened;
    n.urgent = true;
    n.params["question"] = vote->question;
    n.subject = "Vote open: " + vote->question;
    n.text = state.schedule.title + " is voting on \"" + vote->question + "\".";
  } else {
    return std::nullopt;
  }
  return n;
}

// A form issued: its addressees, by its deadline.
std::optional<RequestNotifications> FormNews(CommandService& commands, const es::RecordedEvent& e,
                                             const std::string& id, Timestamp now,
                                             RequestNotifications n) {
  auto event = forms::FormDecoder().Decode(e.type, e.schema_version, e.payload);
  auto f = commands.Form(id);
  if (!event.ok() || !f.ok()) return std::nullopt;
  const auto* issued = std::get_if<forms::FormIssued>(&*event);
  if (issued == nullptr || f->state.status != forms::FormStatus::kIssued || issued->deadline <= now)
    return std::nullopt;
  n.kind = NotificationKind::kFormIssued;
  n.recipients = issued->addressees;
  n.urgent = issued->urgency != Urgency::kNormal;
  n.params = {{"title", f->state.content.title}, {"deadline", FormatRfc3339(issued->deadline)}};
  n.subject = "Opinion form: " + f->state.content.title;
  n.text = "Please answer \"" + f->state.content.title + "\" by " +
           FormatRfc3339(issued->deadline) + ".";
  return n;
}

// A resolution promulgated: every member.
std::optional<RequestNotifications> ResolutionNews(CommandService& commands,
                                                   const es::RecordedEvent& e,
                                                   const std::string& id, Timestamp now,
                                                   RequestNotifications n) {
  auto event = resolution::ResolutionDecoder().Decode(e.type, e.schema_version, e.payload);
  auto r = commands.Resolution(id);
  auto body = commands.BodySnapshot(e.body);
  if (!event.ok() || !r.ok() || !body.ok()) return std::nullopt;
  const auto* promulgated = std::get_if<resolution::ResolutionPromulgated>(&*event);
  if (promulgated == nullptr) return std::nullopt;
  n.kind = NotificationKind::kResolutionPromulgated;
  n.recipients = (*body)->state.MembersAt(now);
  n.params = {{"title", r->state.title}, {"number", promulgated->number}};
  n.subject = "Resolution No. " + promulgated->number + " promulgated";
  n.text = "Resolution No. " + promulgated->number + ": " + r->state.title + ".";
  return n;
}

}  // namespace

Herald::Herald(const es::EventStore& store, CommandService& commands, es::Clock& clock,
               std::chrono::hours horizon)
    : store_(store), commands_(commands), clock_(clock), horizon_(horizon) {}

Result<std::size_t> Herald::RunOnce() {
  // Read to the head first: what is already announced is in the log after its source.
  std::vector<es::RecordedEvent> news;
  std::set<std::uint64_t> announced;
  for (;;) {
    ECAB_TRY_LET(batch, store_.ReadAll(read_to_ + 1, 1000));
    if (batch->empty()) break;
    for (auto& e : *batch) {
      read_to_ = e.position;
      if (e.type == reminders::NotificationRequested::kType) {
        auto n = reminders::ReminderDecoder().Decode(e.type, e.schema_version, e.payload);
        if (n.ok()) announced.insert(std::get<reminders::NotificationRequested>(*n).source);
      } else if (Announces(e)) {
        news.push_back(std::move(e));
      }
    }
  }
  const Timestamp now = clock_.Now();
  std::size_t count = 0;
  for (const auto& e : news) {
    if (announced.contains(e.position) || e.recorded_at + horizon_ < now) continue;
    auto announcement = Announcement(e, now);
    if (!announcement || announcement->recipients.empty()) continue;
    const CommandContext ctx{now, std::string(reminders::kHeraldActor), Role::kSecretariat, "",
                             reminders::NotifyCommandId(*announcement)};
    auto done = commands_.Execute(e.body, *announcement, ctx);
    if (!done.ok()) {
      read_to_ =
          e.position - 1;  // read again from here next round: announced late rather than never
      return done.error();
    }
    ++count;
  }
  return count;
}

std::optional<RequestNotifications> Herald::Announcement(const es::RecordedEvent& e,
                                                         Timestamp now) {
  RequestNotifications n;
  n.source = e.position;
  n.reference = e.stream;
  const std::string id(IdOfStream(e.stream));
  const auto kind = KindOfStream(e.stream);
  if (!kind) return std::nullopt;
  switch (*kind) {
    case ObjectKind::kMeeting:
      return MeetingNews(commands_, e, id, now, std::move(n));
    case ObjectKind::kForm:
      return FormNews(commands_, e, id, now, std::move(n));
    case ObjectKind::kResolution:
      return ResolutionNews(commands_, e, id, now, std::move(n));
    default:
      return std::nullopt;
  }
}

}  // namespace ecab::api
