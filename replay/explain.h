// replay/explain.h — how a resolution (or a vote, or an opinion form) came
// about, in log order, from the log alone: drafts and their authors, the
// opinions given on drafts, the meeting and its attendance, the quorum when
// the vote opened, each ballot (voter, time, mode, signature re-checked,
// changes), the tally and the rule that decided it, the chair's signature,
// promulgation. Told as typed stories, read from the streams that matter
// (the object's, those it refers to, and its body's for the certificates),
// then rendered as JSON for programs and as text for people. Attendance is
// each person once, from meeting::Meeting::Attendees(), as the views and
// minutes show it.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/forms/events.h"
#include "domain/meeting/meeting.h"
#include "eventstore/event_store.h"

namespace ecab::replay {

// An event the story could not read: never skipped in silence.
struct StoryFinding {
  std::uint64_t position = 0;
  std::string stream, type, reason;
};

struct CheckInStory {
  std::string person, for_member;
  meeting::Attendance attendance = meeting::Attendance::kInRoom;
  Timestamp at;
  std::uint64_t position = 0;
};

struct BallotStory {
  std::string voter, cast_by;
  meeting::Choice choice = meeting::Choice::kAbstain;
  meeting::Attendance mode = meeting::Attendance::kInRoom;
  Timestamp at;
  std::uint64_t position = 0;
  bool change = false;    // the voter had voted before
  std::string signature;  // "verified", "unsigned", or why not
};

// Each person once, with the counts the views and minutes show.
struct AttendanceStory {
  std::vector<CheckInStory> people;  // as the meeting stood (at and position unset)
  meeting::AttendanceSummary counts;
};

struct VoteStory {
  std::string meeting;  // the meeting's stream
  std::string vote;
  std::optional<meeting::MeetingScheduled> schedule;
  std::optional<meeting::VoteOpened> opened;
  std::optional<Timestamp> opened_at, closed_at;
  std::optional<meeting::QuorumStatus> quorum_at_opening;
  std::optional<meeting::VoteOutcome> outcome;  // when closed
  std::vector<CheckInStory> check_ins;
  std::vector<BallotStory> ballots;
  AttendanceStory attendance;  // when the vote closed, else as it stands
  std::string quorum_at_close_of_session;
  std::vector<StoryFinding> findings;
};

struct AnswerStory {
  forms::AnswerGiven answer;
  Timestamp at;
  std::string signature;
};

struct FormStory {
  std::string form;  // the form's stream
  std::optional<forms::FormContent> content;
  std::string drafted_by;
  std::optional<std::string> approved_by, approval_signature;
  std::vector<AnswerStory> answers;
  std::optional<forms::FormResult> result;
  std::optional<forms::FormDecisionRecorded> decision;
  std::vector<StoryFinding> findings;
};

struct DraftVersion {
  std::uint32_t version = 0;
  std::string author;
  Timestamp at;
};

struct SignatureStory {
  std::string signer, algorithm, certificate;
  std::uint32_t version = 0;
  Timestamp at;
  std::string status;  // "verified", or why not
};

struct ResolutionStory {
  std::string resolution;  // the resolution's stream
  std::optional<std::string> title;
  std::vector<DraftVersion> versions;
  std::vector<FormStory> opinions_on_drafts;
  std::optional<VoteStory> vote;
  std::optional<SignatureStory> signature;
  std::optional<std::pair<std::string, Timestamp>> promulgated;  // number, when
  std::optional<std::vector<std::string>> distributed_to;
  std::vector<StoryFinding> findings;
};

using Story = std::variant<ResolutionStory, VoteStory, FormStory>;

// `what` is "resolution", "vote" or "form"; `id` is the resolution's id (its
// stream is "resolution-<id>"), the form id, or "<meeting id>/<vote id>".
// kNotFound when the log holds no such thing.
Result<Story> Explain(const es::EventStore& store, std::string_view what, std::string_view id);

// The story as JSON (docs/API.md, "Explanations").
nlohmann::json StoryJson(const Story& story);

// The story as text, one fact per line; findings last.
std::string ExplainText(const Story& story);

// Every event the story could not read, from the story and the vote and
// opinions inside it. A non-empty list means the story is incomplete, and
// ecab-audit explain exits 1.
std::vector<StoryFinding> Findings(const Story& story);

}  // namespace ecab::replay
