#include "api/demo.h"

#include <fstream>

#include "api/command/command_service.h"
#include "api/pdf_writer.h"
#include "api/pki.h"
#include "api/text_extractor.h"
#include "domain/signing/signed_act.h"
#include "eventstore/clock.h"

namespace ecab::api {
namespace {

Status WriteFile(const std::filesystem::path& path, const std::string& content, bool secret) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return MakeError(ErrorCode::kIoError, "cannot write " + path.string());
  if (secret) {
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  return Ok{};
}

Status Check(const Result<CommandOutcome>& r, const std::string& what) {
  if (!r.ok()) return MakeError(r.error().code, "demo: " + what + ": " + r.error().message);
  return Ok{};
}

// A one-page A4 PDF of `lines` (ASCII; the first as a heading) in Helvetica,
// which every viewer has: the demo's agenda document, readable and searchable.
std::string OnePagePdf(const std::vector<std::string>& lines) {
  std::string text = "BT /F1 16 Tf 56 780 Td 20 TL";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string escaped;
    for (char ch : lines[i]) {
      if (ch == '(' || ch == ')' || ch == '\\') escaped += '\\';
      escaped += ch;
    }
    text += (i == 0 ? " (" : " T* (") + escaped + ") Tj";
    if (i == 0) text += " /F1 11 Tf 16 TL T*";
  }
  text += " ET";
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      std::string("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] ") +
          "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
      "<< /Length " + std::to_string(text.size()) + " >>\nstream\n" + text + "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"};
  return AssemblePdf(objects);
}

// The demo's document: a real PDF in the document store, its version
// recorded as stored, its text extracted (searchable) before the node serves.
Status StoreDemoDocument(App& app, const std::string& body, const CommandContext& ctx) {
  const std::string pdf = OnePagePdf(
      {"Draft socio-economic report, first half (demo)",
       "Government of the Socialist Republic of Viet Nam - Government Office", "",
       "1. Growth: GDP rose in the first six months; exports and investment held up.",
       "2. Prices and the budget: inflation stayed below the target set by the National Assembly.",
       "3. Tasks for the second half: public investment disbursement, administrative reform,",
       "   the e-Cabinet system for meetings and written consultations.", "",
       "This is a demonstration document of the e-Cabinet backend."});
  ECAB_TRY_LET(writer, app.blobs().Begin());
  ECAB_TRY((*writer)->Append(pdf));
  ECAB_TRY_LET(info, (*writer)->Finish());
  auto version = app.commands().Execute(
      body, "demo-doc-1",
      documents::AddDocumentVersion{info->sha256, info->size, "application/pdf", "demo-report.pdf",
                                    "", true, 1},
      ctx);
  ECAB_TRY(Check(version, "document version"));
  return app.extractor().Extract(
      ExtractionJob{body, "demo-doc-1", 1, info->sha256, "application/pdf"});
}

}  // namespace

Result<DemoSummary> SetUpDemo(App& app, const CabinetFixture& cabinet,
                              const std::filesystem::path& dir, const std::string& password) {
  CommandService& commands = app.commands();
  const std::string body = cabinet.body.body;
  ECAB_TRY_LET(state, commands.Body(body));
  if (!state->state.anchor_der.empty()) return DemoSummary{false, state->state.people.size()};

  const Timestamp now = es::SystemClock().Now();
  const std::string admin = "bootstrap", staff = "gov-office-staff-1", chair = "pm";
  auto ctx = [&](const std::string& actor, Role role, const std::string& id) {
    return CommandContext{now, actor, role, "", "demo:" + body + ":" + id};
  };

  // The demo CA and everyone's signing certificate.
  ECAB_TRY_LET(ca, pki::NewCa("e-Cabinet demo CA (" + body + ")", 3650));
  ECAB_TRY(WriteFile(dir / "ca.crt.pem", ca->certificate_pem, false));
  ECAB_TRY(WriteFile(dir / "ca.key.pem", ca->key_pem, true));
  if (auto s = Check(commands.Execute(body, directory::SetTrustAnchor{ca->certificate_der},
                                      ctx(admin, Role::kAdmin, "anchor")),
                     "trust anchor");
      !s.ok()) {
    return s.error();
  }
  for (const auto& [person, role, office] :
       {std::tuple<std::string, Role, std::string>{"auditor-1", Role::kAuditor,
                                                   "State Audit liaison"},
        {"archivist-1", Role::kArchivist, "Government Office archives"}}) {
    if (auto s = Check(commands.Execute(body, directory::EnrollPerson{person, office, "", role},
                                        ctx(admin, Role::kAdmin, "enrol:" + person)),
                       "enrol " + person);
        !s.ok()) {
      return s.error();
    }
  }
  std::vector<std::string> people{admin, "auditor-1", "archivist-1"};
  for (const auto& p : cabinet.people) people.push_back(p.person);
  std::map<std::string, pki::KeyAndCertificate> keys;
  for (const auto& person : people) {
    ECAB_TRY_LET(cert, pki::IssueEd25519(*ca, person, 3650));
    ECAB_TRY(WriteFile(dir / "people" / (person + ".key.pem"), cert->key_pem, true));
    ECAB_TRY(WriteFile(dir / "people" / (person + ".crt.pem"), cert->certificate_pem, false));
    if (auto s = Check(
            commands.Execute(body, directory::EnrollCertificate{person, cert->certificate_der},
                             ctx(admin, Role::kAdmin, "certificate:" + person)),
            "certificate of " + person);
        !s.ok()) {
      return s.error();
    }
    keys[person] = std::move(cert).value();
    ECAB_TRY(app.SetPassword(person, password));
  }

  std::vector<std::string> members;
  for (const auto& p : cabinet.people) {
    if (IsVotingRole(p.role)) members.push_back(p.person);
  }

  // A document, a meeting in two days, an opinion form issued to every member.
  auto doc = commands.Execute(
      body, "demo-doc-1",
      documents::RegisterDocument{"demo-doc-1",
                                  "Dự thảo Báo cáo tình hình kinh tế - xã hội 6 tháng đầu năm",
                                  Classification::kNormal, Urgency::kNormal},
      ctx(staff, Role::kSecretariat, "doc"));
  ECAB_TRY(Check(doc, "document"));
  ECAB_TRY(StoreDemoDocument(app, body, ctx(staff, Role::kSecretariat, "doc-v1")));

  const std::int64_t day = 86'400'000'000;
  const Timestamp starts = FromMicros((ToMicros(now) / day + 2) * day + 1'000'000LL * 3600),
                  ends = FromMicros(ToMicros(starts) + 1'000'000LL * 4 * 3600);
  using MC = meeting::MeetingCommand;
  const std::vector<std::pair<std::string, MC>> meeting_steps = {
      {"schedule", meeting::ScheduleMeeting{"demo-1", "Phiên họp Chính phủ thường kỳ (dữ liệu mẫu)",
                                            starts, ends, "Văn phòng Chính phủ, Hà Nội",
                                            "https://meet.example/demo-1"}},
      {"agenda",
       meeting::AddAgendaItem{
           "item-1", "Tình hình kinh tế - xã hội 6 tháng đầu năm", {"demo-doc-1"}}},
  };
  for (const auto& [id, command] : meeting_steps) {
    if (auto s = Check(commands.Execute(body, "demo-1", command,
                                        ctx(staff, Role::kSecretariat, "meeting:" + id)),
                       "meeting " + id);
        !s.ok()) {
      return s.error();
    }
  }
  for (const auto& m : members) {
    if (auto s = Check(commands.Execute(body, "demo-1", meeting::Invite{m, false},
                                        ctx(staff, Role::kSecretariat, "meeting:invite:" + m)),
                       "invite " + m);
        !s.ok()) {
      return s.error();
    }
  }

  const forms::FormContent content{
      "Lấy ý kiến về dự thảo Báo cáo (dữ liệu mẫu)",
      "Thành viên Chính phủ có đồng ý với dự thảo Báo cáo tình hình kinh tế - xã hội 6 tháng đầu "
      "năm không?",
      {"demo-doc-1"},
      members,
      FromMicros(ToMicros(now) + 7 * day),
      Urgency::kNormal};
  for (const auto& [id, command] : std::vector<std::pair<std::string, forms::FormCommand>>{
           {"draft", forms::DraftForm{"demo-form-1", content}}, {"submit", forms::SubmitForm{}}}) {
    if (auto s = Check(commands.Execute(body, "demo-form-1", command,
                                        ctx(staff, Role::kSecretariat, "form:" + id)),
                       "form " + id);
        !s.ok()) {
      return s.error();
    }
  }
  ECAB_TRY_LET(form, commands.Form("demo-form-1"));
  const CommandContext approve = ctx(chair, Role::kChair, "form:approve");
  const std::string payload =
      CanonicalJson(forms::ApprovalPayload(body, form->state, chair, approve.command_id, now));
  ECAB_TRY_LET(signature, pki::SignEd25519(keys[chair].key_pem, payload));
  const SignedAct act{"ed25519", *signature, CertificateFingerprint(keys[chair].certificate_der),
                      now};
  if (auto s = Check(commands.Execute(body, "demo-form-1", forms::ApproveForm{act}, approve),
                     "form approval");
      !s.ok()) {
    return s.error();
  }
  if (auto s = Check(commands.Execute(body, "demo-form-1", forms::IssueForm{},
                                      ctx(staff, Role::kSecretariat, "form:issue")),
                     "form issue");
      !s.ok()) {
    return s.error();
  }
  return DemoSummary{true, people.size()};
}

}  // namespace ecab::api
