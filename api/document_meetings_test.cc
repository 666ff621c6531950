// Documents and the meetings they are on: the read receipt a member's
// download records under the body's policy, the export of a meeting whose
// agenda holds a classified document the requester may not read, and the
// documents of the forms a meeting's resolutions were circulated through.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "api/document_files.h"
#include "api/testing.h"
#include "domain/signing/signed_act.h"
#include "replay/export.h"
#include "replay/tree_heads.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;
using testing::Now;
using testing::Parse;
using testing::PolicyJson;

const std::string b = "/v1/bodies/gov-vn";
const std::string kStaff = "gov-office-staff-1";
const std::string kMember = "min-finance";

class DocumentsOfMeetings : public ::testing::Test {
 protected:
  void SetUp() override { node_.Serve(); }

  // Uploads `bytes` as version `version` of `id`, named `filename`; waits
  // until its text is recorded (on the extractor's thread), so that a tree
  // head recorded next covers the whole record.
  void Put(const std::string& id, int version, const std::string& bytes,
           const std::string& filename) {
    auto client = node_.Client();
    const auto put = client->Send("PUT",
                                  b + "/documents/" + id + "/versions/" + std::to_string(version) +
                                      "/content?filename=" + filename,
                                  bytes,
                                  {{"Authorization", "Bearer " + node_.Token(kStaff)},
                                   {"Content-Type", "application/octet-stream"}});
    ASSERT_EQ(put.status, 201) << put.body;
    for (int i = 0; i < 200; ++i) {
      const json doc = Parse(
          node_.Call("GET", std::string(b).append("/documents/").append(id), "", kStaff).body);
      const json& text = doc["versions"][version - 1]["text"];
      if (text.value("status", "pending") != "pending") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "the text of " << id << " was not recorded";
  }

  void Register(const std::string& id, const std::string& title,
                const std::string& classification = "normal") {
    const json doc = {{"document", id}, {"title", title}, {"classification", classification}};
    ASSERT_EQ(node_.Call("POST", b + "/documents", doc.dump(), kStaff).status, 201);
  }

  // A document with one stored PDF version.
  void Stored(const std::string& id, const std::string& classification = "normal") {
    Register(id, "Tờ trình " + id, classification);
    Put(id, 1, testing::Pdf("Nội dung " + id), id + ".pdf");
  }

  // A scheduled meeting with one agenda item naming `documents`, `invited` invited.
  void Meeting(const std::string& id, const std::vector<std::string>& documents,
               const std::vector<std::string>& invited, int hours_ahead = 24) {
    const auto start = Now() + std::chrono::hours(hours_ahead);
    ASSERT_LT(node_
                  .Call("POST", b + "/meetings",
                        json{{"meeting", id},
                             {"title", "Phiên họp " + id},
                             {"place", "Hà Nội"},
                             {"starts_at", FormatRfc3339(start)},
                             {"ends_at", FormatRfc3339(start + std::chrono::hours(2))}}
                            .dump(),
                        kStaff)
                  .status,
              300);
    ASSERT_LT(
        node_
            .Call("POST", b + "/meetings/" + id + "/agenda",
                  json{{"item", "i1"}, {"title", "Mục 1"}, {"documents", documents}}.dump(), kStaff)
            .status,
        300);
    for (const auto& person : invited) {
      ASSERT_LT(
          node_
              .Call("POST", std::string(b).append("/meetings/").append(id).append("/invitations"),
                    json{{"person", person}}.dump(), kStaff)
              .status,
          300);
    }
    ASSERT_TRUE(node_.app->WaitForViews(node_.store->head_position()));
  }

  // Downloads version 1 of `document` as `as`; `query` is appended.
  int Download(const std::string& document, const std::string& as, const std::string& query = "",
               std::map<std::string, std::string> headers = {}) {
    return node_
        .Call("GET", b + "/documents/" + document + "/versions/1/content" + query, "", as,
              std::move(headers))
        .status;
  }

  // The read receipts `person` left on `meeting` for `document`.
  std::size_t Receipts(const std::string& meeting, const std::string& document,
                       const std::string& person) {
    auto events = node_.store->ReadStream("meeting-" + meeting, 1, es::Direction::kForward, 1000);
    EXPECT_TRUE(events.ok());
    std::size_t n = 0;
    for (const auto& e : *events) {
      n += e.type == "meeting.document_studied" && e.actor.id == person &&
           e.payload.find(document) != std::string::npos;
    }
    return n;
  }

  // A signed tree head covering the log as it stands.
  void SignTreeHead() {
    auto signer = es::TreeHeadSigner::LoadOrCreate(node_.dir.path() / "log-key.pem");
    ASSERT_TRUE(signer.ok());
    ASSERT_TRUE(replay::RecordTreeHead(*node_.store, **signer, Now()).ok());
  }

  // The archivist's export of `meeting` into a new directory.
  std::filesystem::path Export(const std::string& meeting) {
    auto bag = node_.dir.path() / ("bag-" + meeting);
    auto summary = replay::ExportMeeting(
        *node_.store,
        replay::ExportRequest{meeting, "archivist-1", bag, "", {}, "", &node_.app->blobs()});
    EXPECT_TRUE(summary.ok()) << ToString(summary.error());
    return bag;
  }

  static std::string ReadFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  std::string ReadReceiptsPolicy() {
    return Parse(node_.Call("GET", b, "", kMember).body)["policy"].value("read_receipts", "");
  }

  Node node_;
};

TEST_F(DocumentsOfMeetings, ByDefaultAMembersDownloadIsTheReceiptForEachOpenMeetingItIsInvitedTo) {
  EXPECT_EQ(ReadReceiptsPolicy(), "on_download") << "the default: studied in advance is real";
  Stored("du-thao");
  Meeting("hop-a", {"du-thao"}, {kMember});
  Meeting("hop-b", {"du-thao"}, {});  // not invited
  Stored("khac");
  Meeting("hop-c", {"khac"}, {kMember});  // another document

  // A viewer reads by ranges, several times: one receipt, on the meeting it is invited to.
  EXPECT_EQ(Download("du-thao", kMember, "", {{"range", "bytes=0-99"}}), 206);
  EXPECT_EQ(Download("du-thao", kMember), 200);
  EXPECT_EQ(Receipts("hop-a", "du-thao", kMember), 1u);
  EXPECT_EQ(Receipts("hop-b", "du-thao", kMember), 0u) << "not invited: no receipt";
  EXPECT_EQ(Receipts("hop-c", "du-thao", kMember), 0u) << "not on that agenda";

  // A meeting whose session is over takes no more receipts.
  Meeting("hop-d", {"du-thao"}, {kMember, "pm"}, 0);
  ASSERT_LT(node_.Call("POST", b + "/meetings/hop-d/session", "", "pm").status, 300);
  ASSERT_LT(node_.Call("POST", b + "/meetings/hop-d/session/close", "", "pm").status, 300);
  EXPECT_EQ(Download("du-thao", kMember), 200);
  EXPECT_EQ(Receipts("hop-d", "du-thao", kMember), 0u) << "closed: read after the meeting";

  // The secretariat's own download is not a member's reading.
  EXPECT_EQ(Download("du-thao", kStaff), 200);
  EXPECT_EQ(Receipts("hop-a", "du-thao", kStaff), 0u);

  // The meeting's view shows who studied it in advance.
  ASSERT_TRUE(node_.app->WaitForViews(node_.store->head_position()));
  const json view = Parse(node_.Call("GET", b + "/meetings/hop-a", "", kStaff).body);
  EXPECT_EQ(view["studied_by"], (json{{"du-thao", {kMember}}})) << view.dump().substr(0, 400);
}

TEST_F(DocumentsOfMeetings, HeadAnswersTheDownloadsHeaderWithoutBodyOrReceipt) {
  Stored("du-thao");
  Meeting("hop-a", {"du-thao"}, {kMember});
  auto client = node_.Client();
  const auto head = client->Send("HEAD", b + "/documents/du-thao/versions/1/content", "",
                                 {{"Authorization", "Bearer " + node_.Token(kMember)}});
  ASSERT_EQ(head.status, 200) << head.body;
  EXPECT_TRUE(head.body.empty());
  const auto get = client->Send("GET", b + "/documents/du-thao/versions/1/content", "",
                                {{"Authorization", "Bearer " + node_.Token(kStaff)}});
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(head.headers.at("content-length"), std::to_string(get.body.size()));
  EXPECT_EQ(head.headers.at("etag"), get.headers.at("etag"));
  EXPECT_EQ(head.headers.at("content-type"), "application/pdf");
  EXPECT_EQ(Receipts("hop-a", "du-thao", kMember), 0u) << "HEAD reads nothing";
  // The connection carries on after a header-only answer; a JSON route answers HEAD too.
  const auto meta = client->Send("HEAD", b + "/documents/du-thao", "",
                                 {{"Authorization", "Bearer " + node_.Token(kMember)}});
  EXPECT_EQ(meta.status, 200);
  EXPECT_TRUE(meta.body.empty());
  EXPECT_NE(meta.headers.at("content-length"), "0");
  EXPECT_EQ(client
                ->Send("HEAD", b + "/documents/nope/versions/1/content", "",
                       {{"Authorization", "Bearer " + node_.Token(kMember)}})
                .status,
            404);
}

TEST_F(DocumentsOfMeetings, OnRequestOnlyTheMeetingTheMemberNamesGetsTheReceipt) {
  const auto set = node_.Call("PUT", b + "/policy",
                              PolicyJson({{"read_receipts", "on_request"}}).dump(), "bootstrap");
  ASSERT_LT(set.status, 300) << set.body;
  EXPECT_EQ(ReadReceiptsPolicy(), "on_request");
  Stored("du-thao");
  Meeting("hop-a", {"du-thao"}, {kMember});

  EXPECT_EQ(Download("du-thao", kMember), 200);
  EXPECT_EQ(Receipts("hop-a", "du-thao", kMember), 0u) << "the body records on request only";
  EXPECT_EQ(Download("du-thao", kMember, "?studied_for=hop-a"), 200);
  EXPECT_EQ(Receipts("hop-a", "du-thao", kMember), 1u);

  // Back to the default when the field is left out of a new policy.
  ASSERT_LT(node_.Call("PUT", b + "/policy", PolicyJson().dump(), "bootstrap").status, 300);
  EXPECT_EQ(ReadReceiptsPolicy(), "on_download");
}

TEST_F(DocumentsOfMeetings, AnUnknownReadReceiptsValueIsRefusedNamingTheFieldAndChangesNothing) {
  const auto bad = node_.Call("PUT", b + "/policy",
                              PolicyJson({{"read_receipts", "sometimes"}}).dump(), "bootstrap");
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(Parse(bad.body).value("field", ""), "read_receipts") << bad.body;
  EXPECT_EQ(ReadReceiptsPolicy(), "on_download");
}

TEST_F(DocumentsOfMeetings, TheExportOfAMeetingWithAClassifiedDocumentIsNotFoundUntilGranted) {
  ASSERT_LT(node_.Call("PUT", b + "/policy", PolicyJson().dump(), "bootstrap").status, 300);
  Stored("mat-1", "secret");
  Meeting("hop-mat", {"mat-1"}, {kMember});
  SignTreeHead();

  const auto hidden = node_.Call("GET", b + "/meetings/hop-mat/export", "", kMember);
  EXPECT_EQ(hidden.status, 404) << hidden.body.substr(0, 300);
  EXPECT_EQ(hidden.body.find("mat-1"), std::string::npos) << "the document is not named";
  EXPECT_EQ(Download("mat-1", kMember), 404) << "as the document's own content";

  ASSERT_LT(
      node_.Call("POST", b + "/documents/mat-1/grants", json{{"person", kMember}}.dump(), kStaff)
          .status,
      300);
  SignTreeHead();  // covering the grant
  const auto shown = node_.Call("GET", b + "/meetings/hop-mat/export", "", kMember);
  EXPECT_EQ(shown.status, 200) << shown.body.substr(0, 300);
  EXPECT_NE(shown.body.find("data/documents/mat-1/v1.pdf"), std::string::npos)
      << "the granted reader's bag holds the file";
}

TEST_F(DocumentsOfMeetings,
       TheBagHoldsItsAgendaDocumentsFilesListedInBothManifestsAndTheMinutesLinkThem) {
  Register("to-trinh-kt", "Tờ trình về kinh tế – xã hội");
  const std::string pdf = testing::Pdf("Báo cáo kinh tế", 2'000'000);
  Put("to-trinh-kt", 1, pdf, "to-trinh.pdf");
  const std::string docx = testing::Docx({"Phụ lục"});
  Put("to-trinh-kt", 2, docx, "phu-luc.docx");
  Meeting("hop-1", {"to-trinh-kt"}, {}, 0);
  SignTreeHead();
  const auto bag = Export("hop-1");
  EXPECT_EQ(ReadFile(bag / "data/documents/to-trinh-kt/v1.pdf"), pdf);
  EXPECT_EQ(ReadFile(bag / "data/documents/to-trinh-kt/v2.docx"), docx);
  const std::string manifest = ReadFile(bag / "manifest-sha256.txt");
  EXPECT_NE(manifest.find(Sha256Hex(pdf) + "  data/documents/to-trinh-kt/v1.pdf\n"),
            std::string::npos);
  EXPECT_NE(manifest.find(Sha256Hex(docx) + "  data/documents/to-trinh-kt/v2.docx\n"),
            std::string::npos);
  EXPECT_NE(ReadFile(bag / "tagmanifest-sha256.txt").find("manifest-sha256.txt"),
            std::string::npos);
  const std::string check = "cd '" + bag.string() +
                            "' && sha256sum -c --quiet manifest-sha256.txt && "
                            "sha256sum -c --quiet tagmanifest-sha256.txt";
  EXPECT_EQ(std::system(check.c_str()), 0) << "the bag checks itself";
  const std::string minutes = ReadFile(bag / "data/minutes.html");
  EXPECT_NE(minutes.find("href=\"documents/to-trinh-kt/v1.pdf\""), std::string::npos);
  EXPECT_NE(minutes.find("Tờ trình về kinh tế – xã hội"), std::string::npos);
  EXPECT_NE(minutes.find("@media print"), std::string::npos);
  EXPECT_EQ(minutes.find("Tài liệu kèm phiếu lấy ý kiến"), std::string::npos)
      << "no form: no such section";
  const json listed = Parse(ReadFile(bag / "data/documents/to-trinh-kt.json"));
  EXPECT_EQ(listed["versions"][1]["file"], "documents/to-trinh-kt/v2.docx");

  // A member reading it "for" the meeting leaves the read receipt, once.
  EXPECT_EQ(Download("to-trinh-kt", kMember, "?studied_for=hop-1"), 403)
      << "not invited: no receipt to leave";
  ASSERT_LT(
      node_
          .Call("POST", b + "/meetings/hop-1/invitations", json{{"person", kMember}}.dump(), kStaff)
          .status,
      300);
  EXPECT_EQ(Receipts("hop-1", "to-trinh-kt", kMember), 0u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(Download("to-trinh-kt", kMember, "?studied_for=hop-1"), 200);
  }
  EXPECT_EQ(Receipts("hop-1", "to-trinh-kt", kMember), 1u);
  EXPECT_EQ(Download("to-trinh-kt", kMember, "?studied_for=nope"), 404);
}

TEST_F(DocumentsOfMeetings, TheBagHoldsTheDocumentsOfTheFormsItsResolutionsWereCirculatedThrough) {
  Stored("du-thao");
  Stored("phu-luc");  // named by the opinion form only, not on the agenda
  Meeting("hop-r", {"du-thao"}, node_.members, 0);
  // A vote for the resolution to implement: the session, a quorum, the item.
  auto ok = [](const http::Response& r) { ASSERT_LT(r.status, 300) << r.body; };
  ok(node_.Call("POST", b + "/meetings/hop-r/session", "", "pm"));
  for (std::size_t i = 0; i < 20; ++i) {
    ok(node_.Call("POST", b + "/meetings/hop-r/check-ins",
                  json{{"person", node_.members[i]}, {"attendance", "in_room"}}.dump(), kStaff));
  }
  ok(node_.Call("POST", b + "/meetings/hop-r/items/i1/take-up", "", "pm"));
  ok(node_.Call("POST", b + "/meetings/hop-r/votes", R"({"vote":"v1","question":"Thông qua?"})",
                "pm"));
  const auto deadline = FormatRfc3339(Now() + std::chrono::hours(48));
  const json form = {{"form", "phieu-1"},       {"title", "Lấy ý kiến dự thảo"},
                     {"question", "Đồng ý?"},   {"documents", {"phu-luc"}},
                     {"addressees", {kMember}}, {"deadline", deadline}};
  ASSERT_LT(node_.Call("POST", b + "/forms", form.dump(), kStaff).status, 300);
  const json draft = {{"resolution", "nq-1"},
                      {"title", "Nghị quyết phiên họp"},
                      {"text", "Điều 1."},
                      {"meeting", "hop-r"},
                      {"vote", "v1"}};
  const auto drafted = node_.Call("POST", b + "/resolutions", draft.dump(), kStaff);
  ASSERT_LT(drafted.status, 300) << drafted.body;
  ASSERT_LT(node_.Call("POST", b + "/resolutions/nq-1/circulation", R"({"form":"phieu-1"})", kStaff)
                .status,
            300);
  SignTreeHead();
  const auto bag = Export("hop-r");
  EXPECT_EQ(ReadFile(bag / "data/documents/phu-luc/v1.pdf").substr(0, 5), "%PDF-");
  EXPECT_NE(ReadFile(bag / "manifest-sha256.txt").find("  data/documents/phu-luc/v1.pdf\n"),
            std::string::npos);
  const std::string minutes = ReadFile(bag / "data/minutes.html");
  EXPECT_NE(minutes.find("Tài liệu kèm phiếu lấy ý kiến"), std::string::npos);
  EXPECT_NE(minutes.find("href=\"documents/phu-luc/v1.pdf\""), std::string::npos);
  EXPECT_NE(minutes.find("href=\"documents/du-thao/v1.pdf\""), std::string::npos);
}

}  // namespace
}  // namespace ecab::api
