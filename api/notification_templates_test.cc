// The notification templates: every kind renders in both languages with
// every value put in; an operator's directory replaces a template and a
// mistake in one is refused naming the file; SMS length rules.
#include "api/notification_templates.h"

#include <gtest/gtest.h>

#include <fstream>

#include "api/sms_gateway.h"
#include "domain/reminders/reminders.h"
#include "eventstore/testing.h"

namespace ecab::api {
namespace {

std::map<std::string, std::string> AllValues() {
  std::map<std::string, std::string> v;
  for (auto name : kPlaceholders) v[std::string(name)] = "<" + std::string(name) + ">";
  v["deadline"] = "2019-06-24T10:00:00Z";
  v["starts_at"] = "2019-06-24T01:30:00Z";
  return v;
}

bool HasVietnameseLetter(const std::string& s) {
  for (const char* letter : {"ư", "ơ", "đ", "ả", "ạ", "ờ", "ấ", "ị", "ế", "ệ", "á", "à"}) {
    if (s.find(letter) != std::string::npos) return true;
  }
  return false;
}

TEST(NotificationTemplates, EveryKindRendersInVietnameseAndEnglishWithEveryValuePutIn) {
  const auto& templates = NotificationTemplates::BuiltIn();
  for (auto kind : reminders::kNotificationKinds) {
    const std::string name(reminders::KindName(kind));
    auto vi = templates.Render(name, "vi", AllValues());
    auto en = templates.Render(name, "en", AllValues());
    ASSERT_TRUE(vi.ok() && en.ok()) << name;
    for (const auto* t : {&*vi, &*en}) {
      for (const std::string* part : {&t->subject, &t->sms, &t->text}) {
        EXPECT_FALSE(part->empty()) << name;
        EXPECT_EQ(part->find("{{"), std::string::npos) << name << ": " << *part;
        EXPECT_EQ(part->find("—"), std::string::npos) << name << ": a value missing in " << *part;
      }
      EXPECT_EQ(t->subject.find('\n'), std::string::npos) << name;
      EXPECT_NE(t->text.find("<recipient_office>"), std::string::npos)
          << name << " addresses the recipient";
    }
    EXPECT_TRUE(HasVietnameseLetter(vi->subject + vi->text)) << name << ": " << vi->subject;
    EXPECT_FALSE(HasVietnameseLetter(en->subject + en->text)) << name << ": " << en->subject;
    EXPECT_NE(vi->subject, en->subject) << name;
  }
  // Times in Asia/Ho_Chi_Minh.
  auto form = templates.Render("form_issued", "vi", AllValues());
  EXPECT_NE(form->text.find("Hạn trả lời: 17:00 24/06/2019"), std::string::npos) << form->text;
  auto invitation = templates.Render("invitation", "en", AllValues());
  EXPECT_NE(invitation->text.find("When: 08:30 24/06/2019"), std::string::npos) << invitation->text;
  // An unknown language falls back to Vietnamese; a value not given is a dash, not a placeholder.
  EXPECT_EQ(templates.Render("overdue", "fr", {{"title", "X"}})->subject, "Quá hạn: X");
  EXPECT_EQ(templates.Render("number_game", "vi", {}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(templates.Render("reminder", "en", {})->subject, "Reminder: — (— h left)");
}

TEST(NotificationTemplates, AnOperatorsFileReplacesOneAndAMistakeIsRefusedNamingTheFile) {
  es::testing::TempDir dir;
  std::ofstream(dir.path() / "invitation.vi.txt")
      << "Subject: Mời họp {{title}}\n\nKính mời {{recipient_office}}.\n";
  auto loaded = NotificationTemplates::Load(dir.path());
  ASSERT_TRUE(loaded.ok()) << ToString(loaded.error());
  auto mine = loaded->Render("invitation", "vi",
                             {{"title", "A"}, {"recipient_office", "B"}, {"link", "https://x/"}});
  EXPECT_EQ(mine->subject, "Mời họp A");
  EXPECT_EQ(mine->text, "Kính mời B.");
  EXPECT_EQ(mine->sms, "Mời họp A https://x/") << "no SMS line: the subject and the link";
  EXPECT_EQ(loaded->Render("invitation", "en", {{"title", "A"}})->subject, "Invitation: A")
      << "the others stay";

  std::ofstream(dir.path() / "overdue.en.txt") << "Subject: Late {{titel}}\n\nx\n";
  auto typo = NotificationTemplates::Load(dir.path());
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("overdue.en.txt"), std::string::npos) << typo.error().message;
  EXPECT_NE(typo.error().message.find("{{titel}}"), std::string::npos) << typo.error().message;
  std::filesystem::remove(dir.path() / "overdue.en.txt");

  std::ofstream(dir.path() / "invitation.fr.txt") << "Subject: x\n\nx\n";
  EXPECT_FALSE(NotificationTemplates::Load(dir.path()).ok()) << "not a language we send in";
  std::filesystem::remove(dir.path() / "invitation.fr.txt");
  std::ofstream(dir.path() / "form_issued.en.txt") << "Hello\n\nx\n";
  auto headless = NotificationTemplates::Load(dir.path());
  ASSERT_FALSE(headless.ok());
  EXPECT_NE(headless.error().message.find("form_issued.en.txt"), std::string::npos);
}

TEST(Sms, VietnameseWithDiacriticsIsSeventyCharactersASegmentAndWithoutThemOneHundredSixty) {
  EXPECT_EQ(MeasureSms(std::string(160, 'a')).segments, 1u);
  EXPECT_EQ(MeasureSms(std::string(161, 'a')).segments, 2u);
  EXPECT_EQ(MeasureSms(std::string(306, 'a')).segments, 2u);
  EXPECT_EQ(MeasureSms(std::string(307, 'a')).segments, 3u);
  EXPECT_EQ(MeasureSms("{}").characters, 4u) << "GSM-7 extension characters take two";
  std::string vi;
  for (int i = 0; i < 70; ++i) vi += "ệ";
  const auto one = MeasureSms(vi);
  EXPECT_FALSE(one.gsm7);
  EXPECT_EQ(one.characters, 70u);
  EXPECT_EQ(one.segments, 1u);
  EXPECT_EQ(MeasureSms(vi + "a").segments, 2u);
  EXPECT_EQ(MeasureSms(vi + vi).segments, 3u) << "67 a segment when split";
  EXPECT_TRUE(MeasureSms("Café à Genève £5").gsm7) << "é à è £ are in the GSM alphabet";

  EXPECT_EQ(WithoutDiacritics("Nghị quyết số 12/NQ-CP, Đà Nẵng, Bộ Tư pháp"),
            "Nghi quyet so 12/NQ-CP, Da Nang, Bo Tu phap");
  EXPECT_EQ(WithoutDiacritics("Quá hạn trả lời \"Báo cáo\""), "Qua han tra loi \"Bao cao\"");
  EXPECT_EQ(WithoutDiacritics("Nghi\xCC\xA3 (combining)"), "Nghi (combining)");
  EXPECT_TRUE(MeasureSms(WithoutDiacritics("Quá hạn trả lời Phiếu lấy ý kiến")).gsm7);
}

}  // namespace
}  // namespace ecab::api
