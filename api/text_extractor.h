// api/text_extractor.h — the text of stored documents, for search. PDFs are
// read with poppler (their text layer; a scan has none), Office and
// OpenDocument files by opening the package (libarchive) and collecting the
// text of its XML parts (libxml2). Runs on a thread of its own, off the
// requests' path: each stored version is read once and its text recorded as
// document.text_extracted by "system:extractor", which the search projection
// indexes under the document's own access rules.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "domain/base/result.h"
#include "eventstore/blob_store.h"
#include "eventstore/event_store.h"

namespace ecab::api {

class CommandService;

struct ExtractedText {
  std::string text;
  std::string note;  // why there is little or none ("no text layer: …"), or ""
};

// The text of a file of `media_type` (an accepted one), at most `max_bytes`
// of it (a longer text is cut at a character boundary and noted).
ExtractedText ExtractText(std::string_view media_type, std::string_view content,
                          std::size_t max_bytes = std::size_t{512} * 1024);

struct ExtractionJob {
  std::string body, document;
  std::uint32_t version = 0;
  std::string sha256, media_type;
};

class TextExtractor {
 public:
  TextExtractor(es::BlobStore& blobs, CommandService& commands);
  ~TextExtractor();  // stops the thread (the job in hand is finished first)

  void Enqueue(ExtractionJob job);
  // Runs `job` now on the caller's thread (the demo's own document); a text
  // recorded before is fine.
  Status Extract(const ExtractionJob& job);
  // Jobs waiting or in hand (for tests and metrics).
  std::size_t pending() const;

 private:
  void Run();

  es::BlobStore& blobs_;
  CommandService& commands_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ExtractionJob> jobs_;
  std::size_t in_hand_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

// One pass over the log at start: the stored versions whose text was never
// recorded (the node stopped first), and every content hash an event refers
// to (for BlobStore::Collect). kShutDown when `stop` becomes true first.
struct DocumentsInLog {
  std::vector<ExtractionJob> unextracted;
  std::set<std::string> referenced;
};
Result<DocumentsInLog> ScanDocuments(const es::EventStore& store,
                                     const std::atomic<bool>* stop = nullptr);

}  // namespace ecab::api
