#include "replay/explain.h"

#include <map>
#include <optional>

#include "domain/forms/form.h"
#include "domain/meeting/meeting.h"
#include "domain/resolution/resolution.h"
#include "replay/signed_acts.h"

namespace ecab::replay {
namespace {

using nlohmann::json;

// Everything explain needs, gathered in one pass over the log.
struct Log {
  std::map<std::string, std::vector<es::RecordedEvent>> streams;  // streams of interest
  std::map<std::uint64_t, std::string> signatures;                // position -> "verified" or the reason
  nlohmann::json unreadable = nlohmann::json::array();  // events of other streams that could not be read
};

Result<Log> Gather(const es::EventStore& store, const std::function<bool(const std::string&)>& wanted) {
  Log log;
  ActCollector collector;
  const std::uint64_t head = store.head_position();
  for (std::uint64_t next = 1; next <= head;) {
    auto events = store.ReadAll(next, 8192);
    if (!events.ok()) return events.error();
    if (events->empty()) break;
    for (auto& e : *events) {
      auto check = collector.Feed(e);
      if (!wanted(e.stream)) {
        if (!check.ok()) {
          log.unreadable.push_back({{"position", e.position}, {"stream", e.stream}, {"type", e.type},
                                    {"reason", "cannot read: " + check.error().message}});
        }
        continue;
      }
      if (!check.ok()) {
        log.signatures[e.position] = "cannot be checked: " + check.error().message;
      } else if (check->has_value()) {
        auto s = Check(**check);
        log.signatures[e.position] = s.ok() ? "verified" : s.error().message;
      }
      log.streams[e.stream].push_back(std::move(e));
    }
    next = events->back().position + 1;
  }
  return log;
}

// The stream whose first event names the meeting or form `id` (streams are
// named by the command side; the events name their objects).
std::string StreamOf(const Log& log, std::string_view prefix, std::string_view id) {
  for (const auto& [stream, events] : log.streams) {
    if (!stream.starts_with(prefix) || events.empty()) continue;
    const auto& first = events.front();
    if (prefix == "meeting-") {
      auto d = meeting::MeetingDecoder().Decode(first.type, first.schema_version, first.payload);
      if (d.ok() && std::holds_alternative<meeting::MeetingScheduled>(*d) &&
          std::get<meeting::MeetingScheduled>(*d).meeting == id) {
        return stream;
      }
    } else {
      auto d = forms::FormDecoder().Decode(first.type, first.schema_version, first.payload);
      if (d.ok() && std::holds_alternative<forms::FormDrafted>(*d) && std::get<forms::FormDrafted>(*d).form == id) {
        return stream;
      }
    }
  }
  return "";
}

std::string Signature(const Log& log, std::uint64_t position) {
  auto it = log.signatures.find(position);
  return it == log.signatures.end() ? "unsigned" : it->second;
}

// An event explain cannot read is a finding, never skipped in silence.
json Finding(const es::RecordedEvent& e, const Error& error) {
  return {{"position", e.position}, {"stream", e.stream}, {"type", e.type},
          {"reason", "cannot decode: " + error.message}};
}

// Each person once, as the meeting stood (the views and minutes use the same state).
json AttendanceOf(const meeting::Meeting& m) {
  json people = json::array();
  for (const auto& [person, p] : m.presence) {
    people.push_back({{"person", person}, {"attendance", meeting::AttendanceName(p.attendance)},
                      {"for_member", p.for_member}});
  }
  const meeting::AttendanceSummary a = m.Attendees();
  return {{"people", people},
          {"counts", {{"in_room", a.in_room}, {"remote", a.remote}, {"substitute", a.substitute}, {"absent", a.absent}}},
          {"summary", a.Sentence()}};
}

json ExplainVoteIn(const Log& log, const std::string& stream, const std::string& vote) {
  json out = {{"meeting", stream}, {"vote", vote}, {"findings", json::array()}};
  meeting::Meeting m;
  json check_ins = json::array(), ballots = json::array();
  std::optional<json> attendance_at_close;
  std::map<std::string, int> ballots_by_voter;
  for (const auto& e : log.streams.at(stream)) {
    auto decoded = meeting::MeetingDecoder().Decode(e.type, e.schema_version, e.payload);
    if (!decoded.ok()) {
      out["findings"].push_back(Finding(e, decoded.error()));
      continue;
    }
    const auto& ev = *decoded;
    if (const auto* s = std::get_if<meeting::MeetingScheduled>(&ev)) {
      out["title"] = s->title;
      out["starts_at"] = FormatRfc3339(s->starts_at);
      out["place"] = s->place;
    } else if (const auto* c = std::get_if<meeting::CheckedIn>(&ev)) {
      check_ins.push_back({{"person", c->person}, {"attendance", meeting::AttendanceName(c->attendance)},
                           {"for_member", c->for_member}, {"at", FormatRfc3339(e.recorded_at)},
                           {"position", e.position}});
    } else if (const auto* o = std::get_if<meeting::VoteOpened>(&ev); o && o->vote == vote) {
      const auto q = meeting::EvaluateQuorum(static_cast<std::uint32_t>(o->electorate.size()), o->present, o->policy.quorum);
      out["question"] = o->question;
      out["opened_at"] = FormatRfc3339(e.recorded_at);
      out["opened_by"] = o->chair;
      out["quorum_at_opening"] = {{"members", q.members}, {"present", q.present}, {"required", q.required},
                                  {"met", q.met}, {"reasoning", q.reasoning}};
    } else if (const auto* b = std::get_if<meeting::BallotCast>(&ev); b && b->vote == vote) {
      const int n = ballots_by_voter[b->voter]++;
      ballots.push_back({{"voter", b->voter}, {"cast_by", b->cast_by}, {"choice", meeting::ChoiceName(b->choice)},
                         {"mode", meeting::AttendanceName(b->mode)}, {"at", FormatRfc3339(e.recorded_at)},
                         {"position", e.position}, {"change", n > 0}, {"signature", Signature(log, e.position)}});
    } else if (const auto* cl = std::get_if<meeting::VoteClosed>(&ev); cl && cl->vote == vote) {
      const auto& r = cl->outcome;
      out["closed_at"] = FormatRfc3339(e.recorded_at);
      out["tally"] = {{"for", r.for_votes}, {"against", r.against}, {"abstain", r.abstain}, {"not_voted", r.not_voted},
                      {"for_in_room", r.for_in_room}, {"for_remote", r.for_remote},
                      {"for_substitute", r.for_substitute}, {"electorate", r.electorate}};
      out["rule"] = r.rule;
      out["reasoning"] = r.reasoning;
      out["passed"] = r.passed;
      attendance_at_close = AttendanceOf(m);
    }
    m = meeting::Evolve(std::move(m), ev);
  }
  // Attendance when the vote closed (as it then stood), else as it stands.
  out["attendance"] = attendance_at_close ? *attendance_at_close : AttendanceOf(m);
  out["check_ins"] = check_ins;
  out["ballots"] = ballots;
  out["quorum_at_close_of_session"] = m.Quorum().reasoning;
  return out;
}

json ExplainFormIn(const Log& log, const std::string& stream) {
  json out = {{"form", stream}, {"findings", json::array()}}, answers = json::array();
  for (const auto& e : log.streams.at(stream)) {
    auto decoded = forms::FormDecoder().Decode(e.type, e.schema_version, e.payload);
    if (!decoded.ok()) {
      out["findings"].push_back(Finding(e, decoded.error()));
      continue;
    }
    if (const auto* d = std::get_if<forms::FormDrafted>(&*decoded)) {
      out["title"] = d->content.title;
      out["question"] = d->content.question;
      out["drafted_by"] = e.actor.id;
    } else if (const auto* a = std::get_if<forms::AnswerGiven>(&*decoded)) {
      answers.push_back({{"member", a->member}, {"answer", forms::AnswerName(a->answer)}, {"text", a->text},
                         {"revision", a->revision}, {"at", FormatRfc3339(e.recorded_at)},
                         {"signature", Signature(log, e.position)}});
    } else if (const auto* ap = std::get_if<forms::FormApproved>(&*decoded)) {
      out["approved_by"] = ap->by;
      out["approval_signature"] = Signature(log, e.position);
    } else if (const auto* c = std::get_if<forms::FormClosed>(&*decoded)) {
      out["result"] = {{"in_favour", c->result.in_favour}, {"base", c->result.base}, {"adopted", c->result.adopted},
                       {"reasoning", c->result.reasoning}};
    } else if (const auto* dec = std::get_if<forms::FormDecisionRecorded>(&*decoded)) {
      out["decision"] = {{"by", dec->by}, {"adopted", dec->adopted}, {"text", dec->decision}};
    }
  }
  out["answers"] = answers;
  return out;
}

}  // namespace

Result<json> Explain(const es::EventStore& store, std::string_view what, std::string_view id) {
  if (what == "vote") {
    const auto slash = id.find('/');
    if (slash == std::string_view::npos) return MakeError(ErrorCode::kInvalidArgument, "a vote is '<meeting>/<vote>'");
    auto log = Gather(store, [&](const std::string& s) { return s.starts_with("meeting-"); });
    if (!log.ok()) return log.error();
    const std::string stream = StreamOf(*log, "meeting-", id.substr(0, slash));
    if (stream.empty()) return MakeError(ErrorCode::kNotFound, "no meeting '" + std::string(id.substr(0, slash)) + "'");
    json out = ExplainVoteIn(*log, stream, std::string(id.substr(slash + 1)));
    for (const auto& f : log->unreadable) out["findings"].push_back(f);
    return out;
  }
  if (what == "form") {
    auto log = Gather(store, [&](const std::string& s) { return s.starts_with("form-"); });
    if (!log.ok()) return log.error();
    const std::string stream = StreamOf(*log, "form-", id);
    if (stream.empty()) return MakeError(ErrorCode::kNotFound, "no opinion form '" + std::string(id) + "'");
    json out = ExplainFormIn(*log, stream);
    for (const auto& f : log->unreadable) out["findings"].push_back(f);
    return out;
  }
  if (what != "resolution") return MakeError(ErrorCode::kInvalidArgument, "explain a resolution, a vote or a form");
  const std::string stream = "resolution-" + std::string(id);
  auto log = Gather(store, [](const std::string& s) {
    return s.starts_with("resolution-") || s.starts_with("meeting-") || s.starts_with("form-");
  });
  if (!log.ok()) return log.error();
  if (!log->streams.contains(stream)) return MakeError(ErrorCode::kNotFound, "no resolution '" + stream + "'");
  json out = {{"resolution", stream}, {"findings", log->unreadable}}, versions = json::array(),
       opinions = json::array();
  for (const auto& e : log->streams.at(stream)) {
    auto decoded = resolution::ResolutionDecoder().Decode(e.type, e.schema_version, e.payload);
    if (!decoded.ok()) {
      out["findings"].push_back(Finding(e, decoded.error()));
      continue;
    }
    const auto& ev = *decoded;
    if (const auto* d = std::get_if<resolution::ResolutionDrafted>(&ev)) {
      out["title"] = d->title;
      versions.push_back({{"version", 1}, {"author", d->author}, {"at", FormatRfc3339(e.recorded_at)}});
      if (!d->vote.empty()) {
        const std::string meeting = StreamOf(*log, "meeting-", d->meeting);
        if (!meeting.empty()) out["vote"] = ExplainVoteIn(*log, meeting, d->vote);
      }
    } else if (const auto* r = std::get_if<resolution::ResolutionRevised>(&ev)) {
      versions.push_back({{"version", r->version}, {"author", r->author}, {"at", FormatRfc3339(e.recorded_at)}});
    } else if (const auto* c = std::get_if<resolution::ResolutionCirculated>(&ev)) {
      const std::string form = StreamOf(*log, "form-", c->form);
      if (!form.empty()) opinions.push_back(ExplainFormIn(*log, form));
    } else if (const auto* s = std::get_if<resolution::ResolutionSigned>(&ev)) {
      out["signature"] = {{"signer", s->signer}, {"version", s->version}, {"algorithm", s->signature.algorithm},
                          {"certificate", s->signature.certificate}, {"at", FormatRfc3339(e.recorded_at)},
                          {"status", Signature(*log, e.position)}};
    } else if (const auto* p = std::get_if<resolution::ResolutionPromulgated>(&ev)) {
      out["promulgated"] = {{"number", p->number}, {"at", FormatRfc3339(e.recorded_at)}};
    } else if (const auto* dist = std::get_if<resolution::ResolutionDistributed>(&ev)) {
      out["distributed_to"] = dist->recipients;
    }
  }
  out["versions"] = versions;
  out["opinions_on_drafts"] = opinions;
  return out;
}

std::string ExplainText(const json& s) {
  std::string out;
  auto line = [&](const std::string& text) { out += text + "\n"; };
  auto str = [](const json& j, const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string(); };
  auto vote_text = [&](const json& v) {
    line("Meeting " + str(v, "meeting") + " \"" + str(v, "title") + "\", " + str(v, "starts_at"));
    line("  attendance: " + str(v["attendance"], "summary"));
    if (v.contains("quorum_at_opening")) line("  quorum when the vote opened: " + str(v["quorum_at_opening"], "reasoning"));
    line("  question: " + str(v, "question"));
    for (const auto& b : v["ballots"]) {
      line("  ballot " + str(b, "at") + "  " + str(b, "voter") + (str(b, "cast_by") != str(b, "voter") ? " (by " + str(b, "cast_by") + ")" : "") +
           ": " + str(b, "choice") + ", " + str(b, "mode") + (b["change"].get<bool>() ? ", changed" : "") +
           ", signature " + str(b, "signature"));
    }
    if (v.contains("tally")) {
      const auto& t = v["tally"];
      line("  tally: " + std::to_string(t["for"].get<int>()) + " in favour (" + std::to_string(t["for_in_room"].get<int>()) +
           " in the room, " + std::to_string(t["for_remote"].get<int>()) + " remote), " +
           std::to_string(t["against"].get<int>()) + " against, " + std::to_string(t["abstain"].get<int>()) +
           " abstaining, " + std::to_string(t["not_voted"].get<int>()) + " not voting");
      line("  rule: " + str(v, "rule"));
      line("  outcome: " + str(v, "reasoning"));
    }
  };
  if (s.contains("resolution")) {
    line("Resolution " + str(s, "resolution") + ": " + str(s, "title"));
    for (const auto& v : s["versions"]) line("  draft version " + std::to_string(v["version"].get<int>()) + " by " + str(v, "author") + ", " + str(v, "at"));
    for (const auto& f : s["opinions_on_drafts"]) {
      line("  opinions on the draft (" + str(f, "form") + "):");
      for (const auto& a : f["answers"]) line("    " + str(a, "member") + ": " + str(a, "answer") + " " + str(a, "text") + ", signature " + str(a, "signature"));
    }
    if (s.contains("vote")) vote_text(s["vote"]);
    if (s.contains("signature")) {
      line("  signed by " + str(s["signature"], "signer") + " (" + str(s["signature"], "algorithm") + "), " +
           str(s["signature"], "at") + ", signature " + str(s["signature"], "status"));
    }
    if (s.contains("promulgated")) line("  promulgated as " + str(s["promulgated"], "number") + ", " + str(s["promulgated"], "at"));
  } else if (s.contains("vote")) {
    vote_text(s);
  } else {
    line("Opinion form " + str(s, "form") + ": " + str(s, "title"));
    for (const auto& a : s["answers"]) line("  " + str(a, "member") + ": " + str(a, "answer") + ", signature " + str(a, "signature"));
    if (s.contains("result")) line("  result: " + str(s["result"], "reasoning"));
  }
  for (const auto& f : Findings(s)) {
    line("FINDING at position " + std::to_string(f["position"].get<std::uint64_t>()) + " (" + str(f, "stream") + ", " +
         str(f, "type") + "): " + str(f, "reason"));
  }
  return out;
}

json Findings(const json& story) {
  json all = json::array();
  auto take = [&](const json& part) {
    if (part.is_object() && part.contains("findings")) {
      for (const auto& f : part["findings"]) all.push_back(f);
    }
  };
  take(story);
  if (story.contains("vote") && story["vote"].is_object()) take(story["vote"]);
  if (story.contains("opinions_on_drafts")) {
    for (const auto& f : story["opinions_on_drafts"]) take(f);
  }
  return all;
}

}  // namespace ecab::replay
