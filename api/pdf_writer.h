// api/pdf_writer.h — a PDF file assembled from its objects: numbered from 1
// (the first is the catalog), with the cross-reference table and trailer
// every reader needs. For the demo's document and the tests' files; no
// layout, fonts or compression.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ecab::api {

inline std::string AssemblePdf(const std::vector<std::string>& objects) {
  std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t o : offsets) {
    const std::string n = std::to_string(o);
    out += std::string(10 - n.size(), '0') + n + " 00000 n \n";
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

}  // namespace ecab::api
