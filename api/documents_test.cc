// Documents' files over real TLS sockets: streamed uploads (sniffed, hashed,
// sealed, deduplicated), downloads with ranges, classified content, search
// inside the files, and what an upload that stops leaves behind (nothing).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "api/document_content.h"
#include "api/document_files.h"
#include "api/testing.h"
#include "api/text_extractor.h"
#include "eventstore/record.h"
#include "replay/document_check.h"
#include "replay/verifier.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;
using testing::Parse;

const std::string b = "/v1/bodies/gov-vn";
const std::string kStaff = "gov-office-staff-1";

std::string Pct(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string Sha(std::string_view bytes) { return es::ToHex(es::Sha256(bytes)); }

class Files : public ::testing::Test {
 protected:
  void SetUp() override { node_.Serve(options_); }

  void Register(const std::string& id, const std::string& title,
                const std::string& classification = "normal") {
    const auto r = node_.Call(
        "POST", b + "/documents",
        json{{"document", id}, {"title", title}, {"classification", classification}}.dump(),
        kStaff);
    ASSERT_EQ(r.status, 201) << r.body;
  }

  http::ClientResponse Put(const std::string& id, int version, const std::string& bytes,
                           const std::string& filename, const std::string& extra = "",
                           const std::string& as = kStaff) {
    auto client = node_.Client();
    return client->Send("PUT",
                        b + "/documents/" + id + "/versions/" + std::to_string(version) +
                            "/content?filename=" + Pct(filename) + extra,
                        bytes,
                        {{"Authorization", "Bearer " + node_.Token(as)},
                         {"Content-Type", "application/octet-stream"}});
  }

  http::ClientResponse Get(const std::string& id, int version, const std::string& as,
                           std::map<std::string, std::string> headers = {}) {
    headers["Authorization"] = "Bearer " + node_.Token(as);
    auto client = node_.Client();
    return client->Send(
        "GET", b + "/documents/" + id + "/versions/" + std::to_string(version) + "/content", "",
        headers);
  }

  // Waits (bounded) until the extractor recorded version `v`'s text.
  json ExtractedText(const std::string& id, int v) {
    for (int i = 0; i < 200; ++i) {
      const auto r = node_.Call("GET", std::string(b).append("/documents/").append(id), "", kStaff);
      const json doc = Parse(r.body);
      if (doc.contains("versions") && doc["versions"].size() >= static_cast<std::size_t>(v)) {
        json text = doc["versions"][v - 1].value("text", json::object());
        if (text.value("status", "pending") != "pending") return text;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return json{{"status", "timed out"}};
  }

  std::size_t SearchHits(const std::string& q, const std::string& as) {
    EXPECT_TRUE(node_.app->WaitForViews(node_.store->head_position()));
    const auto r = node_.Call("GET", b + "/search?q=" + Pct(q), "", as);
    EXPECT_EQ(r.status, 200) << r.body;
    return Parse(r.body)["hits"].size();
  }

  std::size_t Versions(const std::string& id) {
    return Parse(node_.Call("GET", b + "/documents/" + id, "", kStaff).body)["versions"].size();
  }

  bool SpoolEmpty() const {
    return std::filesystem::is_empty(node_.dir.path() / "documents" / "tmp");
  }

  http::ServerOptions options_;
  Node node_;
};

TEST_F(Files, A50MbPdfWithAVietnameseNameComesBackWholeAndByRangesAndIsStoredOnce) {
  Register("du-toan", "Dự toán ngân sách nhà nước năm 2020");
  const std::string pdf = testing::Pdf("Báo cáo tài chính", 50u << 20);
  const std::string name = "Tờ trình dự toán ngân sách 2020.pdf";
  const auto put = Put("du-toan", 1, pdf, name, "&sha256=" + Sha(pdf));
  ASSERT_EQ(put.status, 201) << put.body;
  const json stored = Parse(put.body);
  EXPECT_EQ(stored["sha256"], Sha(pdf));
  EXPECT_EQ(stored["size"], pdf.size());
  EXPECT_EQ(stored["media_type"], "application/pdf");
  EXPECT_EQ(stored["filename"], name);
  EXPECT_FALSE(stored["deduplicated"].get<bool>());

  const auto whole = Get("du-toan", 1, "min-finance");
  ASSERT_EQ(whole.status, 200) << whole.body.substr(0, 300);
  EXPECT_EQ(whole.body.size(), pdf.size());
  EXPECT_EQ(Sha(whole.body), Sha(pdf));
  EXPECT_EQ(whole.headers.at("content-type"), "application/pdf");
  EXPECT_EQ(whole.headers.at("etag"), "\"" + Sha(pdf) + "\"");
  EXPECT_EQ(whole.headers.at("accept-ranges"), "bytes");
  EXPECT_EQ(whole.headers.at("content-disposition"), ContentDisposition(name, false));
  EXPECT_NE(
      whole.headers.at("content-disposition").find("filename*=UTF-8''T%E1%BB%9D%20tr%C3%ACnh"),
      std::string::npos);

  const std::uint64_t size = pdf.size();
  const std::vector<std::pair<std::string, std::pair<std::uint64_t, std::uint64_t>>> ranges = {
      {"bytes=0-99", {0, 100}},
      {"bytes=25000000-25999999", {25'000'000, 1'000'000}},
      {"bytes=-1000", {size - 1000, 1000}},
      {"bytes=" + std::to_string(size - 10) + "-", {size - 10, 10}}};
  for (const auto& [header, want] : ranges) {
    const auto part = Get("du-toan", 1, "min-finance", {{"Range", header}});
    ASSERT_EQ(part.status, 206) << header << ": " << part.body.substr(0, 200);
    EXPECT_EQ(part.body, pdf.substr(want.first, want.second)) << header;
    EXPECT_EQ(part.headers.at("content-range"), "bytes " + std::to_string(want.first) + "-" +
                                                    std::to_string(want.first + want.second - 1) +
                                                    "/" + std::to_string(size));
  }
  const auto beyond =
      Get("du-toan", 1, "min-finance", {{"Range", "bytes=" + std::to_string(size) + "-"}});
  EXPECT_EQ(beyond.status, 416);
  EXPECT_EQ(beyond.headers.at("content-range"), "bytes */" + std::to_string(size));
  EXPECT_EQ(Get("du-toan", 1, "min-finance", {{"If-None-Match", "\"" + Sha(pdf) + "\""}}).status,
            304);

  // The same file as another document's version: one blob.
  Register("du-toan-ban-sao", "Bản sao");
  const auto again = Put("du-toan-ban-sao", 1, pdf, "copy.pdf");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_TRUE(Parse(again.body)["deduplicated"].get<bool>());
  EXPECT_EQ(node_.app->blobs().List(), std::vector<std::string>{Sha(pdf)});
  // The same version again is the same answer (PUT is idempotent); other content is refused.
  EXPECT_EQ(Put("du-toan", 1, pdf, name).status, 200);
  EXPECT_EQ(Put("du-toan", 1, testing::Pdf("khác"), name).status, 409);
  EXPECT_EQ(Put("du-toan", 5, testing::Pdf("khác"), name).status, 409) << "not the next version";
  EXPECT_EQ(Versions("du-toan"), 1u);
  EXPECT_TRUE(SpoolEmpty());
}

TEST_F(Files, AVietnameseWordTypedWithoutDiacriticsFindsThePdfAndTheDocxHoldingIt) {
  Register("bao-cao", "Hồ sơ số 7");
  ASSERT_EQ(Put("bao-cao", 1, testing::Pdf("Báo cáo về quy hoạch đô thị Hà Nội"), "bc.pdf").status,
            201);
  EXPECT_EQ(ExtractedText("bao-cao", 1)["status"], "extracted");
  EXPECT_EQ(SearchHits("quy hoach do thi", "min-finance"), 1u);
  EXPECT_EQ(SearchHits("Hà Nội", "min-finance"), 1u);

  Register("to-trinh", "Hồ sơ số 8");
  const std::string docx = testing::Docx({"Tờ trình về chính sách thuế", "Phụ lục kèm theo"});
  const auto put = Put("to-trinh", 1, docx, "tt.docx");
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(Parse(put.body)["media_type"],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_EQ(ExtractedText("to-trinh", 1)["status"], "extracted");
  EXPECT_EQ(SearchHits("chinh sach thue", "min-finance"), 1u) << "runs split mid-word rejoin";

  Register("ban-quet", "Bản quét công văn");
  ASSERT_EQ(Put("ban-quet", 1, testing::Pdf(""), "scan.pdf").status, 201);
  const json scan = ExtractedText("ban-quet", 1);
  EXPECT_EQ(scan["status"], "none");
  EXPECT_NE(scan.value("note", "").find("title only"), std::string::npos) << scan.dump();
  EXPECT_EQ(SearchHits("ban quet", "min-finance"), 1u) << "found by its title";
}

TEST_F(Files, AClassifiedDocumentsFileIsHiddenUntilGranted) {
  json policy = {{"quorum_numerator", 2},           {"quorum_denominator", 3},
                 {"majority_numerator", 1},         {"majority_denominator", 2},
                 {"majority_basis", "all_members"}, {"tie", "chair_decides"},
                 {"silence", "not_counted"},        {"remote_counts_for_quorum", false},
                 {"substitutes_may_vote", false},   {"substitutes_count_for_quorum", false},
                 {"max_classification", "secret"}};
  ASSERT_LT(node_.Call("PUT", b + "/policy", policy.dump(), "bootstrap").status, 300);
  Register("mat-1", "Phương án quasar", "secret");
  const auto put = Put("mat-1", 1, testing::Pdf("Kế hoạch xyzzy"), "kh.pdf");
  ASSERT_EQ(put.status, 201) << put.body;
  ASSERT_EQ(ExtractedText("mat-1", 1)["status"], "extracted");

  const auto hidden = Get("mat-1", 1, "min-finance");
  EXPECT_EQ(hidden.status, 404) << hidden.body;
  EXPECT_EQ(hidden.body.find("xyzzy"), std::string::npos);
  EXPECT_EQ(SearchHits("xyzzy", "min-finance"), 0u);
  EXPECT_EQ(Put("mat-1", 2, testing::Pdf("x"), "x.pdf", "", "min-finance").status, 404)
      << "a member without a grant cannot even learn it exists";

  ASSERT_LT(node_.Call("POST", b + "/documents/mat-1/grants", R"({"person":"min-finance"})", kStaff)
                .status,
            300);
  const auto shown = Get("mat-1", 1, "min-finance");
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(shown.headers.at("cache-control"), "private, no-store");
  EXPECT_EQ(SearchHits("xyzzy", "min-finance"), 1u);
}

TEST_F(Files, AnExecutableNamedPdfAndAPngNamedPdfAreRefusedAndNothingIsKept) {
  Register("gia-mao", "Giả mạo");
  std::string elf(
      "\x7f"
      "ELF\x02\x01\x01\0",
      8);
  elf += std::string(300'000, 'x');
  const auto exe = Put("gia-mao", 1, elf, "bao-cao.pdf");
  EXPECT_EQ(exe.status, 415) << exe.body;
  EXPECT_NE(exe.body.find("an executable (ELF)"), std::string::npos) << exe.body;
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(1000, '\0');
  const auto renamed = Put("gia-mao", 1, png, "bao-cao.pdf");
  EXPECT_EQ(renamed.status, 415) << renamed.body;
  EXPECT_NE(renamed.body.find("png"), std::string::npos) << renamed.body;
  EXPECT_EQ(Put("gia-mao", 1, "just some text", "note.txt").status, 415);
  EXPECT_EQ(Versions("gia-mao"), 0u);
  EXPECT_TRUE(node_.app->blobs().List().empty());
  EXPECT_TRUE(SpoolEmpty());
}

TEST_F(Files, ADeclaredHashOrSizeThatDoesNotMatchIsRefused) {
  Register("khai-bao", "Khai báo");
  const std::string pdf = testing::Pdf("nội dung");
  const auto wrong_hash = Put("khai-bao", 1, pdf, "a.pdf", "&sha256=" + std::string(64, 'a'));
  EXPECT_EQ(wrong_hash.status, 422);
  EXPECT_EQ(Parse(wrong_hash.body)["field"], "sha256");
  const auto wrong_size =
      Put("khai-bao", 1, pdf, "a.pdf", "&size=" + std::to_string(pdf.size() + 1));
  EXPECT_EQ(wrong_size.status, 422);
  EXPECT_EQ(Parse(wrong_size.body)["field"], "size");
  EXPECT_EQ(Put("khai-bao", 1, pdf, "a/b.pdf").status, 422) << "a path is no file name";
  EXPECT_EQ(Versions("khai-bao"), 0u);
  EXPECT_EQ(Put("khai-bao", 1, pdf, "a.pdf", "&size=" + std::to_string(pdf.size())).status, 201);
}

class SmallUploads : public Files {
 protected:
  SmallUploads() {
    options_.max_upload_bytes = 100'000;
    options_.read_timeout = std::chrono::milliseconds(1000);
  }
};

TEST_F(SmallUploads, AnOversizedBodyGets413AndNothingIsStored) {
  Register("lon", "Quá lớn");
  const auto big = Put("lon", 1, testing::Pdf("x", 200'000), "big.pdf");
  EXPECT_EQ(big.status, 413) << big.body;
  // Without Content-Length (chunked), the limit stops it as it streams.
  auto client = node_.Client();
  std::string raw = "PUT " + b +
                    "/documents/lon/versions/1/content?filename=big.pdf HTTP/1.1\r\n"
                    "Host: localhost\r\nAuthorization: Bearer " +
                    node_.Token(kStaff) + "\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string pdf = testing::Pdf("x", 200'000);
  for (std::size_t at = 0; at < pdf.size(); at += 50'000) {
    const std::string piece = pdf.substr(at, 50'000);
    std::ostringstream size;
    size << std::hex << piece.size();
    raw += size.str() + "\r\n" + piece + "\r\n";
  }
  raw += "0\r\n\r\n";
  const auto chunked = client->SendRaw(raw);
  EXPECT_EQ(chunked.status, 413) << chunked.body;
  EXPECT_EQ(Versions("lon"), 0u);
  EXPECT_TRUE(node_.app->blobs().List().empty());
  for (int i = 0; i < 100 && !SpoolEmpty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(SpoolEmpty());
}

TEST_F(SmallUploads, AnUploadCutOffMidBodyLeavesNothingVisibleOrStored) {
  Register("dang-do", "Dang dở");
  const std::string pdf = testing::Pdf("x", 80'000);
  const std::string head = "PUT " + b +
                           "/documents/dang-do/versions/1/content?filename=a.pdf HTTP/1.1\r\n"
                           "Host: localhost\r\nAuthorization: Bearer " +
                           node_.Token(kStaff) +
                           "\r\nContent-Length: " + std::to_string(pdf.size()) + "\r\n\r\n";
  {
    auto options = node_.ClientOptions();
    options.timeout = std::chrono::milliseconds(300);
    std::string error;
    auto client = http::HttpsClient::Connect(options, &error);
    ASSERT_NE(client, nullptr) << error;
    const auto cut = client->SendRaw(head + pdf.substr(0, 40'000));
    EXPECT_NE(cut.status, 201);
  }  // the connection closes mid-body
  for (int i = 0; i < 200 && !SpoolEmpty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(SpoolEmpty()) << "the spooled part is removed";
  EXPECT_TRUE(node_.app->blobs().List().empty());
  EXPECT_EQ(Versions("dang-do"), 0u);
  // A whole upload on a fresh connection still works.
  EXPECT_EQ(Put("dang-do", 1, pdf, "a.pdf").status, 201);
}

TEST_F(Files, ABackupTakenWhileUploadsGoOnRestoresIntoANewDirectoryAndVerifies) {
  node_.Token(kStaff);  // logged in before the writer starts: the tokens are not shared
  node_.Token("platform-admin");
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop.load() && i < 200; ++i) {
      const std::string id = "ghi-" + std::to_string(i);
      const auto r = node_.Call("POST", b + "/documents",
                                json{{"document", id}, {"title", "Ghi chép " + id}}.dump(), kStaff);
      if (r.status != 201) continue;
      if (Put(id, 1, testing::Pdf("Ghi chép số " + std::to_string(i), 20'000, i), "g.pdf").status ==
          201)
        ++written;
    }
  });
  for (int i = 0; i < 500 && written.load() < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const std::filesystem::path backup = node_.dir.path() / "backup";
  const auto r = node_.Call("POST", "/v1/platform/backups", json{{"to", backup.string()}}.dump(),
                            "platform-admin");
  const int before_stop = written.load();
  stop = true;
  writer.join();
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_GE(before_stop, 3);
  EXPECT_EQ(node_
                .Call("POST", "/v1/platform/backups", json{{"to", backup.string()}}.dump(),
                      "platform-admin")
                .status,
            409)
      << "never into an existing directory";
  EXPECT_EQ(node_
                .Call("POST", "/v1/platform/backups",
                      json{{"to", (node_.dir.path() / "b2").string()}}.dump(), kStaff)
                .status,
            403);

  const std::filesystem::path restored = node_.dir.path() / "restored";
  std::filesystem::copy(backup, restored, std::filesystem::copy_options::recursive);
  auto store = es::testing::OpenOrDie(restored / "store");
  auto log = replay::VerifyLog(*store);
  ASSERT_TRUE(log.ok()) << ToString(log.error());
  EXPECT_TRUE(log->ok()) << log->findings.front().reason;
  auto blobs = es::BlobStore::OpenReadOnly(restored / "documents", es::testing::Ring());
  ASSERT_TRUE(blobs.ok());
  auto documents = replay::CheckDocuments(*store, **blobs);
  ASSERT_TRUE(documents.ok());
  EXPECT_TRUE(documents->findings.empty()) << documents->findings.front().reason;
  EXPECT_GE(documents->stored_versions, 3u);
  EXPECT_GT(store->head_position(), 0u);

  // Flip one byte of one stored blob: the check names that document and version.
  const std::string victim = (*blobs)->List().front();
  const auto path = (*blobs)->PathOf(victim);
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::filesystem::remove(path);  // a hard link to the live node's file: break it first
  bytes[bytes.size() - 40] ^= 0x20;
  std::ofstream(path, std::ios::binary) << bytes;
  auto damaged = replay::CheckDocuments(*store, **blobs);
  ASSERT_TRUE(damaged.ok());
  ASSERT_EQ(damaged->findings.size(), 1u);
  EXPECT_NE(damaged->findings[0].reason.find("version 1: its content " + victim + " is altered"),
            std::string::npos)
      << damaged->findings[0].reason;
  EXPECT_NE(damaged->findings[0].reason.find("document 'ghi-"), std::string::npos);
  EXPECT_EQ(node_.app->blobs().Check(victim), es::BlobState::kIntact) << "the live node's is whole";
}

// The real ecabinetd killed (SIGKILL) after a blob is synced and before its
// event: after a restart nothing of that upload is visible, its blob is
// collected, and the upload acknowledged before is whole.
TEST(DocumentCrash, AKillBetweenBlobAndEventLeavesNoVersionAndTheOrphanIsCollected) {
  es::testing::TempDir dir;
  const std::filesystem::path data = dir.path() / "node";
  pid_t running = 0;
  struct Reaper {
    pid_t& pid;
    ~Reaper() {
      if (pid > 0 && ::waitpid(pid, nullptr, WNOHANG) == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
    }
  } reaper{running};
  int starts = 0;
  std::filesystem::path log;
  auto start = [&](bool failpoint) {
    log = dir.path() / ("node-" + std::to_string(++starts) + ".log");
    const pid_t pid = ::fork();
    if (pid == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 2);
      if (failpoint) ::setenv("ECAB_FAILPOINT", "after-blob-stored", 1);
      ::execl(ECAB_ECABINETD, "ecabinetd", "--data-dir", data.c_str(), "--demo-cabinet",
              (std::string(ECAB_FIXTURES_DIR) + "/cabinet-2019.json").c_str(), "--port", "0",
              "--password-cost", "10", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    running = pid;
    for (int i = 0; i < 300; ++i) {  // up to 30 s for its "serving" line
      std::ifstream in(log);
      const std::string text{std::istreambuf_iterator<char>(in), {}};
      if (auto at = text.find("\"url\":\"https://127.0.0.1:"); at != std::string::npos)
        return std::stoi(text.substr(at + 25));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return 0;
  };
  auto exit_status = [](pid_t pid) {
    for (int i = 0; i < 200; ++i) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) return status;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return -1;
  };
  auto connect = [&](int port) {
    http::ClientOptions o;
    o.port = static_cast<std::uint16_t>(port);
    o.ca_file = data / "tls" / "server.crt.pem";
    std::string error;
    auto c = http::HttpsClient::Connect(o, &error);
    EXPECT_NE(c, nullptr) << error;
    const auto login = c->Send("POST", "/v1/login",
                               R"({"person":"gov-office-staff-1","password":"cabinet-demo-2019"})");
    EXPECT_EQ(login.status, 200) << login.body;
    return std::make_pair(std::move(c), "Bearer " + Parse(login.body).value("token", ""));
  };
  const std::string first = testing::Pdf("Bản thứ nhất", 300'000, 1);
  const std::string second = testing::Pdf("Bản thứ hai", 300'000, 2);
  const std::string content = b + "/documents/hs-1/versions/";

  int port = start(false);
  ASSERT_GT(port, 0);
  {
    auto [c, auth] = connect(port);
    ASSERT_EQ(c->Send("POST", b + "/documents", R"({"document":"hs-1","title":"Hồ sơ"})",
                      {{"Authorization", auth}, {"Content-Type", "application/json"}})
                  .status,
              201);
    const auto put =
        c->Send("PUT", content + "1/content?filename=a.pdf", first, {{"Authorization", auth}});
    ASSERT_EQ(put.status, 201) << put.body;
  }
  ::kill(running, SIGTERM);
  ASSERT_TRUE(WIFEXITED(exit_status(running)));

  port = start(true);
  ASSERT_GT(port, 0);
  {
    auto [c, auth] = connect(port);
    const auto put =
        c->Send("PUT", content + "2/content?filename=b.pdf", second, {{"Authorization", auth}});
    EXPECT_EQ(put.status, 0) << "the node died before it could answer: " << put.body;
  }
  const int killed = exit_status(running);
  ASSERT_TRUE(WIFSIGNALED(killed) && WTERMSIG(killed) == SIGKILL) << killed;
  const std::string orphan = Sha(second);
  const auto orphan_path = data / "documents" / orphan.substr(0, 2) / orphan;
  EXPECT_TRUE(std::filesystem::exists(orphan_path)) << "the blob was synced before the kill";

  port = start(false);
  ASSERT_GT(port, 0);
  {
    auto [c, auth] = connect(port);
    const auto doc = c->Send("GET", b + "/documents/hs-1", "", {{"Authorization", auth}});
    ASSERT_EQ(doc.status, 200) << doc.body;
    EXPECT_EQ(Parse(doc.body)["versions"].size(), 1u) << "no event for the killed upload";
    EXPECT_EQ(c->Send("GET", content + "2/content", "", {{"Authorization", auth}}).status, 404);
    const auto back = c->Send("GET", content + "1/content", "", {{"Authorization", auth}});
    ASSERT_EQ(back.status, 200);
    EXPECT_EQ(Sha(back.body), Sha(first)) << "the acknowledged upload is whole";
  }
  for (int i = 0; i < 100 && std::filesystem::exists(orphan_path); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(std::filesystem::exists(orphan_path)) << "the orphan was collected at start";
  ::kill(running, SIGTERM);
  EXPECT_TRUE(WIFEXITED(exit_status(running)));
}

TEST(DocumentContent, RangesFollowRfc9110) {
  bool ok = true;
  auto r = ParseRange("bytes=0-0", 10, &ok);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 0u);
  EXPECT_EQ(r->length, 1u);
  r = ParseRange("bytes=5-100", 10, &ok);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->length, 5u) << "clamped to the end";
  r = ParseRange("bytes=-100", 10, &ok);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 0u);
  EXPECT_FALSE(ParseRange("bytes=0-1,4-5", 10, &ok)) << "several ranges: the whole file";
  EXPECT_TRUE(ok);
  EXPECT_FALSE(ParseRange("bytes=5-2", 10, &ok)) << "invalid: ignored";
  EXPECT_TRUE(ok);
  EXPECT_FALSE(ParseRange("items=0-1", 10, &ok));
  EXPECT_FALSE(ParseRange("bytes=10-", 10, &ok));
  EXPECT_FALSE(ok) << "beyond the end: 416";
}

TEST(DocumentContent, FilenamesAreCheckedAndSentPerRfc6266) {
  EXPECT_EQ(FilenameProblem("Tờ trình.pdf"), std::nullopt);
  EXPECT_EQ(FilenameProblem("../etc/passwd"), "holds a path separator");
  EXPECT_EQ(FilenameProblem(std::string("a\x01.pdf")), "holds a control character");
  EXPECT_EQ(FilenameProblem("\xC3\x28.pdf"), "is not valid UTF-8");
  EXPECT_EQ(FilenameProblem(std::string(256, 'a')), "is longer than 255 bytes");
  EXPECT_EQ(ContentDisposition("Tờ \"x\".pdf", false),
            "attachment; filename=\"T_ _x_.pdf\"; filename*=UTF-8''T%E1%BB%9D%20%22x%22.pdf");
  EXPECT_EQ(FilenameFromDisposition("attachment; filename*=UTF-8''T%E1%BB%9D.pdf"), "Tờ.pdf");
  EXPECT_EQ(FilenameFromDisposition("attachment; filename=\"a.pdf\""), "a.pdf");
}

TEST(TextExtraction, APdfsTextLayerAndADocxsParagraphsAreRead) {
  const ExtractedText pdf = ExtractText("application/pdf", testing::Pdf("Nghị quyết số 12"));
  EXPECT_NE(pdf.text.find("Nghị quyết số 12"), std::string::npos) << pdf.text;
  const ExtractedText docx =
      ExtractText("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  testing::Docx({"Một", "Hai ba"}));
  EXPECT_EQ(docx.text, "Một\nHai ba\n");
  const ExtractedText scan = ExtractText("application/pdf", testing::Pdf(""));
  EXPECT_EQ(scan.text, "");
  EXPECT_NE(scan.note.find("title only"), std::string::npos);
  const ExtractedText capped = ExtractText("application/pdf", testing::Pdf("ẩẩẩẩẩẩ"), 7);
  EXPECT_EQ(capped.text, "ẩẩ") << "cut at a character boundary";
  EXPECT_FALSE(capped.note.empty());
}

}  // namespace
}  // namespace ecab::api
