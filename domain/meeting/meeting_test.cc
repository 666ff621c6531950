// Given/when/then for every meeting command and its refusals.
#include "domain/meeting/meeting.h"

#include <gtest/gtest.h>

#include "domain/meeting/testing.h"

namespace ecab::meeting {
namespace {

using testing::MeetingDriver;
using testing::RoleOf;
using testing::World;

void ExpectRefused(const Result<std::vector<MeetingEvent>>& r, ErrorCode code,
                   const std::string& fragment) {
  ASSERT_FALSE(r.ok()) << "expected a refusal: " << fragment;
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
}

class MeetingTest : public ::testing::Test {
 protected:
  World w = World::WithMembers(27);
  MeetingDriver d{w};
};

TEST_F(MeetingTest, SchedulingIsForTheSecretariatAndChecksItsFields) {
  ExpectRefused(d.Try(ScheduleMeeting{"m", "t", d.now, d.now + std::chrono::hours(1), "room", ""},
                      "m02", Role::kMember),
                ErrorCode::kForbidden, "a member may not schedule_meeting");
  ExpectRefused(d.Try(ScheduleMeeting{"m", "t", d.now, d.now - std::chrono::hours(1), "room", ""},
                      "staff", Role::kSecretariat),
                ErrorCode::kInvalidArgument, "ends before it starts");
  ExpectRefused(d.Try(ScheduleMeeting{"m", "t", d.now, d.now + std::chrono::hours(1), "", ""},
                      "staff", Role::kSecretariat),
                ErrorCode::kInvalidArgument, "place or an online link");
  ExpectRefused(d.Try(AddAgendaItem{"i", "t", {}}, "staff", Role::kSecretariat),
                ErrorCode::kNotFound, "does not exist");
  d.Prepare();
  EXPECT_EQ(d.m.status, MeetingStatus::kScheduled);
  EXPECT_EQ(d.m.invited.size(), 27u);
  ExpectRefused(d.Try(ScheduleMeeting{"m", "t", d.now, d.now + std::chrono::hours(1), "room", ""},
                      "staff", Role::kSecretariat),
                ErrorCode::kAlreadyExists, "exists");
  ExpectRefused(d.Try(AddAgendaItem{"item-1", "again", {}}, "staff", Role::kSecretariat),
                ErrorCode::kAlreadyExists, "item-1");
}

TEST_F(MeetingTest, InvitationsGoToMembersOrToGuests) {
  d.Prepare();
  ExpectRefused(d.Try(Invite{"expert", false}, "staff", Role::kSecretariat),
                ErrorCode::kInvalidArgument, "invite them as a guest");
  EXPECT_EQ(d.Do(Invite{"expert", true}, "staff", Role::kSecretariat).size(), 1u);
  ExpectRefused(d.Try(Invite{"expert", true}, "staff", Role::kSecretariat),
                ErrorCode::kAlreadyExists, "invited");
  ExpectRefused(d.Try(Invite{"x", true}, "m02", Role::kMember), ErrorCode::kForbidden,
                "may not invite");
}

TEST_F(MeetingTest, RsvpConfirmsDeclinesWithAReasonOrNamesASubstitute) {
  d.Prepare();
  auto confirm = d.Do(Rsvp{"", RsvpResponse::kRemote, "", ""}, "m02", Role::kMember);
  ASSERT_EQ(confirm.size(), 1u);
  EXPECT_EQ(std::get<RsvpGiven>(confirm[0]).response, RsvpResponse::kRemote);
  ExpectRefused(d.Try(Rsvp{"", RsvpResponse::kDecline, "", ""}, "m03", Role::kMember),
                ErrorCode::kInvalidArgument, "needs a reason");
  d.Do(Rsvp{"", RsvpResponse::kDecline, "abroad", ""}, "m03", Role::kMember);
  ExpectRefused(d.Try(Rsvp{"", RsvpResponse::kSubstitute, "", "m05"}, "m04", Role::kMember),
                ErrorCode::kRuleViolation, "is a member and cannot stand in");
  ExpectRefused(d.Try(Rsvp{"", RsvpResponse::kSubstitute, "", "deputy-4"}, "m04", Role::kMember),
                ErrorCode::kNotFound, "is not enrolled as a substitute");
  ExpectRefused(d.Try(Rsvp{"", RsvpResponse::kSubstitute, "", "staff"}, "m04", Role::kMember),
                ErrorCode::kRuleViolation, "not a substitute");
  w.EnrollSubstitute("deputy-4", d.now);
  d.Do(Rsvp{"", RsvpResponse::kSubstitute, "on mission", "deputy-4"}, "m04", Role::kMember);
  EXPECT_EQ(d.m.substitutes.at("deputy-4"), "m04");
  ExpectRefused(d.Try(Rsvp{"m06", RsvpResponse::kInRoom, "", ""}, "m05", Role::kMember),
                ErrorCode::kForbidden, "only their own invitation");
  d.Do(Rsvp{"m06", RsvpResponse::kInRoom, "", ""}, "staff", Role::kSecretariat);
  ExpectRefused(d.Try(Rsvp{"", RsvpResponse::kInRoom, "", ""}, "staff", Role::kSecretariat),
                ErrorCode::kNotFound, "not invited");
}

TEST_F(MeetingTest, PreparationOpinionsSpeakersAndReadReceipts) {
  d.Prepare();
  d.Do(GiveItemOpinion{"item-1", "Support, with a remark on article 3"}, "m02", Role::kMember);
  ExpectRefused(d.Try(GiveItemOpinion{"item-9", "x"}, "m02", Role::kMember), ErrorCode::kNotFound,
                "item-9");
  d.Do(PreRegisterToSpeak{"item-1"}, "m02", Role::kMember);
  ExpectRefused(d.Try(PreRegisterToSpeak{"item-1"}, "m02", Role::kMember),
                ErrorCode::kAlreadyExists, "already");
  d.Do(MarkDocumentStudied{"doc-1"}, "m02", Role::kMember);
  ExpectRefused(d.Try(MarkDocumentStudied{"doc-9"}, "m02", Role::kMember), ErrorCode::kNotFound,
                "not on the agenda");
  ExpectRefused(d.Try(GiveItemOpinion{"item-1", "x"}, "stranger", Role::kSubstitute, "m02"),
                ErrorCode::kForbidden, "was not named by 'm02'");
  EXPECT_EQ(d.m.opinions.size(), 1u);
  EXPECT_EQ(d.m.pre_registered.size(), 1u);
  EXPECT_TRUE(d.m.studied.contains({"doc-1", "m02"}));
}

TEST_F(MeetingTest, QuorumIsEvaluatedAfterEveryCheckIn) {
  d.Prepare();
  ExpectRefused(d.Try(OpenSession{}, "m02", Role::kMember), ErrorCode::kForbidden,
                "may not open_session");
  d.Open(17);
  EXPECT_FALSE(d.m.Quorum().met);
  EXPECT_EQ(d.m.Quorum().reasoning, "17 of 27 present; at least 18 needed; no quorum");
  ExpectRefused(d.Try(TakeUpItem{"item-1"}, "pm", Role::kChair), ErrorCode::kRuleViolation,
                "17 of 27 present");
  d.CheckIn(w.members[17], Attendance::kRemote);
  EXPECT_FALSE(d.m.Quorum().met) << "remote members do not count by default";
  d.CheckIn(w.members[18], Attendance::kInRoom);
  EXPECT_TRUE(d.m.Quorum().met);
  d.CheckIn(w.members[18], Attendance::kAbsent);
  EXPECT_FALSE(d.m.Quorum().met) << "leaving the room is a change too";
  ExpectRefused(d.Try(OpenSession{}, "pm", Role::kChair), ErrorCode::kRuleViolation, "only once");
}

TEST_F(MeetingTest, RemoteMembersCountTowardTheQuorumWhenThePolicySaysSo) {
  Policy p;
  p.remote_counts_for_quorum = true;
  w.Admin(directory::SetPolicy{p}, d.now);
  d.Prepare();
  d.Open(17);
  d.CheckIn(w.members[20], Attendance::kRemote);
  EXPECT_TRUE(d.m.Quorum().met);
}

TEST_F(MeetingTest, CheckInIsForParticipantsAndOnlyTheSecretariatRecordsOthers) {
  d.Prepare();
  d.Open(0);
  d.Do(CheckIn{"", Attendance::kInRoom}, "m02", Role::kMember);
  EXPECT_EQ(d.m.presence.at("m02").attendance, Attendance::kInRoom);
  ExpectRefused(d.Try(CheckIn{"m03", Attendance::kInRoom}, "m02", Role::kMember),
                ErrorCode::kForbidden, "only the secretariat");
  ExpectRefused(d.Try(CheckIn{"nobody", Attendance::kInRoom}, "staff", Role::kSecretariat),
                ErrorCode::kForbidden, "not a participant");
  ExpectRefused(d.Try(CheckIn{"nobody", Attendance::kSubstitute}, "staff", Role::kSecretariat),
                ErrorCode::kForbidden, "not named as a substitute");
}

TEST_F(MeetingTest, ItemsAreTakenInOrderUnlessTheChairReorders) {
  d.Prepare();
  d.Do(AddAgendaItem{"item-2", "Budget", {}}, "staff", Role::kSecretariat);
  ExpectRefused(d.Try(ReorderAgenda{{"item-2"}}, "staff", Role::kSecretariat),
                ErrorCode::kInvalidArgument, "every agenda item exactly once");
  d.Open(20);
  ExpectRefused(d.Try(ReorderAgenda{{"item-2", "item-1"}}, "staff", Role::kSecretariat),
                ErrorCode::kForbidden, "only the chair");
  ExpectRefused(d.Try(TakeUpItem{"item-2"}, "pm", Role::kChair), ErrorCode::kRuleViolation,
                "next is 'item-1'");
  d.Do(ReorderAgenda{{"item-2", "item-1"}}, "pm", Role::kChair);
  d.Do(TakeUpItem{"item-2"}, "pm", Role::kChair);
  ExpectRefused(d.Try(TakeUpItem{"item-1"}, "pm", Role::kChair), ErrorCode::kRuleViolation,
                "still being discussed");
  d.Do(CloseItem{}, "pm", Role::kChair);
  d.Do(TakeUpItem{"item-1"}, "pm", Role::kChair);
  d.Do(CloseItem{}, "pm", Role::kChair);
  ExpectRefused(d.Try(TakeUpItem{"item-1"}, "pm", Role::kChair), ErrorCode::kRuleViolation,
                "every agenda item is closed");
  ExpectRefused(d.Try(CloseItem{}, "pm", Role::kChair), ErrorCode::kRuleViolation, "no item");
}

TEST_F(MeetingTest, CommentsAndTheFloorQueueOnTheCurrentItem) {
  d.Prepare();
  d.Open(20);
  ExpectRefused(d.Try(Comment{"early"}, "m02", Role::kMember), ErrorCode::kRuleViolation,
                "no item");
  ExpectRefused(d.Try(RequestFloor{}, "m02", Role::kMember), ErrorCode::kRuleViolation, "no item");
  d.Do(TakeUpItem{"item-1"}, "pm", Role::kChair);
  d.Do(Comment{"Agree with the draft"}, "m02", Role::kMember);
  ExpectRefused(d.Try(Comment{""}, "m02", Role::kMember), ErrorCode::kInvalidArgument, "empty");
  d.Do(RequestFloor{}, "m02", Role::kMember);
  d.Do(RequestFloor{}, "m03", Role::kMember);
  ExpectRefused(d.Try(RequestFloor{}, "m02", Role::kMember), ErrorCode::kRuleViolation,
                "already asked");
  ExpectRefused(d.Try(GrantFloor{"m04"}, "pm", Role::kChair), ErrorCode::kRuleViolation,
                "has not requested");
  ExpectRefused(d.Try(GrantFloor{"m02"}, "m05", Role::kMember), ErrorCode::kForbidden,
                "may not grant_floor");
  d.Do(GrantFloor{"m02"}, "pm", Role::kChair);
  EXPECT_EQ(d.m.speaker, "m02");
  ExpectRefused(d.Try(GrantFloor{"m03"}, "pm", Role::kChair), ErrorCode::kRuleViolation,
                "'m02' has the floor");
  d.Do(EndFloor{}, "pm", Role::kChair);
  ExpectRefused(d.Try(EndFloor{}, "pm", Role::kChair), ErrorCode::kRuleViolation,
                "nobody has the floor");
  d.Do(WithdrawFloorRequest{}, "m03", Role::kMember);
  ExpectRefused(d.Try(WithdrawFloorRequest{}, "m03", Role::kMember), ErrorCode::kRuleViolation,
                "no request");
  EXPECT_TRUE(d.m.floor_queue.empty());
  EXPECT_EQ(d.m.comments.size(), 1u);
}

TEST_F(MeetingTest, AVoteNeedsTheChairAnItemAndAQuorum) {
  d.Prepare();
  d.Open(18);
  ExpectRefused(d.Try(OpenVote{"vote-1", "q"}, "pm", Role::kChair), ErrorCode::kRuleViolation,
                "take one up");
  d.Do(TakeUpItem{"item-1"}, "pm", Role::kChair);
  ExpectRefused(d.Try(OpenVote{"vote-1", "q"}, "m02", Role::kMember), ErrorCode::kForbidden,
                "may not open_vote");
  d.CheckIn(w.members[0], Attendance::kAbsent);
  ExpectRefused(d.Try(OpenVote{"vote-1", "q"}, "pm", Role::kChair), ErrorCode::kRuleViolation,
                "no quorum");
  d.CheckIn(w.members[0], Attendance::kInRoom);
  auto opened = d.Do(OpenVote{"vote-1", "q"}, "pm", Role::kChair);
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(std::get<VoteOpened>(opened[0]).electorate.size(), 27u);
  EXPECT_EQ(std::get<VoteOpened>(opened[0]).present, 18u);
  ExpectRefused(d.Try(OpenVote{"vote-2", "q"}, "pm", Role::kChair), ErrorCode::kRuleViolation,
                "still open");
  ExpectRefused(d.Try(CloseItem{}, "pm", Role::kChair), ErrorCode::kRuleViolation,
                "close vote 'vote-1' first");
}

TEST_F(MeetingTest, ABallotChangedWhileOpenCountsOnceAsItsLastChoice) {
  d.Prepare();
  d.Open(20);
  d.OpenVote();
  ASSERT_TRUE(d.Cast("m02", Choice::kAgainst).ok());
  ASSERT_TRUE(d.Cast("m02", Choice::kFor).ok());
  const Vote& v = d.m.votes.at("vote-1");
  EXPECT_EQ(v.ballots.size(), 1u);
  EXPECT_EQ(v.ballots.at("m02").choice, Choice::kFor);
  EXPECT_EQ(v.ballots.at("m02").changes, 1u);
  const Count c = d.m.CountVote(v);
  EXPECT_EQ(c.for_votes, 1u);
  EXPECT_EQ(c.against, 0u);
}

TEST_F(MeetingTest, ABallotAfterTheVoteClosedIsRefusedAndChangesNoTally) {
  d.Prepare();
  d.Open(20);
  d.OpenVote();
  for (int i = 0; i < 14; ++i)
    ASSERT_TRUE(d.Cast(w.members[i], Choice::kFor, RoleOf(w.members[i])).ok());
  auto closed = d.Do(CloseVote{"vote-1"}, "pm", Role::kChair);
  ASSERT_EQ(closed.size(), 1u);
  const VoteOutcome before = std::get<VoteClosed>(closed[0]).outcome;
  EXPECT_TRUE(before.passed);
  auto late = d.Cast("m20", Choice::kAgainst);
  ExpectRefused(late, ErrorCode::kRuleViolation, "vote 'vote-1' is closed");
  EXPECT_EQ(d.m.CountVote(d.m.votes.at("vote-1")).against, 0u);
  EXPECT_EQ(*d.m.votes.at("vote-1").outcome, before);
  ExpectRefused(d.Try(CloseVote{"vote-1"}, "pm", Role::kChair), ErrorCode::kRuleViolation,
                "already closed");
}

TEST_F(MeetingTest, BallotsAreRefusedForOutsidersBadChoicesAndForgedOrReplayedSignatures) {
  d.Prepare();
  d.Do(Invite{"expert", true}, "staff", Role::kSecretariat);
  d.Open(20);
  d.OpenVote();
  ExpectRefused(d.Try(CastBallot{"vote-1", Choice::kFor, {}}, "staff", Role::kSecretariat),
                ErrorCode::kForbidden, "secretariat may not cast_ballot");
  ExpectRefused(d.Try(CastBallot{"vote-1", Choice::kFor, {}}, "expert", Role::kMember),
                ErrorCode::kForbidden, "not a member of body");
  ExpectRefused(d.Try(CastBallot{"vote-1", static_cast<Choice>(9), {}}, "m02", Role::kMember),
                ErrorCode::kInvalidArgument, "unknown choice");
  ExpectRefused(d.Try(CastBallot{"vote-9", Choice::kFor, {}}, "m02", Role::kMember),
                ErrorCode::kNotFound, "vote-9");
  // m03 signs with m02's certificate.
  auto payload =
      BallotPayload("gov-vn", "meeting-1", "vote-1", "m03", "", Choice::kFor, "forged", d.now);
  ExpectRefused(
      d.Try(CastBallot{"vote-1", Choice::kFor, w.SignAs("m02", payload)}, "m03", Role::kMember),
      ErrorCode::kBadSignature, "not enrolled for 'm03'");
  // A signature for "against" presented as "for".
  payload =
      BallotPayload("gov-vn", "meeting-1", "vote-1", "m03", "", Choice::kAgainst, "cmd-x", d.now);
  ExpectRefused(
      d.Try(CastBallot{"vote-1", Choice::kFor, w.SignAs("m03", payload)}, "m03", Role::kMember),
      ErrorCode::kBadSignature, "does not match");
  // A ballot signed for an earlier vote, replayed on this one.
  payload = BallotPayload("gov-vn", "meeting-0", "vote-1", "m03", "", Choice::kFor, "cmd-y", d.now);
  ExpectRefused(
      d.Try(CastBallot{"vote-1", Choice::kFor, w.SignAs("m03", payload)}, "m03", Role::kMember),
      ErrorCode::kBadSignature, "does not match");
  EXPECT_TRUE(d.m.votes.at("vote-1").ballots.empty()) << "no refused ballot was counted";
}

TEST_F(MeetingTest, ASubstituteVotesOnlyWhenThePolicyAllowsAndForTheMemberWhoNamedThem) {
  d.Prepare();
  w.EnrollSubstitute("deputy-4", d.now);
  w.EnrollSubstitute("deputy-5", d.now);
  d.Do(Rsvp{"", RsvpResponse::kSubstitute, "on mission", "deputy-4"}, "m04", Role::kMember);
  d.Open(20);
  d.Do(CheckIn{"", Attendance::kSubstitute}, "deputy-4", Role::kSubstitute, "m04");
  ExpectRefused(d.Try(CheckIn{"", Attendance::kSubstitute}, "deputy-5", Role::kSubstitute, "m05"),
                ErrorCode::kForbidden, "was not named by 'm05'");
  d.OpenVote();
  ExpectRefused(d.Cast("deputy-4", Choice::kFor, Role::kSubstitute, "m04"), ErrorCode::kForbidden,
                "a substitute does not vote under this body's policy");

  // A body that lets substitutes vote, from the next vote on.
  Policy p;
  p.substitutes_may_vote = true;
  w.Admin(directory::SetPolicy{p}, d.now);
  d.Do(CloseVote{"vote-1"}, "pm", Role::kChair);
  d.Do(OpenVote{"vote-2", "Second question"}, "pm", Role::kChair);
  ASSERT_TRUE(d.Cast("deputy-4", Choice::kFor, Role::kSubstitute, "m04", "vote-2").ok());
  ExpectRefused(d.Cast("deputy-4", Choice::kFor, Role::kSubstitute, "m05", "vote-2"),
                ErrorCode::kForbidden, "was not named by 'm05'");
  const Ballot& b = d.m.votes.at("vote-2").ballots.at("m04");
  EXPECT_EQ(b.mode, Attendance::kSubstitute);
  EXPECT_EQ(b.cast_by, "deputy-4");
  EXPECT_EQ(d.m.CountVote(d.m.votes.at("vote-2")).for_substitute, 1u);
}

TEST_F(MeetingTest, AMemberWhoFallsIllMidMeetingNamesASubstituteWhereThePolicyAllowsIt) {
  d.Prepare();
  w.EnrollSubstitute("deputy-4", d.now);
  d.Open(20);
  ExpectRefused(
      d.Try(Rsvp{"", RsvpResponse::kSubstitute, "taken ill", "deputy-4"}, "m04", Role::kMember),
      ErrorCode::kRuleViolation, "does not allow naming a substitute once the session is open");
  ExpectRefused(d.Try(Rsvp{"", RsvpResponse::kInRoom, "", ""}, "m04", Role::kMember),
                ErrorCode::kRuleViolation, "has begun");
  w.Admin(directory::SetPolicy{Policy{}, true}, d.now);
  d.Do(Rsvp{"", RsvpResponse::kSubstitute, "taken ill", "deputy-4"}, "m04", Role::kMember);
  EXPECT_EQ(d.m.substitutes.at("deputy-4"), "m04");
  d.Do(CheckIn{"", Attendance::kSubstitute}, "deputy-4", Role::kSubstitute, "m04");
  EXPECT_EQ(d.m.presence.at("deputy-4").for_member, "m04");
  ExpectRefused(d.Try(Rsvp{"", RsvpResponse::kRemote, "", ""}, "m05", Role::kMember),
                ErrorCode::kRuleViolation, "has begun");
}

TEST_F(MeetingTest, ClosingTheSessionClosesTheItemAndEndsTheMeeting) {
  d.Prepare();
  d.Open(20);
  d.OpenVote();
  ExpectRefused(d.Try(CloseSession{}, "pm", Role::kChair), ErrorCode::kRuleViolation, "close vote");
  d.Do(CloseVote{"vote-1"}, "pm", Role::kChair);
  auto closed = d.Do(CloseSession{}, "pm", Role::kChair);
  ASSERT_EQ(closed.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<ItemClosed>(closed[0]));
  EXPECT_EQ(d.m.status, MeetingStatus::kClosed);
  ExpectRefused(d.Try(Comment{"late"}, "m02", Role::kMember), ErrorCode::kRuleViolation,
                "is closed");
  ExpectRefused(d.Try(Invite{"x", true}, "staff", Role::kSecretariat), ErrorCode::kRuleViolation,
                "is closed");
}

TEST_F(MeetingTest, AuditorsArchivistsAndAdminsChangeNothing) {
  w.Admin(directory::EnrollPerson{"inspector", "Inspector", "", Role::kAuditor}, d.now);
  w.Admin(directory::EnrollPerson{"records", "Records office", "", Role::kArchivist}, d.now);
  for (auto [actor, role] : {std::pair{"inspector", Role::kAuditor},
                             {"records", Role::kArchivist},
                             {"admin", Role::kAdmin}}) {
    ExpectRefused(d.Try(ScheduleMeeting{"m", "t", d.now, d.now + std::chrono::hours(1), "room", ""},
                        actor, role),
                  ErrorCode::kForbidden, "may not schedule_meeting");
  }
  ExpectRefused(d.Try(ScheduleMeeting{"m", "t", d.now, d.now + std::chrono::hours(1), "room", ""},
                      "m02", Role::kSecretariat),
                ErrorCode::kForbidden, "acts as member");
}

}  // namespace
}  // namespace ecab::meeting
