// The body's voting rules as a table (Law on Government Organization 2015,
// Article 46, and the configurable variants).
#include "domain/meeting/voting.h"

#include <gtest/gtest.h>

#include "domain/forms/form.h"

namespace ecab::meeting {
namespace {

TEST(Quorum, TwoThirdsOfAllMembersTable) {
  struct Row {
    std::uint32_t members, present;
    bool met;
    std::uint32_t required;
  };
  for (const Row& r : std::vector<Row>{{27, 17, false, 18},
                                       {27, 18, true, 18},
                                       {27, 21, true, 18},
                                       {27, 27, true, 18},
                                       {27, 0, false, 18},
                                       {26, 17, false, 18},
                                       {26, 18, true, 18},
                                       {3, 2, true, 2},
                                       {0, 0, false, 0}}) {
    const QuorumStatus q = EvaluateQuorum(r.members, r.present, Fraction{2, 3});
    EXPECT_EQ(q.met, r.met) << r.present << " of " << r.members;
    EXPECT_EQ(q.required, r.required) << r.present << " of " << r.members;
  }
  EXPECT_EQ(EvaluateQuorum(27, 21, {2, 3}).reasoning,
            "21 of 27 present; at least 18 needed; quorum met");
  EXPECT_EQ(EvaluateQuorum(27, 17, {2, 3}).reasoning,
            "17 of 27 present; at least 18 needed; no quorum");
}

struct VoteRow {
  const char* name;
  std::uint32_t for_votes, against, abstain;
  std::optional<Choice> chair;
  MajorityBasis basis;
  std::uint32_t present;
  bool passed;
  bool tie;
};

TEST(Outcome, MajorityOfAllMembersAndTiesTable) {
  const std::vector<VoteRow> rows = {
      {"13 of 27 is not more than half", 13, 0, 0, Choice::kFor, MajorityBasis::kAllMembers, 27,
       false, false},
      {"14 of 27 is more than half", 14, 0, 0, Choice::kFor, MajorityBasis::kAllMembers, 27, true,
       false},
      {"13 for of 20 present fails on all members", 13, 7, 0, Choice::kFor,
       MajorityBasis::kAllMembers, 20, false, false},
      {"13 for of 20 present passes on present", 13, 7, 0, Choice::kFor,
       MajorityBasis::kMembersPresent, 20, true, false},
      {"10 for 8 against passes on votes cast", 10, 8, 5, Choice::kAgainst,
       MajorityBasis::kVotesCast, 23, true, false},
      {"tie, chair for: passes below the majority", 12, 12, 3, Choice::kFor,
       MajorityBasis::kAllMembers, 27, true, true},
      {"tie, chair against: fails", 12, 12, 3, Choice::kAgainst, MajorityBasis::kAllMembers, 27,
       false, true},
      {"tie, chair abstains: fails", 12, 12, 3, Choice::kAbstain, MajorityBasis::kAllMembers, 27,
       false, true},
      {"tie, chair did not vote: fails", 12, 12, 2, std::nullopt, MajorityBasis::kAllMembers, 27,
       false, true},
      {"tie on votes cast, chair for: passes", 9, 9, 0, Choice::kFor, MajorityBasis::kVotesCast, 18,
       true, true},
      {"nobody voted: fails", 0, 0, 0, std::nullopt, MajorityBasis::kAllMembers, 27, false, true},
      {"25 of 27 (24 June 2019)", 25, 0, 0, Choice::kFor, MajorityBasis::kAllMembers, 21, true,
       false},
  };
  for (const VoteRow& r : rows) {
    Policy policy;
    policy.basis = r.basis;
    Count c{27, r.present, r.for_votes, r.against, r.abstain, r.for_votes, 0, 0};
    const VoteOutcome o = DecideOutcome(c, policy, r.chair);
    EXPECT_EQ(o.passed, r.passed) << r.name << ": " << o.reasoning;
    EXPECT_EQ(o.tie, r.tie) << r.name;
    EXPECT_EQ(o.not_voted, 27 - r.for_votes - r.against - r.abstain) << r.name;
  }
}

TEST(Outcome, ATieFailsUnderTheFailsTieRuleWhateverTheChairDid) {
  Policy policy;
  policy.tie = TieRule::kFails;
  const VoteOutcome o = DecideOutcome(Count{27, 27, 12, 12, 3, 12, 0, 0}, policy, Choice::kFor);
  EXPECT_FALSE(o.passed);
}

TEST(Outcome, ReasoningShowsTheArithmeticAndTheRule) {
  const VoteOutcome o = DecideOutcome(Count{27, 21, 25, 0, 0, 21, 4, 0}, Policy{}, Choice::kFor);
  EXPECT_EQ(o.rule, "more than half of all 27 members");
  EXPECT_EQ(o.reasoning,
            "25 of 27 in favour (21 in the room, 4 remote); needed more than 13.5; passed");
  const VoteOutcome tie = DecideOutcome(Count{27, 27, 12, 12, 3, 12, 0, 0}, Policy{}, Choice::kFor);
  EXPECT_EQ(tie.reasoning, "12 for, 12 against: tied; the chair voted for; passed");
}

// Silence on opinion forms, counted each way: 27 addressed, 12 agree, 3 agree
// with comments, 4 disagree, 8 silent.
TEST(Silence, CountedAsConsentAbstentionOrNotAtAll) {
  struct Row {
    Silence silence;
    std::uint32_t in_favour, base;
    bool adopted;
  };
  for (const Row& r : std::vector<Row>{{Silence::kConsent, 23, 27, true},
                                       {Silence::kAbstention, 15, 27, true},
                                       {Silence::kNotCounted, 15, 19, true}}) {
    forms::Form f;
    f.status = forms::FormStatus::kIssued;
    f.issued = forms::FormIssued{{}, {}, Urgency::kNormal, r.silence, Fraction{1, 2}};
    for (int i = 0; i < 27; ++i) f.issued->addressees.push_back("p" + std::to_string(i));
    for (int i = 0; i < 19; ++i) {
      const auto a = i < 12   ? forms::Answer::kAgree
                     : i < 15 ? forms::Answer::kAgreeWithComments
                              : forms::Answer::kDisagree;
      f.answers["p" + std::to_string(i)] = forms::MemberAnswer{a, "", 1};
    }
    const forms::FormResult result = forms::Tally(f);
    EXPECT_EQ(result.silent, 8u);
    EXPECT_EQ(result.in_favour, r.in_favour);
    EXPECT_EQ(result.base, r.base);
    EXPECT_EQ(result.adopted, r.adopted) << result.reasoning;
  }
  // 13 in favour of 27 under abstention fails; the same answers pass when silence is not counted.
  forms::Form f;
  f.status = forms::FormStatus::kIssued;
  f.issued = forms::FormIssued{{}, {}, Urgency::kNormal, Silence::kAbstention, Fraction{1, 2}};
  for (int i = 0; i < 27; ++i) f.issued->addressees.push_back("p" + std::to_string(i));
  for (int i = 0; i < 20; ++i) {
    f.answers["p" + std::to_string(i)] =
        forms::MemberAnswer{i < 13 ? forms::Answer::kAgree : forms::Answer::kDisagree, "", 1};
  }
  EXPECT_FALSE(forms::Tally(f).adopted) << forms::Tally(f).reasoning;
  f.issued->silence = Silence::kNotCounted;
  EXPECT_TRUE(forms::Tally(f).adopted) << forms::Tally(f).reasoning;
  EXPECT_EQ(forms::Tally(f).reasoning,
            "13 of 20 in favour (7 silent, silence is not counted); needed more than 10; adopted");
}

}  // namespace
}  // namespace ecab::meeting
