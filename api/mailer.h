// api/mailer.h — email over SMTP through libcurl: STARTTLS (smtp://, required
// when asked) or implicit TLS (smtps://), AUTH with a user and password, the
// relay's certificate checked against the system's or a given CA. The
// message is MIME: a UTF-8 subject in RFC 2047 form, plain text and HTML
// alternatives, a Message-ID the caller derives from the notification so a
// retry is recognisable.
#pragma once

#include <filesystem>
#include <string>

namespace ecab::api {

struct MailSettings {
  std::string url;       // "smtp://relay.example:587" or "smtps://relay.example:465"; "": no email
  std::string user;      // AUTH user; "": no AUTH
  std::string password;  // never logged
  std::string from;      // "e-Cabinet <no-reply@cabinet.example>"
  bool starttls = true;  // smtp:// only: require STARTTLS (refuse to send in clear)
  std::filesystem::path ca_file;  // the relay's CA (PEM); empty: the system's
  long timeout_seconds = 30;
};

struct Mail {
  std::string to;          // one address
  std::string subject;     // UTF-8
  std::string text;        // UTF-8, plain
  std::string html;        // UTF-8, the same in HTML
  std::string message_id;  // "<…@…>"
};

// The RFC 5322 message for `mail` from `from` at `date_rfc5322`.
std::string MimeMessage(const std::string& from, const Mail& mail, const std::string& date_rfc5322);

// "=?UTF-8?B?…?=" words for a header value with non-ASCII text (RFC 2047), the
// value itself when plain ASCII.
std::string EncodedWord(const std::string& utf8);

// This thread's curl handle, its options reset (connections kept); nullptr
// when libcurl cannot make one. For the SMTP and SMS senders.
void* ThreadHandle();

struct SendOutcome {
  bool ok = false;
  bool permanent =
      false;           // the relay refused this recipient or message (5xx): retrying will not help
  std::string reason;  // the relay's answer, or curl's
  std::string provider_id;  // the provider's id for the message, when it gives one

  static SendOutcome Sent(std::string id = "") { return {true, false, "", std::move(id)}; }
  static SendOutcome Failed(bool permanent, std::string why) {
    return {false, permanent, std::move(why), ""};
  }
};

class Mailer {
 public:
  explicit Mailer(MailSettings settings) : settings_(std::move(settings)) {}
  bool enabled() const { return !settings_.url.empty(); }
  // Sends `mail` as one SMTP transaction. Thread-safe: each thread has its
  // own curl handle, and keeps its connection to the relay between messages.
  SendOutcome Send(const Mail& mail) const;

 private:
  MailSettings settings_;
};

}  // namespace ecab::api
