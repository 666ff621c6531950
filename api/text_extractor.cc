#include "api/text_extractor.h"

#include <archive.h>
#include <archive_entry.h>
#include <libxml/xmlreader.h>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <array>
#include <cctype>
#include <map>
#include <memory>

#include "api/command/command_service.h"
#include "api/log.h"
#include "domain/documents/document.h"
#include "domain/documents/media_type.h"
#include "eventstore/clock.h"
#include "replay/document_check.h"

namespace ecab::api {
namespace {

using documents::FileKind;

// Cuts `text` to at most `max` bytes without splitting a UTF-8 sequence.
void Cap(ExtractedText& out, std::size_t max) {
  if (out.text.size() <= max) return;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(out.text[end]) & 0xC0) == 0x80) --end;
  out.text.resize(end);
  out.note = "only the first " + std::to_string(max / 1024) + " KiB of text are searchable";
}

ExtractedText FromPdf(std::string_view content) {
  // Poppler's own messages would go to stderr: the node logs JSON only.
  poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr);
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(content.data(), static_cast<int>(content.size())));
  if (!doc || doc->is_locked()) return {"", "the PDF could not be read (damaged or encrypted)"};
  ExtractedText out;
  for (int i = 0; i < doc->pages(); ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page) continue;
    const poppler::byte_array utf8 = page->text().to_utf8();
    out.text.append(utf8.begin(), utf8.end());
    out.text.push_back('\n');
  }
  bool blank = true;
  for (char c : out.text) blank = blank && std::isspace(static_cast<unsigned char>(c));
  if (blank) return {"", "no text layer (a scanned PDF?): found by its title only"};
  return out;
}

// The text nodes of an XML part; a line ends at each paragraph, heading,
// table cell or shared string, so words of adjacent runs stay whole.
void AppendXmlText(std::string_view xml, std::string& out) {
  std::unique_ptr<xmlTextReader, decltype(&xmlFreeTextReader)> reader(
      xmlReaderForMemory(
          xml.data(), static_cast<int>(xml.size()), nullptr, "UTF-8",
          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS),
      &xmlFreeTextReader);
  if (!reader) return;
  while (xmlTextReaderRead(reader.get()) == 1) {
    const int type = xmlTextReaderNodeType(reader.get());
    if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
        type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
      if (const xmlChar* v = xmlTextReaderConstValue(reader.get()))
        out.append(reinterpret_cast<const char*>(v));
    } else if (type == XML_READER_TYPE_END_ELEMENT || type == XML_READER_TYPE_ELEMENT) {
      const xmlChar* name = xmlTextReaderConstLocalName(reader.get());
      const std::string_view n = name ? reinterpret_cast<const char*>(name) : "";
      if (type == XML_READER_TYPE_END_ELEMENT &&
          (n == "p" || n == "h" || n == "si" || n == "tc" || n == "table-cell" || n == "c"))
        out.push_back('\n');
      if (n == "tab" || n == "s" || n == "br") out.push_back(' ');
    }
  }
}

// The parts that hold a package's text.
bool IsTextPart(FileKind kind, std::string_view name) {
  switch (kind) {
    case FileKind::kDocx:
      return name == "word/document.xml" || name.starts_with("word/header") ||
             name.starts_with("word/footer") || name == "word/footnotes.xml";
    case FileKind::kXlsx:
      return name == "xl/sharedStrings.xml" || name.starts_with("xl/worksheets/sheet");
    case FileKind::kPptx:
      return name.starts_with("ppt/slides/slide") && name.ends_with(".xml");
    case FileKind::kOdt:
    case FileKind::kOds:
      return name == "content.xml";
    default:
      return false;
  }
}

ExtractedText FromPackage(FileKind kind, std::string_view content) {
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), &archive_read_free);
  archive_read_support_format_zip(a.get());
  if (archive_read_open_memory(a.get(), content.data(), content.size()) != ARCHIVE_OK) {
    return {"", "the package could not be opened"};
  }
  ExtractedText out;
  constexpr std::int64_t kMaxPart = 64 << 20;  // a part inflating beyond this is not read
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a.get(), &entry) == ARCHIVE_OK) {
    const char* name = archive_entry_pathname(entry);
    if (name == nullptr || !IsTextPart(kind, name)) continue;
    std::string xml;
    std::array<char, std::size_t{64} * 1024> buf{};
    for (;;) {
      const la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
      if (n <= 0) break;
      xml.append(buf.data(), static_cast<std::size_t>(n));
      if (static_cast<std::int64_t>(xml.size()) > kMaxPart) break;
    }
    AppendXmlText(xml, out.text);
  }
  return out;
}

}  // namespace

ExtractedText ExtractText(std::string_view media_type, std::string_view content,
                          std::size_t max_bytes) {
  const std::optional<FileKind> kind = documents::KindOfMediaType(media_type);
  ExtractedText out;
  if (!kind) {
    out.note = "no text is read from " + std::string(media_type);
  } else if (*kind == FileKind::kPng || *kind == FileKind::kJpeg) {
    out.note = "an image: found by its title only";
  } else if (*kind == FileKind::kPdf) {
    out = FromPdf(content);
  } else {
    out = FromPackage(*kind, content);
    if (out.text.empty() && out.note.empty()) out.note = "no text found: found by its title only";
  }
  Cap(out, max_bytes);
  return out;
}

TextExtractor::TextExtractor(es::BlobStore& blobs, CommandService& commands)
    : blobs_(blobs), commands_(commands), thread_([this] { Run(); }) {}

TextExtractor::~TextExtractor() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void TextExtractor::Enqueue(ExtractionJob job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_all();
}

std::size_t TextExtractor::pending() const {
  std::lock_guard lock(mu_);
  return jobs_.size() + in_hand_;
}

void TextExtractor::Run() {
  for (;;) {
    ExtractionJob job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
      if (stop_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      in_hand_ = 1;
    }
    if (auto s = Extract(job); !s.ok()) {
      LogEvent(spdlog::level::warn, {{"msg", "text extraction failed"},
                                     {"document", job.document},
                                     {"version", job.version},
                                     {"error", ToString(s.error())}});
    }
    std::lock_guard lock(mu_);
    in_hand_ = 0;
  }
}

Status TextExtractor::Extract(const ExtractionJob& job) {
  ECAB_TRY_LET(reader, blobs_.Read(job.sha256));
  ECAB_TRY_LET(content, (*reader)->Read(0, static_cast<std::size_t>((*reader)->size())));
  const ExtractedText text = ExtractText(job.media_type, *content);
  const CommandContext ctx{es::SystemClock().Now(), std::string(documents::kExtractorActor),
                           Role::kSecretariat, "",
                           "extract-" + job.document + "-" + std::to_string(job.version)};
  auto done =
      commands_.Execute(job.body, job.document,
                        documents::RecordDocumentText{job.version, text.text, text.note}, ctx);
  if (!done.ok() && done.error().code != ErrorCode::kAlreadyExists) return done.error();
  return Ok{};
}

Result<DocumentsInLog> ScanDocuments(const es::EventStore& store, const std::atomic<bool>* stop) {
  DocumentsInLog out;
  std::map<std::pair<std::string, std::uint32_t>, ExtractionJob> waiting;
  ECAB_TRY(replay::ForEachDocumentEvent(
      store,
      [&](const es::RecordedEvent& e, const std::string& document,
          const documents::DocumentEvent& event) {
        if (const auto* v = std::get_if<documents::DocumentVersionAdded>(&event)) {
          out.referenced.insert(v->sha256);
          if (v->stored) {
            waiting[{document, v->version}] =
                ExtractionJob{e.body, document, v->version, v->sha256, v->media_type};
          }
        } else if (const auto* t = std::get_if<documents::DocumentTextExtracted>(&event)) {
          waiting.erase({document, t->version});
        }
      },
      {}, stop));
  for (auto& [key, job] : waiting) out.unextracted.push_back(std::move(job));
  return out;
}

}  // namespace ecab::api
