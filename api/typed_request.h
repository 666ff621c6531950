// api/typed_request.h — a request body tied to the struct it fills. Each field
// is declared once, with the member it sets:
//
//   const Fields<meeting::OpenVote> kOpenVote = {IdField("vote", &meeting::OpenVote::vote),
//                                                TextField("question",
//                                                &meeting::OpenVote::question)};
//
// SchemaOf gives the Field list that ParseStrict checks a body against and the
// OpenAPI document shows (api/schema.h); ReadBody fills the struct from a body
// so checked. A handler receives the struct, never a JSON object read by
// field name, so a field cannot be declared under one name and read under
// another.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "api/enums.h"
#include "api/schema.h"
#include "domain/base/result.h"
#include "domain/base/time.h"
#include "domain/signing/signed_act.h"

namespace ecab::api {

inline constexpr bool kOptional = false;

// One field of T: its declaration, and how its checked JSON value sets T.
// A path parameter (PathParam) is a field too, read from the route's path
// ("/meetings/{meeting}/votes/{vote}") rather than from the body.
template <class T>
struct Bound {
  Field field;
  std::function<Status(const nlohmann::json& value, T& target)> set;
  bool in_path = false;
};
template <class T>
using Fields = std::vector<Bound<T>>;

// The body's fields (path parameters left out).
template <class T>
Schema SchemaOf(const Fields<T>& fields) {
  Schema schema;
  for (const auto& f : fields) {
    if (!f.in_path) schema.push_back(f.field);
  }
  return schema;
}

// A T with every field present in `body` set and every path parameter taken
// from `path` (absent or null fields keep T's defaults). `body` was checked
// by ParseStrict against SchemaOf(fields); a value that still does not fit is
// an error naming the field, never a crash.
template <class T>
Result<T> ReadRequest(const nlohmann::json& body, const std::map<std::string, std::string>& path,
                      const Fields<T>& fields) {
  T out{};
  for (const auto& f : fields) {
    Status set = Ok{};
    if (f.in_path) {
      auto it = path.find(f.field.name);
      if (it == path.end()) continue;
      set = f.set(nlohmann::json(it->second), out);
    } else {
      auto it = body.find(f.field.name);
      if (it == body.end() || it->is_null()) continue;
      set = f.set(*it, out);
    }
    if (!set.ok())
      return MakeError(ErrorCode::kInvalidArgument,
                       "field '" + f.field.name + "': " + set.error().message);
  }
  return out;
}

// ReadRequest without path parameters.
template <class T>
Result<T> ReadBody(const nlohmann::json& body, const Fields<T>& fields) {
  return ReadRequest(body, {}, fields);
}

namespace typed_internal {

inline Error Unfit(std::string what) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(what));
}

template <class T, class M, class Read>
Bound<T> Make(Field field, M T::*member, Read read, bool in_path = false) {
  return {std::move(field),
          [member, read](const nlohmann::json& v, T& target) -> Status {
            Result<M> value = read(v);
            if (!value.ok()) return value.error();
            target.*member = std::move(*value);
            return Ok{};
          },
          in_path};
}

inline Result<std::string> String(const nlohmann::json& v) {
  if (!v.is_string()) return Unfit("must be a string");
  return v.get<std::string>();
}

}  // namespace typed_internal

// Strings: an object id, a short name, a free text (api/schema.h's limits).
template <class T>
Bound<T> IdField(std::string name, std::string T::*m, bool required = true) {
  return typed_internal::Make({std::move(name), FieldType::kId, required}, m,
                              &typed_internal::String);
}
template <class T>
Bound<T> NameField(std::string name, std::string T::*m, bool required = true) {
  return typed_internal::Make({std::move(name), FieldType::kName, required}, m,
                              &typed_internal::String);
}
template <class T>
Bound<T> TextField(std::string name, std::string T::*m, bool required = true) {
  return typed_internal::Make({std::move(name), FieldType::kText, required}, m,
                              &typed_internal::String);
}

// A parameter of the route's path, by its name in the pattern: "{item}".
template <class T>
Bound<T> PathParam(std::string name, std::string T::*m) {
  return typed_internal::Make({std::move(name), FieldType::kId, true}, m, &typed_internal::String,
                              true);
}

// Bytes sent as standard base64 (DER certificates, requests, lists).
template <class T>
Bound<T> BytesField(std::string name, std::string T::*m, bool required = true) {
  return typed_internal::Make({std::move(name), FieldType::kBase64, required}, m,
                              [](const nlohmann::json& v) -> Result<std::string> {
                                auto bytes = v.is_string() ? Base64Decode(v.get<std::string>())
                                                           : std::nullopt;
                                if (!bytes) return typed_internal::Unfit("is not valid base64");
                                return std::move(*bytes);
                              });
}

template <class T>
Bound<T> IdsField(std::string name, std::vector<std::string> T::*m, bool required = true) {
  return typed_internal::Make({std::move(name), FieldType::kIds, required}, m,
                              [](const nlohmann::json& v) -> Result<std::vector<std::string>> {
                                if (!v.is_array()) return typed_internal::Unfit("must be an array");
                                std::vector<std::string> out;
                                for (const auto& item : v) {
                                  if (!item.is_string())
                                    return typed_internal::Unfit("items must be strings");
                                  out.push_back(item.get<std::string>());
                                }
                                return out;
                              });
}

template <class T>
Bound<T> TimeField(std::string name, Timestamp T::*m, bool required = true) {
  return typed_internal::Make({std::move(name), FieldType::kTimestamp, required}, m,
                              [](const nlohmann::json& v) -> Result<Timestamp> {
                                if (!v.is_string())
                                  return typed_internal::Unfit("must be a string");
                                return ParseRfc3339(v.get<std::string>());
                              });
}

template <class T>
Bound<T> FlagField(std::string name, bool T::*m, bool required = true) {
  return typed_internal::Make({std::move(name), FieldType::kBoolean, required}, m,
                              [](const nlohmann::json& v) -> Result<bool> {
                                if (!v.is_boolean())
                                  return typed_internal::Unfit("must be a boolean");
                                return v.get<bool>();
                              });
}

// A non-negative integer into any integer member; a value beyond the member's
// range is held at its largest (the deciders judge the value itself).
template <class T, class N>
requires std::is_integral_v<N> &&
    (!std::is_same_v<N, bool>)Bound<T> CountField(std::string name, N T::*m, bool required = true) {
  return typed_internal::Make(
      {std::move(name), FieldType::kInteger, required}, m,
      [](const nlohmann::json& v) -> Result<N> {
        if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0)) {
          return typed_internal::Unfit("must be a non-negative integer");
        }
        const auto n = v.get<std::uint64_t>();
        constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<N>::max());
        return static_cast<N>(n > kMax ? kMax : n);
      });
}

// One of an enum's wire names (api/enums.h); the schema lists them.
template <class T, class E>
Bound<T> EnumField(std::string name, E T::*m, const EnumNames<E>& names, bool required = true) {
  return typed_internal::Make({std::move(name), FieldType::kEnum, required, names.names()}, m,
                              [&names](const nlohmann::json& v) -> Result<E> {
                                auto value =
                                    v.is_string() ? names.Find(v.get<std::string>()) : std::nullopt;
                                if (!value)
                                  return typed_internal::Unfit("is not one of the listed values");
                                return *value;
                              });
}

// The signature of a signed act: {algorithm, value (base64), certificate, signed_at}.
Result<SignedAct> SignatureOf(const nlohmann::json& v);
template <class T>
Bound<T> SignatureField(SignedAct T::*m) {
  return typed_internal::Make({"signature", FieldType::kSignature, true}, m, &SignatureOf);
}

// Fields of a member struct, declared on the struct that holds it:
// Inside(&forms::DraftForm::content, kContentFields).
template <class T, class M>
Fields<T> Inside(M T::*m, const Fields<M>& inner) {
  Fields<T> out;
  for (const auto& f : inner) {
    out.push_back(
        {f.field,
         [m, set = f.set](const nlohmann::json& v, T& target) { return set(v, target.*m); },
         f.in_path});
  }
  return out;
}

// `a` then `b`.
template <class T>
Fields<T> Join(Fields<T> a, const Fields<T>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace ecab::api
