// notifications_bench — the dispatcher delivering a burst of email
// notifications to Debian's aiosmtpd on loopback (STARTTLS + AUTH) over N
// connections, against two baselines in the same run: the same messages sent
// by libcurl directly over N connections (no log, no rendering), and by the
// `curl` command in N parallel loops (one process, one TLS handshake and AUTH
// per message).
//
//   notifications_bench --messages 10000 --connections 4 --curl-messages 1000
//
// Prints deliveries per second, the end-to-end latency (notification.requested
// recorded → message accepted by the relay; a burst, so it includes the wait
// in the queue) p50/p99, and the ratios.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/command/command_service.h"
#include "api/demo_cabinet.h"
#include "api/mailer.h"
#include "api/notifier.h"
#include "api/pki.h"
#include "api/platform.h"
#include "domain/reminders/reminders.h"

namespace {

using namespace ecab;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

std::vector<json> Lines(const std::filesystem::path& file) {
  std::vector<json> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

std::vector<pid_t> children;  // the sinks running, stopped on failure too

void Fail(const std::string& what) {
  std::cerr << "notifications_bench: " << what << "\n";
  for (pid_t pid : children) ::kill(pid, SIGKILL);
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t messages = 10'000, curl_messages = 1'000;
  unsigned connections = 4;
  int port = 0;
  std::string sink_script = ECAB_SMTP_SINK, fixtures = ECAB_FIXTURES_DIR;
  CLI::App cli{"the notification dispatcher against libcurl and curl"};
  cli.add_option("--messages", messages)->capture_default_str();
  cli.add_option("--connections", connections)->capture_default_str();
  cli.add_option("--curl-messages", curl_messages,
                 "messages for the curl command baseline (0: skip)")
      ->capture_default_str();
  cli.add_option("--port", port, "the SMTP sink's port (0: a free one)")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  if (port == 0) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    ::close(fd);
  }

  char pattern[] = "/tmp/ecab-notify-bench-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) Fail("mkdtemp");
  const std::filesystem::path dir = pattern;
  auto tls = api::pki::SelfSignedTls("localhost", {"localhost"}, {"127.0.0.1"}, 2);
  if (!tls.ok()) Fail(ToString(tls.error()));
  std::ofstream(dir / "smtp.crt") << tls->certificate_pem;
  std::ofstream(dir / "smtp.key") << tls->key_pem;
  const auto start_sink = [&](const std::string& out) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      const int fd = ::open((dir / (out + ".log")).c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execl("/usr/bin/python3", "python3", sink_script.c_str(), "--port",
              std::to_string(port).c_str(), "--cert", (dir / "smtp.crt").c_str(), "--key",
              (dir / "smtp.key").c_str(), "--user", "ecab", "--password", "s3cret", "--out",
              (dir / (out + ".jsonl")).c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    children.push_back(pid);
    for (int i = 0; i < 200; ++i) {
      std::ifstream in(dir / (out + ".log"));
      if (std::string{std::istreambuf_iterator<char>(in), {}}.find("ready") != std::string::npos)
        return pid;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    Fail("the SMTP sink did not start");
    return pid;
  };
  const auto stop = [](pid_t pid) {
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
    std::erase(children, pid);
  };
  const api::MailSettings mail{"smtp://127.0.0.1:" + std::to_string(port),
                               "ecab",
                               "s3cret",
                               "e-Cabinet <no-reply@cabinet.example>",
                               true,
                               dir / "smtp.crt",
                               30};

  // The store, the cabinet, everyone's email address.
  es::StoreOptions store_options;
  store_options.dir = dir / "store";
  store_options.keys = *es::KeyRing::FromKeys({{"k1", es::AesKey{}}});
  auto store = es::EventStore::Open(store_options);
  if (!store.ok()) Fail(ToString(store.error()));
  api::CommandService commands(**store);
  auto cabinet = api::LoadCabinetFixture(fixtures + "/cabinet-2019.json");
  if (!cabinet.ok()) Fail(ToString(cabinet.error()));
  const Timestamp now = FromMicros(std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
  if (!api::EnsurePlatformAdmin(commands, "platform-admin", now).ok()) Fail("platform admin");
  if (auto s = api::SeedCabinet(commands, *cabinet, api::DemoCabinetSince(), "platform-admin");
      !s.ok()) {
    Fail(ToString(s.error()));
  }
  std::vector<std::string> people;
  for (const auto& p : cabinet->people) {
    directory::ContactSet c{p.person, p.person + "@gov.vn", "", "vi", {"email"}, -1, -1, false};
    if (commands
            .Execute(cabinet->body.body, directory::SetContact{c},
                     CommandContext{now, "bootstrap", Role::kAdmin, "", "contact:" + p.person})
            .ok()) {
      people.push_back(p.person);
    }
  }

  // The burst: `messages` notifications requested, one command per recipient group.
  const auto requested_from = (*store)->head_position() + 1;
  for (std::size_t n = 0, source = 1; n < messages; ++source) {
    reminders::RequestNotifications r{source,
                                      reminders::NotificationKind::kFormIssued,
                                      "form-bench",
                                      {},
                                      {},
                                      false,
                                      "Opinion form",
                                      "Please answer"};
    for (std::size_t i = 0; i < people.size() && n < messages; ++i, ++n)
      r.recipients.push_back(people[i]);
    r.params = {{"title", "Dự thảo Nghị định số " + std::to_string(source)},
                {"deadline", FormatRfc3339(now)}};
    auto done =
        commands.Execute(cabinet->body.body, r,
                         CommandContext{now, std::string(reminders::kHeraldActor),
                                        Role::kSecretariat, "", reminders::NotifyCommandId(r)});
    if (!done.ok()) Fail(ToString(done.error()));
  }
  std::map<std::uint64_t, double> requested_at;  // position -> Unix seconds
  auto all = (*store)->ReadAll(requested_from, messages * 2);
  for (const auto& e : *all) {
    if (e.type == reminders::NotificationRequested::kType)
      requested_at[e.position] = ToMicros(e.recorded_at) / 1e6;
  }

  // The dispatcher.
  pid_t sink = start_sink("ecab");
  es::SystemClock clock;
  api::NotifierOptions options;
  options.connections = connections;
  api::Notifier notifier(**store, commands, api::Mailer(mail), api::SmsGateway({}), clock, options);
  const auto t0 = Clock::now();
  while (notifier.stats().channels["email"].delivered < messages || notifier.stats().pending > 0) {
    if (auto r = notifier.RunOnce(); !r.ok()) Fail(ToString(r.error()));
    if (Clock::now() - t0 > std::chrono::minutes(10)) Fail("not delivered in 10 minutes");
  }
  const double ecab_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop(sink);
  std::vector<double> latency;
  for (const auto& m : Lines(dir / "ecab.jsonl")) {
    const std::string data = m["data"];
    const auto at = data.find("Message-ID: <n");
    const std::uint64_t position = std::stoull(data.substr(at + 14));
    latency.push_back((m["t"].get<double>() - requested_at[position]) * 1000);
  }

  // Baseline 1: libcurl directly, the same messages, the same connections.
  sink = start_sink("libcurl");
  std::atomic<std::size_t> next{0};
  std::vector<double> libcurl_ms(messages);
  const auto t1 = Clock::now();
  {
    api::Mailer mailer(mail);  // before the senders: they join before it goes
    std::vector<std::jthread> senders;
    for (unsigned c = 0; c < connections; ++c) {
      senders.emplace_back([&] {
        for (std::size_t i = next++; i < messages; i = next++) {
          const auto s = Clock::now();
          api::Mail m{people[i % people.size()] + "@gov.vn", "Phiếu lấy ý kiến: Dự thảo Nghị định",
                      "Kính gửi đồng chí,\n\nĐề nghị đồng chí cho ý kiến.\n",
                      "<p>Kính gửi đồng chí</p>", "<b" + std::to_string(i) + "@bench>"};
          if (auto sent = mailer.Send(m); !sent.ok)
            Fail("libcurl baseline: a message was refused: " + sent.reason);
          libcurl_ms[i] = std::chrono::duration<double, std::milli>(Clock::now() - s).count();
        }
      });
    }
  }
  const double libcurl_seconds = std::chrono::duration<double>(Clock::now() - t1).count();
  stop(sink);

  // Baseline 2: the curl command in `connections` parallel loops.
  double curl_seconds = 0;
  std::vector<double> curl_ms;
  if (curl_messages > 0) {
    sink = start_sink("curl");
    std::ofstream(dir / "message.eml")
        << api::MimeMessage(mail.from,
                            api::Mail{"x@gov.vn", "Phiếu lấy ý kiến", "Kính gửi đồng chí",
                                      "<p>Kính gửi</p>", "<c@bench>"},
                            "Mon, 24 Jun 2019 08:00:00 +0700");
    std::mutex mu;
    next = 0;
    const auto t2 = Clock::now();
    {
      std::vector<std::jthread> loops;
      for (unsigned c = 0; c < connections; ++c) {
        loops.emplace_back([&] {
          for (std::size_t i = next++; i < curl_messages; i = next++) {
            const std::string command =
                "curl -s --url smtp://127.0.0.1:" + std::to_string(port) + " --ssl-reqd --cacert " +
                (dir / "smtp.crt").string() +
                " --user ecab:s3cret --mail-from no-reply@cabinet.example --mail-rcpt " +
                people[i % people.size()] + "@gov.vn --upload-file " +
                (dir / "message.eml").string();
            const auto s = Clock::now();
            if (std::system(command.c_str()) != 0) Fail("curl baseline: curl failed");
            std::lock_guard g(mu);
            curl_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
          }
        });
      }
    }
    curl_seconds = std::chrono::duration<double>(Clock::now() - t2).count();
    stop(sink);
  }

  const double ecab_rate = static_cast<double>(messages) / ecab_seconds;
  const double libcurl_rate = static_cast<double>(messages) / libcurl_seconds;
  std::printf("notifications: %zu to aiosmtpd (STARTTLS + AUTH) over %u connections\n", messages,
              connections);
  std::printf(
      "  ecab dispatcher : %8.0f deliveries/s  (%.2f s)  latency requested->accepted p50 %.0f ms  "
      "p99 %.0f ms\n",
      ecab_rate, ecab_seconds, Quantile(latency, 0.5), Quantile(latency, 0.99));
  std::printf(
      "  libcurl direct  : %8.0f messages/s    (%.2f s)  per message p50 %.1f ms  p99 %.1f ms\n",
      libcurl_rate, libcurl_seconds, Quantile(libcurl_ms, 0.5), Quantile(libcurl_ms, 0.99));
  if (curl_messages > 0) {
    const double curl_rate = static_cast<double>(curl_messages) / curl_seconds;
    std::printf(
        "  curl command    : %8.0f messages/s    (%zu messages, %.2f s)  per message p50 %.1f ms  "
        "p99 %.1f ms\n",
        curl_rate, curl_messages, curl_seconds, Quantile(curl_ms, 0.5), Quantile(curl_ms, 0.99));
    std::printf("  ratio ecab / curl command: %.2f\n", ecab_rate / curl_rate);
  }
  std::printf("  ratio ecab / libcurl direct: %.2f\n", ecab_rate / libcurl_rate);
  std::filesystem::remove_all(dir);
  return 0;
}
