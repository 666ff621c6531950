// domain/directory/events.h — the body (a collegial organ) and who belongs to it.
// Stored format: docs/formats/events.md. Never rename kType or reorder fields;
// a change of meaning bumps kSchemaVersion and adds an upcaster.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "domain/codec/codec.h"

namespace ecab::directory {

// Persisted: explicit values, never renumbered.
enum class Role : std::uint8_t {
  kMember = 1,
  kChair = 2,
  kSecretariat = 3,
  kSubstitute = 4,
  kAuditor = 5,
  kArchivist = 6,
  kAdmin = 7,
};

// "member", "chair", … as written in envelopes and fixtures.
std::string_view RoleName(Role role);
// Inverse of RoleName; kInvalidArgument for an unknown name.
Result<Role> ParseRole(std::string_view name);

// A body was founded: the Government, a People's Committee, a board.
struct BodyCreated {
  static constexpr std::string_view kType = "body.created";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string body;               // stable id, e.g. "gov-vn"
  std::string name;
  std::string name_vi;
  std::string resolution_suffix;  // e.g. "NQ-CP" in "12/NQ-CP"
  template <class Archive>
  void serialize(Archive& ar) { ar(body, name, name_vi, resolution_suffix); }
  friend bool operator==(const BodyCreated&, const BodyCreated&) = default;
};

// A person took up an office in the body with a role.
struct MemberEnrolled {
  static constexpr std::string_view kType = "body.member_enrolled";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string person;     // stable id, e.g. "pm"
  std::string office;
  std::string office_vi;
  Role role = Role::kMember;
  template <class Archive>
  void serialize(Archive& ar) { ar(person, office, office_vi, role); }
  friend bool operator==(const MemberEnrolled&, const MemberEnrolled&) = default;
};

using DirectoryEvent = std::variant<BodyCreated, MemberEnrolled>;

// Decoder for every schema version of every directory event ever written.
const EventDecoder<DirectoryEvent>& DirectoryDecoder();

}  // namespace ecab::directory
