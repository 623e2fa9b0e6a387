// The validate-and-retry loop, driven through an in-process model (from_callable) that replays
// scripted replies and records every request it is sent.

#include "catch.hpp"

#include <deque>
#include <string>
#include <variant>
#include <vector>

#include <instructor/instructor.hpp>

namespace client_test {

using instructor::Annotated;
using instructor::Mode;
using json = nlohmann::json;

struct UserDetail {
    std::string name;
    Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

struct Search {
    std::string query;
};
struct Lookup {
    int id;
};

enum class Sentiment { positive, negative };

/// A model that answers from a script and remembers what it was asked.
struct ScriptedModel {
    std::deque<json> replies;
    std::vector<json> requests;

    instructor::ChatFunction function() {
        return [this](const json& request) {
            requests.push_back(request);
            if (replies.empty()) throw std::runtime_error("the script ran out of replies");
            json reply = replies.front();
            replies.pop_front();
            return reply;
        };
    }
};

json usage(int prompt, int completion) {
    return {{"prompt_tokens", prompt}, {"completion_tokens", completion}, {"total_tokens", prompt + completion}};
}

json tool_reply(const std::string& name, const std::string& arguments, const std::string& id = "call_1") {
    return {{"id", "chatcmpl-1"},
            {"model", "local"},
            {"choices",
             {{{"index", 0},
               {"message",
                {{"role", "assistant"},
                 {"content", nullptr},
                 {"tool_calls",
                  {{{"id", id}, {"type", "function"}, {"function", {{"name", name}, {"arguments", arguments}}}}}}}},
               {"finish_reason", "stop"}}}},
            {"usage", usage(10, 5)}};
}

json text_reply(const std::string& content, const std::string& finish = "stop") {
    return {{"id", "chatcmpl-2"},
            {"model", "local"},
            {"choices",
             {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", finish}}}},
            {"usage", usage(10, 5)}};
}

instructor::Request ask(const std::string& text, int max_retries = 2) {
    return {.model = "local", .messages = {instructor::user(text)}, .max_retries = max_retries};
}

}  // namespace client_test

using namespace client_test;

TEST_CASE("tools mode: a valid tool call becomes the value, with its usage") {
    ScriptedModel model;
    model.replies = {tool_reply("UserDetail", R"({"name": "Jason", "age": 30})")};
    const auto client = instructor::from_callable(model.function(), Mode::tools);
    const auto result = client.create_with_completion<UserDetail>(ask("Jason is 30"));
    CHECK(result.value.name == "Jason");
    CHECK(result.value.age == 30);
    CHECK(result.completions.size() == 1);
    CHECK(result.usage.total_tokens == 15);
    REQUIRE(model.requests.size() == 1);
    CHECK(model.requests[0]["tool_choice"] == json::parse(R"({"type":"function","function":{"name":"UserDetail"}})"));
    CHECK(model.requests[0]["tools"][0]["function"]["parameters"] == json(instructor::json_schema<UserDetail>()));
}

TEST_CASE("tools mode: an invalid answer is re-asked by echoing the call and answering it with the errors") {
    ScriptedModel model;
    model.replies = {tool_reply("UserDetail", R"({"name": "Jason", "age": "thirty"})"),
                     tool_reply("UserDetail", R"({"name": "Jason", "age": 30})", "call_2")};
    const auto client = instructor::from_callable(model.function(), Mode::tools);
    const auto result = client.create_with_completion<UserDetail>(ask("Jason is thirty"));
    CHECK(result.value.age == 30);
    CHECK(result.usage.prompt_tokens == 20);  // summed over both attempts
    REQUIRE(model.requests.size() == 2);
    CHECK(model.requests[1]["messages"] == json::parse(R"([
        {"role": "user", "content": "Jason is thirty"},
        {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function",
            "function": {"name": "UserDetail", "arguments": "{\"name\": \"Jason\", \"age\": \"thirty\"}"}}]},
        {"role": "tool", "content": "Validation errors:\n/age: expected an integer between 0 and 150, got \"thirty\"\nCall the function again with these errors fixed.", "tool_call_id": "call_1"}
    ])"));
}

TEST_CASE("json mode: an invalid answer is re-asked by echoing it and sending the errors as a user message") {
    ScriptedModel model;
    model.replies = {text_reply(R"({"name": "Jason"})"), text_reply(R"({"name": "Jason", "age": 30})")};
    const auto client = instructor::from_callable(model.function(), Mode::json);
    const auto user = client.create<UserDetail>(ask("Jason is 30"));
    CHECK(user.age == 30);
    REQUIRE(model.requests.size() == 2);
    CHECK(model.requests[0]["response_format"] == json::parse(R"({"type":"json_object"})"));
    CHECK(model.requests[0]["messages"][0]["role"] == "system");  // the schema instruction
    const auto& messages = model.requests[1]["messages"];
    REQUIRE(messages.size() == 4);
    CHECK(messages[2] == json::parse(R"({"role":"assistant","content":"{\"name\": \"Jason\"}"})"));
    CHECK(
        messages[3] ==
        json::parse(
            R"({"role":"user","content":"Your answer has these errors:\n/age: required field is missing\nAnswer again with only the corrected JSON."})"));
}

TEST_CASE("when the re-asks run out, RetryError carries every attempt and the total usage") {
    ScriptedModel model;
    model.replies = {text_reply(R"({"age": 1})"), text_reply(R"({"age": 2})")};
    const auto client = instructor::from_callable(model.function(), Mode::json_schema);
    try {
        (void)client.create<UserDetail>(ask("nobody", 1));
        FAIL("two invalid answers with max_retries 1 must fail");
    } catch (const instructor::RetryError& e) {
        REQUIRE(e.attempts().size() == 2);
        CHECK(e.attempts()[0].number == 1);
        CHECK(e.attempts()[1].output == R"({"age": 2})");
        CHECK(e.attempts()[1].errors == std::vector<instructor::FieldError>{{"/name", "required field is missing"}});
        CHECK(e.attempts()[1].messages.size() == 3);  // the question, the first answer, the re-ask
        CHECK(e.total_usage().total_tokens == 30);
        CHECK(std::string(e.what()) ==
              "no valid answer after 2 attempts; the last one had:\n  /name: required field is missing");
    }
    CHECK(model.requests.size() == 2);
}

TEST_CASE("a tools reply without a tool call is re-asked, and JSON in its text is accepted") {
    SECTION("prose only: re-asked, not a crash") {
        ScriptedModel model;
        model.replies = {text_reply("I think his name is Jason."),
                         tool_reply("UserDetail", R"({"name": "Jason", "age": 30})")};
        const auto client = instructor::from_callable(model.function(), Mode::tools);
        CHECK(client.create<UserDetail>(ask("Jason is 30")).name == "Jason");
        CHECK(
            model.requests[1]["messages"][2]["content"] ==
            "Your answer has these errors:\n(root): no call of the function UserDetail and no JSON in the reply; call "
            "UserDetail with the extracted data\nCall the function UserDetail with these errors fixed.");
    }
    SECTION("JSON in the text instead of a call: taken as the answer") {
        ScriptedModel model;
        model.replies = {text_reply(R"(Sure: {"name": "Jason", "age": 30})")};
        const auto client = instructor::from_callable(model.function(), Mode::tools);
        CHECK(client.create<UserDetail>(ask("Jason is 30")).age == 30);
    }
}

TEST_CASE("a reply cut off by the token limit fails at once, without a re-ask") {
    ScriptedModel model;
    model.replies = {text_reply(R"({"name": "Jas)", "length")};
    const auto client = instructor::from_callable(model.function(), Mode::json);
    CHECK_THROWS_AS(client.create<UserDetail>(ask("Jason is 30")), instructor::IncompleteOutputError);
    CHECK(model.requests.size() == 1);
}

TEST_CASE("a refusal is a RefusalError carrying the model's words") {
    ScriptedModel model;
    json reply = text_reply("");
    reply["choices"][0]["message"]["content"] = nullptr;
    reply["choices"][0]["message"]["refusal"] = "I can't help with that.";
    model.replies = {reply};
    const auto client = instructor::from_callable(model.function(), Mode::json_schema);
    try {
        (void)client.create<UserDetail>(ask("..."));
        FAIL("a refusal must throw");
    } catch (const instructor::RefusalError& e) {
        CHECK(e.refusal() == "I can't help with that.");
    }
}

TEST_CASE("md_json finds the JSON in a fence, after a think block and prose") {
    ScriptedModel model;
    model.replies = {
        text_reply("<think>He said thirty, so 30 {not json}</think>Here you go:\n```json\n"
                   "{\"name\": \"Jason\", \"age\": 30}\n```\nAnything else?")};
    const auto client = instructor::from_callable(model.function(), Mode::md_json);
    CHECK(client.create<UserDetail>(ask("Jason is 30")).age == 30);
    CHECK(model.requests[0]["messages"].back()["content"] == "Return the JSON object inside a ```json code block.");
}

TEST_CASE("simple types travel wrapped and come back unwrapped") {
    ScriptedModel model;
    model.replies = {
        tool_reply("Response", R"({"content": "negative"})"),
        tool_reply("IterableUserDetail", R"({"tasks": [{"name": "Jason", "age": 30}, {"name": "Ann", "age": 41}]})"),
        tool_reply("Response", R"({"content": 42})")};
    const auto client = instructor::from_callable(model.function(), Mode::tools);
    CHECK(client.create<Sentiment>(ask("I hated it")) == Sentiment::negative);
    const auto users = client.create<std::vector<UserDetail>>(ask("Jason is 30, Ann is 41"));
    REQUIRE(users.size() == 2);
    CHECK(users[1].name == "Ann");
    CHECK(client.create<int>(ask("the answer")) == 42);
}

TEST_CASE("parallel_tools: each call is read into the alternative it names") {
    ScriptedModel model;
    json reply = tool_reply("Search", R"({"query": "weather in Paris"})");
    reply["choices"][0]["message"]["tool_calls"].push_back(
        {{"id", "call_2"}, {"type", "function"}, {"function", {{"name", "Lookup"}, {"arguments", R"({"id": 7})"}}}});
    model.replies = {reply};
    const auto client = instructor::from_callable(model.function(), Mode::parallel_tools);
    const auto calls = client.create<std::vector<std::variant<Search, Lookup>>>(ask("weather in Paris, and item 7"));
    REQUIRE(calls.size() == 2);
    CHECK(std::get<Search>(calls[0]).query == "weather in Paris");
    CHECK(std::get<Lookup>(calls[1]).id == 7);
    CHECK(model.requests[0]["tool_choice"] == "auto");
    CHECK(model.requests[0]["tools"].size() == 2);
}

TEST_CASE("extract() and client defaults: the client's model, re-asks and temperature fill what a call leaves open") {
    ScriptedModel model;
    model.replies = {text_reply(R"({"name": "Jason", "age": 30})")};
    const auto client = instructor::from_callable(
        model.function(), Mode::json_schema, instructor::provider("llama-cpp-python"),
        {.base_url = {}, .api_key = {}, .model = "llama-2-7b", .max_retries = 0, .temperature = 0.0, .parse = {}});
    const auto user = instructor::extract<UserDetail>(client, "Jason is 30 years old");
    CHECK(user.name == "Jason");
    CHECK(model.requests[0]["model"] == "llama-2-7b");
    CHECK(model.requests[0]["temperature"] == 0.0);
    CHECK(model.requests[0]["response_format"]["type"] == "json_object");  // llama-cpp-python's dialect
    CHECK(model.requests[0]["response_format"]["schema"] == json(instructor::json_schema<UserDetail>()));
}

TEST_CASE("an error object in the in-process reply is a typed error, not a parse failure") {
    ScriptedModel model;
    model.replies = {json::parse(R"({"error": {"message": "context length exceeded", "type": "invalid_request_error",
                                 "code": "context_length_exceeded"}})")};
    const auto client = instructor::from_callable(model.function(), Mode::json);
    try {
        (void)client.create<UserDetail>(ask("..."));
        FAIL("an error reply must throw");
    } catch (const instructor::HttpError& e) {
        CHECK(e.details().code == "context_length_exceeded");
        CHECK(e.details().message == "context length exceeded");
    }
}

TEST_CASE("a client refuses a mode its dialect does not support when it is made") {
    ScriptedModel model;
    CHECK_THROWS_AS(instructor::from_callable(model.function(), Mode::mistral_tools), instructor::ConfigurationError);
}
