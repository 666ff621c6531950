// Hostile clients at the transport (issue 13), each class against a real
// server on loopback: requests that are not HTTP/1.1, headers dripped one
// byte at a time, stalled bodies, oversized bodies from a client that sends
// them whole before reading, waits for the read models, connection caps and
// feed clients that never read. The raw TLS clients are Python's (ssl,
// http.client): independent of our own client code.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <future>
#include <thread>

#include "api/testing.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;
using testing::Parse;

// One scenario per run: prints one JSON object {status, elapsed, …}.
constexpr const char* kClient = R"PY(
import http.client, json, select, socket, ssl, sys, time
port, cafile, scenario = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=cafile)

def connect():
    raw = socket.create_connection(("127.0.0.1", port), timeout=30)
    return ctx.wrap_socket(raw, server_hostname="localhost")

def answer(s, started):
    s.settimeout(30)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, ssl.SSLError, socket.timeout) as e:
        return {"status": 0, "error": type(e).__name__, "elapsed": time.time() - started}
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    status = int(line.split(" ")[1]) if line.startswith("HTTP/1.1 ") else 0
    return {"status": status, "elapsed": time.time() - started, "head": data.decode("latin-1")[:2000]}

RAW = {
    "stall-body": b"Content-Length: 100\r\n\r\n{\"person\"",                      # then nothing
    "cl-te": b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",  # both lengths
    "bad-chunk": b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",          # not hex
}

if scenario == "drip":
    s = connect(); started = time.time(); s.setblocking(False)
    s.send(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
    result = None
    for i in range(120):  # one header byte every 0.25 s, for up to 30 s
        try:
            s.send(b"X")
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, BlockingIOError):  # closed, or its buffer full
            pass
        time.sleep(0.25)
        readable, _, _ = select.select([s], [], [], 0)
        if readable:  # an answer (or the close) arrived while dripping
            break
    s.setblocking(True)
    result = answer(s, started)
elif scenario in RAW:  # one request as raw bytes, then the answer
    s = connect(); started = time.time()
    s.sendall(b"POST /v1/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + RAW[scenario])
    result = answer(s, started)
elif scenario == "oversize":
    statuses = []
    for i in range(5):
        c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=30)
        c._context.check_hostname = False
        try:
            c.request("POST", "/v1/login", body=b"x" * (2 << 20), headers={"Content-Type": "application/json"})
            statuses.append(c.getresponse().status)
        except Exception as e:
            statuses.append(type(e).__name__)
        c.close()
    result = {"statuses": statuses}
print(json.dumps(result))
)PY";

json RunClient(Node& node, const std::string& scenario) {
  const auto script = node.dir.path() / "client.py";
  if (!std::filesystem::exists(script)) std::ofstream(script) << kClient;
  const std::string command = "timeout 60 python3 " + script.string() + " " +
                              std::to_string(node.server->port()) + " " +
                              (node.dir.path() / "tls.crt").string() + " " + scenario + " 2>&1";
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  std::array<char, 4096> buf{};
  while (pipe && std::fgets(buf.data(), buf.size(), pipe) != nullptr) out += buf.data();
  if (pipe) ::pclose(pipe);
  auto parsed = json::parse(out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << scenario << ": " << out;
  return parsed.is_discarded() ? json::object() : parsed;
}

http::ServerOptions Tight() {
  http::ServerOptions o;
  o.read_timeout = std::chrono::milliseconds(1000);
  o.idle_timeout = std::chrono::milliseconds(30'000);
  o.max_body_bytes = 4096;
  return o;
}

TEST(Transport, RequestsThatAreNotHttp11AreAnswered400BeforeTheConnectionCloses) {
  Node node;
  node.Serve(Tight());
  for (const std::string scenario : {"cl-te", "bad-chunk"}) {
    const json r = RunClient(node, scenario);
    EXPECT_EQ(r.value("status", 0), 400) << scenario << ": " << r.dump();
    EXPECT_NE(r.value("head", "").find("application/problem+json"), std::string::npos) << r.dump();
  }
}

TEST(Transport, AHeaderDrippedByteByByteGetsA408AfterTheReadTimeoutNotTheIdleTimeout) {
  Node node;
  node.Serve(Tight());
  const json r = RunClient(node, "drip");
  EXPECT_EQ(r.value("status", 0), 408) << r.dump();
  EXPECT_LT(r.value("elapsed", 99.0), 5.0) << "held for the idle timeout: " << r.dump();
}

TEST(Transport, AStalledBodyGetsItsA408OnTheWire) {
  Node node;
  node.Serve(Tight());
  const json r = RunClient(node, "stall-body");
  EXPECT_EQ(r.value("status", 0), 408) << r.dump();
  EXPECT_LT(r.value("elapsed", 99.0), 5.0) << r.dump();
}

TEST(Transport, AClientSendingAnOversizedBodyWholeReadsThe413) {
  Node node;
  node.Serve(Tight());
  const json r = RunClient(node, "oversize");
  EXPECT_EQ(r["statuses"], json::array({413, 413, 413, 413, 413})) << r.dump();
}

TEST(Transport, ConnectionsFromOneAddressAreCappedAndAPlaceFreesWhenOneCloses) {
  Node node;
  http::ServerOptions o;
  o.max_connections_per_address = 3;
  node.Serve(o);
  std::vector<std::unique_ptr<http::HttpsClient>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(node.Client());
    ASSERT_NE(open.back(), nullptr);
    EXPECT_EQ(open.back()->Send("GET", "/healthz").status, 200);
  }
  std::string error;
  EXPECT_EQ(http::HttpsClient::Connect(node.ClientOptions(), &error), nullptr)
      << "a fourth connection was served";
  EXPECT_GE(node.server->counters().refused_connections.load(), 1u);
  open.pop_back();
  std::unique_ptr<http::HttpsClient> again;
  for (int i = 0; i < 50 && !again; ++i) {  // the closed one's place comes back
    again = http::HttpsClient::Connect(node.ClientOptions(), &error);
    if (!again) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_NE(again, nullptr) << error;
  EXPECT_EQ(again->Send("GET", "/healthz").status, 200);
}

TEST(Transport, WaitsForTheReadModelsHoldNoWorkerAndAreBoundedPerAddress) {
  Node node;
  http::ServerOptions o;
  o.worker_threads = 2;
  o.max_waits_per_address = 4;
  node.Serve(o);
  const std::string pm = node.Token("pm");
  const std::map<std::string, std::string> auth = {{"authorization", "Bearer " + pm}};
  // A position beyond the head is refused at once.
  auto client = node.Client();
  const auto beyond = client->Send("GET", "/v1/bodies/gov-vn?min_position=1000000000000", "", auth);
  EXPECT_EQ(beyond.status, 422) << beyond.body;
  // The read models stop; the log moves on: waits for its head cannot end early.
  node.app->projections().Stop();
  ASSERT_EQ(client
                ->Send("POST", "/v1/bodies/gov-vn/documents", R"({"document":"d1","title":"T"})",
                       {{"authorization", "Bearer " + node.Token("gov-office-staff-1")},
                        {"content-type", "application/json"}})
                .status,
            201);
  const std::string wait =
      "/v1/bodies/gov-vn?min_position=" + std::to_string(node.store->head_position());
  std::vector<std::future<int>> waits;
  for (int i = 0; i < 6; ++i) {
    waits.push_back(std::async(std::launch::async, [&] {
      auto c = node.Client();
      return c ? c->Send("GET", wait, "", auth).status : 0;
    }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Meanwhile a command, which needs a worker, is answered at once.
  const auto started = std::chrono::steady_clock::now();
  const auto command =
      client->Send("POST", "/v1/bodies/gov-vn/documents", R"({"document":"d2","title":"T"})",
                   {{"authorization", "Bearer " + node.Token("gov-office-staff-1")},
                    {"content-type", "application/json"}});
  EXPECT_EQ(command.status, 201) << command.body;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2))
      << "the waits held the workers";
  std::map<int, int> statuses;
  for (auto& w : waits) ++statuses[w.get()];
  EXPECT_EQ(statuses[429], 2) << "beyond 4 waits per address";
  EXPECT_EQ(statuses[503], 4) << "the waits end with views-behind after the limit";
}

// CPU seconds (user + system) process `pid` has used.
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text{std::istreambuf_iterator<char>(in), {}};
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(f);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Under `ulimit -n 200`, 300 idle connections: the server keeps its
// connections below what its descriptors allow (it says so at start), closes
// the others as they come, never spins, and serves again afterwards. (When
// accept() fails all the same, it backs off 100 ms: api/http/server.cc.)
TEST(Transport, WithFewDescriptorsConnectionsStayBelowThemAndTheAcceptLoopNeverSpins) {
  es::testing::TempDir dir;
  const auto log = dir.path() / "node.log";
  const pid_t pid = ::fork();
  if (pid == 0) {
    const rlimit few{200, 200};
    ::setrlimit(RLIMIT_NOFILE, &few);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 2);
    ::execl(ECAB_ECABINETD, "ecabinetd", "--data-dir", (dir.path() / "node").c_str(), "--port", "0",
            "--password-cost", "10", "--max-connections-per-address", "1000",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  } reaper{pid};
  int port = 0;
  for (int i = 0; i < 300 && port == 0; ++i) {  // up to 30 s
    std::ifstream in(log);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    if (auto at = text.find("\"url\":\"https://127.0.0.1:"); at != std::string::npos)
      port = std::stoi(text.substr(at + 25));
    if (port == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GT(port, 0) << "ecabinetd did not start serving";
  std::vector<int> idle;
  for (int i = 0; i < 300; ++i) {  // idle connections, more than it has descriptors
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    idle.push_back(s);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const double before = CpuSeconds(pid);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const double spent = CpuSeconds(pid) - before;
  EXPECT_LT(spent, 0.5) << "the accept loop spun: " << spent << " CPU s in 2 s";
  {
    std::ifstream in(log);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    EXPECT_NE(text.find("\"max_connections\":136"), std::string::npos)
        << "200 descriptors, 64 kept: " << text;
  }
  for (int s : idle) ::close(s);
  http::ClientOptions options;
  options.port = static_cast<std::uint16_t>(port);
  options.timeout = std::chrono::seconds(5);
  int status = 0;
  for (int i = 0; i < 100 && status != 200;
       ++i) {  // up to ~20 s as the handshakes of the closed ones fail
    std::string error;
    if (auto c = http::HttpsClient::Connect(options, &error))
      status = c->Send("GET", "/healthz").status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(status, 200) << "it did not serve again";
}

}  // namespace
}  // namespace ecab::api
