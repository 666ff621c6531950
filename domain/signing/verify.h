// domain/signing/verify.h — checks a signed act. A pure function of its
// inputs (no clock, no I/O), shared by the command side and by replay/audit.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/base/result.h"
#include "domain/signing/signed_act.h"

namespace ecab {

struct SignatureCheck {
  std::string_view payload;          // the canonical JSON that was signed
  const SignedAct* act = nullptr;    // the signature
  std::string_view certificate_der;  // the signer's enrolled certificate
  std::string_view anchor_der;       // the body's trust anchor (CA certificate)
  std::string_view crl_der;          // the revocation list known at the act, or empty
};

// Ok when all hold, else kBadSignature naming the first that failed:
// the certificate is the one act->certificate names; it chains to the anchor
// and both were valid at act->signed_at; it has the digitalSignature key
// usage; it was not revoked at or before act->signed_at on a list signed by
// the anchor; the algorithm fits its key (Ed25519, ECDSA P-256, RSA >= 2048
// bits); and the signature is over exactly `payload`.
Status VerifySignedAct(const SignatureCheck& check);

// The algorithm name acts signed with `key` carry ("ed25519",
// "ecdsa-p256-sha256", for RSA the one `requested` names of the two), or
// kBadSignature saying why the key is not accepted.
Result<std::string> AlgorithmFamily(EVP_PKEY* key, std::string_view requested);

// What can be known of a certificate once, whatever the act's time: computed
// per (certificate, anchor, revocation list) and reused for every act it
// signs (an audit checks thousands of ballots under one certificate).
struct CertificateFacts {
  std::string fingerprint;
  std::optional<std::string> chain_problem;  // does not chain to the anchor (time aside)
  std::optional<std::string> usage_problem;  // no digitalSignature
  std::optional<std::string> crl_problem;    // the list is not the anchor's
  std::optional<std::string> key_problem;    // key type or size not accepted
  Timestamp not_before;                      // of the chain: both certificates valid from here
  Timestamp not_after;                       // to here (inclusive, to the second)
  std::optional<Timestamp> revoked_at;       // when the list revokes it
  std::string family;                        // "ed25519", "ecdsa-p256-sha256" or "rsa"
  std::string subject_cn;                    // the subject's commonName (UTF-8), "" when none
  std::shared_ptr<EVP_PKEY> key;
};

// Inspects a certificate against an anchor and a list; kBadSignature only
// when a DER cannot be read at all.
Result<CertificateFacts> InspectCertificate(std::string_view certificate_der,
                                            std::string_view anchor_der, std::string_view crl_der);

// Why `certificate_der` may not be enrolled for `person` in a body with this
// anchor and list at `now` ("" when it may): the same facts that judge acts.
// It must chain to the anchor, carry digitalSignature, use an accepted key,
// be valid at `now`, not be revoked by then, and name `person` as its
// subject's commonName.
std::string EnrolmentProblem(const CertificateFacts& facts, std::string_view person, Timestamp now);

// The same verdict as VerifySignedAct, from facts computed earlier.
Status VerifyWithFacts(const CertificateFacts& facts, const SignedAct& act,
                       std::string_view payload);

}  // namespace ecab

namespace ecab {

// How far a signature's time may be from the server's clock when it arrives.
inline constexpr std::chrono::minutes kSigningClockSkew{5};

// Ok when act.signed_at is within kSigningClockSkew of `now`; kBadSignature otherwise.
Status CheckSigningTime(const SignedAct& act, Timestamp now);

}  // namespace ecab
