// The certificate lifecycle: a person asks for a certificate for a key they
// hold, the admin approves (the node's CA issues) or approves and waits for an
// external CA, or rejects; revocation in the body refuses later acts only.
#include "domain/directory/certificates.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include "domain/directory/expect_refused.h"
#include "domain/directory/testing.h"
#include "domain/signing/certificate_request.h"
#include "domain/signing/verify.h"

namespace ecab::directory {
namespace {

using testing::As;
using testing::ExpectRefused;
using testing::June24;
using testing::KeyType;
using testing::MakeKey;
using testing::MakeRequest;
using testing::World;

const Timestamp kNow = June24();
const Timestamp kYearLater = June24() + std::chrono::days(365);

SigningPayload Ballot(const std::string& signer) {
  return SigningPayload{"gov-vn", "ballot", "meeting-1/vote-1",      0,   signer, "",
                        "for",    "",       "api:" + signer + ":k1", kNow};
}

TEST(Certificates, AMemberAsksTheAdminApprovesAndTheIssuedCertificateSignsActs) {
  World w = World::WithMembers(3);
  auto key = MakeKey(KeyType::kEcP256);
  w.Apply(RequestCertificate{"req-1", "m02", "Tablet", MakeRequest(key, "m02")},
          w.Ctx("m02", Role::kMember, kNow));
  ASSERT_EQ(w.body.certificate_requests.at("req-1").status, CertificateRequest::Status::kPending);

  auto issued =
      w.ca.IssueFor("m02", KeyType::kEcP256, key, kNow - std::chrono::hours(1), kYearLater);
  auto approved =
      As(w, DecideCertificateRequest{"req-1", true, "", issued.der}, "admin", Role::kAdmin);
  ASSERT_TRUE(approved.ok()) << approved.error().message;
  ASSERT_EQ(approved->size(), 3u) << "decided, issued, enrolled in one append";
  EXPECT_TRUE(std::holds_alternative<CertificateEnrolled>((*approved)[2]));
  w.body = testing::FoldAll(w.body, *approved, Evolve);
  EXPECT_EQ(w.body.certificate_requests.at("req-1").status, CertificateRequest::Status::kIssued);
  EXPECT_EQ(w.body.RequestOf(issued.fingerprint())->device, "Tablet");

  const SigningPayload p = Ballot("m02");
  const SignedAct act = testing::Sign(issued, CanonicalJson(p), kNow);
  EXPECT_TRUE(w.body.VerifyAct("m02", act, CanonicalJson(p)).ok())
      << "a second device's certificate signs too";
}

TEST(Certificates, ARequestMustProveItsKeyAndBeTheRequestersOwn) {
  World w = World::WithMembers(3);
  auto key = MakeKey(KeyType::kEd25519);
  auto forged = MakeRequest(key, "m02", MakeKey(KeyType::kEd25519));
  ExpectRefused(As(w, RequestCertificate{"r", "m02", "", forged}, "m02", Role::kMember),
                ErrorCode::kInvalidArgument, "proof of possession");
  ExpectRefused(As(w, RequestCertificate{"r", "m02", "", "not DER"}, "m02", Role::kMember),
                ErrorCode::kInvalidArgument, "PKCS#10");
  ExpectRefused(
      As(w, RequestCertificate{"r", "m03", "", MakeRequest(key, "m03")}, "m02", Role::kMember),
      ErrorCode::kForbidden, "for themselves only");
  ExpectRefused(
      As(w, RequestCertificate{"r", "m02", "", MakeRequest(MakeKey(KeyType::kEcP384), "m02")},
         "m02", Role::kMember),
      ErrorCode::kInvalidArgument, "P-256");
  EXPECT_TRUE(
      As(w, RequestCertificate{"r", "m03", "", MakeRequest(key, "m03")}, "admin", Role::kAdmin)
          .ok())
      << "the admin asks for anyone";
}

TEST(Certificates, OnlyTheAdminDecidesAndARejectionSaysWhy) {
  World w = World::WithMembers(3);
  auto key = MakeKey(KeyType::kEd25519);
  w.Apply(RequestCertificate{"req-1", "m02", "Phone", MakeRequest(key, "m02")},
          w.Ctx("m02", Role::kMember, kNow));
  ExpectRefused(As(w, DecideCertificateRequest{"req-1", true}, "m02", Role::kMember),
                ErrorCode::kForbidden, "decide_certificate_request");
  ExpectRefused(As(w, DecideCertificateRequest{"req-1", false}, "admin", Role::kAdmin),
                ErrorCode::kInvalidArgument, "say why");
  w.Admin(DecideCertificateRequest{"req-1", false, "not a government device"}, kNow);
  EXPECT_EQ(w.body.certificate_requests.at("req-1").reason, "not a government device");
  ExpectRefused(As(w, DecideCertificateRequest{"req-1", true}, "admin", Role::kAdmin),
                ErrorCode::kRuleViolation, "is rejected, not pending");
}

TEST(Certificates, AnExternalCasCertificateMustBeForTheRequestedKeyAndPerson) {
  World w = World::WithMembers(3);
  auto key = MakeKey(KeyType::kEd25519);
  w.Apply(RequestCertificate{"req-1", "m02", "", MakeRequest(key, "m02")},
          w.Ctx("m02", Role::kMember, kNow));
  w.Admin(DecideCertificateRequest{"req-1", true}, kNow);
  EXPECT_EQ(w.body.certificate_requests.at("req-1").status, CertificateRequest::Status::kApproved);
  const auto other_key =
      w.ca.Issue("m02", KeyType::kEd25519, kNow - std::chrono::hours(1), kYearLater);
  ExpectRefused(As(w, SupplyCertificate{"req-1", other_key.der}, "admin", Role::kAdmin),
                ErrorCode::kInvalidArgument, "not for the key of the request");
  const auto other_person =
      w.ca.IssueFor("m03", KeyType::kEd25519, key, kNow - std::chrono::hours(1), kYearLater);
  ExpectRefused(As(w, SupplyCertificate{"req-1", other_person.der}, "admin", Role::kAdmin),
                ErrorCode::kInvalidArgument, "does not name 'm02'");
  testing::TestCa stranger("Stranger CA", kNow - std::chrono::days(1), kYearLater);
  const auto foreign =
      stranger.IssueFor("m02", KeyType::kEd25519, key, kNow - std::chrono::hours(1), kYearLater);
  ExpectRefused(As(w, SupplyCertificate{"req-1", foreign.der}, "admin", Role::kAdmin),
                ErrorCode::kInvalidArgument, "trust anchor");
  const auto right =
      w.ca.IssueFor("m02", KeyType::kEd25519, key, kNow - std::chrono::hours(1), kYearLater);
  w.Admin(SupplyCertificate{"req-1", right.der}, kNow);
  EXPECT_NE(w.body.CertificateDer("m02", right.fingerprint()), nullptr);
  ExpectRefused(As(w, SupplyCertificate{"req-1", right.der}, "admin", Role::kAdmin),
                ErrorCode::kRuleViolation, "is issued, not approved");
}

TEST(Certificates, RevocationRefusesLaterActsAndLeavesEarlierOnesStanding) {
  World w = World::WithMembers(3);
  const SigningPayload before = Ballot("m02");
  const SignedAct early = w.SignAs("m02", before);
  const std::string fp = w.certs.at("m02").fingerprint();
  ExpectRefused(As(w, RevokeCertificate{"m02", fp, "lost"}, "m03", Role::kMember),
                ErrorCode::kForbidden, "their own certificates only");
  ExpectRefused(As(w, RevokeCertificate{"m02", fp, ""}, "m02", Role::kMember),
                ErrorCode::kInvalidArgument, "say why");
  w.Apply(RevokeCertificate{"m02", fp, "tablet lost"},
          w.Ctx("m02", Role::kMember, kNow + std::chrono::minutes(1)));
  EXPECT_TRUE(w.body.VerifyAct("m02", early, CanonicalJson(before)).ok())
      << "signed before the revocation";
  SigningPayload after = Ballot("m02");
  after.time = kNow + std::chrono::minutes(2);
  const SignedAct late = testing::Sign(w.certs.at("m02"), CanonicalJson(after), after.time);
  auto refused = w.body.VerifyAct("m02", late, CanonicalJson(after));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("revoked in the body"), std::string::npos)
      << refused.error().message;
  ExpectRefused(As(w, RevokeCertificate{"m02", fp, "again"}, "admin", Role::kAdmin),
                ErrorCode::kAlreadyExists, "already revoked");
}

TEST(Certificates, ANodeCasRevocationListMustListTheCertificate) {
  World w = World::WithMembers(3);
  const auto& cert = w.certs.at("m02");
  const std::string empty_list = w.ca.Crl({}, kNow);
  ExpectRefused(As(w, RevokeCertificate{"m02", cert.fingerprint(), "left", empty_list}, "admin",
                   Role::kAdmin),
                ErrorCode::kInvalidArgument, "does not list");
  const std::string listing = w.ca.Crl({{cert.serial, kNow}}, kNow);
  auto revoked =
      As(w, RevokeCertificate{"m02", cert.fingerprint(), "left", listing}, "admin", Role::kAdmin);
  ASSERT_TRUE(revoked.ok()) << revoked.error().message;
  ASSERT_EQ(revoked->size(), 2u);
  EXPECT_TRUE(std::holds_alternative<RevocationListPublished>((*revoked)[1]));
}

TEST(Certificates, AWebCryptoEcdsaSignatureIsAcceptedInP1363Form) {
  World w = World::WithMembers(3, KeyType::kEcP256);
  const SigningPayload p = Ballot("m02");
  SignedAct act = w.SignAs("m02", p);
  // DER ECDSA-Sig-Value -> r‖s, as WebCrypto returns it.
  const auto* der = reinterpret_cast<const unsigned char*>(act.value.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(act.value.size()));
  ASSERT_NE(sig, nullptr);
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  ECDSA_SIG_free(sig);
  EXPECT_EQ(EcdsaP1363ToDer(raw), act.value);
  SignedAct p1363 = act;
  p1363.algorithm = std::string(kEcdsaP256P1363);
  p1363.value = raw;
  EXPECT_TRUE(w.body.VerifyAct("m02", p1363, CanonicalJson(p)).ok());
  p1363.value[5] ^= 1;
  EXPECT_FALSE(w.body.VerifyAct("m02", p1363, CanonicalJson(p)).ok()) << "a changed byte fails";
  p1363.value.resize(63);
  EXPECT_FALSE(w.body.VerifyAct("m02", p1363, CanonicalJson(p)).ok());
}

}  // namespace
}  // namespace ecab::directory
