// domain/documents/media_type.h — what a file is, from its bytes. Only the
// types a cabinet's papers come in are accepted: PDF, DOCX, XLSX, PPTX, ODT,
// ODS, PNG and JPEG. The sniffer reads the content as it streams: the first
// bytes settle most types (an executable is refused before more is stored);
// an Office or OpenDocument file is a ZIP whose entries' names settle which.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ecab::documents {

enum class FileKind : std::uint8_t { kPdf, kDocx, kXlsx, kPptx, kOdt, kOds, kPng, kJpeg };

// "application/pdf", "image/png", …
std::string_view MediaTypeOf(FileKind k);
// "pdf", "docx", … (the usual filename extension)
std::string_view ExtensionOf(FileKind k);
// The kind of a media type this file gives (MediaTypeOf's inverse), if any.
std::optional<FileKind> KindOfMediaType(std::string_view media_type);
// The kind a filename's extension names (case-insensitive), if any of ours.
std::optional<FileKind> KindOfFilename(std::string_view filename);

class MediaSniffer {
 public:
  void Feed(std::string_view bytes);
  // Known from the first bytes to be none of the accepted types.
  bool refused() const { return refused_; }
  // At the end of the content: what it is, or nullopt (not accepted).
  std::optional<FileKind> Finish() const;
  // For a refusal's message: what the first bytes look like ("an executable (ELF)", …).
  std::string Describe() const;

 private:
  enum class Family : std::uint8_t { kUnknown, kPdf, kPng, kJpeg, kZip, kNone };
  Family family_ = Family::kUnknown;
  bool refused_ = false;
  std::string head_;  // the first bytes, up to 96
  std::string tail_;  // the last bytes fed, to find names split across pieces
  bool content_types_ = false, word_ = false, xl_ = false, ppt_ = false;
};

}  // namespace ecab::documents
