#include "projections/dashboard.h"

#include "domain/forms/events.h"
#include "domain/meeting/events.h"
#include "domain/resolution/resolution.h"

namespace ecab::proj {
namespace {

std::int32_t YearOf(Timestamp t) {
  return static_cast<std::int32_t>(std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(t)).year());
}

}  // namespace

Result<DashboardState*> DashboardProjection::State(const std::string& body) {
  if (auto it = cache_.find(body); it != cache_.end()) return &it->second;
  auto stored = views_.Get("dashboard/state/" + body);
  if (!stored.ok()) return stored.error();
  DashboardState state;
  if (stored->has_value()) {
    auto decoded = DecodeState<DashboardState>(**stored);
    if (!decoded.ok()) return decoded.error();
    state = std::move(decoded).value();
  }
  return &cache_.emplace(body, std::move(state)).first->second;
}

Status DashboardProjection::Apply(const es::RecordedEvent& e) {
  const bool form = e.type == forms::FormDrafted::kType || e.type == forms::FormIssued::kType ||
                    e.type == forms::FormClosed::kType;
  const bool meeting = e.type == meeting::MeetingScheduled::kType || e.type == meeting::SessionOpened::kType ||
                       e.type == meeting::SessionClosed::kType;
  const bool resolution = e.type == resolution::ResolutionDrafted::kType ||
                          e.type == resolution::ResolutionPromulgated::kType;
  if (!form && !meeting && !resolution) return Ok{};
  auto state = State(e.body);
  if (!state.ok()) return state.error();
  DashboardState& s = **state;
  if (form) {
    auto decoded = forms::FormDecoder().Decode(e.type, e.schema_version, e.payload);
    if (!decoded.ok()) return decoded.error();
    auto& entry = s.forms[e.stream];
    if (const auto* issued = std::get_if<forms::FormIssued>(&*decoded)) {
      entry.issued = true;
      entry.deadline = issued->deadline;
    }
    if (std::holds_alternative<forms::FormClosed>(*decoded)) entry.closed = true;
  } else if (meeting) {
    auto decoded = meeting::MeetingDecoder().Decode(e.type, e.schema_version, e.payload);
    if (!decoded.ok()) return decoded.error();
    auto& entry = s.meetings[e.stream];
    if (const auto* scheduled = std::get_if<meeting::MeetingScheduled>(&*decoded)) {
      entry.status = 1;
      entry.starts_at = scheduled->starts_at;
    }
    if (std::holds_alternative<meeting::SessionOpened>(*decoded)) entry.status = 2;
    if (std::holds_alternative<meeting::SessionClosed>(*decoded)) entry.status = 3;
  } else {
    auto decoded = resolution::ResolutionDecoder().Decode(e.type, e.schema_version, e.payload);
    if (!decoded.ok()) return decoded.error();
    auto& entry = s.resolutions[e.stream];
    if (const auto* p = std::get_if<resolution::ResolutionPromulgated>(&*decoded)) {
      entry.promulgated = true;
      entry.year = p->year;
    }
  }
  dirty_.insert(e.body);
  return Ok{};
}

Status DashboardProjection::Flush(es::ViewBatch& batch) {
  for (const auto& body : dirty_) batch.Put("dashboard/state/" + body, EncodeState(cache_.at(body)));
  dirty_.clear();
  return Ok{};
}

void DashboardProjection::Discard() {
  cache_.clear();
  dirty_.clear();
}

Result<nlohmann::json> Dashboard(const es::ViewStore& views, std::string_view body, Timestamp now) {
  auto stored = views.Get("dashboard/state/" + std::string(body));
  if (!stored.ok()) return stored.error();
  DashboardState s;
  if (stored->has_value()) {
    auto decoded = DecodeState<DashboardState>(**stored);
    if (!decoded.ok()) return decoded.error();
    s = std::move(decoded).value();
  }
  int outstanding = 0, overdue = 0, upcoming = 0, live = 0, in_progress = 0, promulgated = 0;
  for (const auto& [id, f] : s.forms) {
    if (f.issued && !f.closed) {
      ++outstanding;
      if (f.deadline <= now) ++overdue;
    }
  }
  for (const auto& [id, m] : s.meetings) {
    if (m.status == 1 && m.starts_at >= now) ++upcoming;
    if (m.status == 2) ++live;
  }
  for (const auto& [id, r] : s.resolutions) {
    if (!r.promulgated) ++in_progress;
    if (r.promulgated && r.year == YearOf(now)) ++promulgated;
  }
  return nlohmann::json{{"body", body},
                        {"as_of", FormatRfc3339(now)},
                        {"forms", {{"outstanding", outstanding}, {"overdue", overdue}}},
                        {"meetings", {{"upcoming", upcoming}, {"live", live}}},
                        {"resolutions", {{"in_progress", in_progress}, {"promulgated_this_year", promulgated}}}};
}

}  // namespace ecab::proj
