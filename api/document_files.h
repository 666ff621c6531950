// api/document_files.h — real files for the tests and benchmarks of the
// document store: a PDF whose text poppler reads back (a ToUnicode map for
// Vietnamese), a PDF with no text layer (a scan), an Office package (ZIP).
// Test and benchmark code only.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "api/pdf_writer.h"

namespace ecab::api::testing {

namespace internal {

inline std::vector<char32_t> CodePoints(const std::string& utf8) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (utf8[i + k] & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

inline std::string Hex(unsigned v, int digits) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = kHex[v & 0xF];
  return out;
}

inline std::string Stream(const std::string& dict_extra, const std::string& data) {
  return "<< /Length " + std::to_string(data.size()) + dict_extra + " >>\nstream\n" + data +
         "\nendstream";
}

}  // namespace internal

// A one-page PDF showing `text` (UTF-8; BMP characters, at most 250
// distinct), with `padding` more bytes in an unreferenced stream to make it
// as large as wanted. Empty text: a page with a drawing and no text (a scan).
inline std::string Pdf(const std::string& text, std::size_t padding = 0, unsigned seed = 1) {
  using internal::Hex;
  std::map<char32_t, unsigned> codes;
  std::string shown;
  for (char32_t cp : internal::CodePoints(text)) {
    auto [it, added] = codes.emplace(cp, static_cast<unsigned>(codes.size() + 1));
    if (codes.size() > 250) throw std::runtime_error("too many distinct characters");
    shown += Hex(it->second, 2);
  }
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> "
      ">> /Contents 4 0 R >>",
      internal::Stream("", text.empty() ? "0.5 g 50 50 495 742 re f"
                                        : "BT /F1 10 Tf 20 800 Td <" + shown + "> Tj ET"),
  };
  std::string widths, cmap_chars;
  for (const auto& [cp, code] : codes) {
    cmap_chars += "<" + Hex(code, 2) + "> <" + Hex(static_cast<unsigned>(cp), 4) + ">\n";
  }
  for (std::size_t i = 0; i < codes.size(); ++i) widths += "500 ";
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 1 /LastChar " +
                    std::to_string(std::max<std::size_t>(codes.size(), 1)) + " /Widths [" +
                    (codes.empty() ? std::string("500") : widths) + "] /ToUnicode 6 0 R >>");
  objects.push_back(internal::Stream(
      "",
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n" +
          std::to_string(codes.size()) + " beginbfchar\n" + cmap_chars +
          "endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"));
  if (padding > 0) {
    std::mt19937 gen(seed);
    std::string noise(padding, '\0');
    for (char& c : noise) c = static_cast<char>(gen() & 0xff);
    objects.push_back(internal::Stream("", noise));
  }
  return AssemblePdf(objects);
}

// A ZIP of `entries` (name, content), in order.
inline std::string Zip(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::size_t capacity = 4096;
  for (const auto& [name, content] : entries) capacity += name.size() * 2 + content.size() + 512;
  std::string out(capacity, '\0');
  std::size_t used = 0;
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  archive_write_open_memory(a, out.data(), out.size(), &used);
  for (const auto& [name, content] : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

// A DOCX whose body is one paragraph per line of `text`, split into runs
// mid-word the way word processors do.
inline std::string Docx(const std::vector<std::string>& paragraphs) {
  std::string body;
  for (const std::string& p : paragraphs) {
    const std::size_t half = p.size() / 2;
    std::size_t cut = half;
    while (cut < p.size() && (static_cast<unsigned char>(p[cut]) & 0xC0) == 0x80) ++cut;
    body += "<w:p><w:r><w:t>" + p.substr(0, cut) + "</w:t></w:r><w:r><w:t>" + p.substr(cut) +
            "</w:t></w:r></w:p>";
  }
  return Zip({{"[Content_Types].xml",
               "<?xml version=\"1.0\"?><Types "
               "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"},
              {"word/document.xml",
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document "
               "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>" +
                   body + "</w:body></w:document>"}});
}

}  // namespace ecab::api::testing
