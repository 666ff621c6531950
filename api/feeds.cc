// The meeting and body feeds (api/feeds.h).
#include "api/feeds.h"

#include <nlohmann/json.hpp>

#include "api/command/fold.h"
#include "domain/base/time.h"
#include "projections/views.h"

namespace ecab::api {
namespace {

using nlohmann::json;

json Actor(const es::RecordedEvent& e) {
  return {{"id", e.actor.id}, {"role", e.actor.role}, {"on_behalf_of", e.actor.on_behalf_of}};
}

// The batch, ending the feed (its connection closes with `reason`).
http::FeedBatch Ended(http::FeedBatch batch, std::string reason) {
  batch.end = true;
  batch.reason = std::move(reason);
  return batch;
}

http::FeedMessage Message(const json& j) {
  return std::make_shared<const std::string>(
      j.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace

// Named, not anonymous: MeetingTimeline::State holds one.
namespace feeds_internal {

// A meeting's view at one version, and how to move it on by one event.
struct Rendered {
  meeting::Meeting state;
  json view;
  std::uint64_t version = 0;

  // Folds the meeting's events up to `position` (its view as of then).
  Status FoldTo(const es::EventStore& store, const std::string& stream, std::uint64_t position) {
    Folded<meeting::Meeting> folded;
    if (auto s = FoldUpTo(store, stream, position, folded); !s.ok()) return s;
    state = std::move(folded.state);
    version = folded.version;
    view = proj::RenderMeeting(state);
    return Ok{};
  }

  // Applies `e` (the next event) and returns its feed message.
  Result<http::FeedMessage> Apply(const es::RecordedEvent& e) {
    ECAB_TRY_LET(decoded, meeting::MeetingDecoder().Decode(e.type, e.schema_version, e.payload));
    state = meeting::Evolve(std::move(state), *decoded);
    json after = proj::RenderMeeting(state);
    json patch = json::diff(view, after);
    view = std::move(after);
    version = e.version;
    return Message({{"position", e.position},
                    {"version", e.version},
                    {"type", e.type},
                    {"recorded_at", FormatRfc3339(e.recorded_at)},
                    {"actor", Actor(e)},
                    {"patch", std::move(patch)}});
  }
};

}  // namespace feeds_internal

struct MeetingTimeline::State {
  feeds_internal::Rendered rendered;                // as of the last message rendered
  std::map<std::uint64_t, http::FeedMessage> kept;  // by stream version, the last kKept
};

MeetingTimeline::MeetingTimeline(const es::EventStore& store, std::string stream)
    : store_(store), stream_(std::move(stream)), state_(std::make_unique<State>()) {}
MeetingTimeline::~MeetingTimeline() = default;

Result<http::FeedMessage> MeetingTimeline::MessageOf(const es::RecordedEvent& event) {
  std::lock_guard lock(mu_);
  State& s = *state_;
  if (auto it = s.kept.find(event.version); it != s.kept.end()) return it->second;
  if (event.version <= s.rendered.version) return http::FeedMessage{};  // older than what is kept
  if (event.version != s.rendered.version + 1) {
    // First use, or events no connection asked for: the view just before it.
    ECAB_TRY(s.rendered.FoldTo(store_, stream_, event.position - 1));
    if (s.rendered.version + 1 != event.version) {
      return Error{ErrorCode::kCorruption, "the meeting's events before version " +
                                               std::to_string(event.version) +
                                               " could not all be read"};
    }
  }
  auto message = s.rendered.Apply(event);
  if (!message.ok()) return message;
  s.kept.emplace(event.version, *message);
  while (s.kept.size() > kKept) s.kept.erase(s.kept.begin());
  return message;
}

std::shared_ptr<MeetingTimeline> FeedHub::Timeline(const std::string& stream) {
  std::lock_guard lock(mu_);
  std::erase_if(timelines_, [](const auto& entry) { return entry.second.expired(); });
  auto& slot = timelines_[stream];
  auto timeline = slot.lock();
  if (!timeline) {
    timeline = std::make_shared<MeetingTimeline>(store_, stream);
    slot = timeline;
  }
  return timeline;
}

namespace {

class MeetingFeed final : public http::FeedSource {
 public:
  MeetingFeed(const es::EventStore& store, std::shared_ptr<MeetingTimeline> timeline,
              std::string stream, std::uint64_t from)
      : store_(store), timeline_(std::move(timeline)), stream_(std::move(stream)), from_(from) {}

  Status Init() {
    if (auto s = own_.FoldTo(store_, stream_, from_); !s.ok()) return s;
    own_valid_ = true;
    subscription_ = store_.Subscribe(from_ + 1);
    return Ok{};
  }

  http::FeedBatch Next(std::chrono::milliseconds wait) override {
    http::FeedBatch batch;
    if (!snapshot_sent_) {
      snapshot_sent_ = true;
      batch.messages.push_back(Message({{"snapshot", own_.view}, {"position", from_}}));
      return batch;
    }
    auto events = subscription_->Next(256, wait);
    if (!events.ok()) return Ended(std::move(batch), "the log could not be read");
    for (const auto& e : *events) {
      if (e.stream != stream_) continue;
      auto message = MessageOf(e);
      if (!message.ok()) return Ended(std::move(batch), "an event could not be decoded");
      batch.messages.push_back(std::move(*message));
    }
    return batch;
  }

 private:
  // The shared message when the timeline has it; otherwise rendered from a
  // view of this connection's own (a client catching up from far behind).
  Result<http::FeedMessage> MessageOf(const es::RecordedEvent& e) {
    auto shared = timeline_->MessageOf(e);
    if (!shared.ok()) return shared;
    if (*shared) {
      own_valid_ = false;  // moved on without it
      own_ = feeds_internal::Rendered{};
      return shared;
    }
    if (!own_valid_ || own_.version + 1 != e.version) {
      ECAB_TRY(own_.FoldTo(store_, stream_, e.position - 1));
      own_valid_ = true;
    }
    return own_.Apply(e);
  }

  const es::EventStore& store_;
  std::shared_ptr<MeetingTimeline> timeline_;
  std::string stream_;
  std::uint64_t from_;
  feeds_internal::Rendered own_;
  bool own_valid_ = false;
  bool snapshot_sent_ = false;
  std::unique_ptr<es::Subscription> subscription_;
};

class BodyFeed final : public http::FeedSource {
 public:
  BodyFeed(const es::EventStore& store, FoldCache& latest, std::string body, Viewer viewer,
           std::uint64_t from)
      : body_(std::move(body)),
        sight_(latest, std::move(viewer)),
        subscription_(store.Subscribe(from + 1)) {}

  http::FeedBatch Next(std::chrono::milliseconds wait) override {
    http::FeedBatch batch;
    auto events = subscription_->Next(256, wait);
    if (!events.ok()) return Ended(std::move(batch), "the log could not be read");
    for (const auto& e : *events) {
      if (e.body != body_) continue;
      auto visible = sight_.MaySeeAt(body_, e.stream, e.position);
      if (!visible.ok()) return Ended(std::move(batch), "the log could not be read");
      if (!*visible) continue;
      batch.messages.push_back(Message({{"position", e.position},
                                        {"stream", e.stream},
                                        {"version", e.version},
                                        {"type", e.type},
                                        {"recorded_at", FormatRfc3339(e.recorded_at)},
                                        {"actor", Actor(e)}}));
    }
    return batch;
  }

 private:
  std::string body_;
  Sight sight_;
  std::unique_ptr<es::Subscription> subscription_;
};

}  // namespace

Result<std::unique_ptr<http::FeedSource>> OpenMeetingFeed(const es::EventStore& store, FeedHub& hub,
                                                          std::string stream, std::uint64_t from) {
  auto timeline = hub.Timeline(stream);
  auto feed = std::make_unique<MeetingFeed>(store, std::move(timeline), std::move(stream), from);
  ECAB_TRY(feed->Init());
  return std::unique_ptr<http::FeedSource>(std::move(feed));
}

std::unique_ptr<http::FeedSource> OpenBodyFeed(const es::EventStore& store, FoldCache& latest,
                                               std::string body, Viewer viewer,
                                               std::uint64_t from) {
  return std::make_unique<BodyFeed>(store, latest, std::move(body), std::move(viewer), from);
}

}  // namespace ecab::api
