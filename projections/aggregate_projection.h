// projections/aggregate_projection.h — a projection that keeps one domain
// state per stream (a meeting, a form, a resolution), folded with the
// domain's own Evolve, and renders it as a JSON view.
//
// Keys: "<name>/state/<stream>" (the folded state, for restarts) and
//       "<name>/view/<stream>"  (the JSON a query returns).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "domain/base/time_serialization.h"
#include "domain/codec/codec.h"
#include "eventstore/event_store.h"
#include "projections/projection.h"
#include "projections/state_cache.h"

namespace ecab::proj {

// Where a stream's view stands in the log.
struct ViewMeta {
  std::uint64_t position = 0;  // of the last event folded in
  std::uint64_t version = 0;   // stream version
  Timestamp updated_at;        // recorded-at of that event
  template <class A>
  void serialize(A& ar) {
    ar(position, version, updated_at);
  }
};

template <class State, class Event>
class AggregateProjection : public Projection {
 public:
  using Evolve = State (*)(State, const Event&);
  using Render = nlohmann::json (*)(const State&);

  // A snapshot of a stream's state is kept every `snapshot_every` versions,
  // for time travel.
  AggregateProjection(std::string name, std::string stream_prefix,
                      const EventDecoder<Event>& decoder, Evolve evolve, Render render,
                      const es::ViewStore& views, std::uint64_t snapshot_every = 256)
      : name_(std::move(name)),
        prefix_(std::move(stream_prefix)),
        decoder_(decoder),
        evolve_(evolve),
        render_(render),
        views_(views),
        snapshot_every_(snapshot_every) {}

  std::string_view name() const override { return name_; }

  Status Apply(const es::RecordedEvent& e) override {
    if (!e.stream.starts_with(prefix_)) return Ok{};
    ECAB_TRY_LET(event, DecodeEvent(decoder_, e, name_));
    ECAB_TRY_LET(entry, entries_.Get(e.stream));
    Entry& current = **entry;
    current.state = evolve_(std::move(current.state), *event);
    current.meta = ViewMeta{e.position, e.version, e.recorded_at};
    dirty_.insert(e.stream);
    if (e.version % snapshot_every_ == 0) {
      // The state exactly at this position: time travel starts from here.
      snapshots_.emplace_back(name_ + "/snap/" + e.stream + "/" + PositionKey(e.position),
                              EncodeState(current));
    }
    return Ok{};
  }

  // The view of `stream` as it was at global `position`: the latest snapshot
  // at or before it, plus the stream's events after the snapshot up to it.
  // Adds "as_of_position", "snapshot_position" and "replayed_events".
  Result<nlohmann::json> AsOf(const es::EventStore& store, const std::string& stream,
                              std::uint64_t position) const {
    Entry entry;
    ECAB_TRY_LET(snap, views_.Floor(name_ + "/snap/" + stream + "/",
                                    name_ + "/snap/" + stream + "/" + PositionKey(position)));
    if (snap->has_value()) {
      ECAB_TRY_LET(decoded, DecodeState<Entry>((*snap)->second));
      entry = std::move(decoded).value();
    }
    const std::uint64_t snapshot_position = entry.meta.position;
    std::uint64_t replayed = 0;
    for (std::uint64_t from = entry.meta.version + 1;;) {
      ECAB_TRY_LET(events, store.ReadStream(stream, from, es::Direction::kForward, 256));
      for (const auto& e : *events) {
        if (e.position > position) break;
        ECAB_TRY_LET(event, decoder_.Decode(e.type, e.schema_version, e.payload));
        entry.state = evolve_(std::move(entry.state), *event);
        entry.meta = ViewMeta{e.position, e.version, e.recorded_at};
        ++replayed;
      }
      if (events->size() < 256 || events->back().position > position) break;
      from = events->back().version + 1;
    }
    if (entry.meta.version == 0) {
      return MakeError(
          ErrorCode::kNotFound,
          "stream '" + stream + "' has no event at or before position " + std::to_string(position));
    }
    nlohmann::json view = RenderEntry(entry);
    view["stream"] = stream;
    view["as_of_position"] = position;
    view["snapshot_position"] = snapshot_position;
    view["replayed_events"] = replayed;
    return view;
  }

  Status Flush(es::ViewBatch& batch) override {
    for (auto& [key, value] : snapshots_) batch.Put(std::move(key), std::move(value));
    snapshots_.clear();
    for (const std::string& stream : dirty_) {
      const Entry& entry = entries_.at(stream);
      entries_.Write(batch, stream);
      nlohmann::json view = RenderEntry(entry);
      view["stream"] = stream;
      batch.Put(name_ + "/view/" + stream, view.dump());
    }
    dirty_.clear();
    entries_.Trim();
    return Ok{};
  }

  void Discard() override {
    entries_.Clear();
    dirty_.clear();
    snapshots_.clear();
  }

 private:
  struct Entry {
    State state;
    ViewMeta meta;
    template <class A>
    void serialize(A& ar) {
      ar(state, meta);
    }
  };

  nlohmann::json RenderEntry(const Entry& entry) const {
    nlohmann::json view = render_(entry.state);
    view["position"] = entry.meta.position;
    view["version"] = entry.meta.version;
    view["updated_at"] = FormatRfc3339(entry.meta.updated_at);
    return view;
  }

  std::string name_;
  std::string prefix_;
  const EventDecoder<Event>& decoder_;
  Evolve evolve_;
  Render render_;
  const es::ViewStore& views_;
  std::uint64_t snapshot_every_;
  StateCache<Entry> entries_{views_, name_ + "/state/"};
  std::set<std::string> dirty_;
  std::vector<std::pair<std::string, std::string>> snapshots_;  // taken since the last flush
};

}  // namespace ecab::proj
