// api/demo.h — the demo the quick start runs: the 2019 cabinet with a demo CA
// and an Ed25519 signing certificate per person (keys under <data-dir>/demo,
// so clients can sign ballots), an auditor and an archivist, a scheduled
// meeting with an agenda document (a one-page PDF in the document store, its
// text extracted), an issued opinion form, and a password for everyone. Recorded through the same
// commands as the API, under fixed command ids: running it again changes nothing.
#pragma once

#include <filesystem>
#include <string>

#include "api/app.h"
#include "api/demo_cabinet.h"

namespace ecab::api {

struct DemoSummary {
  bool created = false;  // false: it was already there
  std::size_t people = 0;
};

Result<DemoSummary> SetUpDemo(App& app, const CabinetFixture& cabinet,
                              const std::filesystem::path& dir, const std::string& password);

}  // namespace ecab::api
