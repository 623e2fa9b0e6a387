// Scriptable local HTTP server for the test suite; see test_server.hpp.
//
// Built on cpp-httplib. Debian's libcpp-httplib-dev ships a declarations-only header plus a
// shared library, so this file must be compiled with the library's pkg-config Cflags
// (CPPHTTPLIB_OPENSSL_SUPPORT, ...: they change the layout of httplib::Request) and linked with
// -lcpp-httplib. Only this file includes httplib.h.
#include "test_server.hpp"

#include <httplib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace test_support {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

// Headers cpp-httplib adds to every request itself; no client sent them.
bool is_pseudo_header(std::string_view name) {
    return iequals(name, "REMOTE_ADDR") || iequals(name, "REMOTE_PORT") || iequals(name, "LOCAL_ADDR") ||
           iequals(name, "LOCAL_PORT");
}

constexpr const char* kNoReplyBody = R"({"error":{"message":"test server: no scripted reply"}})";

// How much more than the body a close_mid_body reply announces in its Content-Length.
constexpr std::size_t kMissingBytes = 1024;

// Where a streamed (chunked) reply is. Shared by the copies cpp-httplib makes of its provider.
struct ChunkedBody {
    std::vector<std::string> chunks;
    std::size_t next = 0;  // the next element of `chunks`
    std::size_t sent = 0;  // chunks written so far
    int delay_ms = 0;
    bool close_mid_body = false;
};

// A non-empty body goes out through a content provider of fixed length rather than
// set_content(): cpp-httplib would otherwise gzip/brotli-compress it for clients that accept
// that, and the scripted bytes are meant to be the bytes on the wire.
void set_whole_body(httplib::Response& res, std::string text, bool close_mid_body, const std::string& content_type) {
    auto body = std::make_shared<const std::string>(std::move(text));
    if (close_mid_body) {
        res.set_content_provider(body->size() + kMissingBytes, content_type,
                                 [body](std::size_t offset, std::size_t /*length*/, httplib::DataSink& sink) {
                                     if (offset == 0 && !body->empty()) sink.write(body->data(), body->size());
                                     return false;  // fail the provider: cpp-httplib then drops the connection
                                 });
    } else if (!body->empty()) {
        res.set_content_provider(body->size(), content_type,
                                 [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                                     sink.write(body->data() + offset, length);
                                     return true;
                                 });
    } else {
        res.set_content("", content_type);
    }
}

}  // namespace

std::vector<std::string> ScriptedReply::split_every(std::string_view text, std::size_t n) {
    if (n == 0) throw std::invalid_argument("split_every: pieces of 0 bytes");
    std::vector<std::string> pieces;
    pieces.reserve((text.size() + n - 1) / n);
    for (std::size_t at = 0; at < text.size(); at += n) pieces.emplace_back(text.substr(at, n));
    return pieces;
}

// cpp-httplib listens with a backlog of 5 (compiled into Debian's library): a hundred clients
// connecting at once overflow it, and the kernel drops their SYNs for a second or more. Listening
// again on the same socket raises the backlog; the socket is found by its port.
void widen_backlog(int port) {
    for (int fd = 3; fd < 4096; ++fd) {
        int listening = 0;
        socklen_t size = sizeof listening;
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0 || !listening) continue;
        sockaddr_in address{};
        socklen_t length = sizeof address;
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 || address.sin_family != AF_INET)
            continue;
        if (ntohs(address.sin_port) == port) {
            ::listen(fd, 4096);
            return;
        }
    }
}

struct TestServer::State {
    httplib::Server server;
    std::thread thread;
    std::atomic<bool> listen_returned{false};
    int port = -1;

    mutable std::mutex mutex;      // guards everything below
    std::condition_variable wake;  // signalled when `stopping` becomes true
    bool stopping = false;
    std::deque<ScriptedReply> script;
    std::vector<RecordedRequest> recorded;
    Responder responder;

    void handle(const httplib::Request& req, httplib::Response& res);
    void set_chunked_body(const httplib::Request& req, httplib::Response& res, ScriptedReply& reply,
                          const std::string& content_type);
    // Waits `ms` unless the server is stopping; true if it is.
    bool wait_or_stop(int ms);
};

bool TestServer::State::wait_or_stop(int ms) {
    std::unique_lock<std::mutex> lock(mutex);
    return wake.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping; });
}

void TestServer::State::handle(const httplib::Request& req, httplib::Response& res) {
    RecordedRequest record;
    record.method = req.method;
    record.path = req.path;
    record.body = req.body;
    record.remote_port = req.remote_port;
    record.received = std::chrono::steady_clock::now();
    for (const auto& [name, value] : req.headers) {
        if (!is_pseudo_header(name)) record.headers.emplace_back(name, value);
    }

    ScriptedReply reply;
    bool scripted = false;
    Responder respond;
    {
        std::lock_guard<std::mutex> lock(mutex);
        recorded.push_back(record);
        if (!script.empty()) {
            reply = std::move(script.front());
            script.pop_front();
            scripted = true;
        } else {
            respond = responder;
        }
    }
    if (!scripted && respond) {
        reply = respond(record);
        scripted = true;
    }

    if (!scripted) {
        ScriptedReply fallback;
        fallback.status = 500;
        fallback.body = kNoReplyBody;
        reply = std::move(fallback);
    } else if (reply.delay_ms > 0) {
        wait_or_stop(reply.delay_ms);
    }

    res.status = reply.status;
    std::string content_type = reply.content_type;
    for (const auto& [name, value] : reply.headers) {
        if (iequals(name, "Content-Type")) {
            content_type = value;  // set below, once
        } else {
            res.set_header(name, value);
        }
    }

    if (!reply.chunks.empty()) {
        set_chunked_body(req, res, reply, content_type);
    } else {
        set_whole_body(res, std::move(reply.body), reply.close_mid_body, content_type);
    }
    if (content_type.empty()) res.headers.erase("Content-Type");
}

void TestServer::State::set_chunked_body(const httplib::Request& req, httplib::Response& res, ScriptedReply& reply,
                                         const std::string& content_type) {
    // cpp-httplib compresses a chunked reply when the client accepts gzip or br and the Content-Type
    // looks compressible (application/json, text/plain, ...; never text/event-stream), and its
    // compressor holds small writes back. It decides from the request's Accept-Encoding as it writes
    // the reply, so that header goes (the recorded copy keeps it). `req` is the server's own
    // non-const Request, which it hands to handlers as const.
    const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");

    auto stream = std::make_shared<ChunkedBody>();
    stream->chunks = std::move(reply.chunks);
    stream->delay_ms = reply.chunk_delay_ms;
    stream->close_mid_body = reply.close_mid_body;
    // cpp-httplib calls the provider until it calls sink.done() or returns false (which drops the
    // connection); each call writes one element, framed as one chunk and sent in one send().
    res.set_chunked_content_provider(content_type, [this, stream](std::size_t /*offset*/, httplib::DataSink& sink) {
        // A zero-length write would make cpp-httplib end the body without its last chunk.
        while (stream->next < stream->chunks.size() && stream->chunks[stream->next].empty()) {
            ++stream->next;
        }
        if (stream->next == stream->chunks.size()) {
            if (stream->close_mid_body) return false;
            sink.done();  // the terminating zero-length chunk
            return true;
        }
        if (stream->sent > 0 && stream->delay_ms > 0 && wait_or_stop(stream->delay_ms)) {
            return false;  // the server is being destroyed
        }
        const std::string& chunk = stream->chunks[stream->next++];
        ++stream->sent;
        return sink.write(chunk.data(), chunk.size());
    });
}

TestServer::TestServer(int threads) : state_(std::make_unique<State>()) {
    State* const state = state_.get();
    if (threads > 0) {
        const auto count = static_cast<std::size_t>(threads);
        state->server.new_task_queue = [count] { return new httplib::ThreadPool(count); };
    }
    const auto handler = [state](const httplib::Request& req, httplib::Response& res) { state->handle(req, res); };
    const char* const any_path = ".*";
    state->server.Get(any_path, handler);
    state->server.Post(any_path, handler);
    state->server.Put(any_path, handler);
    state->server.Patch(any_path, handler);
    state->server.Delete(any_path, handler);
    state->server.Options(any_path, handler);
    // Keep-alive stays on: tests count on connection reuse. cpp-httplib 0.11 checks for stop() only
    // between requests, so an idle connection holds up destruction until its keep-alive timeout
    // runs out; 1 s keeps that short while leaving back-to-back requests ample time to reuse it.
    state->server.set_keep_alive_max_count(1000);
    state->server.set_keep_alive_timeout(1);
    // Without it Nagle's algorithm and delayed ACKs add ~40 ms to many replies.
    state->server.set_tcp_nodelay(true);

    state->port = state->server.bind_to_any_port("127.0.0.1");
    if (state->port <= 0) throw std::runtime_error("test server: cannot bind 127.0.0.1");
    widen_backlog(state->port);

    state->thread = std::thread([state] {
        state->server.listen_after_bind();
        state->listen_returned = true;
    });

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!state->server.is_running() && !state->listen_returned && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!state->server.is_running()) {
        state->server.stop();
        state->thread.join();
        throw std::runtime_error("test server: the accept loop did not start");
    }
}

TestServer::~TestServer() {
    {
        std::lock_guard<std::mutex> lock(state_->mutex);
        state_->stopping = true;
    }
    state_->wake.notify_all();
    state_->server.stop();
    if (state_->thread.joinable()) state_->thread.join();
}

int TestServer::port() const { return state_->port; }

std::string TestServer::base_url() const { return "http://127.0.0.1:" + std::to_string(state_->port); }

void TestServer::respond_with(Responder responder) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->responder = std::move(responder);
}

void TestServer::enqueue(ScriptedReply reply) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->script.push_back(std::move(reply));
}

std::vector<RecordedRequest> TestServer::requests() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->recorded;
}

std::string TestServer::header(std::size_t request_index, std::string_view name) const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (request_index >= state_->recorded.size()) {
        throw std::out_of_range("test server: no request #" + std::to_string(request_index) + " (received " +
                                std::to_string(state_->recorded.size()) + ")");
    }
    for (const auto& [key, value] : state_->recorded[request_index].headers) {
        if (iequals(key, name)) return value;
    }
    return "";
}

}  // namespace test_support
