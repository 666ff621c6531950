// domain/codec/codec.h — maps domain events to stored payload bytes and back.
//
// Payload bytes are cereal's portable binary archive of the event struct
// (little-endian integers, strings as u64 length + bytes, enums as their
// underlying integer); the format is in docs/formats/events.md. The type tag
// (E::kType) and schema version (E::kSchemaVersion) travel beside the bytes in
// the envelope, never inside them. Old schema versions are read through
// upcasters registered next to the current type.
#pragma once

#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "domain/base/result.h"
#include "domain/codec/bounded_archive.h"

namespace ecab {

// An event as the store sees it: a tag, a schema version and opaque bytes.
struct EncodedEvent {
  std::string type;
  std::uint16_t schema_version = 0;
  std::string bytes;

  friend bool operator==(const EncodedEvent&, const EncodedEvent&) = default;
};

namespace internal {

// An input stream over borrowed bytes, reused per thread: decoding is on
// every read path, and building an istringstream (a copy and a locale) per
// event costs more than the decoding itself.
template <class Read>
bool ReadPortable(std::string_view bytes, Read&& read, std::string& error) {
  try {
    BoundedInputArchive archive(bytes);
    read(archive);
    if (archive.remaining() != 0) {
      error = "trailing bytes";
      return false;
    }
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
  return true;
}

}  // namespace internal

// Encodes `event` at its current schema version.
template <class E>
EncodedEvent Encode(const E& event) {
  std::ostringstream os(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive archive(os);
    archive(event);
  }
  return EncodedEvent{std::string(E::kType), E::kSchemaVersion, std::move(os).str()};
}

// Encodes whichever event a variant of event types holds.
template <class Variant>
EncodedEvent EncodeVariant(const Variant& event) {
  return std::visit([](const auto& e) { return Encode(e); }, event);
}

// A state value (not an event) to bytes and back, for snapshots kept by
// projections. Same archive as events; no tag, no schema version.
template <class T>
std::string EncodeState(const T& value) {
  std::ostringstream os(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive archive(os);
    archive(value);
  }
  return std::move(os).str();
}

template <class T>
Result<T> DecodeState(std::string_view bytes) {
  T value{};
  std::string error;
  if (!internal::ReadPortable(
          bytes, [&](auto& archive) { archive(value); }, error)) {
    return MakeError(ErrorCode::kCorruption, "cannot decode a stored state: " + error);
  }
  return value;
}

// Decodes bytes written by Encode<E>. Truncated bytes or trailing garbage are
// kCorruption, never an exception.
template <class E>
Result<E> DecodeBytes(std::string_view bytes) {
  E event{};
  std::string error;
  if (!internal::ReadPortable(
          bytes, [&](auto& archive) { archive(event); }, error)) {
    return MakeError(ErrorCode::kCorruption,
                     "cannot decode '" + std::string(E::kType) + "' payload: " + error);
  }
  return event;
}

// Decodes one family of events (a std::variant of current types) by tag and
// schema version. Register every current type with Add and every older
// schema with AddUpcaster; an unknown (tag, version) is kUnsupportedSchema.
template <class Variant>
class EventDecoder {
 public:
  template <class E>
  EventDecoder& Add() {
    table_[{std::string(E::kType), E::kSchemaVersion}] =
        [](std::string_view bytes) -> Result<Variant> {
      auto event = DecodeBytes<E>(bytes);
      if (!event) return event.error();
      return Variant(std::move(event).value());
    };
    return *this;
  }

  // `upcast` turns an `Old` (an earlier schema of some event) into a type held
  // by Variant. Chains of versions compose inside `upcast`.
  template <class Old, class Fn>
  EventDecoder& AddUpcaster(Fn upcast) {
    table_[{std::string(Old::kType), Old::kSchemaVersion}] =
        [upcast](std::string_view bytes) -> Result<Variant> {
      auto old = DecodeBytes<Old>(bytes);
      if (!old) return old.error();
      return Variant(upcast(std::move(old).value()));
    };
    return *this;
  }

  // Every (type, schema version) registered, in order.
  [[nodiscard]] std::vector<std::pair<std::string, std::uint16_t>> Registered() const {
    std::vector<std::pair<std::string, std::uint16_t>> out;
    for (const auto& [key, decode] : table_) out.push_back(key);
    return out;
  }

  [[nodiscard]] bool Knows(std::string_view type) const {
    auto it = table_.lower_bound({std::string(type), 0});
    return it != table_.end() && it->first.first == type;
  }

  [[nodiscard]] Result<Variant> Decode(std::string_view type, std::uint16_t schema_version,
                                       std::string_view bytes) const {
    auto it = table_.find({std::string(type), schema_version});
    if (it == table_.end()) {
      return MakeError(ErrorCode::kUnsupportedSchema, "no decoder for event type '" +
                                                          std::string(type) + "' schema version " +
                                                          std::to_string(schema_version));
    }
    return it->second(bytes);
  }

  [[nodiscard]] Result<Variant> Decode(const EncodedEvent& e) const {
    return Decode(e.type, e.schema_version, e.bytes);
  }

 private:
  std::map<std::pair<std::string, std::uint16_t>, std::function<Result<Variant>(std::string_view)>>
      table_;
};

}  // namespace ecab
