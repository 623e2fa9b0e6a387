#pragma once
// A small HTTP server on 127.0.0.1 that answers each request with the next recorded reply, so
// that the quickstart runs without a model. Plain POSIX sockets and one thread; each connection
// carries one request (Connection: close). Not a general-purpose server: it reads a request's
// headers and Content-Length body, ignores what they say, and answers.

#include <cstddef>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace examples {

class ReplayServer {
public:
    /// Listens on 127.0.0.1, on a port the system picks, and serves `replies` (JSON bodies, sent
    /// with status 200) in order; after the last one, a 500 error. Throws std::runtime_error when
    /// it cannot listen.
    explicit ReplayServer(std::vector<std::string> replies);
    ~ReplayServer();
    ReplayServer(const ReplayServer&) = delete;
    ReplayServer& operator=(const ReplayServer&) = delete;

    /// "http://127.0.0.1:<port>"
    [[nodiscard]] std::string base_url() const;

private:
    void serve();
    void answer(int connection);

    std::vector<std::string> replies_;
    std::size_t next_ = 0;
    int listener_ = -1;
    int wake_[2] = {-1, -1};  // written to by the destructor to stop serve()
    int port_ = 0;
    std::thread thread_;
};

/// An OpenAI-format chat completion in which the model calls `tool` with `arguments` (JSON text).
[[nodiscard]] std::string tool_call_reply(std::string_view tool, std::string_view arguments);

}  // namespace examples
