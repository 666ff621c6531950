// api/sms_gateway.h — text messages through an operator's HTTP gateway.
// Vietnamese carriers' gateways differ, so the request is configured: URL,
// method, headers and a body template in which {{to}} (E.164), {{text}} and
// {{id}} (the idempotency key, the same on every attempt at one message) are
// replaced, escaped for JSON when the Content-Type header says JSON and
// URL-encoded otherwise; {{token}} in a header is the gateway's secret. Any
// 2xx is accepted (the provider's id is taken from a JSON answer's "id" or
// "message_id" when present); 408, 429 and 5xx and network errors are tried
// again; other answers are final.
//
// Length: a message in the GSM 03.38 alphabet takes 160 characters in one
// segment, 153 per segment when split; any other character (Vietnamese
// letters with diacritics) makes the whole message UCS-2: 70 in one segment,
// 67 per segment when split. Sending without diacritics (ascii) keeps
// Vietnamese text in GSM-7.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "api/mailer.h"

namespace ecab::api {

struct SmsSettings {
  std::string url;  // "": no SMS
  std::string method = "POST";
  std::vector<std::string> headers;  // "Name: value"; default: JSON
  std::string body = R"({"to":"{{to}}","text":"{{text}}","id":"{{id}}"})";
  std::string token;              // secret: never logged
  std::filesystem::path ca_file;  // the gateway's CA (PEM); empty: the system's
  long timeout_seconds = 15;
};

struct SmsLength {
  bool gsm7 = true;
  std::size_t characters = 0;  // in the chosen encoding's units (GSM-7 escapes count 2)
  std::size_t segments = 1;
};
SmsLength MeasureSms(std::string_view utf8);

// `utf8` with Vietnamese diacritics removed (đ → d, Đ → D), case kept, and
// dashes and curly quotes made ASCII.
std::string WithoutDiacritics(std::string_view utf8);

class SmsGateway {
 public:
  explicit SmsGateway(SmsSettings settings);
  bool enabled() const { return !settings_.url.empty(); }
  // Sends `text` to `to` with idempotency key `id`. Thread-safe.
  SendOutcome Send(const std::string& to, const std::string& text, const std::string& id) const;

 private:
  SmsSettings settings_;
};

}  // namespace ecab::api
