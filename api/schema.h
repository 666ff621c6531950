// api/schema.h — request bodies declared as data. One declaration serves
// both the strict parser (unknown, missing, mistyped fields are refused with
// the field named) and the OpenAPI document, so the two cannot drift apart.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ecab::api {

enum class FieldType {
  kId,       // an object id (domain/base/ids.h: [a-z0-9][a-z0-9._-]{0,63}, no "..")
  kName,     // short text: a hash, a media type, a file name (1..256 bytes)
  kText,     // free text (up to 64 KiB)
  kInteger,  // non-negative integer
  kBoolean,
  kIds,        // array of object ids
  kTimestamp,  // RFC 3339 date-time
  kEnum,       // one of Field::values
  kSignature,  // {algorithm, value (base64), certificate, signed_at}
  kBase64,     // binary (DER) as standard base64
};

struct Field {
  std::string name;
  FieldType type = FieldType::kId;
  bool required = true;
  std::vector<std::string> values = {};  // for kEnum
};
using Schema = std::vector<Field>;

struct BadInput {
  int status = 422;
  std::string type;  // problem type slug: malformed-json, unknown-field, …
  std::string title;
  std::string detail;
  std::string field;  // the offending field, when there is one
};

// Parses `body` as a JSON object and checks it against `schema`. An empty
// body is an empty object.
std::variant<nlohmann::json, BadInput> ParseStrict(std::string_view body, const Schema& schema);

// The JSON Schema (OpenAPI 3.1) of `schema`.
nlohmann::json JsonSchemaOf(const Schema& schema);

// A non-negative decimal integer (digits only, fits in 64 bits), or nullopt.
std::optional<std::uint64_t> ParseCount(std::string_view text);

std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace ecab::api
