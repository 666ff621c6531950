// domain/meeting/testing.h — drives a meeting through its decider in tests.
// Test code only.
#pragma once

#include <gtest/gtest.h>

#include "domain/directory/testing.h"
#include "domain/meeting/meeting.h"

namespace ecab::testing {

class MeetingDriver {
 public:
  explicit MeetingDriver(World& world) : w(world) {}

  World& w;
  meeting::Meeting m;
  Timestamp now = June24();
  std::vector<meeting::MeetingEvent> log;    // every event decided, in order
  std::vector<std::string> log_command_ids;  // the command id of each event in `log`
  std::vector<CommandContext> log_contexts;  // the full context of each event in `log`

  Result<std::vector<meeting::MeetingEvent>> Try(const meeting::MeetingCommand& c,
                                                 const std::string& actor, Role role,
                                                 const std::string& on_behalf_of = "") {
    return Apply(c, w.Ctx(actor, role, now, NextId(), on_behalf_of));
  }

  Result<std::vector<meeting::MeetingEvent>> Apply(const meeting::MeetingCommand& c,
                                                   const CommandContext& ctx) {
    auto events = meeting::Decide(m, c, ctx, w.body);
    if (events.ok()) {
      for (const auto& e : *events) {
        m = meeting::Evolve(std::move(m), e);
        log.push_back(e);
        log_command_ids.push_back(ctx.command_id);
        log_contexts.push_back(ctx);
      }
    }
    return events;
  }

  std::vector<meeting::MeetingEvent> Do(const meeting::MeetingCommand& c, const std::string& actor,
                                        Role role, const std::string& on_behalf_of = "") {
    auto events = Try(c, actor, role, on_behalf_of);
    EXPECT_TRUE(events.ok()) << ToString(events.error());
    return events.ok() ? *events : std::vector<meeting::MeetingEvent>{};
  }

  // Scheduled, one agenda item "item-1" with document "doc-1", every member invited.
  void Prepare() {
    Do(meeting::ScheduleMeeting{"meeting-1", "Regular session", now, now + std::chrono::hours(8),
                                "Government Office", "https://ecabinet.example/m1"},
       "staff", Role::kSecretariat);
    Do(meeting::AddAgendaItem{"item-1", "Decree on electronic identification", {"doc-1"}}, "staff",
       Role::kSecretariat);
    for (const auto& id : w.members) Do(meeting::Invite{id, false}, "staff", Role::kSecretariat);
  }

  // Opens the session and checks in the first `in_room` members in the room.
  void Open(std::size_t in_room) {
    Do(meeting::OpenSession{}, "pm", Role::kChair);
    for (std::size_t i = 0; i < in_room; ++i) CheckIn(w.members[i], meeting::Attendance::kInRoom);
  }

  void CheckIn(const std::string& person, meeting::Attendance a) {
    Do(meeting::CheckIn{person, a}, "staff", Role::kSecretariat);
  }

  // Takes up item-1 and opens vote "vote-1".
  void OpenVote() {
    Do(meeting::TakeUpItem{"item-1"}, "pm", Role::kChair);
    Do(meeting::OpenVote{"vote-1", "Adopt the draft?"}, "pm", Role::kChair);
  }

  // A correctly signed ballot by `actor` (for `on_behalf_of` when a substitute).
  Result<std::vector<meeting::MeetingEvent>> Cast(const std::string& actor, meeting::Choice choice,
                                                  Role role = Role::kMember,
                                                  const std::string& on_behalf_of = "",
                                                  const std::string& vote = "vote-1") {
    const std::string id = NextId();
    const auto payload =
        meeting::BallotPayload("gov-vn", "meeting-1", vote, actor, on_behalf_of, choice, id, now);
    return Apply(meeting::CastBallot{vote, choice, w.SignAs(actor, payload)},
                 w.Ctx(actor, role, now, id, on_behalf_of));
  }

  std::string NextId() { return "cmd-" + std::to_string(++seq_); }

 private:
  int seq_ = 0;
};

// Role of a member id in World::WithMembers.
inline Role RoleOf(const std::string& id) { return id == "pm" ? Role::kChair : Role::kMember; }

}  // namespace ecab::testing
