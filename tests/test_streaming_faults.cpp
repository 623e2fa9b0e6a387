// Streaming when things go wrong: error events inside a 200 stream in each provider's shape,
// streams that end without their end marker, connections that drop mid-stream, HTTP errors before
// the stream begins, cut-off output, exhausted re-asks, callbacks that throw, cancellation, and
// streams cut at every byte. All through the real libcurl transport against the local test
// server, except where a test says otherwise.

#include "catch.hpp"
#include "thrown.hpp"

#include <atomic>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <instructor/instructor.hpp>

#include "provider_streams.hpp"
#include "test_server.hpp"

using test_support::thrown;

namespace stream_faults_test {

using instructor::Annotated;
using instructor::Mode;
using json = nlohmann::json;
using std::chrono::milliseconds;
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

const std::string secret_key = "sk-SECRET";

instructor::Request ask(int max_retries = 1) {
    return {.model = "test-model", .messages = {instructor::user("Extract")}, .max_retries = max_retries};
}

instructor::ClientOptions at(const TestServer& server, const std::string& path = "/v1") {
    instructor::ClientOptions options;
    options.base_url = server.base_url() + path;
    options.api_key = secret_key;
    options.http_retries.max_retries = 0;
    return options;
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

const std::string jason = R"({"name": "Jason", "age": 30})";
const std::string report_json =
    R"({"title": "Quarterly \"numbers\" \u00e9t\u00e9 😀", "tags": ["q1", "finance"], "author": {"name": "Jason", "age": 30}})";
const std::string three_tasks =
    R"({"tasks": [{"title": "write", "priority": 1}, {"title": "test", "priority": 2}, {"title": "ship", "priority": 3}]})";

struct CallbackFailure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace stream_faults_test

using namespace stream_faults_test;

// ---- 1. Error events inside a 200 stream -------------------------------------------------------

TEST_CASE("an error event inside a stream, in each provider's shape, is a StreamError that keeps what arrived",
          "[stream-faults]") {
    struct Case {
        const char* shape;
        const char* provider;
        Mode mode;
        std::string path;
        std::string body;     // what arrives before the error, then the error
        std::string kept;     // the answer text (or tool arguments) that arrived before it
        std::string message;  // the provider's message, as details() must hold it
        std::string type;     // details().type, when the shape has one
        std::string code;     // details().code, when the shape has one
    };
    const std::string before = R"({"name": "Jas)";
    const auto c = GENERATE_COPY(
        Case{"OpenAI data: {\"error\": {...}}", "openai", Mode::json, "/v1",
             text_events(before) +
                 sse_event({{"error",
                             {{"message", "The server had an error while processing your request. Sorry about that!"},
                              {"type", "server_error"},
                              {"param", nullptr},
                              {"code", nullptr}}}}) +
                 "data: [DONE]\n\n",
             before, "The server had an error while processing your request. Sorry about that!", "server_error", ""},
        Case{"OpenAI, in a tool call's arguments", "openai", Mode::tools, "/v1",
             tool_events("UserDetail", before) +
                 sse_event({{"error", {{"message", "Model overloaded, try again"}, {"type", "server_error"}}}}),
             before, "Model overloaded, try again", "server_error", ""},
        Case{"vLLM (old) {\"object\": \"error\"}", "openai-compatible", Mode::json, "/v1",
             text_events(before) + sse_event({{"object", "error"},
                                              {"message", "The decoder prompt is longer than the maximum model length"},
                                              {"type", "BadRequestError"},
                                              {"param", nullptr},
                                              {"code", 400}}),
             before, "The decoder prompt is longer than the maximum model length", "BadRequestError", "400"},
        Case{"SSE event: error with a JSON body", "openai-compatible", Mode::json, "/v1",
             text_events(before) + "event: error\ndata: {\"error\":{\"message\":\"upstream "
                                   "overloaded\",\"type\":\"overloaded_error\"}}\n\n",
             before, "upstream overloaded", "overloaded_error", ""},
        Case{"SSE event: error with plain text", "together", Mode::json, "/v1",
             text_events(before) + "event: error\ndata: upstream connection reset\n\n", before,
             "upstream connection reset", "", ""},
        Case{
            "Groq x_groq.error", "groq", Mode::json, "/openai/v1",
            text_events(before) +
                sse_event({{"id", "chatcmpl-f"},
                           {"object", "chat.completion.chunk"},
                           {"choices", json::array()},
                           {"x_groq", {{"id", "req_01"}, {"error", "tool call validation failed: output truncated"}}}}),
            before, "tool call validation failed: output truncated", "", ""},
        Case{"Mistral finish_reason \"error\"", "mistral", Mode::json, "/v1",
             text_events(before) + sse({openai_chunk(json::object(), "error")}), before, "finish_reason \"error\"", "",
             ""},
        Case{"llama.cpp {\"error\": {\"code\": 500}} and no [DONE]", "llama-cpp", Mode::json_schema, "/v1",
             text_events(before) +
                 sse_event(
                     {{"error", {{"code", 500}, {"message", "failed to decode the batch"}, {"type", "server_error"}}}}),
             before, "failed to decode the batch", "server_error", "500"},
        Case{
            "Ollama native NDJSON {\"error\": \"...\"}", "ollama-native", Mode::json_schema, "",
            ollama_lines(before, 4) + json{{"error", "an error was encountered while running the model"}}.dump() + "\n",
            before, "an error was encountered while running the model", "", ""});
    CAPTURE(c.shape);
    TestServer server;
    const bool is_ndjson = std::string(c.provider) == "ollama-native";
    server.enqueue(is_ndjson ? ndjson(c.body, 9) : streamed(c.body, 9));
    server.enqueue(is_ndjson ? ndjson(ollama_stream(jason)) : streamed(text_stream(jason)));  // must not be asked for
    auto options = at(server, c.path);
    options.http_retries.max_retries = 2;
    const instructor::Client client(instructor::provider(c.provider), c.mode, options);

    std::vector<std::string> names;
    const auto error = thrown<instructor::StreamError>(
        [&] { (void)client.create_partial<UserDetail>(ask(), [&](const UserDetail& u) { names.push_back(u.name); }); });
    REQUIRE(error);
    const std::string what = error->what();
    CAPTURE(what);
    CHECK(contains(what, c.message));
    CHECK(contains(what, c.provider));
    CHECK_FALSE(contains(what, secret_key));
    CHECK_FALSE(contains(what, "SECRET"));

    REQUIRE(error->details().has_value());
    const auto& details = *error->details();
    CHECK(contains(details.message, c.message));
    CHECK(details.provider == c.provider);
    if (!c.type.empty()) CHECK(details.type == c.type);
    if (!c.code.empty()) CHECK(details.code == c.code);
    CHECK_FALSE(contains(details.body, secret_key));

    const auto& partial = error->completion();
    if (c.mode == Mode::tools) {
        REQUIRE(partial.tool_calls.size() == 1);
        CHECK(partial.tool_calls[0].name == "UserDetail");
        CHECK(partial.tool_calls[0].arguments == c.kept);
    } else {
        CHECK(partial.text == c.kept);
    }
    // The part that arrived was shown as it came, and nothing was sent again.
    REQUIRE_FALSE(names.empty());
    CHECK(names.back() == "Jas");
    CHECK(server.requests().size() == 1);
}

TEST_CASE("an error event during create_iterable is a StreamError after the items already handed over",
          "[stream-faults]") {
    TestServer server;
    const std::string before = R"({"tasks": [{"title": "write", "priority": 1}, {"title": "te)";
    server.enqueue(
        streamed(text_events(before, 5) +
                     sse_event({{"error", {{"message", "The model stopped unexpectedly"}, {"type", "server_error"}}}}),
                 13));
    const auto client = instructor::from_openai(at(server), Mode::json);
    std::vector<std::string> seen;
    const auto error = thrown<instructor::StreamError>(
        [&] { client.create_iterable<Task>(ask(), [&](Task task) { seen.push_back(task.title); }); });
    REQUIRE(error);
    CHECK(seen == std::vector<std::string>{"write"});
    CHECK(error->completion().text == before);
    REQUIRE(error->details());
    CHECK(error->details()->message == "The model stopped unexpectedly");
    CHECK_FALSE(contains(error->what(), secret_key));
}

TEST_CASE("a 200 reply to a stream request that is one JSON error document keeps the provider's message",
          "[stream-faults]") {
    // Some servers answer a request they refuse with status 200 and an error body, as they do
    // without streaming (the non-streamed reader turns that into an HttpError with the message).
    TestServer server;
    server.enqueue({.body = R"({"error":{"message":"model is loading","type":"unavailable_error","code":503}})"});
    const auto client = instructor::from_openai(at(server), Mode::json);
    const auto error =
        thrown<instructor::Error>([&] { (void)client.create_partial<UserDetail>(ask(), [](const UserDetail&) {}); });
    REQUIRE(error);
    CAPTURE(error->what());
    CHECK(contains(error->what(), "model is loading"));
}

// ---- 2. Streams that end without their end marker ----------------------------------------------

TEST_CASE("a stream that ends without its end marker is a StreamError naming the marker and keeping what arrived",
          "[stream-faults]") {
    TestServer server;
    SECTION("SSE with every chunk but data: [DONE]") {
        server.enqueue(streamed(text_stream(jason, 3, "stop", 20, 8, /*done=*/false)));
        server.enqueue(streamed(text_stream(jason)));  // must not be asked for
        const auto client = instructor::from_openai(at(server), Mode::json);
        const auto error = thrown<instructor::StreamError>(
            [&] { (void)client.create_partial<UserDetail>(ask(), [](const UserDetail&) {}); });
        REQUIRE(error);
        CAPTURE(error->what());
        CHECK(contains(error->what(), "data: [DONE]"));
        CHECK(error->completion().text == jason);
        CHECK(error->completion().usage.total_tokens == 28);
        CHECK_FALSE(error->details());
        CHECK_FALSE(contains(error->what(), secret_key));
        CHECK(server.requests().size() == 1);
    }
    SECTION("SSE tool call that stops in the middle of its arguments (llama-cpp-python closing on an exception)") {
        server.enqueue(streamed(tool_events("UserDetail", R"({"name": "Ja)")));
        const instructor::Client client(instructor::provider("llama-cpp-python"), Mode::tools, at(server));
        const auto error = thrown<instructor::StreamError>(
            [&] { (void)client.create_partial<UserDetail>(ask(), [](const UserDetail&) {}); });
        REQUIRE(error);
        CHECK(contains(error->what(), "[DONE]"));
        REQUIRE(error->completion().tool_calls.size() == 1);
        CHECK(error->completion().tool_calls[0].arguments == R"({"name": "Ja)");
    }
    SECTION("SSE cut inside an event") {
        const std::string whole = text_stream(jason);
        std::size_t sixth_event = 0;
        for (int i = 0; i < 6; ++i) sixth_event = whole.find("data: ", sixth_event + 1);
        REQUIRE(sixth_event != std::string::npos);
        const std::string cut = whole.substr(0, sixth_event + 30);  // inside the sixth event
        server.enqueue(streamed(cut));
        const auto client = instructor::from_openai(at(server), Mode::json);
        const auto error = thrown<instructor::StreamError>(
            [&] { (void)client.create_partial<UserDetail>(ask(), [](const UserDetail&) {}); });
        REQUIRE(error);
        CHECK_FALSE(error->completion().text.empty());
        CHECK(jason.rfind(error->completion().text, 0) == 0);  // a prefix of the answer
    }
    SECTION("NDJSON without a done: true line") {
        server.enqueue(ndjson(ollama_lines(jason)));
        server.enqueue(ndjson(ollama_stream(jason)));  // must not be asked for
        const instructor::Client client(instructor::provider("ollama-native"), Mode::json_schema, at(server, ""));
        std::vector<std::string> seen;
        const auto error = thrown<instructor::StreamError>(
            [&] { client.create_iterable<Task>(ask(), [&](Task task) { seen.push_back(task.title); }); });
        REQUIRE(error);
        CAPTURE(error->what());
        CHECK(contains(error->what(), "\"done\": true"));
        CHECK(error->completion().text == jason);
        CHECK(server.requests().size() == 1);
    }
}

// ---- 3. Connections dropped mid-stream ---------------------------------------------------------

TEST_CASE("a connection dropped mid-stream is a StreamError, never sent again, keeping what arrived",
          "[stream-faults]") {
    TestServer server;
    auto options = at(server);
    options.http_retries = {.max_retries = 3, .initial_delay = milliseconds(1), .max_delay = milliseconds(2)};
    std::string provider = "openai";
    Mode mode = Mode::json;
    std::string kept;
    SECTION("SSE text") {
        kept = R"({"name": "Jas)";
        ScriptedReply cut = streamed(text_events(kept));
        cut.close_mid_body = true;
        server.enqueue(cut);
        server.enqueue(streamed(text_stream(jason)));
    }
    SECTION("SSE tool arguments") {
        mode = Mode::tools;
        kept = R"({"name": "Jason", "a)";
        ScriptedReply cut = streamed(tool_events("UserDetail", kept));
        cut.close_mid_body = true;
        server.enqueue(cut);
        server.enqueue(streamed(tool_stream("UserDetail", jason)));
    }
    SECTION("Ollama NDJSON") {
        provider = "ollama-native";
        mode = Mode::json_schema;
        options.base_url = server.base_url();
        kept = R"({"name": "Jas)";
        ScriptedReply cut = ndjson(ollama_lines(kept));
        cut.close_mid_body = true;
        server.enqueue(cut);
        server.enqueue(ndjson(ollama_stream(jason)));
    }
    CAPTURE(provider, to_string(mode));
    const instructor::Client client(instructor::provider(provider), mode, options);
    std::vector<std::string> names;
    const auto error = thrown<instructor::StreamError>(
        [&] { (void)client.create_partial<UserDetail>(ask(), [&](const UserDetail& u) { names.push_back(u.name); }); });
    REQUIRE(error);
    CAPTURE(error->what());
    CHECK(server.requests().size() == 1);
    if (mode == Mode::tools) {
        REQUIRE(error->completion().tool_calls.size() == 1);
        CHECK(error->completion().tool_calls[0].arguments == kept);
    } else {
        CHECK(error->completion().text == kept);
    }
    CHECK_FALSE(error->details());
    CHECK_FALSE(names.empty());
    CHECK_FALSE(contains(error->what(), secret_key));
}

TEST_CASE("a connection dropped before the stream's first byte is sent again, and the new stream is read",
          "[stream-faults]") {
    TestServer server;
    server.enqueue({.body = "", .content_type = "text/event-stream", .close_mid_body = true});
    server.enqueue(streamed(text_stream(jason)));
    auto options = at(server);
    options.http_retries = {.max_retries = 2, .initial_delay = milliseconds(1), .max_delay = milliseconds(2)};
    const auto client = instructor::from_openai(options, Mode::json);
    const auto user = client.create_partial<UserDetail>(ask(), [](const UserDetail&) {});
    CHECK(user.name == "Jason");
    CHECK(server.requests().size() == 2);
}

// ---- 4. HTTP errors before the stream begins ---------------------------------------------------

TEST_CASE("an HTTP error before the stream begins is retried when it may pass, and the next stream is read",
          "[stream-faults]") {
    TestServer server;
    auto options = at(server);
    options.http_retries = {.max_retries = 2, .initial_delay = milliseconds(1), .max_delay = milliseconds(5)};
    std::vector<instructor::RetryScheduled> retries;
    options.hooks.on_retry = [&](const instructor::RetryScheduled& r) { retries.push_back(r); };
    SECTION("429 with retry-after-ms") {
        server.enqueue(
            {.status = 429,
             .headers = {{"retry-after-ms", "10"}},
             .body = R"({"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}})"});
    }
    SECTION("503") {
        server.enqueue({.status = 503, .body = R"({"error":{"message":"The engine is currently overloaded"}})"});
    }
    server.enqueue(streamed(text_stream(three_tasks)));
    const auto client = instructor::from_openai(options, Mode::json);
    std::vector<std::string> seen;
    client.create_iterable<Task>(ask(), [&](Task task) { seen.push_back(task.title); });
    CHECK(seen == std::vector<std::string>{"write", "test", "ship"});
    REQUIRE(server.requests().size() == 2);
    for (const auto& request : server.requests()) CHECK(json::parse(request.body)["stream"] == true);
    REQUIRE(retries.size() == 1);
    CHECK(retries[0].cause == instructor::RetryCause::http);
}

TEST_CASE("a 401 before the stream begins is an AuthenticationError, not a StreamError, and is not retried",
          "[stream-faults]") {
    TestServer server;
    server.enqueue(
        {.status = 401,
         .body =
             R"({"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","code":"invalid_api_key"}})"});
    server.enqueue(streamed(text_stream(jason)));  // must not be asked for
    auto options = at(server);
    options.http_retries = {.max_retries = 3, .initial_delay = milliseconds(1)};
    const auto client = instructor::from_openai(options, Mode::json);
    int updates = 0;
    const auto error = thrown<instructor::AuthenticationError>(
        [&] { (void)client.create_partial<UserDetail>(ask(), [&](const UserDetail&) { ++updates; }); });
    REQUIRE(error);
    CHECK(error->status() == 401);
    CHECK(error->details().code == "invalid_api_key");
    CHECK(contains(error->what(), "Incorrect API key provided."));
    CHECK_FALSE(contains(error->what(), secret_key));
    CHECK(updates == 0);
    CHECK(server.requests().size() == 1);
}

// ---- 5. Cut-off output -------------------------------------------------------------------------

TEST_CASE("a stream that finishes with reason length is an IncompleteOutputError with the partial completion",
          "[stream-faults]") {
    TestServer server;
    const std::string cut = R"({"name": "Jason", "ag)";
    std::string provider = "openai";
    Mode mode = Mode::json;
    auto options = at(server);
    SECTION("SSE text") { server.enqueue(streamed(text_stream(cut, 3, "length", 20, 8))); }
    SECTION("SSE tool arguments") {
        mode = Mode::tools;
        server.enqueue(streamed(tool_events("UserDetail", cut) +
                                sse({openai_chunk(json::object(), "length"), usage_chunk(20, 8)})));
    }
    SECTION("Ollama NDJSON, done_reason length") {
        provider = "ollama-native";
        mode = Mode::json_schema;
        options.base_url = server.base_url();
        server.enqueue(ndjson(ollama_lines(cut) + ollama_done_line("length")));
    }
    server.enqueue(streamed(text_stream(jason)));  // must not be asked for
    CAPTURE(provider, to_string(mode));
    const instructor::Client client(instructor::provider(provider), mode, options);
    std::vector<std::string> names;
    const auto error = thrown<instructor::IncompleteOutputError>([&] {
        (void)client.create_partial<UserDetail>(ask(2), [&](const UserDetail& u) { names.push_back(u.name); });
    });
    REQUIRE(error);
    const auto& partial = error->completion();
    CHECK(partial.finish_reason == instructor::FinishReason::length);
    if (mode == Mode::tools) {
        REQUIRE(partial.tool_calls.size() == 1);
        CHECK(partial.tool_calls[0].arguments == cut);
    } else {
        CHECK(partial.text == cut);
    }
    CHECK(partial.usage.total_tokens == 28);
    REQUIRE_FALSE(names.empty());
    CHECK(names.back() == "Jason");
    CHECK(server.requests().size() == 1);
}

// ---- 6. Streams cut at every byte --------------------------------------------------------------

namespace stream_faults_test {

// What a create_partial call showed: every update (the value so far and where it changed), then
// the final value.
struct PartialRun {
    std::vector<std::string> updates;
    std::string final_value;
    friend bool operator==(const PartialRun&, const PartialRun&) = default;
};

struct IterableRun {
    std::vector<std::string> items;
    friend bool operator==(const IterableRun&, const IterableRun&) = default;
};

PartialRun run_partial(const instructor::Client& client) {
    PartialRun run;
    const Report report =
        client.create_partial<Report>(ask(0), [&](const Report& so_far, const instructor::PartialProgress& p) {
            run.updates.push_back(instructor::to_json(so_far).dump() + " @" + std::string(p.changed()));
        });
    run.final_value = instructor::to_json(report).dump();
    return run;
}

IterableRun run_iterable(const instructor::Client& client) {
    IterableRun run;
    client.create_iterable<Task>(ask(0), [&](Task task) { run.items.push_back(instructor::to_json(task).dump()); });
    return run;
}

}  // namespace stream_faults_test

TEST_CASE("a stream cut in two at any byte gives the same updates, items and value as the stream whole",
          "[stream-faults]") {
    struct Case {
        const char* dialect;
        const char* provider;
        Mode mode;
        std::string path;
        std::string content_type;
        std::string report_stream;
        std::string tasks_stream;
    };
    const auto c = GENERATE_COPY(
        Case{"OpenAI SSE, tool arguments in fragments", "openai", Mode::tools, "/v1", "text/event-stream",
             tool_stream("Report", report_json, 16), tool_stream("IterableTask", three_tasks, 16)},
        Case{"Groq SSE, the whole call in one chunk", "groq", Mode::tools, "/openai/v1", "text/event-stream",
             groq_tool_stream("Report", report_json), groq_tool_stream("IterableTask", three_tasks)},
        Case{"Mistral SSE, whole calls", "mistral", Mode::mistral_tools, "/v1", "text/event-stream",
             mistral_tool_stream("Report", report_json), mistral_tool_stream("IterableTask", three_tasks)},
        Case{"Ollama NDJSON", "ollama-native", Mode::json_schema, "", "application/x-ndjson",
             ollama_stream(report_json, 9), ollama_stream(three_tasks, 9)});
    CAPTURE(c.dialect);

    TestServer server;
    // libcurl under a wrapper that records the pieces the library was handed, to check that the
    // cut really reached it.
    const instructor::Transport curl = instructor::curl_transport();
    std::vector<std::size_t> pieces;
    const instructor::Transport recording = [&](const instructor::HttpRequest& request) {
        instructor::HttpRequest copy = request;
        copy.on_chunk = [&pieces, inner = request.on_chunk](std::string_view bytes) {
            pieces.push_back(bytes.size());
            return inner(bytes);
        };
        return curl(copy);
    };
    const instructor::Client client(instructor::provider(c.provider), c.mode, at(server, c.path), recording);

    const auto serve = [&](const std::string& stream, std::size_t cut) {
        ScriptedReply reply{.content_type = c.content_type};
        if (cut == 0)
            reply.chunks = {stream};
        else
            reply.chunks = {stream.substr(0, cut), stream.substr(cut)};
        server.enqueue(reply);
    };

    // Whole, once: the reference, itself checked.
    serve(c.report_stream, 0);
    const PartialRun whole_report = run_partial(client);
    CHECK(whole_report.final_value == instructor::to_json(instructor::from_json<Report>(report_json)).dump());
    CHECK(whole_report.updates.size() >= 3);
    serve(c.tasks_stream, 0);
    const IterableRun whole_tasks = run_iterable(client);
    REQUIRE(whole_tasks.items.size() == 3);
    CHECK(json::parse(whole_tasks.items[2]) == json{{"title", "ship"}, {"priority", 3}});

    std::size_t cuts = 0;
    std::size_t delivered_as_cut = 0;
    std::vector<std::size_t> report_mismatches;
    std::vector<std::size_t> tasks_mismatches;
    for (std::size_t cut = 1; cut < c.report_stream.size(); ++cut) {
        serve(c.report_stream, cut);
        pieces.clear();
        if (run_partial(client) != whole_report) report_mismatches.push_back(cut);
        ++cuts;
        if (pieces.size() == 2 && pieces[0] == cut) ++delivered_as_cut;
    }
    for (std::size_t cut = 1; cut < c.tasks_stream.size(); ++cut) {
        serve(c.tasks_stream, cut);
        pieces.clear();
        if (run_iterable(client) != whole_tasks) tasks_mismatches.push_back(cut);
        ++cuts;
        if (pieces.size() == 2 && pieces[0] == cut) ++delivered_as_cut;
    }
    const auto first = [](const std::vector<std::size_t>& v) {
        return v.empty() ? std::string("none") : std::to_string(v.front());
    };
    CAPTURE(c.report_stream.size(), c.tasks_stream.size(), cuts, delivered_as_cut, first(report_mismatches),
            first(tasks_mismatches));
    CHECK(report_mismatches.empty());
    CHECK(tasks_mismatches.empty());
    // libcurl hands each HTTP chunk on separately: nearly every cut reached the parser as a cut.
    CHECK(delivered_as_cut * 10 >= cuts * 9);
}

// ---- 7. The in-process backend, which does not stream ------------------------------------------

namespace stream_faults_test {

json whole_reply_with(const json& message, const std::string& finish = "stop") {
    return {{"id", "chatcmpl-local"},
            {"object", "chat.completion"},
            {"model", "local"},
            {"choices", {{{"index", 0}, {"message", message}, {"finish_reason", finish}}}},
            {"usage", {{"prompt_tokens", 10}, {"completion_tokens", 5}, {"total_tokens", 15}}}};
}

json tool_reply(const std::string& name, const std::string& arguments) {
    return whole_reply_with(
        {{"role", "assistant"},
         {"content", nullptr},
         {"tool_calls",
          {{{"id", "call_local"}, {"type", "function"}, {"function", {{"name", name}, {"arguments", arguments}}}}}}},
        "tool_calls");
}

json text_reply(const std::string& content) { return whole_reply_with({{"role", "assistant"}, {"content", content}}); }

}  // namespace stream_faults_test

TEST_CASE("streaming calls work over an in-process backend that answers whole, and their callbacks fire",
          "[stream-faults]") {
    std::vector<json> received;
    SECTION("create_partial in tools mode") {
        const auto client = instructor::from_callable(
            [&](const json& request) {
                received.push_back(request);
                return tool_reply("Report", report_json);
            },
            Mode::tools);
        std::vector<std::string> updates;
        bool saw_done = false;
        const Report report =
            client.create_partial<Report>(ask(), [&](const Report& r, const instructor::PartialProgress& p) {
                updates.push_back(instructor::to_json(r).dump());
                saw_done = saw_done || p.done();
            });
        CHECK(report.title == "Quarterly \"numbers\" été 😀");
        CHECK(report.author.age == 30);
        CHECK(updates.size() >= 3);
        REQUIRE_FALSE(updates.empty());
        CHECK(updates.back() == instructor::to_json(report).dump());
        CHECK(saw_done);
        CHECK(received.size() == 1);
    }
    SECTION("create_iterable in json mode") {
        const auto client = instructor::from_callable(
            [&](const json& request) {
                received.push_back(request);
                return text_reply(three_tasks);
            },
            Mode::json);
        std::vector<std::string> seen;
        client.create_iterable<Task>(ask(), [&](Task task) { seen.push_back(task.title); });
        CHECK(seen == std::vector<std::string>{"write", "test", "ship"});
        CHECK(client.create_iterable<Task>(ask()).size() == 3);
        CHECK(received.size() == 2);
    }
    SECTION("a re-ask streams the second answer to the callback") {
        const auto client = instructor::from_callable(
            [&](const json& request) {
                received.push_back(request);
                return text_reply(received.size() == 1 ? R"({"name": "Jason", "age": 200})" : jason);
            },
            Mode::json);
        std::vector<int> attempts;
        const auto user = client.create_partial<UserDetail>(
            ask(), [&](const UserDetail&, const instructor::PartialProgress& p) { attempts.push_back(p.attempt()); });
        CHECK(user.age == 30);
        REQUIRE(received.size() == 2);
        REQUIRE_FALSE(attempts.empty());
        CHECK(attempts.front() == 1);
        CHECK(attempts.back() == 2);
    }
    SECTION("a callback returning false stops after the first item") {
        const auto client = instructor::from_callable([&](const json&) { return text_reply(three_tasks); }, Mode::json);
        std::vector<std::string> seen;
        client.create_iterable<Task>(ask(), [&](Task task) {
            seen.push_back(task.title);
            return false;
        });
        CHECK(seen == std::vector<std::string>{"write"});
    }
}

TEST_CASE("a server that ignores stream: true and answers with one JSON document is read as the whole answer",
          "[stream-faults]") {
    // The same as an in-process backend that does not stream, but over HTTP: the body arrives
    // through the transport's on_chunk like a stream would.
    TestServer server;
    server.enqueue({.body = text_reply(three_tasks).dump()});
    const auto client = instructor::from_openai(at(server), Mode::json);
    std::vector<std::string> seen;
    client.create_iterable<Task>(ask(), [&](Task task) { seen.push_back(task.title); });
    CHECK(seen == std::vector<std::string>{"write", "test", "ship"});
}

// ---- 8. Re-asks running out while streaming ----------------------------------------------------

TEST_CASE("streamed answers that never validate end in a RetryError with every attempt and the usage of every stream",
          "[stream-faults]") {
    TestServer server;
    server.enqueue(streamed(text_stream(R"({"name": "Jason", "age": 200})", 3, "stop", 20, 8)));
    server.enqueue(streamed(text_stream(R"({"name": "Jason", "age": -1})", 3, "stop", 25, 9)));
    server.enqueue(streamed(text_stream(jason)));  // must not be asked for
    const auto client = instructor::from_openai(at(server), Mode::json);
    int updates = 0;
    const auto error = thrown<instructor::RetryError>(
        [&] { (void)client.create_partial<UserDetail>(ask(1), [&](const UserDetail&) { ++updates; }); });
    REQUIRE(error);
    REQUIRE(error->attempts().size() == 2);
    CHECK(error->attempts()[0].number == 1);
    CHECK(error->attempts()[1].number == 2);
    CHECK(error->attempts()[0].completion.usage == instructor::Usage{20, 8, 28, 0, 0});
    CHECK(error->attempts()[1].completion.usage == instructor::Usage{25, 9, 34, 0, 0});
    CHECK(error->total_usage() == instructor::Usage{45, 17, 62, 0, 0});
    REQUIRE_FALSE(error->attempts()[0].errors.empty());
    CHECK(error->attempts()[0].errors[0].pointer == "/age");
    REQUIRE_FALSE(error->attempts()[1].errors.empty());
    CHECK(error->attempts()[1].errors[0].pointer == "/age");
    CHECK(error->attempts()[1].output == R"({"name": "Jason", "age": -1})");
    CHECK(updates > 0);
    REQUIRE(server.requests().size() == 2);
    for (const auto& request : server.requests()) CHECK(json::parse(request.body)["stream"] == true);
    CHECK_FALSE(contains(error->what(), secret_key));
}

// ---- 9. Callbacks that throw -------------------------------------------------------------------

TEST_CASE("an exception thrown by a streaming callback comes out of the call unchanged", "[stream-faults]") {
    TestServer server;
    auto options = at(server);
    options.http_retries = {.max_retries = 2, .initial_delay = milliseconds(1)};
    std::string provider = "openai";
    Mode mode = Mode::json;
    bool iterable = false;
    SECTION("create_partial, SSE text") { server.enqueue(streamed(text_stream(report_json, 4), 5)); }
    SECTION("create_partial, SSE tool arguments") {
        mode = Mode::tools;
        server.enqueue(streamed(tool_stream("Report", report_json, 4), 5));
    }
    SECTION("create_partial, Ollama NDJSON") {
        provider = "ollama-native";
        mode = Mode::json_schema;
        options.base_url = server.base_url();
        server.enqueue(ndjson(ollama_stream(report_json, 4), 5));
    }
    SECTION("create_iterable, SSE text") {
        iterable = true;
        server.enqueue(streamed(text_stream(three_tasks, 4), 5));
    }
    SECTION("create_iterable, in the stream's last event, which has no blank line after it") {
        iterable = true;
        // Everything up to and including the content event that closes the last item, without its
        // terminating blank line: that event is only dispatched when the body ends.
        const std::string events = text_events(three_tasks, 200);
        server.enqueue(streamed(events.substr(0, events.size() - 2), 5));
    }
    CAPTURE(provider, to_string(mode), iterable);
    const instructor::Client client(instructor::provider(provider), mode, options);
    int calls = 0;
    try {
        if (iterable) {
            client.create_iterable<Task>(ask(), [&](Task task) {
                ++calls;
                if (calls == 2) throw CallbackFailure("item " + task.title + " refused");
            });
        } else {
            (void)client.create_partial<Report>(ask(), [&](const Report& r) {
                ++calls;
                if (r.title.size() >= 5) throw CallbackFailure("title " + r.title + " refused");
            });
        }
        FAIL("the callback's exception did not come out");
    } catch (const CallbackFailure& failure) {
        CHECK(contains(failure.what(), "refused"));
        if (iterable)
            CHECK(std::string(failure.what()) == "item test refused");
        else
            CHECK(std::string(failure.what()).rfind("title Quart", 0) == 0);
    }
    CHECK(calls >= 1);
    CHECK(server.requests().size() == 1);

    // The client (and its pooled connection handles) still works.
    if (provider == "ollama-native")
        server.enqueue(ndjson(ollama_stream(jason)));
    else if (mode == Mode::tools)
        server.enqueue(streamed(tool_stream("UserDetail", jason)));
    else
        server.enqueue(streamed(text_stream(jason)));
    CHECK(client.create_partial<UserDetail>(ask(), [](const UserDetail&) {}).name == "Jason");
}

TEST_CASE("an exception thrown by a callback over an in-process backend comes out unchanged", "[stream-faults]") {
    const auto client = instructor::from_callable([](const json&) { return text_reply(three_tasks); }, Mode::json);
    try {
        client.create_iterable<Task>(ask(), [](Task task) {
            if (task.title == "test") throw CallbackFailure("no tests today");
        });
        FAIL("the callback's exception did not come out");
    } catch (const CallbackFailure& failure) {
        CHECK(std::string(failure.what()) == "no tests today");
    }
}

TEST_CASE(
    "an instructor error thrown by a streaming callback (a nested call failing) comes out as itself, "
    "not as an error of the stream",
    "[stream-faults]") {
    TestServer server;
    server.enqueue(streamed(text_stream(three_tasks, 4), 5));
    const auto client = instructor::from_openai(at(server), Mode::json);
    // E.g. the callback asks another model about each item, and that call is refused.
    instructor::HttpErrorDetails refused;
    refused.provider = "groq";
    refused.status = 429;
    refused.message = "nested call: rate limit reached";
    refused.code = "rate_limit_exceeded";
    try {
        client.create_iterable<Task>(ask(), [&](Task) { throw instructor::RateLimitError(refused); });
        FAIL("the callback's exception did not come out");
    } catch (const instructor::RateLimitError& error) {
        CHECK(error.details().provider == "groq");
        CHECK(std::string(error.what()) == std::string(instructor::RateLimitError(refused).what()));
    } catch (const instructor::StreamError& error) {
        FAIL_CHECK("the callback's RateLimitError became a StreamError: " << error.what());
    }
}

// ---- 10. Cancellation --------------------------------------------------------------------------

TEST_CASE("a slow stream is cancelled promptly through the request's stop token", "[stream-faults]") {
    TestServer server;
    // 60 chunks, 100 ms apart: six seconds if nothing stops it.
    const std::string body = text_stream(report_json, 2);
    ScriptedReply slow = streamed(body, body.size() / 60 + 1);
    slow.chunk_delay_ms = 100;
    server.enqueue(slow);
    auto options = at(server);
    options.http_retries = {.max_retries = 2, .initial_delay = milliseconds(1)};
    const auto client = instructor::from_openai(options, Mode::json);

    std::stop_source stop;
    auto request = ask();
    request.cancel = stop.get_token();
    std::atomic<bool> streaming{false};
    std::atomic<std::chrono::steady_clock::time_point::rep> stopped_at{0};
    std::jthread canceller([&](const std::stop_token& call_over) {
        while (!streaming) {
            if (call_over.stop_requested()) return;  // the call ended before streaming: nothing to cancel
            std::this_thread::sleep_for(milliseconds(5));
        }
        std::this_thread::sleep_for(milliseconds(150));
        stopped_at = std::chrono::steady_clock::now().time_since_epoch().count();
        stop.request_stop();
    });
    int updates_after_stop = 0;
    const auto started = std::chrono::steady_clock::now();
    const auto error = thrown<instructor::CancelledError>([&] {
        (void)client.create_partial<Report>(request, [&](const Report&) {
            streaming = true;
            if (stop.stop_requested()) ++updates_after_stop;
        });
    });
    const auto ended = std::chrono::steady_clock::now();
    canceller.request_stop();
    canceller.join();
    REQUIRE(error);
    const auto latency =
        ended - std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(stopped_at.load()));
    CAPTURE(std::chrono::duration_cast<milliseconds>(latency).count(),
            std::chrono::duration_cast<milliseconds>(ended - started).count(), updates_after_stop);
    CHECK(latency < milliseconds(1200));
    CHECK(ended - started < milliseconds(3000));
    CHECK(updates_after_stop <= 2);
    CHECK(server.requests().size() == 1);  // a cancelled call is never sent again
}

TEST_CASE("a streaming call is cancelled while waiting for the first byte or for a retry", "[stream-faults]") {
    TestServer server;
    auto options = at(server);
    options.http_retries = {
        .max_retries = 2, .initial_delay = milliseconds(1), .max_retry_after = milliseconds(60'000)};
    SECTION("the server is slow to start the stream") {
        ScriptedReply late = streamed(text_stream(jason));
        late.delay_ms = 5000;
        server.enqueue(late);
    }
    SECTION("a 429 asks for a long wait") {
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
    CHECK_THROWS_AS(client.create_partial<UserDetail>(request, [](const UserDetail&) {}), instructor::CancelledError);
    CHECK(std::chrono::steady_clock::now() - started < milliseconds(2000));
    CHECK(server.requests().size() == 1);
}
