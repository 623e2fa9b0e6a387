// Models that think: reasoning read from every dialect's fields (whole replies and streams, the DOM
// and the text readers agreeing), <think> blocks split from the content however the stream cuts
// them, Request::thinking in each dialect's words (golden bodies, checked against the specs by the
// conformance test), the answer found in the reasoning when the content is empty, reasoning heard
// apart from the partial value, and re-asks that send the reasoning back where the provider wants it.

#include "catch.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/detail/core/think_blocks.hpp>
#include <instructor/detail/json/json_writer.hpp>
#include <instructor/instructor.hpp>

namespace thinking_test {

using instructor::Mode;
using instructor::Thinking;
using instructor::ThinkingEffort;
using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

struct UserDetail {
    std::string name;
    instructor::Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

// ---- the split of a content into reasoning and answer -------------------------------------------------

struct Split {
    std::string text;
    std::string reasoning;
    int retractions = 0;
};

// What a splitter fed `pieces` gives, as an assembly keeps it.
Split split_in_pieces(const std::vector<std::string>& pieces) {
    struct Collect final : instructor::detail::ThinkSink {
        Split split;
        void text(std::string_view delta) override { split.text += delta; }
        void reasoning(std::string_view delta) override { split.reasoning += delta; }
        void text_was_reasoning() override {
            split.reasoning += split.text;
            split.text.clear();
            ++split.retractions;
        }
    } collect;
    instructor::detail::ThinkSplitter splitter;
    for (const auto& piece : pieces) splitter.feed(piece, collect);
    splitter.finish(collect);
    return collect.split;
}

// ---- replies and streams of each dialect ---------------------------------------------------------------

json openai_reply(const json& message, const json& usage = nullptr) {
    json reply{{"id", "chatcmpl-r"},
               {"object", "chat.completion"},
               {"model", "m"},
               {"choices", {{{"index", 0}, {"message", message}, {"finish_reason", "stop"}}}}};
    if (!usage.is_null()) reply["usage"] = usage;
    return reply;
}

json openai_chunk(const json& delta, const json& finish = nullptr) {
    return {{"id", "chatcmpl-r"},
            {"object", "chat.completion.chunk"},
            {"model", "m"},
            {"choices", {{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}}}};
}

// One dialect's way of carrying reasoning: a whole reply, the same reply as a stream, and what
// both must come to.
struct ReasoningCase {
    std::string name;
    std::string provider;
    json whole;
    std::vector<json> events;
    std::string text;
    std::string reasoning;
    std::int64_t reasoning_tokens = 0;
};

const std::string answer = R"({"name": "Jason", "age": 25})";

std::vector<ReasoningCase> reasoning_cases() {
    std::vector<ReasoningCase> cases;
    // llama.cpp (its reasoning parser on), DeepSeek, vLLM: reasoning_content.
    cases.push_back(
        {"reasoning_content",
         "llama-cpp",
         openai_reply({{"role", "assistant"}, {"content", answer}, {"reasoning_content", "He is 25."}}),
         {openai_chunk({{"role", "assistant"}, {"content", nullptr}}), openai_chunk({{"reasoning_content", "He is"}}),
          openai_chunk({{"reasoning_content", " 25."}}), openai_chunk({{"content", answer.substr(0, 9)}}),
          openai_chunk({{"content", answer.substr(9)}}), openai_chunk(json::object(), "stop")},
         answer,
         "He is 25."});
    // Groq with reasoning_format "parsed", Together, Ollama's /v1: reasoning.
    for (const char* provider : {"groq", "together", "ollama"})
        cases.push_back({std::string("reasoning (") + provider + ")",
                         provider,
                         openai_reply({{"role", "assistant"}, {"content", answer}, {"reasoning", "Jason, 25 years."}}),
                         {openai_chunk({{"role", "assistant"}, {"content", ""}}),
                          openai_chunk({{"reasoning", "Jason, "}}), openai_chunk({{"reasoning", "25 years."}}),
                          openai_chunk({{"content", answer}}), openai_chunk(json::object(), "stop")},
                         answer,
                         "Jason, 25 years."});
    // vLLM sends both fields, alike: read once.
    cases.push_back(
        {"reasoning_content and reasoning alike",
         "openai-compatible",
         openai_reply(
             {{"role", "assistant"}, {"content", answer}, {"reasoning_content", "Once."}, {"reasoning", "Once."}}),
         {openai_chunk({{"reasoning_content", "Once."}, {"reasoning", "Once."}}), openai_chunk({{"content", answer}}),
          openai_chunk(json::object(), "stop")},
         answer,
         "Once."});
    // Mistral's reasoning models: content parts, a thinking part among them.
    const json thinking_part = {{"type", "thinking"},
                                {"thinking", {{{"type", "text"}, {"text", "A name and an age."}}}}};
    cases.push_back(
        {"Mistral thinking parts",
         "mistral",
         openai_reply({{"role", "assistant"}, {"content", {thinking_part, {{"type", "text"}, {"text", answer}}}}}),
         {openai_chunk({{"role", "assistant"}}), openai_chunk({{"content", {thinking_part}}}),
          openai_chunk({{"content", {{{"type", "text"}, {"text", answer}}}}}), openai_chunk(json::object(), "stop")},
         answer,
         "A name and an age."});
    // OpenAI: reasoning stays hidden; only its token count comes back.
    const json usage = {{"prompt_tokens", 10},
                        {"completion_tokens", 90},
                        {"total_tokens", 100},
                        {"completion_tokens_details", {{"reasoning_tokens", 64}}}};
    json usage_event = openai_chunk(json::object());
    usage_event["choices"] = json::array();
    usage_event["usage"] = usage;
    cases.push_back({"OpenAI reasoning tokens",
                     "openai",
                     openai_reply({{"role", "assistant"}, {"content", answer}}, usage),
                     {openai_chunk({{"role", "assistant"}, {"content", ""}}), openai_chunk({{"content", answer}}),
                      openai_chunk(json::object(), "stop"), usage_event},
                     answer,
                     "",
                     64});
    // A server without a reasoning parser: the <think> block inside the content.
    const std::string blocked = "<think>\nLet me see: Jason, 25.\n</think>\n\n" + answer;
    cases.push_back(
        {"a <think> block in the content",
         "openai-compatible",
         openai_reply({{"role", "assistant"}, {"content", blocked}}),
         {openai_chunk({{"content", blocked.substr(0, 4)}}), openai_chunk({{"content", blocked.substr(4, 20)}}),
          openai_chunk({{"content", blocked.substr(24, 22)}}), openai_chunk({{"content", blocked.substr(46)}}),
          openai_chunk(json::object(), "stop")},
         answer,
         "\nLet me see: Jason, 25.\n"});
    // The chat template opened the block in the prompt: the content holds only its end.
    const std::string unopened = "Jason is 25.</think>\n" + answer;
    cases.push_back({"a </think> without an opening tag",
                     "llama-cpp",
                     openai_reply({{"role", "assistant"}, {"content", unopened}}),
                     {openai_chunk({{"content", "Jason is 25.</th"}}), openai_chunk({{"content", "ink>\n{\"name\""}}),
                      openai_chunk({{"content", answer.substr(7)}}), openai_chunk(json::object(), "stop")},
                     answer,
                     "Jason is 25."});
    // MLX servers: the whole reply in the reasoning field, the content empty.
    cases.push_back({"the answer in the reasoning, content empty",
                     "openai-compatible",
                     openai_reply({{"role", "assistant"}, {"content", ""}, {"reasoning_content", answer}}),
                     {openai_chunk({{"reasoning_content", answer.substr(0, 12)}}),
                      openai_chunk({{"reasoning_content", answer.substr(12)}}), openai_chunk({{"content", ""}}),
                      openai_chunk(json::object(), "stop")},
                     "",
                     answer});
    // Ollama's own API: message.thinking, in the reply and in each NDJSON line.
    cases.push_back({"Ollama thinking",
                     "ollama-native",
                     {{"model", "qwen3"},
                      {"message", {{"role", "assistant"}, {"content", answer}, {"thinking", "Name, then age."}}},
                      {"done", true},
                      {"done_reason", "stop"}},
                     {{{"model", "qwen3"},
                       {"message", {{"role", "assistant"}, {"content", ""}, {"thinking", "Name, "}}},
                       {"done", false}},
                      {{"model", "qwen3"},
                       {"message", {{"role", "assistant"}, {"content", ""}, {"thinking", "then age."}}},
                       {"done", false}},
                      {{"model", "qwen3"}, {"message", {{"role", "assistant"}, {"content", answer}}}, {"done", false}},
                      {{"model", "qwen3"},
                       {"message", {{"role", "assistant"}, {"content", ""}}},
                       {"done", true},
                       {"done_reason", "stop"}}},
                     answer,
                     "Name, then age."});
    return cases;
}

// A stream folded into an assembly, through the DOM decoder or the text shortcut where it takes
// the event; the reasoning and text the listeners heard.
struct Heard {
    instructor::Completion completion;
    std::string text;
    std::string reasoning;
    int retractions = 0;
};

Heard fold(const instructor::Provider& provider, const std::vector<json>& events, bool shortcut) {
    instructor::StreamAssembly assembly;
    Heard heard;
    assembly.on_text([&](std::string_view delta) { heard.text += delta; });
    assembly.on_reasoning([&](std::string_view delta) { heard.reasoning += delta; });
    assembly.on_text_retracted([&] {
        heard.text.clear();
        ++heard.retractions;
    });
    for (const auto& event : events)
        if (!shortcut || !provider.decode_stream_text(event.dump(), assembly))
            provider.decode_stream_event(event, assembly);
    assembly.end_text();
    heard.completion = assembly.take();
    return heard;
}

// ---- request bodies -------------------------------------------------------------------------------------

instructor::Request sample(std::string_view provider, Mode mode) {
    instructor::Request request{
        .model = std::string(provider) == "mistral" ? "magistral-medium-latest" : "qwen3",
        .messages = {instructor::user("Jason is 25 years old.")},
        .max_retries = 0,
        .max_tokens = 1024,
    };
    request.response_models = {instructor::response_model<UserDetail>()};
    (void)mode;
    return request;
}

// The mode a thinking body is shown in: the one whose answer a thinking model writes as text.
Mode body_mode(const instructor::Provider& provider) {
    if (provider.name() == "llama-cpp") return Mode::gbnf;
    const auto& modes = provider.supported_modes();
    return std::find(modes.begin(), modes.end(), Mode::json_schema) != modes.end() ? Mode::json_schema
                                                                                   : provider.default_mode();
}

// What each provider is asked in the golden "thinking.on" body: a setting it takes.
Thinking on_for(std::string_view provider) {
    if (provider == "llama-cpp") return Thinking{.budget_tokens = 256};
    if (provider == "anyscale" || provider == "llama-cpp-python") return Thinking{};
    if (provider == "ollama-native" || provider == "openai" || provider == "mistral")
        return Thinking{.effort = ThinkingEffort::high};
    return Thinking{.effort = ThinkingEffort::low};
}

bool updating() {
    const char* flag = std::getenv("INSTRUCTOR_UPDATE_GOLDEN");
    return flag != nullptr && std::string(flag) == "1";
}

std::filesystem::path golden(std::string_view provider, const std::string& name) {
    return std::filesystem::path(INSTRUCTOR_GOLDEN_DIR) / "requests" / std::string(provider) /
           ("thinking." + name + ".json");
}

void check_golden(const std::filesystem::path& path, const ojson& body) {
    INFO(path.string() << "\nbuilt:\n" << body.dump(2));
    if (updating()) {
        std::ofstream(path, std::ios::binary) << body.dump(2) << '\n';
        return;
    }
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    std::stringstream text;
    text << in.rdbuf();
    CHECK(body == ojson::parse(text.str()));
}

// A client over a scripted model that records every request body.
struct Scripted {
    std::vector<json> replies;
    std::vector<json> requests;
    instructor::ChatFunction function() {
        return [this](const json& request) {
            requests.push_back(request);
            if (requests.size() > replies.size()) throw std::runtime_error("the script ran out of replies");
            return replies[requests.size() - 1];
        };
    }
};

// A transport that answers every request with this SSE stream, cut into pieces of `piece` bytes.
instructor::Transport streaming(std::vector<json> events, std::size_t piece, std::vector<json>* requests = nullptr) {
    return [events = std::move(events), piece, requests](const instructor::HttpRequest& request) {
        if (requests) requests->push_back(json::parse(request.body));
        std::string body;
        for (const auto& event : events) body += "data: " + event.dump() + "\n\n";
        body += "data: [DONE]\n\n";
        if (!request.on_chunk) return instructor::HttpResponse{.status = 200, .headers = {}, .body = body};
        for (std::size_t at = 0; at < body.size(); at += piece)
            if (!request.on_chunk(std::string_view(body).substr(at, piece))) break;
        return instructor::HttpResponse{.status = 200, .headers = {{"Content-Type", "text/event-stream"}}, .body = {}};
    };
}

}  // namespace thinking_test

using namespace thinking_test;

TEST_CASE("a content's thinking is split from its answer alike, whole or in pieces cut anywhere") {
    const std::vector<std::pair<std::string, Split>> contents = {
        {"<think>a</think>{}", {"{}", "a"}},
        {"  \n<think>\nsteps\n</think>\n\n{\"a\": 1}", {"{\"a\": 1}", "\nsteps\n"}},
        {"<think>never closed", {"", "never closed"}},
        {"thought</think>answer", {"answer", "thought"}},
        {"a < b </think> {}", {"{}", "a < b "}},
        {"{\"a\": \"</think> here\"}", {"here\"}", "{\"a\": \""}},  // the rule is blind to JSON strings
        {"no tags {\"a\": 1}", {"no tags {\"a\": 1}", ""}},
        {"  <thin", {"  <thin", ""}},
        {"<thinking>x</thinking>", {"<thinking>x</thinking>", ""}},
        {"text <think>x</think> more", {"more", "text <think>x"}},
        {"<think></think>", {"", ""}},
        {"<think>a</think>b</think>c", {"b</think>c", "a"}},
        {"   ", {"   ", ""}},
        {"", {"", ""}},
        {"<", {"<", ""}},
        {"x</", {"x</", ""}},
        {"<think>x</", {"", "x</"}},
    };
    for (const auto& [content, expected] : contents) {
        INFO("content: " << content);
        std::string reasoning;
        CHECK(instructor::detail::split_thinking(content, reasoning) == expected.text);
        CHECK(reasoning == expected.reasoning);
        // Every way of cutting it in two and three pieces comes to the same.
        for (std::size_t i = 0; i <= content.size(); ++i)
            for (std::size_t j = i; j <= content.size(); ++j) {
                INFO("cut at " << i << " and " << j);
                const Split split =
                    split_in_pieces({content.substr(0, i), content.substr(i, j - i), content.substr(j)});
                CHECK(split.text == expected.text);
                CHECK(split.reasoning == expected.reasoning);
            }
        // And one byte at a time.
        std::vector<std::string> bytes;
        for (const char c : content) bytes.emplace_back(1, c);
        const Split split = split_in_pieces(bytes);
        CHECK(split.text == expected.text);
        CHECK(split.reasoning == expected.reasoning);
    }
}

TEST_CASE("every dialect's reasoning is read alike from a whole reply and from its stream, by both readers") {
    for (const auto& c : reasoning_cases()) {
        INFO(c.name << " (" << c.provider << ")");
        const auto& provider = instructor::provider(c.provider);
        const instructor::Completion by_dom = provider.decode_reply(c.whole, {});
        const instructor::Completion by_text = provider.decode_reply_text(c.whole.dump(), {}, {});
        for (const auto* completion : {&by_dom, &by_text}) {
            CHECK(completion->text == c.text);
            CHECK(completion->reasoning == c.reasoning);
            CHECK(completion->usage.reasoning_tokens == c.reasoning_tokens);
        }
        for (const bool shortcut : {false, true}) {
            INFO((shortcut ? "stream, text shortcut" : "stream, DOM"));
            const Heard heard = fold(provider, c.events, shortcut);
            CHECK(heard.completion.text == c.text);
            CHECK(heard.completion.reasoning == c.reasoning);
            CHECK(heard.completion.usage.reasoning_tokens == c.reasoning_tokens);
            CHECK(heard.reasoning == c.reasoning);  // every piece of reasoning was heard, once
            CHECK(heard.text == c.text);            // and of the answer, once it was known to be one
        }
    }
}

TEST_CASE("a stream whose text turns out to be reasoning says so, and the answer starts again") {
    const auto& provider = instructor::provider("llama-cpp");
    const Heard heard = fold(provider,
                             {openai_chunk({{"content", "I think {\"age\": 3} fits"}}),
                              openai_chunk({{"content", ".</think>{\"name\": \"J\", \"age\": 3}"}})},
                             true);
    CHECK(heard.retractions == 1);
    CHECK(heard.text == R"({"name": "J", "age": 3})");
    CHECK(heard.completion.reasoning == R"(I think {"age": 3} fits.)");
    CHECK(heard.reasoning == heard.completion.reasoning);
}

TEST_CASE("Request::thinking goes out in each provider's words, checked against its spec") {
    std::set<std::filesystem::path> written;
    for (const auto name : instructor::provider_names()) {
        INFO("provider " << name);
        const auto& provider = instructor::provider(name);
        const Mode mode = body_mode(provider);
        auto on = sample(name, mode);
        on.thinking = on_for(name);
        check_golden(golden(name, "on"), provider.build_body(on, mode));
        written.insert(golden(name, "on"));
        if (name != "anyscale" && name != "llama-cpp-python") {
            auto off = sample(name, mode);
            off.thinking = Thinking::off();
            check_golden(golden(name, "off"), provider.build_body(off, mode));
            written.insert(golden(name, "off"));
        }
        // A re-ask after a thinking model's answer failed: its reasoning goes back where the API
        // takes it, and nowhere else.
        auto reask = sample(name, mode);
        reask.thinking = on_for(name);
        reask.messages.push_back(instructor::assistant(R"({"name": "Jason", "age": -25})"));
        reask.messages.back().reasoning = "He said 25; negative by mistake.";
        reask.messages.push_back(
            instructor::user("Your answer has these errors:\n/age: must be at least 0\n"
                             "Answer again with only the corrected JSON."));
        check_golden(golden(name, "reask"), provider.build_body(reask, mode));
        written.insert(golden(name, "reask"));
        // The text sent is the body written out, however it is written.
        for (const auto* request : {&on, &reask})
            CHECK(provider.write_body(*request, mode) ==
                  instructor::detail::write_json(provider.build_body(*request, mode)));
    }
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(std::filesystem::path(INSTRUCTOR_GOLDEN_DIR) / "requests")) {
        if (!entry.is_regular_file() || !entry.path().filename().string().starts_with("thinking.")) continue;
        INFO("stale: " << entry.path().string());
        CHECK(written.count(entry.path()) == 1);
    }
}

TEST_CASE("each provider's thinking fields say on, off, effort and budget as its API does") {
    const auto fields = [](std::string_view name, Thinking thinking, Mode mode = Mode::json) {
        auto request = sample(name, mode);
        request.thinking = thinking;
        const ojson body = instructor::provider(name).build_body(request, mode);
        json out = json::object();
        for (const char* key : {"reasoning_effort", "reasoning_format", "reasoning", "chat_template_kwargs",
                                "reasoning_budget_tokens", "think"})
            if (body.contains(key)) out[key] = json::parse(body[key].dump());
        return out;
    };
    CHECK(fields("openai", Thinking{}) == json::object());
    CHECK(fields("openai", Thinking::off()) == json{{"reasoning_effort", "none"}});
    CHECK(fields("openai", Thinking{.effort = ThinkingEffort::minimal}) == json{{"reasoning_effort", "minimal"}});
    CHECK(fields("groq", Thinking{}) == json{{"reasoning_format", "parsed"}});
    CHECK(fields("groq", Thinking::off()) == json{{"reasoning_effort", "none"}});
    CHECK(fields("together", Thinking{.effort = ThinkingEffort::high}) ==
          json{{"reasoning", {{"enabled", true}}}, {"reasoning_effort", "high"}});
    CHECK(fields("together", Thinking::off()) == json{{"reasoning", {{"enabled", false}}}});
    CHECK(fields("mistral", Thinking{.effort = ThinkingEffort::medium}) == json{{"reasoning_effort", "medium"}});
    CHECK(fields("ollama", Thinking{.effort = ThinkingEffort::max}) == json{{"reasoning_effort", "max"}});
    CHECK(fields("ollama-native", Thinking{}) == json{{"think", true}});
    CHECK(fields("ollama-native", Thinking::off()) == json{{"think", false}});
    CHECK(fields("ollama-native", Thinking{.effort = ThinkingEffort::low}) == json{{"think", "low"}});
    CHECK(fields("llama-cpp", Thinking{}) == json{{"chat_template_kwargs", {{"enable_thinking", true}}}});
    CHECK(fields("llama-cpp", Thinking::off()) == json{{"chat_template_kwargs", {{"enable_thinking", false}}}});
    CHECK(fields("llama-cpp", Thinking{.budget_tokens = 64}) ==
          json{{"chat_template_kwargs", {{"enable_thinking", true}}}, {"reasoning_budget_tokens", 64}});
    CHECK(fields("llama-cpp-python", Thinking{}) == json::object());

    // A setting a provider has no field for is refused, naming the provider and what it takes.
    const auto refusal = [](std::string_view name, Thinking thinking) {
        auto request = sample(name, Mode::json);
        request.thinking = thinking;
        try {
            (void)instructor::provider(name).build_body(request, Mode::json);
        } catch (const instructor::ConfigurationError& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    CHECK_THAT(refusal("openai", Thinking{.budget_tokens = 100}),
               Catch::Matchers::Contains("openai has no thinking budget"));
    CHECK_THAT(refusal("groq", Thinking{.effort = ThinkingEffort::minimal}),
               Catch::Matchers::Contains("groq takes no thinking effort \"minimal\"; it takes: low, medium, high"));
    CHECK_THAT(refusal("mistral", Thinking{.effort = ThinkingEffort::max}),
               Catch::Matchers::Contains("mistral takes no"));
    CHECK_THAT(refusal("ollama-native", Thinking{.budget_tokens = 10}),
               Catch::Matchers::Contains("ollama-native has no"));
    CHECK_THAT(refusal("llama-cpp", Thinking{.effort = ThinkingEffort::high}),
               Catch::Matchers::Contains("llama-cpp has no thinking effort"));
    CHECK_THAT(refusal("llama-cpp-python", Thinking::off()),
               Catch::Matchers::Contains("llama-cpp-python has no setting for thinking"));
    CHECK_THAT(refusal("anyscale", Thinking{.effort = ThinkingEffort::low}),
               Catch::Matchers::Contains("anyscale has no"));
    CHECK_THAT(refusal("together", Thinking{.budget_tokens = 0}), Catch::Matchers::Contains("at least 1"));
    CHECK_THAT(refusal("openai", Thinking{.enabled = false, .effort = ThinkingEffort::low}),
               Catch::Matchers::Contains("either off or bounded"));
}

TEST_CASE("llama.cpp's grammar lets the model think first, bounded, then holds it to the type") {
    const auto& llama = instructor::provider("llama-cpp");
    auto request = sample("llama-cpp", Mode::gbnf);
    const std::string plain = llama.build_body(request, Mode::gbnf)["grammar"];
    CHECK(plain == instructor::gbnf<UserDetail>());

    request.thinking = Thinking{.budget_tokens = 50};
    const std::string thinking = llama.build_body(request, Mode::gbnf)["grammar"];
    CHECK(thinking.starts_with("root ::= \"<think>\"? thinking-text \"</think>\" [ \\t\\n]{0,4} thinking-answer\n"));
    CHECK(thinking.find("thinking-text ::= thinking-char{0,200}\n") != std::string::npos);  // 4 characters a token
    // The type's grammar follows whole, its root renamed.
    CHECK(thinking.ends_with("thinking-answer ::= " + plain.substr(std::string("root ::= ").size())));

    request.thinking = Thinking{};
    CHECK(std::string(llama.build_body(request, Mode::gbnf)["grammar"]).find("thinking-char{0,8192}") !=
          std::string::npos);
    request.thinking = Thinking::off();  // no block: the type's grammar, as without thinking
    CHECK(std::string(llama.build_body(request, Mode::gbnf)["grammar"]) == plain);
    // Other modes leave the server's own handling of the schema alone.
    request.thinking = Thinking{.budget_tokens = 50};
    CHECK_FALSE(llama.build_body(request, Mode::json_schema).contains("grammar"));
}

TEST_CASE("an answer found only in the reasoning is taken from there, and the result says so") {
    Scripted model;
    model.replies = {openai_reply({{"role", "assistant"}, {"content", ""}, {"reasoning_content", answer}})};
    const auto client = instructor::from_callable(model.function(), Mode::json_schema);
    const auto result = client.create_with_completion<UserDetail>(
        {.model = "mlx", .messages = {instructor::user("Jason is 25")}, .max_retries = 0});
    CHECK(result.value.name == "Jason");
    CHECK(result.value.age == 25);
    CHECK(result.answer_in_reasoning());
    CHECK(result.reasoning() == answer);
    CHECK(result.completions.back().answer_in_reasoning);

    // Content that holds the answer wins over JSON drafted in the reasoning.
    Scripted drafted;
    drafted.replies = {openai_reply(
        {{"role", "assistant"}, {"content", answer}, {"reasoning_content", R"(Draft: {"name": "X", "age": 1})"}})};
    const auto second = instructor::from_callable(drafted.function(), Mode::json_schema)
                            .create_with_completion<UserDetail>({.model = "m", .messages = {instructor::user("x")}});
    CHECK(second.value.name == "Jason");
    CHECK_FALSE(second.answer_in_reasoning());
    CHECK(second.reasoning() == R"(Draft: {"name": "X", "age": 1})");
}

TEST_CASE("a re-ask sends the reasoning back where the dialect takes it, and nowhere else") {
    const auto reasked = [](std::string_view dialect) {
        Scripted model;
        model.replies = {openai_reply({{"role", "assistant"},
                                       {"content", R"({"name": "Jason", "age": -1})"},
                                       {"reasoning_content", "Age unclear."}}),
                         openai_reply({{"role", "assistant"}, {"content", answer}})};
        const auto client =
            instructor::from_callable(model.function(), Mode::json_schema, instructor::provider(dialect));
        const auto result = client.create_with_completion<UserDetail>(
            {.model = "m", .messages = {instructor::user("Jason is 25")}, .max_retries = 1});
        CHECK(result.completions.size() == 2);
        CHECK(result.completions[0].reasoning == "Age unclear.");
        REQUIRE(model.requests.size() == 2);
        return model.requests[1]["messages"][1];  // the echoed answer
    };
    CHECK(reasked("llama-cpp")["reasoning_content"] == "Age unclear.");
    CHECK(reasked("openai-compatible")["reasoning_content"] == "Age unclear.");
    CHECK(reasked("groq")["reasoning"] == "Age unclear.");
    CHECK(reasked("ollama")["reasoning"] == "Age unclear.");
    const json mistral = reasked("mistral");
    CHECK(mistral["content"] ==
          json::array({{{"type", "thinking"}, {"thinking", {{{"type", "text"}, {"text", "Age unclear."}}}}},
                       {{"type", "text"}, {"text", R"({"name": "Jason", "age": -1})"}}}));
    for (const char* silent : {"openai", "together", "llama-cpp-python", "anyscale"}) {
        INFO(silent);
        const json echoed = reasked(silent);
        CHECK_FALSE(echoed.contains("reasoning_content"));
        CHECK_FALSE(echoed.contains("reasoning"));
        CHECK(echoed["content"] == R"({"name": "Jason", "age": -1})");
    }
}

TEST_CASE("create_partial hands the reasoning to a callback of its own, apart from the partial value") {
    const std::vector<json> events = {
        openai_chunk({{"role", "assistant"}, {"content", nullptr}}),
        openai_chunk({{"reasoning_content", "The name is Jason;"}}),
        openai_chunk({{"reasoning_content", " the age, 25."}}),
        openai_chunk({{"content", R"({"name": "Ja)"}}),
        openai_chunk({{"content", R"(son", "age": 25})"}}),
        openai_chunk(json::object(), "stop"),
    };
    for (const std::size_t piece : {std::size_t{7}, std::size_t{4096}}) {
        INFO("piece " << piece);
        const instructor::Client client(instructor::provider("llama-cpp"), Mode::json_schema, {},
                                        streaming(events, piece));
        std::string reasoning;
        std::vector<std::string> names;
        const UserDetail user = client.create_partial<UserDetail>(
            {.model = "m", .messages = {instructor::user("Jason is 25")}, .max_retries = 0},
            [&](const UserDetail& so_far) { names.push_back(so_far.name); },
            [&](std::string_view delta) { reasoning += delta; });
        CHECK(user.name == "Jason");
        CHECK(reasoning == "The name is Jason; the age, 25.");
        CHECK(std::find(names.begin(), names.end(), "Ja") != names.end());                 // the value grew, apart
        for (const auto& name : names) CHECK(name.find("The name") == std::string::npos);  // no reasoning in it
    }

    SECTION("returning false from the reasoning callback stops the stream") {
        const instructor::Client client(instructor::provider("llama-cpp"), Mode::json_schema, {}, streaming(events, 5));
        int heard = 0;
        const UserDetail user = client.create_partial<UserDetail>(
            {.model = "m", .messages = {instructor::user("Jason is 25")}, .max_retries = 0}, [](const UserDetail&) {},
            [&](std::string_view) { return ++heard < 1; });
        CHECK(heard == 1);
        CHECK(user.name.empty());
    }

    SECTION("create_iterable too, when the thinking comes as text without an opening tag") {
        struct Item {
            std::string title;
        };
        const std::vector<json> list = {
            openai_chunk({{"content", "Two tasks, a and b."}}),
            openai_chunk({{"content", "</think>{\"tasks\": [{\"title\": \"a\"}, {\"title\": \"b\"}]}"}}),
            openai_chunk(json::object(), "stop"),
        };
        const instructor::Client client(instructor::provider("llama-cpp"), Mode::json, {}, streaming(list, 9));
        std::vector<std::string> items;
        std::string reasoning;
        client.create_iterable<Item>(
            {.model = "m", .messages = {instructor::user("list")}, .max_retries = 0},
            [&](Item item) { items.push_back(item.title); }, [&](std::string_view delta) { reasoning += delta; });
        CHECK(items == std::vector<std::string>{"a", "b"});
        CHECK(reasoning == "Two tasks, a and b.");
    }

    SECTION("a value drafted in thinking text without an opening tag starts again from empty at </think>") {
        const std::vector<json> drafted = {
            openai_chunk({{"content", "Maybe {\"name\": \"Draft\", \"age\": 1}?"}}),
            openai_chunk({{"content", "</think>" + answer}}),
            openai_chunk(json::object(), "stop"),
        };
        const instructor::Client client(instructor::provider("llama-cpp"), Mode::json, {}, streaming(drafted, 6));
        std::vector<std::pair<std::string, int>> shown;  // the name, and the attempt it was shown in
        const UserDetail user = client.create_partial<UserDetail>(
            {.model = "m", .messages = {instructor::user("x")}, .max_retries = 0},
            [&](const UserDetail& so_far, const instructor::PartialProgress& progress) {
                shown.emplace_back(so_far.name, progress.attempt());
            });
        CHECK(user.name == "Jason");
        REQUIRE_FALSE(shown.empty());
        CHECK(shown.back().first == "Jason");
        // The draft was shown while it looked like the answer, then the value began again.
        const auto draft = std::find_if(shown.begin(), shown.end(), [](const auto& s) { return s.first == "Draft"; });
        REQUIRE(draft != shown.end());
        CHECK(std::find_if(draft, shown.end(), [](const auto& s) { return s.first == "Jason"; }) != shown.end());
        for (const auto& s : shown) CHECK(s.second == 1);
    }
}

TEST_CASE("extract carries Request::thinking") {
    const auto request = instructor::extract_request("Jason is 25", {.model = "m", .thinking = Thinking::off()});
    REQUIRE(request.thinking.has_value());
    CHECK_FALSE(request.thinking->enabled);
}
