#include "domain/documents/media_type.h"

#include <gtest/gtest.h>

namespace ecab::documents {
namespace {

// A ZIP local file header for `name` (sizes and times zero: only the name matters here).
std::string LocalHeader(std::string_view name) {
  std::string h("PK\x03\x04", 4);
  h.append(22, '\0');
  h.push_back(static_cast<char>(name.size()));
  h.push_back('\0');
  h.append(2, '\0');
  return h + std::string(name);
}

std::optional<FileKind> Sniff(std::string_view content, std::size_t piece = 5) {
  MediaSniffer s;
  while (!content.empty()) {
    s.Feed(content.substr(0, piece));
    content.remove_prefix(std::min(piece, content.size()));
  }
  return s.Finish();
}

TEST(MediaSniffer, TheAcceptedKindsAreKnownByTheirBytesInAnyPieces) {
  EXPECT_EQ(Sniff("%PDF-1.7\n%âãÏÓ\n1 0 obj"), FileKind::kPdf);
  EXPECT_EQ(Sniff(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)), FileKind::kPng);
  EXPECT_EQ(Sniff(std::string("\xFF\xD8\xFF\xE0\0\x10JFIF", 10)), FileKind::kJpeg);
  const std::string docx = LocalHeader("[Content_Types].xml") + "<Types/>" +
                           LocalHeader("word/document.xml") + "<w:document/>";
  EXPECT_EQ(Sniff(docx, 3), FileKind::kDocx) << "names split across pieces are still found";
  EXPECT_EQ(Sniff(LocalHeader("[Content_Types].xml") + LocalHeader("xl/workbook.xml")),
            FileKind::kXlsx);
  EXPECT_EQ(Sniff(LocalHeader("[Content_Types].xml") + LocalHeader("ppt/presentation.xml")),
            FileKind::kPptx);
  EXPECT_EQ(Sniff(LocalHeader("mimetype") + "application/vnd.oasis.opendocument.text" +
                  LocalHeader("content.xml")),
            FileKind::kOdt);
  EXPECT_EQ(Sniff(LocalHeader("mimetype") + "application/vnd.oasis.opendocument.spreadsheet"),
            FileKind::kOds);
}

TEST(MediaSniffer, AnExecutableIsRefusedFromItsFirstBytes) {
  MediaSniffer elf;
  elf.Feed(
      std::string("\x7f"
                  "ELF\x02\x01\x01\0\0\0\0\0",
                  12));
  EXPECT_TRUE(elf.refused());
  EXPECT_EQ(elf.Describe(), "an executable (ELF)");
  MediaSniffer pe;
  pe.Feed(std::string("MZ\x90\0\x03\0\0\0\x04\0", 10));
  EXPECT_TRUE(pe.refused());
  EXPECT_EQ(pe.Describe(), "an executable (Windows PE)");
}

TEST(MediaSniffer, OtherContentIsNotAccepted) {
  EXPECT_EQ(Sniff("plain text that says %PDF- later"), std::nullopt);
  EXPECT_EQ(Sniff("%PDF"), std::nullopt) << "too short to tell";
  EXPECT_EQ(Sniff(LocalHeader("readme.txt") + "hello"), std::nullopt) << "a plain ZIP";
  EXPECT_EQ(Sniff(LocalHeader("[Content_Types].xml") + LocalHeader("word/document.xml") +
                  LocalHeader("xl/workbook.xml")),
            std::nullopt)
      << "a package claiming two kinds";
  EXPECT_EQ(Sniff(LocalHeader("mimetype") + "application/vnd.oasis.opendocument.text-template"),
            std::nullopt);
}

TEST(MediaSniffer, FilenamesNameTheirKindWhateverTheCase) {
  EXPECT_EQ(KindOfFilename("Tờ trình số 1.PDF"), FileKind::kPdf);
  EXPECT_EQ(KindOfFilename("ảnh.jpeg"), FileKind::kJpeg);
  EXPECT_EQ(KindOfFilename("bảng.xlsx"), FileKind::kXlsx);
  EXPECT_EQ(KindOfFilename("README"), std::nullopt);
  EXPECT_EQ(KindOfFilename("x.exe"), std::nullopt);
  EXPECT_EQ(MediaTypeOf(FileKind::kOdt), "application/vnd.oasis.opendocument.text");
}

}  // namespace
}  // namespace ecab::documents
