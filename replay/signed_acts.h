// replay/signed_acts.h — finds every signed act in the log and rebuilds, from
// the log alone, exactly what was signed and the body as it stood then
// (certificates, trust anchor, revocation list known at that moment), so the
// signature can be checked again by the same function the command side used.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "domain/directory/body.h"
#include "domain/forms/form.h"
#include "domain/resolution/resolution.h"
#include "domain/signing/verify.h"
#include "eventstore/envelope.h"

namespace ecab::replay {

struct ActCheck {
  std::uint64_t position = 0;
  std::string stream;
  std::string type;
  std::string signer;   // who the act says signed it
  std::string actor;    // who the envelope says acted
  std::string payload;  // the canonical JSON rebuilt from the log
  SignedAct act;
  std::shared_ptr<const directory::Body> body;  // as of just before this event
};

// Certificate facts (domain/signing/verify.h) computed once per certificate,
// anchor and revocation list, shared by every act they sign. Thread-safe.
class FactsCache {
 public:
  // Facts of the certificate `der` (fingerprint `fingerprint`) under the
  // anchor and list of `body`, a snapshot that never changes.
  Result<std::shared_ptr<const CertificateFacts>> Get(
      const std::shared_ptr<const directory::Body>& body, const std::string& fingerprint,
      const std::string& der);

 private:
  struct Entry {
    std::shared_ptr<const directory::Body> pin;  // keeps the snapshot (and its address) alive
    std::shared_ptr<const CertificateFacts> facts;
  };
  std::mutex mu_;
  std::map<std::pair<const directory::Body*, std::string>, Entry> facts_;
};

// Ok when the signer is the actor and the signature holds against the body
// as it stood then; kBadSignature with the reason otherwise. The same verdict
// as the command side's, with certificate facts taken from `cache` when given.
Status Check(const ActCheck& check, FactsCache* cache = nullptr);

class ActCollector {
 public:
  // Feed every event in log order. Returns the check for a signed act, or
  // nullopt for any other event; an event that does not decode is an error.
  Result<std::optional<ActCheck>> Feed(const es::RecordedEvent& event);

  // The body as it stands now, if any event of it was fed.
  std::shared_ptr<const directory::Body> body(const std::string& id) const;

 private:
  std::map<std::string, std::shared_ptr<const directory::Body>> bodies_;
  std::map<std::string, forms::Form> forms_;
  std::map<std::string, resolution::Resolution> resolutions_;
  std::map<std::string, std::string> meeting_ids_;  // stream -> meeting id
};

}  // namespace ecab::replay
