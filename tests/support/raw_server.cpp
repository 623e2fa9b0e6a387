// A hostile HTTP peer on loopback; see raw_server.hpp.
#include "raw_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace test_support {
namespace {

constexpr int kPollSlice = 20;  // ms: how often a blocked handler looks whether the server stops

// The value of Content-Length in a request head, or 0.
std::size_t content_length(std::string_view head) {
    std::string lowered(head);
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto at = lowered.find("\r\ncontent-length:");
    if (at == std::string::npos) return 0;
    return static_cast<std::size_t>(std::strtoull(lowered.c_str() + at + 17, nullptr, 10));
}

}  // namespace

bool RawConnection::stopping() const noexcept { return server_.stopping_.load(); }

std::string RawConnection::read_request() {
    std::size_t head_end = std::string::npos;
    for (;;) {
        if (head_end == std::string::npos) {
            head_end = pending_.find("\r\n\r\n");
            if (head_end != std::string::npos) head_end += 4;
        }
        if (head_end != std::string::npos &&
            pending_.size() >= head_end + content_length(pending_.substr(0, head_end))) {
            const std::size_t size = head_end + content_length(pending_.substr(0, head_end));
            std::string request = pending_.substr(0, size);
            pending_.erase(0, size);
            std::lock_guard lock(server_.mutex_);
            server_.requests_.push_back(request);
            return request;
        }
        if (stopping()) return {};
        pollfd ready{.fd = socket_, .events = POLLIN, .revents = 0};
        if (::poll(&ready, 1, kPollSlice) <= 0) continue;
        char buffer[16384];
        const ssize_t got = ::recv(socket_, buffer, sizeof buffer, 0);
        if (got <= 0) return {};
        pending_.append(buffer, static_cast<std::size_t>(got));
    }
}

bool RawConnection::write(std::string_view bytes) {
    while (!bytes.empty()) {
        if (stopping()) return false;
        pollfd ready{.fd = socket_, .events = POLLOUT, .revents = 0};
        if (::poll(&ready, 1, kPollSlice) <= 0) continue;
        const ssize_t sent = ::send(socket_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
}

bool RawConnection::pause(std::chrono::milliseconds time) {
    const auto until = std::chrono::steady_clock::now() + time;
    while (std::chrono::steady_clock::now() < until) {
        if (stopping()) return false;
        std::this_thread::sleep_for(
            std::min(std::chrono::milliseconds(kPollSlice),
                     std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now())));
    }
    return !stopping();
}

RawServer::RawServer(Handler handler) : handler_(std::move(handler)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listener_ < 0) throw std::runtime_error("RawServer: no socket");
    const int yes = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 64) != 0) {
        ::close(listener_);
        throw std::runtime_error("RawServer: cannot listen on 127.0.0.1");
    }
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

RawServer::~RawServer() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    acceptor_.join();
    {
        std::lock_guard lock(mutex_);
        for (const int socket : sockets_) ::shutdown(socket, SHUT_RDWR);
    }
    for (auto& thread : threads_) thread.join();
    for (const int socket : sockets_) ::close(socket);
    ::close(listener_);
}

std::vector<std::string> RawServer::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

void RawServer::accept_loop() {
    while (!stopping_) {
        pollfd ready{.fd = listener_, .events = POLLIN, .revents = 0};
        if (::poll(&ready, 1, kPollSlice) <= 0) continue;
        const int socket = ::accept(listener_, nullptr, nullptr);
        if (socket < 0) continue;
        std::lock_guard lock(mutex_);
        sockets_.push_back(socket);
        threads_.emplace_back([this, socket] {
            RawConnection connection(socket, *this);
            try {
                handler_(connection);
            } catch (...) {
                // A handler's failure is the test's to notice (the client sees the connection end).
            }
            ::shutdown(socket, SHUT_RDWR);
        });
    }
}

}  // namespace test_support
