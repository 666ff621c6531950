#include "domain/base/error.h"

namespace ecab {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kWrongExpectedVersion:
      return "wrong_expected_version";
    case ErrorCode::kIdempotencyMismatch:
      return "idempotency_mismatch";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kCorruption:
      return "corruption";
    case ErrorCode::kDecryptionFailed:
      return "decryption_failed";
    case ErrorCode::kKeyUnavailable:
      return "key_unavailable";
    case ErrorCode::kIoError:
      return "io_error";
    case ErrorCode::kUnsupportedSchema:
      return "unsupported_schema";
    case ErrorCode::kShutDown:
      return "shut_down";
    case ErrorCode::kForbidden:
      return "forbidden";
    case ErrorCode::kRuleViolation:
      return "rule_violation";
    case ErrorCode::kBadSignature:
      return "bad_signature";
    case ErrorCode::kClassificationRefused:
      return "classification_refused";
    case ErrorCode::kAlreadyExists:
      return "already_exists";
  }
  return "unknown";
}

std::string ToString(const Error& error) {
  std::string out(ErrorCodeName(error.code));
  out += ": ";
  out += error.message;
  return out;
}

}  // namespace ecab
