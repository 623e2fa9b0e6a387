// The client through the real libcurl transport, against a local server on 127.0.0.1 that speaks
// the providers' dialects and records what it receives.

#include "catch.hpp"

#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <instructor/instructor.hpp>

#include "test_server.hpp"

namespace http_client_test {

using instructor::Annotated;
using instructor::Mode;
using json = nlohmann::json;
using test_support::ScriptedReply;
using test_support::TestServer;

struct UserDetail {
    std::string name;
    Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

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
                   {"finish_reason", "stop"}}}},
                {"usage", {{"prompt_tokens", 20}, {"completion_tokens", 8}, {"total_tokens", 28}}}}
        .dump();
}

std::string text_reply(const std::string& content) {
    return json{
        {"id", "chatcmpl-2"},
        {"model", "test"},
        {"choices",
         {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", "stop"}}}},
        {"usage", {{"prompt_tokens", 20}, {"completion_tokens", 8}, {"total_tokens", 28}}}}
        .dump();
}

instructor::Request ask(const std::string& text) {
    return {.model = "test-model", .messages = {instructor::user(text)}, .max_retries = 1};
}

instructor::ClientOptions at(const TestServer& server, const std::string& path, const std::string& key = {}) {
    instructor::ClientOptions options;
    options.base_url = server.base_url() + path;
    options.api_key = key;
    options.http_retries.max_retries = 0;  // one exchange per call here; test_http_retries.cpp covers retries
    return options;
}

}  // namespace http_client_test

using namespace http_client_test;

TEST_CASE("from_openai posts the provider's body with the bearer key and reads the reply, keeping it as received") {
    TestServer server;
    const std::string reply = tool_reply(R"({"name":"Jason","age":30})");
    server.enqueue({.status = 200, .headers = {{"x-request-id", "req_42"}}, .body = reply});
    const auto client = instructor::from_openai(at(server, "/v1", "sk-test-SECRET123"), Mode::tools);
    const auto result = client.create_with_completion<UserDetail>(ask("Jason is 30"));
    CHECK(result.value.name == "Jason");
    CHECK(result.completions.at(0).request_id == "req_42");
    CHECK(result.completions.at(0).raw == reply);
    REQUIRE(server.requests().size() == 1);
    const auto request = server.requests()[0];
    CHECK(request.method == "POST");
    CHECK(request.path == "/v1/chat/completions");
    CHECK(server.header(0, "authorization") == "Bearer sk-test-SECRET123");
    CHECK(server.header(0, "content-type") == "application/json");
    auto sent = ask("Jason is 30");
    sent.max_retries = {};
    sent.response_models = {instructor::response_model<UserDetail>()};
    CHECK(json::parse(request.body) == json(instructor::provider("openai-compatible").build_body(sent, Mode::tools)));
}

TEST_CASE("an invalid answer is re-asked over HTTP, and the server receives the re-ask") {
    TestServer server;
    server.enqueue({.body = tool_reply(R"({"name":"Jason","age":"thirty"})")});
    server.enqueue({.body = tool_reply(R"({"name":"Jason","age":30})")});
    const auto client = instructor::from_openai(at(server, "/v1"), Mode::tools);
    const auto result = client.create_with_completion<UserDetail>(ask("Jason is thirty"));
    CHECK(result.value.age == 30);
    CHECK(result.usage.total_tokens == 56);
    REQUIRE(server.requests().size() == 2);
    const auto second = json::parse(server.requests()[1].body);
    CHECK(second["messages"][2]["role"] == "tool");
    CHECK(second["messages"][2]["content"] ==
          "Validation errors:\n/age: expected an integer between 0 and 150, got \"thirty\"\nCall the function again "
          "with these errors fixed.");
}

TEST_CASE("HTTP errors become typed errors that never show the key") {
    TestServer server;
    SECTION("401") {
        server.enqueue(
            {.status = 401,
             .body =
                 R"({"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","code":"invalid_api_key"}})"});
        const auto client = instructor::from_openai(at(server, "/v1", "sk-test-SECRET123"));
        try {
            (void)client.create<UserDetail>(ask("x"));
            FAIL("401 must throw");
        } catch (const instructor::AuthenticationError& e) {
            CHECK(e.status() == 401);
            CHECK(e.details().code == "invalid_api_key");
            CHECK(std::string(e.what()).find("SECRET123") == std::string::npos);
        }
    }
    SECTION("429 with Retry-After") {
        server.enqueue({.status = 429,
                        .headers = {{"retry-after", "7"}},
                        .body = R"({"error":{"message":"Rate limit reached","code":"rate_limit_exceeded"}})"});
        const auto client = instructor::from_openai(at(server, "/v1"));
        try {
            (void)client.create<UserDetail>(ask("x"));
            FAIL("429 must throw");
        } catch (const instructor::RateLimitError& e) {
            CHECK(e.details().retry_after_seconds == 7.0);
        }
    }
    SECTION("an HTML page from a proxy") {
        server.enqueue(
            {.status = 502, .body = "<html><body><h1>502 Bad Gateway</h1></body></html>", .content_type = "text/html"});
        const auto client = instructor::from_openai(at(server, "/v1"));
        CHECK_THROWS_AS(client.create<UserDetail>(ask("x")), instructor::ServerError);
    }
    SECTION("a 200 reply that is not JSON") {
        server.enqueue({.status = 200, .body = "not json at all", .content_type = "text/plain"});
        const auto client = instructor::from_openai(at(server, "/v1"));
        CHECK_THROWS_AS(client.create<UserDetail>(ask("x")), instructor::HttpError);
    }
}

TEST_CASE("from_provider picks the preset's dialect, path and key variable") {
    TestServer server;
    server.enqueue({.body = tool_reply(R"({"name":"Jason","age":30})")});
    ::setenv("GROQ_API_KEY", "gsk-test-key", 1);
    const auto client = instructor::from_provider("groq/llama-3.3-70b-versatile", at(server, "/openai/v1"));
    auto request = ask("Jason is 30");
    request.model.clear();  // the model named in the spec is the default
    request.max_tokens = 100;
    CHECK(client.create<UserDetail>(request).age == 30);
    CHECK(server.requests()[0].path == "/openai/v1/chat/completions");
    CHECK(server.header(0, "authorization") == "Bearer gsk-test-key");
    const auto body = json::parse(server.requests()[0].body);
    CHECK(body["model"] == "llama-3.3-70b-versatile");
    CHECK(body["max_completion_tokens"] == 100);  // Groq's field
}

TEST_CASE("from_provider says which environment variable a hosted provider's key comes from") {
    ::unsetenv("MISTRAL_API_KEY");
    try {
        (void)instructor::from_provider("mistral/mistral-large-latest");
        FAIL("no key must be a configuration error");
    } catch (const instructor::ConfigurationError& e) {
        CHECK(std::string(e.what()) == "mistral needs an API key: set MISTRAL_API_KEY or pass .api_key");
    }
    CHECK_THROWS_AS(instructor::from_provider("groq"), instructor::ConfigurationError);
}

TEST_CASE("an OpenAI-compatible server never receives OPENAI_API_KEY") {
    TestServer server;
    server.enqueue({.body = tool_reply(R"({"name":"Jason","age":30})")});
    ::setenv("OPENAI_API_KEY", "sk-openai-SECRET", 1);
    const auto client = instructor::from_provider("openai-compatible/qwen2.5", at(server, "/v1"));
    CHECK(client.create<UserDetail>(ask("Jason is 30")).age == 30);
    CHECK(server.header(0, "authorization").empty());
    ::unsetenv("OPENAI_API_KEY");
}

TEST_CASE("local providers need no key, and Ollama's native API is spoken on /api/chat") {
    TestServer server;
    server.enqueue({.body = json{
                        {"model", "llama3.1"},
                        {"message", {{"role", "assistant"}, {"content", R"({"name":"Jason","age":30})"}}},
                        {"done", true},
                        {"done_reason", "stop"},
                        {"prompt_eval_count", 26},
                        {"eval_count",
                         12}}.dump()});
    const auto client = instructor::from_provider("ollama-native/llama3.1", at(server, ""));
    const auto result = client.create_with_completion<UserDetail>(ask("Jason is 30"));
    CHECK(result.value.name == "Jason");
    CHECK(result.usage.total_tokens == 38);
    CHECK(server.requests()[0].path == "/api/chat");
    CHECK(server.header(0, "authorization").empty());
    CHECK(json::parse(server.requests()[0].body)["format"]["type"] == "object");
}

TEST_CASE("transport failures are TransportErrors naming the host, never the key") {
    SECTION("nothing listens") {
        const auto client = instructor::from_openai(
            {.base_url = "http://127.0.0.1:1/v1", .api_key = "sk-SECRET", .http_retries = {.max_retries = 0}});
        try {
            (void)client.create<UserDetail>(ask("x"));
            FAIL("connection refused must throw");
        } catch (const instructor::TransportError& e) {
            CHECK(std::string(e.what()).rfind("request to http://127.0.0.1:1 failed: ", 0) == 0);
            CHECK(std::string(e.what()).find("SECRET") == std::string::npos);
        }
    }
    SECTION("a reply slower than the deadline") {
        TestServer server;
        server.enqueue({.body = text_reply("{}"), .delay_ms = 2000});
        auto options = at(server, "/v1");
        options.curl.total_timeout = std::chrono::milliseconds(200);
        const auto client = instructor::from_openai(options, Mode::json);
        CHECK_THROWS_AS(client.create<UserDetail>(ask("x")), instructor::TransportError);
    }
    SECTION("a reply larger than the cap") {
        TestServer server;
        server.enqueue({.body = text_reply(std::string(5000, ' ') + R"({"name":"Jason","age":30})")});
        auto options = at(server, "/v1");
        options.limits.max_bytes = 1000;
        const auto client = instructor::from_openai(options, Mode::json);
        try {
            (void)client.create<UserDetail>(ask("x"));
            FAIL("an oversized reply must throw");
        } catch (const instructor::LimitError& e) {
            CHECK(std::string(e.what()).find("larger than Limits::max_bytes (1000 bytes)") != std::string::npos);
        }
    }
    SECTION("a connection closed in the middle of the body") {
        TestServer server;
        server.enqueue({.body = text_reply(R"({"name":"Jason","age":30})"), .close_mid_body = true});
        const auto client = instructor::from_openai(at(server, "/v1"), Mode::json);
        CHECK_THROWS_AS(client.create<UserDetail>(ask("x")), instructor::TransportError);
    }
}

TEST_CASE("connections are kept alive and reused across calls") {
    TestServer server;
    server.enqueue({.body = text_reply(R"({"name":"Jason","age":30})")});
    server.enqueue({.body = text_reply(R"({"name":"Ann","age":41})")});
    const auto client = instructor::from_openai(at(server, "/v1"), Mode::json);
    CHECK(client.create<UserDetail>(ask("Jason")).name == "Jason");
    CHECK(client.create<UserDetail>(ask("Ann")).name == "Ann");
    REQUIRE(server.requests().size() == 2);
    CHECK(server.requests()[0].remote_port == server.requests()[1].remote_port);
}

TEST_CASE("several threads share one client") {
    TestServer server;
    constexpr int threads = 4;
    constexpr int calls_each = 5;
    for (int i = 0; i < threads * calls_each; ++i) server.enqueue({.body = text_reply(R"({"name":"Jason","age":30})")});
    const auto client = instructor::from_openai(at(server, "/v1"), Mode::json);
    std::vector<std::thread> workers;
    std::vector<int> successes(threads, 0);
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            for (int i = 0; i < calls_each; ++i)
                if (client.create<UserDetail>(ask("Jason")).age == 30) ++successes[static_cast<std::size_t>(t)];
        });
    for (auto& worker : workers) worker.join();
    for (int count : successes) CHECK(count == calls_each);
    CHECK(server.requests().size() == static_cast<std::size_t>(threads * calls_each));
}
