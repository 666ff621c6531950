// domain/signing/certificate_request.h — what the certificate lifecycle needs
// to know of a PKCS#10 request and of the keys in it, and the one signature
// encoding WebCrypto produces that OpenSSL does not read (ECDSA as r‖s).
// Pure functions of their inputs, like verify.h.
#pragma once

#include <string>
#include <string_view>

#include "domain/base/result.h"

namespace ecab {

struct CertificateRequestFacts {
  std::string family;          // "ed25519", "ecdsa-p256-sha256" or "rsa-pkcs1-sha256"
  std::string public_key_der;  // the SubjectPublicKeyInfo (DER)
  std::string subject_cn;      // the commonName the request asks for, "" when none
};

// Parses a PKCS#10 request (DER) and checks its proof of possession (the
// request is signed by the key it carries) and that the key is one acts may
// be signed with (Ed25519, ECDSA P-256, RSA >= 2048 bits).
// kInvalidArgument naming what is wrong otherwise.
Result<CertificateRequestFacts> InspectCertificateRequest(std::string_view csr_der);

// The SubjectPublicKeyInfo (DER) of a certificate (DER); "" when it is not one.
std::string CertificatePublicKey(std::string_view certificate_der);

// An ECDSA P-256 signature in IEEE P1363 form (r‖s, 32 bytes each, as
// WebCrypto returns it) as the DER ECDSA-Sig-Value OpenSSL verifies;
// "" when `raw` is not 64 bytes.
std::string EcdsaP1363ToDer(std::string_view raw);

}  // namespace ecab
