// HTTP retries, hooks, cancellation, the non-throwing create and the streaming transport call,
// through the real libcurl transport against the local test server.

#include "catch.hpp"

#include <chrono>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <instructor/instructor.hpp>

#include "chat_replies.hpp"
#include "test_server.hpp"

namespace http_retries_test {

using instructor::Annotated;
using instructor::Mode;
using json = nlohmann::json;
using std::chrono::milliseconds;
using test_support::ScriptedReply;
using test_support::TestServer;

struct UserDetail {
    std::string name;
    Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

std::string answer(const std::string& content) { return test_support::chat_text_reply(content); }

const std::string jason = answer(R"({"name":"Jason","age":30})");

ScriptedReply failure(int status, std::string code = "server_error") {
    return {.status = status, .body = json{{"error", {{"message", "scripted failure"}, {"code", code}}}}.dump()};
}

instructor::Request ask() {
    return {.model = "test-model", .messages = {instructor::user("Jason is 30")}, .max_retries = 1};
}

// Fast back-off so that retry tests wait milliseconds, not seconds; every retry is recorded.
struct Recorder {
    std::vector<instructor::RetryScheduled> retries;
    std::vector<std::string> reasons;

    instructor::ClientOptions options(const TestServer& server) {
        instructor::ClientOptions options;
        options.base_url = server.base_url() + "/v1";
        options.api_key = "sk-test-SECRET123";
        options.http_retries = {.max_retries = 2, .initial_delay = milliseconds(5), .max_delay = milliseconds(20)};
        options.hooks.on_retry = [this](const instructor::RetryScheduled& event) {
            retries.push_back(event);
            reasons.emplace_back(event.reason);
            retries.back().reason = {};  // the view dies with the event
        };
        return options;
    }
};

}  // namespace http_retries_test

using namespace http_retries_test;

TEST_CASE("the back-off doubles from the initial delay, stops at the cap, and jitter only shortens it") {
    const instructor::HttpRetries policy{.max_retries = 6,
                                         .initial_delay = milliseconds(500),
                                         .multiplier = 2.0,
                                         .max_delay = milliseconds(3000),
                                         .jitter = 0.25};
    CHECK(instructor::http_retry_delay(policy, 1, std::nullopt, 0.0) == milliseconds(500));
    CHECK(instructor::http_retry_delay(policy, 2, std::nullopt, 0.0) == milliseconds(1000));
    CHECK(instructor::http_retry_delay(policy, 3, std::nullopt, 0.0) == milliseconds(2000));
    CHECK(instructor::http_retry_delay(policy, 4, std::nullopt, 0.0) == milliseconds(3000));
    CHECK(instructor::http_retry_delay(policy, 2, std::nullopt, 0.999) >= milliseconds(750));
    CHECK(instructor::http_retry_delay(policy, 7, std::nullopt, 0.0) == std::nullopt);  // past max_retries

    SECTION("a server's Retry-After wins, up to max_retry_after") {
        CHECK(instructor::http_retry_delay(policy, 1, 7.0, 0.5) == milliseconds(7000));
        CHECK(instructor::http_retry_delay(policy, 1, 0.25, 0.5) == milliseconds(250));
        CHECK(instructor::http_retry_delay(policy, 1, 61.0, 0.5) == std::nullopt);
    }
    SECTION("max_retries = 0 turns retries off") {
        CHECK(instructor::http_retry_delay({.max_retries = 0}, 1, std::nullopt, 0.0) == std::nullopt);
    }
}

TEST_CASE("a 429 is sent again after the wait its retry-after-ms header asks for") {
    TestServer server;
    server.enqueue({.status = 429,
                    .headers = {{"retry-after-ms", "120"}},
                    .body = R"({"error":{"message":"Rate limit reached","code":"rate_limit_exceeded"}})"});
    server.enqueue({.body = jason});
    Recorder recorder;
    const auto client = instructor::from_openai(recorder.options(server), Mode::json);

    const auto started = std::chrono::steady_clock::now();
    CHECK(client.create<UserDetail>(ask()).name == "Jason");
    CHECK(std::chrono::steady_clock::now() - started >= milliseconds(120));
    REQUIRE(server.requests().size() == 2);
    CHECK(server.requests()[0].body == server.requests()[1].body);  // the same request, not a re-ask
    REQUIRE(recorder.retries.size() == 1);
    CHECK(recorder.retries[0].cause == instructor::RetryCause::http);
    CHECK(recorder.retries[0].delay == milliseconds(120));
    CHECK(recorder.reasons[0] == "HTTP 429");
}

TEST_CASE("408, 409 and 5xx replies are retried with back-off until one succeeds") {
    const int status = GENERATE(408, 409, 500, 502, 503, 504);
    CAPTURE(status);
    TestServer server;
    server.enqueue(failure(status));
    server.enqueue(failure(status));
    server.enqueue({.body = jason});
    Recorder recorder;
    const auto client = instructor::from_openai(recorder.options(server), Mode::json);
    CHECK(client.create<UserDetail>(ask()).age == 30);
    CHECK(server.requests().size() == 3);
    REQUIRE(recorder.retries.size() == 2);
    CHECK(recorder.retries[0].delay <= milliseconds(5));
    CHECK(recorder.retries[1].delay <= milliseconds(10));
    CHECK(recorder.retries[1].delay > milliseconds(5) * 3 / 4);  // jitter shortens by at most 25%
}

TEST_CASE("when HTTP retries run out, the last provider error is thrown") {
    TestServer server;
    for (int i = 0; i < 3; ++i) server.enqueue(failure(503));
    Recorder recorder;
    const auto client = instructor::from_openai(recorder.options(server), Mode::json);
    CHECK_THROWS_AS(client.create<UserDetail>(ask()), instructor::ServerError);
    CHECK(server.requests().size() == 3);  // the first send and max_retries = 2 more
    CHECK(recorder.retries.size() == 2);
}

TEST_CASE("client errors and exhausted quota are never retried") {
    struct Case {
        int status;
        std::string code;
    };
    const auto c =
        GENERATE(Case{400, "invalid_request_error"}, Case{401, "invalid_api_key"}, Case{403, "permission_denied"},
                 Case{404, "model_not_found"}, Case{422, "unprocessable"}, Case{429, "insufficient_quota"});
    CAPTURE(c.status, c.code);
    TestServer server;
    server.enqueue(failure(c.status, c.code));
    server.enqueue({.body = jason});
    Recorder recorder;
    const auto client = instructor::from_openai(recorder.options(server), Mode::json);
    try {
        (void)client.create<UserDetail>(ask());
        FAIL("the error must be thrown at once");
    } catch (const instructor::HttpError& e) {
        CHECK(e.status() == c.status);
        CHECK(e.details().code == c.code);
    }
    CHECK(server.requests().size() == 1);
    CHECK(recorder.retries.empty());
}

TEST_CASE("a Retry-After longer than max_retry_after is not waited for") {
    TestServer server;
    server.enqueue(
        {.status = 429, .headers = {{"retry-after", "3600"}}, .body = R"({"error":{"message":"slow down"}})"});
    Recorder recorder;
    const auto client = instructor::from_openai(recorder.options(server), Mode::json);
    const auto started = std::chrono::steady_clock::now();
    try {
        (void)client.create<UserDetail>(ask());
        FAIL("the 429 must be thrown");
    } catch (const instructor::RateLimitError& e) {
        CHECK(e.details().retry_after_seconds == 3600.0);
    }
    CHECK(std::chrono::steady_clock::now() - started < milliseconds(2000));
    CHECK(server.requests().size() == 1);
}

TEST_CASE("HTTP retries can be turned off") {
    TestServer server;
    server.enqueue(failure(503));
    server.enqueue({.body = jason});
    Recorder recorder;
    auto options = recorder.options(server);
    options.http_retries.max_retries = 0;
    const auto client = instructor::from_openai(options, Mode::json);
    CHECK_THROWS_AS(client.create<UserDetail>(ask()), instructor::ServerError);
    CHECK(server.requests().size() == 1);
}

TEST_CASE("a broken connection is retried, a refused one is retried and then reported") {
    SECTION("closed in the middle of the body, then a whole reply") {
        TestServer server;
        server.enqueue({.body = jason, .close_mid_body = true});
        server.enqueue({.body = jason});
        Recorder recorder;
        const auto client = instructor::from_openai(recorder.options(server), Mode::json);
        CHECK(client.create<UserDetail>(ask()).name == "Jason");
        CHECK(server.requests().size() == 2);
        REQUIRE(recorder.retries.size() == 1);
        CHECK(recorder.reasons[0].find("failed") != std::string::npos);
    }
    SECTION("nothing listens") {
        TestServer server;  // only for its options; the URL points at a closed port
        Recorder recorder;
        auto options = recorder.options(server);
        options.base_url = "http://127.0.0.1:1/v1";
        const auto client = instructor::from_openai(options, Mode::json);
        try {
            (void)client.create<UserDetail>(ask());
            FAIL("a refused connection must throw");
        } catch (const instructor::TransportError& e) {
            CHECK(e.retryable());
            CHECK(std::string(e.what()).find("SECRET") == std::string::npos);
        }
        CHECK(recorder.retries.size() == 2);
    }
    SECTION("a deadline is not retried") {
        TestServer server;
        server.enqueue({.body = jason, .delay_ms = 1000});
        Recorder recorder;
        auto options = recorder.options(server);
        options.curl.total_timeout = milliseconds(100);
        const auto client = instructor::from_openai(options, Mode::json);
        try {
            (void)client.create<UserDetail>(ask());
            FAIL("the deadline must throw");
        } catch (const instructor::TransportError& e) {
            CHECK_FALSE(e.retryable());
        }
        CHECK(recorder.retries.empty());
    }
}

TEST_CASE("hooks see every request, reply, parse error and retry, in order, and never the key") {
    TestServer server;
    server.enqueue({.body = answer(R"({"name":"Jason","age":"thirty"})")});
    server.enqueue(failure(503));
    server.enqueue({.body = jason});
    Recorder recorder;
    auto options = recorder.options(server);
    std::vector<std::string> events;
    options.hooks.on_request = [&](const instructor::RequestSent& e) {
        events.push_back("request " + std::to_string(e.attempt) + "." + std::to_string(e.http_attempt));
        CHECK(e.url == server.base_url() + "/v1/chat/completions");
        CHECK(e.body.find("SECRET") == std::string_view::npos);
    };
    options.hooks.on_reply = [&](const instructor::ReplyReceived& e) {
        events.push_back("reply " + std::to_string(e.attempt) + "." + std::to_string(e.http_attempt) + " " +
                         std::to_string(e.status));
    };
    options.hooks.on_parse_error = [&](const instructor::ParseFailed& e) {
        events.push_back("parse error " + std::to_string(e.attempt) + ": " + to_string(e.errors.at(0)));
        CHECK(e.output == R"({"name":"Jason","age":"thirty"})");
    };
    auto on_retry = options.hooks.on_retry;
    options.hooks.on_retry = [&, on_retry](const instructor::RetryScheduled& e) {
        on_retry(e);
        events.push_back(std::string("retry ") + (e.cause == instructor::RetryCause::http ? "http" : "validation"));
    };
    const auto client = instructor::from_openai(options, Mode::json);
    CHECK(client.create<UserDetail>(ask()).age == 30);
    CHECK(events ==
          std::vector<std::string>{"request 1.1", "reply 1.1 200",
                                   R"(parse error 1: /age: expected an integer between 0 and 150, got "thirty")",
                                   "retry validation", "request 2.1", "reply 2.1 503", "retry http", "request 2.2",
                                   "reply 2.2 200"});
}

TEST_CASE("the last-attempt hook fires once before the RetryError") {
    TestServer server;
    server.enqueue({.body = answer(R"({"name":"Jason"})")});
    server.enqueue({.body = answer(R"({"name":"Jason"})")});
    Recorder recorder;
    auto options = recorder.options(server);
    std::vector<int> last;
    options.hooks.on_last_attempt = [&](const instructor::LastAttempt& e) {
        last.push_back(e.attempt);
        CHECK(to_string(e.errors.at(0)) == "/age: required field is missing");
    };
    const auto client = instructor::from_openai(options, Mode::json);
    CHECK_THROWS_AS(client.create<UserDetail>(ask()), instructor::RetryError);
    CHECK(last == std::vector<int>{2});
}

TEST_CASE("a hook that throws does not break the call") {
    TestServer server;
    server.enqueue({.body = answer(R"({"name":"Jason","age":-1})")});
    server.enqueue({.body = jason});
    Recorder recorder;
    auto options = recorder.options(server);
    const auto boom = [](const auto&) { throw std::runtime_error("hook failed"); };
    options.hooks = {
        .on_request = boom, .on_reply = boom, .on_parse_error = boom, .on_retry = boom, .on_last_attempt = boom};
    const auto client = instructor::from_openai(options, Mode::json);
    CHECK(client.create<UserDetail>(ask()).age == 30);
    CHECK(server.requests().size() == 2);
}

TEST_CASE("log_hooks writes one line per event, with sizes and without bodies or keys") {
    TestServer server;
    server.enqueue({.body = answer(R"({"name":"Jason","age":200})")});
    server.enqueue({.body = jason});
    std::vector<std::string> lines;
    Recorder recorder;
    auto options = recorder.options(server);
    options.hooks = instructor::log_hooks([&](std::string_view line) { lines.emplace_back(line); });
    const auto client = instructor::from_openai(options, Mode::json);
    CHECK(client.create<UserDetail>(ask()).age == 30);
    REQUIRE(lines.size() == 8);
    CHECK(lines[0].rfind("instructor: attempt 1: POST " + server.base_url() + "/v1/chat/completions (", 0) == 0);
    CHECK(lines[1].rfind("instructor: attempt 1: HTTP 200 (", 0) == 0);
    CHECK(lines[2] == "instructor: attempt 1: 20 prompt + 8 completion tokens");
    CHECK(lines[3] ==
          "instructor: attempt 1: the answer did not validate: /age: expected an integer between 0 "
          "and 150, got 200");
    CHECK(lines[4] == "instructor: attempt 1: 1 validation error, re-asking in 0 ms");
    for (const auto& line : lines) CHECK(line.find("SECRET") == std::string::npos);
}

TEST_CASE("a call is cancelled from another thread, in the transfer or in the wait before a retry") {
    TestServer server;
    Recorder recorder;
    auto options = recorder.options(server);
    SECTION("while the server is still thinking") { server.enqueue({.body = jason, .delay_ms = 5000}); }
    SECTION("while waiting out a Retry-After") {
        options.http_retries.max_retry_after = milliseconds(60'000);
        server.enqueue({.status = 429, .headers = {{"retry-after", "30"}}, .body = R"({"error":{"message":"wait"}})"});
    }
    const auto client = instructor::from_openai(options, Mode::json);
    std::stop_source stop;
    auto request = ask();
    request.cancel = stop.get_token();
    std::jthread canceller([&] {
        std::this_thread::sleep_for(milliseconds(150));
        stop.request_stop();
    });
    const auto started = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(client.create<UserDetail>(request), instructor::CancelledError);
    CHECK(std::chrono::steady_clock::now() - started < milliseconds(3000));
}

TEST_CASE("try_create returns the value, or the error create would throw") {
    TestServer server;
    server.enqueue({.body = jason});
    server.enqueue(failure(401, "invalid_api_key"));
    server.enqueue({.body = answer("no JSON here")});
    server.enqueue({.body = answer("still none")});
    Recorder recorder;
    const auto client = instructor::from_openai(recorder.options(server), Mode::json);

    auto ok = client.try_create<UserDetail>(ask());
    REQUIRE(ok);
    CHECK(ok->name == "Jason");

    auto unauthorised = client.try_create<UserDetail>(ask());
    REQUIRE_FALSE(unauthorised);
    REQUIRE(unauthorised.error().as<instructor::AuthenticationError>() != nullptr);
    CHECK(unauthorised.error().as<instructor::AuthenticationError>()->status() == 401);
    CHECK(unauthorised.error().as<instructor::RetryError>() == nullptr);
    CHECK_THROWS_AS(unauthorised.value(), instructor::AuthenticationError);

    auto exhausted = client.try_create<UserDetail>(ask());
    REQUIRE_FALSE(exhausted);
    REQUIRE(exhausted.error().as<instructor::RetryError>() != nullptr);
    CHECK(exhausted.error().as<instructor::RetryError>()->attempts().size() == 2);
    CHECK(std::string(exhausted.error().what()).find("no JSON") != std::string::npos);
}

TEST_CASE("the libcurl transport hands a successful body over in pieces as it arrives") {
    TestServer server;
    const std::string body(200'000, 'x');
    const auto transport = instructor::curl_transport();
    SECTION("a 200 is streamed, not collected") {
        server.enqueue({.body = body, .content_type = "text/event-stream"});
        std::string streamed;
        int pieces = 0;
        const auto response = transport({.url = server.base_url() + "/v1/chat/completions",
                                         .headers = {},
                                         .body = "{}",
                                         .on_chunk = [&](std::string_view chunk) {
                                             streamed += chunk;
                                             ++pieces;
                                             return true;
                                         }});
        CHECK(response.status == 200);
        CHECK(response.body.empty());
        CHECK(streamed == body);
        CHECK(pieces > 1);
    }
    SECTION("an error reply is collected whole, to be read as an error") {
        server.enqueue(failure(500));
        bool called = false;
        const auto response = transport(
            {.url = server.base_url() + "/v1", .headers = {}, .body = "{}", .on_chunk = [&](std::string_view) {
                 return called = true;
             }});
        CHECK(response.status == 500);
        CHECK_FALSE(called);
        CHECK(json::parse(response.body)["error"]["code"] == "server_error");
    }
    SECTION("returning false stops the transfer without an error") {
        server.enqueue({.body = body});
        std::size_t received = 0;
        const auto response = transport(
            {.url = server.base_url() + "/v1", .headers = {}, .body = "{}", .on_chunk = [&](std::string_view chunk) {
                 received += chunk.size();
                 return false;
             }});
        CHECK(response.status == 200);
        CHECK(received > 0);
        CHECK(received < body.size());
    }
}
