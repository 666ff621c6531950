// domain/directory/certificates.h — the deciders of the certificate
// lifecycle (body.h declares the commands and the state): requests, their
// approval or rejection, the certificate from an external CA, revocation.
// Called by directory::Decide once the action is authorized.
#pragma once

#include <vector>

#include "domain/directory/body.h"

namespace ecab::directory {

Result<std::vector<DirectoryEvent>> DecideRequest(const Body& body, const RequestCertificate& c,
                                                  const CommandContext& ctx);
Result<std::vector<DirectoryEvent>> DecideOnRequest(const Body& body,
                                                    const DecideCertificateRequest& c,
                                                    const CommandContext& ctx);
Result<std::vector<DirectoryEvent>> DecideSupply(const Body& body, const SupplyCertificate& c,
                                                 const CommandContext& ctx);
Result<std::vector<DirectoryEvent>> DecideRevocation(const Body& body, const RevokeCertificate& c,
                                                     const CommandContext& ctx);

// Why `der` may not be enrolled for `person` now ("" when it may), as
// EnrollCertificate judges it: chain, usage, key, validity, subject, and not
// already enrolled for anyone.
std::string CertificateProblem(const Body& body, const std::string& person, const std::string& der,
                               const CommandContext& ctx);

}  // namespace ecab::directory
