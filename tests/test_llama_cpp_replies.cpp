// The client against replies shaped exactly as the two real llama.cpp servers send them (b4748,
// Feb 2025; b10156, Jul 2026), through the libcurl transport and the loopback test server.

#include "catch.hpp"
#include "thrown.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <instructor/instructor.hpp>

#include "llama_cpp_replies.hpp"
#include "test_server.hpp"

using test_support::thrown;

namespace llama_cpp_test {

using instructor::Mode;
using json = nlohmann::json;
using test_support::TestServer;
namespace llama = test_support::llama_cpp;

struct UserDetail {
    std::string name;
    int age = 0;
};

instructor::ClientOptions at(const TestServer& server) {
    instructor::ClientOptions options;
    options.base_url = server.base_url() + "/v1";
    options.http_retries = {
        .max_retries = 2, .initial_delay = std::chrono::milliseconds(1), .max_delay = std::chrono::milliseconds(5)};
    return options;
}

instructor::Request ask(std::optional<int> max_tokens = std::nullopt) {
    return {.model = "stories260K",
            .messages = {instructor::user("Jason is 30")},
            .max_retries = 1,
            .max_tokens = max_tokens};
}

}  // namespace llama_cpp_test

using namespace llama_cpp_test;

TEST_CASE("a prompt larger than the context window is a ContextLengthError stating both sizes, never retried") {
    TestServer server;
    server.enqueue(llama::b10156_exceed_context(5210, 4096));
    const instructor::Client client(instructor::provider("llama-cpp"), Mode::json_schema, at(server));
    const auto error = thrown<instructor::ContextLengthError>([&] { (void)client.create<UserDetail>(ask()); });
    REQUIRE(error);
    CHECK(error->status() == 400);
    CHECK(error->details().prompt_tokens == 5210);
    CHECK(error->details().context_window == 4096);
    CHECK(std::string(error->what()) ==
          "llama-cpp answered HTTP 400: request (5210 tokens) exceeds the available context size (4096 tokens), try "
          "increasing it; the prompt (5210 tokens) does not fit the context window (4096 tokens): shorten the prompt "
          "or use a model or server with a larger context");
    CHECK(server.requests().size() == 1);
}

TEST_CASE("OpenAI's context_length_exceeded is a ContextLengthError with the sizes read from its message") {
    const std::string body =
        R"({"error":{"message":"This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}})";
    const auto error =
        thrown<instructor::ContextLengthError>([&] { instructor::provider("openai").throw_error(400, {}, body); });
    REQUIRE(error);
    CHECK(error->details().context_window == 8192);
    CHECK(error->details().prompt_tokens == 9000);
}

TEST_CASE("a reply cut off while max_tokens was not set blames the context window, with both token counts") {
    TestServer server;
    // b4748 truncates an overlong prompt silently and stops when the context is full.
    server.enqueue(llama::text_reply(R"({"name": "Jas)", "length", 4000, 96));
    const instructor::Client client(instructor::provider("llama-cpp"), Mode::json_schema, at(server));
    const auto error = thrown<instructor::IncompleteOutputError>([&] { (void)client.create<UserDetail>(ask()); });
    REQUIRE(error);
    CHECK(error->limit() == instructor::OutputLimit::context_window);
    CHECK(std::string(error->what()) ==
          "the reply was cut off by the context window or the server's own token limit, not by max_tokens (not set; "
          "finish reason \"length\"): the prompt took 4000 tokens and the reply 96; give the server a larger context "
          "window, shorten the prompt, or ask for less");
}

TEST_CASE("a reply cut off at the max_tokens the request set says max_tokens cut it") {
    TestServer server;
    server.enqueue(llama::text_reply(R"({"name": "Jas)", "length", 20, 16));
    server.enqueue(llama::text_reply(R"({"name": "Jas)", "length", 4080, 16));
    const instructor::Client client(instructor::provider("llama-cpp"), Mode::json_schema, at(server));
    const auto error = thrown<instructor::IncompleteOutputError>([&] { (void)client.create<UserDetail>(ask(16)); });
    REQUIRE(error);
    CHECK(error->limit() == instructor::OutputLimit::max_tokens);
    CHECK(std::string(error->what()) ==
          "the reply was cut off by max_tokens (16, finish reason \"length\"): the prompt took 20 tokens and the reply "
          "16; raise max_tokens or ask for less");
    // With max_tokens set but not reached, the context window cut it.
    const auto second = thrown<instructor::IncompleteOutputError>([&] { (void)client.create<UserDetail>(ask(512)); });
    REQUIRE(second);
    CHECK(second->limit() == instructor::OutputLimit::context_window);
    CHECK(std::string(second->what()).find("not by max_tokens (set to 512, not reached;") != std::string::npos);
}

// ---- Re-asks say what the parser found, in the mode's own form ----------------------------------

TEST_CASE("a reply whose JSON is cut mid-string is re-asked with where the JSON ends") {
    TestServer server;
    // finish_reason stop: a stop sequence ended it, not the token limit.
    server.enqueue(llama::text_reply(R"({"name": "Jas)"));
    server.enqueue(llama::text_reply(R"({"name": "Jason", "age": 30})"));
    const instructor::Client client(instructor::provider("llama-cpp"), Mode::json_schema, at(server));
    CHECK(client.create<UserDetail>(ask()).age == 30);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    const json sent = json::parse(requests[1].body);
    CHECK(
        sent["messages"].back()["content"] ==
        "Your answer has these errors:\n(root): the JSON in the reply is incomplete: it ends inside a string after 13 "
        "characters\nAnswer again with only the corrected JSON.");
}

TEST_CASE("a reply whose JSON is cut between members, or is broken, is re-asked with what is wrong") {
    TestServer server;
    server.enqueue(llama::text_reply(R"(Here: {"name": "Jason", "tags": [1, 2)"));
    server.enqueue(llama::text_reply(R"({"name": "Jason" "age": 30})"));
    server.enqueue(llama::text_reply(R"({"name": "Jason", "age": 30})"));
    const instructor::Client client(instructor::provider("llama-cpp"), Mode::json, at(server));
    auto request = ask();
    request.max_retries = 2;
    CHECK(client.create<UserDetail>(request).age == 30);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 3);
    CHECK(
        json::parse(requests[1].body)["messages"].back()["content"] ==
        "Your answer has these errors:\n(root): the JSON in the reply is incomplete: it ends with 2 objects or arrays "
        "still open after 31 characters\nAnswer again with only the corrected JSON.");
    CHECK(
        json::parse(requests[2].body)["messages"].back()["content"] ==
        "Your answer has these errors:\n(root): the JSON in the reply is not valid: parse error at line 1, column 22: "
        "syntax error while parsing object - unexpected string literal; expected '}'\nAnswer again with only the "
        "corrected JSON.");
}

TEST_CASE("an md_json re-ask asks for the JSON inside a json code block again, as its first prompt did") {
    TestServer server;
    server.enqueue(llama::text_reply("```json\n{\"name\": \"Jason\"}\n```"));
    server.enqueue(llama::text_reply("```json\n{\"name\": \"Jason\", \"age\": 30}\n```"));
    const instructor::Client client(instructor::provider("llama-cpp"), Mode::md_json, at(server));
    CHECK(client.create<UserDetail>(ask()).age == 30);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    const json first = json::parse(requests[0].body);
    CHECK(first["messages"].back()["content"] == "Return the JSON object inside a ```json code block.");
    // md_json's body ends with its instruction each time; the re-ask before it now agrees with it.
    const json messages = json::parse(requests[1].body)["messages"];
    CHECK(messages.back()["content"] == "Return the JSON object inside a ```json code block.");
    CHECK(messages[messages.size() - 2]["content"] ==
          "Your answer has these errors:\n/age: required field is missing\nAnswer again with the corrected JSON object "
          "inside a ```json code block.");
}

// ---- Refused requests and tool streaming ----------------------------------------------------------

TEST_CASE("llama.cpp's 500 server_error is a refused request and is not sent again, 503 unavailable is") {
    TestServer server;
    server.enqueue(llama::error_reply(500, "At least one of min_value or max_value must be set", "server_error"));
    const instructor::Client client(instructor::provider("llama-cpp"), Mode::json_schema, at(server));
    CHECK_THROWS_AS(client.create<UserDetail>(ask()), instructor::ServerError);
    CHECK(server.requests().size() == 1);

    TestServer loading;
    loading.enqueue(llama::error_reply(503, "Loading model", "unavailable_error"));
    loading.enqueue(llama::text_reply(R"({"name": "Jason", "age": 30})"));
    const instructor::Client waiting(instructor::provider("llama-cpp"), Mode::json_schema, at(loading));
    CHECK(waiting.create<UserDetail>(ask()).age == 30);
    CHECK(loading.requests().size() == 2);
}

TEST_CASE("a 500 from another OpenAI-compatible server is still retried") {
    TestServer server;
    server.enqueue(llama::error_reply(500, "upstream failed", "server_error"));
    server.enqueue(llama::text_reply(R"({"name": "Jason", "age": 30})"));
    const instructor::Client client(instructor::provider("openai-compatible"), Mode::json_schema, at(server));
    CHECK(client.create<UserDetail>(ask()).age == 30);
    CHECK(server.requests().size() == 2);
}

TEST_CASE(
    "create_partial in tools mode against a server that cannot stream tools asks once unstreamed, then "
    "never streams tools again") {
    TestServer server;
    server.enqueue(llama::b4748_tools_with_stream());
    server.enqueue(llama::b4748_tool_call("UserDetail", R"({"name": "Jason", "age": 30})"));
    server.enqueue(llama::b4748_tool_call("UserDetail", R"({"name": "Ann", "age": 41})"));
    const instructor::Client client(instructor::provider("llama-cpp"), Mode::tools, at(server));
    std::vector<std::string> names;
    const auto user = client.create_partial<UserDetail>(ask(), [&](const UserDetail& u) { names.push_back(u.name); });
    CHECK(user.name == "Jason");
    CHECK(user.age == 30);
    CHECK(!names.empty());
    CHECK(names.back() == "Jason");

    names.clear();
    const auto second = client.create_partial<UserDetail>(ask(), [&](const UserDetail& u) { names.push_back(u.name); });
    CHECK(second.name == "Ann");
    CHECK(!names.empty());

    const auto requests = server.requests();
    REQUIRE(requests.size() == 3);  // the refusal was not retried, and the second call went straight to it
    CHECK(json::parse(requests[0].body).value("stream", false) == true);
    CHECK(!json::parse(requests[1].body).contains("stream"));
    CHECK(!json::parse(requests[2].body).contains("stream"));
    CHECK(json::parse(requests[1].body)["tools"] == json::parse(requests[0].body)["tools"]);
}

TEST_CASE("create_iterable in tools mode against a server that cannot stream tools still hands over every item") {
    TestServer server;
    server.enqueue(llama::b4748_tools_with_stream());
    server.enqueue(llama::b4748_tool_call("IterableUserDetail",
                                          R"({"tasks": [{"name": "Jason", "age": 30}, {"name": "Ann", "age": 41}]})"));
    const instructor::Client client(instructor::provider("llama-cpp"), Mode::tools, at(server));
    std::vector<std::string> names;
    client.create_iterable<UserDetail>(ask(), [&](UserDetail u) { names.push_back(u.name); });
    CHECK(names == std::vector<std::string>{"Jason", "Ann"});
    CHECK(server.requests().size() == 2);
}

// ---- Tool-call replies as each server writes them ---------------------------------------------------

TEST_CASE("a tool call with an empty id (b4748) is re-asked with one made-up id on the call and its result") {
    TestServer server;
    server.enqueue(llama::b4748_tool_call("UserDetail", R"({"name": "Jason", "age": "thirty"})"));
    server.enqueue(llama::b4748_tool_call("UserDetail", R"({"name": "Jason", "age": 30})"));
    const instructor::Client client(instructor::provider("llama-cpp"), Mode::tools, at(server));
    CHECK(client.create<UserDetail>(ask()).age == 30);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    const json messages = json::parse(requests[1].body)["messages"];
    REQUIRE(messages.size() == 3);
    // b4748 reads content as a string or null, and every tool call needs type, function.name and
    // string arguments (common_chat_msgs_parse_oaicompat).
    CHECK(messages[1] == json::parse(R"({"role": "assistant", "content": "", "tool_calls": [{"id": "call_1",
        "type": "function", "function": {"name": "UserDetail", "arguments": "{\"name\": \"Jason\", \"age\": \"thirty\"}"}}]})"));
    CHECK(messages[2]["role"] == "tool");
    CHECK(messages[2]["tool_call_id"] == "call_1");
}

TEST_CASE("a streamed tool call from b10156 (role chunk first, 32-character id, usage chunk) is read and re-asked") {
    TestServer server;
    server.enqueue(llama::streamed(llama::b10156_tool_stream("UserDetail", R"({"name": "Jason", "age": "thirty"})")));
    server.enqueue(llama::streamed(llama::b10156_tool_stream("UserDetail", R"({"name": "Jason", "age": 30})")));
    const instructor::Client client(instructor::provider("llama-cpp"), Mode::tools, at(server));
    std::vector<std::string> names;
    const auto user = client.create_partial<UserDetail>(ask(), [&](const UserDetail& u) { names.push_back(u.name); });
    CHECK(user.age == 30);
    CHECK(!names.empty());
    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    const json messages = json::parse(requests[1].body)["messages"];
    REQUIRE(messages.size() == 3);
    CHECK(messages[1]["tool_calls"][0]["id"] == llama::b10156_call_id);
    CHECK(messages[2]["tool_call_id"] == llama::b10156_call_id);
}

TEST_CASE("b10156's error event when the model's output fails its tool-call parser is a StreamError saying so") {
    TestServer server;
    server.enqueue(llama::streamed(llama::b10156_tool_stream("UserDetail", R"({"name": "Jas)", true)));
    const instructor::Client client(instructor::provider("llama-cpp"), Mode::tools, at(server));
    const auto error = thrown<instructor::StreamError>(
        [&] { (void)client.create_partial<UserDetail>(ask(), [](const UserDetail&) {}); });
    REQUIRE(error);
    REQUIRE(error->details());
    CHECK(error->details()->type == "server_error");
    CHECK(std::string(error->what()) ==
          "the stream from llama-cpp reported an error: The model produced output that does not match the expected "
          "peg-native format");
    REQUIRE(error->completion().tool_calls.size() == 1);
    CHECK(error->completion().tool_calls[0].arguments == R"({"name": "Jas)");
    CHECK(server.requests().size() == 1);
}
