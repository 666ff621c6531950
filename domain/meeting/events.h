// domain/meeting/events.h — meetings (processes 3 and 4): scheduling, agenda,
// invitations, RSVPs and substitutes, preparation, the session with check-in
// and quorum, items, comments, the floor, and votes with signed ballots.
// Stream: "meeting-<id>". Stored format: docs/formats/events.md.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "domain/base/enum.h"
#include "domain/base/time_serialization.h"
#include "domain/codec/codec.h"
#include "domain/directory/policy.h"
#include "domain/signing/signed_act.h"

namespace ecab::meeting {

// Persisted enums: explicit values, never renumbered.
enum class RsvpResponse : std::uint8_t { kInRoom = 1, kRemote = 2, kDecline = 3, kSubstitute = 4 };
enum class Attendance : std::uint8_t { kInRoom = 1, kRemote = 2, kSubstitute = 3, kAbsent = 4 };
enum class Choice : std::uint8_t { kFor = 1, kAgainst = 2, kAbstain = 3 };

constexpr bool IsValid(RsvpResponse v) {
  return IsOneOf<RsvpResponse::kInRoom, RsvpResponse::kRemote, RsvpResponse::kDecline,
                 RsvpResponse::kSubstitute>(v);
}
constexpr bool IsValid(Attendance v) {
  return IsOneOf<Attendance::kInRoom, Attendance::kRemote, Attendance::kSubstitute,
                 Attendance::kAbsent>(v);
}
constexpr bool IsValid(Choice v) {
  return IsOneOf<Choice::kFor, Choice::kAgainst, Choice::kAbstain>(v);
}

std::string ChoiceName(Choice c);          // "for", "against", "abstain"
std::string AttendanceName(Attendance a);  // "in_room", "remote", "substitute", "absent"

struct MeetingScheduled {
  static constexpr std::string_view kType = "meeting.scheduled";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string meeting;
  std::string title;
  Timestamp starts_at;
  Timestamp ends_at;
  std::string place;
  std::string online_link;
  template <class A>
  void serialize(A& ar) {
    ar(meeting, title, starts_at, ends_at, place, online_link);
  }
  friend bool operator==(const MeetingScheduled&, const MeetingScheduled&) = default;
};

struct AgendaItemAdded {
  static constexpr std::string_view kType = "meeting.agenda_item_added";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string item;
  std::string title;
  std::vector<std::string> documents;
  template <class A>
  void serialize(A& ar) {
    ar(item, title, documents);
  }
  friend bool operator==(const AgendaItemAdded&, const AgendaItemAdded&) = default;
};

struct AgendaReordered {
  static constexpr std::string_view kType = "meeting.agenda_reordered";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::vector<std::string> order;  // every item id, in the new order
  template <class A>
  void serialize(A& ar) {
    ar(order);
  }
  friend bool operator==(const AgendaReordered&, const AgendaReordered&) = default;
};

struct ParticipantInvited {
  static constexpr std::string_view kType = "meeting.participant_invited";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string person;
  bool guest = false;  // a non-member participant (expert, ministry official)
  template <class A>
  void serialize(A& ar) {
    ar(person, guest);
  }
  friend bool operator==(const ParticipantInvited&, const ParticipantInvited&) = default;
};

struct RsvpGiven {
  static constexpr std::string_view kType = "meeting.rsvp_given";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string person;
  RsvpResponse response = RsvpResponse::kInRoom;
  std::string reason;      // for a decline or a substitute
  std::string substitute;  // the person sent in their place
  template <class A>
  void serialize(A& ar) {
    ar(person, response, reason, substitute);
  }
  friend bool operator==(const RsvpGiven&, const RsvpGiven&) = default;
};

// An opinion left on an agenda item before the meeting.
struct ItemOpinionGiven {
  static constexpr std::string_view kType = "meeting.item_opinion_given";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string item;
  std::string person;
  std::string on_behalf_of;
  std::string text;
  template <class A>
  void serialize(A& ar) {
    ar(item, person, on_behalf_of, text);
  }
  friend bool operator==(const ItemOpinionGiven&, const ItemOpinionGiven&) = default;
};

struct SpeakerPreRegistered {
  static constexpr std::string_view kType = "meeting.speaker_pre_registered";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string item;
  std::string person;
  std::string on_behalf_of;
  template <class A>
  void serialize(A& ar) {
    ar(item, person, on_behalf_of);
  }
  friend bool operator==(const SpeakerPreRegistered&, const SpeakerPreRegistered&) = default;
};

// A read receipt: studied in advance.
struct DocumentStudied {
  static constexpr std::string_view kType = "meeting.document_studied";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string document;
  std::string person;
  template <class A>
  void serialize(A& ar) {
    ar(document, person);
  }
  friend bool operator==(const DocumentStudied&, const DocumentStudied&) = default;
};

// The chair opened the session; the members in force and the rules are fixed here.
struct SessionOpened {
  static constexpr std::string_view kType = "meeting.session_opened";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string chair;
  std::vector<std::string> members;  // voting members in force, sorted
  Policy policy;
  template <class A>
  void serialize(A& ar) {
    ar(chair, members, policy);
  }
  friend bool operator==(const SessionOpened&, const SessionOpened&) = default;
};

struct CheckedIn {
  static constexpr std::string_view kType = "meeting.checked_in";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string person;  // who is (or is not) there
  Attendance attendance = Attendance::kInRoom;
  std::string for_member;  // with kSubstitute: the member stood in for
  std::string recorded_by;
  template <class A>
  void serialize(A& ar) {
    ar(person, attendance, for_member, recorded_by);
  }
  friend bool operator==(const CheckedIn&, const CheckedIn&) = default;
};

struct ItemTakenUp {
  static constexpr std::string_view kType = "meeting.item_taken_up";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string item;
  template <class A>
  void serialize(A& ar) {
    ar(item);
  }
  friend bool operator==(const ItemTakenUp&, const ItemTakenUp&) = default;
};

struct ItemClosed {
  static constexpr std::string_view kType = "meeting.item_closed";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string item;
  template <class A>
  void serialize(A& ar) {
    ar(item);
  }
  friend bool operator==(const ItemClosed&, const ItemClosed&) = default;
};

struct CommentPosted {
  static constexpr std::string_view kType = "meeting.comment_posted";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string item;
  std::string person;
  std::string on_behalf_of;
  std::string text;
  template <class A>
  void serialize(A& ar) {
    ar(item, person, on_behalf_of, text);
  }
  friend bool operator==(const CommentPosted&, const CommentPosted&) = default;
};

struct FloorRequested {
  static constexpr std::string_view kType = "meeting.floor_requested";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string item;
  std::string person;
  std::string on_behalf_of;
  template <class A>
  void serialize(A& ar) {
    ar(item, person, on_behalf_of);
  }
  friend bool operator==(const FloorRequested&, const FloorRequested&) = default;
};

struct FloorRequestWithdrawn {
  static constexpr std::string_view kType = "meeting.floor_request_withdrawn";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string person;
  template <class A>
  void serialize(A& ar) {
    ar(person);
  }
  friend bool operator==(const FloorRequestWithdrawn&, const FloorRequestWithdrawn&) = default;
};

struct FloorGranted {
  static constexpr std::string_view kType = "meeting.floor_granted";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string person;
  template <class A>
  void serialize(A& ar) {
    ar(person);
  }
  friend bool operator==(const FloorGranted&, const FloorGranted&) = default;
};

struct FloorEnded {
  static constexpr std::string_view kType = "meeting.floor_ended";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string person;
  template <class A>
  void serialize(A& ar) {
    ar(person);
  }
  friend bool operator==(const FloorEnded&, const FloorEnded&) = default;
};

// The chair opened a vote. The electorate (members in force), who was
// present, and the rules are fixed here so the outcome follows from the
// meeting's own events.
struct VoteOpened {
  static constexpr std::string_view kType = "meeting.vote_opened";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string vote;
  std::string item;
  std::string question;
  std::string chair;
  std::vector<std::string> electorate;
  std::uint32_t present = 0;
  Policy policy;
  template <class A>
  void serialize(A& ar) {
    ar(vote, item, question, chair, electorate, present, policy);
  }
  friend bool operator==(const VoteOpened&, const VoteOpened&) = default;
};

// Signed: kind "ballot", object "<meeting>/<vote>", choice = ChoiceName.
// A later ballot by the same voter replaces the earlier one in the count.
struct BallotCast {
  static constexpr std::string_view kType = "meeting.ballot_cast";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string vote;
  std::string voter;    // the member whose ballot this is
  std::string cast_by;  // the voter, or their substitute
  Choice choice = Choice::kAbstain;
  Attendance mode = Attendance::kInRoom;  // in room, remote or substitute
  SignedAct signature;
  template <class A>
  void serialize(A& ar) {
    ar(vote, voter, cast_by, choice, mode, signature);
  }
  friend bool operator==(const BallotCast&, const BallotCast&) = default;
};

struct VoteOutcome {
  std::uint32_t electorate = 0;
  std::uint32_t present = 0;
  std::uint32_t for_votes = 0;
  std::uint32_t against = 0;
  std::uint32_t abstain = 0;
  std::uint32_t not_voted = 0;
  std::uint32_t for_in_room = 0;
  std::uint32_t for_remote = 0;
  std::uint32_t for_substitute = 0;
  std::uint32_t basis = 0;  // what the majority is taken of
  bool tie = false;
  bool passed = false;
  std::string rule;       // "more than half of all 27 members"
  std::string reasoning;  // "25 of 27 in favour; needed more than 13.5; passed"
  template <class A>
  void serialize(A& ar) {
    ar(electorate, present, for_votes, against, abstain, not_voted, for_in_room, for_remote,
       for_substitute, basis, tie, passed, rule, reasoning);
  }
  friend bool operator==(const VoteOutcome&, const VoteOutcome&) = default;
};

struct VoteClosed {
  static constexpr std::string_view kType = "meeting.vote_closed";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string vote;
  VoteOutcome outcome;
  template <class A>
  void serialize(A& ar) {
    ar(vote, outcome);
  }
  friend bool operator==(const VoteClosed&, const VoteClosed&) = default;
};

struct SessionClosed {
  static constexpr std::string_view kType = "meeting.session_closed";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string by;
  template <class A>
  void serialize(A& ar) {
    ar(by);
  }
  friend bool operator==(const SessionClosed&, const SessionClosed&) = default;
};

using MeetingEvent =
    std::variant<MeetingScheduled, AgendaItemAdded, AgendaReordered, ParticipantInvited, RsvpGiven,
                 ItemOpinionGiven, SpeakerPreRegistered, DocumentStudied, SessionOpened, CheckedIn,
                 ItemTakenUp, ItemClosed, CommentPosted, FloorRequested, FloorRequestWithdrawn,
                 FloorGranted, FloorEnded, VoteOpened, BallotCast, VoteClosed, SessionClosed>;

const EventDecoder<MeetingEvent>& MeetingDecoder();

}  // namespace ecab::meeting
