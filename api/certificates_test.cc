// The certificate lifecycle over the API: a key's request, the admin's
// approval with the node's CA (issued and enrolled at once) or with an
// external CA (the request downloaded as PEM, the certificate uploaded),
// rejection, who sees what, and revocation with the node CA's new list.
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "api/testing.h"
#include "domain/forms/form.h"

namespace ecab::api {
namespace {

using ecab::testing::Certificate;
using ecab::testing::KeyType;
using nlohmann::json;
using testing::Node;
using testing::Parse;

const std::string b = "/v1/bodies/gov-vn";

// The node's CA made the body's trust anchor (as --ca-key/--ca-cert would).
pki::KeyAndCertificate TrustNodeCa(Node& node) {
  auto ca = pki::NewCa("Node CA", 365);
  EXPECT_TRUE(ca.ok());
  auto set = node.Call("PUT", b + "/trust-anchor",
                       json{{"der", Base64Encode(ca->certificate_der)}}.dump(), "bootstrap");
  EXPECT_EQ(set.status, 201) << set.body;
  node.app->AddIssuingCa(*ca);
  return *ca;
}

// `person` asks for a certificate for a new key; the request's answer.
http::Response Ask(Node& node, const std::string& person, const ecab::testing::KeyPtr& key,
                   const std::string& device = "Tablet") {
  const std::string csr = ecab::testing::MakeRequest(key, person);
  return node.Call("POST", b + "/certificate-requests",
                   json{{"csr", Base64Encode(csr)}, {"device", device}}.dump(), person);
}

std::string DerOfPem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) return "";
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  X509_free(cert);
  return out;
}

// A certificate of the node's CA for `person`'s new Ed25519 key, through the API.
Certificate Enrol(Node& node, const std::string& person) {
  auto key = ecab::testing::MakeKey(KeyType::kEd25519);
  auto asked = Ask(node, person, key);
  EXPECT_EQ(asked.status, 201) << asked.body;
  const std::string id = Parse(asked.body).value("request", "");
  auto approved =
      node.Call("POST", b + "/certificate-requests/" + id + "/approval", "", "bootstrap");
  EXPECT_EQ(approved.status, 201) << approved.body;
  EXPECT_EQ(Parse(approved.body).value("status", ""), "issued");
  Certificate cert;
  cert.der = DerOfPem(Parse(approved.body).value("certificate_pem", ""));
  cert.key = key;
  cert.type = KeyType::kEd25519;
  return cert;
}

json Sign(const Certificate& cert, const SigningPayload& payload) {
  const SignedAct act = ecab::testing::Sign(cert, CanonicalJson(payload), payload.time);
  return {{"algorithm", act.algorithm},
          {"value", Base64Encode(act.value)},
          {"certificate", act.certificate},
          {"signed_at", FormatRfc3339(act.signed_at)}};
}

// Drafts, approves (signed with `chair`) and issues form "f1" to min-trade.
void IssueForm(Node& node, const Certificate& chair) {
  ASSERT_EQ(node.Call("POST", b + "/forms",
                      json{{"form", "f1"},
                           {"title", "Phương án"},
                           {"question", "Đồng ý?"},
                           {"addressees", {"min-trade"}},
                           {"deadline", FormatRfc3339(testing::Now() + std::chrono::hours(48))}}
                          .dump(),
                      "gov-office-staff-1")
                .status,
            201);
  ASSERT_EQ(node.Call("POST", b + "/forms/f1/submission", "", "gov-office-staff-1").status, 201);
  auto form = node.app->commands().Form("f1");
  ASSERT_TRUE(form.ok());
  const auto approval =
      forms::ApprovalPayload("gov-vn", form->state, "pm", "api:pm:approve-f1", testing::Now());
  auto approved =
      node.Call("POST", b + "/forms/f1/approval", json{{"signature", Sign(chair, approval)}}.dump(),
                "pm", {{"idempotency-key", "approve-f1"}});
  ASSERT_EQ(approved.status, 201) << approved.body;
  ASSERT_EQ(node.Call("POST", b + "/forms/f1/issue", "", "gov-office-staff-1").status, 201);
}

http::Response Answer(Node& node, const Certificate& cert, const std::string& key) {
  auto form = node.app->commands().Form("f1");
  EXPECT_TRUE(form.ok());
  const auto payload =
      forms::AnswerPayload("gov-vn", form->state, "min-trade", forms::Answer::kAgree, "",
                           "api:min-trade:" + key, testing::Now());
  return node.Call("POST", b + "/forms/f1/answers",
                   json{{"answer", "agree"}, {"signature", Sign(cert, payload)}}.dump(),
                   "min-trade", {{"idempotency-key", key}});
}

TEST(CertificateLifecycle, ARequestApprovedByTheAdminIsIssuedByTheNodesCaAndItsKeySignsAnAnswer) {
  Node node;
  TrustNodeCa(node);
  const Certificate chair = Enrol(node, "pm");
  const Certificate member = Enrol(node, "min-trade");
  IssueForm(node, chair);
  auto answered = Answer(node, member, "answer-1");
  EXPECT_EQ(answered.status, 201) << answered.body;

  auto listed = node.Call("GET", b + "/people/min-trade/certificates", "", "min-trade");
  ASSERT_EQ(listed.status, 200) << listed.body;
  bool found = false;
  const json certificates = Parse(listed.body)["certificates"];
  for (const auto& c : certificates) {
    if (c["fingerprint"] == member.fingerprint()) {
      found = true;
      EXPECT_EQ(c["device"], "Tablet");
      EXPECT_EQ(c["key"], "ed25519");
      EXPECT_TRUE(c["revoked_at"].is_null());
    }
  }
  EXPECT_TRUE(found) << listed.body;
}

TEST(CertificateLifecycle,
     WithoutTheBodysCaTheRequestIsDownloadedAsPemAndTheExternalCertificateUploaded) {
  Node node;
  auto key = ecab::testing::MakeKey(KeyType::kEcP256);
  auto asked = Ask(node, "min-trade", key, "Điện thoại");
  ASSERT_EQ(asked.status, 201) << asked.body;
  const std::string id = Parse(asked.body)["request"];
  auto approved =
      node.Call("POST", b + "/certificate-requests/" + id + "/approval", "", "bootstrap");
  ASSERT_EQ(approved.status, 201) << approved.body;
  EXPECT_EQ(Parse(approved.body)["status"], "approved")
      << "no CA here for this body: it awaits the external one";

  auto pem = node.Call("GET", b + "/certificate-requests/" + id + "?format=pem", "", "bootstrap");
  ASSERT_EQ(pem.status, 200);
  EXPECT_EQ(pem.content_type, "application/pkcs10");
  BIO* bio = BIO_new_mem_buf(pem.body.data(), static_cast<int>(pem.body.size()));
  X509_REQ* req = PEM_read_bio_X509_REQ(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(req, nullptr) << "an external CA reads it: " << pem.body;
  EXPECT_EQ(X509_REQ_verify(req, X509_REQ_get0_pubkey(req)), 1);
  X509_REQ_free(req);

  const auto wrong_key =
      node.ca().Issue("min-trade", KeyType::kEcP256, testing::Now() - std::chrono::hours(1),
                      testing::Now() + std::chrono::days(20));
  auto refused = node.Call("POST", b + "/certificate-requests/" + id + "/certificate",
                           json{{"der", Base64Encode(wrong_key.der)}}.dump(), "bootstrap");
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(Parse(refused.body).value("detail", "").find("not for the key of the request"),
            std::string::npos);

  const auto issued =
      node.ca().IssueFor("min-trade", KeyType::kEcP256, key, testing::Now() - std::chrono::hours(1),
                         testing::Now() + std::chrono::days(20));
  auto uploaded = node.Call("POST", b + "/certificate-requests/" + id + "/certificate",
                            json{{"der", Base64Encode(issued.der)}}.dump(), "bootstrap");
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  auto state = node.Call("GET", b + "/certificate-requests/" + id, "", "min-trade");
  EXPECT_EQ(Parse(state.body)["status"], "issued");
  EXPECT_EQ(Parse(state.body)["fingerprint"], issued.fingerprint());
}

TEST(CertificateLifecycle,
     OnlyTheHolderAndTheAdminSeeARequestOnlyTheAdminDecidesAndARejectionSaysWhy) {
  Node node;
  auto asked = Ask(node, "min-trade", ecab::testing::MakeKey(KeyType::kEd25519));
  ASSERT_EQ(asked.status, 201) << asked.body;
  const std::string id = Parse(asked.body)["request"];
  EXPECT_EQ(node.Call("GET", b + "/certificate-requests/" + id, "", "min-justice").status, 404);
  EXPECT_TRUE(
      Parse(node.Call("GET", b + "/certificate-requests", "", "min-justice").body)["requests"]
          .empty());
  EXPECT_EQ(Parse(node.Call("GET", b + "/certificate-requests?status=pending", "", "bootstrap")
                      .body)["requests"]
                .size(),
            1u);
  const std::uint64_t head = node.store->head_position();
  EXPECT_EQ(
      node.Call("POST", b + "/certificate-requests/" + id + "/approval", "", "min-trade").status,
      403);
  EXPECT_EQ(
      node.Call("POST", b + "/certificate-requests/" + id + "/rejection", "{}", "bootstrap").status,
      422)
      << "a rejection needs its reason";
  EXPECT_EQ(node.store->head_position(), head) << "refusals record nothing";
  ASSERT_EQ(node.Call("POST", b + "/certificate-requests/" + id + "/rejection",
                      R"({"reason":"not a government device"})", "bootstrap")
                .status,
            201);
  auto mine =
      Parse(node.Call("GET", b + "/certificate-requests", "", "min-trade").body)["requests"];
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["status"], "rejected");
  EXPECT_EQ(mine[0]["reason"], "not a government device");
}

TEST(CertificateLifecycle, ARequestThatIsNotAKeysOwnIsRefusedWithTheReason) {
  Node node;
  auto key = ecab::testing::MakeKey(KeyType::kEd25519);
  const std::string forged =
      ecab::testing::MakeRequest(key, "min-trade", ecab::testing::MakeKey(KeyType::kEd25519));
  auto refused = node.Call("POST", b + "/certificate-requests",
                           json{{"csr", Base64Encode(forged)}}.dump(), "min-trade");
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(Parse(refused.body).value("detail", "").find("proof of possession"), std::string::npos)
      << refused.body;
  auto garbage = node.Call("POST", b + "/certificate-requests", R"({"csr":"bm90IGEgcmVxdWVzdA=="})",
                           "min-trade");
  EXPECT_EQ(garbage.status, 422) << garbage.body;
  auto not_base64 = node.Call("POST", b + "/certificate-requests", R"({"csr":"%%%"})", "min-trade");
  EXPECT_EQ(not_base64.status, 422) << not_base64.body;
}

TEST(CertificateLifecycle,
     AHolderRevokesALostDevicesCertificateLaterActsAreRefusedAndTheCaPublishesItsList) {
  Node node;
  TrustNodeCa(node);
  const Certificate chair = Enrol(node, "pm");
  const Certificate member = Enrol(node, "min-trade");
  IssueForm(node, chair);
  const std::string hex = member.fingerprint().substr(7);
  EXPECT_EQ(node.Call("POST", b + "/people/min-trade/certificates/" + hex + "/revocation",
                      R"({"reason":"x"})", "min-justice")
                .status,
            403)
      << "another member may not";
  auto revoked = node.Call("POST", b + "/people/min-trade/certificates/" + hex + "/revocation",
                           R"({"reason":"tablet lost"})", "min-trade");
  ASSERT_EQ(revoked.status, 201) << revoked.body;
  EXPECT_TRUE(Parse(revoked.body)["revocation_list_published"].get<bool>());
  auto crl = node.Call("GET", b + "/revocation-list", "", "auditor-1");
  ASSERT_EQ(crl.status, 200);
  EXPECT_EQ(crl.content_type, "application/pkix-crl");
  const auto* p = reinterpret_cast<const unsigned char*>(crl.body.data());
  X509_CRL* list = d2i_X509_CRL(nullptr, &p, static_cast<long>(crl.body.size()));
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(list)), 1);
  X509_CRL_free(list);

  std::this_thread::sleep_for(
      std::chrono::milliseconds(5));  // the act's time after the revocation's
  auto answered = Answer(node, member, "answer-after-loss");
  EXPECT_EQ(answered.status, 422) << answered.body;
  EXPECT_EQ(testing::Slug(answered.body), "bad-signature") << answered.body;
  auto listed = Parse(node.Call("GET", b + "/people/min-trade/certificates", "", "min-trade").body);
  for (const auto& c : listed["certificates"]) {
    if (c["fingerprint"] == member.fingerprint()) {
      EXPECT_FALSE(c["revoked_at"].is_null());
    }
  }
}

}  // namespace
}  // namespace ecab::api
