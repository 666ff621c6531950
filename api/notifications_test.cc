// Email notifications end to end: a real SMTP server (Debian's aiosmtpd, on
// loopback, STARTTLS required, AUTH) receives what the node's dispatcher
// sends for each notification.requested; every attempt is recorded as
// notification.delivered / notification.failed; a refused recipient fails
// for good while the others are delivered; a relay that is down is retried
// and the message arrives once; contact details stay with the person and
// the admin.

#include <fstream>

#include "api/herald.h"
#include "api/notification_templates.h"
#include "api/test_servers.h"
#include "api/testing.h"
#include "domain/reminders/reminders.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::FreePort;
using testing::Node;
using testing::Parse;
using testing::SmsSink;
using testing::SmtpSink;
using testing::Subject;

const std::string b = "/v1/bodies/gov-vn";

// Events of `type` in the reminders stream of gov-vn.
std::vector<json> Recorded(Node& node, const std::string& type) {
  std::vector<json> out;
  auto all = node.store->ReadAll(1, 100'000);
  for (const auto& e : *all) {
    if (e.type != type) continue;
    auto decoded = reminders::ReminderDecoder().Decode(e.type, e.schema_version, e.payload);
    if (!decoded.ok()) continue;
    if (const auto* d = std::get_if<reminders::NotificationDelivered>(&*decoded)) {
      out.push_back({{"notification", d->notification},
                     {"recipient", d->recipient},
                     {"id", d->provider_id},
                     {"attempt", d->attempt}});
    } else if (const auto* f = std::get_if<reminders::NotificationFailed>(&*decoded)) {
      out.push_back({{"notification", f->notification},
                     {"recipient", f->recipient},
                     {"final", f->final},
                     {"attempt", f->attempt},
                     {"reason", f->reason}});
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

// An overdue warning to `person` about form "f-late": one notification each to the person and the
// staff.
void Overdue(Node& node, const std::string& person) {
  reminders::RecordReminder r{reminders::TaskKind::kAnswerForm,
                              "form-f-late",
                              "Báo cáo kinh tế - xã hội quý II",
                              person,
                              "overdue",
                              0,
                              testing::Now() - std::chrono::minutes(1),
                              testing::Now() - std::chrono::minutes(1),
                              "gov-office-staff-1"};
  auto recorded =
      node.app->commands().Execute("gov-vn", r,
                                   CommandContext{testing::Now(), "gov-office-staff-1",
                                                  Role::kSecretariat, "", ReminderCommandId(r)});
  ASSERT_TRUE(recorded.ok()) << ToString(recorded.error());
}

void Contact(Node& node, const std::string& person, const std::string& email,
             const std::string& language = "vi") {
  auto set = node.Call(
      "PUT", b + "/people/" + person + "/contact",
      json{{"email", email}, {"language", language}, {"channels", {"email", "in_app"}}}.dump(),
      "bootstrap");
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

std::string Mailbox(const json& mail) { return mail["rcpt_tos"][0].get<std::string>(); }

class Notifications : public ::testing::Test {
 protected:
  Notifications()
      : port(FreePort()),
        sink(dir.path(), port),
        clock(std::make_shared<es::ManualClock>(testing::Now())),
        node(false, [&](AppOptions& o) {
          o.mail = MailSettings{"smtp://127.0.0.1:" + std::to_string(port),
                                "ecab",
                                "s3cret",
                                "e-Cabinet <no-reply@cabinet.example>",
                                true,
                                sink.ca(),
                                10};
          o.notify_every = std::chrono::milliseconds(100);
          o.notifier.first_retry = std::chrono::milliseconds(300);
          o.notifier.max_retry = std::chrono::milliseconds(1000);
          o.notifier.link_base = "https://cabinet.example";
          o.clock = clock;
        }) {}
  // Mails to `address` so far.
  std::vector<json> MailsTo(const std::string& address) const {
    std::vector<json> out;
    for (const auto& m : sink.Mails()) {
      if (Mailbox(m) == address) out.push_back(m);
    }
    return out;
  }
  es::testing::TempDir dir;
  int port;
  SmtpSink sink;
  std::shared_ptr<es::ManualClock> clock;
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
    return Recorded(node, "notification.delivered").size() == 4 &&
           !Recorded(node, "notification.failed").empty();
  })) << "delivered "
      << Recorded(node, "notification.delivered").size();

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
    if (Mailbox(m) == "bo.truong@moit.gov.vn") {  // in the person's language, from the template
      EXPECT_EQ(Subject(data), "Quá hạn: Báo cáo kinh tế - xã hội quý II");
      const std::string text = Base64Part(data, "text/plain");
      EXPECT_NE(text.find("Kính gửi Bộ trưởng Bộ Công Thương,"), std::string::npos) << text;
      EXPECT_NE(text.find("Đã quá hạn trả lời \"Báo cáo kinh tế - xã hội quý II\""),
                std::string::npos)
          << text;
      EXPECT_NE(text.find("https://cabinet.example/#/b/gov-vn"), std::string::npos) << text;
      EXPECT_NE(
          Base64Part(data, "text/html").find("<a href=\"https://cabinet.example/#/b/gov-vn\">"),
          std::string::npos);
    } else {  // the staff's summary names the member by office
      EXPECT_EQ(Subject(data).find("Quá hạn: "), 0u) << Subject(data);
      EXPECT_NE(Subject(data).find("chưa trả lời \"Báo cáo kinh tế - xã hội quý II\""),
                std::string::npos);
    }
  }
  EXPECT_EQ(ids.size(), 4u) << "one Message-ID per notification";
  std::set<std::string> staff_subjects;
  for (const auto& m : MailsTo("van.phong@chinhphu.vn")) staff_subjects.insert(Subject(m["data"]));
  EXPECT_TRUE(staff_subjects.contains(
      "Quá hạn: Bộ trưởng Bộ Công Thương chưa trả lời \"Báo cáo kinh tế - xã hội quý II\""))
      << "the staff learns who is late, by office";
  const auto failed = Recorded(node, "notification.failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["recipient"], "min-justice");
  EXPECT_TRUE(failed[0]["final"].get<bool>()) << "a 5xx for the recipient: no retry";
  EXPECT_NE(failed[0]["reason"].get<std::string>().find("550"), std::string::npos) << failed[0];

  // The secretariat's dashboard shows the one given up on, without the address.
  json dashboard;
  ASSERT_TRUE(Eventually([&] {
    dashboard = Parse(node.Call("GET", b + "/dashboard", "", "gov-office-staff-1").body);
    return dashboard["failed_notifications"].size() == 1;
  })) << dashboard.dump();
  const json gave_up = dashboard["failed_notifications"][0];
  EXPECT_EQ(gave_up["recipient"], "min-justice");
  EXPECT_EQ(gave_up["channel"], "email");
  EXPECT_NE(gave_up["reason"].get<std::string>().find("550"), std::string::npos) << gave_up;
  EXPECT_EQ(dashboard.dump().find("moj.gov.vn"), std::string::npos)
      << "no address on the dashboard";

  const auto metrics = node.Call("GET", "/metrics").body;
  EXPECT_NE(metrics.find("ecab_notifications_total{channel=\"email\",outcome=\"delivered\"} 4"),
            std::string::npos);
  EXPECT_NE(metrics.find("ecab_notifications_total{channel=\"email\",outcome=\"failed_final\"} 1"),
            std::string::npos);
  EXPECT_EQ(metrics.find("s3cret"), std::string::npos);
}

TEST_F(Notifications, ARelayThatIsDownIsRetriedWithBackoffAndTheMessageArrivesOnce) {
  Contact(node, "min-trade", "bo.truong@moit.gov.vn");
  sink.Stop();
  Overdue(node, "min-trade");  // the staff has no contact details here: one message
  ASSERT_TRUE(Eventually([&] { return Recorded(node, "notification.failed").size() == 1; }));
  // The backoff is kept on the dispatcher's clock: nothing is tried again until it moves.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(Recorded(node, "notification.failed").size(), 1u) << "tried again before its backoff";
  ASSERT_TRUE(Eventually([&] {
    clock->Advance(std::chrono::milliseconds(400));
    return Recorded(node, "notification.failed").size() >= 3;
  })) << "attempts while the relay is down are recorded";
  for (const auto& f : Recorded(node, "notification.failed"))
    EXPECT_FALSE(f["final"].get<bool>()) << f;
  sink.Start();
  ASSERT_TRUE(Eventually([&] {
    clock->Advance(std::chrono::milliseconds(400));
    return Recorded(node, "notification.delivered").size() == 1;
  }));
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
  for (const std::string& path : {b, b + "/people/min-trade/certificates", b + "/inbox",
                                  b + "/meetings", b + "/notifications", b + "/dashboard"}) {
    EXPECT_EQ(node.Call("GET", path, "", "min-justice").body.find("moit.gov.vn"), std::string::npos)
        << path;
  }
  const auto bad = node.Call("PUT", b + "/people/min-trade/contact",
                             R"({"email":"not-an-address","channels":["email"]})", "bootstrap");
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(
      node.Call("PUT", b + "/people/min-trade/contact", R"({"channels":["sms"]})", "bootstrap")
          .status,
      422)
      << "sms needs a phone";
  EXPECT_EQ(node.Call("PUT", b + "/people/min-trade/contact", R"({"email":"a@b.vn"})", "min-trade")
                .status,
            403);
}

// The requested notifications in the log, as {recipient, kind, source, urgent}.
std::vector<json> Requested(Node& node) {
  std::vector<json> out;
  auto all = node.store->ReadAll(1, 100'000);
  for (const auto& e : *all) {
    if (e.type != reminders::NotificationRequested::kType) continue;
    auto decoded = reminders::ReminderDecoder().Decode(e.type, e.schema_version, e.payload);
    const auto& n = std::get<reminders::NotificationRequested>(*decoded);
    out.push_back(
        {{"recipient", n.recipient}, {"kind", n.kind}, {"source", n.source}, {"urgent", n.urgent}});
  }
  return out;
}

TEST_F(Notifications, AnInvitationReachesEachInviteeInTheirLanguageAndIsAnnouncedOnce) {
  Contact(node, "min-trade", "bo.truong@moit.gov.vn", "vi");
  Contact(node, "min-justice", "minister@moj.gov.vn", "en");
  const std::string starts = FormatRfc3339(testing::Now() + std::chrono::hours(72));
  const std::string ends = FormatRfc3339(testing::Now() + std::chrono::hours(75));
  ASSERT_EQ(node.Call("POST", b + "/meetings",
                      json{{"meeting", "m-dec"},
                           {"title", "Phiên họp Chính phủ thường kỳ tháng 12"},
                           {"starts_at", starts},
                           {"ends_at", ends},
                           {"place", "Trụ sở Chính phủ"}}
                          .dump(),
                      "gov-office-staff-1")
                .status,
            201);
  for (const char* person : {"min-trade", "min-justice", "min-home"}) {
    ASSERT_EQ(node.Call("POST", b + "/meetings/m-dec/invitations", json{{"person", person}}.dump(),
                        "gov-office-staff-1")
                  .status,
              201);
  }
  ASSERT_TRUE(Eventually([&] { return sink.Mails().size() == 2; })) << sink.Mails().size();
  const auto vi = MailsTo("bo.truong@moit.gov.vn"), en = MailsTo("minister@moj.gov.vn");
  ASSERT_EQ(vi.size(), 1u);
  ASSERT_EQ(en.size(), 1u);
  EXPECT_EQ(Subject(vi[0]["data"]), "Giấy mời: Phiên họp Chính phủ thường kỳ tháng 12");
  EXPECT_EQ(Subject(en[0]["data"]), "Invitation: Phiên họp Chính phủ thường kỳ tháng 12");
  const std::string text = Base64Part(vi[0]["data"], "text/plain");
  EXPECT_NE(text.find("Kính gửi Bộ trưởng Bộ Công Thương,"), std::string::npos) << text;
  EXPECT_NE(text.find("Chính phủ nước Cộng hòa xã hội chủ nghĩa Việt Nam trân trọng kính mời"),
            std::string::npos);
  EXPECT_NE(text.find("Thời gian: " + LocalTime(*ParseRfc3339(starts))), std::string::npos)
      << "local time";
  EXPECT_NE(text.find("Địa điểm: Trụ sở Chính phủ"), std::string::npos);
  EXPECT_NE(Base64Part(en[0]["data"], "text/plain").find("Dear Minister of Justice,"),
            std::string::npos);

  // In the log: one per invitee (min-home has no email: the inbox is her channel), each naming its
  // source. The herald announces as it reads the log: the third may follow the first two mails.
  std::vector<json> requested;
  ASSERT_TRUE(Eventually([&] {
    requested = Requested(node);
    return requested.size() >= 3;
  })) << requested.size();
  ASSERT_EQ(requested.size(), 3u);
  std::set<std::uint64_t> sources;
  for (const auto& r : requested) {
    EXPECT_EQ(r["kind"], "invitation");
    EXPECT_FALSE(r["urgent"].get<bool>());
    sources.insert(r["source"].get<std::uint64_t>());
  }
  EXPECT_EQ(sources.size(), 3u);
  // In the app: each invitee's own notifications, in their language or the one asked for.
  json mine;
  ASSERT_TRUE(Eventually([&] {
    mine = Parse(node.Call("GET", b + "/notifications", "", "min-home").body);
    return mine["notifications"].size() == 1;
  })) << mine.dump();
  EXPECT_EQ(mine["language"], "vi");
  EXPECT_EQ(mine["notifications"][0]["kind"], "invitation");
  EXPECT_EQ(mine["notifications"][0]["subject"],
            "Giấy mời: Phiên họp Chính phủ thường kỳ tháng 12");
  EXPECT_NE(
      mine["notifications"][0]["text"].get<std::string>().find("Kính gửi Bộ trưởng Bộ Nội vụ,"),
      std::string::npos)
      << mine["notifications"][0]["text"];
  EXPECT_EQ(Parse(node.Call("GET", b + "/notifications?lang=en", "", "min-home")
                      .body)["notifications"][0]["subject"],
            "Invitation: Phiên họp Chính phủ thường kỳ tháng 12");
  EXPECT_EQ(Parse(node.Call("GET", b + "/notifications", "", "min-justice").body)["language"],
            "en");
  EXPECT_EQ(Parse(node.Call("GET", b + "/notifications", "", "pm").body)["notifications"].size(),
            0u)
      << "not invited: nothing";
  EXPECT_EQ(node.Call("GET", b + "/notifications?lang=fr", "", "pm").status, 422);

  // A herald starting afresh on the same log (a restart) announces nothing again.
  Herald again(*node.store, node.app->commands(), *clock);
  auto announced = again.RunOnce();
  ASSERT_TRUE(announced.ok());
  EXPECT_EQ(*announced, 0u);
  EXPECT_EQ(Requested(node).size(), 3u);
}

TEST_F(Notifications, QuietHoursHoldWhatIsNotUrgentUntilTheyEnd) {
  const auto local = std::chrono::floor<std::chrono::minutes>(clock->Now() + std::chrono::hours(7));
  const int minute =
      static_cast<int>((local - std::chrono::floor<std::chrono::days>(local)).count());
  ASSERT_EQ(node.Call("PUT", b + "/people/min-trade/contact",
                      json{{"email", "bo.truong@moit.gov.vn"},
                           {"channels", {"email"}},
                           {"quiet_from", (minute + 1440 - 60) % 1440},
                           {"quiet_to", (minute + 60) % 1440}}
                          .dump(),
                      "bootstrap")
                .status,
            201);
  reminders::RequestNotifications news{1,
                                       reminders::NotificationKind::kInvitation,
                                       "meeting-m-q",
                                       {"min-trade"},
                                       {{"title", "Phiên họp chuyên đề"}},
                                       false,
                                       "Invitation",
                                       "You are invited"};
  ASSERT_TRUE(node.app->commands()
                  .Execute("gov-vn", news,
                           CommandContext{testing::Now(), std::string(reminders::kHeraldActor),
                                          Role::kSecretariat, "", reminders::NotifyCommandId(news)})
                  .ok());
  Overdue(node, "min-trade");  // urgent
  ASSERT_TRUE(Eventually([&] { return sink.Mails().size() == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // a few more dispatcher rounds
  ASSERT_EQ(sink.Mails().size(), 1u) << "only the urgent one in quiet hours";
  EXPECT_EQ(Subject(sink.Mails()[0]["data"]), "Quá hạn: Báo cáo kinh tế - xã hội quý II");
  EXPECT_NE(node.Call("GET", "/metrics").body.find("ecab_notifications_pending 1"),
            std::string::npos);

  clock->Advance(std::chrono::minutes(61));
  ASSERT_TRUE(Eventually([&] { return sink.Mails().size() == 2; }))
      << "sent when the quiet hours end";
  EXPECT_EQ(Subject(sink.Mails()[1]["data"]), "Giấy mời: Phiên họp chuyên đề");
}

TEST(RateLimits, AProviderGetsNoMoreMessagesASecondThanAllowed) {
  es::testing::TempDir dir;
  const int port = FreePort();
  SmtpSink sink(dir.path(), port);
  auto clock = std::make_shared<es::ManualClock>(testing::Now());
  Node node(false, [&](AppOptions& o) {
    o.mail = MailSettings{"smtp://127.0.0.1:" + std::to_string(port),
                          "ecab",
                          "s3cret",
                          "e-Cabinet <no-reply@cabinet.example>",
                          true,
                          sink.ca(),
                          10};
    o.notify_every = std::chrono::milliseconds(100);
    o.notifier.email_per_second =
        1;  // a burst of one, then one a second (of the dispatcher's clock)
    o.clock = clock;
  });
  for (const char* person : {"min-trade", "min-justice", "min-home", "min-ict"}) {
    Contact(node, person, std::string(person) + "@gov.vn");
    Overdue(node, person);  // urgent: quiet hours play no part
  }
  ASSERT_TRUE(Eventually([&] { return sink.Mails().size() == 1; }));
  std::this_thread::sleep_for(
      std::chrono::milliseconds(800));  // rounds go by; the clock does not move
  EXPECT_EQ(sink.Mails().size(), 1u) << "one token, one message";
  clock->Advance(std::chrono::seconds(1));
  ASSERT_TRUE(Eventually([&] { return sink.Mails().size() == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_EQ(sink.Mails().size(), 2u) << "one more a second";
  clock->Advance(std::chrono::seconds(5));
  ASSERT_TRUE(Eventually([&] { return sink.Mails().size() == 3; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_EQ(sink.Mails().size(), 3u) << "a quiet spell banks no more than a second's worth";
  clock->Advance(std::chrono::seconds(1));
  ASSERT_TRUE(Eventually([&] { return sink.Mails().size() == 4; }));
}

TEST(TextMessages, GoThroughTheGatewayRetriedWithTheSameIdempotencyKeyAndDeliveredOnce) {
  es::testing::TempDir dir;
  const int port = FreePort();
  SmsSink gateway(dir.path(), port, 2);  // down for the first two requests
  Node node(false, [&](AppOptions& o) {
    o.sms = SmsSettings{"http://127.0.0.1:" + std::to_string(port) + "/v2/sms",
                        "POST",
                        {"Content-Type: application/json", "Authorization: Bearer {{token}}"},
                        R"({"msisdn":"{{to}}","message":"{{text}}","ref":"{{id}}"})",
                        "tok-9f8e7d",
                        {},
                        15};
    o.notify_every = std::chrono::milliseconds(100);
    o.notifier.first_retry = std::chrono::milliseconds(200);
    o.notifier.max_retry = std::chrono::milliseconds(400);
    o.notifier.connections = 1;  // the two failures fall on the first message
  });
  ASSERT_EQ(node.Call("PUT", b + "/people/min-trade/contact",
                      R"({"phone":"+84912345678","channels":["sms"],"language":"vi"})", "bootstrap")
                .status,
            201);
  ASSERT_EQ(
      node.Call("PUT", b + "/people/min-justice/contact",
                R"({"phone":"+84987654321","channels":["sms"],"language":"vi","sms_ascii":true})",
                "bootstrap")
          .status,
      201);
  Overdue(node, "min-trade");
  ASSERT_TRUE(Eventually([&] { return Recorded(node, "notification.delivered").size() == 1; }));
  Overdue(node, "min-justice");
  ASSERT_TRUE(Eventually([&] { return Recorded(node, "notification.delivered").size() == 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // a few more dispatcher rounds

  const auto requests = gateway.Requests();
  ASSERT_EQ(requests.size(), 4u) << "two refused while down, then one each";
  std::map<std::string, int> per_key;
  for (const auto& r : requests) {
    EXPECT_EQ(r["path"], "/v2/sms");
    EXPECT_EQ(r["headers"]["Authorization"], "Bearer tok-9f8e7d");
    const json body = json::parse(r["body"].get<std::string>());
    EXPECT_EQ(body["ref"], r["headers"]["Idempotency-Key"])
        << "the key travels in the body and the header";
    ++per_key[body["ref"].get<std::string>()];
  }
  ASSERT_EQ(per_key.size(), 2u) << "the same key on every attempt at one message";
  EXPECT_EQ(per_key.begin()->second + std::next(per_key.begin())->second, 4);
  const json first = json::parse(requests[2]["body"].get<std::string>());
  EXPECT_EQ(first["msisdn"], "+84912345678");
  EXPECT_EQ(first["message"].get<std::string>().find(
                "Quá hạn trả lời \"Báo cáo kinh tế - xã hội quý II\""),
            0u)
      << first["message"];
  const std::string ascii = json::parse(requests[3]["body"].get<std::string>())["message"];
  EXPECT_EQ(ascii.find("Qua han tra loi \"Bao cao kinh te - xa hoi quy II\""), 0u) << ascii;
  EXPECT_TRUE(MeasureSms(ascii).gsm7);
  for (const auto& d : Recorded(node, "notification.delivered")) {
    EXPECT_EQ(d["id"].get<std::string>().rfind("gw-", 0), 0u) << "the gateway's own id is recorded";
  }
  const auto failed = Recorded(node, "notification.failed");
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_NE(failed[0]["reason"].get<std::string>().find("503"), std::string::npos);
  const auto metrics = node.Call("GET", "/metrics").body;
  EXPECT_NE(metrics.find("ecab_notifications_total{channel=\"sms\",outcome=\"delivered\"} 2"),
            std::string::npos);
  EXPECT_NE(metrics.find("ecab_notifications_total{channel=\"sms\",outcome=\"failed_attempt\"} 2"),
            std::string::npos);
  EXPECT_EQ(metrics.find("tok-9f8e7d"), std::string::npos);
}

}  // namespace
}  // namespace ecab::api
