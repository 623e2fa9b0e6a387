#include "replay_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace examples {
namespace {

constexpr int kReadTimeoutMs = 5000;  // a client that stops sending mid-request is dropped

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// The value of header `name` (lowercase) in a lowercased header block, or "".
std::string header_value(const std::string& headers, const std::string& name) {
    const auto at = headers.find("\r\n" + name + ":");
    if (at == std::string::npos) return "";
    auto begin = at + name.size() + 3;
    const auto end = headers.find("\r\n", begin);
    while (begin < end && (headers[begin] == ' ' || headers[begin] == '\t')) ++begin;
    return headers.substr(begin, end - begin);
}

void send_all(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // the client went away
        sent += static_cast<std::size_t>(n);
    }
}

}  // namespace

ReplayServer::ReplayServer(std::vector<std::string> replies) : replies_(std::move(replies)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener_ < 0) throw std::runtime_error(std::string("replay server: socket: ") + std::strerror(errno));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;  // any free port
    socklen_t length = sizeof address;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0 || ::pipe2(wake_, O_CLOEXEC) != 0) {
        const std::string reason = std::strerror(errno);
        ::close(listener_);
        throw std::runtime_error("replay server: cannot listen on 127.0.0.1: " + reason);
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
}

ReplayServer::~ReplayServer() {
    const char stop = 's';
    while (::write(wake_[1], &stop, 1) < 0 && errno == EINTR) {
    }
    thread_.join();
    ::close(listener_);
    ::close(wake_[0]);
    ::close(wake_[1]);
}

std::string ReplayServer::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void ReplayServer::serve() {
    for (;;) {
        pollfd fds[2] = {{listener_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (fds[1].revents != 0) return;  // stopping
        const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (connection < 0) continue;
        answer(connection);
        ::close(connection);
    }
}

void ReplayServer::answer(int connection) {
    // Read the headers, then as much body as Content-Length announces.
    std::string request;
    std::size_t header_end = std::string::npos;
    std::size_t wanted = 0;
    bool continued = false;
    for (;;) {
        if (header_end == std::string::npos) {
            header_end = request.find("\r\n\r\n");
            if (header_end != std::string::npos) {
                const std::string headers = lowercase(request.substr(0, header_end + 2));
                wanted = header_end + 4 + std::strtoul(header_value(headers, "content-length").c_str(), nullptr, 10);
                if (!continued && header_value(headers, "expect") == "100-continue") {
                    send_all(connection, "HTTP/1.1 100 Continue\r\n\r\n");
                    continued = true;
                }
            }
        }
        if (header_end != std::string::npos && request.size() >= wanted) break;
        pollfd fds[2] = {{connection, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        const int ready = ::poll(fds, 2, kReadTimeoutMs);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0 || fds[1].revents != 0) return;  // timed out, or stopping
        char buffer[8192];
        const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // the client closed the connection
        request.append(buffer, static_cast<std::size_t>(n));
    }

    const bool recorded = next_ < replies_.size();
    const std::string body =
        recorded ? replies_[next_++] : R"({"error":{"message":"replay server: no more recorded replies"}})";
    send_all(connection, std::string(recorded ? "HTTP/1.1 200 OK" : "HTTP/1.1 500 Internal Server Error") +
                             "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                             "\r\nConnection: close\r\n\r\n" + body);
    ::shutdown(connection, SHUT_WR);
}

std::string tool_call_reply(std::string_view tool, std::string_view arguments) {
    using nlohmann::json;
    const json call{{"id", "call_replay"}, {"type", "function"}, {"function", {{"name", tool}, {"arguments", arguments}}}};
    const json message{{"role", "assistant"}, {"content", nullptr}, {"tool_calls", {call}}};
    return json{{"id", "chatcmpl-replay"},
                {"object", "chat.completion"},
                {"model", "replay"},
                {"choices", {{{"index", 0}, {"message", message}, {"finish_reason", "tool_calls"}}}},
                {"usage", {{"prompt_tokens", 70}, {"completion_tokens", 12}, {"total_tokens", 82}}}}
        .dump();
}

}  // namespace examples
