#include "domain/reminders/reminders.h"

#include <set>

#include "domain/authz/authorization.h"

namespace ecab::reminders {

std::string TaskKindName(TaskKind k) {
  switch (k) {
    case TaskKind::kAnswerForm:
      return "answer_form";
    case TaskKind::kRsvp:
      return "rsvp";
  }
  return "unknown";
}

std::string ReminderCommandId(const RecordReminder& c) {
  return "reminder:" + c.object + ":" + c.person + ":" + c.stage + ":" +
         std::to_string(c.offset_minutes);
}

Result<std::vector<ReminderEvent>> Decide(const RecordReminder& c, const CommandContext& ctx,
                                          const directory::Body& body) {
  if (ctx.actor != kSchedulerActor) {
    ECAB_TRY(Authorize(body, ctx, RecordReminder::kAction));
  }
  if (c.object.empty() || c.person.empty())
    return MakeError(ErrorCode::kInvalidArgument, "name the object and the person");
  if (c.stage != "before" && c.stage != "overdue") {
    return MakeError(ErrorCode::kInvalidArgument, "stage must be 'before' or 'overdue'");
  }
  if (ctx.now < c.due_at) {
    return MakeError(ErrorCode::kRuleViolation,
                     "the reminder is due only at " + FormatRfc3339(c.due_at));
  }
  ReminderRecorded r{c.task,           c.object, c.person,   c.stage,
                     c.offset_minutes, c.due_at, c.deadline, {c.person}};
  if (c.stage == "overdue" && !c.responsible.empty() && c.responsible != c.person)
    r.recipients.push_back(c.responsible);
  const bool overdue = c.stage == "overdue";
  const std::string what =
      c.task == TaskKind::kAnswerForm ? "answer the opinion form" : "answer the invitation to";
  std::vector<ReminderEvent> out{r};
  for (const auto& to : r.recipients) {
    const bool staff = to != c.person;
    NotificationRequested n{to, {"email", "sms", "in_app"}, "", "", c.object, "", {}, false, 0};
    n.subject = (overdue ? "Overdue: " : "Reminder: ") + c.title;
    n.text = staff ? "'" + c.person + "' has not yet acted on \"" + c.title + "\""
                   : "Please " + what + " \"" + c.title + "\"";
    n.text +=
        (overdue ? "; the deadline passed at " : " before ") + FormatRfc3339(c.deadline) + ".";
    n.kind = KindName(!overdue ? NotificationKind::kReminder
                      : staff  ? NotificationKind::kOverdueStaff
                               : NotificationKind::kOverdue);
    n.params = {{"title", c.title},
                {"deadline", FormatRfc3339(c.deadline)},
                {"person", c.person},
                {"task", TaskKindName(c.task)}};
    if (!overdue) n.params["hours"] = std::to_string((c.offset_minutes + 59) / 60);
    // The last hour and what is already late reach people in their quiet hours too.
    n.urgent = overdue || c.offset_minutes <= 60;
    out.push_back(std::move(n));
  }
  return out;
}

std::string_view KindName(NotificationKind k) {
  switch (k) {
    case NotificationKind::kInvitation:
      return "invitation";
    case NotificationKind::kDocumentDistributed:
      return "document_distributed";
    case NotificationKind::kFormIssued:
      return "form_issued";
    case NotificationKind::kReminder:
      return "reminder";
    case NotificationKind::kOverdue:
      return "overdue";
    case NotificationKind::kOverdueStaff:
      return "overdue_staff";
    case NotificationKind::kVoteOpened:
      return "vote_opened";
    case NotificationKind::kResolutionPromulgated:
      return "resolution_promulgated";
  }
  return "unknown";
}

std::optional<NotificationKind> KindNamed(std::string_view name) {
  for (auto k : kNotificationKinds) {
    if (KindName(k) == name) return k;
  }
  return std::nullopt;
}

std::string NotifyCommandId(const RequestNotifications& c) {
  return "notify:" + std::to_string(c.source) + ":" + std::string(KindName(c.kind));
}

Result<std::vector<ReminderEvent>> Decide(const RequestNotifications& c,
                                          const CommandContext& ctx) {
  if (ctx.actor != kHeraldActor) {
    return MakeError(ErrorCode::kForbidden, "only the node's herald requests notifications");
  }
  if (c.source == 0 || c.reference.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "name the event announced and the object it is about");
  }
  std::vector<ReminderEvent> out;
  std::set<std::string> seen;
  for (const auto& to : c.recipients) {
    if (to.empty() || !seen.insert(to).second) continue;
    out.push_back(NotificationRequested{to,
                                        {"email", "sms", "in_app"},
                                        c.subject,
                                        c.text,
                                        c.reference,
                                        std::string(KindName(c.kind)),
                                        c.params,
                                        c.urgent,
                                        c.source});
  }
  return out;
}

std::string DeliveryCommandId(const RecordDelivery& c) {
  return "delivery:" + std::to_string(c.notification) + ":" + c.channel + ":" +
         std::to_string(c.attempt);
}

Result<std::vector<ReminderEvent>> Decide(const RecordDelivery& c, const CommandContext& ctx) {
  if (ctx.actor != kDispatcherActor) {
    return MakeError(ErrorCode::kForbidden, "only the node's dispatcher records deliveries");
  }
  if (c.notification == 0 || c.recipient.empty() || (c.channel != "email" && c.channel != "sms")) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "name the notification, the recipient and the channel (email, sms)");
  }
  if (c.attempt == 0) return MakeError(ErrorCode::kInvalidArgument, "attempts count from 1");
  if (c.delivered) {
    return std::vector<ReminderEvent>{NotificationDelivered{c.notification, c.recipient, c.channel,
                                                            c.provider_id, c.attempt, ctx.now}};
  }
  if (c.reason.empty()) return MakeError(ErrorCode::kInvalidArgument, "a failure says why");
  return std::vector<ReminderEvent>{NotificationFailed{c.notification, c.recipient, c.channel,
                                                       c.attempt, c.reason, c.final, ctx.now}};
}

const EventDecoder<ReminderEvent>& ReminderDecoder() {
  static const EventDecoder<ReminderEvent> decoder = [] {
    EventDecoder<ReminderEvent> d;
    d.Add<ReminderRecorded>()
        .Add<NotificationRequested>()
        .Add<NotificationDelivered>()
        .Add<NotificationFailed>();
    d.AddUpcaster<NotificationRequestedV1>([](NotificationRequestedV1 v1) {
      return NotificationRequested{std::move(v1.recipient),
                                   std::move(v1.channels),
                                   std::move(v1.subject),
                                   std::move(v1.text),
                                   std::move(v1.reference),
                                   "",
                                   {},
                                   false,
                                   0};
    });
    return d;
  }();
  return decoder;
}

}  // namespace ecab::reminders
