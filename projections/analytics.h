// projections/analytics.h — how meetings and written consultations used
// their time: per meeting, the time of each agenda item, who spoke how long
// (from each floor grant to its end), attendance and punctuality; per form,
// how long members took to answer; each compared with the body's earlier
// meetings (the 2019 e-Cabinet aimed at meetings 30 % shorter).
//
// Times are the events' recorded-at times. A speech ends at its floor_ended,
// the next grant, the close of its item or of the session, whichever comes
// first; an item's time is the sum of the spans from each take-up to its
// close (or the session's). What is still running counts up to `now`.
//
// Keys: "analytics/meeting/<meeting stream>", "analytics/form/<form stream>",
// and the indexes "analytics/body/<body>/meeting/<stream>",
// "analytics/body/<body>/form/<stream>" (empty values).
// The projection runs under a checkpoint of its own ("checkpoint/analytics",
// api/read_models.cc), so a node that gains it builds it from the whole log.
#pragma once

#include <cereal/types/map.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "domain/base/time_serialization.h"
#include "eventstore/event_store.h"
#include "eventstore/view_store.h"
#include "projections/projection.h"
#include "projections/state_cache.h"

namespace ecab::proj {

struct MeetingClock {
  struct Item {
    std::string title;
    Timestamp first_start{}, last_end{};
    Timestamp open_since{};     // the running span's start, when `running`
    std::int64_t spent_us = 0;  // closed spans
    bool started = false, running = false, closed = false;
    template <class A>
    void serialize(A& ar) {
      ar(title, first_start, last_end, open_since, spent_us, started, running, closed);
    }
  };
  struct Speech {
    std::string person, item;
    Timestamp start{}, end{};
    bool ended = false;
    template <class A>
    void serialize(A& ar) {
      ar(person, item, start, end, ended);
    }
  };
  struct Arrival {
    std::string attendance;  // in_room, remote, substitute, absent
    Timestamp at{};
    template <class A>
    void serialize(A& ar) {
      ar(attendance, at);
    }
  };
  std::string body, meeting, title;
  Timestamp scheduled_start{}, scheduled_end{};
  Timestamp opened_at{}, closed_at{};
  bool opened = false, closed = false;
  std::uint32_t members = 0;
  std::vector<std::string> agenda;  // item ids in the order added
  std::map<std::string, Item> items;
  std::string current_item;
  std::vector<Speech> speeches;
  std::map<std::string, Arrival> arrivals;  // each person's first check-in
  template <class A>
  void serialize(A& ar) {
    ar(body, meeting, title, scheduled_start, scheduled_end, opened_at, closed_at, opened, closed,
       members, agenda, items, current_item, speeches, arrivals);
  }
};

struct FormClock {
  std::string body, form, title;
  Timestamp issued_at{};
  bool issued = false;
  std::uint32_t addressed = 0;
  std::map<std::string, Timestamp> first_answers;  // member -> first answer's time
  template <class A>
  void serialize(A& ar) {
    ar(body, form, title, issued_at, issued, addressed, first_answers);
  }
};

// Folds one meeting (or form) event into its clock.
Status ApplyToMeetingClock(MeetingClock& clock, const es::RecordedEvent& event);
Status ApplyToFormClock(FormClock& clock, const es::RecordedEvent& event);

// A meeting's figures as of `now`, compared with `earlier` (the body's
// meetings closed before this one opened).
nlohmann::json RenderMeetingAnalytics(const MeetingClock& clock,
                                      const std::vector<MeetingClock>& earlier, Timestamp now);
// The same as CSV: one row for the meeting, one per item, one per speaker.
std::string MeetingAnalyticsCsv(const nlohmann::json& analytics);
// The body's meetings and forms, with averages.
nlohmann::json RenderBodyAnalytics(std::string_view body, const std::vector<MeetingClock>& meetings,
                                   const std::vector<FormClock>& forms, Timestamp now);
// The same as CSV: one row per meeting and one per form.
std::string BodyAnalyticsCsv(const nlohmann::json& analytics);

class AnalyticsProjection final : public Projection {
 public:
  explicit AnalyticsProjection(const es::ViewStore& views)
      : meetings_(views, "analytics/meeting/"), forms_(views, "analytics/form/") {}
  std::string_view name() const override { return "analytics"; }
  Status Apply(const es::RecordedEvent& event) override;
  Status Flush(es::ViewBatch& batch) override;
  void Discard() override;

 private:
  StateCache<MeetingClock> meetings_;
  StateCache<FormClock> forms_;
  std::set<std::string> dirty_meetings_, dirty_forms_;
  std::vector<std::string> new_index_keys_;
};

// A meeting's figures from the stored clocks (kNotFound: no such meeting).
Result<nlohmann::json> MeetingAnalytics(const es::ViewStore& views, std::string_view body,
                                        std::string_view meeting_stream, Timestamp now);
Result<nlohmann::json> BodyAnalytics(const es::ViewStore& views, std::string_view body,
                                     Timestamp now);

}  // namespace ecab::proj
