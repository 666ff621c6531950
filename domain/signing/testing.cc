#include "domain/signing/testing.h"

#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace ecab::testing {
namespace {

std::time_t Seconds(Timestamp t) {
  return static_cast<std::time_t>(
      std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count());
}

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("OpenSSL failed: ") + what);
}

std::string Der(X509* cert) {
  unsigned char* buf = nullptr;
  const int len = i2d_X509(cert, &buf);
  Check(len > 0, "i2d_X509");
  std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len));
  OPENSSL_free(buf);
  return out;
}

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  Check(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

std::unique_ptr<X509, decltype(&X509_free)> NewCert(const std::string& subject, long serial,
                                                    Timestamp nb, Timestamp na, EVP_PKEY* key) {
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), Seconds(nb));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), Seconds(na));
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(subject.c_str()), -1, -1, 0);
  X509_set_pubkey(cert.get(), key);
  return cert;
}

}  // namespace

KeyPtr MakeKey(KeyType type) {
  EVP_PKEY* key = nullptr;
  switch (type) {
    case KeyType::kEd25519:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case KeyType::kEcP256:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::kEcP384:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeyType::kRsa2048:
    case KeyType::kRsa2048Pss:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
      break;
    case KeyType::kRsa1024:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024));
      break;
  }
  Check(key != nullptr, "keygen");
  return KeyPtr(key, &EVP_PKEY_free);
}

std::string AlgorithmFor(KeyType type) {
  switch (type) {
    case KeyType::kEd25519:
      return std::string(kEd25519);
    case KeyType::kEcP256:
    case KeyType::kEcP384:
      return std::string(kEcdsaP256);
    case KeyType::kRsa2048:
    case KeyType::kRsa1024:
      return std::string(kRsaPkcs1);
    case KeyType::kRsa2048Pss:
      return std::string(kRsaPss);
  }
  return "";
}

TestCa::TestCa(const std::string& name, Timestamp not_before, Timestamp not_after)
    : key_(MakeKey(KeyType::kEcP256)), name_(name) {
  auto cert = NewCert(name, 1, not_before, not_after, key_.get());
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  AddExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  Check(X509_sign(cert.get(), key_.get(), EVP_sha256()) > 0, "X509_sign CA");
  der_ = Der(cert.get());
}

Certificate TestCa::IssueFor(const std::string& subject, KeyType type, KeyPtr key, Timestamp nb,
                             Timestamp na) {
  return Issue(subject, type, nb, na, true, std::move(key));
}

Certificate TestCa::Issue(const std::string& subject, KeyType type, Timestamp nb, Timestamp na,
                          bool digital_signature, KeyPtr key) {
  Certificate out;
  out.type = type;
  out.key = key ? std::move(key) : MakeKey(type);
  out.serial = next_serial_++;
  const auto* p = reinterpret_cast<const unsigned char*>(der_.data());
  std::unique_ptr<X509, decltype(&X509_free)> ca(
      d2i_X509(nullptr, &p, static_cast<long>(der_.size())), &X509_free);
  auto cert = NewCert(subject, out.serial, nb, na, out.key.get());
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get()));
  AddExtension(cert.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(
      cert.get(), ca.get(), NID_key_usage,
      digital_signature ? "critical,digitalSignature,nonRepudiation" : "critical,keyEncipherment");
  AddExtension(cert.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  Check(X509_sign(cert.get(), key_.get(), EVP_sha256()) > 0, "X509_sign leaf");
  out.der = Der(cert.get());
  return out;
}

std::string TestCa::Crl(const std::vector<std::pair<long, Timestamp>>& revoked,
                        Timestamp this_update) const {
  const auto* p = reinterpret_cast<const unsigned char*>(der_.data());
  std::unique_ptr<X509, decltype(&X509_free)> ca(
      d2i_X509(nullptr, &p, static_cast<long>(der_.size())), &X509_free);
  std::unique_ptr<X509_CRL, decltype(&X509_CRL_free)> crl(X509_CRL_new(), &X509_CRL_free);
  X509_CRL_set_version(crl.get(), 1);
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca.get()));
  std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> t(
      ASN1_TIME_set(nullptr, Seconds(this_update)), &ASN1_TIME_free);
  X509_CRL_set1_lastUpdate(crl.get(), t.get());
  for (const auto& [serial, at] : revoked) {
    X509_REVOKED* r = X509_REVOKED_new();
    ASN1_INTEGER* s = ASN1_INTEGER_new();
    ASN1_INTEGER_set(s, serial);
    X509_REVOKED_set_serialNumber(r, s);
    ASN1_INTEGER_free(s);
    ASN1_TIME* when = ASN1_TIME_set(nullptr, Seconds(at));
    X509_REVOKED_set_revocationDate(r, when);
    ASN1_TIME_free(when);
    X509_CRL_add0_revoked(crl.get(), r);
  }
  X509_CRL_sort(crl.get());
  Check(X509_CRL_sign(crl.get(), key_.get(), EVP_sha256()) > 0, "X509_CRL_sign");
  unsigned char* buf = nullptr;
  const int len = i2d_X509_CRL(crl.get(), &buf);
  Check(len > 0, "i2d_X509_CRL");
  std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len));
  OPENSSL_free(buf);
  return out;
}

std::string MakeRequest(const KeyPtr& key, const std::string& cn, const KeyPtr& signer) {
  std::unique_ptr<X509_REQ, decltype(&X509_REQ_free)> req(X509_REQ_new(), &X509_REQ_free);
  Check(req && X509_REQ_set_pubkey(req.get(), key.get()) == 1, "X509_REQ_set_pubkey");
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  EVP_PKEY* by = signer ? signer.get() : key.get();
  const EVP_MD* md = EVP_PKEY_get_base_id(by) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
  Check(X509_REQ_sign(req.get(), by, md) > 0, "X509_REQ_sign");
  unsigned char* buf = nullptr;
  const int len = i2d_X509_REQ(req.get(), &buf);
  Check(len > 0, "i2d_X509_REQ");
  std::string out(reinterpret_cast<char*>(buf), static_cast<std::size_t>(len));
  OPENSSL_free(buf);
  return out;
}

SignedAct Sign(const Certificate& cert, const std::string& payload, Timestamp signed_at) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  const EVP_MD* md = cert.type == KeyType::kEd25519 ? nullptr : EVP_sha256();
  Check(EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, cert.key.get()) == 1, "DigestSignInit");
  if (cert.type == KeyType::kRsa2048Pss) {
    Check(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1, "pss padding");
    Check(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1, "pss saltlen");
  }
  std::size_t len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(payload.data());
  Check(EVP_DigestSign(ctx.get(), nullptr, &len, data, payload.size()) == 1, "DigestSign size");
  std::string sig(len, '\0');
  Check(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data,
                       payload.size()) == 1,
        "DigestSign");
  sig.resize(len);
  return SignedAct{AlgorithmFor(cert.type), sig, cert.fingerprint(), signed_at};
}

}  // namespace ecab::testing
