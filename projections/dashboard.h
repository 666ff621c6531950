// projections/dashboard.h — the secretariat's summary per body: forms
// outstanding and overdue, meetings upcoming and live, resolutions in
// progress and promulgated this year. "Overdue" and "this year" depend on
// the time asked about, so the stored state holds deadlines and years and
// the query counts against the `now` it is given.
//
// Key: "dashboard/state/<body>"
#pragma once

#include <cereal/types/map.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "domain/base/time_serialization.h"
#include "eventstore/event_store.h"
#include "projections/projection.h"
#include "projections/state_cache.h"

namespace ecab::proj {

struct DashboardState {
  struct FormEntry {
    bool issued = false;
    bool closed = false;
    Timestamp deadline;
    template <class A>
    void serialize(A& ar) {
      ar(issued, closed, deadline);
    }
  };
  struct MeetingEntry {
    std::uint8_t status = 0;  // 1 scheduled, 2 live, 3 closed
    Timestamp starts_at;
    template <class A>
    void serialize(A& ar) {
      ar(status, starts_at);
    }
  };
  struct ResolutionEntry {
    bool promulgated = false;
    std::int32_t year = 0;
    template <class A>
    void serialize(A& ar) {
      ar(promulgated, year);
    }
  };
  std::map<std::string, FormEntry> forms;
  std::map<std::string, MeetingEntry> meetings;
  std::map<std::string, ResolutionEntry> resolutions;
  std::uint64_t snapshot_at = 0;  // position of the last snapshot taken
  template <class A>
  void serialize(A& ar) {
    ar(forms, meetings, resolutions, snapshot_at);
  }
};

// True when `event` changes a dashboard.
bool AffectsDashboard(const es::RecordedEvent& event);
// Folds `event` into `state` (the state of event.body).
Status ApplyToDashboard(DashboardState& state, const es::RecordedEvent& event);
// The summary of `state` as seen at `now`: counts, and the open items behind
// them (forms issued and not closed, with deadline; meetings upcoming or live;
// resolutions in progress or promulgated this year), by id.
nlohmann::json Summarize(std::string_view body, const DashboardState& state, Timestamp now);

class DashboardProjection final : public Projection {
 public:
  // A body's state is snapshotted ("dashboard/snap/<body>/<position>") at its
  // first event after every `snapshot_every` positions of the log.
  explicit DashboardProjection(const es::ViewStore& views, std::uint64_t snapshot_every = 4096)
      : states_(views, "dashboard/state/"), snapshot_every_(snapshot_every) {}
  std::string_view name() const override { return "dashboard"; }
  Status Apply(const es::RecordedEvent& event) override;
  Status Flush(es::ViewBatch& batch) override;
  void Discard() override;

 private:
  StateCache<DashboardState> states_;
  std::set<std::string> dirty_;
  std::vector<std::pair<std::string, std::string>> snapshots_;
  std::uint64_t snapshot_every_;
};

// The summary of `body` as seen at `now`.
Result<nlohmann::json> Dashboard(const es::ViewStore& views, std::string_view body, Timestamp now);

// The ids of the body's meetings scheduled or in session, as the view knows
// them now (read receipts look for the meetings a document is read for).
Result<std::vector<std::string>> OpenMeetings(const es::ViewStore& views, std::string_view body);

// Time travel: the summary of `body` as the log stood at `position`, seen at
// `now` (usually the recorded-at of that position): the latest snapshot at or
// before it plus the log's events after the snapshot.
Result<nlohmann::json> DashboardAsOf(const es::EventStore& store, const es::ViewStore& views,
                                     std::string_view body, std::uint64_t position, Timestamp now);

}  // namespace ecab::proj
