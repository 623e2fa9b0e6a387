#include "replay_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iterator>
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

ReplayServer::ReplayServer(std::vector<std::string> replies)
    : ReplayServer(
          std::vector<Reply>(std::make_move_iterator(replies.begin()), std::make_move_iterator(replies.end()))) {}

ReplayServer::ReplayServer(Responder respond) : ReplayServer(std::vector<Reply>{}) { respond_ = std::move(respond); }

ReplayServer::ReplayServer(std::vector<Reply> replies) : replies_(std::move(replies)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener_ < 0) throw std::runtime_error(std::string("replay server: socket: ") + std::strerror(errno));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;  // any free port
    socklen_t length = sizeof address;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::pipe2(wake_, O_CLOEXEC) != 0) {
        const std::string reason = std::strerror(errno);
        ::close(listener_);
        throw std::runtime_error("replay server: cannot listen on 127.0.0.1: " + reason);
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
}

ReplayServer::~ReplayServer() {
    const char stop = 's';
    while (::write(wake_[1], &stop, 1) < 0 && errno == EINTR) {}
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

    const Reply reply = respond_                  ? respond_(std::string_view(request).substr(header_end + 4))
                        : next_ < replies_.size() ? replies_[next_++]
                                                  : error_reply(500, "replay server: no more recorded replies");
    if (!pause(connection, reply.delay)) return;
    std::string head = "HTTP/1.1 " + std::to_string(reply.status) + (reply.status < 400 ? " OK" : " Error") +
                       "\r\nContent-Type: " + reply.content_type + "\r\nConnection: close\r\n";
    if (reply.pieces.empty()) {
        send_all(connection, head + "Content-Length: " + std::to_string(reply.body.size()) + "\r\n\r\n" + reply.body);
    } else {
        // One HTTP chunk, and one write to the socket, per piece: the client sees them as they come.
        const int on = 1;
        ::setsockopt(connection, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        send_all(connection, head + "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (std::size_t i = 0; i < reply.pieces.size(); ++i) {
            if (i > 0 && !pause(connection, reply.delay)) return;
            const std::string& piece = reply.pieces[i];
            if (piece.empty()) continue;  // a zero-length chunk would end the body
            char size[20];
            std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
            send_all(connection, size + piece + "\r\n");
        }
        send_all(connection, "0\r\n\r\n");
    }
    ::shutdown(connection, SHUT_WR);
}

bool ReplayServer::pause(int connection, std::chrono::milliseconds delay) const {
    const auto until = std::chrono::steady_clock::now() + delay;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        if (left.count() <= 0) return true;
        // The request has been read: the connection becomes readable only when the client closes it.
        pollfd fds[2] = {{connection, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        const int ready = ::poll(fds, 2, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready != 0) return false;  // stopping, or the client gave up (e.g. cancelled)
    }
}

std::string tool_call_reply(std::string_view tool, std::string_view arguments) {
    using nlohmann::json;
    const json call{
        {"id", "call_replay"}, {"type", "function"}, {"function", {{"name", tool}, {"arguments", arguments}}}};
    const json message{{"role", "assistant"}, {"content", nullptr}, {"tool_calls", {call}}};
    return json{{"id", "chatcmpl-replay"},
                {"object", "chat.completion"},
                {"model", "replay"},
                {"choices", {{{"index", 0}, {"message", message}, {"finish_reason", "tool_calls"}}}},
                {"usage", {{"prompt_tokens", 70}, {"completion_tokens", 12}, {"total_tokens", 82}}}}
        .dump();
}

namespace {

using nlohmann::json;

json chunk(const json& delta, const json& finish_reason = nullptr) {
    return {{"id", "chatcmpl-replay"},
            {"object", "chat.completion.chunk"},
            {"model", "replay"},
            {"choices", {{{"index", 0}, {"delta", delta}, {"finish_reason", finish_reason}}}}};
}

// `text` in pieces of about `size` bytes, never cutting a UTF-8 character.
std::vector<std::string> pieces_of(std::string_view text, std::size_t size) {
    std::vector<std::string> out;
    for (std::size_t at = 0; at < text.size();) {
        std::size_t end = std::min(text.size(), at + size);
        while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
        out.emplace_back(text.substr(at, end - at));
        at = end;
    }
    return out;
}

// The events as Server-Sent Events, one piece each, then the usage and the end marker.
Reply sse(const std::vector<json>& events, std::chrono::milliseconds pause) {
    Reply reply{""};
    reply.content_type = "text/event-stream";
    reply.delay = pause;
    for (const auto& event : events) reply.pieces.push_back("data: " + event.dump() + "\n\n");
    const json usage{{"id", "chatcmpl-replay"},
                     {"object", "chat.completion.chunk"},
                     {"model", "replay"},
                     {"choices", json::array()},
                     {"usage", {{"prompt_tokens", 90}, {"completion_tokens", 60}, {"total_tokens", 150}}}};
    reply.pieces.push_back("data: " + usage.dump() + "\n\n");
    reply.pieces.emplace_back("data: [DONE]\n\n");
    return reply;
}

constexpr std::size_t kPiece = 6;  // bytes of the answer per event, about what a model sends

}  // namespace

Reply error_reply(int status, std::string_view message) {
    Reply reply(
        json{{"error", {{"message", message}, {"type", status >= 500 ? "server_error" : "invalid_request_error"}}}}
            .dump());
    reply.status = status;
    return reply;
}

Reply delayed(Reply reply, std::chrono::milliseconds delay) {
    reply.delay = delay;
    return reply;
}

Reply streamed_tool_call(std::string_view tool, std::string_view arguments, std::chrono::milliseconds pause) {
    std::vector<json> events{chunk({{"role", "assistant"},
                                    {"content", nullptr},
                                    {"tool_calls",
                                     {{{"index", 0},
                                       {"id", "call_replay"},
                                       {"type", "function"},
                                       {"function", {{"name", tool}, {"arguments", ""}}}}}}})};
    for (const auto& part : pieces_of(arguments, kPiece))
        events.push_back(chunk({{"tool_calls", {{{"index", 0}, {"function", {{"arguments", part}}}}}}}));
    events.push_back(chunk(json::object(), "tool_calls"));
    return sse(events, pause);
}

Reply streamed_content(std::string_view content, std::chrono::milliseconds pause) {
    std::vector<json> events{chunk({{"role", "assistant"}, {"content", ""}})};
    for (const auto& part : pieces_of(content, kPiece)) events.push_back(chunk({{"content", part}}));
    events.push_back(chunk(json::object(), "stop"));
    return sse(events, pause);
}

}  // namespace examples
