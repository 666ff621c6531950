#include "domain/documents/media_type.h"

#include <array>
#include <cctype>

namespace ecab::documents {
namespace {

constexpr std::size_t kHead = 96;
constexpr std::string_view kOdfText = "application/vnd.oasis.opendocument.text";
constexpr std::string_view kOdfSheet = "application/vnd.oasis.opendocument.spreadsheet";

struct KindInfo {
  FileKind kind;
  std::string_view media_type;
  std::string_view extension;
};
constexpr std::array<KindInfo, 8> kKinds = {{
    {FileKind::kPdf, "application/pdf", "pdf"},
    {FileKind::kDocx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "docx"},
    {FileKind::kXlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
    {FileKind::kPptx, "application/vnd.openxmlformats-officedocument.presentationml.presentation",
     "pptx"},
    {FileKind::kOdt, kOdfText, "odt"},
    {FileKind::kOds, kOdfSheet, "ods"},
    {FileKind::kPng, "image/png", "png"},
    {FileKind::kJpeg, "image/jpeg", "jpg"},
}};

const KindInfo& Info(FileKind k) { return kKinds[static_cast<std::size_t>(k)]; }

}  // namespace

std::string_view MediaTypeOf(FileKind k) { return Info(k).media_type; }
std::string_view ExtensionOf(FileKind k) { return Info(k).extension; }

std::optional<FileKind> KindOfMediaType(std::string_view media_type) {
  for (const KindInfo& k : kKinds) {
    if (k.media_type == media_type) return k.kind;
  }
  return std::nullopt;
}

std::optional<FileKind> KindOfFilename(std::string_view filename) {
  const auto dot = filename.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string ext;
  for (char c : filename.substr(dot + 1))
    ext.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (ext == "jpeg") return FileKind::kJpeg;
  for (const KindInfo& k : kKinds) {
    if (k.extension == ext) return k.kind;
  }
  return std::nullopt;
}

void MediaSniffer::Feed(std::string_view bytes) {
  if (bytes.empty()) return;
  if (head_.size() < kHead) head_.append(bytes.substr(0, kHead - head_.size()));
  if (family_ == Family::kUnknown && head_.size() >= 8) {
    const std::string_view h = head_;
    if (h.starts_with("%PDF-")) {
      family_ = Family::kPdf;
    } else if (h.starts_with("\x89PNG\r\n\x1a\n")) {
      family_ = Family::kPng;
    } else if (h.starts_with("\xFF\xD8\xFF")) {
      family_ = Family::kJpeg;
    } else if (h.starts_with(std::string_view("PK\x03\x04", 4))) {
      family_ = Family::kZip;
    } else {
      family_ = Family::kNone;
      refused_ = true;
    }
  }
  if (family_ != Family::kZip && family_ != Family::kUnknown) return;
  // An OOXML package's parts are named in its local headers and central
  // directory, uncompressed: look for the names that tell them apart.
  std::string window = tail_;
  window.append(bytes);
  auto has = [&](std::string_view name) { return window.find(name) != std::string::npos; };
  content_types_ = content_types_ || has("[Content_Types].xml");
  word_ = word_ || has("word/document.xml");
  xl_ = xl_ || has("xl/workbook.xml");
  ppt_ = ppt_ || has("ppt/presentation.xml");
  tail_ = window.substr(window.size() > 32 ? window.size() - 32 : 0);
}

std::optional<FileKind> MediaSniffer::Finish() const {
  switch (family_) {
    case Family::kPdf:
      return FileKind::kPdf;
    case Family::kPng:
      return FileKind::kPng;
    case Family::kJpeg:
      return FileKind::kJpeg;
    case Family::kZip: {
      // ODF: the first entry is "mimetype", stored, holding the type (ODF 1.2 §3.3).
      const std::string_view h = head_;
      if (h.size() > 38 && h.substr(30, 8) == "mimetype") {
        const std::string_view type = h.substr(38);
        if (type.starts_with(kOdfSheet)) return FileKind::kOds;
        if (type.starts_with(kOdfText) && !type.starts_with(std::string(kOdfText) + "-"))
          return FileKind::kOdt;
        return std::nullopt;
      }
      if (!content_types_) return std::nullopt;
      if (word_ + xl_ + ppt_ != 1) return std::nullopt;
      return word_ ? FileKind::kDocx : xl_ ? FileKind::kXlsx : FileKind::kPptx;
    }
    case Family::kUnknown:
    case Family::kNone:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string MediaSniffer::Describe() const {
  const std::string_view h = head_;
  if (h.starts_with("\x7f"
                    "ELF"))
    return "an executable (ELF)";
  if (h.starts_with("MZ")) return "an executable (Windows PE)";
  if (h.starts_with("#!")) return "a script";
  if (family_ == Family::kZip) return "a ZIP archive that is no Office or OpenDocument file";
  if (h.empty()) return "empty";
  return "none of PDF, DOCX, XLSX, PPTX, ODT, ODS, PNG, JPEG";
}

}  // namespace ecab::documents
