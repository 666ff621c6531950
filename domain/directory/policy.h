// domain/directory/policy.h — a body's rules for quorum, majority, ties,
// silence, remote members, substitutes and confidentiality. Defaults: Vietnam's
// Government, Law on Government Organization 2015, Article 46.
#pragma once

#include <cstdint>
#include <string>

#include "domain/base/enum.h"

namespace ecab {

// Persisted enums: explicit values, never renumbered.
enum class MajorityBasis : std::uint8_t {
  kAllMembers = 1,      // of all members of the body (Article 46)
  kMembersPresent = 2,  // of the members checked in
  kVotesCast = 3,       // of the ballots for and against
};

enum class TieRule : std::uint8_t {
  kChairDecides = 1,  // for == against: the side the chair voted for prevails
  kFails = 2,         // for == against: the motion fails
};

// How a member who did not answer an opinion form counts.
enum class Silence : std::uint8_t {
  kConsent = 1,     // as agreeing
  kAbstention = 2,  // as abstaining: in the base, not in favour
  kNotCounted = 3,  // left out of the base
};

enum class Classification : std::uint8_t {
  kNormal = 1,
  kConfidential = 2,
  kSecret = 3,
  kTopSecret = 4,
};

// When a member's download of a document records the read receipt
// ("studied in advance", meeting.document_studied).
enum class ReadReceipts : std::uint8_t {
  kOnRequest = 1,   // only when the member says for which meeting (?studied_for=, POST …/studied)
  kOnDownload = 2,  // every download, for each scheduled or live meeting whose agenda names it
};

enum class Urgency : std::uint8_t {
  kNormal = 1,
  kUrgent = 2,
  kVeryUrgent = 3,
  kExpress = 4,
};

// True for the values declared above (enums read from requests and records
// may hold any number).
constexpr bool IsValid(MajorityBasis v) {
  return IsOneOf<MajorityBasis::kAllMembers, MajorityBasis::kMembersPresent,
                 MajorityBasis::kVotesCast>(v);
}
constexpr bool IsValid(TieRule v) { return IsOneOf<TieRule::kChairDecides, TieRule::kFails>(v); }
constexpr bool IsValid(Silence v) {
  return IsOneOf<Silence::kConsent, Silence::kAbstention, Silence::kNotCounted>(v);
}
constexpr bool IsValid(Classification v) {
  return IsOneOf<Classification::kNormal, Classification::kConfidential, Classification::kSecret,
                 Classification::kTopSecret>(v);
}
constexpr bool IsValid(ReadReceipts v) {
  return IsOneOf<ReadReceipts::kOnRequest, ReadReceipts::kOnDownload>(v);
}
constexpr bool IsValid(Urgency v) {
  return IsOneOf<Urgency::kNormal, Urgency::kUrgent, Urgency::kVeryUrgent, Urgency::kExpress>(v);
}

std::string ClassificationName(Classification c);
std::string UrgencyName(Urgency u);

// num/den, e.g. 2/3.
struct Fraction {
  std::uint32_t num = 0;
  std::uint32_t den = 1;
  template <class A>
  void serialize(A& ar) {
    ar(num, den);
  }
  friend bool operator==(const Fraction&, const Fraction&) = default;
};

struct Policy {
  Fraction quorum{2, 3};    // at least this share of all members present
  Fraction majority{1, 2};  // more than this share of the basis in favour
  MajorityBasis basis = MajorityBasis::kAllMembers;
  TieRule tie = TieRule::kChairDecides;
  Silence silence = Silence::kNotCounted;
  bool remote_counts_for_quorum = false;
  bool substitutes_may_vote = false;
  bool substitutes_count_for_quorum = false;
  Classification max_classification = Classification::kNormal;  // above it: refused

  template <class A>
  void serialize(A& ar) {
    ar(quorum, majority, basis, tie, silence, remote_counts_for_quorum, substitutes_may_vote,
       substitutes_count_for_quorum, max_classification);
  }
  friend bool operator==(const Policy&, const Policy&) = default;
};

// Valid: fractions in (0, 1], den > 0, enums in range. Returns a reason or "".
std::string PolicyProblem(const Policy& p);

}  // namespace ecab

namespace ecab {

// `share` of `base` as a short decimal: (1/2, 27) -> "13.5", (2/3, 27) -> "18".
std::string FormatShare(const Fraction& share, std::uint32_t base);

// True when `count` is more than `share` of `base`: count * den > num * base.
inline bool MoreThan(std::uint32_t count, const Fraction& share, std::uint32_t base) {
  return static_cast<std::uint64_t>(count) * share.den >
         static_cast<std::uint64_t>(share.num) * base;
}

// True when `count` is at least `share` of `base`: count * den >= num * base.
inline bool AtLeast(std::uint32_t count, const Fraction& share, std::uint32_t base) {
  return static_cast<std::uint64_t>(count) * share.den >=
         static_cast<std::uint64_t>(share.num) * base;
}

}  // namespace ecab
