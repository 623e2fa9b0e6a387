// Tests for the test suite's scriptable local HTTP server (tests/support/test_server.hpp),
// driven by a tiny libcurl client (and, for streamed replies, by the library's libcurl transport).

#include "catch.hpp"

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <instructor/error.hpp>
#include <instructor/transport.hpp>

#include "test_server.hpp"

namespace test_server_test {

using test_support::RecordedRequest;
using test_support::ScriptedReply;
using test_support::TestServer;

struct Reply {
    CURLcode code = CURLE_OK;
    long status = 0;
    std::string body;
    std::string content_type;               // "" when the reply had none
    std::vector<std::string> header_lines;  // raw response header lines, CRLF stripped
    long local_port = 0;                    // the client's end of the connection used
    // The body as libcurl handed it over: one element, and the time it came, per write callback.
    std::vector<std::string> pieces;
    std::vector<std::chrono::steady_clock::time_point> piece_times;

    bool has_header_line(const std::string& line) const {
        for (const auto& h : header_lines) {
            if (h == line) return true;
        }
        return false;
    }
};

/// One curl easy handle: consecutive requests through it may reuse its connection.
class CurlClient {
public:
    CurlClient() {
        static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
        if (!initialised) throw std::runtime_error("curl_global_init failed");
        handle_ = curl_easy_init();
        if (handle_ == nullptr) throw std::runtime_error("curl_easy_init failed");
    }
    ~CurlClient() { curl_easy_cleanup(handle_); }
    CurlClient(const CurlClient&) = delete;
    CurlClient& operator=(const CurlClient&) = delete;

    bool accept_compressed = false;  // send Accept-Encoding for every encoding curl can decode

    Reply get(const std::string& url, long timeout_ms = 10000) { return perform(url, nullptr, {}, timeout_ms); }

    Reply post(const std::string& url, const std::string& body, const std::vector<std::string>& headers = {},
               long timeout_ms = 10000) {
        return perform(url, &body, headers, timeout_ms);
    }

private:
    static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
        auto* reply = static_cast<Reply*>(user);
        reply->body.append(data, size * count);
        reply->pieces.emplace_back(data, size * count);
        reply->piece_times.push_back(std::chrono::steady_clock::now());
        return size * count;
    }

    static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
        std::string line(data, size * count);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
        if (!line.empty()) static_cast<Reply*>(user)->header_lines.push_back(line);
        return size * count;
    }

    Reply perform(const std::string& url, const std::string* body, const std::vector<std::string>& headers,
                  long timeout_ms) {
        Reply reply;
        curl_slist* list = nullptr;
        for (const auto& h : headers) list = curl_slist_append(list, h.c_str());

        curl_easy_setopt(handle_, CURLOPT_URL, url.c_str());
        curl_easy_setopt(handle_, CURLOPT_HTTPHEADER, list);
        curl_easy_setopt(handle_, CURLOPT_WRITEFUNCTION, &CurlClient::on_body);
        curl_easy_setopt(handle_, CURLOPT_WRITEDATA, &reply);
        curl_easy_setopt(handle_, CURLOPT_HEADERFUNCTION, &CurlClient::on_header);
        curl_easy_setopt(handle_, CURLOPT_HEADERDATA, &reply);
        curl_easy_setopt(handle_, CURLOPT_TIMEOUT_MS, timeout_ms);
        curl_easy_setopt(handle_, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(handle_, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(handle_, CURLOPT_ACCEPT_ENCODING, accept_compressed ? "" : nullptr);
        if (body != nullptr) {
            curl_easy_setopt(handle_, CURLOPT_POST, 1L);
            curl_easy_setopt(handle_, CURLOPT_POSTFIELDS, body->data());
            curl_easy_setopt(handle_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
        } else {
            curl_easy_setopt(handle_, CURLOPT_HTTPGET, 1L);
        }

        reply.code = curl_easy_perform(handle_);
        curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &reply.status);
        curl_easy_getinfo(handle_, CURLINFO_LOCAL_PORT, &reply.local_port);
        char* content_type = nullptr;
        curl_easy_getinfo(handle_, CURLINFO_CONTENT_TYPE, &content_type);
        if (content_type != nullptr) reply.content_type = content_type;

        curl_easy_setopt(handle_, CURLOPT_HTTPHEADER, nullptr);
        curl_slist_free_all(list);
        return reply;
    }

    CURL* handle_ = nullptr;
};

ScriptedReply reply_with(int status, std::string body) {
    ScriptedReply reply;
    reply.status = status;
    reply.body = std::move(body);
    return reply;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double seconds_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

ScriptedReply streamed(std::vector<std::string> chunks, int chunk_delay_ms = 0) {
    ScriptedReply reply;
    reply.content_type = "text/event-stream";
    reply.chunks = std::move(chunks);
    reply.chunk_delay_ms = chunk_delay_ms;
    return reply;
}

std::string joined(const std::vector<std::string>& pieces) {
    std::string out;
    for (const auto& piece : pieces) out += piece;
    return out;
}

bool has_header_named(const Reply& reply, std::string_view name) {
    for (const auto& line : reply.header_lines) {
        if (line.size() > name.size() && line[name.size()] == ':' &&
            curl_strnequal(line.c_str(), std::string(name).c_str(), name.size()) != 0) {
            return true;
        }
    }
    return false;
}

TEST_CASE("test server: listens on 127.0.0.1 at an OS-chosen port", "[test_server]") {
    TestServer server;
    REQUIRE(server.port() > 0);
    CHECK(server.base_url() == "http://127.0.0.1:" + std::to_string(server.port()));
    CHECK(server.requests().empty());

    TestServer other;
    CHECK(other.port() != server.port());
}

TEST_CASE("test server: scripted replies are served in order", "[test_server]") {
    TestServer server;
    server.enqueue(reply_with(200, R"({"n":1})"));
    ScriptedReply second = reply_with(201, R"({"n":2})");
    second.headers = {{"X-Request-Id", "req-2"}, {"Retry-After", "3"}};
    server.enqueue(second);
    ScriptedReply third = reply_with(429, "slow down");
    third.content_type = "text/plain";
    server.enqueue(third);

    CurlClient client;
    const Reply r1 = client.get(server.base_url() + "/first");
    const Reply r2 = client.post(server.base_url() + "/second", "{}");
    const Reply r3 = client.get(server.base_url() + "/third");

    REQUIRE(r1.code == CURLE_OK);
    CHECK(r1.status == 200);
    CHECK(r1.body == R"({"n":1})");
    CHECK(r1.content_type == "application/json");

    REQUIRE(r2.code == CURLE_OK);
    CHECK(r2.status == 201);
    CHECK(r2.body == R"({"n":2})");
    CHECK(r2.has_header_line("X-Request-Id: req-2"));
    CHECK(r2.has_header_line("Retry-After: 3"));

    REQUIRE(r3.code == CURLE_OK);
    CHECK(r3.status == 429);
    CHECK(r3.body == "slow down");
    CHECK(r3.content_type == "text/plain");
}

TEST_CASE("test server: a Content-Type among the scripted headers wins over content_type", "[test_server]") {
    TestServer server;
    ScriptedReply reply = reply_with(200, "data: {}\n\n");
    reply.headers = {{"content-type", "text/event-stream"}};
    server.enqueue(reply);

    CurlClient client;
    const Reply r = client.get(server.base_url() + "/");
    REQUIRE(r.code == CURLE_OK);
    CHECK(r.content_type == "text/event-stream");
    int content_type_lines = 0;
    for (const auto& line : r.header_lines) {
        if (line.rfind("Content-Type:", 0) == 0 || line.rfind("content-type:", 0) == 0) ++content_type_lines;
    }
    CHECK(content_type_lines == 1);
}

TEST_CASE("test server: bodies go out verbatim", "[test_server]") {
    TestServer server;
    CurlClient client;

    SECTION("even to a client that accepts compressed replies") {
        const std::string body = R"({"text":")" + std::string(4000, 'a') + R"("})";
        server.enqueue(reply_with(200, body));
        client.accept_compressed = true;
        const Reply r = client.get(server.base_url() + "/");
        REQUIRE(r.code == CURLE_OK);
        CHECK(r.body == body);
        CHECK(r.has_header_line("Content-Length: " + std::to_string(body.size())));
        for (const auto& line : r.header_lines) {
            INFO(line);
            CHECK(line.rfind("Content-Encoding", 0) == std::string::npos);
        }
        CHECK(!server.header(0, "Accept-Encoding").empty());
    }

    SECTION("an empty body") {
        server.enqueue(reply_with(204, ""));
        server.enqueue(reply_with(200, ""));
        const Reply no_content = client.get(server.base_url() + "/");
        REQUIRE(no_content.code == CURLE_OK);
        CHECK(no_content.status == 204);
        CHECK(no_content.body.empty());
        const Reply empty = client.get(server.base_url() + "/");
        REQUIRE(empty.code == CURLE_OK);
        CHECK(empty.status == 200);
        CHECK(empty.body.empty());
        CHECK(empty.has_header_line("Content-Length: 0"));
    }
}

TEST_CASE("test server: an empty script answers 500 with an error body", "[test_server]") {
    TestServer server;
    CurlClient client;

    SECTION("before anything was enqueued") {
        const Reply r = client.post(server.base_url() + "/v1/chat/completions", "{}");
        REQUIRE(r.code == CURLE_OK);
        CHECK(r.status == 500);
        CHECK(r.body == R"({"error":{"message":"test server: no scripted reply"}})");
        CHECK(r.content_type == "application/json");
    }

    SECTION("after the script ran out") {
        server.enqueue(reply_with(200, "{}"));
        CHECK(client.get(server.base_url() + "/").status == 200);
        const Reply r = client.get(server.base_url() + "/");
        CHECK(r.status == 500);
        CHECK(r.body == R"({"error":{"message":"test server: no scripted reply"}})");
    }

    CHECK(server.requests().size() >= 1);  // unscripted requests are recorded too
}

TEST_CASE("test server: requests are recorded with method, path, body and headers", "[test_server]") {
    TestServer server;
    server.enqueue(reply_with(200, "{}"));
    server.enqueue(reply_with(200, "{}"));
    server.enqueue(reply_with(200, "{}"));

    CurlClient client;
    const std::string body = R"({"model":"m","messages":[]})";
    REQUIRE(client
                .post(server.base_url() + "/v1/chat/completions", body,
                      {"Authorization: Bearer sk-test", "Content-Type: application/json", "X-Twice: a"})
                .code == CURLE_OK);
    REQUIRE(client.get(server.base_url() + "/v1/models?limit=2").code == CURLE_OK);
    // Large enough for curl to send "Expect: 100-continue". (Not form-urlencoded, curl's default
    // for POST: cpp-httplib rejects such bodies above 8 KiB with 413.)
    const std::string big(3 * 1024 * 1024, 'x');
    const Reply big_reply = client.post(server.base_url() + "/big", big, {"Content-Type: application/octet-stream"});
    REQUIRE(big_reply.code == CURLE_OK);
    REQUIRE(big_reply.status == 200);

    const std::vector<RecordedRequest> requests = server.requests();
    REQUIRE(requests.size() == 3);

    CHECK(requests[0].method == "POST");
    CHECK(requests[0].path == "/v1/chat/completions");
    CHECK(requests[0].body == body);
    CHECK(requests[0].remote_port > 0);

    CHECK(requests[1].method == "GET");
    CHECK(requests[1].path == "/v1/models");  // without the query string
    CHECK(requests[1].body.empty());

    CHECK(requests[2].method == "POST");
    CHECK(requests[2].body.size() == big.size());
    CHECK(requests[2].body == big);

    SECTION("header() looks names up case-insensitively") {
        CHECK(server.header(0, "Authorization") == "Bearer sk-test");
        CHECK(server.header(0, "authorization") == "Bearer sk-test");
        CHECK(server.header(0, "CONTENT-TYPE") == "application/json");
        CHECK(server.header(0, "x-twice") == "a");
        CHECK(server.header(0, "Host") == "127.0.0.1:" + std::to_string(server.port()));
        CHECK(server.header(1, "Authorization").empty());
        CHECK(server.header(0, "X-Not-Sent").empty());
        CHECK(server.header(2, "Expect") == "100-continue");
    }

    SECTION("the headers list holds what the client sent and no cpp-httplib pseudo-headers") {
        bool saw_authorization = false;
        for (const auto& [name, value] : requests[0].headers) {
            INFO(name << ": " << value);
            CHECK(name != "REMOTE_ADDR");
            CHECK(name != "REMOTE_PORT");
            if (name == "Authorization") {
                saw_authorization = true;
                CHECK(value == "Bearer sk-test");
            }
        }
        CHECK(saw_authorization);
    }

    SECTION("header() rejects an index past the last request") {
        bool threw = false;
        try {
            (void)server.header(3, "Host");
        } catch (const std::out_of_range&) {
            threw = true;
        }
        CHECK(threw);
    }
}

TEST_CASE("test server: keep-alive lets one client reuse its connection", "[test_server]") {
    TestServer server;
    for (int i = 0; i < 4; ++i) server.enqueue(reply_with(200, "{}"));

    CurlClient first;
    const Reply a = first.get(server.base_url() + "/a");
    const Reply b = first.post(server.base_url() + "/b", "{}");
    CurlClient second;
    const Reply c = second.get(server.base_url() + "/c");
    const Reply d = first.get(server.base_url() + "/d");
    REQUIRE(a.code == CURLE_OK);
    REQUIRE(b.code == CURLE_OK);
    REQUIRE(c.code == CURLE_OK);
    REQUIRE(d.code == CURLE_OK);

    const auto requests = server.requests();
    REQUIRE(requests.size() == 4);
    CHECK(requests[0].remote_port == a.local_port);
    CHECK(requests[1].remote_port == requests[0].remote_port);  // same connection
    CHECK(requests[2].remote_port != requests[0].remote_port);  // another client, another one
    CHECK(requests[3].remote_port == requests[0].remote_port);
}

TEST_CASE("test server: delay_ms holds the reply back", "[test_server]") {
    TestServer server;
    CurlClient client;

    SECTION("a patient client gets the reply late") {
        ScriptedReply reply = reply_with(200, R"({"late":true})");
        reply.delay_ms = 300;
        server.enqueue(reply);
        const auto start = std::chrono::steady_clock::now();
        const Reply r = client.get(server.base_url() + "/");
        const double elapsed = seconds_since(start);
        REQUIRE(r.code == CURLE_OK);
        CHECK(r.body == R"({"late":true})");
        CHECK(elapsed >= 0.29);
    }

    SECTION("an impatient client times out, and the request is still recorded") {
        ScriptedReply reply = reply_with(200, "{}");
        reply.delay_ms = 2000;
        server.enqueue(reply);
        const auto start = std::chrono::steady_clock::now();
        const Reply r = client.post(server.base_url() + "/slow", "{}", {}, 200);
        CHECK(r.code == CURLE_OPERATION_TIMEDOUT);
        CHECK(seconds_since(start) < 1.5);
        REQUIRE(server.requests().size() == 1);
        CHECK(server.requests()[0].path == "/slow");
    }
}

TEST_CASE("test server: close_mid_body truncates the reply", "[test_server]") {
    TestServer server;
    ScriptedReply truncated = reply_with(200, R"({"choices":[{"message":)");
    truncated.close_mid_body = true;
    server.enqueue(truncated);
    server.enqueue(reply_with(200, R"({"ok":true})"));

    CurlClient client;
    const Reply r = client.get(server.base_url() + "/");
    INFO("curl: " << curl_easy_strerror(r.code));
    CHECK(r.code == CURLE_PARTIAL_FILE);
    CHECK(r.status == 200);
    CHECK(r.body == R"({"choices":[{"message":)");

    // The same client recovers on a fresh connection.
    const Reply next = client.get(server.base_url() + "/");
    REQUIRE(next.code == CURLE_OK);
    CHECK(next.body == R"({"ok":true})");
    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].remote_port != requests[0].remote_port);
}

TEST_CASE("test server: close_mid_body with an empty body still fails the transfer", "[test_server]") {
    TestServer server;
    ScriptedReply truncated;
    truncated.close_mid_body = true;
    server.enqueue(truncated);

    CurlClient client;
    const Reply r = client.get(server.base_url() + "/");
    INFO("curl: " << curl_easy_strerror(r.code));
    CHECK(r.code == CURLE_PARTIAL_FILE);
    CHECK(r.body.empty());
}

TEST_CASE("test server: destruction is prompt", "[test_server]") {
    SECTION("once the client has closed its connection") {
        std::chrono::steady_clock::time_point start;
        {
            TestServer server;
            server.enqueue(reply_with(200, "{}"));
            {
                CurlClient client;
                REQUIRE(client.get(server.base_url() + "/").code == CURLE_OK);
            }
            start = std::chrono::steady_clock::now();
        }
        CHECK(seconds_since(start) < 0.5);
    }

    SECTION("with an idle keep-alive connection open") {
        CurlClient client;
        std::chrono::steady_clock::time_point start;
        {
            TestServer server;
            server.enqueue(reply_with(200, "{}"));
            REQUIRE(client.get(server.base_url() + "/").code == CURLE_OK);
            start = std::chrono::steady_clock::now();
        }
        // cpp-httplib 0.11 notices the stop only when an idle connection's keep-alive timeout
        // (set to 1 s by TestServer) runs out.
        CHECK(seconds_since(start) < 1.5);
    }

    SECTION("with a reply still waiting out its delay") {
        std::chrono::steady_clock::time_point start;
        Reply reply;
        std::thread caller;
        {
            TestServer server;
            ScriptedReply slow = reply_with(200, "{}");
            slow.delay_ms = 30000;
            server.enqueue(slow);
            const std::string url = server.base_url() + "/";
            caller = std::thread([&reply, url] {
                CurlClient client;
                reply = client.get(url, 20000);
            });
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
            while (server.requests().empty() && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            CHECK(server.requests().size() == 1);  // not REQUIRE: `caller` must be joined
            start = std::chrono::steady_clock::now();
        }
        const double destruction = seconds_since(start);
        caller.join();
        CHECK(destruction < 2.0);
    }

    SECTION("with a chunked reply still streaming") {
        std::chrono::steady_clock::time_point start;
        std::mutex mutex;
        std::string received;            // guarded by mutex
        std::atomic<bool> first{false};  // the first chunk has arrived
        std::string error;
        std::thread caller;
        {
            TestServer server;
            server.enqueue(streamed({"data: first\n\n", "data: never\n\n"}, 30000));
            instructor::HttpRequest request;
            request.url = server.base_url() + "/v1/chat/completions";
            request.body = "{}";
            request.on_chunk = [&](std::string_view chunk) {
                std::lock_guard<std::mutex> lock(mutex);
                received += chunk;
                first = true;
                return true;
            };
            caller = std::thread([&error, request] {
                try {
                    (void)instructor::curl_transport()(request);
                    error = "no error";
                } catch (const instructor::TransportError& e) {
                    error = e.what();
                }
            });
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
            while (!first && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            CHECK(first.load());  // not REQUIRE: `caller` must be joined
            start = std::chrono::steady_clock::now();
        }
        const double destruction = seconds_since(start);
        caller.join();
        CHECK(destruction < 2.0);
        INFO(error);
        CHECK(error.find("failed") != std::string::npos);  // the client sees the stream cut off
        std::lock_guard<std::mutex> lock(mutex);
        CHECK(received == "data: first\n\n");
    }
}

TEST_CASE("test server: split_every cuts a text into pieces of n bytes", "[test_server]") {
    CHECK(ScriptedReply::split_every("abcde", 2) == std::vector<std::string>{"ab", "cd", "e"});
    CHECK(ScriptedReply::split_every("abcd", 2) == std::vector<std::string>{"ab", "cd"});
    CHECK(ScriptedReply::split_every("abc", 1) == std::vector<std::string>{"a", "b", "c"});
    CHECK(ScriptedReply::split_every("abc", 10) == std::vector<std::string>{"abc"});
    CHECK(ScriptedReply::split_every("", 3).empty());
    CHECK(ScriptedReply::split_every("Zo\xC3\xAB", 3) ==
          std::vector<std::string>{"Zo\xC3", "\xAB"});  // bytes, not characters
    bool threw = false;
    try {
        (void)ScriptedReply::split_every("abc", 0);
    } catch (const std::invalid_argument&) {
        threw = true;
    }
    CHECK(threw);
}

TEST_CASE("test server: chunks arrive in order and complete, with Transfer-Encoding chunked", "[test_server]") {
    TestServer server;
    std::string stream;
    for (int i = 0; i < 200; ++i) stream += "data: {\"i\":" + std::to_string(i) + "}\n\n";
    stream += "data: [DONE]\n\n";
    server.enqueue(streamed(ScriptedReply::split_every(stream, 7)));

    CurlClient client;
    const Reply r = client.post(server.base_url() + "/v1/chat/completions", "{}");
    INFO("curl: " << curl_easy_strerror(r.code));
    REQUIRE(r.code == CURLE_OK);
    CHECK(r.status == 200);
    CHECK(r.body == stream);
    CHECK(r.content_type == "text/event-stream");
    CHECK(r.has_header_line("Transfer-Encoding: chunked"));
    CHECK_FALSE(has_header_named(r, "Content-Length"));
    CHECK_FALSE(has_header_named(r, "Content-Encoding"));

    SECTION("and the connection stays usable for the next request") {
        server.enqueue(reply_with(200, R"({"ok":true})"));
        const Reply next = client.get(server.base_url() + "/");
        REQUIRE(next.code == CURLE_OK);
        CHECK(next.body == R"({"ok":true})");
        const auto requests = server.requests();
        REQUIRE(requests.size() == 2);
        CHECK(requests[1].remote_port == requests[0].remote_port);
    }
}

TEST_CASE("test server: chunk_delay_ms spaces the chunks out, and each arrives as its own piece", "[test_server]") {
    TestServer server;
    const std::vector<std::string> chunks = {"data: {\"a\":", "1}\n", "\ndata: [DONE]\n\n"};
    server.enqueue(streamed(chunks, 150));

    CurlClient client;
    const auto start = std::chrono::steady_clock::now();
    const Reply r = client.post(server.base_url() + "/", "{}");
    const double elapsed = seconds_since(start);
    REQUIRE(r.code == CURLE_OK);
    CHECK(r.pieces == chunks);
    REQUIRE(r.piece_times.size() == 3);
    CHECK(seconds_between(r.piece_times[0], r.piece_times[1]) >= 0.14);
    CHECK(seconds_between(r.piece_times[1], r.piece_times[2]) >= 0.14);
    CHECK(elapsed >= 0.29);
}

TEST_CASE("test server: a chunked reply is never compressed, even when the client accepts it", "[test_server]") {
    TestServer server;
    const std::string json = R"({"choices":[{"message":{"content":")" + std::string(200, 'a') + R"("}}]})";
    ScriptedReply reply = streamed(ScriptedReply::split_every(json, 50), 30);
    reply.content_type = "application/json";  // a type cpp-httplib would compress
    server.enqueue(reply);

    CurlClient client;
    client.accept_compressed = true;
    const Reply r = client.get(server.base_url() + "/");
    REQUIRE(r.code == CURLE_OK);
    CHECK(r.body == json);
    CHECK(r.pieces == ScriptedReply::split_every(json, 50));
    CHECK_FALSE(has_header_named(r, "Content-Encoding"));
    CHECK(r.has_header_line("Transfer-Encoding: chunked"));
    CHECK(!server.header(0, "Accept-Encoding").empty());  // recorded as sent
}

TEST_CASE("test server: empty chunks are skipped rather than ending the body", "[test_server]") {
    TestServer server;
    server.enqueue(streamed({"", "data: a\n\n", "", "data: b\n\n", ""}));
    server.enqueue(streamed({"", ""}));

    CurlClient client;
    const Reply r = client.get(server.base_url() + "/");
    REQUIRE(r.code == CURLE_OK);
    CHECK(r.body == "data: a\n\ndata: b\n\n");
    const Reply empty = client.get(server.base_url() + "/");
    REQUIRE(empty.code == CURLE_OK);
    CHECK(empty.body.empty());
    CHECK(empty.has_header_line("Transfer-Encoding: chunked"));
}

TEST_CASE("test server: close_mid_body on a chunked reply cuts the stream after its chunks", "[test_server]") {
    TestServer server;
    ScriptedReply cut = streamed({"data: {\"a\":1}\n\n", "data: {\"b\":2}\n\n"}, 20);
    cut.close_mid_body = true;
    server.enqueue(cut);
    server.enqueue(reply_with(200, R"({"ok":true})"));

    CurlClient client;
    const Reply r = client.post(server.base_url() + "/v1/chat/completions", "{}");
    INFO("curl: " << curl_easy_strerror(r.code));
    CHECK(r.code == CURLE_PARTIAL_FILE);  // "transfer closed with outstanding read data remaining"
    CHECK(r.status == 200);
    CHECK(r.body == "data: {\"a\":1}\n\ndata: {\"b\":2}\n\n");
    CHECK(r.pieces.size() == 2);

    // The same client recovers on a fresh connection.
    const Reply next = client.get(server.base_url() + "/");
    REQUIRE(next.code == CURLE_OK);
    CHECK(next.body == R"({"ok":true})");
    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].remote_port != requests[0].remote_port);
}

TEST_CASE("test server: the libcurl transport's on_chunk sees a streamed reply as it is sent", "[test_server]") {
    TestServer server;
    const std::vector<std::string> chunks = {"data: 1\n\n", "data: 2\n\n", "data: [DONE]\n\n"};
    server.enqueue(streamed(chunks, 100));
    ScriptedReply cut = streamed({"data: 1\n\n"});
    cut.close_mid_body = true;
    server.enqueue(cut);

    const instructor::Transport transport = instructor::curl_transport();
    std::vector<std::string> pieces;
    std::vector<std::chrono::steady_clock::time_point> times;
    instructor::HttpRequest request;
    request.url = server.base_url() + "/v1/chat/completions";
    request.body = "{}";
    request.on_chunk = [&](std::string_view chunk) {
        pieces.emplace_back(chunk);
        times.push_back(std::chrono::steady_clock::now());
        return true;
    };
    const instructor::HttpResponse response = transport(request);
    CHECK(response.status == 200);
    CHECK(response.body.empty());  // it all went to on_chunk
    CHECK(pieces == chunks);
    REQUIRE(times.size() == 3);
    CHECK(seconds_between(times[0], times[2]) >= 0.19);  // the first came before the last was sent

    SECTION("and a stream cut short is a retryable TransportError, after the chunks that came") {
        pieces.clear();
        bool threw = false;
        try {
            (void)transport(request);
        } catch (const instructor::TransportError& e) {
            threw = true;
            CHECK(e.retryable());
        }
        CHECK(threw);
        CHECK(pieces == std::vector<std::string>{"data: 1\n\n"});
    }
}

}  // namespace test_server_test
