#include "projections/analytics.h"

#include <algorithm>
#include <numeric>

#include "domain/base/streams.h"
#include "domain/forms/events.h"
#include "domain/meeting/events.h"

namespace ecab::proj {
namespace {

using nlohmann::json;

std::int64_t Micros(Timestamp to, Timestamp from) { return ToMicros(to) - ToMicros(from); }
// Whole seconds, as the figures are shown ("to the second").
std::int64_t WholeSeconds(std::int64_t us) { return us / 1'000'000; }

void EndSpeech(MeetingClock& c, Timestamp at) {
  if (!c.speeches.empty() && !c.speeches.back().ended) {
    c.speeches.back().end = at;
    c.speeches.back().ended = true;
  }
}

void EndItemSpan(MeetingClock& c, const std::string& item, Timestamp at) {
  auto it = c.items.find(item);
  if (it == c.items.end() || !it->second.running) return;
  it->second.spent_us += Micros(at, it->second.open_since);
  it->second.last_end = at;
  it->second.running = false;
}

std::int64_t ItemMicros(const MeetingClock::Item& item, Timestamp now) {
  return item.spent_us +
         (item.running ? std::max<std::int64_t>(0, Micros(now, item.open_since)) : 0);
}

std::int64_t SpeechMicros(const MeetingClock::Speech& s, Timestamp now) {
  return std::max<std::int64_t>(0, Micros(s.ended ? s.end : now, s.start));
}

std::int64_t MeetingMicros(const MeetingClock& c, Timestamp now) {
  if (!c.opened) return 0;
  return std::max<std::int64_t>(0, Micros(c.closed ? c.closed_at : now, c.opened_at));
}

std::optional<double> Median(std::vector<std::int64_t> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? static_cast<double>(values[n / 2])
               : (static_cast<double>(values[n / 2 - 1]) + values[n / 2]) / 2.0;
}

// Percent change of `value` against `base` (negative: shorter), or null.
json Change(double value, std::optional<double> base) {
  if (!base || *base <= 0) return nullptr;
  return std::round((value - *base) / *base * 1000.0) / 10.0;
}

}  // namespace

Status ApplyToMeetingClock(MeetingClock& c, const es::RecordedEvent& e) {
  ECAB_TRY_LET(decoded, DecodeEvent(meeting::MeetingDecoder(), e, "analytics"));
  const Timestamp at = e.recorded_at;
  c.body = e.body;
  std::visit(
      [&](const auto& ev) {
        using T = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<T, meeting::MeetingScheduled>) {
          c.meeting = ev.meeting;
          c.title = ev.title;
          c.scheduled_start = ev.starts_at;
          c.scheduled_end = ev.ends_at;
        } else if constexpr (std::is_same_v<T, meeting::AgendaItemAdded>) {
          c.agenda.push_back(ev.item);
          c.items[ev.item].title = ev.title;
        } else if constexpr (std::is_same_v<T, meeting::SessionOpened>) {
          c.opened = true;
          c.opened_at = at;
          c.members = static_cast<std::uint32_t>(ev.members.size());
        } else if constexpr (std::is_same_v<T, meeting::CheckedIn>) {
          if (!c.arrivals.contains(ev.person))
            c.arrivals[ev.person] = {meeting::AttendanceName(ev.attendance), at};
        } else if constexpr (std::is_same_v<T, meeting::ItemTakenUp>) {
          if (!c.current_item.empty()) EndItemSpan(c, c.current_item, at);
          auto& item = c.items[ev.item];
          if (!item.started) item.first_start = at;
          item.started = item.running = true;
          item.open_since = at;
          c.current_item = ev.item;
        } else if constexpr (std::is_same_v<T, meeting::ItemClosed>) {
          EndSpeech(c, at);
          EndItemSpan(c, ev.item, at);
          c.items[ev.item].closed = true;
          if (c.current_item == ev.item) c.current_item.clear();
        } else if constexpr (std::is_same_v<T, meeting::FloorGranted>) {
          EndSpeech(c, at);
          c.speeches.push_back({ev.person, c.current_item, at, {}, false});
        } else if constexpr (std::is_same_v<T, meeting::FloorEnded>) {
          EndSpeech(c, at);
        } else if constexpr (std::is_same_v<T, meeting::SessionClosed>) {
          EndSpeech(c, at);
          if (!c.current_item.empty()) EndItemSpan(c, c.current_item, at);
          c.closed = true;
          c.closed_at = at;
        }
      },
      *decoded);
  return Ok{};
}

Status ApplyToFormClock(FormClock& c, const es::RecordedEvent& e) {
  ECAB_TRY_LET(decoded, DecodeEvent(forms::FormDecoder(), e, "analytics"));
  c.body = e.body;
  if (const auto* drafted = std::get_if<forms::FormDrafted>(&*decoded)) {
    c.form = drafted->form;
    c.title = drafted->content.title;
  } else if (const auto* revised = std::get_if<forms::FormRevised>(&*decoded)) {
    c.title = revised->content.title;
  } else if (const auto* issued = std::get_if<forms::FormIssued>(&*decoded)) {
    c.issued = true;
    c.issued_at = e.recorded_at;
    c.addressed = static_cast<std::uint32_t>(issued->addressees.size());
  } else if (const auto* answer = std::get_if<forms::AnswerGiven>(&*decoded)) {
    c.first_answers.emplace(answer->member, e.recorded_at);
  }
  return Ok{};
}

json RenderMeetingAnalytics(const MeetingClock& c, const std::vector<MeetingClock>& earlier,
                            Timestamp now) {
  json items = json::array();
  std::int64_t items_us = 0;
  std::size_t items_held = 0;
  for (const auto& id : c.agenda) {
    const auto& item = c.items.at(id);
    std::int64_t speaking = 0;
    int turns = 0;
    for (const auto& s : c.speeches) {
      if (s.item == id) speaking += SpeechMicros(s, now), ++turns;
    }
    const std::int64_t spent = ItemMicros(item, now);
    if (item.started) items_us += spent, ++items_held;
    items.push_back(
        {{"item", id},
         {"title", item.title},
         {"started_at", item.started ? json(FormatRfc3339(item.first_start)) : json(nullptr)},
         {"ended_at",
          item.started && !item.running ? json(FormatRfc3339(item.last_end)) : json(nullptr)},
         {"duration_s", WholeSeconds(spent)},
         {"speaking_s", WholeSeconds(speaking)},
         {"speeches", turns}});
  }
  std::map<std::string, std::pair<std::int64_t, int>> by_person;
  std::map<std::string, std::map<std::string, std::int64_t>> by_person_item;
  for (const auto& s : c.speeches) {
    auto& [us, turns] = by_person[s.person];
    us += SpeechMicros(s, now);
    ++turns;
    by_person_item[s.person][s.item] += SpeechMicros(s, now);
  }
  json speakers = json::array();
  for (const auto& [person, figures] : by_person) {
    json per_item = json::object();
    for (const auto& [item, us] : by_person_item[person])
      per_item[item.empty() ? "(none)" : item] = WholeSeconds(us);
    speakers.push_back({{"person", person},
                        {"speaking_s", WholeSeconds(figures.first)},
                        {"speeches", figures.second},
                        {"by_item", per_item}});
  }
  std::sort(speakers.begin(), speakers.end(), [](const json& a, const json& b) {
    return a["speaking_s"].get<std::int64_t>() > b["speaking_s"].get<std::int64_t>();
  });

  std::map<std::string, int> modes;
  std::vector<std::int64_t> arrival_us;
  int on_time = 0, late = 0;
  for (const auto& [person, a] : c.arrivals) {
    ++modes[a.attendance];
    if (a.attendance == "absent") continue;
    // Punctual: checked in by the scheduled start (or by the opening, if the session opened later).
    const Timestamp due =
        c.opened && c.opened_at > c.scheduled_start ? c.opened_at : c.scheduled_start;
    arrival_us.push_back(Micros(a.at, c.scheduled_start));
    (a.at <= due ? on_time : late) += 1;
  }
  const auto median_arrival = Median(arrival_us);

  std::vector<std::int64_t> earlier_durations, earlier_items;
  for (const auto& m : earlier) {
    if (!m.closed) continue;
    earlier_durations.push_back(MeetingMicros(m, now));
    for (const auto& [id, item] : m.items) {
      if (item.started) earlier_items.push_back(ItemMicros(item, now));
    }
  }
  auto mean = [](const std::vector<std::int64_t>& v) -> std::optional<double> {
    if (v.empty()) return std::nullopt;
    return static_cast<double>(std::accumulate(v.begin(), v.end(), std::int64_t{0})) /
           static_cast<double>(v.size());
  };
  const auto mean_duration = mean(earlier_durations), mean_item = mean(earlier_items);
  const double duration_us = static_cast<double>(MeetingMicros(c, now));
  return {
      {"meeting", c.meeting},
      {"title", c.title},
      {"status", c.closed   ? "closed"
                 : c.opened ? "open"
                            : "scheduled"},
      {"scheduled_start", FormatRfc3339(c.scheduled_start)},
      {"opened_at", c.opened ? json(FormatRfc3339(c.opened_at)) : json(nullptr)},
      {"closed_at", c.closed ? json(FormatRfc3339(c.closed_at)) : json(nullptr)},
      {"duration_s", WholeSeconds(MeetingMicros(c, now))},
      {"start_delay_s",
       c.opened ? json(WholeSeconds(Micros(c.opened_at, c.scheduled_start))) : json(nullptr)},
      {"items", items},
      {"speakers", speakers},
      {"attendance",
       {{"members", c.members},
        {"in_room", modes["in_room"]},
        {"remote", modes["remote"]},
        {"substitute", modes["substitute"]},
        {"absent", modes["absent"]},
        {"on_time", on_time},
        {"late", late},
        {"median_arrival_s",
         median_arrival ? json(std::llround(*median_arrival / 1e6)) : json(nullptr)}}},
      {"comparison",
       {{"earlier_meetings", earlier_durations.size()},
        {"mean_duration_s",
         mean_duration ? json(std::llround(*mean_duration / 1e6)) : json(nullptr)},
        {"duration_change_pct", Change(duration_us, mean_duration)},
        {"mean_item_s", mean_item ? json(std::llround(*mean_item / 1e6)) : json(nullptr)},
        {"item_change_pct",
         Change(items_held ? static_cast<double>(items_us) / static_cast<double>(items_held) : 0.0,
                items_held ? mean_item : std::nullopt)}}}};
}

json RenderBodyAnalytics(std::string_view body, const std::vector<MeetingClock>& meetings,
                         const std::vector<FormClock>& forms, Timestamp now) {
  json out_meetings = json::array(), out_forms = json::array();
  std::vector<std::int64_t> durations, answer_times;
  for (const auto& m : meetings) {
    if (!m.opened) continue;
    std::int64_t speaking = 0;
    for (const auto& s : m.speeches) speaking += SpeechMicros(s, now);
    if (m.closed) durations.push_back(MeetingMicros(m, now));
    out_meetings.push_back(
        {{"meeting", m.meeting},
         {"title", m.title},
         {"status", m.closed ? "closed" : "open"},
         {"opened_at", FormatRfc3339(m.opened_at)},
         {"duration_s", WholeSeconds(MeetingMicros(m, now))},
         {"items", std::count_if(m.items.begin(), m.items.end(),
                                 [](const auto& i) { return i.second.started; })},
         {"speaking_s", WholeSeconds(speaking)},
         {"speeches", m.speeches.size()}});
  }
  for (const auto& f : forms) {
    if (!f.issued) continue;
    std::vector<std::int64_t> times;
    for (const auto& [member, at] : f.first_answers) times.push_back(Micros(at, f.issued_at));
    answer_times.insert(answer_times.end(), times.begin(), times.end());
    const auto median = Median(times);
    out_forms.push_back(
        {{"form", f.form},
         {"title", f.title},
         {"issued_at", FormatRfc3339(f.issued_at)},
         {"addressed", f.addressed},
         {"answered", f.first_answers.size()},
         {"median_answer_s", median ? json(std::llround(*median / 1e6)) : json(nullptr)}});
  }
  const auto median_duration = Median(durations), median_answer = Median(answer_times);
  return {{"body", body},
          {"as_of", FormatRfc3339(now)},
          {"meetings", out_meetings},
          {"forms", out_forms},
          {"summary",
           {{"meetings_held", durations.size()},
            {"median_meeting_s",
             median_duration ? json(std::llround(*median_duration / 1e6)) : json(nullptr)},
            {"answers", answer_times.size()},
            {"median_answer_s",
             median_answer ? json(std::llround(*median_answer / 1e6)) : json(nullptr)}}}};
}

Status AnalyticsProjection::Apply(const es::RecordedEvent& e) {
  const std::optional<ObjectKind> kind = KindOfStream(e.stream);
  if (kind == ObjectKind::kMeeting) {
    ECAB_TRY_LET(clock, meetings_.Get(e.stream));
    if ((*clock)->body.empty())
      new_index_keys_.push_back("analytics/body/" + e.body + "/meeting/" + e.stream);
    if (auto s = ApplyToMeetingClock(**clock, e); !s.ok()) return s;
    dirty_meetings_.insert(e.stream);
  } else if (kind == ObjectKind::kForm) {
    ECAB_TRY_LET(clock, forms_.Get(e.stream));
    if ((*clock)->body.empty())
      new_index_keys_.push_back("analytics/body/" + e.body + "/form/" + e.stream);
    if (auto s = ApplyToFormClock(**clock, e); !s.ok()) return s;
    dirty_forms_.insert(e.stream);
  }
  return Ok{};
}

Status AnalyticsProjection::Flush(es::ViewBatch& batch) {
  for (auto& key : new_index_keys_) batch.Put(std::move(key), "");
  new_index_keys_.clear();
  for (const auto& stream : dirty_meetings_) meetings_.Write(batch, stream);
  for (const auto& stream : dirty_forms_) forms_.Write(batch, stream);
  dirty_meetings_.clear();
  dirty_forms_.clear();
  meetings_.Trim();
  forms_.Trim();
  return Ok{};
}

void AnalyticsProjection::Discard() {
  meetings_.Clear();
  forms_.Clear();
  dirty_meetings_.clear();
  dirty_forms_.clear();
  new_index_keys_.clear();
}

namespace {

template <class Clock>
Result<std::vector<Clock>> LoadClocks(const es::ViewStore& views, std::string_view body,
                                      std::string_view kind) {
  const std::string index = "analytics/body/" + std::string(body) + "/" + std::string(kind) + "/";
  ECAB_TRY_LET(keys, views.Scan(index, 100'000));
  std::vector<Clock> clocks;
  for (const auto& [key, value] : *keys) {
    ECAB_TRY_LET(stored,
                 views.Get("analytics/" + std::string(kind) + "/" + key.substr(index.size())));
    if (!stored->has_value()) continue;
    ECAB_TRY_LET(decoded, DecodeState<Clock>(**stored));
    clocks.push_back(std::move(decoded).value());
  }
  return clocks;
}

}  // namespace

Result<json> MeetingAnalytics(const es::ViewStore& views, std::string_view body,
                              std::string_view meeting_stream, Timestamp now) {
  ECAB_TRY_LET(meetings, LoadClocks<MeetingClock>(views, body, "meeting"));
  const MeetingClock* self = nullptr;
  for (const auto& m : *meetings) {
    if (StreamOf(ObjectKind::kMeeting, m.meeting) == meeting_stream) self = &m;
  }
  if (!self)
    return MakeError(ErrorCode::kNotFound, "no analytics for " + std::string(meeting_stream));
  std::vector<MeetingClock> earlier;
  for (const auto& m : *meetings) {
    if (&m != self && m.closed && (!self->opened || m.closed_at <= self->opened_at))
      earlier.push_back(m);
  }
  return RenderMeetingAnalytics(*self, earlier, now);
}

Result<json> BodyAnalytics(const es::ViewStore& views, std::string_view body, Timestamp now) {
  ECAB_TRY_LET(meetings, LoadClocks<MeetingClock>(views, body, "meeting"));
  ECAB_TRY_LET(forms, LoadClocks<FormClock>(views, body, "form"));
  std::sort(meetings->begin(), meetings->end(),
            [](const MeetingClock& a, const MeetingClock& b) { return a.opened_at < b.opened_at; });
  std::sort(forms->begin(), forms->end(),
            [](const FormClock& a, const FormClock& b) { return a.issued_at < b.issued_at; });
  return RenderBodyAnalytics(body, *meetings, *forms, now);
}

}  // namespace ecab::proj
