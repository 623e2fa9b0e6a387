// Untrusted bytes: every reader of outside input is bounded (Limits: depth and size), ends in a
// typed error that names the bound, and never crashes; read_json reads exactly what nlohmann reads.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/detail/client/extraction.hpp>
#include <instructor/detail/json/json_reader.hpp>
#include <instructor/detail/json/text_excerpt.hpp>
#include <instructor/detail/stream/partial_json.hpp>
#include <instructor/instructor.hpp>

#include "support/catch.hpp"
#include "support/provider_streams.hpp"
#include "support/test_server.hpp"
#include "support/thrown.hpp"

namespace {

using json = nlohmann::json;
using instructor::LimitError;
using instructor::Limits;
using instructor::Mode;
using test_support::ScriptedReply;
using test_support::TestServer;
using test_support::thrown;
namespace streams = test_support::streams;

struct UserDetail {
    std::string name;
    int age;
};

struct Tree {
    std::string label;
    std::vector<Tree> children;
};

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The reply of an OpenAI-compatible server in JSON mode, its content `content`.
std::string text_reply(const std::string& content) {
    return json{
        {"id", "chatcmpl-limits"},
        {"object", "chat.completion"},
        {"model", "test"},
        {"choices",
         {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", "stop"}}}},
        {"usage", {{"prompt_tokens", 10}, {"completion_tokens", 10}, {"total_tokens", 20}}}}
        .dump();
}

std::string tool_reply(const std::string& arguments) {
    return json{{"id", "chatcmpl-limits"},
                {"object", "chat.completion"},
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
                   {"finish_reason", "tool_calls"}}}}}
        .dump();
}

instructor::Client client_at(const TestServer& server, Mode mode, Limits limits = {}) {
    instructor::ClientOptions options{.base_url = server.base_url() + "/v1", .api_key = "sk-test"};
    options.limits = limits;
    options.http_retries.max_retries = 0;
    return instructor::from_openai(options, mode);
}

instructor::Request ask() { return {.model = "test", .messages = {instructor::user("Jason is 30")}, .max_retries = 1}; }

}  // namespace

TEST_CASE("read_json reads what nlohmann reads, and rejects what it rejects", "[limits]") {
    const std::vector<std::string> inputs = {
        R"({"a":1,"b":[true,false,null],"c":"x"})", "  [1, -2, 3.5, 1e3, -0, 0.0, 18446744073709551615]  ",
        "18446744073709551616", "-9223372036854775809", "1e400", "-1e400", "1e-400", "4.9e-324",
        "123456789012345678901234", R"("\u00e9\ud83d\ude00\n\t\"\\\/")", "\xEF\xBB\xBF{}", R"({"k":1,"k":2})",
        R"({"k":1,"k":null})", R"({"k":{"a":1},"k":null,"j":[null]})", R"({"\u006b":1})", "\"caf\xC3\xA9\"",
        // rejected
        "", " ", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "-", "1e", "tru", "nul", "[1 2]", "{\"a\" 1}",
        "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83d\\u0041\"", "\"\\x\"", "\"a\x01\"", "\"\xC3\"", "\"\xED\xA0\x80\"",
        "\"\xF4\x90\x80\x80\"", "\"\xC0\xAF\"", "\xEF\xBB{}", "{} {}", "[1]x", "NaN", "'a'", "/* c */ 1"};
    for (const auto& text : inputs) {
        INFO(text);
        const json theirs = json::parse(text, nullptr, false);
        const json ours = instructor::detail::read_json(text, {}, "the test input");
        CHECK(ours.is_discarded() == theirs.is_discarded());
        if (!theirs.is_discarded()) {
            CHECK(ours == theirs);
            CHECK(ours.type() == theirs.type());
            CHECK(ours.dump() == theirs.dump());
        }
    }
}

TEST_CASE("read_json stops at Limits::max_depth and at Limits::max_bytes with a LimitError naming the bound",
          "[limits]") {
    const Limits limits{.max_depth = 128};
    SECTION("128 levels are read, 129 are not") {
        CHECK(instructor::detail::read_json(nested(128), limits, "the input").is_array());
        const auto error =
            thrown<LimitError>([&] { (void)instructor::detail::read_json(nested(129), limits, "the input"); });
        REQUIRE(error);
        CHECK(error->limit() == "max_depth");
        CHECK(error->bound() == 128);
        CHECK(contains(error->what(), "the input nests deeper than Limits::max_depth (128 levels) at byte 128"));
        CHECK(contains(error->what(), "ClientOptions::limits"));
    }
    SECTION("200,000 levels end at once, without recursion") {
        const auto error =
            thrown<LimitError>([&] { (void)instructor::detail::read_json(nested(200'000), limits, "the input"); });
        REQUIRE(error);
        CHECK(error->excerpt().size() < 2000);
    }
    SECTION("more bytes than max_bytes") {
        const auto error = thrown<LimitError>([&] {
            (void)instructor::detail::read_json(std::string(2000, ' ') + "1", {.max_bytes = 1000}, "the input");
        });
        REQUIRE(error);
        CHECK(error->limit() == "max_bytes");
        CHECK(error->bound() == 1000);
        CHECK(contains(error->what(), "the input is 2001 bytes, more than Limits::max_bytes (1000)"));
    }
}

TEST_CASE("excerpts of any value stay within their budget and never recurse", "[limits]") {
    json deep = json::array();
    json* inner = &deep;
    for (int i = 0; i < 200'000; ++i) inner = &inner->emplace_back(json::array());
    const std::string excerpt = instructor::detail::json_excerpt(deep, 100);
    CHECK(excerpt == std::string(100, '[') + "...");
    CHECK(instructor::detail::nests_deeper_than(deep, 128));
    CHECK_FALSE(instructor::detail::nests_deeper_than(json::parse(nested(128)), 128));
    CHECK(instructor::detail::json_excerpt(json{{"a", "\xC3\xA9\xC3\xA9"}}, 8) == "{\"a\":\"\xC3\xA9\"...");
    CHECK(instructor::detail::text_excerpt(std::string(3000, 'x'), 10) == "xxxxxxxxxx... (3000 bytes in all)");
}

TEST_CASE("from_json refuses input nested deeper than ParseOptions::limits with a ValidationError", "[limits]") {
    SECTION("text") {
        const auto result = instructor::try_from_json<Tree>(nested(100'000));
        REQUIRE_FALSE(result);
        CHECK(contains(result.error().what(), "Limits::max_depth (128 levels)"));
        CHECK(result.error().raw().size() < 2000);
    }
    SECTION("a value") {
        json deep = json::parse(R"({"label":"x","children":[]})");
        json* at = &deep;
        for (int i = 0; i < 200; ++i)
            at = &(*at)["children"].emplace_back(json{{"label", "y"}, {"children", json::array()}});
        const auto result = instructor::try_from_json<Tree>(deep);
        REQUIRE_FALSE(result);
        CHECK(result.error().errors().at(0).pointer.empty());
        CHECK(contains(result.error().errors().at(0).message, "nests deeper than Limits::max_depth (128 levels)"));
        const auto raised = instructor::try_from_json<Tree>(deep, {.strict = false, .limits = {.max_depth = 1000}});
        CHECK(raised);
    }
    SECTION("text larger than max_bytes") {
        const auto result = instructor::try_from_json<UserDetail>(
            R"({"name":"Jason","age":30})" + std::string(100, ' '), {.strict = false, .limits = {.max_bytes = 64}});
        REQUIRE_FALSE(result);
        CHECK(contains(result.error().what(), "more than Limits::max_bytes (64)"));
    }
}

TEST_CASE("a reply whose answer nests 200,000 deep is a LimitError in every mode, and the process lives on",
          "[limits][http]") {
    const std::string hostile = nested(200'000);
    SECTION("in the answer, in every mode") {
        for (const Mode mode : {Mode::json, Mode::md_json, Mode::json_schema, Mode::tools}) {
            INFO(instructor::to_string(mode));
            TestServer server;
            server.enqueue({.body = mode == Mode::tools ? tool_reply(hostile) : text_reply(hostile)});
            const auto client = client_at(server, mode);
            const auto error = thrown<LimitError>([&] { (void)client.create<UserDetail>(ask()); });
            REQUIRE(error);
            CHECK(error->limit() == "max_depth");
            CHECK(server.requests().size() == 1);  // not re-asked: the same input would fail the same way
        }
    }
    SECTION("the reply body itself nested deep") {
        TestServer server;
        server.enqueue({.body = nested(200'000)});
        const auto client = client_at(server, Mode::json);
        const auto error = thrown<LimitError>([&] { (void)client.create<UserDetail>(ask()); });
        REQUIRE(error);
        CHECK(contains(error->what(), "the reply from openai-compatible nests deeper"));
    }
    SECTION("streamed") {
        TestServer server;
        server.enqueue(streams::streamed(streams::text_stream(hostile, 4096), 65536));
        const auto client = client_at(server, Mode::json);
        const auto error =
            thrown<LimitError>([&] { (void)client.create_partial<UserDetail>(ask(), [](const UserDetail&) {}); });
        REQUIRE(error);
        CHECK(error->limit() == "max_depth");
    }
}

TEST_CASE("text whose brackets never close is searched for JSON in linear time", "[limits]") {
    // Quadratic scanning would take minutes here; linear takes milliseconds.
    CHECK_FALSE(instructor::detail::extract_json(std::string(1'000'000, '[')));
    CHECK_FALSE(instructor::detail::extract_json(std::string(500'000, '{') + std::string(500'000, '"')));
    CHECK(instructor::detail::extract_json("[[[ prose {\"a\": 1} more").value() == json{{"a", 1}});
}

TEST_CASE("a 100 MB reply is a LimitError at the default bound, and is read when the bound is raised",
          "[limits][http]") {
    std::string body = text_reply(R"({"name": "Jason", "age": 30})");
    body.resize(std::size_t{100} << 20U, ' ');  // JSON may end in any amount of whitespace
    TestServer server;
    server.enqueue({.body = body});
    server.enqueue({.body = std::move(body)});
    {
        const auto client = client_at(server, Mode::json);
        const auto error = thrown<LimitError>([&] { (void)client.create<UserDetail>(ask()); });
        REQUIRE(error);
        CHECK(error->limit() == "max_bytes");
        CHECK(error->bound() == Limits{}.max_bytes);
    }
    const auto client = client_at(server, Mode::json, {.max_bytes = std::size_t{128} << 20U});
    CHECK(client.create<UserDetail>(ask()).age == 30);
}

TEST_CASE("a stream of a million tiny events gives the right value, and one beyond max_bytes a LimitError",
          "[limits][http]") {
    // {"name":"aaaa...","age":30} with the name a million characters long, one event per character.
    // The smallest chunk a server could send: 46 bytes, 46 MB in all.
    std::string events =
        streams::sse_event(streams::openai_chunk({{"role", "assistant"}, {"content", R"({"name":")"}}));
    const std::string one = "data: " + json{{"choices", {{{"delta", {{"content", "a"}}}}}}}.dump() + "\n\n";
    constexpr std::size_t kEvents = 1'000'000;
    events.reserve(events.size() + kEvents * one.size() + 1000);
    for (std::size_t i = 0; i < kEvents; ++i) events += one;
    events += streams::sse({streams::openai_chunk({{"content", R"(","age":30})"}}),
                            streams::openai_chunk(json::object(), "stop"), streams::usage_chunk(5, 5)});
    SECTION("within the bound") {
        TestServer server;
        server.enqueue(streams::streamed(events, 1 << 16));
        const auto client = client_at(server, Mode::json);
        std::size_t updates = 0;
        const UserDetail user = client.create_partial<UserDetail>(ask(), [&](const UserDetail&) { ++updates; });
        CHECK(user.name.size() == kEvents);
        CHECK(user.age == 30);
        CHECK(updates > 0);
    }
    SECTION("beyond it") {
        TestServer server;
        server.enqueue(streams::streamed(events, 1 << 16));
        const auto client = client_at(server, Mode::json, {.max_bytes = std::size_t{8} << 20U});
        const auto error =
            thrown<LimitError>([&] { (void)client.create_partial<UserDetail>(ask(), [](const UserDetail&) {}); });
        REQUIRE(error);
        CHECK(error->limit() == "max_bytes");
    }
}

TEST_CASE("a user transport is held to the same bounds as libcurl", "[limits]") {
    instructor::ClientOptions options{.base_url = "http://in-process/v1", .api_key = "k"};
    options.limits.max_bytes = 1000;
    options.transport = [](const instructor::HttpRequest&) {
        return instructor::HttpResponse{.status = 200, .headers = {}, .body = text_reply(std::string(5000, 'x'))};
    };
    const auto client = instructor::from_openai(options, Mode::json);
    const auto error = thrown<LimitError>([&] { (void)client.create<UserDetail>(ask()); });
    REQUIRE(error);
    CHECK(contains(error->what(), "the reply from openai-compatible is"));
}

TEST_CASE("a client's bounds are set in one place: ClientOptions::limits", "[limits]") {
    instructor::ClientOptions options{.base_url = "http://127.0.0.1:1/v1", .api_key = "k"};
    SECTION("parse.limits") {
        options.parse.limits.max_depth = 10;
        const auto error = thrown<instructor::ConfigurationError>([&] { (void)instructor::from_openai(options); });
        REQUIRE(error);
        CHECK(contains(error->what(), "set those, not ClientOptions::parse.limits"));
    }
    SECTION("curl.max_reply_bytes") {
        options.curl.max_reply_bytes = 10;
        const auto error = thrown<instructor::ConfigurationError>([&] { (void)instructor::from_openai(options); });
        REQUIRE(error);
        CHECK(contains(error->what(), "set limits.max_bytes, not curl.max_reply_bytes"));
    }
}

TEST_CASE("a server's long error message is clipped in what() and kept whole in the details", "[limits][http]") {
    const std::string message(10'000, 'm');
    TestServer server;
    server.enqueue(
        {.status = 400, .body = json{{"error", {{"message", message}, {"type", "invalid_request_error"}}}}.dump()});
    const auto client = client_at(server, Mode::json);
    const auto error = thrown<instructor::HttpError>([&] { (void)client.create<UserDetail>(ask()); });
    REQUIRE(error);
    CHECK(std::string(error->what()).size() < 700);
    CHECK(contains(error->what(), "(10000 bytes in all)"));
    CHECK(error->details().message == message);
}

TEST_CASE("the incremental parser stops at its depth bound with a PartialJsonError", "[limits]") {
    instructor::detail::PartialJsonParser parser({}, 4);
    CHECK(parser.feed("[[[["));
    const auto error = thrown<instructor::detail::PartialJsonError>([&] { (void)parser.feed("["); });
    REQUIRE(error);
    CHECK(contains(error->what(), "nests deeper than Limits::max_depth (4 levels) at byte offset 4"));
}
