#include "replay/minutes.h"

#include <cstdio>
#include <ctime>

#include "domain/text/html.h"

namespace ecab::replay {
namespace {

std::string E(std::string_view s) { return text::HtmlEscaped(s); }

// Vietnamese first, the English after it, smaller (docs/UI.md's glossary).
std::string Both(std::string_view vi, std::string_view en) {
  return E(vi) + " <span class=\"en\">" + E(en) + "</span>";
}

// A person as people know them: their office in the body, in both languages.
std::string Who(const directory::Body& body, const std::string& person) {
  const auto it = body.people.find(person);
  if (it == body.people.end() || (it->second.office_vi.empty() && it->second.office.empty()))
    return E(person);
  const auto& p = it->second;
  return Both(p.office_vi.empty() ? p.office : p.office_vi, p.office);
}

std::string AttendanceText(meeting::Attendance a) {
  switch (a) {
    case meeting::Attendance::kInRoom:
      return Both("Có mặt tại phòng họp", "present in the room");
    case meeting::Attendance::kRemote:
      return Both("Tham dự trực tuyến", "attending online");
    case meeting::Attendance::kSubstitute:
      return Both("Người dự thay", "substitute");
    case meeting::Attendance::kAbsent:
      return Both("Vắng mặt", "absent");
  }
  return "";
}

std::string ChoiceText(meeting::Choice c) {
  switch (c) {
    case meeting::Choice::kFor:
      return Both("Tán thành", "for");
    case meeting::Choice::kAgainst:
      return Both("Không tán thành", "against");
    case meeting::Choice::kAbstain:
      return Both("Không biểu quyết", "abstain");
  }
  return "";
}

std::string Duration(std::int64_t seconds) {
  if (seconds < 60) return std::to_string(seconds) + " giây (s)";
  return std::to_string(seconds / 60) + " phút " + std::to_string(seconds % 60) + " giây (" +
         std::to_string(seconds / 60) + " min " + std::to_string(seconds % 60) + " s)";
}

constexpr std::string_view kStyle = R"css(<style>
body { font-family: "Noto Serif", "Times New Roman", serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #111; line-height: 1.45; }
h1 { font-size: 1.6rem; text-align: center; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #999; margin-top: 2rem; }
h3 { font-size: 1.05rem; }
.en { color: #555; font-size: .85em; font-style: italic; }
.meta { text-align: center; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid #bbb; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #eee; }
.passed { color: #0a5d1a; font-weight: bold; }
.failed { color: #9b1c1c; font-weight: bold; }
pre { white-space: pre-wrap; font-family: inherit; background: #f7f7f7; padding: .5rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  a { color: inherit; text-decoration: none; }
  a[href]::after { content: " (" attr(href) ")"; font-size: 8pt; color: #555; }
  h2 { break-after: avoid; }
  table, tr { break-inside: avoid; }
  @page { size: A4; margin: 18mm; }
}
</style>)css";

// A document's title and each version, linked to its file in the bag when stored.
std::string DocumentLinks(const DocumentEntry& d) {
  std::string h = E(d.title);
  for (const auto& v : d.versions) {
    const std::string label = "v" + std::to_string(v.version) + ": " + v.filename;
    h +=
        v.path.empty() ? " · " + E(label) : " · <a href=\"" + E(v.path) + "\">" + E(label) + "</a>";
  }
  return h;
}

}  // namespace

std::string HanoiTime(Timestamp t) {
  const std::time_t secs =
      static_cast<std::time_t>(ToMicros(t) / 1'000'000) + std::time_t{7} * 3600;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%02d/%02d/%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1,
                tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
  return out;
}

namespace {

// Vietnamese writes a decimal comma: "13,5".
std::string ViNumber(std::string number) {
  for (char& c : number) {
    if (c == '.') c = ',';
  }
  return number;
}

std::string AttendanceVi(const meeting::AttendanceSummary& a) {
  return std::to_string(a.in_room) + " tại phòng họp, " + std::to_string(a.remote) +
         " trực tuyến, " + std::to_string(a.substitute) + " người dự thay, " +
         std::to_string(a.absent) + " vắng mặt";
}

std::string QuorumVi(const meeting::QuorumStatus& q) {
  return std::to_string(q.present) + "/" + std::to_string(q.members) +
         " thành viên có mặt; cần ít nhất " + std::to_string(q.required) + "; " +
         (q.met ? "đủ túc số" : "chưa đủ túc số");
}

// The rule of a vote in Vietnamese ("quá nửa tổng số 27 thành viên"); the
// outcome's `rule` is the domain's English sentence for the same terms.
std::string RuleVi(const Policy& p, const meeting::VoteOutcome& o) {
  const Fraction& f = p.majority;
  const std::string share = f.num * 2 == f.den ? "nửa"
                            : f.num * 3 == f.den * 2
                                ? "hai phần ba"
                                : std::to_string(f.num) + "/" + std::to_string(f.den);
  const std::string of = std::to_string(o.basis);
  std::string rule = "quá " + share;
  switch (p.basis) {
    case MajorityBasis::kAllMembers:
      rule.append(" tổng số ").append(of).append(" thành viên");
      break;
    case MajorityBasis::kMembersPresent:
      rule.append(" số ").append(of).append(" thành viên có mặt");
      break;
    case MajorityBasis::kVotesCast:
      rule.append(" số ").append(of).append(" phiếu tán thành và không tán thành");
      break;
  }
  if (o.tie && p.tie == TieRule::kChairDecides)  // as the English rule says it
    rule += "; nếu số phiếu ngang nhau, theo bên Chủ tọa đã biểu quyết";
  return rule;
}

// How the outcome follows from the count, in Vietnamese.
std::string ReasoningVi(const Policy& p, const meeting::VoteOutcome& o) {
  const std::string outcome = o.passed ? "thông qua" : "không thông qua";
  if (o.tie && p.tie == TieRule::kChairDecides) {
    return std::to_string(o.for_votes) + " tán thành, " + std::to_string(o.against) +
           " không tán thành: ngang nhau; theo bên Chủ tọa đã biểu quyết; " + outcome;
  }
  return std::to_string(o.for_votes) + "/" + std::to_string(o.basis) + " tán thành; cần hơn " +
         ViNumber(FormatShare(p.majority, o.basis)) + "; " + outcome;
}

}  // namespace

std::string MinutesHtml(const MinutesInput& in) {
  const meeting::Meeting& m = in.meeting;
  const auto& s = m.schedule;
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>Biên bản: " +
      E(s.title) + "</title>\n" + std::string(kStyle) + "</head><body>\n";
  h += "<p class=\"meta\">" + E(in.body.name_vi.empty() ? in.body.name : in.body.name_vi) +
       " <span class=\"en\">" + E(in.body.name) + "</span></p>\n";
  h += "<h1>Biên bản phiên họp <span class=\"en\">Minutes of the session</span></h1>\n";
  h += "<p class=\"meta\"><strong>" + E(s.title) + "</strong><br>" + HanoiTime(s.starts_at) +
       " – " + HanoiTime(s.ends_at) + " (giờ Hà Nội, UTC+7 <span class=\"en\">Hanoi time</span>)" +
       (s.place.empty() ? "" : "<br>" + E(s.place)) + "</p>\n";

  h += "<h2>" + Both("Thành phần tham dự", "Attendance") + "</h2>\n<table><tr><th>" +
       Both("Thành viên", "Member") + "</th><th>" + Both("Điểm danh", "Check-in") + "</th></tr>\n";
  for (const auto& [person, p] : m.presence) {
    h += "<tr><td>" + Who(in.body, person) +
         (p.for_member.empty() ? ""
                               : "<br>" + Both("dự thay cho", "standing in for") + " " +
                                     Who(in.body, p.for_member)) +
         "</td><td>" + AttendanceText(p.attendance) + "</td></tr>\n";
  }
  const meeting::AttendanceSummary attendees = m.Attendees();
  const meeting::QuorumStatus quorum = m.Quorum();
  h += "</table>\n<p>" + Both("Tham dự", "Attendance") + ": " +
       Both(AttendanceVi(attendees), attendees.Sentence()) + "</p>\n<p>" +
       Both("Túc số", "Quorum") + ": " + Both(QuorumVi(quorum), quorum.reasoning) + "</p>\n";

  h += "<h2>" + Both("Chương trình phiên họp", "Agenda") + "</h2>\n<ol>\n";
  for (const auto& item : m.agenda) {
    h += "<li><strong>" + E(item.title) + "</strong>";
    if (!item.documents.empty()) {
      h += "<br>" + Both("Tài liệu phiên họp", "meeting documents") + ":<ul>";
      for (const std::string& id : item.documents) {
        const auto d = in.documents.find(id);
        if (d == in.documents.end()) {
          h += "<li>" + E(id) + "</li>";
          continue;
        }
        h += "<li>" + DocumentLinks(d->second) + "</li>";
      }
      h += "</ul>";
    }
    h += "</li>\n";
  }
  h += "</ol>\n";
  // The record's other documents: those its resolutions' opinion forms named.
  std::string others;
  for (const auto& entry : in.documents) {
    if (!m.NamesDocument(entry.first)) others += "<li>" + DocumentLinks(entry.second) + "</li>\n";
  }
  if (!others.empty()) {
    h += "<h2>" + Both("Tài liệu kèm phiếu lấy ý kiến", "Documents of the opinion forms") +
         "</h2>\n<ul>\n" + others + "</ul>\n";
  }

  h += "<h2>" + Both("Phát biểu", "Speakers") + "</h2>\n";
  if (in.speeches.empty()) {
    h += "<p>" +
         Both("Không có lượt phát biểu nào được ghi nhận.", "No turn at the floor was recorded.") +
         "</p>\n";
  } else {
    h += "<table><tr><th>" + Both("Người phát biểu", "Speaker") + "</th><th>" +
         Both("Nội dung", "Item") + "</th><th>" + Both("Bắt đầu", "From") + "</th><th>" +
         Both("Thời lượng", "Speaking time") + "</th></tr>\n";
    for (const Speech& sp : in.speeches) {
      std::string item = sp.item;
      for (const auto& i : m.agenda) {
        if (i.id == sp.item) item = i.title;
      }
      h += "<tr><td>" + Who(in.body, sp.person) + "</td><td>" + E(item) + "</td><td>" +
           HanoiTime(sp.from) + "</td><td>" +
           (sp.to ? Duration((ToMicros(*sp.to) - ToMicros(sp.from)) / 1'000'000)
                  : Both("chưa kết thúc", "not ended")) +
           "</td></tr>\n";
    }
    h += "</table>\n";
  }

  h += "<h2>" + Both("Biểu quyết", "Votes") + "</h2>\n";
  if (m.votes.empty()) h += "<p>" + Both("Không có biểu quyết.", "No vote was held.") + "</p>\n";
  for (const auto& [id, v] : m.votes) {
    h += "<h3>" + E(v.opened.question) + "</h3>\n";
    if (v.outcome) {
      const auto& o = *v.outcome;
      const Policy& policy = v.opened.policy;
      h += "<p>" + Both("Quy tắc", "Rule") + ": " + Both(RuleVi(policy, o), o.rule) +
           "</p>\n<p class=\"" +
           (o.passed ? "passed\">" + Both("Thông qua", "passed")
                     : "failed\">" + Both("Không thông qua", "not passed")) +
           "</p>\n<p>" + std::to_string(o.for_votes) + " " + Both("tán thành", "for") + " (" +
           std::to_string(o.for_in_room) + " " + Both("tại phòng họp", "in the room") + ", " +
           std::to_string(o.for_remote) + " " + Both("trực tuyến", "online") + "), " +
           std::to_string(o.against) + " " + Both("không tán thành", "against") + ", " +
           std::to_string(o.abstain) + " " + Both("không biểu quyết", "abstain") + ", " +
           std::to_string(o.not_voted) + " " + Both("chưa biểu quyết", "did not vote") +
           ".</p>\n<p>" + Both(ReasoningVi(policy, o), o.reasoning) + "</p>\n";
    } else {
      h += "<p>" + Both("Biểu quyết chưa kết thúc.", "The vote was not closed.") + "</p>\n";
    }
    h += "<table><tr><th>" + Both("Thành viên", "Member") + "</th><th>" +
         Both("Biểu quyết", "Ballot") + "</th><th>" + Both("Hình thức", "Mode") + "</th></tr>\n";
    for (const auto& [voter, b] : v.ballots) {
      h += "<tr><td>" + Who(in.body, voter) + "</td><td>" + ChoiceText(b.choice) + "</td><td>" +
           AttendanceText(b.mode) + "</td></tr>\n";
    }
    h += "</table>\n";
  }

  for (const auto& r : in.resolutions) {
    const std::string number = r.number.empty() ? "" : " số " + r.number;
    h += "<h2>Nghị quyết" + E(number) + ": " + E(r.title) + " <span class=\"en\">Resolution" +
         (r.number.empty() ? std::string(" (not numbered yet)") : " No. " + E(r.number)) +
         "</span></h2>\n";
    if (!r.versions.empty()) h += "<pre>" + E(r.current().text) + "</pre>\n";
    if (r.signature) {
      h += "<p>" + Both("Đã ký số", "Signed digitally") + ": " + Who(in.body, r.signature->signer) +
           ", " + HanoiTime(r.signature->signature.signed_at) + " (" +
           E(r.signature->signature.algorithm) + ", " + Both("chứng thư số", "certificate") + " " +
           E(r.signature->signature.certificate) + ")</p>\n";
    } else {
      h += "<p>" + Both("Chưa ký", "Not signed") + " (" + E(resolution::StatusName(r.status)) +
           ")</p>\n";
    }
  }
  h += "<p class=\"meta en\">Generated from the event log; every statement above is backed by "
       "the events in events.jsonl.</p>\n</body></html>\n";
  return h;
}

}  // namespace ecab::replay
