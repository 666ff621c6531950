// projections/dashboard.h — the secretariat's summary per body: forms
// outstanding and overdue, meetings upcoming and live, resolutions in
// progress and promulgated this year. "Overdue" and "this year" depend on
// the time asked about, so the stored state holds deadlines and years and
// the query counts against the `now` it is given.
//
// Key: "dashboard/state/<body>"
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include <cereal/types/map.hpp>

#include "domain/base/time_serialization.h"
#include "projections/projection.h"

namespace ecab::proj {

struct DashboardState {
  struct FormEntry {
    bool issued = false;
    bool closed = false;
    Timestamp deadline;
    template <class A> void serialize(A& ar) { ar(issued, closed, deadline); }
  };
  struct MeetingEntry {
    std::uint8_t status = 0;  // 1 scheduled, 2 live, 3 closed
    Timestamp starts_at;
    template <class A> void serialize(A& ar) { ar(status, starts_at); }
  };
  struct ResolutionEntry {
    bool promulgated = false;
    std::int32_t year = 0;
    template <class A> void serialize(A& ar) { ar(promulgated, year); }
  };
  std::map<std::string, FormEntry> forms;
  std::map<std::string, MeetingEntry> meetings;
  std::map<std::string, ResolutionEntry> resolutions;
  template <class A> void serialize(A& ar) { ar(forms, meetings, resolutions); }
};

class DashboardProjection final : public Projection {
 public:
  explicit DashboardProjection(const es::ViewStore& views) : views_(views) {}
  std::string_view name() const override { return "dashboard"; }
  Status Apply(const es::RecordedEvent& event) override;
  Status Flush(es::ViewBatch& batch) override;
  void Discard() override;

 private:
  Result<DashboardState*> State(const std::string& body);
  const es::ViewStore& views_;
  std::map<std::string, DashboardState> cache_;
  std::set<std::string> dirty_;
};

// The summary of `body` as seen at `now`.
Result<nlohmann::json> Dashboard(const es::ViewStore& views, std::string_view body, Timestamp now);

}  // namespace ecab::proj
