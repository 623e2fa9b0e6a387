// Streaming: create_partial and create_iterable through the real libcurl transport, against the
// local test server speaking each provider's stream dialect (SSE, or NDJSON for Ollama's own API).

#include "catch.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <instructor/instructor.hpp>

#include "provider_streams.hpp"
#include "test_server.hpp"

namespace streaming_test {

using instructor::Annotated;
using instructor::Mode;
using json = nlohmann::json;
using test_support::ScriptedReply;
using test_support::TestServer;
using namespace test_support::streams;

struct UserDetail {
    std::string name;
    Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

struct Task {
    std::string title;
    Annotated<int, instructor::minimum(1), instructor::maximum(5)> priority;
};

struct Report {
    std::string title;
    std::vector<std::string> tags;
    UserDetail author;
};

instructor::Request ask(int max_retries = 1) {
    return {.model = "test-model", .messages = {instructor::user("Extract")}, .max_retries = max_retries};
}

instructor::ClientOptions at(const TestServer& server, const std::string& path = "/v1") {
    instructor::ClientOptions options;
    options.base_url = server.base_url() + path;
    options.api_key = "sk-test";
    options.http_retries.max_retries = 0;
    return options;
}

const std::string report_json =
    R"({"title": "Quarterly \"numbers\" \u00e9t\u00e9 😀", "tags": ["q1", "finance"], "author": {"name": "Jason", "age": 30}})";

}  // namespace streaming_test

using namespace streaming_test;

TEST_CASE("create_partial shows strings growing and members appearing once complete") {
    TestServer server;
    server.enqueue(streamed(text_stream(report_json, 4), 5));
    const auto client = instructor::from_openai(at(server), Mode::json);

    std::vector<std::string> titles;
    std::vector<std::size_t> tag_counts;
    bool author_seen_before_complete = false;
    int updates = 0;
    const Report report =
        client.create_partial<Report>(ask(), [&](const Report& so_far, const instructor::PartialProgress& p) {
            ++updates;
            if (titles.empty() || titles.back() != so_far.title) titles.push_back(so_far.title);
            tag_counts.push_back(so_far.tags.size());
            if (so_far.author.age != 0 && !p.complete("/author/age")) author_seen_before_complete = true;
            if (p.complete("/title")) CHECK(so_far.title == "Quarterly \"numbers\" été 😀");
        });
    CHECK(report.title == "Quarterly \"numbers\" été 😀");
    CHECK(report.tags == std::vector<std::string>{"q1", "finance"});
    CHECK(report.author.name == "Jason");
    CHECK(report.author.age == 30);
    CHECK(titles.size() > 3);  // the title grew in several steps
    for (std::size_t i = 1; i < titles.size(); ++i)
        CHECK(titles[i].rfind(titles[i - 1], 0) == 0);  // each a prefix of the next
    CHECK_FALSE(author_seen_before_complete);           // a number appears only when it is complete
    CHECK(tag_counts.back() == 2);
    CHECK(updates > 10);
    const auto body = json::parse(server.requests().at(0).body);
    CHECK(body["stream"] == true);
    CHECK(body["stream_options"]["include_usage"] == true);
}

TEST_CASE("a member that completes but fails its checks is reported and not shown") {
    TestServer server;
    server.enqueue(streamed(text_stream(R"({"name": "Jason", "age": 200})")));
    server.enqueue(streamed(text_stream(R"({"name": "Jason", "age": 30})")));
    const auto client = instructor::from_openai(at(server), Mode::json);
    std::vector<int> ages_shown;
    std::vector<std::string> errors;
    std::vector<int> attempts;
    const auto user =
        client.create_partial<UserDetail>(ask(), [&](const UserDetail& u, const instructor::PartialProgress& p) {
            ages_shown.push_back(u.age);
            for (const auto& e : p.field_errors()) errors.push_back(to_string(e));
            attempts.push_back(p.attempt());
        });
    CHECK(user.age == 30);
    for (int age : ages_shown) CHECK(age != 200);
    REQUIRE_FALSE(errors.empty());
    CHECK(errors.front() == "/age: expected an integer between 0 and 150, got 200");
    CHECK(attempts.back() == 2);  // the final check failed, and the re-ask streamed again
    REQUIRE(server.requests().size() == 2);
    const auto second = json::parse(server.requests()[1].body);
    CHECK(second["stream"] == true);
    CHECK(second["messages"].back()["content"].get<std::string>().find("/age: expected an integer between 0 and 150") !=
          std::string::npos);
}

const std::string three_tasks =
    R"({"tasks": [{"title": "write", "priority": 1}, {"title": "test", "priority": 2}, {"title": "ship", "priority": 3}]})";

TEST_CASE("create_iterable hands over each item, checked, as soon as it closes") {
    struct Case {
        const char* name;
        Mode mode;
        std::string stream;
    };
    const auto c =
        GENERATE(Case{"tools, arguments in fragments", Mode::tools, tool_stream("IterableTask", three_tasks, 3)},
                 Case{"json, content in pieces", Mode::json, text_stream(three_tasks, 2)},
                 Case{"md_json, inside a fence", Mode::md_json,
                      text_stream("Here you go:\n```json\n" + three_tasks + "\n```\nDone.", 3)});
    CAPTURE(c.name);
    TestServer server;
    server.enqueue(streamed(c.stream, 11));
    const auto client = instructor::from_openai(at(server), c.mode);

    // Each item arrives while the stream is still going: count the bytes the client had seen.
    std::vector<std::string> seen;
    client.create_iterable<Task>(ask(), [&](Task task) { seen.push_back(task.title); });
    CHECK(seen == std::vector<std::string>{"write", "test", "ship"});

    server.enqueue(streamed(c.stream, 11));
    const std::vector<Task> all = client.create_iterable<Task>(ask());
    REQUIRE(all.size() == 3);
    CHECK(all[2].priority == 3);
}

TEST_CASE("an item that fails its checks is re-asked, and items already handed over are not repeated") {
    TestServer server;
    server.enqueue(streamed(text_stream(
        R"({"tasks": [{"title": "write", "priority": 1}, {"title": "test", "priority": 9}, {"title": "ship", "priority": 3}]})")));
    server.enqueue(streamed(text_stream(three_tasks)));
    const auto client = instructor::from_openai(at(server), Mode::json);
    std::vector<std::string> seen;
    client.create_iterable<Task>(ask(), [&](Task task) { seen.push_back(task.title); });
    CHECK(seen == std::vector<std::string>{"write", "test", "ship"});
    REQUIRE(server.requests().size() == 2);
    CHECK(json::parse(server.requests()[1].body)["messages"].back()["content"].get<std::string>().find(
              "/tasks/1/priority") != std::string::npos);
}

TEST_CASE("a callback can stop the stream") {
    TestServer server;
    std::string many = R"({"tasks": [)";
    for (int i = 0; i < 200; ++i)
        many += std::string(i ? "," : "") + R"({"title": "t)" + std::to_string(i) + R"(", "priority": 1})";
    many += "]}";
    server.enqueue(streamed(text_stream(many, 16), 64));
    const auto client = instructor::from_openai(at(server), Mode::json);
    std::vector<std::string> seen;
    client.create_iterable<Task>(ask(), [&](Task task) {
        seen.push_back(task.title);
        return seen.size() < 3;
    });
    CHECK(seen == std::vector<std::string>{"t0", "t1", "t2"});
    CHECK(server.requests().size() == 1);

    SECTION("create_partial returns the value as far as it came") {
        server.enqueue(streamed(text_stream(report_json, 2), 3));
        const Report partial = client.create_partial<Report>(
            ask(), [](const Report&, const instructor::PartialProgress& p) { return !p.complete("/title"); });
        CHECK(partial.title == "Quarterly \"numbers\" été 😀");
        CHECK(partial.author.name.empty());
    }
}

TEST_CASE("every stream dialect streams, through libcurl, with its usage counted") {
    struct Case {
        const char* provider;
        Mode mode;
        std::string path;
        std::string stream;
        instructor::Usage usage;
    };
    const std::string args = R"({"name": "Jason", "age": 30})";
    const auto c = GENERATE_COPY(
        Case{"openai", Mode::tools, "/v1", tool_stream("UserDetail", args), {30, 12, 42, 0, 0}},
        Case{"openai", Mode::json_schema, "/v1", text_stream(args), {20, 8, 28, 0, 0}},
        Case{"groq", Mode::tools, "/openai/v1", groq_tool_stream("UserDetail", args), {30, 12, 42, 0, 0}},
        Case{"together", Mode::tools, "/v1", tool_stream("UserDetail", args), {30, 12, 42, 0, 0}},
        Case{"anyscale", Mode::json_schema, "/v1", text_stream(args), {20, 8, 28, 0, 0}},
        Case{"mistral", Mode::mistral_tools, "/v1", mistral_tool_stream("UserDetail", args), {30, 12, 42, 0, 0}},
        Case{"ollama", Mode::json, "/v1", text_stream(args), {20, 8, 28, 0, 0}},
        Case{"ollama-native", Mode::json_schema, "", ollama_stream(args), {20, 8, 28, 0, 0}},
        Case{"llama-cpp", Mode::json_schema, "/v1", text_stream(args), {20, 8, 28, 0, 0}},
        Case{"llama-cpp-python", Mode::json_schema, "/v1", text_stream(args), {20, 8, 28, 0, 0}},
        Case{"openai-compatible", Mode::md_json, "/v1", text_stream("```json\n" + args + "\n```"), {20, 8, 28, 0, 0}});
    CAPTURE(c.provider, to_string(c.mode));
    TestServer server;
    SECTION("in small pieces") { server.enqueue(streamed(c.stream, 5)); }
    SECTION("one byte at a time") { server.enqueue(streamed(c.stream, 1)); }
    auto options = at(server, c.path);
    const instructor::Client client(instructor::provider(c.provider), c.mode, options);
    std::vector<std::string> names;
    const auto user = client.create_partial<UserDetail>(ask(), [&](const UserDetail& u) {
        if (names.empty() || names.back() != u.name) names.push_back(u.name);
    });
    CHECK(user.name == "Jason");
    CHECK(user.age == 30);
    CHECK(names.back() == "Jason");
    const auto body = json::parse(server.requests().at(0).body);
    CHECK(body["stream"] == true);

    // The usage of a stream (from its last chunk, in each dialect's place) reaches the hooks and
    // the total of the call.
    server.enqueue(streamed(c.stream, 64));
    std::vector<instructor::Usage> usages;
    options.hooks.on_completion = [&](const instructor::CompletionReceived& r) {
        usages.push_back(r.completion.usage);
    };
    const instructor::Client watched(instructor::provider(c.provider), c.mode, options);
    (void)watched.create_partial<UserDetail>(ask(), [](const UserDetail&) {});
    REQUIRE(usages.size() == 1);
    CHECK(usages[0] == c.usage);
}
