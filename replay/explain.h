// replay/explain.h — how a resolution (or a vote, or an opinion form) came
// about, in log order, from the log alone: drafts and their authors, the
// opinions given on drafts, the meeting and its attendance, the quorum when
// the vote opened, each ballot (voter, time, mode, signature re-checked,
// changes), the tally and the rule that decided it, the chair's signature,
// promulgation. As JSON, and as text for people. Attendance is each person
// once, from meeting::Meeting::Attendees(), as the views and minutes show it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "eventstore/event_store.h"

namespace ecab::replay {

// `what` is "resolution", "vote" or "form"; `id` is the resolution's stream
// suffix ("resolution-<id>"), the form id, or "<meeting id>/<vote id>".
// kNotFound when the log holds no such thing.
Result<nlohmann::json> Explain(const es::EventStore& store, std::string_view what, std::string_view id);

// The story as text, one fact per line; findings last.
std::string ExplainText(const nlohmann::json& story);

// Every event the story could not read (each {position, stream, type,
// reason}), from the story and the vote and opinions inside it. Explain never
// skips such an event in silence: a non-empty list means the story is
// incomplete, and ecab-audit explain exits 1.
nlohmann::json Findings(const nlohmann::json& story);

}  // namespace ecab::replay
