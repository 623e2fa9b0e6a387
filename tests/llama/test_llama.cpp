// instructor::llama: a real model (../shared/models/stories260K.gguf) run in the process through
// llama.cpp linked in. The model writes nonsense; a grammar-constrained reply has a real shape, so
// these tests rely on the shape of constrained replies and never on their content.

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <instructor/gbnf.hpp>
#include <instructor/instructor.hpp>
#include <instructor/llama.hpp>

#include "catch.hpp"
#include "corpus/corpus_types.hpp"
#include "corpus/grammar_agreement.hpp"

namespace {

using instructor::Mode;

struct UserDetail {
    std::string name;
    int age;
};

struct ShortUser {
    instructor::Annotated<std::string, instructor::min_length(1), instructor::max_length(8)> name;
    instructor::Annotated<int, instructor::minimum(0), instructor::maximum(99)> age;
};

const std::shared_ptr<const instructor::LlamaModel>& model() {
    // One thread: the tiny model gains nothing from more, and the machine has two cores.
    static const std::shared_ptr<const instructor::LlamaModel> loaded =
        instructor::LlamaModel::load({.model_path = INSTRUCTOR_LLAMA_TEST_MODEL, .threads = 1, .max_contexts = 4});
    return loaded;
}

nlohmann::json chat_body(const std::string& text, std::int64_t seed) {
    return {{"model", "stories260K"},
            {"messages", {{{"role", "user"}, {"content", text}}}},
            {"seed", seed},
            {"temperature", 1.0}};
}

nlohmann::json call(const nlohmann::json& body) {
    const auto reply = model()->chat({.url = "", .headers = {}, .body = body.dump()});
    INFO(reply.body);
    REQUIRE(reply.status == 200);
    return nlohmann::json::parse(reply.body);
}

std::string streamed_text(const nlohmann::json& body, std::string& finish) {
    std::string events;
    const auto reply =
        model()->chat({.url = "", .headers = {}, .body = body.dump(), .on_chunk = [&](std::string_view chunk) {
                           events += chunk;
                           return true;
                       }});
    REQUIRE(reply.status == 200);
    REQUIRE(reply.body.empty());
    std::string text;
    std::size_t at = 0;
    while ((at = events.find("data: ", at)) != std::string::npos) {
        const auto end = events.find("\n\n", at);
        const std::string data = events.substr(at + 6, end - at - 6);
        at = end;
        if (data == "[DONE]") break;
        const auto chunk = nlohmann::json::parse(data);
        for (const auto& choice : chunk["choices"]) {
            if (choice["delta"].contains("content") && choice["delta"]["content"].is_string())
                text += choice["delta"]["content"].get<std::string>();
            if (choice["finish_reason"].is_string()) finish = choice["finish_reason"];
        }
    }
    REQUIRE(events.ends_with("data: [DONE]\n\n"));
    return text;
}

}  // namespace

TEST_CASE("every corpus type's grammar is accepted by llama.cpp's grammar parser") {
    int accepted = 0;
    corpus::for_each_type([&]<class T>(std::type_identity<T>, const char* name) {
        INFO(name << "\n" << instructor::gbnf<T>());
        CHECK(model()->grammar_error(instructor::gbnf<T>()) == "");
        ++accepted;
    });
    CHECK(accepted == corpus::type_count);
    CHECK_FALSE(model()->grammar_error("root ::= (\"a\"").empty());  // the parser's reason, not ""
}

TEST_CASE("every reply sampled in the process under a corpus type's grammar is accepted by the strict parser") {
    corpus::GrammarTally tally;
    corpus::for_each_type([&]<class T>(std::type_identity<T>, const char* name) {
        for (std::int64_t seed = 1; seed <= 3; ++seed) {
            auto body = chat_body("Fill in the form.", seed);
            body["grammar"] = instructor::gbnf<T>();
            body["max_tokens"] = 600;
            const auto reply = call(body);
            const auto& choice = reply["choices"][0];
            INFO(name << ", seed " << seed);
            corpus::judge_sample<T>(choice["message"]["content"], choice["finish_reason"] == "length", tally);
        }
    });
    std::cout << "in-process gbnf (" << corpus::type_count << " types x 3 seeds): " << tally << "\n";
    CHECK(tally.parsed + tally.repeated_items == tally.finished);
    CHECK(tally.finished * 2 > tally.sent);
}

TEST_CASE("from_llama extracts a struct in the process in every mode it offers") {
    SECTION("json_schema and gbnf sample under the type's grammar: every call gives the value") {
        for (const Mode mode : {Mode::json_schema, Mode::gbnf}) {
            const auto client = instructor::from_llama(model(), mode);
            for (std::int64_t seed = 1; seed <= 3; ++seed) {
                const auto result = client.create_with_completion<UserDetail>({
                    .model = "",
                    .messages = {instructor::user("Extract: Jason is 30 years old")},
                    .max_retries = 0,
                    .seed = seed,
                });
                CHECK_FALSE(result.value.name.empty());
                CHECK(result.completions.back().finish_reason == instructor::FinishReason::stop);
                CHECK(result.usage.prompt_tokens > 0);
                CHECK(result.usage.completion_tokens > 0);
                CHECK(result.usage.total_tokens == result.usage.prompt_tokens + result.usage.completion_tokens);
                CHECK(result.completions.back().model == "stories260K");
            }
        }
    }
    SECTION("json and md_json sample freely: a value, or a typed error that keeps the reply") {
        for (const Mode mode : {Mode::json, Mode::md_json}) {
            const auto client = instructor::from_llama(model(), mode);
            const auto result = client.try_create<UserDetail>({
                .model = "",
                .messages = {instructor::user("Extract: Jason is 30 years old")},
                .max_retries = 0,
                .max_tokens = 40,
                .seed = 7,
            });
            if (!result) {
                const auto* cut = result.error().as<instructor::IncompleteOutputError>();
                const auto* retry = result.error().as<instructor::RetryError>();
                INFO(result.error().what());
                REQUIRE((cut || retry));
                if (cut) CHECK(cut->completion().usage.completion_tokens == 40);
                if (retry) CHECK_FALSE(retry->attempts().back().completion.text.empty());
            }
        }
    }
    SECTION("tool modes are refused up front, saying why") {
        try {
            (void)instructor::from_llama(model(), Mode::tools);
            FAIL("tools mode was accepted");
        } catch (const instructor::ConfigurationError& e) {
            CHECK(std::string(e.what()).find("tool-call parser") != std::string::npos);
        }
    }
}

TEST_CASE("a streamed reply comes token by token and says the same as the whole reply") {
    auto body = chat_body("Once upon a time", 11);
    body["max_tokens"] = 60;
    body["stop"] = {"e "};
    const auto whole = call(body);
    std::string finish;
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
    const std::string streamed = streamed_text(body, finish);
    const std::string text = whole["choices"][0]["message"]["content"];
    CHECK(streamed == text);
    CHECK(finish == whole["choices"][0]["finish_reason"]);
    CHECK(text.find("e ") == std::string::npos);  // cut at the stop string, which is not sent
}

TEST_CASE("create_partial and create_iterable stream from the process") {
    const auto client = instructor::from_llama(model(), Mode::json_schema);
    SECTION("create_partial sees the value grow, then gets it whole and checked") {
        int updates = 0;
        const auto user = client.create_partial<UserDetail>(
            {.model = "", .messages = {instructor::user("Jason is 30")}, .max_retries = 0, .seed = 3},
            [&](const UserDetail&) { ++updates; });
        CHECK(updates >= 2);
        CHECK_FALSE(user.name.empty());
    }
    SECTION("create_iterable hands over each item, checked, as soon as it is complete") {
        // The tiny model's lists are empty or endless: endless ones show items arriving before the
        // reply ends (here cut off by max_tokens), empty ones that streamed and whole calls agree.
        std::size_t handed = 0;
        int cut = 0, agreed = 0;
        for (std::int64_t seed = 1; seed <= 12; ++seed) {
            const instructor::Request request{.model = "",
                                              .messages = {instructor::user("List users")},
                                              .max_retries = 0,
                                              .temperature = 2.0,
                                              .max_tokens = 300,
                                              .seed = seed};
            std::vector<std::string> streamed;
            try {
                client.create_iterable<ShortUser>(request, [&](ShortUser user) {
                    CHECK_FALSE(user.name->empty());
                    CHECK(user.name->size() <= 8);
                    streamed.push_back(*user.name);
                });
            } catch (const instructor::IncompleteOutputError& e) {
                ++cut;
                handed += streamed.size();
                CHECK(e.completion().text.find(streamed.at(0)) != std::string::npos);  // items came; the reply is kept
                continue;
            }
            // The same seed, not streamed: the same tokens, so the same items.
            const auto listed = client.create<std::vector<ShortUser>>(request);
            REQUIRE(streamed.size() == listed.size());
            for (std::size_t i = 0; i < listed.size(); ++i) CHECK(streamed[i] == *listed[i].name);
            ++agreed;
        }
        CHECK(cut > 0);
        CHECK(handed >= static_cast<std::size_t>(cut));  // every cut-off list had items before its end
        CHECK(agreed > 0);
    }
}

TEST_CASE("max_tokens cuts a reply off and says so") {
    auto body = chat_body("Once upon a time", 5);
    body["max_tokens"] = 7;
    const auto reply = call(body);
    CHECK(reply["choices"][0]["finish_reason"] == "length");
    CHECK(reply["usage"]["completion_tokens"] == 7);

    const auto client = instructor::from_llama(model(), Mode::json_schema);
    try {
        (void)client.create<UserDetail>(
            {.model = "", .messages = {instructor::user("Jason is 30")}, .max_retries = 0, .max_tokens = 3});
        FAIL("a reply cut at 3 tokens was accepted");
    } catch (const instructor::IncompleteOutputError& e) {
        CHECK(e.completion().finish_reason == instructor::FinishReason::length);
        CHECK(e.completion().usage.completion_tokens == 3);
        CHECK_FALSE(e.completion().text.empty());  // the reply so far is kept
    }
}

TEST_CASE("the same seed samples the same reply") {
    auto body = chat_body("Once upon a time", 42);
    body["max_tokens"] = 30;
    const auto first = call(body)["choices"][0]["message"]["content"];
    const auto again = call(body)["choices"][0]["message"]["content"];
    CHECK(first == again);
    body["seed"] = 43;
    body["temperature"] = 1.5;
    bool differs = false;
    for (int seed = 43; seed < 48 && !differs; ++seed) {
        body["seed"] = seed;
        differs = call(body)["choices"][0]["message"]["content"] != first;
    }
    CHECK(differs);
}

TEST_CASE("a call is cancelled between tokens") {
    const auto client = instructor::from_llama(model(), Mode::json);
    std::stop_source stop;
    std::atomic<int> chunks{0};
    instructor::ClientOptions options;
    const auto started = std::chrono::steady_clock::now();
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        stop.request_stop();
    });
    try {
        (void)client.create_partial<UserDetail>({.model = "",
                                                 .messages = {instructor::user("Once upon a time")},
                                                 .max_retries = 0,
                                                 .max_tokens = 3000,
                                                 .stream = true,
                                                 .cancel = stop.get_token()},
                                                [&](const UserDetail&) { ++chunks; });
        FAIL("the call was not cancelled");
    } catch (const instructor::CancelledError&) {
        const auto took = std::chrono::steady_clock::now() - started;
        CHECK(took < std::chrono::seconds(2));
    }
    canceller.join();
}

TEST_CASE("a prompt longer than the context is a ContextLengthError with both numbers") {
    const auto small =
        instructor::LlamaModel::load({.model_path = INSTRUCTOR_LLAMA_TEST_MODEL, .context_size = 32, .threads = 1});
    const auto client = instructor::from_llama(small, Mode::json_schema);
    try {
        (void)client.create<UserDetail>(
            {.model = "", .messages = {instructor::user(std::string(400, 'a') + " Jason is 30")}, .max_retries = 0});
        FAIL("an oversized prompt was accepted");
    } catch (const instructor::ContextLengthError& e) {
        CHECK(e.details().context_window == 32);
        CHECK(e.details().prompt_tokens > 32);
    }
}

TEST_CASE("calls from several threads share one loaded model") {
    const auto client = instructor::from_llama(model(), Mode::json_schema);
    std::atomic<int> values{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 3; ++i) {
                const auto user = client.try_create<UserDetail>(
                    {.model = "", .messages = {instructor::user("Jason is 30")}, .max_retries = 1, .seed = t * 10 + i});
                if (user && !user->name.empty()) ++values;
            }
        });
    for (auto& thread : threads) thread.join();
    CHECK(values == 12);
}

TEST_CASE("loading fails with a clear error") {
    SECTION("no file") {
        CHECK_THROWS_WITH(instructor::LlamaModel::load({.model_path = "/nonexistent/model.gguf"}),
                          Catch::Matchers::Contains("no model file at '/nonexistent/model.gguf'"));
    }
    SECTION("not a GGUF file") {
        CHECK_THROWS_AS(instructor::LlamaModel::load({.model_path = INSTRUCTOR_LLAMA_TEST_NOT_A_MODEL}),
                        instructor::ConfigurationError);
    }
    SECTION("a chat template llama.cpp does not know") {
        CHECK_THROWS_WITH(instructor::LlamaModel::load(
                              {.model_path = INSTRUCTOR_LLAMA_TEST_MODEL, .chat_template = "no-such-template"}),
                          Catch::Matchers::Contains("does not know the chat template 'no-such-template'"));
    }
}

// ---- models that think --------------------------------------------------------------------------------

namespace {

// The tiny model under llama.cpp's "bailing-think" template, whose prompt ends in an open <think>:
// the model starts inside a thinking block, as a DeepSeek-R1 distill does.
const std::shared_ptr<const instructor::LlamaModel>& thinking_model() {
    static const std::shared_ptr<const instructor::LlamaModel> loaded = instructor::LlamaModel::load(
        {.model_path = INSTRUCTOR_LLAMA_TEST_MODEL, .threads = 1, .chat_template = "bailing-think", .max_contexts = 2});
    return loaded;
}

instructor::Request thinking_request(std::int64_t seed, std::optional<instructor::Thinking> thinking) {
    instructor::Request request{.model = "",
                                .messages = {instructor::user("Extract: Jason is 30 years old")},
                                .max_retries = 0,
                                .temperature = 1.0,
                                .max_tokens = 400,
                                .seed = seed};
    request.thinking = thinking;
    return request;
}

}  // namespace

TEST_CASE("in the process a model thinks freely, then answers under the grammar, its thinking ended by the budget") {
    const auto client = instructor::from_llama(thinking_model(), Mode::json_schema);
    constexpr int samples = 100;
    constexpr int budget = 24;
    int accepted = 0, with_reasoning = 0, ended_by_budget = 0;
    for (std::int64_t seed = 1; seed <= samples; ++seed) {
        INFO("seed " << seed);
        instructor::Extraction<ShortUser> with;
        try {
            with = client.create_with_completion<ShortUser>(
                thinking_request(seed, instructor::Thinking{.budget_tokens = budget}));
        } catch (const instructor::Error& e) {
            FAIL_CHECK(e.what());
            continue;
        }
        ++accepted;  // nothing thrown with no re-ask allowed: the strict parser took the first answer
        const auto& completion = with.completions.back();
        CHECK(with.completions.size() == 1);
        if (!with.reasoning().empty()) ++with_reasoning;
        CHECK(completion.text.find("think>") == std::string::npos);  // the answer alone
        CHECK(completion.usage.reasoning_tokens <= budget);
        if (completion.usage.reasoning_tokens == budget) ++ended_by_budget;
    }
    std::cout << "in-process thinking (bailing-think template, budget " << budget << " tokens): " << accepted << "/"
              << samples << " accepted by the strict parser, " << with_reasoning << " with reasoning, "
              << ended_by_budget << " ended by the budget\n";
    CHECK(accepted == samples);
    CHECK(with_reasoning == samples);
    CHECK(ended_by_budget == samples);  // the tiny model never writes </think> itself, nor may it end its turn
}

TEST_CASE("in the process the reasoning streams apart from the value, as the whole reply has it") {
    const auto client = instructor::from_llama(thinking_model(), Mode::json_schema);
    for (std::int64_t seed = 1; seed <= 5; ++seed) {
        INFO("seed " << seed);
        const auto request = thinking_request(seed, instructor::Thinking{.budget_tokens = 16});
        std::string heard;
        int updates = 0;
        const ShortUser streamed = client.create_partial<ShortUser>(
            request, [&](const ShortUser&) { ++updates; }, [&](std::string_view delta) { heard += delta; });
        const auto whole = client.create_with_completion<ShortUser>(request);
        CHECK(heard == whole.reasoning());
        CHECK(*streamed.name == *whole.value.name);
        CHECK(updates >= 1);
    }
    // On the wire: reasoning_content deltas, then content ones, as llama-server streams them.
    auto body = chat_body("Jason is 30", 4);
    body["grammar"] = instructor::gbnf<ShortUser>();
    body["reasoning_budget_tokens"] = 12;
    const auto reply = thinking_model()->chat({.url = "", .headers = {}, .body = body.dump()});
    const auto whole = nlohmann::json::parse(reply.body);
    CHECK(whole["usage"]["completion_tokens_details"]["reasoning_tokens"] == 12);
    CHECK_FALSE(whole["choices"][0]["message"]["reasoning_content"].get<std::string>().empty());
}

TEST_CASE("in the process thinking turned off closes the template's block at once, and answers") {
    const auto client = instructor::from_llama(thinking_model(), Mode::json_schema);
    for (std::int64_t seed = 1; seed <= 10; ++seed) {
        const auto result =
            client.create_with_completion<ShortUser>(thinking_request(seed, instructor::Thinking::off()));
        CHECK(result.reasoning().empty());
        CHECK(result.completions.back().usage.reasoning_tokens == 0);
        CHECK_FALSE(result.value.name->empty());
    }
    try {
        (void)client.create<ShortUser>(
            thinking_request(1, instructor::Thinking{.effort = instructor::ThinkingEffort::low}));
        FAIL("an effort was accepted in the process");
    } catch (const instructor::ConfigurationError& e) {
        CHECK(std::string(e.what()).find("budget_tokens") != std::string::npos);
    }
}

TEST_CASE("in the process a template without thinking samples as before, whatever the request says of thinking") {
    const auto client = instructor::from_llama(model(), Mode::json_schema);  // chatml: no thinking block
    for (std::int64_t seed = 1; seed <= 10; ++seed) {
        INFO("seed " << seed);
        const auto plain = client.create_with_completion<ShortUser>(thinking_request(seed, std::nullopt));
        const auto asked =
            client.create_with_completion<ShortUser>(thinking_request(seed, instructor::Thinking{.budget_tokens = 24}));
        const auto off = client.create_with_completion<ShortUser>(thinking_request(seed, instructor::Thinking::off()));
        CHECK(asked.completions.back().text == plain.completions.back().text);
        CHECK(off.completions.back().text == plain.completions.back().text);
        CHECK(asked.reasoning().empty());
        CHECK(asked.completions.back().usage == plain.completions.back().usage);
    }
}
