// Hostile servers and careless users (issue 21): what a server may send (numbers beyond a double,
// trailers and headers without end, a byte a second, bodies nested without end, the key echoed,
// control characters, bytes that are not UTF-8, a redirect) and what a user may set (a key with its
// newline, framing headers, a prompt that is not UTF-8, a base URL with a query, timeouts of max())
// each end in an instructor::Error that says what and where, within bounded memory and time, and
// never show a credential.

#include "catch.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/instructor.hpp>

#include "chat_replies.hpp"
#include "memory_bound.hpp"
#include "provider_streams.hpp"
#include "raw_server.hpp"
#include "test_server.hpp"
#include "thrown.hpp"

namespace hostile_test {

using instructor::Mode;
using json = nlohmann::json;
using std::chrono::milliseconds;
using test_support::RawConnection;
using test_support::RawServer;
using test_support::ScriptedReply;
using test_support::TestServer;
using test_support::thrown;
namespace streams = test_support::streams;

struct UserDetail {
    std::string name;
    int age = 0;
};

struct Adult {
    std::string name;
    instructor::Annotated<double, instructor::minimum(18)> age;
};

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

instructor::ClientOptions at(const std::string& base_url) {
    instructor::ClientOptions options{.base_url = base_url + "/v1", .api_key = "sk-key"};
    options.http_retries.max_retries = 0;
    return options;
}

std::string tool_reply(const std::string& arguments) {
    return json{{"id", "chatcmpl-1"},
                {"model", "test"},
                {"choices",
                 {{{"index", 0},
                   {"message",
                    {{"role", "assistant"},
                     {"content", nullptr},
                     {"tool_calls",
                      {{{"id", "call_1"},
                        {"type", "function"},
                        {"function", {{"name", "UserDetail"}, {"arguments", arguments}}}}}}}},
                   {"finish_reason", "tool_calls"}}}},
                {"usage", {{"prompt_tokens", 20}, {"completion_tokens", 8}, {"total_tokens", 28}}}}
        .dump();
}

instructor::Request ask(int max_retries = 1) {
    return {.model = "m", .messages = {instructor::user("Jason is 30")}, .max_retries = max_retries};
}

// An HTTP/1.1 reply head and body, for the raw server.
std::string http_reply(const std::string& body, const std::string& extra_headers = {}) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n" + extra_headers + "\r\n" + body;
}

// Whether what() can be shown on a terminal as it is: valid UTF-8, no control characters.
bool printable(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 && c != '\n') return false;  // what() lists errors one per line
        if (c == 0x7F) return false;
    }
    return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::strict).size() > 0;
}

TEST_CASE("a number beyond a double in the answer is a validation error that is re-asked, in every mode") {
    TestServer server;
    SECTION("json mode") {
        server.enqueue({.body = test_support::chat_text_reply(R"({"name":"Jason","age":1e400})")});
        server.enqueue({.body = test_support::chat_text_reply(R"({"name":"Jason","age":30})")});
        const auto client = instructor::from_openai(at(server.base_url()), Mode::json);
        const auto result = client.create_with_completion<UserDetail>(ask());
        CHECK(result.value.age == 30);
        CHECK(result.completions.size() == 2);
        CHECK(contains(server.requests()[1].body, "1e400"));
    }
    SECTION("tools mode, and -1e400") {
        server.enqueue({.body = tool_reply(R"({"name":"Jason","age":-1e400})")});
        server.enqueue({.body = tool_reply(R"({"name":"Jason","age":30})")});
        const auto client = instructor::from_openai(at(server.base_url()), Mode::tools);
        CHECK(client.create<UserDetail>(ask()).age == 30);
        CHECK(server.requests().size() == 2);
    }
    SECTION("streaming") {
        server.enqueue(streams::streamed(streams::text_stream(R"({"name":"Jason","age":1e400})")));
        server.enqueue(streams::streamed(streams::text_stream(R"({"name":"Jason","age":30})")));
        const auto client = instructor::from_openai(at(server.base_url()), Mode::json);
        int updates = 0;
        CHECK(client.create_partial<UserDetail>(ask(), [&](const UserDetail&) { ++updates; }).age == 30);
        CHECK(server.requests().size() == 2);
    }
    SECTION("try_create with no re-ask left returns the RetryError, naming the number") {
        server.enqueue({.body = test_support::chat_text_reply(R"({"name":"Jason","age":1e400})")});
        const auto client = instructor::from_openai(at(server.base_url()), Mode::json);
        const auto result = client.try_create<UserDetail>(ask(0));
        REQUIRE_FALSE(result);
        const auto* retry = result.error().as<instructor::RetryError>();
        REQUIRE(retry != nullptr);
        CHECK(contains(instructor::to_string(retry->attempts().back().errors.front()), "1e400"));
    }
}

TEST_CASE("trailers after a chunked reply are not kept, and headers and trailers together are bounded") {
    // A reply whose body is fine, followed by trailer lines without end.
    std::atomic<std::size_t> trailer_bytes_sent{0};
    RawServer server([&](RawConnection& c) {
        (void)c.read_request();
        const std::string body = test_support::chat_text_reply(R"({"name":"Jason","age":30})");
        std::string head =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            "Trailer: X-Pad\r\n\r\n";
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", body.size());
        if (!c.write(head + size + body + "\r\n0\r\n")) return;
        const std::string line = "X-Pad-" + std::string(1000, 'p') + ": " + std::string(3000, 'q') + "\r\n";
        for (int i = 0; i < 16 * 1024 && !c.stopping(); ++i) {  // 64 MiB of trailers
            if (!c.write(line)) return;
            trailer_bytes_sent += line.size();
        }
        (void)c.write("\r\n");
    });
    const std::string failure = test_support::within_memory(std::size_t{400} << 20, [&] {
        const auto client = instructor::from_openai(at(server.base_url()), Mode::json);
        try {
            (void)client.create<UserDetail>(ask(0));
        } catch (const instructor::LimitError& e) {
            return e.limit() == "max_header_bytes" && contains(e.what(), "headers and trailers");
        }
        return false;
    });
    INFO(failure);
    CHECK(failure.empty());
}

TEST_CASE("a few trailers do not disturb the reply, and are not taken for its headers") {
    RawServer server([](RawConnection& c) {
        (void)c.read_request();
        const std::string body = test_support::chat_text_reply(R"({"name":"Jason","age":30})");
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", body.size());
        (void)c.write(std::string("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                                  "X-Request-Id: head-id\r\n\r\n") +
                      size + body + "\r\n0\r\nX-Request-Id: trailer-id\r\n\r\n");
    });
    const auto client = instructor::from_openai(at(server.base_url()), Mode::json);
    const auto result = client.create_with_completion<UserDetail>(ask(0));
    CHECK(result.value.age == 30);
}

TEST_CASE("a server that trickles a byte at a time is cut off by the transfer's total bound") {
    RawServer server([](RawConnection& c) {
        (void)c.read_request();
        if (!c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")) return;
        while (c.write(" ") && c.pause(milliseconds(100))) {}
    });
    SECTION("every transfer has an overall bound by default, as OpenAI's own clients do") {
        CHECK(instructor::CurlOptions{}.total_timeout == std::chrono::minutes(10));
        CHECK(instructor::CurlOptions{}.low_speed_time == std::chrono::minutes(5));
    }
    SECTION("ten bytes a second pass the low-speed check, not the total bound") {
        auto options = at(server.base_url());
        options.curl.low_speed_time = std::chrono::seconds(1);
        options.curl.total_timeout = milliseconds(1500);
        const auto client = instructor::from_openai(options, Mode::json);
        const auto start = std::chrono::steady_clock::now();
        const auto error = thrown<instructor::TransportError>([&] { (void)client.create<UserDetail>(ask(0)); });
        REQUIRE(error);
        CHECK(contains(error->what(), "imeout"));
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
    }
}

TEST_CASE("header values with line breaks, framing headers and keys with newlines are refused, naming which") {
    TestServer server;
    SECTION("a line break in a client header's value") {
        auto options = at(server.base_url());
        options.headers = {{"X-Team", "a\r\nX-Injected: 1"}};
        const auto error = thrown<instructor::ConfigurationError>([&] { (void)instructor::from_openai(options); });
        REQUIRE(error);
        CHECK(contains(error->what(), "X-Team"));
        CHECK_FALSE(contains(error->what(), "X-Injected"));
    }
    SECTION("an API key read from a file with its newline") {
        auto options = at(server.base_url());
        options.api_key = "sk-from-a-file\n";
        const auto error = thrown<instructor::ConfigurationError>([&] { (void)instructor::from_openai(options); });
        REQUIRE(error);
        CHECK(contains(error->what(), "api_key"));
        CHECK_FALSE(contains(error->what(), "sk-from-a-file"));
    }
    SECTION("a NUL in a request's header, and a header name that is not a token") {
        const auto client = instructor::from_openai(at(server.base_url()), Mode::json);
        auto request = ask(0);
        request.headers = {{"X-Trace", std::string("a\0b", 3)}};
        CHECK(thrown<instructor::ConfigurationError>([&] { (void)client.create<UserDetail>(request); }));
        request.headers = {{"X Trace", "a"}};
        CHECK(thrown<instructor::ConfigurationError>([&] { (void)client.create<UserDetail>(request); }));
        CHECK(server.requests().empty());
    }
    SECTION("headers that frame the request") {
        for (const char* name : {"Content-Length", "transfer-encoding", "Host", "Connection"}) {
            auto options = at(server.base_url());
            options.headers = {{name, "5"}};
            const auto error = thrown<instructor::ConfigurationError>([&] { (void)instructor::from_openai(options); });
            REQUIRE(error);
            CHECK(contains(error->what(), name));
        }
    }
    SECTION("the libcurl transport refuses them too, whoever built the request") {
        const auto transport = instructor::curl_transport();
        CHECK(thrown<instructor::ConfigurationError>([&] {
            (void)transport({.url = server.base_url() + "/v1/chat/completions",
                             .headers = {{"Authorization", "Bearer sk\r\n\r\nGET / HTTP/1.1"}},
                             .body = "{}"});
        }));
        CHECK(server.requests().empty());
    }
}

TEST_CASE("a prompt that is not UTF-8 is a ConfigurationError naming the message and the byte") {
    TestServer server;
    const auto client = instructor::from_openai(at(server.base_url()), Mode::json);
    instructor::Request request = ask(0);
    request.messages = {instructor::system("Extract users."), instructor::user("Jos\xe9 is 30")};
    const auto error = thrown<instructor::ConfigurationError>([&] { (void)client.create<UserDetail>(request); });
    REQUIRE(error);
    CHECK(contains(error->what(), "messages[1] (user)"));
    CHECK(contains(error->what(), "byte 3 is 0xe9"));
    const auto result = client.try_create<UserDetail>(request);
    REQUIRE_FALSE(result);
    CHECK(result.error().as<instructor::ConfigurationError>() != nullptr);
    SECTION("in extra fields too") {
        request.messages = {instructor::user("fine")};
        request.extra = {{"user", std::string("\xff")}};
        CHECK(thrown<instructor::ConfigurationError>([&] { (void)client.create<UserDetail>(request); }));
    }
    CHECK(server.requests().empty());
}

TEST_CASE("a base URL with a query keeps it after the chat path") {
    RawServer server([](RawConnection& c) {
        (void)c.read_request();
        (void)c.write(http_reply(test_support::chat_text_reply(R"({"name":"Jason","age":30})")));
    });
    auto options = at(server.base_url());
    options.base_url = server.base_url() + "/openai/deployments/d1?api-version=2024-10-21";
    const auto client = instructor::from_openai(options, Mode::json);
    CHECK(client.create<UserDetail>(ask(0)).age == 30);
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].rfind("POST /openai/deployments/d1/chat/completions?api-version=2024-10-21 HTTP/1.1",
                                     0) == 0);
}

TEST_CASE("hooks and log lines never show credentials in URLs") {
    TestServer server;
    server.enqueue({.body = test_support::chat_text_reply(R"({"name":"Jason","age":30})")});
    std::vector<std::string> lines;
    std::vector<std::string> urls;
    auto options = at(server.base_url());
    options.base_url = "http://user:PASSWORD@127.0.0.1:" + std::to_string(server.port()) + "/v1?api-key=QUERY-KEY&v=1";
    options.hooks = instructor::log_hooks([&](std::string_view line) { lines.emplace_back(line); });
    auto log = options.hooks.on_request;
    options.hooks.on_request = [&, log](const instructor::RequestSent& e) {
        urls.emplace_back(e.url);
        log(e);
    };
    const auto client = instructor::from_openai(options, Mode::json);
    CHECK(client.create<UserDetail>(ask(0)).age == 30);
    REQUIRE(urls.size() == 1);
    CHECK(urls[0] == "http://127.0.0.1:" + std::to_string(server.port()) + "/v1/chat/completions?api-key=REDACTED&v=1");
    for (const auto& line : lines) {
        CHECK_FALSE(contains(line, "PASSWORD"));
        CHECK_FALSE(contains(line, "QUERY-KEY"));
    }
    CHECK(server.requests().size() == 1);
}

TEST_CASE("an error body nested without end costs no more than the bound on depth") {
    // 32 MiB of '[': read as no message, without building a 32-million-deep value.
    const std::string body = std::string(std::size_t{32} << 20, '[') + std::string(std::size_t{32} << 20, ']');
    TestServer server;
    server.enqueue({.status = 500, .body = body});
    const std::string failure = test_support::within_memory(std::size_t{900} << 20, [&] {
        const auto client = instructor::from_openai(at(server.base_url()), Mode::json);
        try {
            (void)client.create<UserDetail>(ask(0));
        } catch (const instructor::ServerError& e) {
            return e.details().body.size() == body.size() && std::string(e.what()).size() < 2000;
        }
        return false;
    });
    INFO(failure);
    CHECK(failure.empty());
}

TEST_CASE("a server that echoes the key shows it nowhere: not in what(), details, hooks or the completion") {
    TestServer server;
    const std::string key = "sk-live-0123456789abcdef";
    server.enqueue(
        {.status = 401,
         .headers = {{"X-Request-Id", "req-" + key}},
         .body = json{{"error", {{"message", "Incorrect API key provided: " + key}, {"code", key}}}}.dump()});
    auto options = at(server.base_url());
    options.api_key = key;
    std::string seen;
    options.hooks.on_reply = [&](const instructor::ReplyReceived& e) { seen += std::string(e.body); };
    const auto client = instructor::from_openai(options, Mode::json);
    const auto error = thrown<instructor::AuthenticationError>([&] { (void)client.create<UserDetail>(ask(0)); });
    REQUIRE(error);
    CHECK_FALSE(contains(error->what(), key));
    CHECK_FALSE(contains(error->details().message, key));
    CHECK_FALSE(contains(error->details().body, key));
    CHECK_FALSE(contains(error->details().code, key));
    CHECK_FALSE(contains(error->details().request_id, key));
    CHECK_FALSE(contains(seen, key));
    CHECK(contains(error->details().message, "Incorrect API key provided: REDACTED"));
    SECTION("in a stream's error event too") {
        server.enqueue(streams::streamed(
            "event: error\ndata: " + json{{"error", {{"message", "bad key " + key}}}}.dump() + "\n\n"));
        const auto stream_error = thrown<instructor::StreamError>(
            [&] { (void)client.create_partial<UserDetail>(ask(0), [](const auto&) {}); });
        REQUIRE(stream_error);
        CHECK_FALSE(contains(stream_error->what(), key));
        REQUIRE(stream_error->details());
        CHECK_FALSE(contains(stream_error->details()->body, key));
    }
}

TEST_CASE("what() is clipped and cleaned of control characters and bytes that are not UTF-8, everywhere") {
    TestServer server;
    const std::string escape = "\x1b[2J\x1b[31mred\r\nX: y\xff\xfe";
    server.enqueue(
        {.status = 400,
         .headers = {{"X-Request-Id", std::string(20000, 'r') + escape}},
         .body = json{{"error",
                       {{"message", escape + std::string(30000, 'm')}, {"code", std::string(50000, 'c') + escape}}}}
                     .dump(-1, ' ', false, json::error_handler_t::ignore)});
    const auto client = instructor::from_openai(at(server.base_url()), Mode::json);
    const auto error = thrown<instructor::HttpError>([&] { (void)client.create<UserDetail>(ask(0)); });
    REQUIRE(error);
    const std::string what = error->what();
    CHECK(what.size() < 2000);
    CHECK(printable(what));
    CHECK_FALSE(contains(what, "\x1b"));
    CHECK(error->details().code.size() > 50000);  // kept whole
    SECTION("a refusal, too") {
        server.enqueue({.body = json{{"choices",
                                      {{{"index", 0},
                                        {"message", {{"role", "assistant"}, {"content", nullptr}, {"refusal", escape}}},
                                        {"finish_reason", "stop"}}}}}
                                    .dump(-1, ' ', false, json::error_handler_t::ignore)});
        const auto refusal = thrown<instructor::RefusalError>([&] { (void)client.create<UserDetail>(ask(0)); });
        REQUIRE(refusal);
        CHECK(printable(refusal->what()));
    }
}

TEST_CASE("a timeout of milliseconds::max() means no deadline, not an overflow") {
    TestServer server;
    server.enqueue({.body = test_support::chat_text_reply(R"({"name":"Jason","age":30})")});
    server.enqueue({.body = test_support::chat_text_reply(R"({"name":"Jason","age":31})")});
    auto options = at(server.base_url());
    options.timeout = milliseconds::max();
    options.curl.total_timeout = milliseconds::max();
    options.curl.connect_timeout = milliseconds::max();
    options.curl.low_speed_time = std::chrono::seconds::max();
    const auto client = instructor::from_openai(options, Mode::json);
    CHECK(client.create<UserDetail>(ask(0)).age == 30);
    auto request = ask(0);
    request.timeout = milliseconds::max();
    CHECK(client.create<UserDetail>(request).age == 31);
}

// `count` tool calls of UserDetail, as a reply's tool_calls array's members.
std::string many_calls(int count) {
    std::string calls;
    for (int i = 0; i < count; ++i) {
        if (i) calls += ',';
        calls += R"({"index":)" + std::to_string(i) + R"(,"id":"c)" + std::to_string(i) +
                 R"(","type":"function","function":{"name":"UserDetail","arguments":"{}"}})";
    }
    return calls;
}

std::string tool_calls_reply(const std::string& calls) {
    return R"({"id":"x","model":"m","choices":[{"index":0,"message":{"role":"assistant","tool_calls":[)" + calls +
           R"(]},"finish_reason":"tool_calls"}]})";
}

TEST_CASE("a reply with more tool calls than Limits::max_tool_calls is a LimitError, streamed or not") {
    TestServer server;
    const std::string calls = many_calls(2000);
    server.enqueue({.body = tool_calls_reply(calls)});
    server.enqueue(streams::streamed(
        streams::sse({streams::openai_chunk({{"tool_calls", json::parse("[" + calls + "]")}})}), 64 * 1024));
    const auto client = instructor::from_openai(at(server.base_url()), Mode::parallel_tools);
    const auto whole =
        thrown<instructor::LimitError>([&] { (void)client.create<std::vector<std::variant<UserDetail>>>(ask(0)); });
    REQUIRE(whole);
    CHECK(whole->limit() == "max_tool_calls");
    auto request = ask(0);
    request.mode = Mode::tools;
    const auto streamed = thrown<instructor::LimitError>(
        [&] { (void)client.create_partial<UserDetail>(request, [](const UserDetail&) {}); });
    REQUIRE(streamed);
    CHECK(streamed->limit() == "max_tool_calls");
}

TEST_CASE("a reply of 200,000 tool calls in 19 MiB is refused within bounded memory") {
    TestServer server;
    server.enqueue({.body = tool_calls_reply(many_calls(200000))});
    const std::string failure = test_support::within_memory(std::size_t{300} << 20, [&] {
        const auto client = instructor::from_openai(at(server.base_url()), Mode::parallel_tools);
        try {
            (void)client.create<std::vector<std::variant<UserDetail>>>(ask(0));
        } catch (const instructor::LimitError& e) {
            return e.limit() == "max_values" || e.limit() == "max_tool_calls";
        }
        return false;
    });
    INFO(failure);
    CHECK(failure.empty());
}

TEST_CASE("a reply holding bytes that are not UTF-8 is read and its answer re-asked") {
    TestServer server;
    SECTION("a byte that is not UTF-8, as when a token ends inside a character") {
        server.enqueue({.body = "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                                "\"{\\\"name\\\":\\\"Jos\xc3\\\",\\\"age\\\":30}\"},\"finish_reason\":\"stop\"}]}"});
    }
    SECTION("a lone surrogate") {
        server.enqueue({.body = R"({"choices":[{"index":0,"message":{"role":"assistant","content":)"
                                R"("{\"name\":\"Jos\ud800\",\"age\":30}"},"finish_reason":"stop"}]})"});
    }
    server.enqueue({.body = test_support::chat_text_reply(R"({"name":"José","age":30})")});
    const auto client = instructor::from_openai(at(server.base_url()), Mode::json);
    const auto result = client.create_with_completion<UserDetail>(ask(1));
    CHECK(result.value.name == "José");
    REQUIRE(result.completions.size() == 2);
    CHECK(result.completions[0].replaced_characters == 1);
    CHECK(contains(server.requests()[1].body, "not UTF-8"));
}

TEST_CASE("a single header of a megabyte is a LimitError that says so") {
    RawServer server([](RawConnection& c) {
        (void)c.read_request();
        (void)c.write("HTTP/1.1 200 OK\r\nX-Big: " + std::string(std::size_t{1} << 20, 'h') + "\r\n\r\n");
    });
    const auto client = instructor::from_openai(at(server.base_url()), Mode::json);
    const auto error = thrown<instructor::LimitError>([&] { (void)client.create<UserDetail>(ask(0)); });
    REQUIRE(error);
    CHECK(error->limit() == "max_header_bytes");
    CHECK_FALSE(contains(error->what(), "Out of memory"));
}

TEST_CASE("a redirect names where it points, without its credentials, it is not followed") {
    TestServer server;
    server.enqueue({.status = 301, .headers = {{"Location", "https://other.example/v1/chat/completions?key=K1"}}});
    const auto client = instructor::from_openai(at(server.base_url()), Mode::json);
    const auto error = thrown<instructor::HttpError>([&] { (void)client.create<UserDetail>(ask(0)); });
    REQUIRE(error);
    CHECK(contains(error->what(), "redirected to https://other.example/v1/chat/completions?key=REDACTED"));
    CHECK(server.requests().size() == 1);
}

TEST_CASE("a 404 names the URL it called and suggests checking base_url") {
    TestServer server;
    server.enqueue({.status = 404, .body = R"({"error":{"message":"Not Found"}})"});
    auto options = at(server.base_url());
    options.base_url = server.base_url() + "/wrong?token=T0";
    const auto client = instructor::from_openai(options, Mode::json);
    const auto error = thrown<instructor::HttpError>([&] { (void)client.create<UserDetail>(ask(0)); });
    REQUIRE(error);
    CHECK(contains(error->what(), server.base_url() + "/wrong/chat/completions?token=REDACTED"));
    CHECK(contains(error->what(), "base_url"));
    CHECK(error->details().url == server.base_url() + "/wrong/chat/completions?token=REDACTED");
}

TEST_CASE("a port beyond 65535 is refused when the client is made") {
    for (const char* url :
         {"http://127.0.0.1:65536/v1", "http://127.0.0.1:0/v1", "http://127.0.0.1:80a/v1", "http://127.0.0.1:/v1"}) {
        const auto error =
            thrown<instructor::ConfigurationError>([&] { (void)instructor::from_openai({.base_url = url}); });
        REQUIRE(error);
        CHECK(contains(error->what(), "port"));
    }
    CHECK_NOTHROW(instructor::from_openai({.base_url = "http://127.0.0.1:65535/v1"}));
    CHECK_NOTHROW(instructor::from_openai({.base_url = "http://[::1]:8080/v1"}));
}

}  // namespace hostile_test

namespace hostile_test {

TEST_CASE("a server that cannot stream tool calls: the whole reply is send 2 of the same attempt") {
    TestServer server;
    server.enqueue(
        {.status = 500,
         .body = R"({"error":{"code":500,"message":"Cannot use tools with stream","type":"server_error"}})"});
    server.enqueue({.body = tool_reply(R"({"name":"Jason","age":30})")});
    std::vector<std::pair<int, int>> sends;
    std::vector<std::string> retries;
    auto options = at(server.base_url());
    options.hooks.on_request = [&](const instructor::RequestSent& e) { sends.emplace_back(e.attempt, e.http_attempt); };
    options.hooks.on_retry = [&](const instructor::RetryScheduled& e) { retries.emplace_back(e.reason); };
    const auto client = instructor::from_provider("llama-cpp/m", options, Mode::tools);
    CHECK(client.create_partial<UserDetail>(ask(0), [](const UserDetail&) {}).age == 30);
    CHECK(server.requests().size() == 2);
    CHECK(sends == std::vector<std::pair<int, int>>{{1, 1}, {1, 2}});
    CHECK(retries.empty());  // not a retry of the same request, nor a re-ask
}

TEST_CASE("extract_many's usage is in its progress: every call's tokens, failed ones included") {
    TestServer server(4);
    server.respond_with([](const test_support::RecordedRequest& request) {
        return ScriptedReply{.body = test_support::chat_text_reply(contains(request.body, "broken")
                                                                       ? R"({"name":"Jason","age":"old"})"
                                                                       : R"({"name":"Jason","age":30})")};
    });
    const auto client = instructor::from_openai(at(server.base_url()), Mode::json);
    instructor::Usage total;
    instructor::BatchOptions batch{.max_concurrency = 2};
    batch.on_progress = [&](const instructor::BatchProgress& progress) { total = progress.usage; };
    const auto results =
        instructor::extract_many<UserDetail>(client, std::vector<std::string>{"Jason is 30", "broken", "Jason is 30"},
                                             {.model = "m", .max_retries = 0}, batch);
    REQUIRE(results.size() == 3);
    CHECK_FALSE(results[1]);
    CHECK(total.total_tokens == 3 * 28);
}

TEST_CASE("llama.cpp's preset asks in gbnf by default, and out of re-asks in json_schema the error names gbnf") {
    TestServer server;
    CHECK(instructor::from_provider("llama-cpp/m", at(server.base_url())).mode() == Mode::gbnf);
    server.enqueue({.body = test_support::chat_text_reply(R"({"name":"Jason","age":-3})")});
    const auto client = instructor::from_provider("llama-cpp/m", at(server.base_url()), Mode::json_schema);
    const auto error = thrown<instructor::RetryError>([&] { (void)client.create<Adult>(ask(0)); });
    REQUIRE(error);
    CHECK(contains(error->what(), "Mode::gbnf"));
    const auto in_gbnf = instructor::from_provider("llama-cpp/m", at(server.base_url()), Mode::gbnf);
    server.enqueue({.body = test_support::chat_text_reply(R"({"name":"Jason","age":-3})")});
    const auto plain = thrown<instructor::RetryError>([&] { (void)in_gbnf.create<Adult>(ask(0)); });
    REQUIRE(plain);
    CHECK_FALSE(contains(plain->what(), "Mode::gbnf"));
}

}  // namespace hostile_test
