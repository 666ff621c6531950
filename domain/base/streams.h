// domain/base/streams.h — the one naming of streams: each aggregate lives in
// the stream "<kind>-<id>" (docs/formats/event-record.md, "Streams").
//
//   stream = kind "-" id ; kind = "body" / "meeting" / "form" / "resolution" / "document"
//          / "reminders-" body-id        ; a body's reminders (not an object)
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace ecab {

enum class ObjectKind { kBody, kMeeting, kForm, kResolution, kDocument };

// "body", "meeting", "form", "resolution", "document".
constexpr std::string_view KindName(ObjectKind kind) {
  constexpr std::array<std::string_view, 5> names = {"body", "meeting", "form", "resolution",
                                                     "document"};
  return names[static_cast<std::size_t>(kind)];
}

// The stream of object `id` of `kind`: StreamOf(kMeeting, "m1") == "meeting-m1".
inline std::string StreamOf(ObjectKind kind, std::string_view id) {
  std::string s(KindName(kind));
  s += '-';
  s += id;
  return s;
}

// The stream of a body's reminders and notification requests: "reminders-<body>".
inline std::string RemindersStream(std::string_view body) {
  std::string s("reminders-");
  s += body;
  return s;
}

// Is `stream` a body's reminders stream?
constexpr bool IsRemindersStream(std::string_view stream) {
  return stream.starts_with("reminders-");
}

// The kind of an object stream, nullopt for other streams (the platform's, reminders).
constexpr std::optional<ObjectKind> KindOfStream(std::string_view stream) {
  for (auto kind : {ObjectKind::kBody, ObjectKind::kMeeting, ObjectKind::kForm,
                    ObjectKind::kResolution, ObjectKind::kDocument}) {
    const std::string_view name = KindName(kind);
    if (stream.size() > name.size() + 1 && stream.starts_with(name) && stream[name.size()] == '-')
      return kind;
  }
  return std::nullopt;
}

// The object id of an object stream ("" for other streams).
constexpr std::string_view IdOfStream(std::string_view stream) {
  auto kind = KindOfStream(stream);
  return kind ? stream.substr(KindName(*kind).size() + 1) : std::string_view{};
}

}  // namespace ecab
