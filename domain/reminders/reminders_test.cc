#include "domain/reminders/reminders.h"

#include <gtest/gtest.h>

#include "domain/directory/testing.h"

namespace ecab::reminders {
namespace {

using testing::June24;
using testing::World;

RecordReminder Overdue() {
  return RecordReminder{TaskKind::kAnswerForm,
                        "form-1",
                        "Decree on e-identification",
                        "m02",
                        "overdue",
                        0,
                        June24(),
                        June24(),
                        "staff"};
}

TEST(Reminders, AnOverdueWarningGoesToTheMemberAndTheResponsibleStaff) {
  World w = World::WithMembers(3);
  auto events = Decide(
      Overdue(), w.Ctx("staff", Role::kSecretariat, June24() + std::chrono::minutes(1)), w.body);
  ASSERT_TRUE(events.ok()) << ToString(events.error());
  ASSERT_EQ(events->size(), 3u);
  const auto& r = std::get<ReminderRecorded>((*events)[0]);
  EXPECT_EQ(r.recipients, (std::vector<std::string>{"m02", "staff"}));
  const auto& to_member = std::get<NotificationRequested>((*events)[1]);
  EXPECT_EQ(to_member.recipient, "m02");
  EXPECT_EQ(to_member.subject, "Overdue: Decree on e-identification");
  EXPECT_EQ(std::get<NotificationRequested>((*events)[2]).recipient, "staff");
  EXPECT_EQ(ReminderCommandId(Overdue()), "reminder:form-1:m02:overdue:0");
}

TEST(Reminders, AReminderBeforeTheDeadlineGoesToTheMemberOnlyAndNotBeforeItIsDue) {
  World w = World::WithMembers(3);
  RecordReminder before = Overdue();
  before.stage = "before";
  before.offset_minutes = 60;
  before.due_at = June24() - std::chrono::hours(1);
  auto early =
      Decide(before, w.Ctx("staff", Role::kSecretariat, June24() - std::chrono::hours(2)), w.body);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, ErrorCode::kRuleViolation);
  auto due = Decide(before, w.Ctx("staff", Role::kSecretariat, June24() - std::chrono::minutes(59)),
                    w.body);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->size(), 2u);
  auto by_member = Decide(before, w.Ctx("m02", Role::kMember, June24()), w.body);
  ASSERT_FALSE(by_member.ok());
  EXPECT_EQ(by_member.error().code, ErrorCode::kForbidden);
  RecordReminder bad = before;
  bad.stage = "later";
  EXPECT_EQ(Decide(bad, w.Ctx("staff", Role::kSecretariat, June24()), w.body).error().code,
            ErrorCode::kInvalidArgument);
}

TEST(Reminders, TheNodesSchedulerNeedsNoRoleButAnActorOutsideTheBodyIsRefused) {
  World w = World::WithMembers(3);
  const Timestamp later = June24() + std::chrono::minutes(1);
  auto by_scheduler =
      Decide(Overdue(), w.Ctx(std::string(kSchedulerActor), Role::kSecretariat, later), w.body);
  ASSERT_TRUE(by_scheduler.ok()) << ToString(by_scheduler.error());
  EXPECT_EQ(by_scheduler->size(), 3u);
  auto by_stranger = Decide(Overdue(), w.Ctx("system:other", Role::kSecretariat, later), w.body);
  ASSERT_FALSE(by_stranger.ok()) << "only the scheduler's own actor is exempt";
  EXPECT_EQ(by_stranger.error().code, ErrorCode::kForbidden);
}

}  // namespace
}  // namespace ecab::reminders
