#include "api/mailer.h"

#include <curl/curl.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <mutex>

#include "eventstore/record.h"

namespace ecab::api {
namespace {

bool Ascii(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80 || c < 0x20) return false;
  }
  return true;
}

// Base64 in lines of 76 characters (RFC 2045).
std::string Base64Lines(const std::string& bytes) {
  const std::string b64 = es::ToBase64(bytes);
  std::string out;
  for (std::size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\r\n";
  return out;
}

// The address inside "Name <addr>", or the whole value.
std::string Address(const std::string& from) {
  const auto lt = from.find('<');
  const auto gt = from.find('>', lt == std::string::npos ? 0 : lt);
  return lt == std::string::npos || gt == std::string::npos ? from
                                                            : from.substr(lt + 1, gt - lt - 1);
}

struct Reader {
  const std::string* data;
  std::size_t offset = 0;
};

std::size_t Read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* r = static_cast<Reader*>(user);
  const std::size_t n = std::min(size * count, r->data->size() - r->offset);
  r->data->copy(buffer, n, r->offset);
  r->offset += n;
  return n;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

void* ThreadHandle() {
  GlobalInit();
  // One handle per thread, kept: libcurl keeps its connection to the relay
  // (or gateway) open between messages; reset clears the options only.
  thread_local std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> handle(curl_easy_init(),
                                                                          curl_easy_cleanup);
  if (handle) curl_easy_reset(handle.get());
  return handle.get();
}

std::string EncodedWord(const std::string& utf8) {
  if (Ascii(utf8)) return utf8;
  // Words of at most 75 characters: 45 bytes of text each, cut between UTF-8 characters.
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    std::size_t end = std::min(utf8.size(), i + 45);
    while (end < utf8.size() && (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + es::ToBase64(utf8.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string MimeMessage(const std::string& from, const Mail& mail,
                        const std::string& date_rfc5322) {
  const std::string boundary = "=_ecab_" + es::ToBase64(mail.message_id).substr(0, 24);
  std::string m;
  m += "Date: " + date_rfc5322 + "\r\n";
  m += "From: " + from + "\r\n";
  m += "To: <" + mail.to + ">\r\n";
  m += "Message-ID: " + mail.message_id + "\r\n";
  m += "Subject: " + EncodedWord(mail.subject) + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  m += "--" + boundary +
       "\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += Base64Lines(mail.text);
  m += "--" + boundary +
       "\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += Base64Lines(mail.html);
  m += "--" + boundary + "--\r\n";
  return m;
}

SendOutcome Mailer::Send(const Mail& mail) const {
  if (!enabled()) return SendOutcome::Failed(true, "no SMTP relay configured (--smtp-url)");
  CURL* c = static_cast<CURL*>(ThreadHandle());
  if (c == nullptr) return SendOutcome::Failed(false, "curl_easy_init failed");
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  const std::string message = MimeMessage(settings_.from, mail, date);
  Reader reader{&message};
  curl_slist* recipients = curl_slist_append(nullptr, ("<" + mail.to + ">").c_str());
  const std::string from = "<" + Address(settings_.from) + ">";
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, Read);
  curl_easy_setopt(c, CURLOPT_READDATA, &reader);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, settings_.timeout_seconds);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  if (settings_.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!settings_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings_.ca_file.c_str());
  if (!settings_.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, settings_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  const CURLcode rc = curl_easy_perform(c);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(recipients);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  if (rc == CURLE_OK) return SendOutcome::Sent();
  std::string reason = error[0] ? error : curl_easy_strerror(rc);
  if (code > 0) reason += " (SMTP " + std::to_string(code) + ")";
  return SendOutcome::Failed(code >= 500 && code < 600, reason);
}

}  // namespace ecab::api
