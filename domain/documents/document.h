// domain/documents/document.h — documents with versions, a classification and
// an urgency. A document classified above the body's limit is refused and
// never enters the system. Stream: "document-<id>". The bytes live in the
// document store; events carry their SHA-256 and size.
#pragma once

#include <map>
#include <set>
#include <variant>
#include <vector>

#include "domain/authz/action.h"
#include "domain/base/context.h"
#include "domain/directory/body.h"

namespace ecab::documents {

struct DocumentRegistered {
  static constexpr std::string_view kType = "document.registered";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string document;
  std::string title;
  Classification classification = Classification::kNormal;
  Urgency urgency = Urgency::kNormal;
  template <class A>
  void serialize(A& ar) {
    ar(document, title, classification, urgency);
  }
  friend bool operator==(const DocumentRegistered&, const DocumentRegistered&) = default;
};

// Schema 1 of document.version_added: without the extracted text.
struct DocumentVersionAddedV1 {
  static constexpr std::string_view kType = "document.version_added";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::uint32_t version = 0;
  std::string sha256;
  std::uint64_t size = 0;
  std::string media_type;
  std::string filename;
  std::string author;
  template <class A>
  void serialize(A& ar) {
    ar(version, sha256, size, media_type, filename, author);
  }
};

// Schema 2 of document.version_added: before the document store held files.
struct DocumentVersionAddedV2 {
  static constexpr std::string_view kType = "document.version_added";
  static constexpr std::uint16_t kSchemaVersion = 2;
  std::uint32_t version = 0;
  std::string sha256;
  std::uint64_t size = 0;
  std::string media_type;
  std::string filename;
  std::string author;
  std::string text;
  template <class A>
  void serialize(A& ar) {
    ar(version, sha256, size, media_type, filename, author, text);
  }
};

struct DocumentVersionAdded {
  static constexpr std::string_view kType = "document.version_added";
  static constexpr std::uint16_t kSchemaVersion = 3;
  std::uint32_t version = 0;
  std::string sha256;  // hex of the content
  std::uint64_t size = 0;
  std::string media_type;
  std::string filename;
  std::string author;
  std::string text;     // the text given with the version for search (empty when none)
  bool stored = false;  // the document store holds the content (synced before this event)
  template <class A>
  void serialize(A& ar) {
    ar(version, sha256, size, media_type, filename, author, text, stored);
  }
  friend bool operator==(const DocumentVersionAdded&, const DocumentVersionAdded&) = default;
};

// The node's extractor read a stored version's text for search (after the
// upload, off the request's path). Empty text: the file has none to read (a
// scanned PDF), so the document is found by its title only; `note` says why.
struct DocumentTextExtracted {
  static constexpr std::string_view kType = "document.text_extracted";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::uint32_t version = 0;
  std::string text;
  std::string note;
  template <class A>
  void serialize(A& ar) {
    ar(version, text, note);
  }
  friend bool operator==(const DocumentTextExtracted&, const DocumentTextExtracted&) = default;
};

// A person may read a classified document (normal ones are open to the body).
struct DocumentAccessGranted {
  static constexpr std::string_view kType = "document.access_granted";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string person;
  template <class A>
  void serialize(A& ar) {
    ar(person);
  }
  friend bool operator==(const DocumentAccessGranted&, const DocumentAccessGranted&) = default;
};

using DocumentEvent = std::variant<DocumentRegistered, DocumentVersionAdded, DocumentAccessGranted,
                                   DocumentTextExtracted>;
const EventDecoder<DocumentEvent>& DocumentDecoder();

struct Document {
  bool exists = false;
  DocumentRegistered header;
  std::vector<DocumentVersionAdded> versions;
  std::set<std::string> readers;  // granted access to a classified document
  std::map<std::uint32_t, DocumentTextExtracted> extracted;  // by version
};

// Who records extracted text: the node itself, never a person over the API.
inline constexpr std::string_view kExtractorActor = "system:extractor";

// Normal documents are open to everyone in the body; classified ones only to
// those granted access (the secretariat member who registered one is).
bool MayRead(const Document& d, std::string_view person);

struct RegisterDocument {
  static constexpr Action kAction = Action::kRegisterDocument;
  std::string document, title;
  Classification classification = Classification::kNormal;
  Urgency urgency = Urgency::kNormal;
};
struct AddDocumentVersion {
  static constexpr Action kAction = Action::kAddDocumentVersion;
  std::string sha256;
  std::uint64_t size = 0;
  std::string media_type, filename;
  std::string text;
  bool stored = false;  // set by the upload route once the content is synced, never by a client
  std::uint32_t as_version = 0;  // nonzero: the number this version must get (PUT …/versions/{n})
};
struct RecordDocumentText {
  static constexpr Action kAction = Action::kRecordDocumentText;
  std::uint32_t version = 0;
  std::string text, note;
};
struct GrantDocumentAccess {
  static constexpr Action kAction = Action::kGrantDocumentAccess;
  std::string person;
};
using DocumentCommand =
    std::variant<RegisterDocument, AddDocumentVersion, GrantDocumentAccess, RecordDocumentText>;

[[nodiscard]] Result<std::vector<DocumentEvent>> Decide(const Document& state,
                                                        const DocumentCommand& command,
                                                        const CommandContext& ctx,
                                                        const directory::Body& body);
Document Evolve(Document state, const DocumentEvent& event);

}  // namespace ecab::documents
