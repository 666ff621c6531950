// Email notifications end to end: a real SMTP server (Debian's aiosmtpd, on
// loopback, STARTTLS required, AUTH) receives what the node's dispatcher
// sends for each notification.requested; every attempt is recorded as
// notification.delivered / notification.failed; a refused recipient fails
// for good while the others are delivered; a relay that is down is retried
// and the message arrives once; contact details stay with the person and
// the admin.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "api/testing.h"
#include "domain/reminders/reminders.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;
using testing::Parse;

const std::string b = "/v1/bodies/gov-vn";

int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// tests/servers/smtp_sink.py, started and stopped by the test.
class SmtpSink {
 public:
  SmtpSink(const std::filesystem::path& dir, int port) : dir_(dir), port_(port) {
    auto tls = pki::SelfSignedTls("localhost", {"localhost"}, {"127.0.0.1"}, 2);
    EXPECT_TRUE(tls.ok());
    std::ofstream(dir_ / "smtp.crt") << tls->certificate_pem;
    std::ofstream(dir_ / "smtp.key") << tls->key_pem;
    Start();
  }
  ~SmtpSink() { Stop(); }

  void Start() {
    const std::string port = std::to_string(port_), crt = (dir_ / "smtp.crt").string(),
                      key = (dir_ / "smtp.key").string(), out = (dir_ / "mails.jsonl").string(),
                      log = (dir_ / "smtp.log").string();
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      // Debian's python3, with python3-aiosmtpd (not whichever python3 is first on PATH).
      ::execl("/usr/bin/python3", "python3", ECAB_SMTP_SINK, "--port", port.c_str(), "--cert", crt.c_str(), "--key",
               key.c_str(), "--user", "ecab", "--password", "s3cret", "--out", out.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 200; ++i) {  // up to 20 s for "ready"
      std::ifstream in(dir_ / "smtp.log");
      const std::string text{std::istreambuf_iterator<char>(in), {}};
      std::size_t readies = 0;
      for (auto at = text.find("ready\n"); at != std::string::npos; at = text.find("ready\n", at + 1)) ++readies;
      if (readies > starts_) {
        starts_ = readies;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "the SMTP sink did not start";
  }
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }
  std::filesystem::path ca() const { return dir_ / "smtp.crt"; }
  int port() const { return port_; }
  std::vector<json> Mails() const {
    std::vector<json> out;
    std::ifstream in(dir_ / "mails.jsonl");
    for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
    return out;
  }

 private:
  std::filesystem::path dir_;
  int port_;
  pid_t pid_ = 0;
  std::size_t starts_ = 0;  // "ready" lines seen in its log
};

// Events of `type` in the reminders stream of gov-vn.
std::vector<json> Recorded(Node& node, const std::string& type) {
  std::vector<json> out;
  auto all = node.store->ReadAll(1, 100'000);
  for (const auto& e : *all) {
    if (e.type != type) continue;
    auto decoded = reminders::ReminderDecoder().Decode(e.type, e.schema_version, e.payload);
    if (!decoded.ok()) continue;
    if (const auto* d = std::get_if<reminders::NotificationDelivered>(&*decoded)) {
      out.push_back({{"notification", d->notification}, {"recipient", d->recipient}, {"id", d->provider_id},
                     {"attempt", d->attempt}});
    } else if (const auto* f = std::get_if<reminders::NotificationFailed>(&*decoded)) {
      out.push_back({{"notification", f->notification}, {"recipient", f->recipient}, {"final", f->final},
                     {"attempt", f->attempt}, {"reason", f->reason}});
    }
  }
  return out;
}

template <class Predicate>
bool Eventually(Predicate p, int tenths = 300) {
  for (int i = 0; i < tenths; ++i) {
    if (p()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return p();
}

// An overdue warning to `person` about form "f-late": one notification each to the person and the staff.
void Overdue(Node& node, const std::string& person) {
  reminders::RecordReminder r{reminders::TaskKind::kAnswerForm, "form-f-late", "Báo cáo kinh tế - xã hội quý II",
                              person, "overdue", 0, testing::Now() - std::chrono::minutes(1),
                              testing::Now() - std::chrono::minutes(1), "gov-office-staff-1"};
  auto recorded = node.app->commands().Execute(
      "gov-vn", r, CommandContext{testing::Now(), "gov-office-staff-1", Role::kSecretariat, "", ReminderCommandId(r)});
  ASSERT_TRUE(recorded.ok()) << ToString(recorded.error());
}

void Contact(Node& node, const std::string& person, const std::string& email) {
  auto set = node.Call("PUT", b + "/people/" + person + "/contact",
                       json{{"email", email}, {"language", "vi"}, {"channels", {"email", "in_app"}}}.dump(), "bootstrap");
  ASSERT_EQ(set.status, 201) << set.body;
}

std::string Base64Part(const std::string& data, const std::string& after) {
  const auto at = data.find(after);
  if (at == std::string::npos) return "";
  const auto start = data.find("\r\n\r\n", at);
  const auto end = data.find("\r\n--", start);
  std::string b64 = data.substr(start + 4, end - start - 4);
  std::erase_if(b64, [](char c) { return c == '\r' || c == '\n'; });
  return es::FromBase64(b64).value_or("");
}

// The Subject header's RFC 2047 words decoded and joined.
std::string Subject(const std::string& data) {
  const auto start = data.find("Subject: ");
  std::string out;
  for (auto at = data.find("=?UTF-8?B?", start); at != std::string::npos && at < data.find("\r\nMIME", start);
       at = data.find("=?UTF-8?B?", at + 1)) {
    const auto end = data.find("?=", at + 10);
    out += es::FromBase64(data.substr(at + 10, end - at - 10)).value_or("?");
  }
  return out;
}

class Notifications : public ::testing::Test {
 protected:
  Notifications()
      : port(FreePort()),
        sink(dir.path(), port),
        node(false, [&](AppOptions& o) {
          o.mail = MailSettings{"smtp://127.0.0.1:" + std::to_string(port), "ecab", "s3cret",
                                "e-Cabinet <no-reply@cabinet.example>", true, sink.ca(), 10};
          o.notify_every = std::chrono::milliseconds(100);
          o.notifier.first_retry = std::chrono::milliseconds(300);
          o.notifier.max_retry = std::chrono::milliseconds(1000);
          o.notifier.link_base = "https://cabinet.example";
        }) {}
  es::testing::TempDir dir;
  int port;
  SmtpSink sink;
  Node node;
};

TEST_F(Notifications, EachRecipientWithEmailGetsTheMessageOverStartTlsAndEveryOutcomeIsRecorded) {
  Contact(node, "min-trade", "bo.truong@moit.gov.vn");
  Contact(node, "gov-office-staff-1", "van.phong@chinhphu.vn");
  Contact(node, "min-justice", "refused@moj.gov.vn");
  Overdue(node, "min-trade");
  Overdue(node, "min-justice");
  Overdue(node, "min-home");  // no contact details: nothing to send, nothing recorded
  ASSERT_TRUE(Eventually([&] {
    return Recorded(node, "notification.delivered").size() == 4 && !Recorded(node, "notification.failed").empty();
  })) << "delivered " << Recorded(node, "notification.delivered").size();

  const auto mails = sink.Mails();
  ASSERT_EQ(mails.size(), 4u) << "three to the staff, one to the minister";
  std::set<std::string> ids;
  for (const auto& m : mails) {
    const std::string data = m["data"];
    ASSERT_EQ(m["rcpt_tos"].size(), 1u);
    EXPECT_NE(data.find("Subject: =?UTF-8?B?"), std::string::npos) << "RFC 2047 subject";
    const auto id_at = data.find("Message-ID: <n");
    ASSERT_NE(id_at, std::string::npos);
    ids.insert(data.substr(id_at + 12, data.find("\r\n", id_at) - id_at - 12));
    if (m["rcpt_tos"][0] == "bo.truong@moit.gov.vn") {
      EXPECT_EQ(Subject(data), "Overdue: Báo cáo kinh tế - xã hội quý II");
      const std::string text = Base64Part(data, "text/plain");
      EXPECT_NE(text.find("Please answer the opinion form \"Báo cáo kinh tế - xã hội quý II\""), std::string::npos) << text;
      EXPECT_NE(text.find("https://cabinet.example/#/b/gov-vn"), std::string::npos) << text;
      EXPECT_NE(Base64Part(data, "text/html").find("<p>"), std::string::npos);
    }
  }
  EXPECT_EQ(ids.size(), 4u) << "one Message-ID per notification";
  const auto failed = Recorded(node, "notification.failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["recipient"], "min-justice");
  EXPECT_TRUE(failed[0]["final"].get<bool>()) << "a 5xx for the recipient: no retry";
  EXPECT_NE(failed[0]["reason"].get<std::string>().find("550"), std::string::npos) << failed[0];

  const auto metrics = node.Call("GET", "/metrics").body;
  EXPECT_NE(metrics.find("ecab_notifications_total{channel=\"email\",outcome=\"delivered\"} 4"), std::string::npos);
  EXPECT_NE(metrics.find("ecab_notifications_total{channel=\"email\",outcome=\"failed_final\"} 1"), std::string::npos);
  EXPECT_EQ(metrics.find("s3cret"), std::string::npos);
}

TEST_F(Notifications, ARelayThatIsDownIsRetriedWithBackoffAndTheMessageArrivesOnce) {
  Contact(node, "min-trade", "bo.truong@moit.gov.vn");
  sink.Stop();
  Overdue(node, "min-trade");  // the staff has no contact details here: one message
  ASSERT_TRUE(Eventually([&] { return Recorded(node, "notification.failed").size() >= 2; }))
      << "attempts while the relay is down are recorded";
  for (const auto& f : Recorded(node, "notification.failed")) EXPECT_FALSE(f["final"].get<bool>()) << f;
  sink.Start();
  ASSERT_TRUE(Eventually([&] { return Recorded(node, "notification.delivered").size() == 1; }));
  const auto delivered = Recorded(node, "notification.delivered")[0];
  EXPECT_GE(delivered["attempt"].get<int>(), 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // a few more dispatcher rounds
  EXPECT_EQ(sink.Mails().size(), 1u) << "delivered exactly once";
}

TEST_F(Notifications, ContactDetailsAreForThePersonAndTheAdminOnly) {
  Contact(node, "min-trade", "bo.truong@moit.gov.vn");
  EXPECT_EQ(node.Call("GET", b + "/people/min-trade/contact", "", "min-trade").status, 200);
  EXPECT_EQ(Parse(node.Call("GET", b + "/people/min-trade/contact", "", "bootstrap").body)["email"],
            "bo.truong@moit.gov.vn");
  for (const char* other : {"min-justice", "gov-office-staff-1", "auditor-1", "pm"}) {
    const auto r = node.Call("GET", b + "/people/min-trade/contact", "", other);
    EXPECT_EQ(r.status, 404) << other;
    EXPECT_EQ(r.body.find("moit.gov.vn"), std::string::npos) << other;
  }
  // The raw log seals it for the auditors; no other route shows it.
  const auto log = node.Call("GET", b + "/log?from=1&limit=1000", "", "auditor-1");
  ASSERT_EQ(log.status, 200);
  int sealed = 0, contacts = 0;
  const json events = Parse(log.body)["events"];
  for (const auto& e : events) {
    if (e.value("type", "") != "body.contact_set") continue;
    ++contacts;
    if (e.value("redacted", false) && !e.contains("payload_base64")) ++sealed;
  }
  EXPECT_EQ(contacts, 1);
  EXPECT_EQ(sealed, 1);
  for (const std::string& path : {b, b + "/people/min-trade/certificates", b + "/inbox", b + "/meetings"}) {
    EXPECT_EQ(node.Call("GET", path, "", "min-justice").body.find("moit.gov.vn"), std::string::npos) << path;
  }
  const auto bad = node.Call("PUT", b + "/people/min-trade/contact", R"({"email":"not-an-address","channels":["email"]})",
                             "bootstrap");
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(node.Call("PUT", b + "/people/min-trade/contact", R"({"channels":["sms"]})", "bootstrap").status, 422)
      << "sms needs a phone";
  EXPECT_EQ(node.Call("PUT", b + "/people/min-trade/contact", R"({"email":"a@b.vn"})", "min-trade").status, 403);
}

}  // namespace
}  // namespace ecab::api
