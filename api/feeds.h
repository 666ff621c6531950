// api/feeds.h — the WebSocket feeds' sources (docs/API.md, "Feeds").
//
// A meeting feed sends the meeting's view as of `from`, then per event of the
// meeting its envelope and an RFC 6902 JSON Patch from the view before it to
// the view after it. That message is the same for every connection following
// the meeting, so it is rendered once, by a `MeetingTimeline` shared through
// `FeedHub`, and the connections queue the same bytes: a hundred clients on
// one meeting cost one render and one copy per event, not a hundred.
//
// A body feed sends the envelope of every event of the body the caller may
// see (at the event and now), judged by a `Sight` of its own.
//
// Depends on: eventstore, domain, projections/views, api/visibility.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "api/http/http.h"
#include "api/visibility.h"
#include "eventstore/event_store.h"

namespace ecab::api {

// The rendered feed messages of one meeting's recent events, kept for every
// connection that follows it. Thread-safe.
class MeetingTimeline {
 public:
  MeetingTimeline(const es::EventStore& store, std::string stream);
  ~MeetingTimeline();

  // The message for `event`, an event of this meeting, rendered now or
  // earlier; nullptr when the event lies before the last `kKept` rendered
  // (a connection far behind renders its own). Errors: the store's, or the
  // event's decoding error.
  Result<http::FeedMessage> MessageOf(const es::RecordedEvent& event);

  static constexpr std::size_t kKept = 256;

 private:
  struct State;
  const es::EventStore& store_;
  const std::string stream_;
  std::mutex mu_;
  std::unique_ptr<State> state_;  // guarded by mu_
};

// The timelines of the meetings that have a feed open; a timeline lives as
// long as a feed holds it. Thread-safe.
class FeedHub {
 public:
  explicit FeedHub(const es::EventStore& store) : store_(store) {}
  std::shared_ptr<MeetingTimeline> Timeline(const std::string& stream);

 private:
  const es::EventStore& store_;
  std::mutex mu_;
  std::map<std::string, std::weak_ptr<MeetingTimeline>> timelines_;
};

// The feed of meeting `stream` after position `from` (0: its whole history).
// Errors: the store's, or a decoding error of one of its events.
Result<std::unique_ptr<http::FeedSource>> OpenMeetingFeed(const es::EventStore& store, FeedHub& hub,
                                                          std::string stream, std::uint64_t from);

// The feed of body `body` after `from`, as `viewer` may see it.
std::unique_ptr<http::FeedSource> OpenBodyFeed(const es::EventStore& store, FoldCache& latest,
                                               std::string body, Viewer viewer, std::uint64_t from);

}  // namespace ecab::api
