// The listener: TLS context, the accept loop, the limits shared by the
// sessions, and the graceful stop (api/http/server_impl.h).
#include <sys/resource.h>

#include "api/http/server_impl.h"

namespace ecab::http {
namespace internal {

bool ServerImpl::Init(std::string* error) {
  try {
    tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                     ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(tls_.native_handle(), TLS1_2_VERSION);
    // TLS 1.2: forward-secret AEAD suites only (no CBC, no static RSA);
    // TLS 1.3 offers only AEAD suites by design.
    if (SSL_CTX_set_cipher_list(tls_.native_handle(),
                                "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") != 1) {
      *error = "no TLS 1.2 cipher suite could be set";
      return false;
    }
    tls_.use_certificate_chain_file(options_.certificate_chain.string());
    tls_.use_private_key_file(options_.private_key.string(), ssl::context::pem);
    if (options_.request_client_certificates) {
      // Any certificate is taken at the TLS layer; the application checks it
      // against the body's trust anchor and enrolled certificates.
      SSL_CTX_set_verify(tls_.native_handle(), SSL_VERIFY_PEER,
                         [](int, X509_STORE_CTX*) { return 1; });
    }
    const tcp::endpoint endpoint(net::ip::make_address(options_.address), options_.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
  return true;
}

void ServerImpl::Start() {
  Accept();
  for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
    io_threads_.emplace_back([this] { ioc_.run(); });
  }
}

void ServerImpl::Stop() {
  if (stopped_.exchange(true)) return;
  stopping_.store(true);
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
  for (auto& s : LiveSessions()) s->BeginStop();
  {
    std::unique_lock lock(mu_);
    // Requests finish; feeds send their close frame and see the client's.
    cv_.wait_until(lock, Clock::now() + options_.shutdown_grace, [&] {
      return in_flight_ == 0 && pumps_ == 0 && counters_.open_websockets.load() == 0;
    });
  }
  workers_.join();
  work_.reset();
  // Whatever is still open after the grace period is cut.
  const auto deadline = Clock::now() + std::chrono::seconds(2);
  while (counters_.connections.load() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ioc_.stop();
  for (auto& t : io_threads_) t.join();
  io_threads_.clear();
  std::unique_lock lock(mu_);
  cv_.wait_until(lock, Clock::now() + std::chrono::seconds(2), [&] { return pumps_ == 0; });
}

void ServerImpl::Accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!acceptor_.is_open()) return;
      // Out of descriptors (EMFILE, ENFILE) or memory: the pending
      // connection stays queued; try again after a pause, not at once.
      counters_.accept_failures.fetch_add(1);
      accept_backoff_.expires_after(std::chrono::milliseconds(100));
      accept_backoff_.async_wait([this](beast::error_code) {
        if (acceptor_.is_open()) Accept();
      });
      return;
    }
    beast::error_code ignored;
    const auto endpoint = socket.remote_endpoint(ignored);
    if (auto slot = Admit(ignored ? std::string() : endpoint.address().to_string())) {
      auto session = std::make_shared<HttpSession>(*this, std::move(socket), tls_, std::move(slot));
      Register(session);
      session->Start();
    } else {
      counters_.refused_connections.fetch_add(1);
      socket.close(ignored);
    }
    if (acceptor_.is_open()) Accept();
  });
}

std::vector<std::shared_ptr<Stoppable>> ServerImpl::LiveSessions() {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<Stoppable>> live;
  for (auto& w : sessions_) {
    if (auto s = w.lock()) live.push_back(std::move(s));
  }
  return live;
}

}  // namespace internal

std::size_t ConnectionsTheDescriptorsAllow(std::size_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return wanted;
  const std::size_t soft = static_cast<std::size_t>(limit.rlim_cur);
  const std::size_t reserve = std::max<std::size_t>(64, soft / 4);
  return std::min(wanted, soft > reserve + 16 ? soft - reserve : 16);
}

std::unique_ptr<Server> Server::Create(ServerOptions options, Handler& handler,
                                       std::string* error) {
  options.max_connections = ConnectionsTheDescriptorsAllow(options.max_connections);
  auto server = std::make_unique<internal::ServerImpl>(std::move(options), handler);
  if (!server->Init(error)) return nullptr;
  return server;
}

}  // namespace ecab::http
