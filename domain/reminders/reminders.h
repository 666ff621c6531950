// domain/reminders/reminders.h — reminders before a deadline and overdue
// warnings after it, recorded as events so the log shows who was warned and
// when. Each also requests notifications that the delivery channels (email,
// SMS, in-app) consume. Stream: "reminders-<body>".
#pragma once

#include <cereal/types/map.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/authz/action.h"
#include "domain/base/context.h"
#include "domain/base/time_serialization.h"
#include "domain/codec/codec.h"
#include "domain/directory/body.h"

namespace ecab::reminders {

// Persisted: explicit values, never renumbered.
enum class TaskKind : std::uint8_t {
  kAnswerForm = 1,  // an addressed member has not answered an issued form
  kRsvp = 2,        // an invited participant has not answered the invitation
};
std::string TaskKindName(TaskKind k);  // "answer_form", "rsvp"

// A reminder `offset_minutes` before the deadline (stage "before"), or the
// overdue warning after it (stage "overdue", offset 0).
struct ReminderRecorded {
  static constexpr std::string_view kType = "reminder.recorded";
  static constexpr std::uint16_t kSchemaVersion = 1;
  TaskKind task = TaskKind::kAnswerForm;
  std::string object;  // the stream of the form or meeting
  std::string person;  // who has to act
  std::string stage;   // "before" or "overdue"
  std::uint32_t offset_minutes = 0;
  Timestamp due_at;  // when it fell due
  Timestamp deadline;
  std::vector<std::string> recipients;  // the person, plus the responsible staff when overdue
  template <class A>
  void serialize(A& ar) {
    ar(task, object, person, stage, offset_minutes, due_at, deadline, recipients);
  }
  friend bool operator==(const ReminderRecorded&, const ReminderRecorded&) = default;
};

// Schema 1 of notification.requested: the message as fixed English text.
struct NotificationRequestedV1 {
  static constexpr std::string_view kType = "notification.requested";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string recipient;
  std::vector<std::string> channels;
  std::string subject;
  std::string text;
  std::string reference;
  template <class A>
  void serialize(A& ar) {
    ar(recipient, channels, subject, text, reference);
  }
};

// A message for one recipient on the named channels. What it says is
// `kind` (a NotificationKind's name) with `params`, rendered at delivery in
// the recipient's language from the operator's templates
// (api/notification_templates.h); `subject` and `text` are the same in
// English as decided, for the audit trail and for kinds without a template.
// `urgent` ones are delivered in the recipient's quiet hours too. `source`
// is the log position of the event it announces (0 for reminders: their
// own reminder.recorded is beside it).
struct NotificationRequested {
  static constexpr std::string_view kType = "notification.requested";
  static constexpr std::uint16_t kSchemaVersion = 2;
  std::string recipient;
  std::vector<std::string> channels;  // "email", "sms", "in_app"
  std::string subject;
  std::string text;
  std::string reference;  // the object the message is about
  std::string kind;       // "" in schema 1
  std::map<std::string, std::string> params;
  bool urgent = false;
  std::uint64_t source = 0;
  template <class A>
  void serialize(A& ar) {
    ar(recipient, channels, subject, text, reference, kind, params, urgent, source);
  }
  friend bool operator==(const NotificationRequested&, const NotificationRequested&) = default;
};

// What a notification is about; persisted by name.
enum class NotificationKind : std::uint8_t {
  kInvitation,           // invited to a meeting
  kDocumentDistributed,  // an agenda item's documents are there to study
  kFormIssued,           // an opinion form to answer
  kReminder,             // before a deadline (24 h, 1 h)
  kOverdue,              // to the person, after the deadline
  kOverdueStaff,         // to the responsible staff: who has not acted
  kVoteOpened,           // to members attending remotely
  kResolutionPromulgated,
};
inline constexpr NotificationKind kNotificationKinds[] = {
    NotificationKind::kInvitation, NotificationKind::kDocumentDistributed,
    NotificationKind::kFormIssued, NotificationKind::kReminder,
    NotificationKind::kOverdue,    NotificationKind::kOverdueStaff,
    NotificationKind::kVoteOpened, NotificationKind::kResolutionPromulgated};
std::string_view KindName(NotificationKind k);  // "invitation", "document_distributed", …
std::optional<NotificationKind> KindNamed(std::string_view name);

// A notification reached the provider on one channel: the SMTP relay accepted
// the message, the SMS gateway answered 2xx. `notification` is the log
// position of its notification.requested.
struct NotificationDelivered {
  static constexpr std::string_view kType = "notification.delivered";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::uint64_t notification = 0;
  std::string recipient;
  std::string channel;      // "email", "sms"
  std::string provider_id;  // the Message-ID sent, or the gateway's message id
  std::uint32_t attempt = 1;
  Timestamp at;
  template <class A>
  void serialize(A& ar) {
    ar(notification, recipient, channel, provider_id, attempt, at);
  }
  friend bool operator==(const NotificationDelivered&, const NotificationDelivered&) = default;
};

// An attempt failed; `final`: no more attempts (given up, or nothing to send
// it to), shown on the secretariat's dashboard.
struct NotificationFailed {
  static constexpr std::string_view kType = "notification.failed";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::uint64_t notification = 0;
  std::string recipient;
  std::string channel;
  std::uint32_t attempt = 1;
  std::string reason;
  bool final = false;
  Timestamp at;
  template <class A>
  void serialize(A& ar) {
    ar(notification, recipient, channel, attempt, reason, final, at);
  }
  friend bool operator==(const NotificationFailed&, const NotificationFailed&) = default;
};

using ReminderEvent = std::variant<ReminderRecorded, NotificationRequested, NotificationDelivered,
                                   NotificationFailed>;
const EventDecoder<ReminderEvent>& ReminderDecoder();

// A due reminder to record.
struct RecordReminder {
  static constexpr Action kAction = Action::kRecordReminder;
  TaskKind task = TaskKind::kAnswerForm;
  std::string object;
  std::string title;  // of the form or meeting, for the message
  std::string person;
  std::string stage;
  std::uint32_t offset_minutes = 0;
  Timestamp due_at;
  Timestamp deadline;
  std::string responsible;  // the staff member who issued the form or scheduled the meeting
};

// The actor the node's own scheduler records reminders as. Person ids cannot
// hold ':' (domain/base/ids.h), so no login can act as it; it needs no role
// in the body, and nothing but the scheduler's command may name it.
inline constexpr std::string_view kSchedulerActor = "system:scheduler";

// The actor the node's notification dispatcher records deliveries as.
inline constexpr std::string_view kDispatcherActor = "system:dispatcher";

// The actor the node's herald requests notifications as (what the log's
// events announce: invitations, forms issued, votes opened, …).
inline constexpr std::string_view kHeraldActor = "system:herald";

// Notifications of one kind about the event at log position `source`, one
// per recipient (each once, in the order given), requested by the herald
// only. Command id: NotifyCommandId, so an event is announced once.
struct RequestNotifications {
  std::uint64_t source = 0;
  NotificationKind kind = NotificationKind::kInvitation;
  std::string reference;
  std::vector<std::string> recipients;
  std::map<std::string, std::string> params;
  bool urgent = false;
  std::string subject, text;  // in English, for the audit trail
};
std::string NotifyCommandId(const RequestNotifications& c);
[[nodiscard]] Result<std::vector<ReminderEvent>> Decide(const RequestNotifications& command,
                                                        const CommandContext& ctx);

// The outcome of one delivery attempt, recorded by the dispatcher only.
struct RecordDelivery {
  std::uint64_t notification = 0;
  std::string recipient, channel;
  bool delivered = false;
  std::string provider_id;  // delivered
  std::string reason;       // failed
  bool final = false;       // failed, no more attempts
  std::uint32_t attempt = 1;
};
// The command id that makes each attempt's record exactly-once.
std::string DeliveryCommandId(const RecordDelivery& c);
[[nodiscard]] Result<std::vector<ReminderEvent>> Decide(const RecordDelivery& command,
                                                        const CommandContext& ctx);

// The command id that makes each reminder exactly-once in the log.
std::string ReminderCommandId(const RecordReminder& c);

// Refuses a reminder that is not yet due or malformed, or recorded by anyone
// but the scheduler (kSchedulerActor) or the body's secretariat; else the
// reminder and one notification per recipient.
[[nodiscard]] Result<std::vector<ReminderEvent>> Decide(const RecordReminder& command,
                                                        const CommandContext& ctx,
                                                        const directory::Body& body);

}  // namespace ecab::reminders
