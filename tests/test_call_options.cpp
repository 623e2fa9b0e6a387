// What a call can carry (extract's options, headers, timeouts), base URLs checked up front, and
// errors a user meets in real programs: a throwing model or transport, a reply that is not the
// API's, statuses that will not change, long messages.

#include "catch.hpp"

#include <chrono>
#include <exception>
#include <optional>
#include <variant>
#include <stdexcept>
#include <string>
#include <vector>

#include <instructor/instructor.hpp>

#include "chat_replies.hpp"
#include "test_server.hpp"
#include "thrown.hpp"

namespace call_options_test {

using instructor::Mode;
using json = nlohmann::json;
using test_support::ScriptedReply;
using test_support::TestServer;
using test_support::thrown;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct UserDetail {
    std::string name;
    int age = 0;
};

// Validators that need the text the answer was taken from.
struct Source {
    std::string text;
};
struct NamedUser {
    std::string name;
    std::optional<std::string> validate(const Source& source) const {
        if (source.text.find(name) == std::string::npos) return "\"" + name + "\" is not in the text";
        return std::nullopt;
    }
};
struct Place {
    std::string city;
};

std::string text_reply(const std::string& content) { return test_support::chat_text_reply(content); }

const std::string jason = text_reply(R"({"name":"Jason","age":30})");

instructor::ClientOptions at(const TestServer& server) {
    instructor::ClientOptions options{.base_url = server.base_url() + "/v1", .api_key = "sk-key"};
    options.http_retries.max_retries = 0;
    return options;
}

// The original exception nested inside an instructor error, rethrown and caught as E.
template <class E>
std::string nested_what(const std::exception& outer) {
    try {
        std::rethrow_if_nested(outer);
    } catch (const E& inner) {
        return inner.what();
    } catch (...) {
        return "(another type)";
    }
    return "(nothing nested)";
}

// Generic code: error_cast needs no `.template`.
template <class Error, class Result>
bool holds(const Result& result) {
    return !result && instructor::error_cast<Error>(result.error()) != nullptr;
}

}  // namespace call_options_test

using namespace call_options_test;

TEST_CASE("extract sends everything a Request carries: sampling, stop, seed, extra fields and headers") {
    TestServer server;
    server.enqueue({.body = jason});
    const auto client = instructor::from_openai(at(server), Mode::json);
    const auto user = instructor::extract<UserDetail>(client, "Jason is 30",
                                                      {.model = "m",
                                                       .max_retries = 0,
                                                       .system = "Extract the user.",
                                                       .temperature = 0.0,
                                                       .top_p = 0.5,
                                                       .max_tokens = 64,
                                                       .seed = 7,
                                                       .stop = {"\n\n"},
                                                       .mode = Mode::md_json,
                                                       .extra = {{"top_k", 5}},
                                                       .cancel = {},
                                                       .timeout = milliseconds(5000),
                                                       .headers = {{"X-Trace", "t-1"}}});
    CHECK(user.name == "Jason");
    const json body = json::parse(server.requests().at(0).body);
    CHECK(body["model"] == "m");
    CHECK(body["messages"][0]["content"].get<std::string>().starts_with("Extract the user."));
    CHECK(body["temperature"] == 0.0);
    CHECK(body["top_p"] == 0.5);
    CHECK(body["max_tokens"] == 64);
    CHECK(body["seed"] == 7);
    CHECK(body["stop"] == json{"\n\n"});
    CHECK(body["top_k"] == 5);
    CHECK_FALSE(body.contains("response_format"));  // md_json, not the client's json mode
    CHECK(server.header(0, "x-trace") == "t-1");
}

TEST_CASE("a request's headers are set over the client's, and the client's over the provider's") {
    TestServer server;
    server.enqueue({.body = jason});
    server.enqueue({.body = jason});
    auto options = at(server);
    options.headers = {{"X-Team", "a"}, {"X-Trace", "client"}};
    const auto client = instructor::from_openai(options, Mode::json);
    instructor::Request request{.model = "m", .messages = {instructor::user("Jason is 30")}};
    (void)client.create<UserDetail>(request);
    request.headers = {{"x-trace", "request"}};
    (void)client.create<UserDetail>(request);
    CHECK(server.header(0, "x-trace") == "client");
    CHECK(server.header(1, "x-trace") == "request");
    CHECK(server.header(1, "x-team") == "a");
    CHECK(server.header(1, "authorization") == "Bearer sk-key");
    const auto sent = server.requests().at(1).headers;
    CHECK(std::count_if(sent.begin(), sent.end(),
                        [](const auto& h) { return h.first == "x-trace" || h.first == "X-Trace"; }) == 1);
}

TEST_CASE("a call's timeout ends it with a TimeoutError, whatever it is waiting for") {
    TestServer server;
    auto options = at(server);
    SECTION("a server that stalls (the request's timeout)") {
        server.enqueue({.body = jason, .delay_ms = 3000});
        const auto client = instructor::from_openai(options, Mode::json);
        const auto start = Clock::now();
        const auto error = thrown<instructor::TimeoutError>([&] {
            (void)client.create<UserDetail>(
                {.model = "m", .messages = {instructor::user("x")}, .timeout = milliseconds(300)});
        });
        REQUIRE(error);
        CHECK(Clock::now() - start < milliseconds(2000));
        CHECK(std::string(error->what()).find("timeout") != std::string::npos);
    }
    SECTION("the client's timeout, through try_create") {
        server.enqueue({.body = jason, .delay_ms = 3000});
        options.timeout = milliseconds(300);
        const auto client = instructor::from_openai(options, Mode::json);
        CHECK(holds<instructor::TimeoutError>(
            client.try_create<UserDetail>({.model = "m", .messages = {instructor::user("x")}})));
    }
    SECTION("an HTTP retry that could only start after the deadline is not made") {
        server.enqueue({.status = 503, .headers = {{"retry-after", "2"}}, .body = R"({"error":{"message":"busy"}})"});
        options.http_retries = {.max_retries = 3};
        options.timeout = milliseconds(500);
        const auto client = instructor::from_openai(options, Mode::json);
        const auto start = Clock::now();
        CHECK(thrown<instructor::ServerError>(
            [&] { (void)client.create<UserDetail>({.model = "m", .messages = {instructor::user("x")}}); }));
        CHECK(Clock::now() - start < milliseconds(1500));
        CHECK(server.requests().size() == 1);
    }
    SECTION("in a batch, each call has its own") {
        server.enqueue({.body = jason, .delay_ms = 3000});
        server.enqueue({.body = jason});
        options.timeout = milliseconds(400);
        const auto client = instructor::from_openai(options, Mode::json);
        std::vector<instructor::Request> requests(2, {.model = "m", .messages = {instructor::user("x")}});
        const auto results = client.create_many<UserDetail>(requests, {.max_concurrency = 2});
        int timed_out = 0;
        int answered = 0;
        for (const auto& r : results) {
            if (holds<instructor::TimeoutError>(r)) ++timed_out;
            if (r) ++answered;
        }
        CHECK(timed_out == 1);
        CHECK(answered == 1);
    }
}

TEST_CASE("base URLs are checked when the client is made, with an error that names the problem") {
    const auto problem = [](const std::string& url) -> std::string {
        const auto error =
            thrown<instructor::ConfigurationError>([&] { (void)instructor::from_openai({.base_url = url}); });
        return error ? error->what() : "";
    };
    CHECK(problem("http://").find("has no host") != std::string::npos);
    CHECK(problem("ftp://files.example.com/v1").find("only http and https") != std::string::npos);
    CHECK(problem("localhost:8080/v1").find("has no scheme") != std::string::npos);
    CHECK(problem("https://:8443/v1").find("has no host") != std::string::npos);
    for (const char* fine : {"http://127.0.0.1:8080/v1", "HTTPS://api.example.com/v1", "http://[::1]:8080/v1",
                             "https://user:pw@host.example/v1/", "http://localhost"})
        CHECK_NOTHROW(instructor::from_openai({.base_url = fine}));
    CHECK_NOTHROW(instructor::from_provider("llama-cpp/m", {.base_url = "http://127.0.0.1:9000/v1"}));
}

TEST_CASE(
    "an exception from the user's model or transport reaches the caller as an instructor error, the original nested") {
    const instructor::Request request{.model = "m", .messages = {instructor::user("x")}};
    SECTION("a from_callable model") {
        const auto client = instructor::from_callable(
            [](const json&) -> json { throw std::runtime_error("model crashed"); }, Mode::json);
        const auto result = client.try_create<UserDetail>(request);
        REQUIRE(holds<instructor::TransportError>(result));
        CHECK(std::string(result.error().what()).find("model crashed") != std::string::npos);
        CHECK(nested_what<std::runtime_error>(result.error().error()) == "model crashed");
    }
    SECTION("a custom transport, blocking and in a batch") {
        instructor::ClientOptions options{.base_url = "http://127.0.0.1:1/v1"};
        options.transport = [](const instructor::HttpRequest&) -> instructor::HttpResponse {
            throw std::logic_error("transport bug");
        };
        const auto client = instructor::from_openai(options, Mode::json);
        const auto result = client.try_create<UserDetail>(request);
        REQUIRE(holds<instructor::TransportError>(result));
        CHECK(nested_what<std::logic_error>(result.error().error()) == "transport bug");
        const auto batch = client.create_many<UserDetail>(std::vector{request, request});
        for (const auto& r : batch) {
            REQUIRE(holds<instructor::TransportError>(r));
            CHECK(nested_what<std::logic_error>(r.error().error()) == "transport bug");
        }
    }
    SECTION("a thing thrown that is not a std::exception") {
        const auto client = instructor::from_callable([](const json&) -> json { throw 42; }, Mode::json);
        const auto result = client.try_create<UserDetail>(request);
        REQUIRE(holds<instructor::TransportError>(result));
        try {
            std::rethrow_if_nested(result.error().error());
            FAIL("nothing nested");
        } catch (int value) {
            CHECK(value == 42);
        }
    }
    SECTION("but the caller's own streaming callback's exception passes through as it is") {
        TestServer server;
        server.enqueue(
            {.content_type = "text/event-stream",
             .chunks = {
                 "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{\\\"name\\\":\\\"Ja\"}}]}\n\n",
                 "data: "
                 "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"son\\\"}\"},\"finish_reason\":\"stop\"}]}\n\n",
                 "data: [DONE]\n\n"}});
        const auto client = instructor::from_openai(at(server), Mode::json);
        CHECK_THROWS_AS(
            client.create_partial<UserDetail>(request, [](const UserDetail&) { throw std::out_of_range("mine"); }),
            std::out_of_range);
    }
}

TEST_CASE("a 200 reply that is not a chat completion is an UnexpectedReplyError with an excerpt of it") {
    TestServer server;
    const std::string page =
        "<html><head><title>Welcome to nginx!</title></head><body>" + std::string(5000, ' ') + "</body></html>";
    SECTION("an HTML page") {
        server.enqueue({.headers = {{"Content-Type", "text/html"}}, .body = page});
        const auto client = instructor::from_provider("llama-cpp/m", at(server));
        const auto error = thrown<instructor::UnexpectedReplyError>(
            [&] { (void)client.create<UserDetail>({.model = "m", .messages = {instructor::user("x")}}); });
        REQUIRE(error);
        CHECK(error->status() == 200);
        CHECK(error->excerpt().find("Welcome to nginx!") != std::string::npos);
        CHECK(error->details().body == page);
        const std::string what = error->what();
        CHECK(what.find("not a chat completion") != std::string::npos);
        CHECK(what.find("text/html") != std::string::npos);
        CHECK(what.find("base_url") != std::string::npos);
        CHECK(what.size() < 600);
    }
    SECTION("JSON of another API") {
        server.enqueue({.body = R"({"models":[{"name":"llama3"}]})"});
        const auto client = instructor::from_openai(at(server), Mode::json);
        const auto error = thrown<instructor::UnexpectedReplyError>(
            [&] { (void)client.create<UserDetail>({.model = "m", .messages = {instructor::user("x")}}); });
        REQUIRE(error);
        CHECK(std::string(error->what()).find("choices") != std::string::npos);
    }
    CHECK(server.requests().size() == 1);  // never retried: the same server would answer the same
}

TEST_CASE("statuses that will not change are not retried, those that may are") {
    TestServer server;
    auto options = at(server);
    options.http_retries = {.max_retries = 2, .initial_delay = milliseconds(1)};
    const auto client = instructor::from_openai(options, Mode::json);
    const instructor::Request request{.model = "m", .messages = {instructor::user("x")}};
    for (const int status : {501, 505, 511}) {
        const auto before = server.requests().size();
        server.enqueue({.status = status, .body = R"({"error":{"message":"no"}})"});
        CHECK(holds<instructor::ServerError>(client.try_create<UserDetail>(request)));
        CHECK(server.requests().size() == before + 1);
    }
    for (const int status : {500, 502, 503, 504}) {
        const auto before = server.requests().size();
        server.enqueue({.status = status, .body = R"({"error":{"message":"later"}})"});
        server.enqueue({.body = jason});
        CHECK(client.try_create<UserDetail>(request));
        CHECK(server.requests().size() == before + 2);
    }
}

TEST_CASE("what() is clipped for long server messages and long error lists, the whole stays reachable") {
    SECTION("a server's message") {
        TestServer server;
        const std::string message(20000, 'x');
        server.enqueue({.status = 400, .body = json{{"error", {{"message", message}}}}.dump()});
        const auto client = instructor::from_openai(at(server), Mode::json);
        const auto error = thrown<instructor::HttpError>(
            [&] { (void)client.create<UserDetail>({.model = "m", .messages = {instructor::user("x")}}); });
        REQUIRE(error);
        CHECK(std::string(error->what()).size() < 700);
        CHECK(std::string(error->what()).find("20000 bytes in all") != std::string::npos);
        CHECK(error->details().message == message);
    }
    SECTION("a validation error with many errors") {
        const auto result =
            instructor::try_from_json<std::vector<int>>(json(std::vector<std::string>(50, "no")).dump());
        REQUIRE_FALSE(result);
        CHECK(result.error().errors().size() == 50);
        const std::string what = result.error().what();
        CHECK(what.find("/9: ") != std::string::npos);
        CHECK(what.find("/10: ") == std::string::npos);
        CHECK(what.find("and 40 more") != std::string::npos);
    }
}

TEST_CASE("a call's validation context reaches its validators, a call without it fails before sending") {
    TestServer server;
    const auto named = [](const std::string& name) { return text_reply(json{{"name", name}}.dump()); };
    const auto client = instructor::from_openai(at(server), Mode::json);
    const instructor::Request base{.model = "m", .messages = {instructor::user("Jason is 30")}, .max_retries = 1};
    SECTION("a name not in the text is sent back, the one in it accepted") {
        server.enqueue({.body = named("Sam")});
        server.enqueue({.body = named("Jason")});
        auto request = base;
        request.context = Source{"Jason is 30"};
        const auto done = client.create_with_completion<NamedUser>(request);
        CHECK(done.value.name == "Jason");
        REQUIRE(server.requests().size() == 2);
        CHECK(server.requests()[1].body.find(R"(\"Sam\" is not in the text)") != std::string::npos);
    }
    SECTION("through extract") {
        server.enqueue({.body = named("Jason")});
        CHECK(instructor::extract<NamedUser>(client, "Jason is 30", {.model = "m", .context = Source{"Jason is 30"}})
                  .name == "Jason");
    }
    SECTION("no context, or one of another type: a ConfigurationError, and nothing sent") {
        const auto none = thrown<instructor::ConfigurationError>([&] { (void)client.create<NamedUser>(base); });
        REQUIRE(none);
        CHECK(std::string(none->what()).find("Source") != std::string::npos);
        auto wrong = base;
        wrong.context = std::string("Jason is 30");
        CHECK(thrown<instructor::ConfigurationError>([&] { (void)client.create<NamedUser>(wrong); }));
        CHECK(thrown<instructor::ConfigurationError>(
            [&] { (void)client.create<std::vector<std::variant<NamedUser, Place>>>(base); }));  // parallel answers too
        CHECK(server.requests().empty());
    }
}

TEST_CASE("a request's timeout replaces the client's") {
    TestServer server;
    server.enqueue({.body = jason, .delay_ms = 400});
    auto options = at(server);
    options.timeout = milliseconds(100);
    const auto client = instructor::from_openai(options, Mode::json);
    CHECK(client.create<UserDetail>({.model = "m", .messages = {instructor::user("x")}, .timeout = milliseconds(5000)})
              .age == 30);
    CHECK(thrown<instructor::ConfigurationError>([&] {
        (void)client.create<UserDetail>(
            {.model = "m", .messages = {instructor::user("x")}, .timeout = milliseconds(-1)});
    }));
}

TEST_CASE("a batch call held back past its deadline ends in a TimeoutError, not after the hold") {
    TestServer server;
    server.respond_with([](const test_support::RecordedRequest&) { return ScriptedReply{.body = jason}; });
    const auto client = instructor::from_openai(at(server), Mode::json);
    // One request a second (after a burst of one, which the pacer may overdraw once): the third
    // call waits about a second for its turn, past its 300 ms.
    std::vector<instructor::Request> requests(
        3, {.model = "m", .messages = {instructor::user("x")}, .timeout = milliseconds(300)});
    const auto start = Clock::now();
    const auto results = client.create_many<UserDetail>(requests, {.max_concurrency = 3, .requests_per_minute = 60});
    CHECK(Clock::now() - start < milliseconds(800));
    CHECK(results[0].has_value());
    CHECK(holds<instructor::TimeoutError>(results[2]));
    CHECK(server.requests().size() == 2);
}
