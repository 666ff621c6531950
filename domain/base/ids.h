// domain/base/ids.h — the one grammar of object ids (docs/API.md, "Ids"):
// bodies, people, meetings, items, votes, forms, documents, resolutions.
//
//   id = ( lower / digit ) *63( lower / digit / "." / "_" / "-" )   ; 1..64 bytes
//   lower = %x61-7A ; digit = %x30-39
//   and an id never contains "..".
//
// Ids name files in exports and parts of URLs, so nothing that could act as
// a path, a quote or a control character gets in. Checked once, at the edge
// (the API's request schema and path parameters).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ecab {

inline constexpr std::size_t kMaxIdBytes = 64;

// The regular expression of the grammar, for documents (OpenAPI `pattern`).
inline constexpr std::string_view kIdPattern = "^[a-z0-9][a-z0-9._-]{0,63}$";

// Why `id` is not a valid id ("" when it is), in words for an error message.
inline std::string IdProblem(std::string_view id) {
  if (id.empty()) return "is empty";
  if (id.size() > kMaxIdBytes) return "is longer than 64 bytes";
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_or_digit(id.front())) return "must start with a lower-case letter or a digit";
  for (char c : id) {
    if (!lower_or_digit(c) && c != '.' && c != '_' && c != '-') {
      return "may hold only a-z, 0-9, '.', '_' and '-'";
    }
  }
  if (id.find("..") != std::string_view::npos) return "must not contain '..'";
  return "";
}

inline bool IsValidId(std::string_view id) { return IdProblem(id).empty(); }

}  // namespace ecab
