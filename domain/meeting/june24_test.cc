// Acceptance: the first e-Cabinet session, 24 June 2019, through the
// deciders. 27 members; 21 checked in, 6 absent of whom 4 vote remotely; 25 in
// favour; the resolution passes, the Prime Minister signs it with a real
// certificate, and it is promulgated.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "domain/meeting/testing.h"
#include "domain/resolution/resolution.h"
#include "domain/signing/verify.h"

namespace ecab {
namespace {

using meeting::Attendance;
using meeting::Choice;
using testing::MeetingDriver;
using testing::World;

nlohmann::json Fixture(const char* name) {
  std::ifstream in(std::string(ECAB_FIXTURES_DIR) + "/" + name);
  return nlohmann::json::parse(in);
}

std::vector<std::string> Strings(const nlohmann::json& j) {
  return j.get<std::vector<std::string>>();
}

TEST(June24Session, TheRecordOfTheFirstECabinetSessionIsReproduced) {
  const auto cabinet = Fixture("cabinet-2019.json");
  const auto session = Fixture("session-2019-06-24.json");
  std::vector<std::string> ids;
  for (const auto& m : cabinet["members"]) ids.push_back(m["id"]);
  ASSERT_EQ(ids.front(), "pm");
  World w(ids, testing::KeyType::kEd25519);
  MeetingDriver d(w);
  d.Prepare();
  const auto in_room = Strings(session["present_in_room"]);
  const auto absent = Strings(session["absent"]);
  const auto remote = Strings(session["remote_ballots"]);
  const auto in_favour = Strings(session["ballots"]["for"]);

  d.Do(meeting::OpenSession{}, "pm", Role::kChair);
  for (const auto& id : in_room) d.CheckIn(id, Attendance::kInRoom);
  for (const auto& id : absent) d.CheckIn(id, Attendance::kAbsent);
  const meeting::QuorumStatus quorum = d.m.Quorum();
  EXPECT_EQ(quorum.present, 21u);
  EXPECT_EQ(quorum.required, session["expected"]["quorum_needed"].get<std::uint32_t>());
  EXPECT_TRUE(quorum.met);

  d.Do(meeting::TakeUpItem{"item-1"}, "pm", Role::kChair);
  d.Do(meeting::OpenVote{"vote-1", session["question"].get<std::string>()}, "pm", Role::kChair);
  for (const auto& id : in_favour) {
    auto cast = d.Cast(id, Choice::kFor, testing::RoleOf(id));
    ASSERT_TRUE(cast.ok()) << id << ": " << ToString(cast.error());
  }
  auto closed = d.Do(meeting::CloseVote{"vote-1"}, "pm", Role::kChair);
  ASSERT_EQ(closed.size(), 1u);
  const meeting::VoteOutcome outcome = std::get<meeting::VoteClosed>(closed[0]).outcome;
  EXPECT_EQ(outcome.electorate, 27u);
  EXPECT_EQ(outcome.for_votes, 25u);
  EXPECT_EQ(outcome.for_in_room, 21u);
  EXPECT_EQ(outcome.for_remote, 4u);
  EXPECT_EQ(outcome.not_voted, 2u);
  EXPECT_TRUE(outcome.passed);
  EXPECT_EQ(outcome.rule, "more than half of all 27 members");
  EXPECT_EQ(outcome.reasoning,
            "25 of 27 in favour (21 in the room, 4 remote); needed more than 13.5; passed");
  for (const auto& id : remote) {
    EXPECT_EQ(d.m.votes.at("vote-1").ballots.at(id).mode, Attendance::kRemote) << id;
  }
  d.Do(meeting::CloseSession{}, "pm", Role::kChair);

  // Process 5: draft, submit, the chair signs on a mobile device, number, promulgate.
  resolution::Resolution r;
  auto apply = [&](const resolution::ResolutionCommand& c, const std::string& actor, Role role,
                   const std::string& id) {
    auto events = resolution::Decide(r, c, w.Ctx(actor, role, d.now, id), w.body, &outcome);
    ASSERT_TRUE(events.ok()) << ToString(events.error());
    for (const auto& e : *events) r = resolution::Evolve(std::move(r), e);
  };
  apply(resolution::DraftResolution{"nq-2019-eid", session["question_vi"],
                                    "Chính phủ quyết nghị: …", "meeting-1", "vote-1"},
        "staff", Role::kSecretariat, "draft");
  apply(resolution::SubmitResolution{}, "staff", Role::kSecretariat, "submit");
  const auto payload = resolution::SignaturePayload("gov-vn", r, "pm", "sign", d.now);
  apply(resolution::SignResolution{w.SignAs("pm", payload)}, "pm", Role::kChair, "sign");
  ASSERT_EQ(r.status, resolution::ResolutionStatus::kSigned);
  auto numbered = directory::Decide(w.body, directory::AssignResolutionNumber{"nq-2019-eid", 2019},
                                    w.Ctx("staff", Role::kSecretariat, d.now, "number"));
  ASSERT_TRUE(numbered.ok()) << ToString(numbered.error());
  for (const auto& e : *numbered) w.body = directory::Evolve(std::move(w.body), e);
  apply(resolution::PromulgateResolution{}, "staff", Role::kSecretariat, "promulgate");
  EXPECT_EQ(r.status, resolution::ResolutionStatus::kPromulgated);
  EXPECT_EQ(r.number, "1/NQ-CP");
  EXPECT_EQ(r.signature->signer, session["expected"]["signed_by"].get<std::string>());

  // Replay: every signature in the log verifies again, from the events alone.
  int ballots = 0;
  for (std::size_t i = 0; i < d.log.size(); ++i) {
    const auto* b = std::get_if<meeting::BallotCast>(&d.log[i]);
    if (b == nullptr) continue;
    const auto p = meeting::BallotPayload("gov-vn", "meeting-1", b->vote, b->cast_by,
                                          b->cast_by == b->voter ? "" : b->voter, b->choice,
                                          d.log_command_ids[i], b->signature.signed_at);
    EXPECT_TRUE(w.body.VerifyAct(b->cast_by, b->signature, CanonicalJson(p)).ok()) << b->voter;
    ++ballots;
  }
  EXPECT_EQ(ballots, 25);
  const auto signed_payload =
      resolution::SignaturePayload("gov-vn", r, "pm", "sign", r.signature->signature.signed_at);
  EXPECT_TRUE(w.body.VerifyAct("pm", r.signature->signature, CanonicalJson(signed_payload)).ok());
}

}  // namespace
}  // namespace ecab
