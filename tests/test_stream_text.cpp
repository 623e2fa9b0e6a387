// The OpenAI dialect's shortcut for stream events (Provider::decode_stream_text) folds every event
// exactly as its DOM path (decode_stream_event) does, or declines and changes nothing.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/instructor.hpp>

#include "support/catch.hpp"

namespace {

using json = nlohmann::json;
using instructor::StreamAssembly;

// What an assembly was told and what it holds.
struct Folded {
    std::vector<std::string> heard;
    instructor::Completion completion;
    std::string error;  // the what() of an exception, if one was thrown

    void listen(StreamAssembly& assembly) {
        assembly.on_text([this](std::string_view delta) { heard.push_back("text:" + std::string(delta)); });
        assembly.on_arguments([this](std::size_t call, std::string_view delta) {
            heard.push_back("call " + std::to_string(call) + ":" + std::string(delta));
        });
        assembly.on_reasoning([this](std::string_view delta) { heard.push_back("reasoning:" + std::string(delta)); });
        assembly.on_text_retracted([this] { heard.push_back("retracted"); });
    }
};

void check_same(const Folded& a, const Folded& b) {
    CHECK(a.heard == b.heard);
    CHECK(a.error == b.error);
    CHECK(a.completion.text == b.completion.text);
    CHECK(a.completion.reasoning == b.completion.reasoning);
    REQUIRE(a.completion.tool_calls.size() == b.completion.tool_calls.size());
    for (std::size_t i = 0; i < a.completion.tool_calls.size(); ++i) {
        CHECK(a.completion.tool_calls[i].id == b.completion.tool_calls[i].id);
        CHECK(a.completion.tool_calls[i].name == b.completion.tool_calls[i].name);
        CHECK(a.completion.tool_calls[i].arguments == b.completion.tool_calls[i].arguments);
    }
    CHECK(a.completion.finish_reason == b.completion.finish_reason);
    CHECK(a.completion.refusal == b.completion.refusal);
    CHECK(a.completion.usage == b.completion.usage);
    CHECK(a.completion.request_id == b.completion.request_id);
    CHECK(a.completion.model == b.completion.model);
}

// Folds `events` into a fresh assembly through the DOM path, and through the shortcut where it
// takes the event (the DOM path where it declines).
void check_events(const instructor::Provider& provider, const std::vector<std::string>& events) {
    StreamAssembly by_dom;
    StreamAssembly by_text;
    Folded dom;
    Folded text;
    dom.listen(by_dom);
    text.listen(by_text);
    for (const auto& event : events) {
        INFO(event);
        try {
            const json parsed = json::parse(event, nullptr, false);
            if (parsed.is_discarded()) throw std::runtime_error("not JSON");
            provider.decode_stream_event(parsed, by_dom);
        } catch (const std::exception& e) {
            dom.error = e.what();
        }
        const auto before = text.heard.size();
        const instructor::Completion unchanged = by_text.completion();
        try {
            if (!provider.decode_stream_text(event, by_text)) {
                CHECK(text.heard.size() == before);  // declined: nothing folded
                CHECK(by_text.completion().text == unchanged.text);
                CHECK(by_text.completion().tool_calls.size() == unchanged.tool_calls.size());
                const json parsed = json::parse(event, nullptr, false);
                if (parsed.is_discarded()) throw std::runtime_error("not JSON");
                provider.decode_stream_event(parsed, by_text);
            }
        } catch (const std::exception& e) {
            text.error = e.what();
        }
    }
    dom.completion = by_dom.take();
    text.completion = by_text.take();
    check_same(dom, text);
}

json chunk(const json& delta, const json& finish = nullptr) {
    return {{"id", "chatcmpl-1"},
            {"object", "chat.completion.chunk"},
            {"model", "m"},
            {"choices", {{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}}}};
}

}  // namespace

TEST_CASE("the OpenAI dialect folds each stream event from its text as it does from its DOM", "[stream-text]") {
    const auto& openai = instructor::provider("openai");
    const json call_start = chunk({{"role", "assistant"},
                                   {"tool_calls",
                                    {{{"index", 0},
                                      {"id", "call_1"},
                                      {"type", "function"},
                                      {"function", {{"name", "UserDetail"}, {"arguments", ""}}}}}}});
    const auto fragment = [](const json& index, const json& arguments) {
        return chunk({{"tool_calls", {{{"index", index}, {"function", {{"arguments", arguments}}}}}}}).dump();
    };
    const std::vector<std::pair<std::string, std::vector<std::string>>> streams = {
        {"text deltas, with escapes and non-ASCII",
         {chunk({{"role", "assistant"}, {"content", ""}}).dump(), chunk({{"content", "{\"na"}}).dump(),
          chunk({{"content", "me\": \"J\\u00e9\u00e9\\n\\t\\\"\\ud83d\\ude00"}}).dump(),
          chunk({{"content", "\"}"}}).dump(), chunk(json::object(), "stop").dump()}},
        {"tool call fragments",
         {call_start.dump(), fragment(0, "{\"name\""), fragment(0, ": \"Jason\"}"),
          chunk(json::object(), "tool_calls").dump()}},
        {"odd indexes",
         {call_start.dump(), fragment(1.0, "x"), fragment(-1, "y"), fragment("0", "z"),
          fragment(json(18446744073709551615ULL), "w"), fragment(nullptr, "v"), fragment(7, nullptr)}},
        {"two calls in one event",
         {chunk({{"tool_calls",
                  {{{"index", 0}, {"id", "a"}, {"function", {{"name", "A"}, {"arguments", "{}"}}}},
                   {{"id", "b"}, {"function", {{"name", "B"}, {"arguments", "[]"}}}}}}})
              .dump()}},
        {"arguments as an object", {fragment(0, json{{"a", 1}})}},
        {"calls that are not objects", {chunk({{"tool_calls", {1, "x", nullptr}}}).dump()}},
        {"function that is not an object",
         {chunk({{"tool_calls", {{{"index", 0}, {"id", "c"}, {"function", 5}}}}}).dump()}},
        {"content that is null, a number, parts",
         {chunk({{"content", nullptr}}).dump(), chunk({{"content", 5}}).dump(),
          chunk({{"content", {{{"type", "text"}, {"text", "hi"}}}}}).dump()}},
        {"a refusal", {chunk({{"refusal", "I can't"}}).dump(), chunk({{"refusal", 3}}).dump()}},
        {"reasoning in fields of its own, alike or not, then the answer",
         {chunk({{"role", "assistant"}, {"reasoning_content", "a"}}).dump(),
          chunk({{"reasoning_content", "b\u00e9"}}).dump(), chunk({{"reasoning_content", "c"}}).dump(),
          chunk({{"reasoning", "d"}}).dump(), chunk({{"reasoning_content", ""}, {"reasoning", "e"}}).dump(),
          chunk({{"reasoning_content", "f"}, {"reasoning", "f"}}).dump(),
          chunk({{"reasoning_content", 5}, {"reasoning", nullptr}}).dump(), chunk({{"content", "{}"}}).dump(),
          R"({"choices":[{"delta":{"reasoning":"x","reasoning":"y"}}]})", chunk(json::object(), "stop").dump()}},
        {"a <think> block in the content, cut across events",
         {chunk({{"content", " <thi"}}).dump(), chunk({{"content", "nk>why"}}).dump(),
          chunk({{"content", "</th"}}).dump(), chunk({{"content", "ink>\n{}"}}).dump(),
          chunk({{"content", "</think>"}}).dump()}},
        {"thinking text closed without an opening tag",
         {chunk({{"content", "so"}}).dump(), chunk({{"content", "</think>{"}}).dump(),
          chunk({{"content", "}"}}).dump()}},
        {"every finish reason",
         {chunk(json::object(), "length").dump(), chunk(json::object(), "eos").dump(), chunk(json::object(), 5).dump(),
          chunk(json::object(), "content_filter").dump(), chunk(json::object(), "made_up").dump(),
          chunk(json::object(), "error").dump()}},
        {"usage chunks",
         {R"({"id":"x","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7,"prompt_tokens_details":{"cached_tokens":1}}})",
          R"({"choices":[],"usage":null})", R"({"usage":{"prompt_tokens":null}})", R"({"usage":[1]})"}},
        {"escapes in the event's text",
         {R"({"choices":[{"delta":{"content":"\ud83d\ude00\u00e9\/\b"}}]})",
          R"({"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":1}"}}]}}]})"}},
        {"ids and models", {R"({"id":5,"model":["m"]})", R"({"id":"a\u0062c","model":"m\n"})", R"({"id":"later"})"}},
        {"errors in a 200 stream",
         {R"({"error":{"message":"boom","type":"server_error"}})", R"({"error":null,"choices":[]})",
          R"({"error":false})", R"({"object":"error","message":"bad"})", R"({"x_groq":{"error":"overloaded"}})",
          R"({"x_groq":{"usage":{"prompt_tokens":1}}})"}},
        {"repeated keys",
         {R"({"choices":[{"delta":{"content":"a"}}],"choices":[{"delta":{"content":"b"}}]})",
          R"({"choices":[{"delta":{"content":"a","content":"b"}}]})", R"({"id":"1","id":"2"})",
          R"({"choices":[{"finish_reason":"stop","finish_reason":null}]})"}},
        {"shapes that carry nothing",
         {"[1,2]", "5", "\"s\"", "null", R"({"choices":{}})", R"({"choices":[5,{"delta":{"content":"x"}}]})",
          R"({"choices":[{"delta":"x"}]})", R"({"choices":[{"delta":{"content":"a"}},{"delta":{"content":"b"}}]})"}},
        {"not JSON, or too deep for the shortcut",
         {"{", R"({"choices":[{"delta":{"content":"a"}}]} x)", R"({"choices":[{"delta":{"content":"a\u00"}}]})",
          "{\"a\":" + std::string(40, '[') + std::string(40, ']') + "}", "\xEF\xBB\xBF{\"id\":\"bom\"}"}},
    };
    for (const auto& [name, events] : streams) {
        SECTION(name) { check_events(openai, events); }
    }
}
