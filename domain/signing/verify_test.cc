#include "domain/signing/verify.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "domain/signing/testing.h"

namespace ecab {
namespace {

using testing::Certificate;
using testing::KeyType;
using testing::TestCa;

Timestamp T(int days) {
  return FromMicros(1561363200000000) + std::chrono::days(days);
}  // from 2019-06-24

SigningPayload Ballot(std::string vote = "meeting-1/vote-1", std::string choice = "for") {
  SigningPayload p;
  p.body = "gov-vn";
  p.kind = "ballot";
  p.object = std::move(vote);
  p.signer = "min-ict";
  p.choice = std::move(choice);
  p.command_id = "cmd-1";
  p.time = T(0);
  return p;
}

class Verify : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ca_ = new TestCa("Root CA", T(-3650), T(3650));
    other_ca_ = new TestCa("Other CA", T(-3650), T(3650));
  }
  static void TearDownTestSuite() {
    delete ca_;
    delete other_ca_;
  }

  Status Check(const Certificate& cert, const SigningPayload& signed_payload,
               const SigningPayload& checked, const std::string& crl = "",
               const std::string& anchor = "") {
    const SignedAct act = testing::Sign(cert, CanonicalJson(signed_payload), signed_payload.time);
    const std::string payload = CanonicalJson(checked);
    return VerifySignedAct({payload, &act, cert.der, anchor.empty() ? ca_->der() : anchor, crl});
  }
  Status Check(const Certificate& cert, const std::string& crl = "") {
    return Check(cert, Ballot(), Ballot(), crl);
  }

  static TestCa* ca_;
  static TestCa* other_ca_;
};
TestCa* Verify::ca_ = nullptr;
TestCa* Verify::other_ca_ = nullptr;

void ExpectBad(const Status& s, const std::string& fragment) {
  ASSERT_FALSE(s.ok()) << "expected a refusal containing: " << fragment;
  EXPECT_EQ(s.error().code, ErrorCode::kBadSignature);
  EXPECT_NE(s.error().message.find(fragment), std::string::npos) << s.error().message;
}

TEST_F(Verify, EachAcceptedAlgorithmVerifies) {
  for (KeyType type :
       {KeyType::kEd25519, KeyType::kEcP256, KeyType::kRsa2048, KeyType::kRsa2048Pss}) {
    const Certificate cert = ca_->Issue("min-ict", type, T(-10), T(365));
    const Status s = Check(cert);
    EXPECT_TRUE(s.ok()) << testing::AlgorithmFor(type) << ": " << ToString(s.error());
  }
}

TEST_F(Verify, WeakOrOtherKeysAreRefused) {
  ExpectBad(Check(ca_->Issue("a", KeyType::kEcP384, T(-10), T(365))), "only the P-256 curve");
  ExpectBad(Check(ca_->Issue("b", KeyType::kRsa1024, T(-10), T(365))), "at least 2048 bits");
}

TEST_F(Verify, AnExpiredOrNotYetValidCertificateIsRefusedAtTheActsTime) {
  ExpectBad(Check(ca_->Issue("a", KeyType::kEd25519, T(-100), T(-1))), "had expired");
  ExpectBad(Check(ca_->Issue("b", KeyType::kEd25519, T(1), T(100))), "not yet valid");
}

TEST_F(Verify, ACertificateFromAnotherCaIsRefused) {
  const Certificate cert = other_ca_->Issue("min-ict", KeyType::kEd25519, T(-10), T(365));
  ExpectBad(Check(cert), "does not chain to the body's trust anchor");
}

TEST_F(Verify, RevokedBeforeTheActIsRefusedRevokedAfterItStands) {
  const Certificate cert = ca_->Issue("min-ict", KeyType::kEd25519, T(-10), T(365));
  ExpectBad(Check(cert, ca_->Crl({{cert.serial, T(-1)}}, T(-1))), "was revoked at 2019-06-23");
  EXPECT_TRUE(Check(cert, ca_->Crl({{cert.serial, T(2)}}, T(2))).ok());
  EXPECT_TRUE(Check(cert, ca_->Crl({{cert.serial + 77, T(-5)}}, T(-1))).ok())
      << "another serial is revoked";
}

TEST_F(Verify, ARevocationListNotSignedByTheAnchorIsRefused) {
  const Certificate cert = ca_->Issue("min-ict", KeyType::kEd25519, T(-10), T(365));
  ExpectBad(Check(cert, other_ca_->Crl({}, T(-1))), "not signed by the trust anchor");
}

TEST_F(Verify, ASignatureOverADifferentPayloadIsRefused) {
  const Certificate cert = ca_->Issue("min-ict", KeyType::kEcP256, T(-10), T(365));
  ExpectBad(Check(cert, Ballot("meeting-1/vote-1", "for"), Ballot("meeting-1/vote-1", "against")),
            "does not match the signed payload");
}

TEST_F(Verify, ASignatureReplayedOnAnotherVoteIsRefused) {
  const Certificate cert = ca_->Issue("min-ict", KeyType::kEd25519, T(-10), T(365));
  ExpectBad(Check(cert, Ballot("meeting-1/vote-1"), Ballot("meeting-1/vote-2")),
            "does not match the signed payload");
}

TEST_F(Verify, ACertificateWithoutDigitalSignatureUsageIsRefused) {
  const Certificate cert =
      ca_->Issue("min-ict", KeyType::kEd25519, T(-10), T(365), /*digital_signature=*/false);
  ExpectBad(Check(cert), "digitalSignature");
}

TEST_F(Verify, TheActMustNameTheGivenCertificateAndAFittingAlgorithm) {
  const Certificate cert = ca_->Issue("min-ict", KeyType::kEd25519, T(-10), T(365));
  const Certificate other = ca_->Issue("min-ict", KeyType::kEd25519, T(-10), T(365));
  SignedAct act = testing::Sign(cert, CanonicalJson(Ballot()), T(0));
  const std::string payload = CanonicalJson(Ballot());
  ExpectBad(VerifySignedAct({payload, &act, other.der, ca_->der(), ""}), "names certificate");
  act.algorithm = std::string(kEcdsaP256);
  ExpectBad(VerifySignedAct({payload, &act, cert.der, ca_->der(), ""}),
            "does not fit the certificate's key");
  ExpectBad(VerifySignedAct({payload, nullptr, cert.der, ca_->der(), ""}), "not signed");
}

TEST(SigningTime, AnActSignedMoreThanFiveMinutesFromTheServerClockIsRefused) {
  SignedAct act;
  act.signed_at = T(0);
  EXPECT_TRUE(CheckSigningTime(act, T(0) + std::chrono::minutes(4)).ok());
  ExpectBad(CheckSigningTime(act, T(0) + std::chrono::minutes(6)), "more than 5 minutes");
  ExpectBad(CheckSigningTime(act, T(0) - std::chrono::minutes(6)), "more than 5 minutes");
}

TEST(CanonicalJson, IsRfc8785WithSortedKeysAndMinimalEscapes) {
  SigningPayload p = Ballot();
  p.text_sha256 = "ab";
  p.on_behalf_of = "Nguyễn \"A\"\n\x01";
  EXPECT_EQ(
      CanonicalJson(p),
      R"({"body":"gov-vn","choice":"for","command_id":"cmd-1","kind":"ballot","object":"meeting-1/vote-1",)"
      R"("on_behalf_of":"Nguyễn \"A\"\n\u0001","signer":"min-ict","text_sha256":"ab",)"
      R"("time":"2019-06-24T08:00:00.000000Z","version":0})");
}

// An auditor re-checks a signed act with the openssl command line alone.
std::string Pem(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, X509_get0_pubkey(cert));
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  X509_free(cert);
  return out;
}

int Shell(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str());
}

TEST_F(Verify, TheOpensslCommandLineVerifiesOurSignatures) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("ecab-sig-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string payload = CanonicalJson(Ballot());
  std::ofstream(dir / "payload.json", std::ios::binary) << payload;
  for (KeyType type : {KeyType::kEd25519, KeyType::kEcP256}) {
    const Certificate cert = ca_->Issue("min-ict", type, T(-10), T(365));
    const SignedAct act = testing::Sign(cert, payload, T(0));
    std::ofstream(dir / "sig.bin", std::ios::binary | std::ios::trunc) << act.value;
    std::ofstream(dir / "pub.pem", std::ios::trunc) << Pem(cert.der);
    const std::string d = dir.string() + "/";
    const std::string verify = type == KeyType::kEd25519
                                   ? "openssl pkeyutl -verify -pubin -inkey " + d +
                                         "pub.pem -rawin -in " + d + "payload.json -sigfile " + d +
                                         "sig.bin"
                                   : "openssl dgst -sha256 -verify " + d + "pub.pem -signature " +
                                         d + "sig.bin " + d + "payload.json";
    EXPECT_EQ(Shell(verify), 0) << verify;
    std::ofstream(dir / "payload.json", std::ios::binary | std::ios::trunc) << payload << " ";
    EXPECT_NE(Shell(verify), 0) << "a changed payload must fail: " << verify;
    std::ofstream(dir / "payload.json", std::ios::binary | std::ios::trunc) << payload;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ecab
