#include "replay/minutes.h"

#include "domain/text/html.h"

namespace ecab::replay {
namespace {

std::string Escape(std::string_view s) { return text::HtmlEscaped(s); }

}  // namespace

std::string MinutesHtml(const meeting::Meeting& m,
                        const std::vector<resolution::Resolution>& resolutions,
                        const std::vector<std::string>& speakers) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Minutes: " +
      Escape(m.schedule.title) + "</title></head><body>\n";
  h += "<h1>" + Escape(m.schedule.title) + "</h1>\n<p>Meeting " + Escape(m.schedule.meeting) +
       ", " + FormatRfc3339(m.schedule.starts_at) + ", " + Escape(m.schedule.place) + "</p>\n";
  h += "<h2>Attendance</h2>\n<table><tr><th>Participant</th><th>Attendance</th></tr>\n";
  for (const auto& [person, p] : m.presence) {
    h += "<tr><td>" + Escape(person) +
         (p.for_member.empty() ? "" : " (for " + Escape(p.for_member) + ")") + "</td><td>" +
         meeting::AttendanceName(p.attendance) + "</td></tr>\n";
  }
  h += "</table>\n<p>Attendance: " + Escape(m.Attendees().Sentence()) +
       "</p>\n<p>Quorum: " + Escape(m.Quorum().reasoning) + "</p>\n";
  h += "<h2>Agenda</h2>\n<ol>\n";
  for (const auto& item : m.agenda)
    h += "<li>" + Escape(item.title) + (item.closed ? " (closed)" : "") + "</li>\n";
  h += "</ol>\n<h2>Speakers</h2>\n<ol>\n";
  for (const auto& s : speakers) h += "<li>" + Escape(s) + "</li>\n";
  h += "</ol>\n<h2>Votes</h2>\n";
  for (const auto& [id, v] : m.votes) {
    h += "<h3>" + Escape(v.opened.question) + "</h3>\n";
    if (v.outcome) {
      const auto& o = *v.outcome;
      h += "<p>" + std::to_string(o.for_votes) + " in favour (" + std::to_string(o.for_in_room) +
           " in the room, " + std::to_string(o.for_remote) + " remote), " +
           std::to_string(o.against) + " against, " + std::to_string(o.abstain) + " abstaining, " +
           std::to_string(o.not_voted) + " not voting.</p>\n<p>Rule: " + Escape(o.rule) + ". " +
           Escape(o.reasoning) + ".</p>\n";
    }
    h += "<table><tr><th>Voter</th><th>Choice</th><th>Mode</th></tr>\n";
    for (const auto& [voter, b] : v.ballots) {
      h += "<tr><td>" + Escape(voter) + "</td><td>" + meeting::ChoiceName(b.choice) + "</td><td>" +
           meeting::AttendanceName(b.mode) + "</td></tr>\n";
    }
    h += "</table>\n";
  }
  for (const auto& r : resolutions) {
    h += "<h2>Resolution " + Escape(r.number.empty() ? r.id : r.number) + ": " + Escape(r.title) +
         "</h2>\n";
    if (!r.versions.empty()) h += "<pre>" + Escape(r.current().text) + "</pre>\n";
    if (r.signature) {
      h += "<p>Signed by " + Escape(r.signature->signer) + " (" +
           Escape(r.signature->signature.algorithm) + ", certificate " +
           Escape(r.signature->signature.certificate) + ") at " +
           FormatRfc3339(r.signature->signature.signed_at) + ".</p>\n";
    }
  }
  h += "</body></html>\n";
  return h;
}

}  // namespace ecab::replay
