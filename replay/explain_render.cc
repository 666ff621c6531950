// The stories of replay/explain.h rendered: JSON for programs (the document
// docs/API.md, "Explanations", describes) and text for people.
#include "domain/forms/form.h"
#include "projections/views.h"
#include "replay/explain.h"

namespace ecab::replay {
namespace {

using nlohmann::json;

json FindingsJson(const std::vector<StoryFinding>& findings) {
  json out = json::array();
  for (const auto& f : findings) {
    out.push_back(
        {{"position", f.position}, {"stream", f.stream}, {"type", f.type}, {"reason", f.reason}});
  }
  return out;
}

json AttendanceJson(const AttendanceStory& a) {
  json people = json::array();
  for (const auto& p : a.people) {
    people.push_back({{"person", p.person},
                      {"attendance", meeting::AttendanceName(p.attendance)},
                      {"for_member", p.for_member}});
  }
  const auto& c = a.counts;
  return {{"people", people},
          {"counts",
           {{"in_room", c.in_room},
            {"remote", c.remote},
            {"substitute", c.substitute},
            {"absent", c.absent}}},
          {"summary", c.Sentence()}};
}

json VoteJson(const VoteStory& v) {
  json out = {{"meeting", v.meeting}, {"vote", v.vote}, {"findings", FindingsJson(v.findings)}};
  if (v.schedule) {
    out["title"] = v.schedule->title;
    out["starts_at"] = FormatRfc3339(v.schedule->starts_at);
    out["place"] = v.schedule->place;
  }
  if (v.opened) {
    const auto& q = *v.quorum_at_opening;
    out["question"] = v.opened->question;
    out["opened_at"] = FormatRfc3339(*v.opened_at);
    out["opened_by"] = v.opened->chair;
    out["quorum_at_opening"] = {{"members", q.members},
                                {"present", q.present},
                                {"required", q.required},
                                {"met", q.met},
                                {"reasoning", q.reasoning}};
  }
  if (v.outcome) {
    const auto& r = *v.outcome;
    out["closed_at"] = FormatRfc3339(*v.closed_at);
    out["tally"] = {{"for", r.for_votes},
                    {"against", r.against},
                    {"abstain", r.abstain},
                    {"not_voted", r.not_voted},
                    {"for_in_room", r.for_in_room},
                    {"for_remote", r.for_remote},
                    {"for_substitute", r.for_substitute},
                    {"electorate", r.electorate}};
    out["rule"] = r.rule;
    if (v.opened) out["rule_terms"] = proj::RuleTerms(v.opened->policy, r.basis);
    out["reasoning"] = r.reasoning;
    out["passed"] = r.passed;
  }
  out["attendance"] = AttendanceJson(v.attendance);
  json check_ins = json::array(), ballots = json::array();
  for (const auto& c : v.check_ins) {
    check_ins.push_back({{"person", c.person},
                         {"attendance", meeting::AttendanceName(c.attendance)},
                         {"for_member", c.for_member},
                         {"at", FormatRfc3339(c.at)},
                         {"position", c.position}});
  }
  for (const auto& b : v.ballots) {
    ballots.push_back({{"voter", b.voter},
                       {"cast_by", b.cast_by},
                       {"choice", meeting::ChoiceName(b.choice)},
                       {"mode", meeting::AttendanceName(b.mode)},
                       {"at", FormatRfc3339(b.at)},
                       {"position", b.position},
                       {"change", b.change},
                       {"signature", b.signature}});
  }
  out["check_ins"] = check_ins;
  out["ballots"] = ballots;
  out["quorum_at_close_of_session"] = v.quorum_at_close_of_session;
  return out;
}

json FormJson(const FormStory& f) {
  json out = {{"form", f.form}, {"findings", FindingsJson(f.findings)}}, answers = json::array();
  if (f.content) {
    out["title"] = f.content->title;
    out["question"] = f.content->question;
    out["drafted_by"] = f.drafted_by;
  }
  for (const auto& a : f.answers) {
    answers.push_back({{"member", a.answer.member},
                       {"answer", forms::AnswerName(a.answer.answer)},
                       {"text", a.answer.text},
                       {"revision", a.answer.revision},
                       {"at", FormatRfc3339(a.at)},
                       {"signature", a.signature}});
  }
  if (f.approved_by) {
    out["approved_by"] = *f.approved_by;
    out["approval_signature"] = *f.approval_signature;
  }
  if (f.result) {
    out["result"] = {{"in_favour", f.result->in_favour},
                     {"base", f.result->base},
                     {"adopted", f.result->adopted},
                     {"reasoning", f.result->reasoning}};
  }
  if (f.decision)
    out["decision"] = {
        {"by", f.decision->by}, {"adopted", f.decision->adopted}, {"text", f.decision->decision}};
  out["answers"] = answers;
  return out;
}

json ResolutionJson(const ResolutionStory& r) {
  json out = {{"resolution", r.resolution}, {"findings", FindingsJson(r.findings)}},
       versions = json::array(), opinions = json::array();
  if (r.title) out["title"] = *r.title;
  for (const auto& v : r.versions) {
    versions.push_back({{"version", v.version}, {"author", v.author}, {"at", FormatRfc3339(v.at)}});
  }
  for (const auto& f : r.opinions_on_drafts) opinions.push_back(FormJson(f));
  if (r.vote) out["vote"] = VoteJson(*r.vote);
  if (r.signature) {
    const auto& s = *r.signature;
    out["signature"] = {{"signer", s.signer},        {"version", s.version},
                        {"algorithm", s.algorithm},  {"certificate", s.certificate},
                        {"at", FormatRfc3339(s.at)}, {"status", s.status}};
  }
  if (r.promulgated)
    out["promulgated"] = {{"number", r.promulgated->first},
                          {"at", FormatRfc3339(r.promulgated->second)}};
  if (r.distributed_to) out["distributed_to"] = *r.distributed_to;
  out["versions"] = versions;
  out["opinions_on_drafts"] = opinions;
  return out;
}

// Lines of text, one fact each.
class Text {
 public:
  void Line(const std::string& text) { out_ += text + "\n"; }
  std::string str() && { return std::move(out_); }

  void Vote(const VoteStory& v) {
    const std::string title = v.schedule ? v.schedule->title : "";
    const std::string starts = v.schedule ? FormatRfc3339(v.schedule->starts_at) : "";
    Line("Meeting " + v.meeting + " \"" + title + "\", " + starts);
    Line("  attendance: " + v.attendance.counts.Sentence());
    if (v.quorum_at_opening)
      Line("  quorum when the vote opened: " + v.quorum_at_opening->reasoning);
    Line("  question: " + (v.opened ? v.opened->question : std::string()));
    for (const auto& b : v.ballots) {
      Line("  ballot " + FormatRfc3339(b.at) + "  " + b.voter +
           (b.cast_by != b.voter ? " (by " + b.cast_by + ")" : "") + ": " +
           meeting::ChoiceName(b.choice) + ", " + meeting::AttendanceName(b.mode) +
           (b.change ? ", changed" : "") + ", signature " + b.signature);
    }
    if (v.outcome) {
      const auto& t = *v.outcome;
      Line("  tally: " + std::to_string(t.for_votes) + " in favour (" +
           std::to_string(t.for_in_room) + " in the room, " + std::to_string(t.for_remote) +
           " remote), " + std::to_string(t.against) + " against, " + std::to_string(t.abstain) +
           " abstaining, " + std::to_string(t.not_voted) + " not voting");
      Line("  rule: " + t.rule);
      Line("  outcome: " + t.reasoning);
    }
  }

  void Resolution(const ResolutionStory& r) {
    Line("Resolution " + r.resolution + ": " + r.title.value_or(""));
    for (const auto& v : r.versions) {
      Line("  draft version " + std::to_string(v.version) + " by " + v.author + ", " +
           FormatRfc3339(v.at));
    }
    for (const auto& f : r.opinions_on_drafts) {
      Line("  opinions on the draft (" + f.form + "):");
      for (const auto& a : f.answers) {
        Line("    " + a.answer.member + ": " + forms::AnswerName(a.answer.answer) + " " +
             a.answer.text + ", signature " + a.signature);
      }
    }
    if (r.vote) Vote(*r.vote);
    if (r.signature) {
      Line("  signed by " + r.signature->signer + " (" + r.signature->algorithm + "), " +
           FormatRfc3339(r.signature->at) + ", signature " + r.signature->status);
    }
    if (r.promulgated) {
      Line("  promulgated as " + r.promulgated->first + ", " +
           FormatRfc3339(r.promulgated->second));
    }
  }

  void Form(const FormStory& f) {
    Line("Opinion form " + f.form + ": " + (f.content ? f.content->title : std::string()));
    for (const auto& a : f.answers) {
      Line("  " + a.answer.member + ": " + forms::AnswerName(a.answer.answer) + ", signature " +
           a.signature);
    }
    if (f.result) Line("  result: " + f.result->reasoning);
  }

 private:
  std::string out_;
};

}  // namespace

json StoryJson(const Story& story) {
  return std::visit(
      [](const auto& s) -> json {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, ResolutionStory>) return ResolutionJson(s);
        if constexpr (std::is_same_v<S, VoteStory>) return VoteJson(s);
        if constexpr (std::is_same_v<S, FormStory>) return FormJson(s);
      },
      story);
}

std::string ExplainText(const Story& story) {
  Text text;
  std::visit(
      [&](const auto& s) {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, ResolutionStory>) text.Resolution(s);
        if constexpr (std::is_same_v<S, VoteStory>) text.Vote(s);
        if constexpr (std::is_same_v<S, FormStory>) text.Form(s);
      },
      story);
  for (const auto& f : Findings(story)) {
    text.Line("FINDING at position " + std::to_string(f.position) + " (" + f.stream + ", " +
              f.type + "): " + f.reason);
  }
  return std::move(text).str();
}

}  // namespace ecab::replay
