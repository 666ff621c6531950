// domain/meeting/voting.h — the body's voting rules as pure arithmetic:
// quorum and the outcome of a vote, each with the reasoning shown.
#pragma once

#include <optional>
#include <string>

#include "domain/directory/policy.h"
#include "domain/meeting/events.h"

namespace ecab::meeting {

struct QuorumStatus {
  std::uint32_t members = 0;   // all members in force
  std::uint32_t present = 0;   // those who count as present under the policy
  std::uint32_t required = 0;  // the least number present that makes a quorum
  bool met = false;
  std::string reasoning;  // "21 of 27 present; at least 18 needed; quorum met"
};

QuorumStatus EvaluateQuorum(std::uint32_t members, std::uint32_t present, const Fraction& quorum);

// Counts of one vote, by choice and by mode of the ballots in favour.
struct Count {
  std::uint32_t electorate = 0;
  std::uint32_t present = 0;
  std::uint32_t for_votes = 0;
  std::uint32_t against = 0;
  std::uint32_t abstain = 0;
  std::uint32_t for_in_room = 0;
  std::uint32_t for_remote = 0;
  std::uint32_t for_substitute = 0;
};

// The outcome under `policy`: passed when the ballots for are more than
// policy.majority of the basis; when for == against and the tie rule is
// kChairDecides, the side the chair voted for prevails (no ballot from the
// chair, or an abstention, fails it).
VoteOutcome DecideOutcome(const Count& count, const Policy& policy,
                          std::optional<Choice> chair_choice);

}  // namespace ecab::meeting
