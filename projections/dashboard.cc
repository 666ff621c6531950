#include "projections/dashboard.h"

#include "domain/base/streams.h"
#include "domain/forms/events.h"
#include "domain/meeting/events.h"
#include "domain/resolution/resolution.h"

namespace ecab::proj {
namespace {

std::int32_t YearOf(Timestamp t) {
  return static_cast<std::int32_t>(
      std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(t)).year());
}

}  // namespace

bool AffectsDashboard(const es::RecordedEvent& e) {
  return e.type == forms::FormDrafted::kType || e.type == forms::FormIssued::kType ||
         e.type == forms::FormClosed::kType || e.type == meeting::MeetingScheduled::kType ||
         e.type == meeting::SessionOpened::kType || e.type == meeting::SessionClosed::kType ||
         e.type == resolution::ResolutionDrafted::kType ||
         e.type == resolution::ResolutionPromulgated::kType;
}

Status ApplyToDashboard(DashboardState& s, const es::RecordedEvent& e) {
  if (KindOfStream(e.stream) == ObjectKind::kForm) {
    ECAB_TRY_LET(decoded, forms::FormDecoder().Decode(e.type, e.schema_version, e.payload));
    auto& entry = s.forms[e.stream];
    if (const auto* issued = std::get_if<forms::FormIssued>(&*decoded)) {
      entry.issued = true;
      entry.deadline = issued->deadline;
    }
    if (std::holds_alternative<forms::FormClosed>(*decoded)) entry.closed = true;
  } else if (KindOfStream(e.stream) == ObjectKind::kMeeting) {
    ECAB_TRY_LET(decoded, meeting::MeetingDecoder().Decode(e.type, e.schema_version, e.payload));
    auto& entry = s.meetings[e.stream];
    if (const auto* scheduled = std::get_if<meeting::MeetingScheduled>(&*decoded)) {
      entry.status = 1;
      entry.starts_at = scheduled->starts_at;
    }
    if (std::holds_alternative<meeting::SessionOpened>(*decoded)) entry.status = 2;
    if (std::holds_alternative<meeting::SessionClosed>(*decoded)) entry.status = 3;
  } else if (KindOfStream(e.stream) == ObjectKind::kResolution) {
    ECAB_TRY_LET(decoded,
                 resolution::ResolutionDecoder().Decode(e.type, e.schema_version, e.payload));
    auto& entry = s.resolutions[e.stream];
    if (const auto* p = std::get_if<resolution::ResolutionPromulgated>(&*decoded)) {
      entry.promulgated = true;
      entry.year = p->year;
    }
  }
  return Ok{};
}

Status DashboardProjection::Apply(const es::RecordedEvent& e) {
  if (!AffectsDashboard(e)) return Ok{};
  ECAB_TRY_LET(state, states_.Get(e.body));
  DashboardState& s = **state;
  if (auto applied = ApplyToDashboard(s, e); !applied.ok()) return applied;
  if (e.position >= s.snapshot_at + snapshot_every_) {
    s.snapshot_at = e.position;
    snapshots_.emplace_back("dashboard/snap/" + e.body + "/" + PositionKey(e.position),
                            EncodeState(s));
  }
  dirty_.insert(e.body);
  return Ok{};
}

Status DashboardProjection::Flush(es::ViewBatch& batch) {
  for (auto& [key, value] : snapshots_) batch.Put(std::move(key), std::move(value));
  snapshots_.clear();
  for (const auto& body : dirty_) states_.Write(batch, body);
  dirty_.clear();
  states_.Trim();
  return Ok{};
}

void DashboardProjection::Discard() {
  states_.Clear();
  dirty_.clear();
  snapshots_.clear();
}

nlohmann::json Summarize(std::string_view body, const DashboardState& s, Timestamp now) {
  // Counts, and the items behind them (ids and the facts the state holds) so
  // that a dashboard can open each one.
  int overdue = 0, upcoming = 0, live = 0, promulgated = 0;
  nlohmann::json forms = nlohmann::json::array(), meetings = nlohmann::json::array(),
                 resolutions = nlohmann::json::array();
  for (const auto& [stream, f] : s.forms) {
    if (!f.issued || f.closed) continue;
    const bool late = f.deadline <= now;
    overdue += late;
    forms.push_back(
        {{"form", IdOfStream(stream)}, {"deadline", FormatRfc3339(f.deadline)}, {"overdue", late}});
  }
  for (const auto& [stream, m] : s.meetings) {
    const bool is_upcoming = m.status == 1 && m.starts_at >= now, is_live = m.status == 2;
    upcoming += is_upcoming;
    live += is_live;
    if (!is_upcoming && !is_live) continue;
    meetings.push_back({{"meeting", IdOfStream(stream)},
                        {"status", is_live ? "live" : "scheduled"},
                        {"starts_at", FormatRfc3339(m.starts_at)}});
  }
  std::size_t in_progress = 0;
  for (const auto& [stream, r] : s.resolutions) {
    const bool this_year = r.promulgated && r.year == YearOf(now);
    promulgated += this_year;
    in_progress += !r.promulgated;
    if (!r.promulgated || this_year) {
      resolutions.push_back({{"resolution", IdOfStream(stream)}, {"promulgated", r.promulgated}});
    }
  }
  const auto outstanding = forms.size();
  return nlohmann::json{
      {"body", body},
      {"as_of", FormatRfc3339(now)},
      {"forms", {{"outstanding", outstanding}, {"overdue", overdue}, {"items", std::move(forms)}}},
      {"meetings", {{"upcoming", upcoming}, {"live", live}, {"items", std::move(meetings)}}},
      {"resolutions",
       {{"in_progress", in_progress},
        {"promulgated_this_year", promulgated},
        {"items", std::move(resolutions)}}}};
}

namespace {

Result<DashboardState> StoredState(const es::ViewStore& views, std::string_view body) {
  ECAB_TRY_LET(stored, views.Get("dashboard/state/" + std::string(body)));
  if (!stored->has_value()) return DashboardState{};
  return DecodeState<DashboardState>(**stored);
}

}  // namespace

Result<nlohmann::json> Dashboard(const es::ViewStore& views, std::string_view body, Timestamp now) {
  ECAB_TRY_LET(s, StoredState(views, body));
  return Summarize(body, *s, now);
}

Result<std::vector<std::string>> OpenMeetings(const es::ViewStore& views, std::string_view body) {
  ECAB_TRY_LET(s, StoredState(views, body));
  std::vector<std::string> open;
  for (const auto& [stream, m] : s->meetings) {
    if (m.status == 1 || m.status == 2) open.emplace_back(IdOfStream(stream));
  }
  return open;
}

Result<nlohmann::json> DashboardAsOf(const es::EventStore& store, const es::ViewStore& views,
                                     std::string_view body, std::uint64_t position, Timestamp now) {
  const std::string prefix = "dashboard/snap/" + std::string(body) + "/";
  ECAB_TRY_LET(snap, views.Floor(prefix, prefix + PositionKey(position)));
  DashboardState s;
  if (snap->has_value()) {
    ECAB_TRY_LET(decoded, DecodeState<DashboardState>((*snap)->second));
    s = std::move(decoded).value();
  }
  const std::uint64_t from = s.snapshot_at + 1;
  std::uint64_t replayed = 0;
  for (std::uint64_t next = from; next <= position;) {
    ECAB_TRY_LET(events, store.ReadAll(next, std::min<std::uint64_t>(1024, position - next + 1)));
    if (events->empty()) break;
    for (const auto& e : *events) {
      ++replayed;
      if (e.body != body || !AffectsDashboard(e)) continue;
      ECAB_TRY(ApplyToDashboard(s, e));
    }
    next = events->back().position + 1;
  }
  nlohmann::json out = Summarize(body, s, now);
  out["as_of_position"] = position;
  out["snapshot_position"] = s.snapshot_at;
  out["replayed_events"] = replayed;
  return out;
}

}  // namespace ecab::proj
