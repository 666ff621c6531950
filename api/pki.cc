#include "api/pki.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace ecab::api::pki {
namespace {

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

Error Fail(const std::string& what) {
  return Error{ErrorCode::kIoError, "certificate generation: " + what};
}

Key NewKey(const char* algorithm) {
  EVP_PKEY* key = std::string_view(algorithm) == "EC"
                      ? EVP_EC_gen("P-256")
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, algorithm);
  return Key(key, EVP_PKEY_free);
}

Key ReadKey(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return Key(key, EVP_PKEY_free);
}

Cert ReadCert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return Cert(cert, X509_free);
}

bool AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// A certificate for `key` named `cn`, valid for `days` from an hour ago;
// null when no random serial number could be drawn.
Cert Build(EVP_PKEY* key, const std::string& cn, int days) {
  Cert cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return Cert(nullptr, X509_free);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 86400);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  return cert;
}

Result<KeyAndCertificate> Finish(Cert& cert, EVP_PKEY* key, EVP_PKEY* signer) {
  const EVP_MD* md = EVP_PKEY_get_id(signer) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
  if (X509_sign(cert.get(), signer, md) <= 0) return Fail("signing the certificate failed");
  KeyAndCertificate out;
  char* data = nullptr;
  long n = 0;
  BIO* bio = nullptr;
  if (key != nullptr) {
    bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    n = BIO_get_mem_data(bio, &data);
    out.key_pem.assign(data, static_cast<std::size_t>(n));
    BIO_free(bio);
  }
  bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert.get());
  n = BIO_get_mem_data(bio, &data);
  out.certificate_pem.assign(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert.get(), &der);
  if (len <= 0) return Fail("encoding the certificate failed");
  out.certificate_der.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

using Extensions = std::vector<std::pair<int, std::string>>;  // (NID, value) in order

// A certificate for `key` issued by `issuer` (its key and certificate; the
// certificate itself when null) with `extensions`; the private key written
// out only when `with_key`.
Result<KeyAndCertificate> Issue(EVP_PKEY* key, const std::string& cn, int days,
                                EVP_PKEY* issuer_key, X509* issuer_cert,
                                const Extensions& extensions, bool with_key = true) {
  Cert cert = Build(key, cn, days);
  if (!cert) return Fail("no random serial number");
  X509* issuer = issuer_cert ? issuer_cert : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer));
  for (const auto& [nid, value] : extensions) {
    if (!AddExtension(cert.get(), issuer, nid, value)) return Fail("extensions");
  }
  return Finish(cert, with_key ? key : nullptr, issuer_key);
}

const Extensions kSigningExtensions = {{NID_basic_constraints, "critical,CA:FALSE"},
                                       {NID_key_usage, "critical,digitalSignature,nonRepudiation"},
                                       {NID_ext_key_usage, "clientAuth"},
                                       {NID_authority_key_identifier, "keyid"}};

}  // namespace

Result<KeyAndCertificate> SelfSignedTls(const std::string& common_name,
                                        const std::vector<std::string>& dns_names,
                                        const std::vector<std::string>& ips, int days) {
  Key key = NewKey("EC");
  if (!key) return Fail("no P-256 key");
  Extensions extensions = {{NID_basic_constraints, "critical,CA:FALSE"},
                           {NID_key_usage, "critical,digitalSignature"},
                           {NID_ext_key_usage, "serverAuth"}};
  std::string san;
  for (const auto& d : dns_names) san += (san.empty() ? "" : ",") + std::string("DNS:") + d;
  for (const auto& ip : ips) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  if (!san.empty()) extensions.emplace_back(NID_subject_alt_name, san);
  return Issue(key.get(), common_name, days, key.get(), nullptr, extensions);
}

Result<KeyAndCertificate> NewCa(const std::string& common_name, int days) {
  Key key = NewKey("EC");
  if (!key) return Fail("no P-256 key");
  return Issue(key.get(), common_name, days, key.get(), nullptr,
               {{NID_basic_constraints, "critical,CA:TRUE"},
                {NID_key_usage, "critical,keyCertSign,cRLSign"},
                {NID_subject_key_identifier, "hash"}});
}

Result<KeyAndCertificate> IssueEd25519(const KeyAndCertificate& ca, const std::string& subject,
                                       int days) {
  Key ca_key = ReadKey(ca.key_pem);
  Cert ca_cert = ReadCert(ca.certificate_pem);
  if (!ca_key || !ca_cert) return Fail("the CA's key or certificate is unreadable");
  Key key = NewKey("ED25519");
  if (!key) return Fail("no Ed25519 key");
  return Issue(key.get(), subject, days, ca_key.get(), ca_cert.get(), kSigningExtensions);
}

Result<KeyAndCertificate> IssueForKey(const KeyAndCertificate& ca,
                                      const std::string& public_key_der, const std::string& subject,
                                      int days) {
  Key ca_key = ReadKey(ca.key_pem);
  Cert ca_cert = ReadCert(ca.certificate_pem);
  if (!ca_key || !ca_cert) return Fail("the CA's key or certificate is unreadable");
  const auto* p = reinterpret_cast<const unsigned char*>(public_key_der.data());
  Key key(d2i_PUBKEY(nullptr, &p, static_cast<long>(public_key_der.size())), EVP_PKEY_free);
  if (!key) return Fail("the public key is not a SubjectPublicKeyInfo");
  return Issue(key.get(), subject, days, ca_key.get(), ca_cert.get(), kSigningExtensions, false);
}

Result<std::string> RevocationList(const KeyAndCertificate& ca,
                                   const std::vector<Revocation>& revoked, Timestamp now) {
  Key ca_key = ReadKey(ca.key_pem);
  Cert ca_cert = ReadCert(ca.certificate_pem);
  if (!ca_key || !ca_cert) return Fail("the CA's key or certificate is unreadable");
  std::unique_ptr<X509_CRL, decltype(&X509_CRL_free)> crl(X509_CRL_new(), X509_CRL_free);
  const auto seconds = [](Timestamp t) {
    return static_cast<time_t>(
        std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
  };
  X509_CRL_set_version(crl.get(), 1);
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca_cert.get()));
  std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> last(ASN1_TIME_set(nullptr, seconds(now)),
                                                             ASN1_TIME_free);
  std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> next(
      ASN1_TIME_set(nullptr, seconds(now + std::chrono::days(30))), ASN1_TIME_free);
  X509_CRL_set1_lastUpdate(crl.get(), last.get());
  X509_CRL_set1_nextUpdate(crl.get(), next.get());
  for (const Revocation& r : revoked) {
    const auto* p = reinterpret_cast<const unsigned char*>(r.certificate_der.data());
    Cert cert(d2i_X509(nullptr, &p, static_cast<long>(r.certificate_der.size())), X509_free);
    if (!cert) return Fail("a revoked certificate is not valid DER");
    X509_REVOKED* entry = X509_REVOKED_new();
    ASN1_TIME* when = ASN1_TIME_set(nullptr, seconds(r.at));
    X509_REVOKED_set_serialNumber(entry, X509_get_serialNumber(cert.get()));
    X509_REVOKED_set_revocationDate(entry, when);
    ASN1_TIME_free(when);
    X509_CRL_add0_revoked(crl.get(), entry);
  }
  X509_CRL_sort(crl.get());
  if (X509_CRL_sign(crl.get(), ca_key.get(), EVP_sha256()) <= 0)
    return Fail("signing the revocation list failed");
  unsigned char* der = nullptr;
  const int len = i2d_X509_CRL(crl.get(), &der);
  if (len <= 0) return Fail("encoding the revocation list failed");
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

Result<KeyAndCertificate> LoadCa(const std::string& key_pem, const std::string& certificate_pem) {
  Key key = ReadKey(key_pem);
  Cert cert = ReadCert(certificate_pem);
  if (!key) return Error{ErrorCode::kInvalidArgument, "the CA key is not a PEM private key"};
  if (!cert)
    return Error{ErrorCode::kInvalidArgument, "the CA certificate is not a PEM certificate"};
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return Error{ErrorCode::kInvalidArgument, "the CA key does not match the CA certificate"};
  }
  if (X509_check_ca(cert.get()) == 0)
    return Error{ErrorCode::kInvalidArgument, "the CA certificate is not a CA's"};
  KeyAndCertificate out{key_pem, certificate_pem, ""};
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert.get(), &der);
  if (len <= 0) return Fail("encoding the CA certificate failed");
  out.certificate_der.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace ecab::api::pki

namespace ecab::api::pki {

Result<std::string> SignEd25519(const std::string& key_pem, const std::string& payload) {
  return Ed25519Signer(key_pem).Sign(payload);
}

Ed25519Signer::Ed25519Signer(const std::string& key_pem) {
  Key key = ReadKey(key_pem);
  if (key && EVP_PKEY_get_id(key.get()) == EVP_PKEY_ED25519)
    key_.reset(key.release(), EVP_PKEY_free);
}

Result<std::string> Ed25519Signer::Sign(const std::string& payload) const {
  if (!key_) return Fail("not an Ed25519 private key");
  EVP_PKEY* key = key_.get();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string sig(64, '\0');
  std::size_t len = sig.size();
  const bool ok =
      EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
      EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(payload.data()), payload.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return Fail("Ed25519 signing failed");
  sig.resize(len);
  return sig;
}

}  // namespace ecab::api::pki
