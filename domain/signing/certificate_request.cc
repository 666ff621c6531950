#include "domain/signing/certificate_request.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/x509.h>

#include <memory>

#include "domain/signing/openssl_ptr.h"
#include "domain/signing/verify.h"

namespace ecab {
namespace {

using namespace signing_internal;  // NOLINT(google-build-using-namespace): the pointer types

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

std::string PublicKeyDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  if (len <= 0) return "";
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

std::string CommonName(X509_NAME* name) {
  if (name == nullptr) return "";
  const int at = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (at < 0) return "";
  unsigned char* utf8 = nullptr;
  const int len =
      ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at)));
  if (len < 0) return "";
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

}  // namespace

Result<CertificateRequestFacts> InspectCertificateRequest(std::string_view csr_der) {
  const auto* p = reinterpret_cast<const unsigned char*>(csr_der.data());
  X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(csr_der.size())));
  if (!req || p != reinterpret_cast<const unsigned char*>(csr_der.data()) + csr_der.size()) {
    return Invalid("the certificate request is not a PKCS#10 request in DER");
  }
  KeyPtr key(X509_REQ_get_pubkey(req.get()));
  if (!key) return Invalid("the certificate request carries no readable public key");
  auto family = AlgorithmFamily(key.get(), "");
  if (!family.ok()) return Invalid("the certificate request's key: " + family.error().message);
  if (X509_REQ_verify(req.get(), key.get()) != 1) {
    return Invalid(
        "the certificate request is not signed by the key it carries (no proof of possession)");
  }
  return CertificateRequestFacts{*family, PublicKeyDer(key.get()),
                                 CommonName(X509_REQ_get_subject_name(req.get()))};
}

std::string CertificatePublicKey(std::string_view certificate_der) {
  const auto* p = reinterpret_cast<const unsigned char*>(certificate_der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(certificate_der.size())));
  if (!cert) return "";
  return PublicKeyDer(X509_get0_pubkey(cert.get()));
}

std::string EcdsaP1363ToDer(std::string_view raw) {
  if (raw.size() != 64) return "";
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes, 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return "";
  }
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return "";
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace ecab
