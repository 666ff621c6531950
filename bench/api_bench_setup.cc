// api_bench_setup — prepares a running demo node for bench/api_bench.sh: logs
// everyone in over HTTPS, opens the demo meeting's session with a quorum and a
// vote, and writes (1) the secretariat's token for the dashboard run and
// (2) per wrk thread, a file of ballot requests signed in advance with each
// member's own demo key (distinct Idempotency-Keys, so every one is a real,
// verified, appended ballot change).
//
//   api_bench_setup --port P --data-dir D --out DIR --threads T --ballots N --rounds R
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "api/http/client.h"
#include "api/pki.h"
#include "api/schema.h"
#include "domain/meeting/meeting.h"
#include "domain/signing/signed_act.h"
#include "eventstore/clock.h"

namespace {

using nlohmann::json;

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// PEM certificate -> "sha256:<hex>" of its DER.
std::string Fingerprint(const std::string& pem) {
  std::string b64;
  std::istringstream lines(pem);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("-----")) b64 += line;
  }
  return ecab::CertificateFingerprint(*ecab::api::Base64Decode(b64));
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, threads = 2, ballots = 20000, rounds = 1;
  std::filesystem::path data_dir, out;
  std::string password = "cabinet-demo-2019", password_file;
  CLI::App app{"prepares a demo node for the API benchmark"};
  app.add_option("--port", port)->required();
  app.add_option("--data-dir", data_dir)->required();
  app.add_option("--out", out)->required();
  app.add_option("--threads", threads)->capture_default_str();
  app.add_option("--ballots", ballots, "signed ballot requests per round")->capture_default_str();
  app.add_option("--rounds", rounds, "sets of ballots, one per benchmark round")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  ecab::http::ClientOptions options;
  options.port = static_cast<std::uint16_t>(port);
  options.ca_file = data_dir / "tls" / "server.crt.pem";
  std::string error;
  auto client = ecab::http::HttpsClient::Connect(options, &error);
  if (!client) {
    std::cerr << "connect: " << error << "\n";
    return 1;
  }
  std::map<std::string, std::string> tokens;
  auto login = [&](const std::string& person) {
    auto r =
        client->Send("POST", "/v1/login", json{{"person", person}, {"password", password}}.dump());
    if (r.status != 200) throw std::runtime_error("login " + person + ": " + r.body);
    tokens[person] = json::parse(r.body)["token"];
  };
  auto call = [&](const std::string& as, const std::string& method, const std::string& path,
                  const json& body) {
    auto r = client->Send(method, path, body.is_null() ? "" : body.dump(),
                          {{"Authorization", "Bearer " + tokens[as]}});
    if (r.status >= 300) throw std::runtime_error(method + " " + path + ": " + r.body);
    return json::parse(r.body);
  };
  try {
    login("pm");
    login("gov-office-staff-1");
    const json body = call("pm", "GET", "/v1/bodies/gov-vn", nullptr);
    std::vector<std::string> members;
    for (const auto& p : body["people"]) {
      if (p["role"] == "member" || p["role"] == "chair") members.push_back(p["person"]);
    }
    for (const auto& m : members) login(m);
    std::ofstream(out / "dashboard-token") << tokens["gov-office-staff-1"];

    const std::string m = "/v1/bodies/gov-vn/meetings/demo-1";
    const std::string vote = "bench-" + std::to_string(std::random_device{}());
    const json meeting = call("pm", "GET", m, nullptr);
    if (meeting["status"] == "scheduled") call("pm", "POST", m + "/session", nullptr);
    for (std::size_t i = 0; i < members.size() && i < 20; ++i) {
      client->Send(
          "POST", m + "/check-ins", json{{"person", members[i]}, {"attendance", "in_room"}}.dump(),
          {{"Authorization",
            "Bearer " + tokens["gov-office-staff-1"]}});  // already checked in: refused, fine
    }
    if (call("pm", "GET", m, nullptr)["current_item"] != "item-1")
      call("pm", "POST", m + "/items/item-1/take-up", nullptr);
    call("pm", "POST", m + "/votes", {{"vote", vote}, {"question", "Benchmark question"}});

    std::map<std::string, std::pair<ecab::api::pki::Ed25519Signer, std::string>>
        keys;  // person -> (key, fingerprint)
    for (const auto& p : members) {
      keys.emplace(
          p, std::pair{ecab::api::pki::Ed25519Signer(
                           ReadFile(data_dir / "demo" / "people" / (p + ".key.pem"))),
                       Fingerprint(ReadFile(data_dir / "demo" / "people" / (p + ".crt.pem")))});
    }
    const ecab::Timestamp now = ecab::es::SystemClock().Now();
    const std::string path = m + "/votes/" + vote + "/ballots";
    for (int round = 0; round < rounds; ++round)
      for (int t = 0; t < threads; ++t) {
        std::ofstream file(
            out / ("ballots-" + std::to_string(round + 1) + "-" + std::to_string(t) + ".tsv"));
        for (int i = t; i < ballots; i += threads) {
          const std::string& voter = members[static_cast<std::size_t>(i) % members.size()];
          const std::string key = vote + "-" + std::to_string(round) + "-" + std::to_string(i);
          const auto choice =
              i % 3 == 0 ? ecab::meeting::Choice::kAgainst : ecab::meeting::Choice::kFor;
          const auto payload = ecab::meeting::BallotPayload(
              "gov-vn", "demo-1", vote, voter, "", choice, "api:" + voter + ":" + key, now);
          auto signature = keys.at(voter).first.Sign(ecab::CanonicalJson(payload));
          if (!signature.ok()) throw std::runtime_error(ecab::ToString(signature.error()));
          const json request = {{"choice", ecab::meeting::ChoiceName(choice)},
                                {"signature",
                                 {{"algorithm", "ed25519"},
                                  {"value", ecab::api::Base64Encode(*signature)},
                                  {"certificate", keys.at(voter).second},
                                  {"signed_at", ecab::FormatRfc3339(now)}}}};
          file << tokens[voter] << '\t' << path << '\t' << key << '\t' << request.dump() << '\n';
        }
      }
    std::cout << "vote " << vote << " open; " << rounds << " x " << ballots << " signed ballots\n";
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
