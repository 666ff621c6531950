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

#include "domain/base/time_serialization.h"
#include "domain/codec/codec.h"
#include "projections/projection.h"

namespace ecab::proj {

// Where a stream's view stands in the log.
struct ViewMeta {
  std::uint64_t position = 0;  // of the last event folded in
  std::uint64_t version = 0;   // stream version
  Timestamp updated_at;        // recorded-at of that event
  template <class A> void serialize(A& ar) { ar(position, version, updated_at); }
};

template <class State, class Event>
class AggregateProjection : public Projection {
 public:
  using Evolve = State (*)(State, const Event&);
  using Render = nlohmann::json (*)(const State&);

  AggregateProjection(std::string name, std::string stream_prefix, const EventDecoder<Event>& decoder,
                      Evolve evolve, Render render, const es::ViewStore& views)
      : name_(std::move(name)), prefix_(std::move(stream_prefix)), decoder_(decoder), evolve_(evolve),
        render_(render), views_(views) {}

  std::string_view name() const override { return name_; }

  Status Apply(const es::RecordedEvent& e) override {
    if (!e.stream.starts_with(prefix_)) return Ok{};
    auto event = decoder_.Decode(e.type, e.schema_version, e.payload);
    if (!event.ok()) {
      return MakeError(event.error().code, name_ + " at position " + std::to_string(e.position) + ": " +
                                               event.error().message);
    }
    auto entry = Load(e.stream);
    if (!entry.ok()) return entry.error();
    Entry& current = **entry;
    current.state = evolve_(std::move(current.state), *event);
    current.meta = ViewMeta{e.position, e.version, e.recorded_at};
    dirty_.insert(e.stream);
    return Ok{};
  }

  Status Flush(es::ViewBatch& batch) override {
    for (const std::string& stream : dirty_) {
      const Entry& entry = cache_.at(stream);
      batch.Put(name_ + "/state/" + stream, EncodeState(entry));
      nlohmann::json view = render_(entry.state);
      view["stream"] = stream;
      view["position"] = entry.meta.position;
      view["version"] = entry.meta.version;
      view["updated_at"] = FormatRfc3339(entry.meta.updated_at);
      batch.Put(name_ + "/view/" + stream, view.dump());
    }
    dirty_.clear();
    if (cache_.size() > kMaxCached) cache_.clear();  // all flushed: reload on demand
    return Ok{};
  }

  void Discard() override {
    cache_.clear();
    dirty_.clear();
  }

 private:
  static constexpr std::size_t kMaxCached = 4096;

  struct Entry {
    State state;
    ViewMeta meta;
    template <class A> void serialize(A& ar) { ar(state, meta); }
  };

  Result<Entry*> Load(const std::string& stream) {
    if (auto it = cache_.find(stream); it != cache_.end()) return &it->second;
    auto stored = views_.Get(name_ + "/state/" + stream);
    if (!stored.ok()) return stored.error();
    Entry entry;
    if (stored->has_value()) {
      auto decoded = DecodeState<Entry>(**stored);
      if (!decoded.ok()) return decoded.error();
      entry = std::move(decoded).value();
    }
    return &cache_.emplace(stream, std::move(entry)).first->second;
  }

  std::string name_;
  std::string prefix_;
  const EventDecoder<Event>& decoder_;
  Evolve evolve_;
  Render render_;
  const es::ViewStore& views_;
  std::map<std::string, Entry> cache_;
  std::set<std::string> dirty_;
};

}  // namespace ecab::proj
