// api/test_servers.h — servers the notification tests talk to, started and
// stopped by the tests on loopback: Debian's aiosmtpd (tests/servers/
// smtp_sink.py) and an SMS gateway on Python's http.server
// (tests/servers/sms_gateway.py). Test-only.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "api/pki.h"
#include "eventstore/record.h"

namespace ecab::api::testing {

using nlohmann::json;

// A loopback port nobody listens on now; 0 when none could be had (the
// server asked to listen there then fails to start, which the test reports).
inline int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                     ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  return bound ? ntohs(addr.sin_port) : 0;
}

// A test server (tests/servers/*.py under Debian's python3, not whichever
// python3 is first on PATH), started and stopped by the test; Start returns
// once it prints "ready".
class Child {
 public:
  Child(std::filesystem::path log, std::vector<std::string> argv)
      : log_(std::move(log)), argv_(std::move(argv)) {}
  ~Child() { Stop(); }
  void Start() {
    const std::string log = log_.string();
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<char*> args;
      for (auto& a : argv_) args.push_back(a.data());
      args.push_back(nullptr);
      ::execv("/usr/bin/python3", args.data());
      ::_exit(127);
    }
    for (int i = 0; i < 200; ++i) {  // up to 20 s for "ready"
      std::ifstream in(log_);
      const std::string text{std::istreambuf_iterator<char>(in), {}};
      std::size_t readies = 0;
      for (auto at = text.find("ready"); at != std::string::npos; at = text.find("ready", at + 1))
        ++readies;
      if (readies > starts_) {
        starts_ = readies;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "the test server did not start: " << argv_[1];
  }
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }

 private:
  std::filesystem::path log_;
  std::vector<std::string> argv_;
  pid_t pid_ = 0;
  std::size_t starts_ = 0;  // "ready" lines seen in its log
};

inline std::vector<json> JsonLines(const std::filesystem::path& file) {
  std::vector<json> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

// tests/servers/smtp_sink.py: STARTTLS required, AUTH ecab/s3cret.
class SmtpSink {
 public:
  // `delay_ms`: how long it takes over each message.
  SmtpSink(const std::filesystem::path& dir, int port, int delay_ms = 0)
      : dir_(dir),
        port_(port),
        child_(dir / "smtp.log",
               {"python3", ECAB_SMTP_SINK, "--port", std::to_string(port), "--cert",
                (dir / "smtp.crt").string(), "--key", (dir / "smtp.key").string(), "--user", "ecab",
                "--password", "s3cret", "--out", (dir / "mails.jsonl").string(), "--delay-ms",
                std::to_string(delay_ms)}) {
    auto tls = pki::SelfSignedTls("localhost", {"localhost"}, {"127.0.0.1"}, 2);
    EXPECT_TRUE(tls.ok());
    std::ofstream(dir_ / "smtp.crt") << tls->certificate_pem;
    std::ofstream(dir_ / "smtp.key") << tls->key_pem;
    Start();
  }
  void Start() { child_.Start(); }
  void Stop() { child_.Stop(); }
  std::filesystem::path ca() const { return dir_ / "smtp.crt"; }
  int port() const { return port_; }
  std::vector<json> Mails() const { return JsonLines(dir_ / "mails.jsonl"); }

 private:
  std::filesystem::path dir_;
  int port_;
  Child child_;
};

// tests/servers/sms_gateway.py: 503 to the first `fail_first` requests.
class SmsSink {
 public:
  SmsSink(const std::filesystem::path& dir, int port, int fail_first)
      : dir_(dir),
        child_(dir / "sms.log",
               {"python3", ECAB_SMS_GATEWAY, "--port", std::to_string(port), "--out",
                (dir / "sms.jsonl").string(), "--fail-first", std::to_string(fail_first)}) {
    child_.Start();
  }
  std::vector<json> Requests() const { return JsonLines(dir_ / "sms.jsonl"); }

 private:
  std::filesystem::path dir_;
  Child child_;
};

// A mail's Subject header, its RFC 2047 words decoded and joined.
inline std::string Subject(const std::string& data) {
  const auto start = data.find("Subject: ");
  std::string out;
  for (auto at = data.find("=?UTF-8?B?", start);
       at != std::string::npos && at < data.find("\r\nMIME", start);
       at = data.find("=?UTF-8?B?", at + 1)) {
    const auto end = data.find("?=", at + 10);
    out += es::FromBase64(data.substr(at + 10, end - at - 10)).value_or("?");
  }
  return out;
}

}  // namespace ecab::api::testing
