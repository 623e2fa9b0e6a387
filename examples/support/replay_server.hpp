#pragma once
// A small HTTP server on 127.0.0.1 that answers each request with the next recorded reply, so
// that the examples run without a model. Plain POSIX sockets and one thread; each connection
// carries one request (Connection: close). Not a general-purpose server: it reads a request's
// headers and Content-Length body, ignores what they say, and answers.
//
// A reply is a JSON body, an HTTP error, or a stream: Server-Sent Events sent in small pieces, one
// HTTP chunk each, with a pause between them so that streaming can be watched when run by hand.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace examples {

/// One recorded reply.
struct Reply {
    Reply(std::string json_body) : body(std::move(json_body)) {}  // NOLINT(google-explicit-constructor): status 200

    int status = 200;
    std::string content_type = "application/json";
    std::string body;                    // sent whole, with Content-Length (when `pieces` is empty)
    std::vector<std::string> pieces;     // or streamed: one chunk per piece (Transfer-Encoding: chunked)
    std::chrono::milliseconds delay{0};  // before the reply, and between its pieces
};

class ReplayServer {
public:
    /// Listens on 127.0.0.1, on a port the system picks, and serves `replies` in order; after the
    /// last one, a 500 error. Throws std::runtime_error when it cannot listen.
    explicit ReplayServer(std::vector<Reply> replies);
    explicit ReplayServer(std::vector<std::string> replies);  // JSON bodies, each with status 200
    /// Answers each request with what `respond` makes of its body (called on the server's thread).
    using Responder = std::function<Reply(std::string_view request_body)>;
    explicit ReplayServer(Responder respond);
    ~ReplayServer();
    ReplayServer(const ReplayServer&) = delete;
    ReplayServer& operator=(const ReplayServer&) = delete;

    /// "http://127.0.0.1:<port>"
    [[nodiscard]] std::string base_url() const;

private:
    void serve();
    void answer(int connection);
    // Waits `delay`; false when the server is stopping or the client went away meanwhile.
    bool pause(int connection, std::chrono::milliseconds delay) const;

    std::vector<Reply> replies_;
    std::size_t next_ = 0;
    Responder respond_;
    int listener_ = -1;
    int wake_[2] = {-1, -1};  // written to by the destructor to stop serve()
    int port_ = 0;
    std::thread thread_;
};

/// An OpenAI-format chat completion in which the model calls `tool` with `arguments` (JSON text).
[[nodiscard]] std::string tool_call_reply(std::string_view tool, std::string_view arguments);

/// An OpenAI-format error reply, e.g. error_reply(503, "The server is overloaded").
[[nodiscard]] Reply error_reply(int status, std::string_view message);

/// `reply`, sent only after `delay` (a slow model, e.g. to show cancellation).
[[nodiscard]] Reply delayed(Reply reply, std::chrono::milliseconds delay);

/// The answer as OpenAI streams it when the model calls `tool` (tools modes): a first event naming
/// the call, then `arguments` (JSON text) a few characters per event, the finish reason, the usage,
/// and `data: [DONE]`. One event per chunk, `pause` apart.
[[nodiscard]] Reply streamed_tool_call(std::string_view tool, std::string_view arguments,
                                       std::chrono::milliseconds pause = std::chrono::milliseconds(15));

/// The same for an answer written as text (JSON modes): `content` in content deltas.
[[nodiscard]] Reply streamed_content(std::string_view content,
                                     std::chrono::milliseconds pause = std::chrono::milliseconds(15));

}  // namespace examples
