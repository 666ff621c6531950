#include "replay/export.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "domain/base/ids.h"
#include "domain/base/streams.h"
#include "domain/directory/events.h"
#include "domain/documents/document.h"
#include "domain/documents/media_type.h"
#include "domain/forms/events.h"
#include "domain/meeting/meeting.h"
#include "domain/resolution/resolution.h"
#include "domain/signing/certificate_request.h"
#include "domain/signing/signed_act.h"
#include "eventstore/merkle.h"
#include "eventstore/record.h"
#include "replay/bag.h"
#include "replay/minutes.h"
#include "replay/signed_acts.h"
#include "replay/tree_heads.h"

namespace ecab::replay {
namespace {

using nlohmann::json;

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string Pem(std::string_view der, bool crl) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (crl) {
    X509_CRL* c = d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size()));
    if (c == nullptr) return {};
    PEM_write_bio_X509_CRL(bio.get(), c);
    X509_CRL_free(c);
  } else {
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    if (x == nullptr) return {};
    PEM_write_bio_X509(bio.get(), x);
    X509_free(x);
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

// What a meeting's record consists of, found in a first pass over the log.
struct Scope {
  std::string body;
  std::string meeting_stream;
  std::set<std::string> streams;  // meeting, resolutions, their forms, the documents of both
};

Result<Scope> FindScope(const es::EventStore& store, std::string_view meeting_id,
                        const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  Scope scope;
  std::map<std::string, std::string> resolution_meeting;  // stream -> meeting id
  std::map<std::string, std::vector<std::string>> circulated;
  std::map<std::string, std::set<std::string>>
      form_documents;  // form stream -> ids, every revision
  std::set<std::string> documents;
  for (std::uint64_t next = 1; next <= store.head_position();) {
    ECAB_TRY_LET(events, store.ReadAll(next, 8192));
    if (events->empty()) break;
    for (const auto& e : *events) {
      if (e.type == meeting::MeetingScheduled::kType || e.type == meeting::AgendaItemAdded::kType) {
        ECAB_TRY_LET(d, meeting::MeetingDecoder().Decode(e.type, e.schema_version, e.payload));
        if (const auto* s = std::get_if<meeting::MeetingScheduled>(&*d);
            s && s->meeting == meeting_id) {
          scope.meeting_stream = e.stream;
          scope.body = e.body;
        }
        if (const auto* a = std::get_if<meeting::AgendaItemAdded>(&*d);
            a && e.stream == scope.meeting_stream) {
          documents.insert(a->documents.begin(), a->documents.end());
        }
      } else if (e.type == resolution::ResolutionDrafted::kType ||
                 e.type == resolution::ResolutionCirculated::kType) {
        ECAB_TRY_LET(d,
                     resolution::ResolutionDecoder().Decode(e.type, e.schema_version, e.payload));
        if (const auto* r = std::get_if<resolution::ResolutionDrafted>(&*d))
          resolution_meeting[e.stream] = r->meeting;
        if (const auto* c = std::get_if<resolution::ResolutionCirculated>(&*d))
          circulated[e.stream].push_back(c->form);
      } else if (e.type == forms::FormDrafted::kType || e.type == forms::FormRevised::kType) {
        ECAB_TRY_LET(d, forms::FormDecoder().Decode(e.type, e.schema_version, e.payload));
        const forms::FormContent& content = std::holds_alternative<forms::FormDrafted>(*d)
                                                ? std::get<forms::FormDrafted>(*d).content
                                                : std::get<forms::FormRevised>(*d).content;
        form_documents[e.stream].insert(content.documents.begin(), content.documents.end());
      }
    }
    next = events->back().position + 1;
    if (progress) progress(next - 1, 2 * store.head_position());
  }
  if (scope.meeting_stream.empty()) {
    return MakeError(ErrorCode::kNotFound,
                     "no meeting '" + std::string(meeting_id) + "' in the log");
  }
  scope.streams.insert(scope.meeting_stream);
  for (const auto& [stream, meeting] : resolution_meeting) {
    if (meeting != meeting_id) continue;
    scope.streams.insert(stream);
    for (const auto& form : circulated[stream]) {
      const std::string form_stream = StreamOf(ObjectKind::kForm, form);
      scope.streams.insert(form_stream);
      const auto& named = form_documents[form_stream];
      documents.insert(named.begin(), named.end());
    }
  }
  for (const auto& doc : documents) scope.streams.insert(StreamOf(ObjectKind::kDocument, doc));
  scope.streams.insert(StreamOf(ObjectKind::kBody, scope.body));
  return scope;
}

Status CheckAccess(const directory::Body& body, const meeting::Meeting& m,
                   const std::map<std::string, documents::Document>& docs, const std::string& who) {
  const auto role = body.RoleAt(who, FromMicros(std::numeric_limits<std::int64_t>::max() / 2));
  const bool record_keeper = role == Role::kArchivist || role == Role::kAuditor;
  const bool participant =
      m.invited.contains(who) || m.substitutes.contains(who) ||
      (m.session && std::binary_search(m.session->members.begin(), m.session->members.end(), who));
  if (!record_keeper && !participant) {
    return MakeError(ErrorCode::kForbidden,
                     "'" + who + "' may not see the record of meeting '" + m.schedule.meeting +
                         "': neither an archivist, an auditor nor a participant");
  }
  // The record is whole or not at all; a classified document the requester
  // may not read makes it not found, as the document itself is to them
  // (naming it would tell what they may not know).
  for (const auto& [stream, d] : docs) {
    if (!documents::MayRead(d, who)) {
      return MakeError(ErrorCode::kNotFound, "no record of meeting '" + m.schedule.meeting +
                                                 "' that '" + who + "' may export");
    }
  }
  return Ok{};
}

// A stored version's file, whole, checked against its event's hash.
Result<std::string> ReadStoredFile(const es::BlobStore& blobs, const std::string& document,
                                   const documents::DocumentVersionAdded& v) {
  const std::string which = "document '" + document + "' version " + std::to_string(v.version);
  auto reader = blobs.Read(v.sha256);
  if (!reader.ok()) {
    return MakeError(ErrorCode::kCorruption,
                     which + ": its file cannot be read (" + ToString(reader.error()) + ")");
  }
  auto content = (*reader)->Read(0, static_cast<std::size_t>((*reader)->size()));
  if (!content.ok() || Sha256Hex(*content) != v.sha256 || content->size() != v.size) {
    return MakeError(ErrorCode::kCorruption,
                     which + ": its stored file does not match the SHA-256 of its event");
  }
  return std::move(*content);
}

}  // namespace

Result<ExportSummary> ExportMeeting(const es::EventStore& store, const ExportRequest& request) {
  if (auto why = IdProblem(request.meeting); !why.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the meeting id '" + request.meeting + "' " + why);
  }
  ECAB_TRY_LET(scope, FindScope(store, request.meeting, request.progress));
  // Second pass: the record's events, the signed acts among them, the states.
  ActCollector collector;
  std::vector<es::RecordedEvent> events;
  std::map<std::uint64_t, ActCheck> acts;
  meeting::Meeting m;
  std::map<std::string, resolution::Resolution> resolutions;
  std::map<std::string, documents::Document> docs;
  std::vector<Speech> speeches;
  std::string item_in_hand;
  for (std::uint64_t next = 1; next <= store.head_position();) {
    ECAB_TRY_LET(batch, store.ReadAll(next, 8192));
    if (batch->empty()) break;
    for (auto& e : *batch) {
      ECAB_TRY_LET(check, collector.Feed(e));
      if (!scope->streams.contains(e.stream)) continue;
      if (check->has_value()) acts.emplace(e.position, std::move(**check));
      if (e.stream == scope->meeting_stream) {
        ECAB_TRY_LET(d, meeting::MeetingDecoder().Decode(e.type, e.schema_version, e.payload));
        if (const auto* t = std::get_if<meeting::ItemTakenUp>(&*d)) item_in_hand = t->item;
        if (const auto* g = std::get_if<meeting::FloorGranted>(&*d))
          speeches.push_back({g->person, item_in_hand, e.recorded_at, std::nullopt});
        if (const auto* f = std::get_if<meeting::FloorEnded>(&*d)) {
          for (auto it = speeches.rbegin(); it != speeches.rend(); ++it) {
            if (it->person == f->person && !it->to) {
              it->to = e.recorded_at;
              break;
            }
          }
        }
        m = meeting::Evolve(std::move(m), *d);
      } else if (KindOfStream(e.stream) == ObjectKind::kResolution) {
        ECAB_TRY_LET(d,
                     resolution::ResolutionDecoder().Decode(e.type, e.schema_version, e.payload));
        resolutions[e.stream] = resolution::Evolve(std::move(resolutions[e.stream]), *d);
      } else if (KindOfStream(e.stream) == ObjectKind::kDocument) {
        ECAB_TRY_LET(d, documents::DocumentDecoder().Decode(e.type, e.schema_version, e.payload));
        docs[e.stream] = documents::Evolve(std::move(docs[e.stream]), *d);
      }
      events.push_back(std::move(e));
    }
    next = batch->back().position + 1;
    if (request.progress)
      request.progress(store.head_position() + next - 1, 2 * store.head_position());
  }
  auto body = collector.body(scope->body);
  if (!body) return MakeError(ErrorCode::kNotFound, "the meeting's body is not in the log");
  ECAB_TRY(CheckAccess(*body, m, docs, request.requester));
  // The body's events matter up to the end of the meeting's record.
  std::uint64_t last = 0;
  for (const auto& e : events) {
    if (KindOfStream(e.stream) != ObjectKind::kBody) last = std::max(last, e.position);
  }
  std::erase_if(events, [&](const es::RecordedEvent& e) {
    return KindOfStream(e.stream) == ObjectKind::kBody && e.position > last;
  });

  ECAB_TRY_LET(covering, LatestHeadCovering(store, last));
  const std::optional<es::TreeHead>& head = *covering;
  if (!head) {
    return MakeError(ErrorCode::kRuleViolation, "no signed tree head covers position " +
                                                    std::to_string(last) +
                                                    " yet; the server signs one periodically");
  }
  ECAB_TRY_LET(leaves, es::LogLeaves(store, head->size));

  Files files;
  std::string jsonl, proofs;
  for (const auto& e : events) {
    ECAB_TRY_LET(record, store.ReadRecord(e.position));
    json j = {{"position", e.position},
              {"stream", e.stream},
              {"version", e.version},
              {"type", e.type},
              {"schema_version", e.schema_version},
              {"recorded_at", FormatRfc3339(e.recorded_at)},
              {"body", e.body},
              {"actor", e.actor.id},
              {"role", e.actor.role},
              {"on_behalf_of", e.actor.on_behalf_of},
              {"command_id", e.command_id},
              {"correlation_id", e.correlation_id},
              {"causation_id", e.causation_id},
              {"key_id", e.key_id},
              {"prev_hash", es::ToHex(e.prev_hash)},
              {"hash", es::ToHex(e.hash)},
              {"payload_base64", Base64(e.payload)},
              {"record_hex", es::ToHex(*record)}};
    if (e.type == directory::ContactSet::kType) {  // personal data: the record (sealed) stays, the
                                                   // payload does not
      j.erase("payload_base64");
      j["redacted"] = "personal data";
    }
    if (auto a = acts.find(e.position); a != acts.end()) {
      j["signed_act"] = {{"signer", a->second.signer},
                         {"algorithm", a->second.act.algorithm},
                         {"certificate", a->second.act.certificate},
                         {"signature_base64", Base64(a->second.act.value)},
                         {"payload", a->second.payload}};
      const std::string base = "data/signatures/" + std::to_string(e.position);
      files[base + ".payload"] = a->second.payload;
      // openssl reads ECDSA signatures as DER only: WebCrypto's r‖s goes in converted
      // (signature_base64 above keeps the bytes as recorded).
      files[base + ".sig"] = a->second.act.algorithm == kEcdsaP256P1363
                                 ? EcdsaP1363ToDer(a->second.act.value)
                                 : a->second.act.value;
    }
    jsonl += j.dump() + "\n";
    ECAB_TRY_LET(path, es::InclusionProof(*leaves, e.position - 1, head->size));
    json proof = {{"position", e.position},
                  {"leaf_index", e.position - 1},
                  {"tree_size", head->size},
                  {"event_hash", es::ToHex(e.hash)},
                  {"path", json::array()}};
    for (const auto& h : *path) proof["path"].push_back(es::ToHex(h));
    proofs += proof.dump() + "\n";
  }
  files["data/events.jsonl"] = jsonl;
  files["data/proofs.jsonl"] = proofs;
  files["data/tree-head.txt"] = es::TreeHeadPayload(head->size, head->root, head->time);
  files["data/tree-head.sig"] = head->signature;
  files["data/tree-head.json"] = json{{"size", head->size},
                                      {"root", es::ToHex(head->root)},
                                      {"time", FormatRfc3339(head->time)},
                                      {"key_id", head->key_id},
                                      {"signature_base64", Base64(head->signature)}}
                                     .dump(2) +
                                 "\n";
  if (!request.log_public_pem.empty()) files["data/log-public-key.pem"] = request.log_public_pem;
  files["data/certificates/trust-anchor.pem"] = Pem(body->anchor_der, false);
  if (!body->crl_der.empty())
    files["data/certificates/revocation-list.pem"] = Pem(body->crl_der, true);
  std::set<std::string> used;
  for (const auto& [position, act] : acts) used.insert(act.act.certificate);
  for (const auto& [person, record] : body->people) {
    for (const auto& [fingerprint, der] : record.certificates) {
      if (used.contains(fingerprint)) {
        const std::string hex = fingerprint.substr(std::min<std::size_t>(7, fingerprint.size()));
        if (!fingerprint.starts_with("sha256:") || !es::HashFromHex(hex)) {
          return MakeError(ErrorCode::kInvalidArgument,
                           "certificate reference '" + fingerprint +
                               "' is not sha256:<64 hex digits>: refusing to name a file after it");
        }
        files["data/certificates/" + hex + ".pem"] = Pem(der, false);
      }
    }
  }
  std::map<std::string, DocumentEntry> entries;
  for (const auto& [stream, d] : docs) {
    if (auto why = IdProblem(d.header.document); !why.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "document id '" + d.header.document + "' on the agenda " + why +
                           ": refusing to name a file of the bag after it");
    }
    json versions = json::array();
    DocumentEntry& entry = entries[d.header.document];
    entry.title = d.header.title;
    for (const auto& v : d.versions) {
      json version = {{"version", v.version},       {"sha256", v.sha256},     {"size", v.size},
                      {"media_type", v.media_type}, {"filename", v.filename}, {"author", v.author}};
      std::string path;
      if (v.stored && request.blobs != nullptr) {
        ECAB_TRY_LET(content, ReadStoredFile(*request.blobs, d.header.document, v));
        const auto kind = documents::KindOfMediaType(v.media_type);
        path = "documents/" + d.header.document + "/v" + std::to_string(v.version) + "." +
               std::string(kind ? documents::ExtensionOf(*kind) : "bin");
        files["data/" + path] = std::move(*content);
        version["file"] = path;
      }
      entry.versions.push_back({v.version, v.filename, path});
      versions.push_back(std::move(version));
    }
    files["data/documents/" + d.header.document + ".json"] =
        json{{"document", d.header.document},
             {"title", d.header.title},
             {"classification", ClassificationName(d.header.classification)},
             {"versions", versions}}
            .dump(2) +
        "\n";
  }
  std::vector<resolution::Resolution> rs;
  rs.reserve(resolutions.size());
  for (const auto& [stream, r] : resolutions) rs.push_back(r);
  files["data/minutes.html"] =
      MinutesHtml(MinutesInput{m, *body, rs, speeches, std::move(entries)});

  AddBagItTags(
      files,
      "Source-Organization: " + body->name + "\nExternal-Identifier: " + m.schedule.meeting +
          "\nExternal-Description: Complete record of meeting \"" + m.schedule.title +
          "\"\nBagging-Date: " + FormatRfc3339(head->time).substr(0, 10) + "\n",
      "ECabinet-Body: " + body->id +
          "\nECabinet-Meeting-Date: " + FormatRfc3339(m.schedule.starts_at).substr(0, 10) +
          "\nECabinet-Events: " + std::to_string(events.size()) + "\nECabinet-Signed-Acts: " +
          std::to_string(acts.size()) + "\nECabinet-Source-Store: " + store.store_id() +
          "\nECabinet-Tree-Head-Size: " + std::to_string(head->size) +
          "\nECabinet-Tree-Head-Root: " + es::ToHex(head->root) +
          "\nECabinet-Tree-Head-Time: " + FormatRfc3339(head->time) + "\n");
  ECAB_TRY(WriteBag(request.out, request.root, files));
  return ExportSummary{events.size(), acts.size(), head->size, files.size()};
}

}  // namespace ecab::replay
