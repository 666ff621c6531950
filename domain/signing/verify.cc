#include "domain/signing/verify.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>

#include "domain/signing/certificate_request.h"
#include "domain/signing/openssl_ptr.h"

namespace ecab {
namespace {

using namespace signing_internal;  // NOLINT(google-build-using-namespace): the pointer types

Error Bad(std::string message) { return MakeError(ErrorCode::kBadSignature, std::move(message)); }

X509Ptr ParseCert(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

}  // namespace

Result<std::string> AlgorithmFamily(EVP_PKEY* key, std::string_view requested) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_ED25519:
      return std::string(kEd25519);
    case EVP_PKEY_EC: {
      char group[64] = {};
      std::size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                         &len) != 1 ||
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

std::string EnrolmentProblem(const CertificateFacts& facts, std::string_view person,
                             Timestamp now) {
  if (facts.chain_problem) return *facts.chain_problem;
  if (facts.crl_problem) return *facts.crl_problem;
  if (facts.usage_problem) return *facts.usage_problem;
  if (facts.key_problem) return *facts.key_problem;
  if (now < facts.not_before || now > facts.not_after) {
    return "the certificate is not valid now (valid from " + FormatRfc3339(facts.not_before) +
           " to " + FormatRfc3339(facts.not_after) + ")";
  }
  if (facts.revoked_at && *facts.revoked_at <= now) {
    return "the certificate was revoked on " + FormatRfc3339(*facts.revoked_at);
  }
  if (facts.subject_cn != person) {
    return "the certificate's subject (CN=" + facts.subject_cn + ") does not name '" +
           std::string(person) + "'";
  }
  return "";
}

Result<CertificateFacts> InspectCertificate(std::string_view certificate_der,
                                            std::string_view anchor_der, std::string_view crl_der) {
  CertificateFacts f;
  f.fingerprint = CertificateFingerprint(certificate_der);
  X509Ptr cert = ParseCert(certificate_der);
  if (!cert) return Bad("the signer's certificate is not valid DER");
  X509Ptr anchor = ParseCert(anchor_der);
  if (!anchor) return Bad("the body has no valid trust anchor configured");
  // The chain, time aside; the validity window separately.
  {
    StorePtr store(X509_STORE_new());
    StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!store || !ctx || X509_STORE_add_cert(store.get(), anchor.get()) != 1 ||
        X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr) != 1) {
      return Bad("cannot set up certificate verification");
    }
    X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx.get()),
                                X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME);
    if (X509_verify_cert(ctx.get()) != 1) {
      f.chain_problem = std::string("certificate does not chain to the body's trust anchor: ") +
                        X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
    }
  }
  auto when = [](const ASN1_TIME* t) {
    std::tm tm{};
    ASN1_TIME_to_tm(t, &tm);
    return Timestamp(std::chrono::seconds(timegm(&tm)));
  };
  f.not_before =
      std::max(when(X509_get0_notBefore(cert.get())), when(X509_get0_notBefore(anchor.get())));
  f.not_after =
      std::min(when(X509_get0_notAfter(cert.get())), when(X509_get0_notAfter(anchor.get())));
  if (X509_NAME* subject = X509_get_subject_name(cert.get())) {
    const int at = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (at >= 0) {
      unsigned char* utf8 = nullptr;
      const int len =
          ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at)));
      if (len >= 0)
        f.subject_cn.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
      OPENSSL_free(utf8);
    }
  }
  if ((X509_get_extension_flags(cert.get()) & EXFLAG_KUSAGE) == 0 ||
      (X509_get_key_usage(cert.get()) & KU_DIGITAL_SIGNATURE) == 0) {
    f.usage_problem = "the certificate lacks the digitalSignature key usage";
  }
  if (!crl_der.empty()) {
    const auto* p = reinterpret_cast<const unsigned char*>(crl_der.data());
    CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(crl_der.size())));
    if (!crl) {
      f.crl_problem = "the revocation list is not valid DER";
    } else if (X509_CRL_verify(crl.get(), X509_get0_pubkey(anchor.get())) != 1) {
      f.crl_problem = "the revocation list is not signed by the trust anchor";
    } else {
      X509_REVOKED* revoked = nullptr;
      if (X509_CRL_get0_by_cert(crl.get(), &revoked, cert.get()) == 1 && revoked != nullptr) {
        f.revoked_at = when(X509_REVOKED_get0_revocationDate(revoked));
      }
    }
  }
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (key == nullptr) {
    f.key_problem = "the certificate has no readable public key";
  } else {
    auto family = AlgorithmFamily(key, kRsaPkcs1);
    if (!family.ok()) {
      f.key_problem = family.error().message;
    } else {
      f.family = *family == kRsaPkcs1 ? "rsa" : *family;
      EVP_PKEY_up_ref(key);
      f.key = std::shared_ptr<EVP_PKEY>(key, &EVP_PKEY_free);
    }
  }
  return f;
}

Status VerifyWithFacts(const CertificateFacts& f, const SignedAct& act, std::string_view payload) {
  if (act.value.empty()) return Bad("the act is not signed");
  if (f.fingerprint != act.certificate) {
    return Bad("the signature names certificate " + act.certificate + ", not the one given");
  }
  if (f.chain_problem) return Bad(*f.chain_problem);
  const Timestamp at(std::chrono::floor<std::chrono::seconds>(act.signed_at));
  if (at > f.not_after)
    return Bad("certificate had expired at the act's time " + FormatRfc3339(act.signed_at));
  if (at < f.not_before)
    return Bad("certificate was not yet valid at the act's time " + FormatRfc3339(act.signed_at));
  if (f.usage_problem) return Bad(*f.usage_problem);
  if (f.crl_problem) return Bad(*f.crl_problem);
  if (f.revoked_at && *f.revoked_at <= at) {
    return Bad("certificate was revoked at " + FormatRfc3339(*f.revoked_at) + ", before the act");
  }
  if (f.key_problem) return Bad(*f.key_problem);
  const bool p1363 = act.algorithm == kEcdsaP256P1363;
  const bool fits = f.family == act.algorithm || (p1363 && f.family == kEcdsaP256) ||
                    (f.family == "rsa" && (act.algorithm == kRsaPkcs1 || act.algorithm == kRsaPss));
  if (!fits) {
    return Bad("algorithm '" + act.algorithm + "' does not fit the certificate's key (" +
               (f.family == "rsa" ? std::string(kRsaPkcs1) : f.family) + ")");
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const EVP_MD* md = act.algorithm == kEd25519 ? nullptr : EVP_sha256();
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, f.key.get()) != 1) {
    return Bad("cannot set up signature verification");
  }
  if (act.algorithm == kRsaPss &&
      (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1)) {
    return Bad("cannot set up RSA-PSS verification");
  }
  const std::string der = p1363 ? EcdsaP1363ToDer(act.value) : std::string();
  if (p1363 && der.empty())
    return Bad("an ECDSA P-256 signature in P1363 form is 64 bytes, not " +
               std::to_string(act.value.size()));
  const std::string& value = p1363 ? der : act.value;
  const int ok = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(value.data()), value.size(),
      reinterpret_cast<const unsigned char*>(payload.data()), payload.size());
  if (ok != 1) return Bad("the signature does not match the signed payload");
  return Ok{};
}

namespace {

// The certificate memo's key: the three inputs' bytes, looked up by views
// (transparent, compared as string_views so no copy is made to look up).
using MemoKey = std::tuple<std::string, std::string, std::string>;
using MemoView = std::tuple<std::string_view, std::string_view, std::string_view>;
struct MemoLess {
  using is_transparent = void;
  static MemoView View(const MemoKey& k) {
    return {std::get<0>(k), std::get<1>(k), std::get<2>(k)};
  }
  static MemoView View(const MemoView& v) { return v; }
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return View(a) < View(b);
  }
};

}  // namespace

Status VerifySignedAct(const SignatureCheck& check) {
  if (check.act == nullptr) return Bad("the act is not signed");
  if (check.act->value.empty()) return Bad("the act is not signed");
  // InspectCertificate is a pure function of its three inputs and the costly
  // part (parsing, the chain, the list): its answers are remembered, bounded,
  // keyed by the inputs' bytes themselves (comparing them costs less than
  // hashing them on every call). Each answer gets a serial number that never
  // comes back, so verdicts can name it.
  struct Memo {
    std::uint64_t serial;
    std::shared_ptr<const CertificateFacts> facts;
  };
  static std::mutex mu;
  static std::map<MemoKey, Memo, MemoLess> memo;
  static std::uint64_t serials = 0;
  const MemoView lookup(check.certificate_der, check.anchor_der, check.crl_der);
  std::optional<Memo> found;
  {
    std::lock_guard g(mu);
    if (auto it = memo.find(lookup); it != memo.end()) found = it->second;
  }
  if (!found) {
    if (CertificateFingerprint(check.certificate_der) != check.act->certificate) {
      return Bad("the signature names certificate " + check.act->certificate +
                 ", not the one given");
    }
    ECAB_TRY_LET(inspected,
                 InspectCertificate(check.certificate_der, check.anchor_der, check.crl_der));
    std::lock_guard g(mu);
    if (memo.size() >= 4096) memo.clear();
    found = Memo{++serials, std::make_shared<const CertificateFacts>(std::move(inspected).value())};
    memo.emplace(MemoKey(check.certificate_der, check.anchor_der, check.crl_der), *found);
  }
  // Verdicts are remembered too (only the positive ones, bounded): a server
  // may check a signature before queueing the command that carries it, and
  // the decider then finds the answer here instead of verifying twice.
  static std::set<std::string, std::less<>> verified;
  // Every field that decides the verdict, each after its length.
  std::string verdict_key = std::to_string(found->serial);
  for (std::string_view part :
       {std::string_view(check.act->algorithm), std::string_view(check.act->certificate),
        std::string_view(check.act->value), check.payload}) {
    verdict_key += ':' + std::to_string(part.size()) + ':';
    verdict_key += part;
  }
  verdict_key += ':' + std::to_string(ToMicros(check.act->signed_at));
  {
    std::lock_guard g(mu);
    if (verified.contains(verdict_key)) return Ok{};
  }
  auto verdict = VerifyWithFacts(*found->facts, *check.act, check.payload);
  if (verdict.ok()) {
    std::lock_guard g(mu);
    if (verified.size() >= 65'536) verified.clear();
    verified.insert(std::move(verdict_key));
  }
  return verdict;
}

}  // namespace ecab

namespace ecab {

Status CheckSigningTime(const SignedAct& act, Timestamp now) {
  const auto skew = act.signed_at > now ? act.signed_at - now : now - act.signed_at;
  if (skew > kSigningClockSkew) {
    return MakeError(ErrorCode::kBadSignature,
                     "the act is signed at " + FormatRfc3339(act.signed_at) +
                         ", more than 5 minutes from the server's time " + FormatRfc3339(now));
  }
  return Ok{};
}

}  // namespace ecab
