// Every provider and every mode it supports, end to end through the real libcurl transport: the
// client built by from_provider / from_openai talks to the local test server, which answers in the
// provider's own wire dialect and records what it was sent. For each pair: the first request must
// be the checked-in golden body and reach the provider's path with the right key; an invalid answer
// must be re-asked the way the mode and dialect re-ask; and when the re-asks run out, RetryError
// must hold every attempt. Then the faults only a real connection shows: deadlines, truncated
// and oversized replies, pages that are not JSON, connection reuse, and threads.

#include "catch.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include <instructor/instructor.hpp>

#include "error_listing.hpp"
#include "test_server.hpp"

namespace http_providers_test {

using instructor::Annotated;
using instructor::FieldError;
using instructor::Mode;
using json = nlohmann::json;
using ojson = nlohmann::ordered_json;
using test_support::ScriptedReply;
using test_support::TestServer;

// ------------------------------------------------------------------------------------------------
// What is asked for. The same shapes as in test_provider_requests.cpp, so that a call made with
// golden_request() must send exactly tests/golden/requests/<provider>/<mode>.json.

struct UserDetail {
    static constexpr std::string_view schema_description = "A person mentioned in the text";
    Annotated<std::string, instructor::description("Full name, as written")> name;
    Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
    std::optional<std::string> city;
};

struct Search {
    std::string query;
};
struct Lookup {
    int id;
};
using Calls = std::vector<std::variant<Search, Lookup>>;  // what parallel_tools answers

// ------------------------------------------------------------------------------------------------
// The providers, as these tests reach them.

enum class Dialect { openai, mistral, ollama_native };  // the reply shapes

struct Preset {
    std::string_view name;
    std::string_view model;      // the golden request's model
    std::string_view base_path;  // the path part of the provider's real base URL
    std::string_view chat_path;  // where its requests must arrive
    bool hosted;                 // a hosted API, whose key the tests always pass
    Dialect dialect;
    std::string_view forcing;       // tool_choice in tools modes: "named", "required" or "any"
    std::string_view schema_shape;  // json_schema: "nested", "json_object" (schema beside it) or "format"
};

constexpr Preset presets[] = {
    {"openai", "gpt-4o-mini", "/v1", "/v1/chat/completions", true, Dialect::openai, "named", "nested"},
    {"groq", "llama-3.3-70b-versatile", "/openai/v1", "/openai/v1/chat/completions", true, Dialect::openai, "named",
     "nested"},
    {"together", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "/v1", "/v1/chat/completions", true, Dialect::openai,
     "required", "nested"},
    {"anyscale", "mistralai/Mixtral-8x7B-Instruct-v0.1", "/v1", "/v1/chat/completions", true, Dialect::openai, "named",
     "json_object"},
    {"ollama", "llama3.1", "/v1", "/v1/chat/completions", false, Dialect::openai, "", "nested"},
    {"ollama-native", "llama3.1", "", "/api/chat", false, Dialect::ollama_native, "", "format"},
    {"mistral", "mistral-large-latest", "/v1", "/v1/chat/completions", true, Dialect::mistral, "any", "nested"},
    {"llama-cpp", "local-model", "/v1", "/v1/chat/completions", false, Dialect::openai, "required", "nested"},
    {"llama-cpp-python", "local-model", "/v1", "/v1/chat/completions", false, Dialect::openai, "named", "json_object"},
    {"openai-compatible", "local-model", "/v1", "/v1/chat/completions", false, Dialect::openai, "named", "nested"},
};

const Preset& preset(std::string_view name) {
    for (const auto& p : presets)
        if (p.name == name) return p;
    throw std::logic_error("no preset for provider \"" + std::string(name) + "\" in test_http_providers.cpp: add one");
}

struct Pair {
    const Preset* preset;
    Mode mode;
    std::string label;  // "groq / json_schema"
};

/// Every built-in provider with every mode it supports, as the library lists them.
std::vector<Pair> every_pair() {
    std::vector<Pair> pairs;
    for (const auto name : instructor::provider_names())
        for (const Mode mode : instructor::provider(name).supported_modes())
            pairs.push_back(
                {&preset(name), mode, std::string(name) + " / " + std::string(instructor::to_string(mode))});
    return pairs;
}

std::string key_for(const Preset& p) { return "sk-test-" + std::string(p.name) + "-SECRET"; }

/// The client a user would make for this provider, pointed at the test server (with `options`
/// for the rest). openai-compatible is what from_openai makes for a base URL; every other one
/// comes from its preset.
instructor::Client client_for(const TestServer& server, const Preset& p, Mode mode, std::string key,
                              instructor::ClientOptions options = {}) {
    options.base_url = server.base_url() + std::string(p.base_path);
    options.api_key = std::move(key);
    if (p.name == "openai-compatible") return instructor::from_openai(std::move(options), mode);
    return instructor::from_provider(std::string(p.name) + "/" + std::string(p.model), std::move(options), mode);
}

/// test_provider_requests.cpp's request (not streaming), from which the golden bodies were made.
instructor::Request golden_request(const Preset& p, Mode mode) {
    instructor::Request request{
        .model = std::string(p.model),
        .messages = {instructor::system("You extract facts about people."),
                     instructor::user("Jason is 25 years old and lives in Paris.")},
        .max_retries = 0,
        .temperature = 0.0,
        .top_p = {},
        .max_tokens = 512,
        .seed = 7,
    };
    if (mode == Mode::parallel_tools)
        request.response_models = instructor::response_models_of<std::variant<Search, Lookup>>();
    else
        request.response_models = {instructor::response_model<UserDetail>()};
    return request;
}

ojson golden_body(const Preset& p, Mode mode) {
    const auto path = std::string(INSTRUCTOR_GOLDEN_DIR) + "/requests/" + std::string(p.name) + "/" +
                      std::string(instructor::to_string(mode)) + ".json";
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::stringstream text;
    text << in.rdbuf();
    return ojson::parse(text.str());
}

instructor::Usage usage(std::int64_t prompt, std::int64_t completion) {
    instructor::Usage u;
    u.prompt_tokens = prompt;
    u.completion_tokens = completion;
    u.total_tokens = prompt + completion;
    return u;
}

// ------------------------------------------------------------------------------------------------
// Reply builders, one set per dialect, shared by every case below.

struct Call {
    std::string id;
    std::string name;
    std::string arguments;  // JSON text, as the model wrote it
};

struct Tokens {
    int prompt = 0;
    int completion = 0;
};

json openai_usage(Tokens t) {
    return {
        {"prompt_tokens", t.prompt}, {"completion_tokens", t.completion}, {"total_tokens", t.prompt + t.completion}};
}

// OpenAI and every server that copies it (Groq, Together, Anyscale, Ollama /v1, llama.cpp, ...).
std::string openai_text_reply(const std::string& content, Tokens t) {
    return json{{"id", "chatcmpl-AbC123"},
                {"object", "chat.completion"},
                {"created", 1735689600},
                {"model", "test-model"},
                {"choices",
                 {{{"index", 0},
                   {"message", {{"role", "assistant"}, {"content", content}, {"refusal", nullptr}}},
                   {"logprobs", nullptr},
                   {"finish_reason", "stop"}}}},
                {"usage", openai_usage(t)}}
        .dump();
}

std::string openai_tool_reply(const std::vector<Call>& calls, Tokens t) {
    json tool_calls = json::array();
    for (const auto& call : calls)
        tool_calls.push_back({{"id", call.id},
                              {"type", "function"},
                              {"function", {{"name", call.name}, {"arguments", call.arguments}}}});
    return json{{"id", "chatcmpl-AbC124"},
                {"object", "chat.completion"},
                {"created", 1735689600},
                {"model", "test-model"},
                {"choices",
                 {{{"index", 0},
                   {"message", {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", tool_calls}}},
                   {"finish_reason", "tool_calls"}}}},
                {"usage", openai_usage(t)}}
        .dump();
}

// Mistral: content "" beside tool calls, an index in each call, ids of nine letters or digits.
std::string mistral_text_reply(const std::string& content, Tokens t) {
    return json{{"id", "cmpl-e5cc70bb28c444948073e77776eb30ef"},
                {"object", "chat.completion"},
                {"model", "mistral-large-latest"},
                {"created", 1702256327},
                {"usage", openai_usage(t)},
                {"choices",
                 {{{"index", 0},
                   {"message", {{"role", "assistant"}, {"content", content}, {"tool_calls", nullptr}}},
                   {"finish_reason", "stop"}}}}}
        .dump();
}

std::string mistral_tool_reply(const std::vector<Call>& calls, Tokens t) {
    json tool_calls = json::array();
    for (std::size_t i = 0; i < calls.size(); ++i)
        tool_calls.push_back({{"id", calls[i].id},
                              {"type", "function"},
                              {"function", {{"name", calls[i].name}, {"arguments", calls[i].arguments}}},
                              {"index", i}});
    return json{{"id", "cmpl-e5cc70bb28c444948073e77776eb30f0"},
                {"object", "chat.completion"},
                {"model", "mistral-large-latest"},
                {"created", 1702256327},
                {"usage", openai_usage(t)},
                {"choices",
                 {{{"index", 0},
                   {"message", {{"role", "assistant"}, {"content", ""}, {"tool_calls", tool_calls}}},
                   {"finish_reason", "tool_calls"}}}}}
        .dump();
}

// Ollama's /api/chat: one object, the answer in message.content, token counts as *_eval_count.
std::string ollama_native_text_reply(const std::string& content, Tokens t) {
    return json{{"model", "llama3.1"},
                {"created_at", "2025-07-07T20:32:53.844124Z"},
                {"message", {{"role", "assistant"}, {"content", content}}},
                {"done_reason", "stop"},
                {"done", true},
                {"total_duration", 3244883583LL},
                {"load_duration", 2969184542LL},
                {"prompt_eval_count", t.prompt},
                {"prompt_eval_duration", 141656333},
                {"eval_count", t.completion},
                {"eval_duration", 133293625}}
        .dump();
}

/// Tool call ids as each dialect makes them; Mistral's are exactly nine letters or digits.
std::string call_id(Dialect dialect, int attempt, int index) {
    const std::string tail = std::to_string(attempt) + static_cast<char>('a' + index);
    return dialect == Dialect::mistral ? "D681Pev" + tail : "call_" + tail;
}

// ------------------------------------------------------------------------------------------------
// The model's answers, in the form each mode asks for, with what the client must make of them.

enum class Kind { valid, invalid, invalid_again };

struct Answer {
    std::vector<Call> calls;         // tool modes
    std::string text;                // JSON modes
    std::string output;              // what the client checks (Attempt::output)
    std::vector<FieldError> errors;  // what it must find wrong (none: valid)
};

Answer answer(Dialect dialect, Mode mode, Kind kind, int attempt) {
    Answer a;
    if (mode == Mode::parallel_tools) {
        std::string search = R"({"query": "Paris"})";
        std::string lookup = R"({"id": 7})";
        if (kind == Kind::invalid) {
            lookup = R"({"id": "seven"})";
            a.errors = {{"/1/id", R"(expected an integer, got "seven")"}};
        } else if (kind == Kind::invalid_again) {
            search = R"({"q": "Paris"})";
            a.errors = {{"/0/query", "required field is missing"}};
        }
        a.calls = {{call_id(dialect, attempt, 0), "Search", search}, {call_id(dialect, attempt, 1), "Lookup", lookup}};
        a.output = json::array({{{"name", "Search"}, {"arguments", json::parse(search)}},
                                {{"name", "Lookup"}, {"arguments", json::parse(lookup)}}})
                       .dump();
        return a;
    }
    std::string arguments = R"({"name": "Jason", "age": 25, "city": "Paris"})";
    if (kind == Kind::invalid) {
        arguments = R"({"name": "Jason", "age": "twenty-five", "city": "Paris"})";
        a.errors = {{"/age", R"(expected an integer between 0 and 150, got "twenty-five")"}};
    } else if (kind == Kind::invalid_again) {
        arguments = R"({"age": 250, "city": "Paris"})";
        a.errors = {{"/name", "required field is missing"}, {"/age", "expected an integer between 0 and 150, got 250"}};
    }
    if (is_tool_mode(mode)) {
        a.calls = {{call_id(dialect, attempt, 0), "UserDetail", arguments}};
        a.output = arguments;
    } else {
        a.text = mode == Mode::md_json ? "Here is what I found:\n```json\n" + arguments + "\n```" : arguments;
        a.output = a.text;
    }
    return a;
}

/// The reply carrying `a`, in the dialect's shape.
std::string reply_body(Dialect dialect, const Answer& a, Tokens t) {
    const bool calls = !a.calls.empty();
    switch (dialect) {
        case Dialect::openai: return calls ? openai_tool_reply(a.calls, t) : openai_text_reply(a.text, t);
        case Dialect::mistral: return calls ? mistral_tool_reply(a.calls, t) : mistral_text_reply(a.text, t);
        case Dialect::ollama_native:
            if (calls) throw std::logic_error("ollama-native has no tool modes");
            return ollama_native_text_reply(a.text, t);
    }
    throw std::logic_error("unknown dialect");
}

std::string listed(const std::vector<FieldError>& errors) {
    std::string text;
    for (const auto& e : errors) text += e.pointer + ": " + e.message + "\n";
    return text;
}

/// The messages a re-ask must add after the invalid answer `a`, as the dialect writes them: tool
/// modes echo the call and answer each call with the errors (Mistral names the tool too); JSON
/// modes echo the text and send the errors as a user message.
json reask_messages(const Preset& p, Mode mode, const Answer& a) {
    json messages = json::array();
    if (is_tool_mode(mode)) {
        json calls = json::array();
        for (const auto& call : a.calls) {
            json echoed{{"id", call.id},
                        {"type", "function"},
                        {"function", {{"name", call.name}, {"arguments", call.arguments}}}};
            if (p.name == "together") echoed["index"] = calls.size();  // its spec requires it
            calls.push_back(std::move(echoed));
        }
        messages.push_back({{"role", "assistant"}, {"content", ""}, {"tool_calls", calls}});
        for (const auto& call : a.calls) {
            json result{{"role", "tool"},
                        {"content", "Validation errors:\n" + listed(a.errors) +
                                        "Call the function again with these errors fixed."},
                        {"tool_call_id", call.id}};
            if (p.dialect == Dialect::mistral) result["name"] = call.name;
            messages.push_back(std::move(result));
        }
        return messages;
    }
    messages.push_back({{"role", "assistant"}, {"content", a.text}});
    // The re-ask repeats the mode's own instruction: md_json asks for the fence again.
    const std::string again = mode == Mode::md_json
                                  ? "Answer again with the corrected JSON object inside a ```json code block."
                                  : "Answer again with only the corrected JSON.";
    messages.push_back({{"role", "user"}, {"content", "Your answer has these errors:\n" + listed(a.errors) + again}});
    return messages;
}

/// How the body marks the mode, checked without the golden files: tools and tool_choice for tool
/// modes, response_format or Ollama's format for JSON modes, the fence instruction for md_json.
void check_mode_marks(const Preset& p, Mode mode, const json& body) {
    const bool native = p.dialect == Dialect::ollama_native;
    if (is_tool_mode(mode)) {
        CHECK_FALSE(body.contains("response_format"));
        REQUIRE(body.contains("tools"));
        if (mode == Mode::parallel_tools) {
            REQUIRE(body["tools"].size() == 2);
            CHECK(body["tools"][0]["function"]["name"] == "Search");
            CHECK(body["tools"][1]["function"]["name"] == "Lookup");
            CHECK(body["tool_choice"] == "auto");
            return;
        }
        REQUIRE(body["tools"].size() == 1);
        CHECK(body["tools"][0]["type"] == "function");
        CHECK(body["tools"][0]["function"]["name"] == "UserDetail");
        CHECK(body["tools"][0]["function"]["parameters"]["type"] == "object");
        CHECK(body["tools"][0]["function"].value("strict", false) == (mode == Mode::tools_strict));
        if (p.forcing == "named")
            CHECK(body["tool_choice"] == json{{"type", "function"}, {"function", {{"name", "UserDetail"}}}});
        else
            CHECK(body["tool_choice"] == p.forcing);
        return;
    }
    CHECK_FALSE(body.contains("tools"));
    CHECK_FALSE(body.contains("tool_choice"));
    const std::string system = body["messages"][0]["content"];
    switch (mode) {
        case Mode::json:
            if (native)
                CHECK(body["format"] == "json");
            else
                CHECK(body["response_format"] == json{{"type", "json_object"}});
            CHECK(system.find("Answer with a JSON object that matches this JSON Schema") != std::string::npos);
            break;
        case Mode::json_schema:
            if (p.schema_shape == "format") {
                CHECK(body["format"]["type"] == "object");
                CHECK(body["format"]["properties"].contains("age"));
            } else if (p.schema_shape == "json_object") {
                CHECK(body["response_format"]["type"] == "json_object");
                CHECK(body["response_format"]["schema"]["properties"].contains("age"));
            } else {
                CHECK(body["response_format"]["type"] == "json_schema");
                CHECK(body["response_format"]["json_schema"]["name"] == "UserDetail");
                CHECK(body["response_format"]["json_schema"]["schema"]["properties"].contains("age"));
            }
            CHECK(system == "You extract facts about people.");  // the schema is not in the prompt
            break;
        case Mode::md_json:
            CHECK_FALSE(body.contains("response_format"));
            CHECK_FALSE(body.contains("format"));
            CHECK(system.find("Answer with a JSON object that matches this JSON Schema") != std::string::npos);
            CHECK(body["messages"].back() ==
                  json{{"role", "user"}, {"content", "Return the JSON object inside a ```json code block."}});
            break;
        case Mode::gbnf:
            CHECK_FALSE(body.contains("response_format"));
            CHECK(body["grammar"] == instructor::gbnf<UserDetail>());  // the type's own grammar, not a schema
            CHECK(system == "You extract facts about people.");
            break;
        default: FAIL("not a JSON mode: " << instructor::to_string(mode));
    }
}

/// The first request's body with the re-ask messages put where the client puts them: after the
/// conversation, and before md_json's closing instruction, which stays last.
json with_reask(json first, Mode mode, const json& reask) {
    json& messages = first["messages"];
    json closing;
    if (mode == Mode::md_json) {
        closing = messages.back();
        messages.erase(messages.size() - 1);
    }
    for (const auto& m : reask) messages.push_back(m);
    if (mode == Mode::md_json) messages.push_back(closing);
    return first;
}

void check_user(const UserDetail& user) {
    CHECK(*user.name == "Jason");
    CHECK(user.age == 25);
    CHECK(user.city == std::optional<std::string>("Paris"));
}

void check_calls(const Calls& calls) {
    REQUIRE(calls.size() == 2);
    REQUIRE(std::holds_alternative<Search>(calls[0]));
    REQUIRE(std::holds_alternative<Lookup>(calls[1]));
    CHECK(std::get<Search>(calls[0]).query == "Paris");
    CHECK(std::get<Lookup>(calls[1]).id == 7);
}

struct Outcome {
    std::vector<instructor::Completion> completions;
    instructor::Usage usage;
};

/// Runs the call the mode asks for (a UserDetail, or parallel calls) and checks the value; returns
/// the completions and the usage.
Outcome extract_and_check(const instructor::Client& client, Mode mode, instructor::Request request) {
    if (mode == Mode::parallel_tools) {
        auto result = client.create_with_completion<Calls>(std::move(request));
        check_calls(result.value);
        return {std::move(result.completions), result.usage};
    }
    auto result = client.create_with_completion<UserDetail>(std::move(request));
    check_user(result.value);
    return {std::move(result.completions), result.usage};
}

void expect_extraction_to_fail(const instructor::Client& client, Mode mode, instructor::Request request) {
    if (mode == Mode::parallel_tools)
        (void)client.create<Calls>(std::move(request));
    else
        (void)client.create<UserDetail>(std::move(request));
}

/// The TransportError prefix that names the server (and nothing else of the URL).
std::string failed_request_to(const TestServer& server) {
    return "request to http://127.0.0.1:" + std::to_string(server.port()) + " failed: ";
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace http_providers_test

using namespace http_providers_test;

// ================================================================================================
// Every provider × mode

TEST_CASE("every built-in provider has a preset here, so the cases below cover every provider and mode",
          "[http-providers]") {
    std::set<std::string_view> names;
    for (const auto name : instructor::provider_names()) {
        INFO(name);
        CHECK_NOTHROW(preset(name));
        names.insert(name);
    }
    for (const auto& p : presets) CHECK(names.count(p.name) == 1);
}

TEST_CASE(
    "every provider and mode sends the golden request to its endpoint and reads the answer from its own reply shape",
    "[http-providers]") {
    for (const auto& pair : every_pair()) {
        DYNAMIC_SECTION(pair.label) {
            const Preset& p = *pair.preset;
            const Mode mode = pair.mode;
            TestServer server;
            const Answer valid = answer(p.dialect, mode, Kind::valid, 1);
            server.enqueue({.body = reply_body(p.dialect, valid, {31, 9})});
            // Hosted APIs get their key; local servers get none, and must then be sent none.
            const auto client = client_for(server, p, mode, p.hosted ? key_for(p) : std::string());

            const Outcome outcome = extract_and_check(client, mode, golden_request(p, mode));
            REQUIRE(outcome.completions.size() == 1);
            CHECK(outcome.completions[0].usage == usage(31, 9));
            CHECK(outcome.usage == usage(31, 9));
            if (is_tool_mode(mode)) {
                REQUIRE(outcome.completions[0].tool_calls.size() == valid.calls.size());
                CHECK(outcome.completions[0].tool_calls[0].id == valid.calls[0].id);
            } else {
                CHECK(outcome.completions[0].text == valid.text);
            }

            const auto requests = server.requests();
            REQUIRE(requests.size() == 1);
            CHECK(requests[0].method == "POST");
            CHECK(requests[0].path == p.chat_path);
            CHECK(server.header(0, "content-type") == "application/json");
            if (p.hosted)
                CHECK(server.header(0, "authorization") == "Bearer " + key_for(p));
            else
                CHECK(server.header(0, "authorization").empty());
            const ojson sent = ojson::parse(requests[0].body);
            INFO("sent:\n" << sent.dump(2));
            CHECK(sent == golden_body(p, mode));
            check_mode_marks(p, mode, json(sent));
        }
    }
}

TEST_CASE("every provider and mode gives through create_many and create_async what create gives, re-asks included",
          "[http-providers]") {
    for (const auto& pair : every_pair()) {
        DYNAMIC_SECTION(pair.label) {
            const Preset& p = *pair.preset;
            const Mode mode = pair.mode;
            TestServer server;
            // Two calls, one at a time: each is answered invalid, then valid.
            for (int call = 0; call < 2; ++call)
                for (int attempt = 1; attempt <= 2; ++attempt)
                    server.enqueue(
                        {.body = reply_body(
                             p.dialect, answer(p.dialect, mode, attempt == 1 ? Kind::invalid : Kind::valid, attempt),
                             {30, 10})});
            const auto client = client_for(server, p, mode, key_for(p));
            auto request = golden_request(p, mode);
            request.max_retries = 1;
            const std::vector<instructor::Request> requests{request, request};
            if (mode == Mode::parallel_tools) {
                const auto results = client.create_many<Calls>(requests, {.max_concurrency = 1});
                for (const auto& result : results) {
                    REQUIRE(result.has_value());
                    check_calls(result->value);
                    CHECK(result->completions.size() == 2);
                }
            } else {
                const auto results = client.create_many<UserDetail>(requests, {.max_concurrency = 1});
                for (const auto& result : results) {
                    REQUIRE(result.has_value());
                    check_user(result->value);
                    CHECK(result->completions.size() == 2);
                    CHECK(result->usage == usage(60, 20));
                }
            }
            const auto sent = server.requests();
            REQUIRE(sent.size() == 4);
            for (std::size_t i = 0; i < sent.size(); ++i) {
                CHECK(sent[i].path == p.chat_path);
                CHECK(server.header(i, "authorization") == "Bearer " + key_for(p));
            }
            CHECK(json::parse(sent[0].body) == json(golden_body(p, mode)));

            server.enqueue({.body = reply_body(p.dialect, answer(p.dialect, mode, Kind::valid, 1), {30, 10})});
            request.max_retries = 0;
            if (mode == Mode::parallel_tools)
                check_calls(client.create_async<Calls>(request).get());
            else
                check_user(client.create_async<UserDetail>(request).get());
        }
    }
}

TEST_CASE("every provider and mode re-asks an invalid answer in its own way, then returns the valid one",
          "[http-providers]") {
    for (const auto& pair : every_pair()) {
        DYNAMIC_SECTION(pair.label) {
            const Preset& p = *pair.preset;
            const Mode mode = pair.mode;
            TestServer server;
            const Answer invalid = answer(p.dialect, mode, Kind::invalid, 1);
            server.enqueue({.body = reply_body(p.dialect, invalid, {30, 10})});
            server.enqueue({.body = reply_body(p.dialect, answer(p.dialect, mode, Kind::valid, 2), {40, 8})});
            // A key given to a local server (llama-server --api-key) is sent too, on every request.
            const auto client = client_for(server, p, mode, key_for(p));
            auto request = golden_request(p, mode);
            request.max_retries = 1;

            const Outcome outcome = extract_and_check(client, mode, request);
            CHECK(outcome.completions.size() == 2);
            CHECK(outcome.usage == usage(70, 18));

            const auto requests = server.requests();
            REQUIRE(requests.size() == 2);
            for (std::size_t i = 0; i < 2; ++i) {
                CHECK(requests[i].path == p.chat_path);
                CHECK(server.header(i, "authorization") == "Bearer " + key_for(p));
            }
            const json first = json::parse(requests[0].body);
            const json second = json::parse(requests[1].body);
            CHECK(first == json(golden_body(p, mode)));
            const json reask = reask_messages(p, mode, invalid);
            INFO("second request:\n" << second.dump(2));
            CHECK(second == with_reask(first, mode, reask));
        }
    }
}

TEST_CASE("every provider and mode gives up after max_retries with a RetryError holding both attempts and their usage",
          "[http-providers]") {
    for (const auto& pair : every_pair()) {
        DYNAMIC_SECTION(pair.label) {
            const Preset& p = *pair.preset;
            const Mode mode = pair.mode;
            TestServer server;
            const Answer first = answer(p.dialect, mode, Kind::invalid, 1);
            const Answer second = answer(p.dialect, mode, Kind::invalid_again, 2);
            server.enqueue({.body = reply_body(p.dialect, first, {30, 10})});
            server.enqueue({.body = reply_body(p.dialect, second, {35, 12})});
            server.enqueue(
                {.body = reply_body(p.dialect, answer(p.dialect, mode, Kind::valid, 3), {1, 1})});  // never asked for
            const auto client = client_for(server, p, mode, p.hosted ? key_for(p) : std::string());
            auto request = golden_request(p, mode);
            request.max_retries = 1;

            try {
                expect_extraction_to_fail(client, mode, request);
                FAIL("two invalid answers with max_retries = 1 must throw RetryError");
            } catch (const instructor::RetryError& e) {
                CHECK(starts_with(e.what(), "no valid answer after 2 attempts"));
                CHECK(e.total_usage() == usage(65, 22));
                const auto& attempts = e.attempts();
                REQUIRE(attempts.size() == 2);
                const Answer* expected[] = {&first, &second};
                for (std::size_t i = 0; i < 2; ++i) {
                    INFO("attempt " << i + 1);
                    CHECK(attempts[i].number == static_cast<int>(i) + 1);
                    CHECK(test_support::listed(attempts[i].errors) == test_support::listed(expected[i]->errors));
                    if (mode == Mode::parallel_tools)
                        CHECK(json::parse(attempts[i].output) == json::parse(expected[i]->output));
                    else
                        CHECK(attempts[i].output == expected[i]->output);
                }
                CHECK(attempts[0].completion.usage == usage(30, 10));
                CHECK(attempts[1].completion.usage == usage(35, 12));
                // The second attempt's conversation is the first one plus the re-ask.
                const std::size_t reask_size = reask_messages(p, mode, first).size();
                CHECK(attempts[0].messages.size() == 2);
                REQUIRE(attempts[1].messages.size() == 2 + reask_size);
                CHECK(attempts[1].messages[2].role == instructor::Role::assistant);
                CHECK(attempts[1].messages.back().role ==
                      (is_tool_mode(mode) ? instructor::Role::tool : instructor::Role::user));
            }
            CHECK(server.requests().size() == 2);
        }
    }
}

// ================================================================================================
// Faults only a real connection shows

TEST_CASE("a reply slower than the total timeout is a TransportError naming the host, raised at the deadline",
          "[http-providers]") {
    TestServer server;
    server.enqueue({.body = openai_text_reply(R"({"name": "Jason", "age": 25})", {1, 1}), .delay_ms = 5000});
    const auto& groq = preset("groq");
    instructor::ClientOptions options;
    options.curl.total_timeout = std::chrono::milliseconds(300);
    const auto client = client_for(server, groq, Mode::json, key_for(groq), options);
    const auto started = std::chrono::steady_clock::now();
    try {
        (void)client.create<UserDetail>(golden_request(groq, Mode::json));
        FAIL("a reply after the deadline must throw");
    } catch (const instructor::TransportError& e) {
        const std::string what = e.what();
        CHECK(starts_with(what, failed_request_to(server)));
        CHECK(contains(what, "Timeout was reached"));
        CHECK_FALSE(contains(what, "SECRET"));
    }
    const auto waited = std::chrono::steady_clock::now() - started;
    CHECK(waited >= std::chrono::milliseconds(250));
    CHECK(waited < std::chrono::milliseconds(3000));  // gave up at the deadline, not when the reply came
}

TEST_CASE("a connection closed in the middle of the body is a TransportError, and the next call gets through",
          "[http-providers]") {
    TestServer server;
    const std::string reply = ollama_native_text_reply(R"({"name": "Jason", "age": 25, "city": "Paris"})", {26, 12});
    server.enqueue({.body = reply.substr(0, reply.size() / 2), .close_mid_body = true});
    server.enqueue({.body = reply});
    const auto& native = preset("ollama-native");
    instructor::ClientOptions options;
    options.http_retries.max_retries = 0;  // the broken transfer itself, not what a retry would fetch
    const auto client = client_for(server, native, Mode::json_schema, {}, options);
    try {
        (void)client.create<UserDetail>(golden_request(native, Mode::json_schema));
        FAIL("a truncated reply must throw");
    } catch (const instructor::TransportError& e) {
        CHECK(starts_with(e.what(), failed_request_to(server)));
    }
    const auto result = client.create_with_completion<UserDetail>(golden_request(native, Mode::json_schema));
    check_user(result.value);
    CHECK(result.usage == usage(26, 12));
    CHECK(server.requests().size() == 2);
}

TEST_CASE("a 200 reply whose body is not JSON is an HttpError that keeps the raw body, in every dialect",
          "[http-providers]") {
    const std::string bodies[] = {
        "upstream said: everything is fine",
        R"({"id": "chatcmpl-1", "choices": [{"message": {"content": "{\"name\": \"Ja)",  // cut short
    };
    for (const auto* p : {&preset("openai"), &preset("mistral"), &preset("ollama-native"), &preset("llama-cpp")}) {
        for (const auto& body : bodies) {
            INFO(p->name << ": " << body);
            TestServer server;
            server.enqueue({.status = 200, .body = body, .content_type = "text/plain"});
            const auto client = client_for(server, *p, Mode::json, p->hosted ? key_for(*p) : std::string());
            try {
                (void)client.create<UserDetail>(golden_request(*p, Mode::json));
                FAIL("a body that is not JSON must throw");
            } catch (const instructor::HttpError& e) {
                CHECK(e.status() == 200);
                CHECK(e.details().provider == p->name);
                CHECK(e.details().body == body);
                CHECK(dynamic_cast<const instructor::ServerError*>(&e) == nullptr);
                CHECK_FALSE(contains(e.what(), "SECRET"));
            }
        }
    }
}

TEST_CASE("an HTML error page with status 502 is a ServerError that carries the page", "[http-providers]") {
    const std::string page =
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>"
        "\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n";
    for (const auto* p : {&preset("openai-compatible"), &preset("mistral"), &preset("ollama-native")}) {
        INFO(p->name);
        TestServer server;
        // Several copies, so that the outcome is the same whether or not 5xx replies are retried.
        for (int i = 0; i < 5; ++i) server.enqueue({.status = 502, .body = page, .content_type = "text/html"});
        const auto mode = p->name == "ollama-native" ? Mode::json_schema : Mode::tools;
        instructor::ClientOptions options;
        options.http_retries.max_retries = 0;  // no back-off waits; the copies above cover retries anyway
        const auto client = client_for(server, *p, mode, p->hosted ? key_for(*p) : std::string(), options);
        try {
            (void)client.create<UserDetail>(golden_request(*p, mode));
            FAIL("a 502 must throw");
        } catch (const instructor::ServerError& e) {
            CHECK(e.status() == 502);
            CHECK(e.details().provider == p->name);
            CHECK(e.details().body == page);
            CHECK(e.details().message == "502 Bad Gateway 502 Bad Gateway nginx/1.25.3");
            CHECK(contains(e.what(), "HTTP 502"));
        }
        CHECK(server.requests().at(0).path == p->chat_path);
    }
}

TEST_CASE("a reply of exactly Limits::max_bytes is read, and a larger one is a LimitError naming the limit",
          "[http-providers]") {
    constexpr std::size_t limit = 1u << 20u;
    const auto padded = [](std::size_t size) {  // a valid reply, padded with trailing blanks to `size` bytes
        std::string body = openai_text_reply(R"({"name": "Jason", "age": 25, "city": "Paris"})", {5, 5});
        body.resize(size, ' ');
        return body;
    };
    TestServer server;
    server.enqueue({.body = padded(limit)});
    server.enqueue({.body = padded(limit + 1)});
    server.enqueue({.body = padded(16 * limit)});
    const auto& compatible = preset("openai-compatible");
    instructor::ClientOptions options;
    options.limits.max_bytes = limit;
    const auto client = client_for(server, compatible, Mode::json, {}, options);

    check_user(client.create<UserDetail>(golden_request(compatible, Mode::json)));
    for (const char* which : {"one byte over", "sixteen times over"}) {
        INFO(which);
        try {
            (void)client.create<UserDetail>(golden_request(compatible, Mode::json));
            FAIL("a reply over the limit must throw");
        } catch (const instructor::LimitError& e) {
            CHECK(e.limit() == "max_bytes");
            CHECK(e.bound() == limit);
            CHECK(contains(e.what(), "is larger than Limits::max_bytes (" + std::to_string(limit) + " bytes)"));
            CHECK(contains(e.what(), "ClientOptions::limits.max_bytes"));
        }
    }
}

TEST_CASE("sequential calls, re-asks and error replies included, all go over one kept-alive connection",
          "[http-providers]") {
    TestServer server;
    const auto& llama = preset("llama-cpp");
    const auto reply = [&](Kind kind, int attempt) {
        return ScriptedReply{.body =
                                 reply_body(llama.dialect, answer(llama.dialect, Mode::tools, kind, attempt), {3, 2})};
    };
    server.enqueue(reply(Kind::valid, 1));
    server.enqueue(reply(Kind::valid, 1));
    server.enqueue(reply(Kind::invalid, 1));  // re-asked on the same connection
    server.enqueue(reply(Kind::valid, 2));
    server.enqueue(
        {.status = 400,
         .body =
             R"({"error":{"code":400,"message":"the request exceeds the available context size","type":"exceed_context_size_error"}})"});
    server.enqueue(reply(Kind::valid, 1));
    const auto client = client_for(server, llama, Mode::tools, {});
    auto request = golden_request(llama, Mode::tools);
    request.max_retries = 1;

    check_user(client.create<UserDetail>(request));
    check_user(client.create<UserDetail>(request));
    check_user(client.create<UserDetail>(request));
    CHECK_THROWS_AS(client.create<UserDetail>(request), instructor::HttpError);
    check_user(client.create<UserDetail>(request));

    const auto requests = server.requests();
    REQUIRE(requests.size() == 6);
    for (const auto& r : requests) {
        INFO(r.body);
        CHECK(r.remote_port == requests[0].remote_port);
    }
}

TEST_CASE("threads sharing one client each get a whole reply, and no reply is lost or served twice",
          "[http-providers]") {
    constexpr int threads = 6;
    constexpr int calls_each = 5;
    TestServer server;
    const auto& mistral = preset("mistral");
    std::multiset<std::string> enqueued;
    for (int i = 0; i < threads * calls_each; ++i) {
        const std::string name = "user-" + std::to_string(i);
        enqueued.insert(name);
        const std::string arguments = json{{"name", name}, {"age", i}}.dump();
        server.enqueue(
            {.body = mistral_tool_reply({{call_id(Dialect::mistral, 1, 0), "UserDetail", arguments}}, {10, 4})});
    }
    const auto client = client_for(server, mistral, Mode::mistral_tools, key_for(mistral));

    std::vector<std::vector<UserDetail>> got(threads);
    std::vector<std::string> failures(threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            try {
                for (int i = 0; i < calls_each; ++i) {
                    auto request = golden_request(mistral, Mode::mistral_tools);
                    request.messages.back() = instructor::user("thread " + std::to_string(t));
                    got[static_cast<std::size_t>(t)].push_back(client.create<UserDetail>(request));
                }
            } catch (const std::exception& e) {
                failures[static_cast<std::size_t>(t)] = e.what();
            }
        });
    for (auto& worker : workers) worker.join();

    std::multiset<std::string> received;
    for (int t = 0; t < threads; ++t) {
        INFO("thread " << t);
        CHECK(failures[static_cast<std::size_t>(t)].empty());
        CHECK(got[static_cast<std::size_t>(t)].size() == static_cast<std::size_t>(calls_each));
        for (const auto& user : got[static_cast<std::size_t>(t)]) {
            received.insert(*user.name);
            CHECK(user.age == std::stoi(user.name->substr(5)));  // the age that came with that name
        }
    }
    CHECK(received == enqueued);

    const auto requests = server.requests();
    REQUIRE(requests.size() == static_cast<std::size_t>(threads * calls_each));
    std::map<std::string, int> per_thread;
    std::set<int> ports;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const json body = json::parse(requests[i].body);
        ++per_thread[body["messages"].back()["content"].get<std::string>()];
        CHECK(server.header(i, "authorization") == "Bearer " + key_for(mistral));
        ports.insert(requests[i].remote_port);
    }
    CHECK(per_thread.size() == static_cast<std::size_t>(threads));
    for (const auto& [text, count] : per_thread) {
        INFO(text);
        CHECK(count == calls_each);
    }
    CHECK(ports.size() < requests.size());  // connections were reused across calls
}
