// domain/base/error.h — the one list of error codes used by every layer.
// Persisted and mapped to HTTP statuses: values are explicit and never renumbered.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ecab {

enum class ErrorCode : std::uint16_t {
  // The caller sent something malformed: empty id, oversized field, bad format.
  kInvalidArgument = 1,
  // Aborted: the stream is not at the expected version; re-read and retry the
  // read-modify-write. Nothing was written.
  kWrongExpectedVersion = 2,
  // A command id that is already stored was sent again with different content.
  kIdempotencyMismatch = 3,
  // The thing asked for does not exist.
  kNotFound = 4,
  // Stored data failed an integrity check (hash, chain, framing).
  kCorruption = 5,
  // A payload could not be decrypted: wrong key, or the ciphertext was altered.
  kDecryptionFailed = 6,
  // The key a record names is not in the key file, or the key file is unusable.
  kKeyUnavailable = 7,
  // The operating system or the storage engine failed.
  kIoError = 8,
  // A stored payload has a schema version this build cannot read or upcast.
  kUnsupportedSchema = 9,
  // The component is shutting down; the request was not carried out.
  kShutDown = 10,
  // The actor's role, or their relation to the object, does not allow this.
  kForbidden = 11,
  // The command breaks a rule of the process in the object's current state:
  // the vote is closed, the deadline has passed, the form is not issued.
  kRuleViolation = 12,
  // A signed act's signature or certificate does not verify.
  kBadSignature = 13,
  // A document is classified above what the body accepts; it never enters.
  kClassificationRefused = 14,
  // The object to create already exists.
  kAlreadyExists = 15,
};

// Stable, lower-case name of a code, for logs and problem types.
std::string_view ErrorCodeName(ErrorCode code);

// An expected failure: a code for programs and a message for people.
struct Error {
  ErrorCode code = ErrorCode::kInvalidArgument;
  std::string message;

  friend bool operator==(const Error&, const Error&) = default;
};

// "wrong_expected_version: stream 'meeting-1' is at version 3, expected 2"
std::string ToString(const Error& error);

}  // namespace ecab
