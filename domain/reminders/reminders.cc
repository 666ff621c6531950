#include "domain/reminders/reminders.h"

#include "domain/authz/authorization.h"

namespace ecab::reminders {

std::string TaskKindName(TaskKind k) {
  switch (k) {
    case TaskKind::kAnswerForm: return "answer_form";
    case TaskKind::kRsvp: return "rsvp";
  }
  return "unknown";
}

std::string ReminderCommandId(const RecordReminder& c) {
  return "reminder:" + c.object + ":" + c.person + ":" + c.stage + ":" + std::to_string(c.offset_minutes);
}

Result<std::vector<ReminderEvent>> Decide(const RecordReminder& c, const CommandContext& ctx,
                                          const directory::Body& body) {
  if (ctx.actor != kSchedulerActor) {
    if (auto s = Authorize(body, ctx, Action::kRecordReminder); !s.ok()) return s.error();
  }
  if (c.object.empty() || c.person.empty()) return MakeError(ErrorCode::kInvalidArgument, "name the object and the person");
  if (c.stage != "before" && c.stage != "overdue") {
    return MakeError(ErrorCode::kInvalidArgument, "stage must be 'before' or 'overdue'");
  }
  if (ctx.now < c.due_at) {
    return MakeError(ErrorCode::kRuleViolation, "the reminder is due only at " + FormatRfc3339(c.due_at));
  }
  ReminderRecorded r{c.task, c.object, c.person, c.stage, c.offset_minutes, c.due_at, c.deadline, {c.person}};
  if (c.stage == "overdue" && !c.responsible.empty() && c.responsible != c.person) r.recipients.push_back(c.responsible);
  const std::string what = c.task == TaskKind::kAnswerForm ? "answer the opinion form" : "answer the invitation to";
  std::vector<ReminderEvent> out{r};
  for (const auto& to : r.recipients) {
    const bool overdue = c.stage == "overdue";
    std::string subject = overdue ? "Overdue: " : "Reminder: ";
    subject += c.title;
    std::string text = to == c.person ? "Please " + what + " \"" + c.title + "\""
                                      : "'" + c.person + "' has not yet acted on \"" + c.title + "\"";
    text += overdue ? "; the deadline passed at " : " before " ;
    text += FormatRfc3339(c.deadline) + ".";
    out.push_back(NotificationRequested{to, {"email", "sms", "in_app"}, subject, text, c.object});
  }
  return out;
}

std::string DeliveryCommandId(const RecordDelivery& c) {
  return "delivery:" + std::to_string(c.notification) + ":" + c.channel + ":" + std::to_string(c.attempt);
}

Result<std::vector<ReminderEvent>> Decide(const RecordDelivery& c, const CommandContext& ctx) {
  if (ctx.actor != kDispatcherActor) {
    return MakeError(ErrorCode::kForbidden, "only the node's dispatcher records deliveries");
  }
  if (c.notification == 0 || c.recipient.empty() || (c.channel != "email" && c.channel != "sms")) {
    return MakeError(ErrorCode::kInvalidArgument, "name the notification, the recipient and the channel (email, sms)");
  }
  if (c.attempt == 0) return MakeError(ErrorCode::kInvalidArgument, "attempts count from 1");
  if (c.delivered) {
    return std::vector<ReminderEvent>{NotificationDelivered{c.notification, c.recipient, c.channel, c.provider_id,
                                                            c.attempt, ctx.now}};
  }
  if (c.reason.empty()) return MakeError(ErrorCode::kInvalidArgument, "a failure says why");
  return std::vector<ReminderEvent>{
      NotificationFailed{c.notification, c.recipient, c.channel, c.attempt, c.reason, c.final, ctx.now}};
}

const EventDecoder<ReminderEvent>& ReminderDecoder() {
  static const EventDecoder<ReminderEvent> decoder = [] {
    EventDecoder<ReminderEvent> d;
    d.Add<ReminderRecorded>().Add<NotificationRequested>().Add<NotificationDelivered>().Add<NotificationFailed>();
    return d;
  }();
  return decoder;
}

}  // namespace ecab::reminders
