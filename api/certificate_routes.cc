// The certificate lifecycle over the API (docs/API.md, "Certificates"): a
// person asks for a certificate for a key on their device (PKCS#10); the
// body's admin approves (the node's CA for that body issues it at once) or
// rejects; with an external CA the request is downloaded as PEM and the
// issued certificate uploaded; revocation by the admin or the holder (the
// node's CA also publishes a new CRL). Plus the people's certificates and the
// body's current revocation list, for anyone with a role in the body.
#include <openssl/pem.h>

#include "api/command_routes.h"
#include "api/platform.h"
#include "api/route_support.h"
#include "domain/signing/certificate_request.h"
#include "domain/signing/verify.h"
#include "eventstore/record.h"

namespace ecab::api {
namespace {

using directory::CertificateRequest, directory::RequestCertificate,
    directory::DecideCertificateRequest, directory::SupplyCertificate, directory::RevokeCertificate;
using nlohmann::json;

constexpr int kIssuedDays = 730;  // a node CA's certificates last two years

// `der` as PEM under `label` ("CERTIFICATE REQUEST", "CERTIFICATE").
std::string Pem(const std::string& label, const std::string& der) {
  const std::string b64 = es::ToBase64(der);
  std::string out = "-----BEGIN " + label + "-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END " + label + "-----\n";
}

json RequestJson(const std::string& id, const CertificateRequest& r) {
  auto facts = InspectCertificateRequest(r.csr_der);
  return {{"request", id},
          {"person", r.person},
          {"device", r.device},
          {"status", std::string(directory::RequestStatusName(r.status))},
          {"reason", r.reason},
          {"requested_at", FormatRfc3339(r.at)},
          {"renews", r.renews},
          {"fingerprint", r.fingerprint},
          {"key", facts.ok() ? facts->family : ""},
          {"csr_pem", Pem("CERTIFICATE REQUEST", r.csr_der)}};
}

// A command's answer with the request's state after it merged in.
http::Response WithFields(const Call& c, const Result<CommandOutcome>& r, const json& extra) {
  http::Response out = OutcomeResponse(c, r);
  if (!r.ok()) return out;
  json body = json::parse(out.body);
  body.update(extra);
  out.body = body.dump();
  return out;
}

// The request the path names, visible to its holder and the admin; else a 404.
std::optional<http::Response> Invisible(const Call& c, const CertificateRequest** found) {
  auto it = c.body_state->certificate_requests.find(c.params.at("request"));
  const bool mine = it != c.body_state->certificate_requests.end() && c.principal &&
                    it->second.person == c.principal->person;
  if (it == c.body_state->certificate_requests.end() || (!mine && c.role != Role::kAdmin)) {
    return ProblemResponse(
        404, "not-found", "Not found",
        "no certificate request '" + c.params.at("request") + "' of yours in this body");
  }
  *found = &it->second;
  return std::nullopt;
}

template <class T>
using Run = std::function<Result<CommandOutcome>(Call&, CommandService&, T&, json& extra)>;

// A command route of this file: its body fills a T, and its answer carries
// `extra` (the request id, its status, the certificate issued) besides the
// positions.
template <class T>
void CertificateCommand(App& app, const std::string& method, const std::string& pattern,
                        const std::string& summary, Fields<T> fields, Run<T> run) {
  app.Add(TypedRoute<T>({.method = method,
                         .pattern = pattern,
                         .tag = "certificates",
                         .summary = summary,
                         .command = true},
                        std::move(fields), [&app, run = std::move(run)](Call& c, T& request) {
                          json extra = json::object();
                          const auto outcome = run(c, app.commands(), request, extra);
                          return WithFields(c, outcome, extra);
                        }));
}

// Issues the certificate for request `id` with the node's CA for this body:
// DER, "" when the node has none for it, or why it could not.
Result<std::string> IssueWithNodeCa(App& app, const Call& c, const std::string& id) {
  auto it = c.body_state->certificate_requests.find(id);
  if (it == c.body_state->certificate_requests.end()) return std::string();  // the domain says so
  auto ca = app.IssuingCaFor(c.body_state->anchor_der);
  if (!ca) return std::string();
  ECAB_TRY_LET(facts, InspectCertificateRequest(it->second.csr_der));
  ECAB_TRY_LET(issued,
               pki::IssueForKey(*ca, facts->public_key_der, it->second.person, kIssuedDays));
  return issued->certificate_der;
}

void AddRequestCommands(App& app) {
  const std::string r = kBodyPath + "/certificate-requests";
  CertificateCommand<RequestCertificate>(
      app, "POST", r,
      "Ask for a signing certificate for a key on your device: a PKCS#10 request (DER, base64) "
      "signed by that key "
      "(proof of possession). The admin may ask for anyone (person). The answer names the request.",
      {BytesField("csr", &RequestCertificate::csr_der),
       IdField("request", &RequestCertificate::request, kOptional),
       IdField("person", &RequestCertificate::person, kOptional),
       NameField("device", &RequestCertificate::device, kOptional),
       NameField("renews", &RequestCertificate::renews, kOptional)},
      [](Call& c, CommandService& s, RequestCertificate& cmd, json& extra) {
        // The same bytes, the same id.
        if (cmd.request.empty())
          cmd.request = "req-" + CertificateFingerprint(cmd.csr_der).substr(7, 16);
        if (cmd.person.empty()) cmd.person = c.ctx.actor;
        extra = {{"request", cmd.request}, {"status", "pending"}};
        return s.Execute(c.params["body"], cmd, c.ctx);
      });
  CertificateCommand<DecideCertificateRequest>(
      app, "POST", r + "/{request}/approval",
      "Approve a certificate request (admin). When this node holds the CA the body trusts "
      "(--ca-key, the demo's), "
      "the certificate is issued and enrolled at once; otherwise the request awaits the external "
      "CA's certificate.",
      {PathParam("request", &DecideCertificateRequest::request)},
      [&app](Call& c, CommandService& s, DecideCertificateRequest& cmd,
             json& extra) -> Result<CommandOutcome> {
        cmd.approved = true;
        if (c.role == Role::kAdmin) {  // nobody else may approve: no certificate is made for them
          ECAB_TRY_LET(issued, IssueWithNodeCa(app, c, cmd.request));
          cmd.certificate_der = *issued;
        }
        auto outcome = s.Execute(c.params["body"], cmd, c.ctx);
        const std::string& der = cmd.certificate_der;
        extra = {{"request", cmd.request}, {"status", der.empty() ? "approved" : "issued"}};
        if (!der.empty()) {
          extra["fingerprint"] = CertificateFingerprint(der);
          extra["certificate_pem"] = Pem("CERTIFICATE", der);
        }
        return outcome;
      });
  CertificateCommand<DecideCertificateRequest>(
      app, "POST", r + "/{request}/rejection", "Reject a certificate request, saying why (admin).",
      {PathParam("request", &DecideCertificateRequest::request),
       TextField("reason", &DecideCertificateRequest::reason)},
      [](Call& c, CommandService& s, DecideCertificateRequest& cmd, json& extra) {
        cmd.approved = false;
        extra = {{"request", cmd.request}, {"status", "rejected"}};
        return s.Execute(c.params["body"], cmd, c.ctx);
      });
  CertificateCommand<SupplyCertificate>(
      app, "POST", r + "/{request}/certificate",
      "Upload the certificate (DER, base64) an external CA issued for an approved request (admin): "
      "checked "
      "against the request's key, the person and the body's trust anchor, then enrolled.",
      {PathParam("request", &SupplyCertificate::request),
       BytesField("der", &SupplyCertificate::der)},
      [](Call& c, CommandService& s, SupplyCertificate& cmd, json& extra) {
        extra = {{"request", cmd.request},
                 {"status", "issued"},
                 {"fingerprint", CertificateFingerprint(cmd.der)}};
        return s.Execute(c.params["body"], cmd, c.ctx);
      });
}

// Revocation, by the admin or the holder; the node's CA republishes its list.
void AddRevocationCommand(App& app) {
  CertificateCommand<RevokeCertificate>(
      app, "POST", kBodyPath + "/people/{person}/certificates/{certificate}/revocation",
      "Revoke a certificate (named by the hex SHA-256 of its DER) from now: the admin, or its "
      "holder (a lost "
      "device). Acts it signed before stand. When this node holds the body's CA it also publishes "
      "the CA's new "
      "revocation list.",
      {TextField("reason", &RevokeCertificate::reason)},
      [&app](Call& c, CommandService& s, RevokeCertificate& cmd,
             json& extra) -> Result<CommandOutcome> {
        const directory::Body& body = *c.body_state;
        c.params["fingerprint"] = "sha256:" + c.params["certificate"];
        std::string crl;
        const std::string* der = body.CertificateDer(c.params["person"], c.params["fingerprint"]);
        auto ca = app.IssuingCaFor(body.anchor_der);
        if (der != nullptr && ca && !body.revoked.contains(c.params["fingerprint"])) {
          std::vector<pki::Revocation> listed{{*der, c.ctx.now}};
          for (const auto& [fingerprint, at] : body.revoked) {
            for (const auto& [person, record] : body.people) {
              if (auto cert = record.certificates.find(fingerprint);
                  cert != record.certificates.end()) {
                listed.push_back({cert->second, at});
              }
            }
          }
          ECAB_TRY_LET(list, pki::RevocationList(*ca, listed, c.ctx.now));
          crl = *list;
        }
        extra = {{"fingerprint", c.params["fingerprint"]},
                 {"revoked_at", FormatRfc3339(c.ctx.now)},
                 {"revocation_list_published", !crl.empty()}};
        cmd.person = c.params["person"];
        cmd.fingerprint = c.params["fingerprint"];
        cmd.crl_der = crl;
        return s.Execute(c.params["body"], cmd, c.ctx);
      });
}

json CertificateJson(const directory::Body& body, const std::string& fingerprint,
                     const std::string& der) {
  json out = {{"fingerprint", fingerprint}, {"certificate_pem", Pem("CERTIFICATE", der)}};
  if (auto facts = InspectCertificate(der, body.anchor_der, body.crl_der); facts.ok()) {
    out["key"] = facts->family;
    out["not_before"] = FormatRfc3339(facts->not_before);
    out["not_after"] = FormatRfc3339(facts->not_after);
  }
  if (const CertificateRequest* r = body.RequestOf(fingerprint)) {
    out["device"] = r->device;
    out["renews"] = r->renews;
  }
  auto revoked = body.revoked.find(fingerprint);
  out["revoked_at"] =
      revoked == body.revoked.end() ? json(nullptr) : json(FormatRfc3339(revoked->second));
  return out;
}

void AddQueries(App& app) {
  const std::string r = kBodyPath + "/certificate-requests";
  AddGet(app, r, "certificates",
         "Certificate requests: all of them for the admin, your own for anyone else; filter by "
         "status or person.",
         {"status", "person"}, [](Call& c) {
           if (!HasRole(c, kEveryRole) && c.role != Role::kSubstitute) return NoRole(c);
           const auto q = [&](const char* name) {
             auto it = c.request.query.find(name);
             return it == c.request.query.end() ? std::string() : it->second;
           };
           json out = json::array();
           for (const auto& [id, req] : c.body_state->certificate_requests) {
             if (c.role != Role::kAdmin && req.person != c.principal->person) continue;
             if (!q("status").empty() && directory::RequestStatusName(req.status) != q("status"))
               continue;
             if (!q("person").empty() && req.person != q("person")) continue;
             out.push_back(RequestJson(id, req));
           }
           return Json(200, {{"requests", out}});
         });
  AddGet(app, r + "/{request}", "certificates",
         "One certificate request (its holder and the admin); format=pem answers the PKCS#10 "
         "request itself "
         "(application/pkcs10), for an external CA.",
         {"format"}, [](Call& c) {
           const CertificateRequest* req = nullptr;
           if (auto hidden = Invisible(c, &req)) return *hidden;
           auto format = c.request.query.find("format");
           if (format != c.request.query.end() && format->second == "pem") {
             http::Response pem;
             pem.content_type = "application/pkcs10";
             pem.body = Pem("CERTIFICATE REQUEST", req->csr_der);
             return pem;
           }
           if (format != c.request.query.end() && format->second != "json") {
             return ProblemResponse(422, "invalid-value", "Invalid query parameter",
                                    "format must be json or pem");
           }
           return Json(200, RequestJson(c.params["request"], *req));
         });
  AddGet(app, kBodyPath + "/people/{person}/certificates", "certificates",
         "A person's certificates: fingerprint, key, validity, the device named in its request, "
         "revocation.",
         {}, [](Call& c) {
           if (!HasRole(c, kEveryRole) && c.role != Role::kSubstitute) return NoRole(c);
           auto p = c.body_state->people.find(c.params["person"]);
           if (p == c.body_state->people.end()) {
             return ProblemResponse(404, "not-found", "Not found",
                                    "no person '" + c.params["person"] + "' in this body");
           }
           json out = json::array();
           for (const auto& [fingerprint, der] : p->second.certificates) {
             out.push_back(CertificateJson(*c.body_state, fingerprint, der));
           }
           return Json(200, {{"person", c.params["person"]}, {"certificates", out}});
         });
  AddGet(app, kBodyPath + "/revocation-list", "certificates",
         "The body's current certificate revocation list (DER, application/pkix-crl), for openssl "
         "verify -CRLfile.",
         {}, [](Call& c) {
           if (!HasRole(c, kEveryRole) && c.role != Role::kSubstitute) return NoRole(c);
           if (c.body_state->crl_der.empty()) {
             return ProblemResponse(404, "not-found", "Not found",
                                    "the body has published no revocation list");
           }
           http::Response crl;
           crl.content_type = "application/pkix-crl";
           crl.body = c.body_state->crl_der;
           return crl;
         });
}

}  // namespace

void RegisterCertificateRoutes(App& app) {
  AddRequestCommands(app);
  AddRevocationCommand(app);
  AddQueries(app);
}

void App::AddIssuingCa(pki::KeyAndCertificate ca) {
  std::lock_guard lock(issuing_mutex_);
  for (const auto& known : issuing_cas_) {
    if (known.certificate_der == ca.certificate_der) return;
  }
  issuing_cas_.push_back(std::move(ca));
}

std::optional<pki::KeyAndCertificate> App::IssuingCaFor(std::string_view anchor_der) const {
  std::lock_guard lock(issuing_mutex_);
  for (const auto& ca : issuing_cas_) {
    if (!anchor_der.empty() && ca.certificate_der == anchor_der) return ca;
  }
  return std::nullopt;
}

}  // namespace ecab::api
