// api/pki.h — the certificates the node makes for itself and for the demo:
// a self-signed TLS server certificate on first run, and a demo signing CA
// with one Ed25519 certificate per person. Production bodies bring their own
// CA; nothing here is used to check anything.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <vector>

#include "domain/base/result.h"
#include "domain/base/time.h"

namespace ecab::api::pki {

struct KeyAndCertificate {
  std::string key_pem;
  std::string certificate_pem;
  std::string certificate_der;
};

// ECDSA P-256, self-signed, for TLS: subjectAltName with `dns_names` and `ips`.
Result<KeyAndCertificate> SelfSignedTls(const std::string& common_name,
                                        const std::vector<std::string>& dns_names,
                                        const std::vector<std::string>& ips, int days);

// An ECDSA P-256 certificate authority.
Result<KeyAndCertificate> NewCa(const std::string& common_name, int days);

// An Ed25519 certificate for `subject` issued by `ca`, with the
// digitalSignature key usage (signing acts) and clientAuth (TLS login).
Result<KeyAndCertificate> IssueEd25519(const KeyAndCertificate& ca, const std::string& subject,
                                       int days);

// A certificate for the key of a certificate request (its SubjectPublicKeyInfo,
// DER) naming `subject`, issued by `ca` for signing acts and logging in
// (digitalSignature, nonRepudiation; clientAuth). The subject is the body's
// person id, whatever the request asked for. key_pem is left empty.
Result<KeyAndCertificate> IssueForKey(const KeyAndCertificate& ca,
                                      const std::string& public_key_der, const std::string& subject,
                                      int days);

struct Revocation {
  std::string certificate_der;
  Timestamp at;
};

// A CRL (DER) signed by `ca` listing `revoked` (each by its serial, with its
// time), issued at `now`, next update in 30 days.
Result<std::string> RevocationList(const KeyAndCertificate& ca,
                                   const std::vector<Revocation>& revoked, Timestamp now);

// `ca` read back from its PEM files' contents; the key must match the
// certificate, and the certificate must be a CA's (basicConstraints CA:TRUE).
Result<KeyAndCertificate> LoadCa(const std::string& key_pem, const std::string& certificate_pem);

}  // namespace ecab::api::pki

namespace ecab::api::pki {

// An Ed25519 signature of `payload` with the private key in `key_pem`.
Result<std::string> SignEd25519(const std::string& key_pem, const std::string& payload);

// The same with the key parsed once, for many signatures.
class Ed25519Signer {
 public:
  explicit Ed25519Signer(const std::string& key_pem);
  bool ok() const { return key_ != nullptr; }
  Result<std::string> Sign(const std::string& payload) const;

 private:
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace ecab::api::pki
