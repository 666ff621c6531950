#include "domain/signing/verify.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace ecab {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL, X509_CRL_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;

Error Bad(std::string message) { return MakeError(ErrorCode::kBadSignature, std::move(message)); }

X509Ptr ParseCert(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

std::time_t Seconds(Timestamp t) {
  return static_cast<std::time_t>(std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count());
}

Status CheckChain(X509* cert, X509* anchor, Timestamp at) {
  StorePtr store(X509_STORE_new());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx || X509_STORE_add_cert(store.get(), anchor) != 1 ||
      X509_STORE_CTX_init(ctx.get(), store.get(), cert, nullptr) != 1) {
    return Bad("cannot set up certificate verification");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, Seconds(at));
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  if (X509_verify_cert(ctx.get()) == 1) return Ok{};
  const int err = X509_STORE_CTX_get_error(ctx.get());
  const std::string when = FormatRfc3339(at);
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED: return Bad("certificate had expired at the act's time " + when);
    case X509_V_ERR_CERT_NOT_YET_VALID: return Bad("certificate was not yet valid at the act's time " + when);
    default:
      return Bad(std::string("certificate does not chain to the body's trust anchor: ") +
                 X509_verify_cert_error_string(err));
  }
}

Status CheckRevocation(X509* cert, X509* anchor, std::string_view crl_der, Timestamp at) {
  if (crl_der.empty()) return Ok{};
  const auto* p = reinterpret_cast<const unsigned char*>(crl_der.data());
  CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(crl_der.size())));
  if (!crl) return Bad("the revocation list is not valid DER");
  if (X509_CRL_verify(crl.get(), X509_get0_pubkey(anchor)) != 1) {
    return Bad("the revocation list is not signed by the trust anchor");
  }
  X509_REVOKED* revoked = nullptr;
  if (X509_CRL_get0_by_cert(crl.get(), &revoked, cert) != 1 || revoked == nullptr) return Ok{};
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_REVOKED_get0_revocationDate(revoked), &tm) != 1) {
    return Bad("the revocation list has an unreadable revocation date");
  }
  const std::time_t revoked_at = timegm(&tm);
  if (revoked_at <= Seconds(at)) {
    return Bad("certificate was revoked at " +
               FormatRfc3339(Timestamp(std::chrono::seconds(revoked_at))) + ", before the act");
  }
  return Ok{};  // revoked only after the act: the act stands
}

// Returns the expected algorithm name for the key, or a reason it is refused.
Result<std::string> AlgorithmFamily(EVP_PKEY* key, std::string_view requested) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_ED25519:
      return std::string(kEd25519);
    case EVP_PKEY_EC: {
      char group[64] = {};
      std::size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1 ||
          std::string_view(group) != "prime256v1") {
        return Bad("only the P-256 curve is accepted for ECDSA, not '" + std::string(group) + "'");
      }
      return std::string(kEcdsaP256);
    }
    case EVP_PKEY_RSA:
      if (EVP_PKEY_get_bits(key) < 2048) {
        return Bad("RSA keys must have at least 2048 bits, this one has " +
                   std::to_string(EVP_PKEY_get_bits(key)));
      }
      return std::string(requested == kRsaPss ? kRsaPss : kRsaPkcs1);
    default:
      return Bad("the certificate's key type is not accepted (Ed25519, ECDSA P-256 or RSA)");
  }
}

Status CheckSignature(X509* cert, const SignedAct& act, std::string_view payload) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) return Bad("the certificate has no readable public key");
  auto family = AlgorithmFamily(key, act.algorithm);
  if (!family.ok()) return family.error();
  if (*family != act.algorithm) {
    return Bad("algorithm '" + act.algorithm + "' does not fit the certificate's key (" + *family + ")");
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const EVP_MD* md = act.algorithm == kEd25519 ? nullptr : EVP_sha256();
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key) != 1) {
    return Bad("cannot set up signature verification");
  }
  if (act.algorithm == kRsaPss &&
      (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1)) {
    return Bad("cannot set up RSA-PSS verification");
  }
  const int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(act.value.data()),
                                  act.value.size(), reinterpret_cast<const unsigned char*>(payload.data()),
                                  payload.size());
  if (ok != 1) return Bad("the signature does not match the signed payload");
  return Ok{};
}

}  // namespace

Status VerifySignedAct(const SignatureCheck& check) {
  if (check.act == nullptr) return Bad("the act is not signed");
  const SignedAct& act = *check.act;
  if (act.value.empty()) return Bad("the act is not signed");
  if (CertificateFingerprint(check.certificate_der) != act.certificate) {
    return Bad("the signature names certificate " + act.certificate + ", not the one given");
  }
  X509Ptr cert = ParseCert(check.certificate_der);
  if (!cert) return Bad("the signer's certificate is not valid DER");
  X509Ptr anchor = ParseCert(check.anchor_der);
  if (!anchor) return Bad("the body has no valid trust anchor configured");
  if (auto s = CheckChain(cert.get(), anchor.get(), act.signed_at); !s.ok()) return s;
  if ((X509_get_extension_flags(cert.get()) & EXFLAG_KUSAGE) == 0 ||
      (X509_get_key_usage(cert.get()) & KU_DIGITAL_SIGNATURE) == 0) {
    return Bad("the certificate lacks the digitalSignature key usage");
  }
  if (auto s = CheckRevocation(cert.get(), anchor.get(), check.crl_der, act.signed_at); !s.ok()) return s;
  return CheckSignature(cert.get(), act, check.payload);
}

}  // namespace ecab

namespace ecab {

Status CheckSigningTime(const SignedAct& act, Timestamp now) {
  const auto skew = act.signed_at > now ? act.signed_at - now : now - act.signed_at;
  if (skew > kSigningClockSkew) {
    return MakeError(ErrorCode::kBadSignature, "the act is signed at " + FormatRfc3339(act.signed_at) +
                                                   ", more than 5 minutes from the server's time " +
                                                   FormatRfc3339(now));
  }
  return Ok{};
}

}  // namespace ecab
