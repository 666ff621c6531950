// api/enums.h — the wire names of the domain's enums, in one table each: the
// schema lists them (so a request with another value is refused before it
// reaches here) and the routes parse them.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/base/roles.h"
#include "domain/directory/events.h"
#include "domain/directory/policy.h"
#include "domain/forms/events.h"
#include "domain/meeting/events.h"

namespace ecab::api {

template <class E>
class EnumNames {
 public:
  EnumNames(std::initializer_list<E> values, std::string (*name)(E)) {
    for (E v : values) entries_.emplace_back(name(v), v);
  }
  explicit EnumNames(std::vector<std::pair<std::string, E>> entries)
      : entries_(std::move(entries)) {}

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [n, v] : entries_) out.push_back(n);
    return out;
  }
  // The value named `name`, or nullopt.
  std::optional<E> Find(const std::string& name) const {
    for (const auto& [n, v] : entries_) {
      if (n == name) return v;
    }
    return std::nullopt;
  }
  std::string Name(E value) const {
    for (const auto& [n, v] : entries_) {
      if (v == value) return n;
    }
    return "";
  }

 private:
  std::vector<std::pair<std::string, E>> entries_;
};

// A person's language for messages: "vi" or "en" (the values are the names).
inline const EnumNames<std::string>& Languages() {
  static const EnumNames<std::string> names({{"vi", "vi"}, {"en", "en"}});
  return names;
}
inline const EnumNames<Role>& Roles() {
  static const EnumNames<Role> names(
      {Role::kMember, Role::kChair, Role::kSecretariat, Role::kSubstitute, Role::kAuditor,
       Role::kArchivist, Role::kAdmin},
      [](Role r) { return std::string(RoleName(r)); });
  return names;
}
inline const EnumNames<directory::BodyKind>& BodyKinds() {
  using K = directory::BodyKind;
  static const EnumNames<K> names(
      {K::kCabinet, K::kMinistryBoard, K::kPeoplesCommittee, K::kCouncil, K::kOther},
      &directory::BodyKindName);
  return names;
}
inline const EnumNames<Classification>& Classifications() {
  static const EnumNames<Classification> names(
      {Classification::kNormal, Classification::kConfidential, Classification::kSecret,
       Classification::kTopSecret},
      &ClassificationName);
  return names;
}
inline const EnumNames<Urgency>& Urgencies() {
  static const EnumNames<Urgency> names(
      {Urgency::kNormal, Urgency::kUrgent, Urgency::kVeryUrgent, Urgency::kExpress}, &UrgencyName);
  return names;
}
inline const EnumNames<forms::Answer>& Answers() {
  static const EnumNames<forms::Answer> names(
      {forms::Answer::kAgree, forms::Answer::kDisagree, forms::Answer::kAgreeWithComments,
       forms::Answer::kOther},
      &forms::AnswerName);
  return names;
}
inline const EnumNames<meeting::Choice>& Choices() {
  static const EnumNames<meeting::Choice> names(
      {meeting::Choice::kFor, meeting::Choice::kAgainst, meeting::Choice::kAbstain},
      &meeting::ChoiceName);
  return names;
}
inline const EnumNames<meeting::Attendance>& Attendances() {
  static const EnumNames<meeting::Attendance> names(
      {meeting::Attendance::kInRoom, meeting::Attendance::kRemote, meeting::Attendance::kSubstitute,
       meeting::Attendance::kAbsent},
      &meeting::AttendanceName);
  return names;
}
inline const EnumNames<meeting::RsvpResponse>& RsvpResponses() {
  static const EnumNames<meeting::RsvpResponse> names(
      std::vector<std::pair<std::string, meeting::RsvpResponse>>{
          {"in_room", meeting::RsvpResponse::kInRoom},
          {"remote", meeting::RsvpResponse::kRemote},
          {"decline", meeting::RsvpResponse::kDecline},
          {"substitute", meeting::RsvpResponse::kSubstitute}});
  return names;
}

inline const EnumNames<MajorityBasis>& MajorityBases() {
  static const EnumNames<MajorityBasis> names(std::vector<std::pair<std::string, MajorityBasis>>{
      {"all_members", MajorityBasis::kAllMembers},
      {"members_present", MajorityBasis::kMembersPresent},
      {"votes_cast", MajorityBasis::kVotesCast}});
  return names;
}
inline const EnumNames<TieRule>& TieRules() {
  static const EnumNames<TieRule> names(std::vector<std::pair<std::string, TieRule>>{
      {"chair_decides", TieRule::kChairDecides}, {"fails", TieRule::kFails}});
  return names;
}
inline const EnumNames<Silence>& Silences() {
  static const EnumNames<Silence> names(
      std::vector<std::pair<std::string, Silence>>{{"consent", Silence::kConsent},
                                                   {"abstention", Silence::kAbstention},
                                                   {"not_counted", Silence::kNotCounted}});
  return names;
}
inline const EnumNames<ReadReceipts>& ReadReceiptModes() {
  static const EnumNames<ReadReceipts> names(std::vector<std::pair<std::string, ReadReceipts>>{
      {"on_request", ReadReceipts::kOnRequest}, {"on_download", ReadReceipts::kOnDownload}});
  return names;
}

}  // namespace ecab::api
