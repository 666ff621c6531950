// domain/meeting/meeting.h — the meeting aggregate (processes 3 and 4):
// state, commands, the decider and the fold.
#pragma once

#include <cereal/types/map.hpp>
#include <cereal/types/set.hpp>
#include <cereal/types/utility.hpp>
#include <map>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "domain/authz/action.h"
#include "domain/base/context.h"
#include "domain/directory/body.h"
#include "domain/meeting/events.h"
#include "domain/meeting/voting.h"

namespace ecab::meeting {

enum class MeetingStatus : std::uint8_t { kNone, kScheduled, kOpen, kClosed };

struct Item {
  std::string id;
  std::string title;
  std::vector<std::string> documents;
  bool closed = false;
  template <class A>
  void serialize(A& ar) {
    ar(id, title, documents, closed);
  }
};

struct Invitation {
  bool guest = false;
  std::optional<RsvpGiven> rsvp;
  template <class A>
  void serialize(A& ar) {
    ar(guest, rsvp);
  }
};

struct Presence {
  Attendance attendance = Attendance::kAbsent;
  std::string for_member;  // for a substitute
  template <class A>
  void serialize(A& ar) {
    ar(attendance, for_member);
  }
};

struct FloorRequest {
  std::string person;
  std::string on_behalf_of;
  std::string item;
  template <class A>
  void serialize(A& ar) {
    ar(person, on_behalf_of, item);
  }
};

struct Ballot {
  Choice choice = Choice::kAbstain;
  Attendance mode = Attendance::kInRoom;
  std::string cast_by;
  std::uint32_t changes = 0;  // how often it was changed after the first
  template <class A>
  void serialize(A& ar) {
    ar(choice, mode, cast_by, changes);
  }
};

struct Vote {
  VoteOpened opened;
  std::map<std::string, Ballot> ballots;  // by voter: the one that counts
  std::optional<VoteOutcome> outcome;     // when closed
  template <class A>
  void serialize(A& ar) {
    ar(opened, ballots, outcome);
  }
};

// Who attends, by person: a later check-in of the same person replaces the
// earlier one, so each person counts once. The one count the views, explain
// and the minutes all show.
struct AttendanceSummary {
  std::uint32_t in_room = 0;
  std::uint32_t remote = 0;
  std::uint32_t substitute = 0;
  std::uint32_t absent = 0;
  // "25 in the room, 1 remote, 1 substitute, 0 absent"
  std::string Sentence() const;
  friend bool operator==(const AttendanceSummary&, const AttendanceSummary&) = default;
};

struct Meeting {
  MeetingStatus status = MeetingStatus::kNone;
  MeetingScheduled schedule;
  std::vector<Item> agenda;  // in the current order
  std::map<std::string, Invitation> invited;
  std::map<std::string, std::string> substitutes;  // substitute -> the member who named them
  std::vector<ItemOpinionGiven> opinions;
  std::vector<SpeakerPreRegistered> pre_registered;
  std::set<std::pair<std::string, std::string>> studied;  // (document, person)
  std::optional<SessionOpened> session;
  std::map<std::string, Presence> presence;  // by person checked in
  std::string current_item;
  std::vector<CommentPosted> comments;
  std::vector<FloorRequest> floor_queue;
  std::string speaker;
  std::map<std::string, Vote> votes;
  std::string open_vote;

  // The whole state, for projections that keep it between runs (not an event:
  // free to change with the code, rebuilt from the log when it does).
  template <class A>
  void serialize(A& ar) {
    ar(status, schedule, agenda, invited, substitutes, opinions, pre_registered, studied, session,
       presence, current_item, comments, floor_queue, speaker, votes, open_vote);
  }

  const Item* FindItem(std::string_view id) const;
  // Whether an item of the agenda names `document`.
  bool NamesDocument(std::string_view document) const;
  // Live quorum over the members fixed at session opening.
  QuorumStatus Quorum() const;
  // The count of `vote` so far.
  Count CountVote(const Vote& vote) const;
  // Attendance as it stands, each person once.
  AttendanceSummary Attendees() const;
};

// Commands.
struct ScheduleMeeting {
  static constexpr Action kAction = Action::kScheduleMeeting;
  std::string meeting, title;
  Timestamp starts_at, ends_at;
  std::string place, online_link;
};
struct AddAgendaItem {
  static constexpr Action kAction = Action::kAddAgendaItem;
  std::string item, title;
  std::vector<std::string> documents;
};
struct ReorderAgenda {
  static constexpr Action kAction = Action::kReorderAgenda;
  std::vector<std::string> order;
};
struct Invite {
  static constexpr Action kAction = Action::kInvite;
  std::string person;
  bool guest = false;
};
struct Rsvp {
  static constexpr Action kAction = Action::kRsvp;
  std::string person;  // empty: the actor; the secretariat may record for another
  RsvpResponse response = RsvpResponse::kInRoom;
  std::string reason, substitute;
};
struct GiveItemOpinion {
  static constexpr Action kAction = Action::kGiveItemOpinion;
  std::string item, text;
};
struct PreRegisterToSpeak {
  static constexpr Action kAction = Action::kPreRegisterToSpeak;
  std::string item;
};
struct MarkDocumentStudied {
  static constexpr Action kAction = Action::kMarkDocumentStudied;
  std::string document;
};
struct OpenSession {
  static constexpr Action kAction = Action::kOpenSession;
};
struct CheckIn {
  static constexpr Action kAction = Action::kCheckIn;
  std::string person;  // empty: the actor; the secretariat records for others
  Attendance attendance = Attendance::kInRoom;
};
struct TakeUpItem {
  static constexpr Action kAction = Action::kTakeUpItem;
  std::string item;
};
struct CloseItem {
  static constexpr Action kAction = Action::kCloseItem;
};
struct Comment {
  static constexpr Action kAction = Action::kComment;
  std::string text;
};
struct RequestFloor {
  static constexpr Action kAction = Action::kRequestFloor;
};
struct WithdrawFloorRequest {
  static constexpr Action kAction = Action::kWithdrawFloorRequest;
};
struct GrantFloor {
  static constexpr Action kAction = Action::kGrantFloor;
  std::string person;
};
struct EndFloor {
  static constexpr Action kAction = Action::kEndFloor;
};
struct OpenVote {
  static constexpr Action kAction = Action::kOpenVote;
  std::string vote, question;
};
struct CastBallot {
  static constexpr Action kAction = Action::kCastBallot;
  std::string vote;
  Choice choice = Choice::kAbstain;
  SignedAct signature;
};
struct CloseVote {
  static constexpr Action kAction = Action::kCloseVote;
  std::string vote;
};
struct CloseSession {
  static constexpr Action kAction = Action::kCloseSession;
};
using MeetingCommand =
    std::variant<ScheduleMeeting, AddAgendaItem, ReorderAgenda, Invite, Rsvp, GiveItemOpinion,
                 PreRegisterToSpeak, MarkDocumentStudied, OpenSession, CheckIn, TakeUpItem,
                 CloseItem, Comment, RequestFloor, WithdrawFloorRequest, GrantFloor, EndFloor,
                 OpenVote, CastBallot, CloseVote, CloseSession>;

// The payload a ballot signs (docs/formats/signing.md): object "<meeting>/<vote>".
SigningPayload BallotPayload(std::string_view body, std::string_view meeting, std::string_view vote,
                             std::string_view signer, std::string_view on_behalf_of, Choice choice,
                             std::string_view command_id, Timestamp time);

[[nodiscard]] Result<std::vector<MeetingEvent>> Decide(const Meeting& state,
                                                       const MeetingCommand& command,
                                                       const CommandContext& ctx,
                                                       const directory::Body& body);
Meeting Evolve(Meeting state, const MeetingEvent& event);

}  // namespace ecab::meeting
