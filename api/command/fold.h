// api/fold.h — how each aggregate's state is folded from its stream: the
// decoder of its events and its evolve function, one trait per state, and the
// fold of a stream up to a log position. Shared by the command side (which
// folds to the head and decides) and the visibility rules (which fold to the
// position a reader asks about).
#pragma once

#include <cstdint>
#include <string>

#include "domain/directory/body.h"
#include "domain/documents/document.h"
#include "domain/forms/form.h"
#include "domain/meeting/meeting.h"
#include "domain/platform/platform.h"
#include "domain/reminders/reminders.h"
#include "domain/resolution/resolution.h"
#include "eventstore/event_store.h"

namespace ecab::api {

template <class State>
struct Fold;
template <>
struct Fold<directory::Body> {
  using Event = directory::DirectoryEvent;
  static const EventDecoder<Event>& Decoder() { return directory::DirectoryDecoder(); }
  static directory::Body Apply(directory::Body s, const Event& e) {
    return directory::Evolve(std::move(s), e);
  }
};
template <>
struct Fold<meeting::Meeting> {
  using Event = meeting::MeetingEvent;
  static const EventDecoder<Event>& Decoder() { return meeting::MeetingDecoder(); }
  static meeting::Meeting Apply(meeting::Meeting s, const Event& e) {
    return meeting::Evolve(std::move(s), e);
  }
};
template <>
struct Fold<forms::Form> {
  using Event = forms::FormEvent;
  static const EventDecoder<Event>& Decoder() { return forms::FormDecoder(); }
  static forms::Form Apply(forms::Form s, const Event& e) { return forms::Evolve(std::move(s), e); }
};
template <>
struct Fold<resolution::Resolution> {
  using Event = resolution::ResolutionEvent;
  static const EventDecoder<Event>& Decoder() { return resolution::ResolutionDecoder(); }
  static resolution::Resolution Apply(resolution::Resolution s, const Event& e) {
    return resolution::Evolve(std::move(s), e);
  }
};
template <>
struct Fold<platform::Platform> {
  using Event = platform::PlatformEvent;
  static const EventDecoder<Event>& Decoder() { return platform::PlatformDecoder(); }
  static platform::Platform Apply(platform::Platform s, const Event& e) {
    return platform::Evolve(std::move(s), e);
  }
};
template <>
struct Fold<documents::Document> {
  using Event = documents::DocumentEvent;
  static const EventDecoder<Event>& Decoder() { return documents::DocumentDecoder(); }
  static documents::Document Apply(documents::Document s, const Event& e) {
    return documents::Evolve(std::move(s), e);
  }
};

// A body's reminders stream: nothing to decide on but the body (each
// reminder is exactly-once by its command id), so its state is empty.
struct ReminderLog {};
template <>
struct Fold<ReminderLog> {
  using Event = reminders::ReminderEvent;
  static const EventDecoder<Event>& Decoder() { return reminders::ReminderDecoder(); }
  static ReminderLog Apply(ReminderLog s, const Event&) { return s; }
};

// A state folded from its stream up to a version and a log position.
template <class State>
struct Folded {
  State state{};
  std::uint64_t version = 0;   // 0: nothing folded (the stream did not exist then)
  std::uint64_t position = 0;  // of the last event folded
  std::string body;            // the body its events belong to
};

// Folds the events of `stream` after `into.version` whose position is at most
// `up_to` into `into` (es::kEnd: to the head). Errors: the store's, or a
// decoding error naming the event.
template <class State>
Status FoldUpTo(const es::EventStore& store, const std::string& stream, std::uint64_t up_to,
                Folded<State>& into) {
  for (;;) {
    ECAB_TRY_LET(events, store.ReadStream(stream, into.version + 1, es::Direction::kForward, 256));
    for (const auto& e : *events) {
      if (e.position > up_to) return Ok{};
      ECAB_TRY_LET(decoded, Fold<State>::Decoder().Decode(e.type, e.schema_version, e.payload));
      into.state = Fold<State>::Apply(std::move(into.state), *decoded);
      into.version = e.version;
      into.position = e.position;
      into.body = e.body;
    }
    if (events->size() < 256) return Ok{};
  }
}

}  // namespace ecab::api
