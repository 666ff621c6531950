// domain/signing/testing.h — X.509 certificates, CRLs and signatures made with
// OpenSSL for tests. Test code only.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <vector>

#include "domain/signing/signed_act.h"

namespace ecab::testing {

enum class KeyType { kEd25519, kEcP256, kEcP384, kRsa2048, kRsa2048Pss, kRsa1024 };

using KeyPtr = std::shared_ptr<EVP_PKEY>;

// A key pair of `type`.
KeyPtr MakeKey(KeyType type);

struct Certificate {
  std::string der;
  KeyPtr key;
  KeyType type = KeyType::kEd25519;
  long serial = 0;
  std::string fingerprint() const { return CertificateFingerprint(der); }
};

// A self-signed ECDSA P-256 certificate authority.
class TestCa {
 public:
  explicit TestCa(const std::string& name, Timestamp not_before, Timestamp not_after);

  const std::string& der() const { return der_; }

  // A leaf certificate for `subject`, valid [not_before, not_after], with the
  // digitalSignature key usage unless `digital_signature` is false.
  Certificate Issue(const std::string& subject, KeyType type, Timestamp not_before,
                    Timestamp not_after, bool digital_signature = true, KeyPtr key = nullptr);
  // The same for an existing key (e.g. the one of a certificate request).
  Certificate IssueFor(const std::string& subject, KeyType type, KeyPtr key, Timestamp not_before,
                       Timestamp not_after);

  // A CRL signed by this CA listing (serial, revoked at).
  std::string Crl(const std::vector<std::pair<long, Timestamp>>& revoked,
                  Timestamp this_update) const;

 private:
  KeyPtr key_;
  std::string der_;
  std::string name_;
  long next_serial_ = 1000;
};

// Signs `payload` with the certificate's key under the algorithm its type
// calls for, and fills in the act.
SignedAct Sign(const Certificate& cert, const std::string& payload, Timestamp signed_at);

// A PKCS#10 request (DER) for `key` asking for commonName `cn`, signed by
// `signer` (the key itself: a proof of possession; another key: a forgery).
std::string MakeRequest(const KeyPtr& key, const std::string& cn, const KeyPtr& signer = nullptr);

// The algorithm name for a key type.
std::string AlgorithmFor(KeyType type);

}  // namespace ecab::testing
