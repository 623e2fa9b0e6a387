// Cassettes: a client's real exchanges (libcurl against a local server) recorded to a file, then
// replayed with the server gone.

#include "catch.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <instructor/instructor.hpp>

#include "chat_replies.hpp"
#include "test_server.hpp"
#include "thrown.hpp"

namespace cassette_test {

using instructor::CassetteMode;
using instructor::Mode;
using json = nlohmann::json;
using test_support::ScriptedReply;
using test_support::TestServer;
using test_support::thrown;

struct UserDetail {
    std::string name;
    int age = 0;
};

std::string text_reply(const std::string& content) { return test_support::chat_text_reply(content); }

// An SSE stream writing `content` a few characters per event.
std::vector<std::string> stream_of(const std::string& content) {
    std::vector<std::string> chunks;
    for (std::size_t at = 0; at < content.size();) {
        std::size_t end = std::min(at + 4, content.size());
        while (end < content.size() && (static_cast<unsigned char>(content[end]) & 0xC0U) == 0x80U)
            ++end;  // whole characters
        const json event{{"id", "c"},
                         {"object", "chat.completion.chunk"},
                         {"choices", {{{"index", 0}, {"delta", {{"content", content.substr(at, end - at)}}}}}}};
        chunks.push_back("data: " + event.dump() + "\n\n");
        at = end;
    }
    const json last{{"id", "c"},
                    {"object", "chat.completion.chunk"},
                    {"choices", {{{"index", 0}, {"delta", json::object()}, {"finish_reason", "stop"}}}}};
    chunks.push_back("data: " + last.dump() + "\n\n");
    chunks.emplace_back("data: [DONE]\n\n");
    return chunks;
}

// A cassette file of its own per test, removed at the end.
struct TempCassette {
    std::filesystem::path path;
    TempCassette() {
        static std::atomic<int> counter{0};
        path = std::filesystem::temp_directory_path() /
               ("instructor-cassette-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".jsonl");
        std::filesystem::remove(path);
    }
    ~TempCassette() { std::filesystem::remove(path); }
    [[nodiscard]] std::string text() const {
        std::ifstream in(path);
        std::stringstream all;
        all << in.rdbuf();
        return all.str();
    }
};

instructor::Request ask(const std::string& text) {
    return {.model = "test-model", .messages = {instructor::user(text)}, .max_retries = 0};
}

instructor::Client client_for(const std::string& base_url, instructor::Transport transport,
                              instructor::ClientOptions options = {}) {
    options.base_url = base_url + "/v1";
    options.transport = std::move(transport);
    return instructor::from_openai(std::move(options), Mode::json);
}

// Where nothing listens: a replaying client must never need it.
const std::string nowhere = "http://127.0.0.1:1";

}  // namespace cassette_test

using namespace cassette_test;

TEST_CASE("a call recorded against a server replays from the cassette with the server gone") {
    TempCassette cassette;
    UserDetail recorded;
    {
        TestServer server;
        server.enqueue({.body = text_reply(R"({"name":"Jason","age":30})")});
        const auto client =
            client_for(server.base_url(), instructor::cassette({.path = cassette.path, .mode = CassetteMode::record}));
        recorded = client.create<UserDetail>(ask("Jason is 30"));
        CHECK(server.requests().size() == 1);
    }
    const auto offline = client_for(nowhere, instructor::cassette({.path = cassette.path}));
    const auto replayed = offline.create_with_completion<UserDetail>(ask("Jason is 30"));
    CHECK(replayed.value.name == recorded.name);
    CHECK(replayed.value.age == 30);
    CHECK(replayed.usage.total_tokens == 28);

    SECTION("the cassette is JSON lines: a header, then the exchange with its request and reply") {
        std::istringstream lines(cassette.text());
        std::string header, exchange, extra;
        std::getline(lines, header);
        std::getline(lines, exchange);
        CHECK_FALSE(std::getline(lines, extra));
        CHECK(json::parse(header) == json{{"instructor_cassette", 1}});
        const json line = json::parse(exchange);
        CHECK(line["request"]["method"] == "POST");
        CHECK(line["request"]["url"].get<std::string>().ends_with("/v1/chat/completions"));
        CHECK(line["request"]["body"]["messages"][1]["content"] == "Jason is 30");
        CHECK(line["response"]["status"] == 200);
        CHECK(line["response"]["body"]["choices"][0]["message"]["content"] == R"({"name":"Jason","age":30})");
    }
}

TEST_CASE("no key, credential header, cookie or key in a URL is written to a cassette") {
    TempCassette cassette;
    TestServer server;
    server.enqueue({.headers = {{"Set-Cookie", "session=COOKIE-VALUE"}, {"x-request-id", "req_7"}},
                    .body = text_reply(R"({"name":"Jason","age":30})")});
    instructor::ClientOptions options{.base_url = server.base_url() + "/v1", .api_key = "sk-SECRET-KEY"};
    options.headers = {{"X-Api-Key", "HEADER-SECRET"}, {"X-Trace", "trace-1"}};
    options.transport = instructor::cassette({.path = cassette.path, .mode = CassetteMode::record});
    const auto client = instructor::from_openai(options, Mode::json);
    (void)client.create<UserDetail>(ask("Jason is 30"));
    CHECK(server.header(0, "authorization") == "Bearer sk-SECRET-KEY");  // sent...
    const std::string text = cassette.text();
    CHECK(text.find("SECRET") == std::string::npos);  // ...never written
    CHECK(text.find("COOKIE-VALUE") == std::string::npos);
    // Request headers are written only when named (Content-Type, Accept, User-Agent, ...): a header
    // of another name may carry a credential, whatever it is called.
    CHECK(text.find("trace-1") == std::string::npos);
    CHECK(text.find("application/json") != std::string::npos);
    CHECK(text.find("req_7") != std::string::npos);  // reply headers are kept, but credentials

    SECTION("a key in the URL's query is replaced") {
        TempCassette direct;
        auto transport = instructor::cassette(
            {.path = direct.path, .mode = CassetteMode::record, .upstream = [](const instructor::HttpRequest&) {
                 return instructor::HttpResponse{.status = 200, .headers = {}, .body = "{}"};
             }});
        (void)transport(
            {.url = "https://user:PASSWORD@host/v1/models/x:generate?key=URL-SECRET&alt=sse", .body = "{}"});
        CHECK(direct.text().find("URL-SECRET") == std::string::npos);
        CHECK(direct.text().find("PASSWORD") == std::string::npos);
        CHECK(direct.text().find("key=REDACTED&alt=sse") != std::string::npos);
    }
}

TEST_CASE("a request the cassette does not hold names the closest recording and the first JSON pointer that differs") {
    TempCassette cassette;
    {
        TestServer server;
        server.enqueue({.body = text_reply(R"({"name":"Jason","age":30})")});
        server.enqueue({.body = text_reply(R"({"name":"Ann","age":41})")});
        const auto client =
            client_for(server.base_url(), instructor::cassette({.path = cassette.path, .mode = CassetteMode::record}));
        (void)client.create<UserDetail>(ask("Jason is 30"));
        auto other = ask("Ann is 41");
        other.temperature = 0.5;
        (void)client.create<UserDetail>(other);
    }
    const auto offline = client_for(nowhere, instructor::cassette({.path = cassette.path}));
    const auto error = thrown<instructor::CassetteError>([&] { (void)offline.create<UserDetail>(ask("Jason is 31")); });
    REQUIRE(error);
    CHECK(error->first_difference() == "/messages/1/content");
    const std::string what = error->what();
    CHECK(what.find("line 2") != std::string::npos);
    CHECK(what.find(R"(recorded "Jason is 30", sent "Jason is 31")") != std::string::npos);
    CHECK(what.find("record_missing") != std::string::npos);

    SECTION("try_create returns it, as any instructor error") {
        const auto result = offline.try_create<UserDetail>(ask("Jason is 31"));
        REQUIRE_FALSE(result);
        CHECK(instructor::error_cast<instructor::CassetteError>(result.error()) != nullptr);
    }
}

TEST_CASE("record_missing replays what the cassette holds and records only what is missing") {
    TempCassette cassette;
    TestServer server;
    server.respond_with([](const test_support::RecordedRequest& request) {
        const bool ann = request.body.find("Ann") != std::string::npos;
        return ScriptedReply{.body = text_reply(ann ? R"({"name":"Ann","age":41})" : R"({"name":"Jason","age":30})")};
    });
    const auto record_missing = [&] {
        return client_for(server.base_url(),
                          instructor::cassette({.path = cassette.path, .mode = CassetteMode::record_missing}));
    };
    CHECK(record_missing().create<UserDetail>(ask("Jason is 30")).name == "Jason");  // no file yet: recorded
    CHECK(server.requests().size() == 1);
    const auto client = record_missing();
    CHECK(client.create<UserDetail>(ask("Jason is 30")).name == "Jason");  // replayed
    CHECK(server.requests().size() == 1);
    CHECK(client.create<UserDetail>(ask("Ann is 41")).name == "Ann");  // missing: recorded
    CHECK(server.requests().size() == 2);

    const auto offline = client_for(nowhere, instructor::cassette({.path = cassette.path}));
    CHECK(offline.create<UserDetail>(ask("Ann is 41")).age == 41);
    CHECK(offline.create<UserDetail>(ask("Jason is 30")).age == 30);
}

TEST_CASE("a streamed reply replays chunk by chunk") {
    TempCassette cassette;
    const std::string answer = R"({"name":"Jason Lee","age":30})";
    auto request = ask("Jason Lee is 30");
    int recorded_updates = 0;
    {
        TestServer server;
        server.enqueue({.content_type = "text/event-stream", .chunks = stream_of(answer)});
        const auto client =
            client_for(server.base_url(), instructor::cassette({.path = cassette.path, .mode = CassetteMode::record}));
        (void)client.create_partial<UserDetail>(request, [&](const UserDetail&) { ++recorded_updates; });
    }
    REQUIRE(recorded_updates > 3);
    const json line = json::parse(cassette.text().substr(cassette.text().find('\n') + 1));
    CHECK(line["response"]["chunks"].size() >= 3);  // as libcurl handed them over

    const auto offline = client_for(nowhere, instructor::cassette({.path = cassette.path}));
    int replayed_updates = 0;
    std::vector<std::string> names;
    const auto user = offline.create_partial<UserDetail>(request, [&](const UserDetail& so_far) {
        ++replayed_updates;
        names.push_back(so_far.name);
    });
    CHECK(user.name == "Jason Lee");
    CHECK(replayed_updates == recorded_updates);
    CHECK(names.front() != names.back());  // the name grew as the chunks came
}

TEST_CASE("the same request sent again replays its recordings in order: a 503, then the answer") {
    TempCassette cassette;
    const instructor::HttpRetries quick{.max_retries = 2, .initial_delay = std::chrono::milliseconds(1)};
    {
        TestServer server;
        server.enqueue({.status = 503, .body = R"({"error":{"message":"busy"}})"});
        server.enqueue({.body = text_reply(R"({"name":"Jason","age":30})")});
        const auto client =
            client_for(server.base_url(), instructor::cassette({.path = cassette.path, .mode = CassetteMode::record}),
                       {.http_retries = quick});
        CHECK(client.create<UserDetail>(ask("Jason is 30")).age == 30);
    }
    int retries = 0;
    instructor::ClientOptions options{.http_retries = quick};
    options.hooks.on_retry = [&](const instructor::RetryScheduled&) { ++retries; };
    const auto offline = client_for(nowhere, instructor::cassette({.path = cassette.path}), options);
    CHECK(offline.create<UserDetail>(ask("Jason is 30")).age == 30);
    CHECK(retries == 1);
    CHECK(offline.create<UserDetail>(ask("Jason is 30")).age == 30);  // past the end: the last one again
    CHECK(retries == 1);
}

TEST_CASE("matching compares bodies as JSON, less the fields the cassette is told to ignore") {
    TempCassette cassette;
    int sent = 0;
    const instructor::Transport upstream = [&](const instructor::HttpRequest&) {
        ++sent;
        return instructor::HttpResponse{.status = 200, .headers = {}, .body = R"({"ok":true})"};
    };
    auto record = instructor::cassette({.path = cassette.path, .mode = CassetteMode::record, .upstream = upstream});
    (void)record({.url = "http://a/v1/chat/completions", .body = R"({"model":"m","seed":1,"n":[1,2]})"});
    REQUIRE(sent == 1);

    SECTION("key order and spacing do not matter; the host does not either") {
        auto replay = instructor::cassette({.path = cassette.path});
        const auto reply =
            replay({.url = "http://b:9/v1/chat/completions", .body = R"({ "n": [1, 2], "seed": 1, "model": "m" })"});
        CHECK(reply.status == 200);
        CHECK(json::parse(reply.body) == json{{"ok", true}});
    }
    SECTION("a varying field is a miss, unless ignored") {
        auto strict = instructor::cassette({.path = cassette.path});
        const auto miss = thrown<instructor::CassetteError>([&] {
            (void)strict({.url = "http://a/v1/chat/completions", .body = R"({"model":"m","seed":2,"n":[1,2]})"});
        });
        REQUIRE(miss);
        CHECK(miss->first_difference() == "/seed");
        auto lenient = instructor::cassette({.path = cassette.path, .ignore = {"/seed"}});
        CHECK(lenient({.url = "http://a/v1/chat/completions", .body = R"({"model":"m","seed":2,"n":[1,2]})"}).status ==
              200);
    }
    SECTION("another path is a miss") {
        auto replay = instructor::cassette({.path = cassette.path});
        CHECK(thrown<instructor::CassetteError>([&] {
            (void)replay({.url = "http://a/v2/chat/completions", .body = R"({"model":"m","seed":1,"n":[1,2]})"});
        }));
    }
    CHECK(sent == 1);
}

TEST_CASE("a cassette that is missing or not a cassette is a clear error") {
    TempCassette cassette;
    SECTION("replaying a file that does not exist says to record it") {
        const auto error =
            thrown<instructor::ConfigurationError>([&] { (void)instructor::cassette({.path = cassette.path}); });
        REQUIRE(error);
        CHECK(std::string(error->what()).find("INSTRUCTOR_CASSETTE=record") != std::string::npos);
    }
    SECTION("a file of something else names the line") {
        std::ofstream(cassette.path) << "{\"instructor_cassette\":1}\n{\"request\":{}}\n";
        const auto error =
            thrown<instructor::CassetteError>([&] { (void)instructor::cassette({.path = cassette.path}); });
        REQUIRE(error);
        CHECK(std::string(error->what()).find("line 2") != std::string::npos);
    }
    SECTION("a bad mode in INSTRUCTOR_CASSETTE") {
        ::setenv("INSTRUCTOR_CASSETTE", "rewind", 1);
        CHECK_THROWS_AS(instructor::cassette_mode_from_environment(), instructor::ConfigurationError);
        ::setenv("INSTRUCTOR_CASSETTE", "record_missing", 1);
        CHECK(instructor::cassette_mode_from_environment() == CassetteMode::record_missing);
        ::unsetenv("INSTRUCTOR_CASSETTE");
        CHECK(instructor::cassette_mode_from_environment() == CassetteMode::replay);
    }
}

TEST_CASE("record_missing sends a retry upstream instead of answering it with the 503 it just recorded") {
    TempCassette cassette;
    TestServer server;
    server.enqueue({.status = 503, .body = R"({"error":{"message":"busy"}})"});
    server.enqueue({.body = text_reply(R"({"name":"Jason","age":30})")});
    const instructor::ClientOptions quick{
        .http_retries = {.max_retries = 2, .initial_delay = std::chrono::milliseconds(1)}};
    const auto client = client_for(
        server.base_url(), instructor::cassette({.path = cassette.path, .mode = CassetteMode::record_missing}), quick);
    CHECK(client.create<UserDetail>(ask("Jason is 30")).age == 30);
    CHECK(server.requests().size() == 2);
    const auto offline = client_for(nowhere, instructor::cassette({.path = cassette.path}), quick);
    CHECK(offline.create<UserDetail>(ask("Jason is 30")).age == 30);  // the 503, the retry, the answer
}

TEST_CASE("a stream whose chunks cut characters in half replays the same text") {
    TempCassette cassette;
    const std::string answer = R"({"name":"José Müller 日本 🎉","age":30})";
    std::string sse;
    for (const auto& event : stream_of(answer)) sse += event;
    auto request = ask("José");
    UserDetail recorded;
    {
        TestServer server;
        server.enqueue({.content_type = "text/event-stream",
                        .chunks = ScriptedReply::split_every(sse, 3),  // cuts inside multi-byte characters
                        .chunk_delay_ms = 1});
        const auto client =
            client_for(server.base_url(), instructor::cassette({.path = cassette.path, .mode = CassetteMode::record}));
        recorded = client.create_partial<UserDetail>(request, [](const UserDetail&) {});
    }
    CHECK(recorded.name == "José Müller 日本 🎉");
    CHECK(cassette.text().find("\xEF\xBF\xBD") == std::string::npos);  // no U+FFFD: nothing was replaced
    const auto offline = client_for(nowhere, instructor::cassette({.path = cassette.path}));
    CHECK(offline.create_partial<UserDetail>(request, [](const UserDetail&) {}).name == recorded.name);
}

TEST_CASE("a key in the URL never decides a match, nor shows in a miss") {
    TempCassette cassette;
    auto record = instructor::cassette(
        {.path = cassette.path, .mode = CassetteMode::record, .upstream = [](const instructor::HttpRequest&) {
             return instructor::HttpResponse{.status = 200, .headers = {}, .body = "{}"};
         }});
    (void)record({.url = "https://h/v1beta/models/m:generate?key=FIRST-KEY", .body = "{}"});
    auto replay = instructor::cassette({.path = cassette.path});
    CHECK(replay({.url = "https://h/v1beta/models/m:generate?key=OTHER-KEY", .body = "{}"}).status == 200);
    const auto miss = thrown<instructor::CassetteError>(
        [&] { (void)replay({.url = "https://h/v2/models/m:generate?key=THIRD-KEY", .body = "{}"}); });
    REQUIRE(miss);
    CHECK(std::string(miss->what()).find("THIRD-KEY") == std::string::npos);
}

TEST_CASE("credentials under any name are never written: headers, queries, body fields, and echoes in replies") {
    TempCassette cassette;
    TestServer server;
    // The server echoes the key back in its error, as some do.
    server.enqueue({.status = 401, .body = R"({"error":{"message":"Incorrect API key provided: sk-ECHOED-KEY-123"}})"});
    instructor::ClientOptions options{.base_url = server.base_url() + "/v1?auth=Q1&sig=Q2&code=Q3&api-version=7",
                                      .api_key = "sk-ECHOED-KEY-123"};
    options.headers = {{"Helicone-Auth", "Bearer H1-SECRET"},
                       {"X-Auth", "H2-SECRET"},
                       {"Authentication", "H3-SECRET"},
                       {"X-Session", "H4-SECRET"},
                       {"X-Credential", "H5-SECRET"}};
    options.http_retries.max_retries = 0;
    options.transport = instructor::cassette({.path = cassette.path, .mode = CassetteMode::record});
    const auto client = instructor::from_openai(options, Mode::json);
    auto request = ask("Jason is 30");
    request.extra = {{"api_key", "BODY-SECRET"}, {"metadata", {{"session_token", "BODY-SECRET-2"}}}};
    CHECK_THROWS_AS(client.create<UserDetail>(request), instructor::AuthenticationError);
    const std::string text = cassette.text();
    for (const char* secret : {"H1-SECRET", "H2-SECRET", "H3-SECRET", "H4-SECRET", "H5-SECRET", "Q1", "Q2", "Q3",
                               "BODY-SECRET", "sk-ECHOED-KEY-123"}) {
        INFO(secret);
        CHECK(text.find(secret) == std::string::npos);
    }
    CHECK(text.find("api-version=7") != std::string::npos);
    CHECK(text.find("Incorrect API key provided: REDACTED") != std::string::npos);

    SECTION("and replaying it matches the same request, whose miss shows no secret either") {
        options.transport = instructor::cassette({.path = cassette.path});
        const auto offline = instructor::from_openai(options, Mode::json);
        CHECK_THROWS_AS(offline.create<UserDetail>(request), instructor::AuthenticationError);
        request.messages = {instructor::user("Jason is 31")};
        const auto miss = thrown<instructor::CassetteError>([&] { (void)offline.create<UserDetail>(request); });
        REQUIRE(miss);
        CHECK(std::string(miss->what()).find("SECRET") == std::string::npos);
    }
}

TEST_CASE("a damaged cassette is a CassetteError naming the line, never a crash or a stray exception") {
    TempCassette cassette;
    const std::string header = "{\"instructor_cassette\":1}\n";
    const std::string request = R"({"method":"POST","url":"http://h/v1/chat/completions","body":{}})";
    const auto damaged = [&](const std::string& line, const std::string& expected) {
        std::ofstream(cassette.path, std::ios::trunc) << header << line << "\n";
        const auto error =
            thrown<instructor::CassetteError>([&] { (void)instructor::cassette({.path = cassette.path}); });
        REQUIRE(error);
        INFO(error->what());
        CHECK(std::string(error->what()).find("line 2") != std::string::npos);
        CHECK(std::string(error->what()).find(expected) != std::string::npos);
    };
    SECTION("a body nested 100,000 deep") {
        damaged(R"({"request":{"method":"POST","url":"u","body":)" + std::string(100000, '[') +
                    std::string(100000, ']') + R"(},"response":{"status":200}})",
                "max_depth");
    }
    SECTION("a method that is not a string") {
        damaged(R"({"request":{"method":1,"url":"u"},"response":{"status":200}})", "\"method\" is not a string");
    }
    SECTION("a status beyond HTTP's") {
        damaged(R"({"request":)" + request + R"(,"response":{"status":99999999999}})", "status from 100 to 599");
        damaged(R"({"request":)" + request + R"(,"response":{"status":-1}})", "status from 100 to 599");
    }
    SECTION("a line that is not an object") { damaged("[1,2]", "not a JSON object"); }
}

TEST_CASE("a cassette line with 100,000 keys loads, as every line does, in time that grows with its size") {
    TempCassette cassette;
    std::string body = "{";
    for (int i = 0; i < 100000; ++i) body += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
    body += "}";
    std::ofstream(cassette.path) << "{\"instructor_cassette\":1}\n"
                                 << R"({"request":{"method":"POST","url":"http://h/v1/chat/completions","body":)"
                                 << body << R"(},"response":{"status":200,"body":{}}})"
                                 << "\n";
    auto replay = instructor::cassette({.path = cassette.path});
    CHECK(replay({.url = "http://other/v1/chat/completions", .body = body}).status == 200);
}

TEST_CASE("two writers on one cassette: the second is refused with a clear error, not left to lose recordings") {
    TempCassette cassette;
    const auto upstream = [](const instructor::HttpRequest&) {
        return instructor::HttpResponse{.status = 200, .headers = {}, .body = "{}"};
    };
    auto first =
        instructor::cassette({.path = cassette.path, .mode = CassetteMode::record_missing, .upstream = upstream});
    for (const auto mode : {CassetteMode::record, CassetteMode::record_missing}) {
        const auto error = thrown<instructor::CassetteError>(
            [&] { (void)instructor::cassette({.path = cassette.path, .mode = mode, .upstream = upstream}); });
        REQUIRE(error);
        CHECK(std::string(error->what()).find("another client or process") != std::string::npos);
    }
    (void)first({.url = "http://h/v1/chat/completions", .body = R"({"n":1})"});
    first = {};  // the last copy gone: the file is free
    auto second =
        instructor::cassette({.path = cassette.path, .mode = CassetteMode::record_missing, .upstream = upstream});
    (void)second({.url = "http://h/v1/chat/completions", .body = R"({"n":2})"});
    second = {};
    auto replay = instructor::cassette({.path = cassette.path});
    CHECK(replay({.url = "http://h/v1/chat/completions", .body = R"({"n":1})"}).status == 200);
    CHECK(replay({.url = "http://h/v1/chat/completions", .body = R"({"n":2})"}).status == 200);
}

TEST_CASE("a cassette cut short by a crash: record_missing drops the cut line, replay says what to do") {
    TempCassette cassette;
    const auto upstream = [](const instructor::HttpRequest&) {
        return instructor::HttpResponse{.status = 200, .headers = {}, .body = R"({"ok":true})"};
    };
    {
        auto record = instructor::cassette({.path = cassette.path, .mode = CassetteMode::record, .upstream = upstream});
        (void)record({.url = "http://h/v1/chat/completions", .body = R"({"n":1})"});
    }
    std::ofstream(cassette.path, std::ios::app) << R"({"request":{"method":"POST","url":"http://h/v1/chat/comp)";
    const auto error = thrown<instructor::CassetteError>([&] { (void)instructor::cassette({.path = cassette.path}); });
    REQUIRE(error);
    CHECK(std::string(error->what()).find("line 3") != std::string::npos);
    CHECK(std::string(error->what()).find("cut short") != std::string::npos);
    CHECK(std::string(error->what()).find("record_missing") != std::string::npos);
    {
        auto resume =
            instructor::cassette({.path = cassette.path, .mode = CassetteMode::record_missing, .upstream = upstream});
        (void)resume({.url = "http://h/v1/chat/completions", .body = R"({"n":2})"});
    }
    auto replay = instructor::cassette({.path = cassette.path});
    CHECK(replay({.url = "http://h/v1/chat/completions", .body = R"({"n":1})"}).status == 200);
    CHECK(replay({.url = "http://h/v1/chat/completions", .body = R"({"n":2})"}).status == 200);
    CHECK(cassette.text().find("chat/comp\"") == std::string::npos);
}

TEST_CASE("a miss names the recording closest to the request and shows where two long texts differ") {
    TempCassette cassette;
    const std::string prefix(300, 'x');
    {
        auto record = instructor::cassette(
            {.path = cassette.path, .mode = CassetteMode::record, .upstream = [](const instructor::HttpRequest&) {
                 return instructor::HttpResponse{.status = 200, .headers = {}, .body = "{}"};
             }});
        // Two recordings one change away from the request: one far off, one a character off.
        (void)record({.url = "http://h/v1/chat/completions", .body = json{{"prompt", "something else"}}.dump()});
        (void)record({.url = "http://h/v1/chat/completions", .body = json{{"prompt", prefix + " ends with A"}}.dump()});
    }
    auto replay = instructor::cassette({.path = cassette.path});
    const auto miss = thrown<instructor::CassetteError>([&] {
        (void)replay({.url = "http://h/v1/chat/completions", .body = json{{"prompt", prefix + " ends with B"}}.dump()});
    });
    REQUIRE(miss);
    const std::string what = miss->what();
    INFO(what);
    CHECK(what.find("line 3") != std::string::npos);
    CHECK(what.find("ends with A\"") != std::string::npos);
    CHECK(what.find("ends with B\"") != std::string::npos);
}

TEST_CASE("a damaged cassette opened to record what is missing keeps no file open") {
    // Found by fuzz_cassette: record_missing opens the file (and locks it) before reading it, and a
    // CassetteError thrown while reading left it open; 1024 damaged files later, no descriptor was
    // left for anything else.
    TempCassette cassette;
    {
        std::ofstream out(cassette.path);
        out << "{\"instructor_cassette\":1}\n{\"request\": 1, \"response\": {}}\n";
    }
    const auto open_files = [] {
        return std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                             std::filesystem::directory_iterator{});
    };
    const auto before = open_files();
    for (int i = 0; i < 50; ++i) {
        CHECK_THROWS_AS(instructor::cassette({.path = cassette.path.string(),
                                              .mode = instructor::CassetteMode::record_missing,
                                              .upstream =
                                                  [](const instructor::HttpRequest&) {
                                                      return instructor::HttpResponse{200, {}, "{}"};
                                                  }}),
                        instructor::CassetteError);
    }
    CHECK(open_files() == before);
    // And the lock went with it: a writer after them all is not refused.
    std::ofstream(cassette.path, std::ios::trunc) << "";
    CHECK_NOTHROW(instructor::cassette({.path = cassette.path.string(),
                                        .mode = instructor::CassetteMode::record_missing,
                                        .upstream = [](const instructor::HttpRequest&) {
                                            return instructor::HttpResponse{200, {}, "{}"};
                                        }}));
}
