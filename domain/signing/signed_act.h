// domain/signing/signed_act.h — the signature a person puts on an act (a
// ballot, an answer, an approval, a resolution signature), and the canonical
// payload it signs (docs/formats/signing.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/base/time.h"
#include "domain/base/time_serialization.h"

namespace ecab {

// Accepted algorithm names.
inline constexpr std::string_view kEd25519 = "ed25519";
inline constexpr std::string_view kEcdsaP256 = "ecdsa-p256-sha256";
// The same key and hash with the signature as r‖s (IEEE P1363, 64 bytes), as
// WebCrypto produces it.
inline constexpr std::string_view kEcdsaP256P1363 = "ecdsa-p256-sha256-p1363";
inline constexpr std::string_view kRsaPkcs1 = "rsa-pkcs1-sha256";
inline constexpr std::string_view kRsaPss = "rsa-pss-sha256";

struct SignedAct {
  std::string algorithm;    // one of the names above
  std::string value;        // raw signature bytes (ECDSA: DER, or r‖s for the P1363 name)
  std::string certificate;  // "sha256:<hex>" fingerprint of the signer's enrolled certificate
  Timestamp signed_at;      // the time in the payload; the act's time for validity checks
  template <class A>
  void serialize(A& ar) {
    ar(algorithm, value, certificate, signed_at);
  }
  friend bool operator==(const SignedAct&, const SignedAct&) = default;
};

// What a signature covers. Every field is always present in the JSON.
struct SigningPayload {
  std::string body;           // the body id
  std::string kind;           // "ballot", "form_answer", "form_approval", "resolution_signature"
  std::string object;         // vote, form or resolution id
  std::uint64_t version = 0;  // form revision / resolution text version / 0
  std::string signer;         // the person signing
  std::string on_behalf_of;   // the member a substitute signs for, else ""
  std::string choice;         // "for", "agree", … or ""
  std::string text_sha256;    // hex SHA-256 of the UTF-8 text signed, or ""
  std::string command_id;
  Timestamp time;  // RFC 3339 UTC with microseconds in the JSON
};

// RFC 8785 (JCS) JSON of `p`: keys sorted, no whitespace, minimal escapes.
std::string CanonicalJson(const SigningPayload& p);

// "sha256:<hex>" of `der`.
std::string CertificateFingerprint(std::string_view der);

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

}  // namespace ecab
