#include "api/sms_gateway.h"

#include <curl/curl.h>

#include <cctype>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace ecab::api {
namespace {

// Decodes one UTF-8 character at `i` (advancing it); invalid bytes are U+FFFD.
char32_t Next(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  int n = b < 0x80 ? 0 : (b >> 5) == 6 ? 1 : (b >> 4) == 14 ? 2 : (b >> 3) == 30 ? 3 : -1;
  if (n < 0 || i + n >= s.size() + (n == 0 ? 1 : 0)) {
    ++i;
    return n == 0 ? b : 0xFFFD;
  }
  char32_t c = n == 0 ? b : b & (0x3F >> n);
  for (int k = 1; k <= n; ++k) {
    const auto cont = static_cast<unsigned char>(s[i + k]);
    if ((cont & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    c = (c << 6) | (cont & 0x3F);
  }
  i += n + 1;
  return c;
}

void Append(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// GSM 03.38: the basic set's non-ASCII letters, and the ASCII it lacks.
constexpr std::u32string_view kGsmBasicNonAscii = U"£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤ÄÖÑÜ§¿äöñüà¡";
constexpr std::string_view kGsmExtension = "^{}\\[~]|";  // each takes two septets (€ too)

// 0: not in GSM-7; 1 or 2 septets.
int Septets(char32_t c) {
  if (c == U'€') return 2;
  if (c < 0x80) {
    if (kGsmExtension.find(static_cast<char>(c)) != std::string_view::npos) return 2;
    if (c == '`' || (c < 0x20 && c != '\n' && c != '\r')) return 0;
    return 1;
  }
  return kGsmBasicNonAscii.find(c) != std::u32string_view::npos ? 1 : 0;
}

// The base letter of a Vietnamese letter with diacritics, or 0.
char BaseLetter(char32_t c) {
  if (c == U'đ') return 'd';
  if (c == U'Đ') return 'D';
  struct Row {
    std::u32string_view letters;
    char base;
  };
  static constexpr Row kRows[] = {{U"àáảãạăằắẳẵặâầấẩẫậ", 'a'},
                                  {U"ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", 'A'},
                                  {U"èéẻẽẹêềếểễệ", 'e'},
                                  {U"ÈÉẺẼẸÊỀẾỂỄỆ", 'E'},
                                  {U"ìíỉĩị", 'i'},
                                  {U"ÌÍỈĨỊ", 'I'},
                                  {U"òóỏõọôồốổỗộơờớởỡợ", 'o'},
                                  {U"ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", 'O'},
                                  {U"ùúủũụưừứửữự", 'u'},
                                  {U"ÙÚỦŨỤƯỪỨỬỮỰ", 'U'},
                                  {U"ỳýỷỹỵ", 'y'},
                                  {U"ỲÝỶỸỴ", 'Y'}};
  for (const auto& row : kRows) {
    if (row.letters.find(c) != std::u32string_view::npos) return row.base;
  }
  return 0;
}

std::string JsonEscaped(const std::string& s) {
  const std::string quoted = nlohmann::json(s).dump();
  return quoted.substr(1, quoted.size() - 2);
}

std::string UrlEncoded(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Replace(std::string text, std::string_view name, const std::string& value) {
  for (auto at = text.find(name); at != std::string::npos;
       at = text.find(name, at + value.size())) {
    text.replace(at, name.size(), value);
  }
  return text;
}

std::size_t Collect(char* data, std::size_t size, std::size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() < 64 * 1024) out->append(data, size * count);
  return size * count;
}

}  // namespace

SmsLength MeasureSms(std::string_view utf8) {
  SmsLength m;
  std::size_t septets = 0, units = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t c = Next(utf8, i);
    const int s = Septets(c);
    if (s == 0) m.gsm7 = false;
    septets += s;
    units += c >= 0x10000 ? 2 : 1;  // UTF-16 code units
  }
  m.characters = m.gsm7 ? septets : units;
  const std::size_t single = m.gsm7 ? 160 : 70, part = m.gsm7 ? 153 : 67;
  m.segments = m.characters <= single ? 1 : (m.characters + part - 1) / part;
  return m;
}

std::string WithoutDiacritics(std::string_view utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t c = Next(utf8, i);
    if (c >= 0x300 && c <= 0x36F) continue;  // a combining mark
    if (c == U'—' || c == U'–') {
      out += '-';
    } else if (c == U'“' || c == U'”') {
      out += '"';
    } else if (c == U'‘' || c == U'’') {
      out += '\'';
    } else if (const char base = BaseLetter(c); base != 0) {
      out += base;
    } else {
      Append(out, c);
    }
  }
  return out;
}

SmsGateway::SmsGateway(SmsSettings settings) : settings_(std::move(settings)) {
  if (settings_.headers.empty()) settings_.headers.push_back("Content-Type: application/json");
}

SendOutcome SmsGateway::Send(const std::string& to, const std::string& text,
                             const std::string& id) const {
  if (!enabled()) return SendOutcome::Failed(true, "no SMS gateway configured (--sms-url)");
  CURL* c = static_cast<CURL*>(ThreadHandle());
  if (c == nullptr) return SendOutcome::Failed(false, "curl_easy_init failed");
  bool json = false;
  curl_slist* headers = nullptr;
  for (const auto& h : settings_.headers) {
    if (h.size() > 13 && h.substr(0, 13) == "Content-Type:" && h.find("json") != std::string::npos)
      json = true;
    headers = curl_slist_append(headers, Replace(h, "{{token}}", settings_.token).c_str());
  }
  headers = curl_slist_append(headers, ("Idempotency-Key: " + id).c_str());
  const auto escape = [&](const std::string& v) { return json ? JsonEscaped(v) : UrlEncoded(v); };
  const std::string body =
      Replace(Replace(Replace(settings_.body, "{{to}}", escape(to)), "{{id}}", escape(id)),
              "{{text}}", escape(text));
  std::string answer;
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, settings_.method.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, settings_.timeout_seconds);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  if (!settings_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings_.ca_file.c_str());
  const CURLcode rc = curl_easy_perform(c);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK)
    return SendOutcome::Failed(false, error[0] ? error : std::string(curl_easy_strerror(rc)));
  if (code >= 200 && code < 300) {
    SendOutcome ok = SendOutcome::Sent();
    auto parsed = nlohmann::json::parse(answer, nullptr, false);
    if (parsed.is_object()) {
      for (const char* key : {"id", "message_id", "messageId"}) {
        if (parsed.contains(key) && (parsed[key].is_string() || parsed[key].is_number())) {
          ok.provider_id =
              parsed[key].is_string() ? parsed[key].get<std::string>() : parsed[key].dump();
          break;
        }
      }
    }
    if (ok.provider_id.empty()) ok.provider_id = id;
    return ok;
  }
  const bool again = code == 408 || code == 429 || code >= 500;
  return SendOutcome::Failed(
      !again, "the SMS gateway answered " + std::to_string(code) + ": " + answer.substr(0, 200));
}

}  // namespace ecab::api
