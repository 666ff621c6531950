// The strict request parser (api/schema.h) against the request body schema of
// every route. The routes' schemas are read back from docs/openapi.json,
// which App::OpenApi writes from the same declarations the server checks.
// Input: two bytes choosing the route, then the body.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/schema.h"

namespace {

using ecab::api::Field;
using ecab::api::FieldType;
using ecab::api::Schema;
using nlohmann::json;

FieldType TypeOf(const json& p) {
  if (p.contains("$ref")) return FieldType::kSignature;
  if (p.contains("enum")) return FieldType::kEnum;
  const std::string type = p.value("type", "");
  if (type == "integer") return FieldType::kInteger;
  if (type == "boolean") return FieldType::kBoolean;
  if (type == "array") return FieldType::kIds;
  if (p.value("format", "") == "date-time") return FieldType::kTimestamp;
  if (p.value("contentEncoding", "") == "base64") return FieldType::kBase64;
  if (p.contains("pattern")) return FieldType::kId;
  return p.value("maxLength", 0) <= 256 ? FieldType::kName : FieldType::kText;
}

std::vector<Schema> LoadSchemas() {
  std::ifstream in(ECAB_OPENAPI);
  const json doc = json::parse(in);
  std::vector<Schema> schemas;
  for (const auto& [path, operations] : doc.at("paths").items()) {
    for (const auto& [method, op] : operations.items()) {
      // JSON bodies only: a file upload's body is bytes (application/octet-stream).
      if (!op.contains("requestBody") || !op["requestBody"]["content"].contains("application/json"))
        continue;
      const json& s = op["requestBody"]["content"]["application/json"]["schema"];
      Schema schema;
      const json required = s.value("required", json::array());
      const json properties = s.value("properties", json::object());
      for (const auto& [name, property] : properties.items()) {
        Field f{name, TypeOf(property)};
        f.required = std::find(required.begin(), required.end(), name) != required.end();
        for (const auto& v : property.value("enum", json::array()))
          f.values.push_back(v.get<std::string>());
        schema.push_back(std::move(f));
      }
      schemas.push_back(std::move(schema));
    }
  }
  if (schemas.size() < 20) throw std::runtime_error("too few request schemas in " ECAB_OPENAPI);
  return schemas;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<Schema> schemas = LoadSchemas();
  if (size < 2) return 0;
  const Schema& schema = schemas[(data[0] << 8 | data[1]) % schemas.size()];
  const std::string_view body(reinterpret_cast<const char*>(data + 2), size - 2);
  auto parsed = ecab::api::ParseStrict(body, schema);
  if (auto* doc = std::get_if<json>(&parsed)) {
    // What passes is an object holding only declared fields, every required one.
    if (!doc->is_object()) __builtin_trap();
    for (const auto& f : schema) {
      if (f.required && !doc->contains(f.name)) __builtin_trap();
    }
    if (doc->size() > schema.size()) __builtin_trap();
  } else {
    const auto& bad = std::get<ecab::api::BadInput>(parsed);
    if (bad.status != 400 && bad.status != 422) __builtin_trap();
    if (bad.detail.size() > 1000) __builtin_trap();  // problems never echo a whole input
  }
  return 0;
}
