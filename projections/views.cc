#include "projections/views.h"

#include "domain/base/streams.h"

namespace ecab::proj {
namespace {

using nlohmann::json;

std::string RsvpName(meeting::RsvpResponse r) {
  switch (r) {
    case meeting::RsvpResponse::kInRoom:
      return "in_room";
    case meeting::RsvpResponse::kRemote:
      return "remote";
    case meeting::RsvpResponse::kDecline:
      return "decline";
    case meeting::RsvpResponse::kSubstitute:
      return "substitute";
  }
  return "unknown";
}

json Quorum(const meeting::QuorumStatus& q) {
  return {{"members", q.members},
          {"present", q.present},
          {"required", q.required},
          {"met", q.met},
          {"reasoning", q.reasoning}};
}

// Who left a read receipt for each document, by document.
json StudiedBy(const meeting::Meeting& m) {
  json by = json::object();
  for (const auto& [document, person] : m.studied) by[document].push_back(person);
  return by;
}

json Participants(const meeting::Meeting& m) {
  json out = json::object();
  for (const auto& [person, inv] : m.invited) {
    json p = {{"guest", inv.guest}, {"rsvp", nullptr}, {"attendance", nullptr}};
    if (inv.rsvp) {
      p["rsvp"] = {{"response", RsvpName(inv.rsvp->response)},
                   {"reason", inv.rsvp->reason},
                   {"substitute", inv.rsvp->substitute}};
    }
    if (auto it = m.presence.find(person); it != m.presence.end()) {
      p["attendance"] = meeting::AttendanceName(it->second.attendance);
    }
    out[person] = p;
  }
  for (const auto& [person, presence] : m.presence) {
    if (out.contains(person)) continue;
    out[person] = {{"guest", false},
                   {"rsvp", nullptr},
                   {"attendance", meeting::AttendanceName(presence.attendance)},
                   {"for_member", presence.for_member}};
  }
  return out;
}

json AttendanceCounts(const meeting::Meeting& m) {
  const meeting::AttendanceSummary a = m.Attendees();
  return {{"in_room", a.in_room},
          {"remote", a.remote},
          {"substitute", a.substitute},
          {"absent", a.absent}};
}

std::string BasisName(MajorityBasis b) {
  switch (b) {
    case MajorityBasis::kAllMembers:
      return "all_members";
    case MajorityBasis::kMembersPresent:
      return "members_present";
    case MajorityBasis::kVotesCast:
      return "votes_cast";
  }
  return "unknown";
}

}  // namespace

json RuleTerms(const Policy& policy, std::uint32_t of) {
  const double needed = policy.majority.den == 0
                            ? 0.0
                            : static_cast<double>(policy.majority.num) * of / policy.majority.den;
  return {{"basis", BasisName(policy.basis)},
          {"majority", {policy.majority.num, policy.majority.den}},
          {"of", of},
          {"needed_more_than", needed},
          {"chair_decides_tie", policy.tie == TieRule::kChairDecides}};
}

json RenderVote(const meeting::Meeting& m, const meeting::Vote& v) {
  const meeting::Count c = m.CountVote(v);
  std::optional<meeting::Choice> chair;
  if (auto b = v.ballots.find(v.opened.chair); b != v.ballots.end()) chair = b->second.choice;
  const meeting::VoteOutcome projected =
      v.outcome ? *v.outcome : meeting::DecideOutcome(c, v.opened.policy, chair);
  json ballots = json::object();
  for (const auto& [voter, b] : v.ballots) {
    ballots[voter] = {{"choice", meeting::ChoiceName(b.choice)},
                      {"mode", meeting::AttendanceName(b.mode)},
                      {"cast_by", b.cast_by},
                      {"changes", b.changes},
                      {"signed", true}};
  }
  std::vector<std::string> not_voted;
  for (const auto& member : v.opened.electorate) {
    if (!v.ballots.contains(member)) not_voted.push_back(member);
  }
  return {{"vote", v.opened.vote},
          {"item", v.opened.item},
          {"question", v.opened.question},
          {"status", v.outcome ? "closed" : "open"},
          {"electorate", v.opened.electorate.size()},
          {"present_at_opening", v.opened.present},
          {"tally",
           {{"for", projected.for_votes},
            {"against", projected.against},
            {"abstain", projected.abstain},
            {"not_voted", projected.not_voted},
            {"for_in_room", projected.for_in_room},
            {"for_remote", projected.for_remote},
            {"for_substitute", projected.for_substitute}}},
          {"rule", projected.rule},
          {"rule_terms", RuleTerms(v.opened.policy, projected.basis)},
          {"passed", projected.passed},
          {"tie", projected.tie},
          {"reasoning", projected.reasoning},
          {"final", v.outcome.has_value()},
          {"ballots", ballots},
          {"not_voted", not_voted}};
}

json RenderMeeting(const meeting::Meeting& m) {
  static constexpr const char* kStatus[] = {"none", "scheduled", "open", "closed"};
  json agenda = json::array();
  for (const auto& item : m.agenda) {
    agenda.push_back({{"item", item.id},
                      {"title", item.title},
                      {"documents", item.documents},
                      {"closed", item.closed},
                      {"current", item.id == m.current_item}});
  }
  json votes = json::array();
  for (const auto& [id, v] : m.votes) votes.push_back(RenderVote(m, v));
  json queue = json::array();
  for (const auto& r : m.floor_queue)
    queue.push_back({{"person", r.person}, {"on_behalf_of", r.on_behalf_of}});
  json comments = json::array();
  for (const auto& c : m.comments) {
    comments.push_back({{"item", c.item},
                        {"person", c.person},
                        {"on_behalf_of", c.on_behalf_of},
                        {"text", c.text}});
  }
  json opinions = json::array();
  for (const auto& o : m.opinions) {
    opinions.push_back({{"item", o.item},
                        {"person", o.person},
                        {"on_behalf_of", o.on_behalf_of},
                        {"text", o.text}});
  }
  json speakers = json::array();
  for (const auto& s : m.pre_registered)
    speakers.push_back({{"item", s.item}, {"person", s.person}});
  return {{"meeting", m.schedule.meeting},
          {"title", m.schedule.title},
          {"starts_at", FormatRfc3339(m.schedule.starts_at)},
          {"ends_at", FormatRfc3339(m.schedule.ends_at)},
          {"place", m.schedule.place},
          {"online_link", m.schedule.online_link},
          {"status", kStatus[static_cast<int>(m.status)]},
          {"chair", m.session ? m.session->chair : ""},
          {"agenda", agenda},
          {"current_item", m.current_item},
          {"participants", Participants(m)},
          {"attendance", AttendanceCounts(m)},
          {"quorum", Quorum(m.Quorum())},
          {"floor", {{"speaker", m.speaker}, {"queue", queue}}},
          {"pre_registered_speakers", speakers},
          {"opinions", opinions},
          {"comments", comments},
          {"studied", m.studied.size()},
          {"studied_by", StudiedBy(m)},
          {"votes", votes}};
}

json RenderForm(const forms::Form& f) {
  const forms::FormResult tally = f.result ? *f.result : forms::Tally(f);
  json answers = json::object();
  for (const auto& [member, a] : f.answers) {
    answers[member] = {
        {"answer", forms::AnswerName(a.answer)}, {"text", a.text}, {"revision", a.revision}};
  }
  std::vector<std::string> outstanding;
  if (f.issued) {
    for (const auto& p : f.issued->addressees) {
      if (!f.answers.contains(p)) outstanding.push_back(p);
    }
  }
  return {{"form", f.id},
          {"title", f.content.title},
          {"question", f.content.question},
          {"status", forms::StatusName(f.status)},
          {"revision", f.revision},
          {"deadline", FormatRfc3339(f.issued ? f.issued->deadline : f.content.deadline)},
          {"urgency", UrgencyName(f.issued ? f.issued->urgency : f.content.urgency)},
          {"addressees", f.issued ? f.issued->addressees : f.content.addressees},
          {"answers", answers},
          {"outstanding", outstanding},
          {"tally",
           {{"addressed", tally.addressed},
            {"agree", tally.agree},
            {"agree_with_comments", tally.agree_with_comments},
            {"disagree", tally.disagree},
            {"other", tally.other},
            {"silent", tally.silent},
            {"in_favour", tally.in_favour},
            {"base", tally.base},
            {"adopted", tally.adopted},
            {"reasoning", tally.reasoning},
            {"final", f.result.has_value()}}},
          {"decision", f.decision ? json{{"adopted", f.decision->adopted},
                                         {"text", f.decision->decision},
                                         {"by", f.decision->by}}
                                  : json(nullptr)}};
}

json RenderResolution(const resolution::Resolution& r) {
  static constexpr const char* kStatus[] = {"none",   "draft",       "circulated", "submitted",
                                            "signed", "promulgated", "distributed"};
  json versions = json::array();
  for (const auto& v : r.versions)
    versions.push_back({{"version", v.version}, {"author", v.author}, {"text", v.text}});
  json signature = nullptr;
  if (r.signature) {
    signature = {{"signer", r.signature->signer},
                 {"version", r.signature->version},
                 {"algorithm", r.signature->signature.algorithm},
                 {"certificate", r.signature->signature.certificate},
                 {"signed_at", FormatRfc3339(r.signature->signature.signed_at)}};
  }
  return {{"resolution", r.id},
          {"title", r.title},
          {"status", kStatus[static_cast<int>(r.status)]},
          {"meeting", r.meeting},
          {"vote", r.vote},
          {"versions", versions},
          {"circulated_forms", r.circulated_forms},
          {"signature", signature},
          {"number", r.number},
          {"recipients", r.recipients}};
}

AggregateViews::AggregateViews(const es::ViewStore& views, std::uint64_t snapshot_every)
    : meetings("meeting", StreamOf(ObjectKind::kMeeting, ""), meeting::MeetingDecoder(),
               &meeting::Evolve, &RenderMeeting, views, snapshot_every),
      forms("form", StreamOf(ObjectKind::kForm, ""), forms::FormDecoder(), &forms::Evolve,
            &RenderForm, views, snapshot_every),
      resolutions("resolution", StreamOf(ObjectKind::kResolution, ""),
                  resolution::ResolutionDecoder(), &resolution::Evolve, &RenderResolution, views,
                  snapshot_every) {}

}  // namespace ecab::proj
