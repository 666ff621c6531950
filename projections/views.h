// projections/views.h — the read models staff and members look at, rendered
// from the domain's own folded states:
//   "meeting/view/<stream>"    agenda, participants (RSVP, check-in), quorum
//                              with its arithmetic, the floor, comments, votes
//                              with live tallies and outcomes;
//   "form/view/<stream>"       an opinion form with its running tally;
//   "resolution/view/<stream>" versions, circulation, signature, number.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "domain/forms/form.h"
#include "domain/meeting/meeting.h"
#include "domain/resolution/resolution.h"
#include "projections/aggregate_projection.h"

namespace ecab::proj {

nlohmann::json RenderMeeting(const meeting::Meeting& m);
nlohmann::json RenderForm(const forms::Form& f);
nlohmann::json RenderResolution(const resolution::Resolution& r);

// The tally of one vote with its reasoning (live while open, final when closed).
nlohmann::json RenderVote(const meeting::Meeting& m, const meeting::Vote& v);

// The terms of the rule a vote is decided by, for a reader to say it in their
// own language (the outcome's `rule` is the domain's English sentence):
//   {"basis": "all_members" | "members_present" | "votes_cast",
//    "majority": [1, 2], "of": 27, "needed_more_than": 13.5,
//    "chair_decides_tie": true}
// `of` is the count the majority is taken of (the outcome's basis).
nlohmann::json RuleTerms(const Policy& policy, std::uint32_t of);

using MeetingProjection = AggregateProjection<meeting::Meeting, meeting::MeetingEvent>;
using FormProjection = AggregateProjection<forms::Form, forms::FormEvent>;
using ResolutionProjection =
    AggregateProjection<resolution::Resolution, resolution::ResolutionEvent>;

// The three aggregate views over one view store.
struct AggregateViews {
  // A snapshot per stream every `snapshot_every` versions, for time travel.
  explicit AggregateViews(const es::ViewStore& views, std::uint64_t snapshot_every = 256);
  MeetingProjection meetings;
  FormProjection forms;
  ResolutionProjection resolutions;
  std::vector<Projection*> all() { return {&meetings, &forms, &resolutions}; }
};

}  // namespace ecab::proj
