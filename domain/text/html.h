// domain/text/html.h — text put into HTML (the minutes, notification emails).
#pragma once

#include <string>
#include <string_view>

namespace ecab::text {

// `s` with & < > " ' written as character references: safe in element
// content and in quoted attribute values.
inline std::string HtmlEscaped(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace ecab::text
