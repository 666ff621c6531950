// eventstore/envelope.h — what goes into the log and what comes out of it.
// The store moves envelopes and opaque payload bytes; it knows no event types.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/base/time.h"

namespace ecab::es {

using Hash = std::array<std::uint8_t, 32>;

// A signature over the event's canonical signing payload (docs/formats/signing.md).
// The store keeps it verbatim; checking it is the domain's and the auditor's job.
struct Signature {
  std::string algorithm;        // e.g. "ed25519", "ecdsa-p256-sha256", "rsa-pss-sha256"
  std::string value;            // raw signature bytes
  std::string certificate_ref;  // names the signer certificate, e.g. its SHA-256 fingerprint
  friend bool operator==(const Signature&, const Signature&) = default;
};

// Who acted, in which role, and for whom ("" when acting for themselves).
struct Actor {
  std::string id;
  std::string role;
  std::string on_behalf_of;
  friend bool operator==(const Actor&, const Actor&) = default;
};

// One event offered to Append.
struct ProposedEvent {
  std::string type;  // explicit tag, e.g. "meeting.ballot_cast"
  std::uint16_t schema_version = 1;
  std::string payload;  // plaintext bytes; encrypted before storage
  std::optional<Signature> signature;
  friend bool operator==(const ProposedEvent&, const ProposedEvent&) = default;
};

// The stream version an append requires. Stream versions start at 1; a stream
// with no events is at version 0.
struct ExpectedVersion {
  // Persisted in idempotency fingerprints: explicit values, never renumbered.
  enum class Kind : std::uint8_t { kAny = 0, kNoStream = 1, kExact = 2 };
  Kind kind = Kind::kAny;
  std::uint64_t version = 0;  // used with kExact

  static ExpectedVersion Any() { return {Kind::kAny, 0}; }
  static ExpectedVersion NoStream() { return {Kind::kNoStream, 0}; }
  static ExpectedVersion Exactly(std::uint64_t v) { return {Kind::kExact, v}; }
  friend bool operator==(const ExpectedVersion&, const ExpectedVersion&) = default;
};

// Several events for one stream, stored all together or not at all.
struct AppendRequest {
  std::string body;    // tenant: the collegial body the stream belongs to
  std::string stream;  // 1..256 bytes, no control characters
  ExpectedVersion expected;
  std::string command_id;  // idempotency key, required
  std::string correlation_id;
  std::string causation_id;
  Actor actor;
  std::vector<ProposedEvent> events;  // at least one
  // What the command id is bound to. Unset: the append itself (a retry must
  // ask for the same events). A caller that decides events from a request
  // (the API) sets the request's digest: the id then binds the request, and
  // a retry of it is answered even if deciding again would give other events.
  std::optional<Hash> request_fingerprint;
};

struct AppendResult {
  std::uint64_t first_position = 0;  // global position of the first event appended
  std::uint64_t last_position = 0;   // and of the last
  std::uint64_t stream_version = 0;  // the stream's version after the append
  friend bool operator==(const AppendResult&, const AppendResult&) = default;
};

// What the store keeps per command id: what it was bound to and what it got.
struct CommandRecord {
  Hash fingerprint{};
  AppendResult result;
};

// An event as read back: the full envelope with the payload decrypted.
struct RecordedEvent {
  std::uint64_t position = 0;
  std::string body;
  std::string stream;
  std::uint64_t version = 0;
  std::string type;
  std::uint16_t schema_version = 0;
  Timestamp recorded_at;
  Actor actor;
  std::string command_id;
  std::string correlation_id;
  std::string causation_id;
  std::string payload;
  std::optional<Signature> signature;
  std::string key_id;  // the at-rest key the payload was encrypted with
  Hash prev_hash{};
  Hash hash{};
};

}  // namespace ecab::es
