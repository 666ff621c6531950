#include "replay/explain.h"

#include <algorithm>
#include <map>
#include <set>

#include "domain/base/streams.h"
#include "domain/forms/form.h"
#include "domain/resolution/resolution.h"
#include "replay/signed_acts.h"

namespace ecab::replay {
namespace {

constexpr std::size_t kStreamLimit = 1'000'000;

// The events of the streams a story reads, and each signed act's check.
class StoryLog {
 public:
  // Reads `stream` (nothing when it does not exist).
  Status Read(const es::EventStore& store, const std::string& stream) {
    if (streams_.contains(stream)) return Ok{};
    ECAB_TRY_LET(events, store.ReadStream(stream, 1, es::Direction::kForward, kStreamLimit));
    for (const auto& e : *events) bodies_.insert(e.body);
    streams_[stream] = std::move(*events);
    return Ok{};
  }

  // Reads the streams of the bodies seen so far, then checks every signed
  // act in log order (the certificates as they stood then).
  Status CheckSignatures(const es::EventStore& store) {
    for (const auto& body : std::set<std::string>(bodies_))
      ECAB_TRY(Read(store, StreamOf(ObjectKind::kBody, body)));
    std::vector<const es::RecordedEvent*> all;
    for (const auto& [stream, events] : streams_) {
      for (const auto& e : events) all.push_back(&e);
    }
    std::sort(all.begin(), all.end(),
              [](const auto* a, const auto* b) { return a->position < b->position; });
    ActCollector collector;
    for (const auto* e : all) {
      auto check = collector.Feed(*e);
      if (!check.ok()) {
        unreadable_.push_back(
            {e->position, e->stream, e->type, "cannot read: " + check.error().message});
        signatures_[e->position] = "cannot be checked: " + check.error().message;
      } else if (check->has_value()) {
        auto verdict = Check(**check);
        signatures_[e->position] = verdict.ok() ? "verified" : verdict.error().message;
      }
    }
    return Ok{};
  }

  const std::vector<es::RecordedEvent>& Events(const std::string& stream) const {
    static const std::vector<es::RecordedEvent> kNone;
    auto it = streams_.find(stream);
    return it == streams_.end() ? kNone : it->second;
  }
  std::string Signature(std::uint64_t position) const {
    auto it = signatures_.find(position);
    return it == signatures_.end() ? "unsigned" : it->second;
  }
  // Events of the bodies' streams that could not be read.
  std::vector<StoryFinding> Unreadable(const std::set<std::string>& object_streams) const {
    std::vector<StoryFinding> out;
    for (const auto& f : unreadable_) {
      if (!object_streams.contains(f.stream)) out.push_back(f);
    }
    return out;
  }

 private:
  std::map<std::string, std::vector<es::RecordedEvent>> streams_;
  std::set<std::string> bodies_;
  std::map<std::uint64_t, std::string> signatures_;
  std::vector<StoryFinding> unreadable_;
};

// The stream of meeting or form `id`: "<kind>-<id>" as the command side
// names it, or a stream named `id` itself (logs recorded before streams.h),
// whichever holds the object's first event naming it; "" when neither does.
Result<std::string> ObjectStream(StoryLog& log, const es::EventStore& store, ObjectKind kind,
                                 const std::string& id) {
  for (const std::string& stream : {StreamOf(kind, id), id}) {
    ECAB_TRY(log.Read(store, stream));
    const auto& events = log.Events(stream);
    if (events.empty()) continue;
    const auto& first = events.front();
    if (kind == ObjectKind::kMeeting) {
      auto d = meeting::MeetingDecoder().Decode(first.type, first.schema_version, first.payload);
      const auto* s = d.ok() ? std::get_if<meeting::MeetingScheduled>(&*d) : nullptr;
      if (s != nullptr && s->meeting == id) return stream;
    } else {
      auto d = forms::FormDecoder().Decode(first.type, first.schema_version, first.payload);
      const auto* f = d.ok() ? std::get_if<forms::FormDrafted>(&*d) : nullptr;
      if (f != nullptr && f->form == id) return stream;
    }
  }
  return std::string();
}

StoryFinding DecodeFinding(const es::RecordedEvent& e, const Error& error) {
  return {e.position, e.stream, e.type, "cannot decode: " + error.message};
}

// Each person once, as the meeting stood (the views and minutes use the same state).
AttendanceStory AttendanceOf(const meeting::Meeting& m) {
  AttendanceStory out;
  for (const auto& [person, p] : m.presence)
    out.people.push_back({person, p.for_member, p.attendance, {}, 0});
  out.counts = m.Attendees();
  return out;
}

VoteStory TellVote(const StoryLog& log, const std::string& stream, const std::string& vote) {
  VoteStory story;
  story.meeting = stream;
  story.vote = vote;
  meeting::Meeting m;
  std::optional<AttendanceStory> at_close;
  std::map<std::string, int> ballots_by_voter;
  for (const auto& e : log.Events(stream)) {
    auto decoded = meeting::MeetingDecoder().Decode(e.type, e.schema_version, e.payload);
    if (!decoded.ok()) {
      story.findings.push_back(DecodeFinding(e, decoded.error()));
      continue;
    }
    const auto& ev = *decoded;
    if (const auto* s = std::get_if<meeting::MeetingScheduled>(&ev)) {
      story.schedule = *s;
    } else if (const auto* c = std::get_if<meeting::CheckedIn>(&ev)) {
      story.check_ins.push_back(
          {c->person, c->for_member, c->attendance, e.recorded_at, e.position});
    } else if (const auto* o = std::get_if<meeting::VoteOpened>(&ev); o && o->vote == vote) {
      story.opened = *o;
      story.opened_at = e.recorded_at;
      story.quorum_at_opening = meeting::EvaluateQuorum(
          static_cast<std::uint32_t>(o->electorate.size()), o->present, o->policy.quorum);
    } else if (const auto* b = std::get_if<meeting::BallotCast>(&ev); b && b->vote == vote) {
      const bool change = ballots_by_voter[b->voter]++ > 0;
      story.ballots.push_back({b->voter, b->cast_by, b->choice, b->mode, e.recorded_at, e.position,
                               change, log.Signature(e.position)});
    } else if (const auto* cl = std::get_if<meeting::VoteClosed>(&ev); cl && cl->vote == vote) {
      story.closed_at = e.recorded_at;
      story.outcome = cl->outcome;
      at_close = AttendanceOf(m);
    }
    m = meeting::Evolve(std::move(m), ev);
  }
  story.attendance = at_close ? *at_close : AttendanceOf(m);
  story.quorum_at_close_of_session = m.Quorum().reasoning;
  return story;
}

FormStory TellForm(const StoryLog& log, const std::string& stream) {
  FormStory story;
  story.form = stream;
  for (const auto& e : log.Events(stream)) {
    auto decoded = forms::FormDecoder().Decode(e.type, e.schema_version, e.payload);
    if (!decoded.ok()) {
      story.findings.push_back(DecodeFinding(e, decoded.error()));
      continue;
    }
    if (const auto* d = std::get_if<forms::FormDrafted>(&*decoded)) {
      story.content = d->content;
      story.drafted_by = e.actor.id;
    } else if (const auto* a = std::get_if<forms::AnswerGiven>(&*decoded)) {
      story.answers.push_back({*a, e.recorded_at, log.Signature(e.position)});
    } else if (const auto* ap = std::get_if<forms::FormApproved>(&*decoded)) {
      story.approved_by = ap->by;
      story.approval_signature = log.Signature(e.position);
    } else if (const auto* c = std::get_if<forms::FormClosed>(&*decoded)) {
      story.result = c->result;
    } else if (const auto* dec = std::get_if<forms::FormDecisionRecorded>(&*decoded)) {
      story.decision = *dec;
    }
  }
  return story;
}

// Reads the resolution's stream and the meeting and forms it names.
Result<ResolutionStory> TellResolution(const es::EventStore& store, const std::string& id) {
  StoryLog log;
  ResolutionStory story;
  story.resolution = StreamOf(ObjectKind::kResolution, id);
  ECAB_TRY(log.Read(store, story.resolution));
  if (log.Events(story.resolution).empty()) {
    return MakeError(ErrorCode::kNotFound, "no resolution '" + story.resolution + "'");
  }
  std::vector<std::pair<const es::RecordedEvent*, resolution::ResolutionEvent>> events;
  std::string meeting_stream, vote;
  std::vector<std::string> form_streams;
  for (const auto& e : log.Events(story.resolution)) {
    auto decoded = resolution::ResolutionDecoder().Decode(e.type, e.schema_version, e.payload);
    if (!decoded.ok()) {
      story.findings.push_back(DecodeFinding(e, decoded.error()));
      continue;
    }
    if (const auto* d = std::get_if<resolution::ResolutionDrafted>(&*decoded);
        d && !d->vote.empty()) {
      ECAB_TRY_LET(found, ObjectStream(log, store, ObjectKind::kMeeting, d->meeting));
      meeting_stream = *found;
      vote = d->vote;
    } else if (const auto* c = std::get_if<resolution::ResolutionCirculated>(&*decoded)) {
      ECAB_TRY_LET(found, ObjectStream(log, store, ObjectKind::kForm, c->form));
      if (!found->empty()) form_streams.push_back(*found);
    }
    events.emplace_back(&e, std::move(*decoded));
  }
  ECAB_TRY(log.CheckSignatures(store));
  std::set<std::string> objects{story.resolution, meeting_stream};
  objects.insert(form_streams.begin(), form_streams.end());
  auto unreadable = log.Unreadable(objects);
  story.findings.insert(story.findings.begin(), unreadable.begin(), unreadable.end());
  for (const auto& [event, ev] : events) {
    const es::RecordedEvent& e = *event;
    if (const auto* d = std::get_if<resolution::ResolutionDrafted>(&ev)) {
      story.title = d->title;
      story.versions.push_back({1, d->author, e.recorded_at});
      if (!meeting_stream.empty()) story.vote = TellVote(log, meeting_stream, vote);
    } else if (const auto* r = std::get_if<resolution::ResolutionRevised>(&ev)) {
      story.versions.push_back({r->version, r->author, e.recorded_at});
    } else if (const auto* c = std::get_if<resolution::ResolutionCirculated>(&ev)) {
      auto form = std::find_if(form_streams.begin(), form_streams.end(), [&](const std::string& s) {
        return IdOfStream(s) == c->form || s == c->form;
      });
      if (form != form_streams.end()) story.opinions_on_drafts.push_back(TellForm(log, *form));
    } else if (const auto* s = std::get_if<resolution::ResolutionSigned>(&ev)) {
      story.signature =
          SignatureStory{s->signer,  s->signature.algorithm, s->signature.certificate,
                         s->version, e.recorded_at,          log.Signature(e.position)};
    } else if (const auto* p = std::get_if<resolution::ResolutionPromulgated>(&ev)) {
      story.promulgated = {p->number, e.recorded_at};
    } else if (const auto* dist = std::get_if<resolution::ResolutionDistributed>(&ev)) {
      story.distributed_to = dist->recipients;
    }
  }
  return story;
}

}  // namespace

Result<Story> Explain(const es::EventStore& store, std::string_view what, std::string_view id) {
  const std::string object(what == "vote" ? id.substr(0, id.find('/')) : id);
  if (what == "resolution") {
    ECAB_TRY_LET(story, TellResolution(store, object));
    return Story(std::move(*story));
  }
  if (what != "vote" && what != "form") {
    return MakeError(ErrorCode::kInvalidArgument, "explain a resolution, a vote or a form");
  }
  if (what == "vote" && id.find('/') == std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "a vote is '<meeting>/<vote>'");
  }
  const ObjectKind kind = what == "vote" ? ObjectKind::kMeeting : ObjectKind::kForm;
  StoryLog log;
  ECAB_TRY_LET(stream, ObjectStream(log, store, kind, object));
  if (stream->empty()) {
    return MakeError(
        ErrorCode::kNotFound,
        std::string(what == "vote" ? "no meeting '" : "no opinion form '") + object + "'");
  }
  ECAB_TRY(log.CheckSignatures(store));
  const auto unreadable = log.Unreadable({*stream});
  if (what == "vote") {
    VoteStory story = TellVote(log, *stream, std::string(id.substr(id.find('/') + 1)));
    story.findings.insert(story.findings.end(), unreadable.begin(), unreadable.end());
    return Story(std::move(story));
  }
  FormStory story = TellForm(log, *stream);
  story.findings.insert(story.findings.end(), unreadable.begin(), unreadable.end());
  return Story(std::move(story));
}

std::vector<StoryFinding> Findings(const Story& story) {
  std::vector<StoryFinding> all;
  auto take = [&](const std::vector<StoryFinding>& part) {
    all.insert(all.end(), part.begin(), part.end());
  };
  if (const auto* r = std::get_if<ResolutionStory>(&story)) {
    take(r->findings);
    if (r->vote) take(r->vote->findings);
    for (const auto& f : r->opinions_on_drafts) take(f.findings);
  } else if (const auto* v = std::get_if<VoteStory>(&story)) {
    take(v->findings);
  } else {
    take(std::get<FormStory>(story).findings);
  }
  return all;
}

}  // namespace ecab::replay
