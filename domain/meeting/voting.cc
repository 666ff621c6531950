#include "domain/meeting/voting.h"

namespace ecab::meeting {
namespace {

// "half", "two thirds", else "n/d".
std::string FractionText(const Fraction& f) {
  if (f.num * 2 == f.den) return "half";
  if (f.num * 3 == f.den * 2) return "two thirds";
  return std::to_string(f.num) + "/" + std::to_string(f.den);
}

}  // namespace

QuorumStatus EvaluateQuorum(std::uint32_t members, std::uint32_t present, const Fraction& quorum) {
  QuorumStatus q;
  q.members = members;
  q.present = present;
  // The least n with n * den >= num * members.
  const std::uint64_t need =
      (static_cast<std::uint64_t>(quorum.num) * members + quorum.den - 1) / quorum.den;
  q.required = static_cast<std::uint32_t>(need);
  q.met = members > 0 && AtLeast(present, quorum, members);
  q.reasoning = std::to_string(present) + " of " + std::to_string(members) + " present; at least " +
                std::to_string(q.required) + " needed; " + (q.met ? "quorum met" : "no quorum");
  return q;
}

VoteOutcome DecideOutcome(const Count& c, const Policy& policy,
                          std::optional<Choice> chair_choice) {
  VoteOutcome o;
  o.electorate = c.electorate;
  o.present = c.present;
  o.for_votes = c.for_votes;
  o.against = c.against;
  o.abstain = c.abstain;
  o.not_voted = c.electorate - (c.for_votes + c.against + c.abstain);
  o.for_in_room = c.for_in_room;
  o.for_remote = c.for_remote;
  o.for_substitute = c.for_substitute;
  switch (policy.basis) {
    case MajorityBasis::kAllMembers:
      o.basis = c.electorate;
      o.rule = "more than " + FractionText(policy.majority) + " of all " +
               std::to_string(c.electorate) + " members";
      break;
    case MajorityBasis::kMembersPresent:
      o.basis = c.present;
      o.rule = "more than " + FractionText(policy.majority) + " of the " +
               std::to_string(c.present) + " members present";
      break;
    case MajorityBasis::kVotesCast:
      o.basis = c.for_votes + c.against;
      o.rule = "more than " + FractionText(policy.majority) + " of the " + std::to_string(o.basis) +
               " ballots for and against";
      break;
  }
  const bool majority = o.basis > 0 && MoreThan(c.for_votes, policy.majority, o.basis);
  o.tie = c.for_votes == c.against && !majority;
  std::string counted =
      std::to_string(c.for_votes) + " of " + std::to_string(o.basis) + " in favour";
  if (c.for_remote + c.for_substitute > 0) {
    counted += " (" + std::to_string(c.for_in_room) + " in the room, " +
               std::to_string(c.for_remote) + " remote";
    if (c.for_substitute > 0)
      counted += ", " + std::to_string(c.for_substitute) + " by substitutes";
    counted += ")";
  }
  if (o.tie && policy.tie == TieRule::kChairDecides) {
    o.passed = chair_choice == Choice::kFor;
    const std::string chair =
        !chair_choice ? "the chair did not vote" : "the chair voted " + ChoiceName(*chair_choice);
    o.rule += "; on a tie, the side the chair voted for prevails";
    o.reasoning = std::to_string(c.for_votes) + " for, " + std::to_string(c.against) +
                  " against: tied; " + chair + "; " + (o.passed ? "passed" : "failed");
    return o;
  }
  o.passed = majority;
  o.reasoning = counted + "; needed more than " + FormatShare(policy.majority, o.basis) + "; " +
                (o.passed ? "passed" : "failed");
  return o;
}

}  // namespace ecab::meeting
