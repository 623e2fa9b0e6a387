// Request bodies: one golden file per provider, mode and stream setting, checked in, and checked
// against each provider's official request schema by the conformance test. Run with
// INSTRUCTOR_UPDATE_GOLDEN=1 to rewrite them, then review the diff.

#include "catch.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <instructor/detail/json/json_writer.hpp>
#include <instructor/instructor.hpp>

namespace provider_requests_test {

using instructor::Annotated;
using instructor::Mode;
using ojson = nlohmann::ordered_json;

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

std::string model_for(std::string_view provider) {
    if (provider == "openai") return "gpt-4o-mini";
    if (provider == "groq") return "llama-3.3-70b-versatile";
    if (provider == "together") return "meta-llama/Llama-3.3-70B-Instruct-Turbo";
    if (provider == "anyscale") return "mistralai/Mixtral-8x7B-Instruct-v0.1";
    if (provider == "mistral") return "mistral-large-latest";
    if (provider == "ollama" || provider == "ollama-native") return "llama3.1";
    return "local-model";
}

instructor::Request sample_request(std::string_view provider, Mode mode, bool stream) {
    instructor::Request request{
        .model = model_for(provider),
        .messages = {instructor::system("You extract facts about people."),
                     instructor::user("Jason is 25 years old and lives in Paris.")},
        .max_retries = 0,
        .temperature = 0.0,
        .top_p = {},
        .max_tokens = 512,
        .seed = 7,
        .stop = {},
        .stream = stream,
    };
    if (mode == Mode::parallel_tools)
        request.response_models = instructor::response_models_of<std::variant<Search, Lookup>>();
    else
        request.response_models = {instructor::response_model<UserDetail>()};
    return request;
}

std::filesystem::path golden_path(std::string_view provider, Mode mode, bool stream) {
    return std::filesystem::path(INSTRUCTOR_GOLDEN_DIR) / "requests" / std::string(provider) /
           (std::string(instructor::to_string(mode)) + (stream ? ".stream.json" : ".json"));
}

// The second request of a tools-mode call whose first answer failed: the echoed tool call and its
// result, as run_extraction writes them.
instructor::Request reask_request(std::string_view provider) {
    auto request = sample_request(provider, Mode::tools, false);
    const instructor::ToolCall call{"call_1", "UserDetail", R"({"name":"Jason","age":"25"})"};
    request.messages.push_back(instructor::assistant("", {call}));
    request.messages.push_back(instructor::tool_result(
        "call_1", "UserDetail",
        "Validation errors:\n/age: expected an integer, got \"25\"\nCall the function again with these errors fixed."));
    return request;
}

std::filesystem::path golden_reask_path(std::string_view provider) {
    return std::filesystem::path(INSTRUCTOR_GOLDEN_DIR) / "requests" / std::string(provider) / "tools.reask.json";
}

// The golden body at `path` equals `body` (or is rewritten, when updating).
void check_golden(const std::filesystem::path& path, const ojson& body);

bool updating() {
    const char* flag = std::getenv("INSTRUCTOR_UPDATE_GOLDEN");
    return flag != nullptr && std::string(flag) == "1";
}

}  // namespace provider_requests_test

using namespace provider_requests_test;

void provider_requests_test::check_golden(const std::filesystem::path& path, const ojson& body) {
    INFO(path.string());
    if (updating()) {
        std::filesystem::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << body.dump(2) << '\n';
        return;
    }
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    std::stringstream text;
    text << in.rdbuf();
    INFO("built:\n" << body.dump(2));
    CHECK(body == ojson::parse(text.str()));
}

TEST_CASE("every provider and mode it supports builds the checked-in request body, streaming or not") {
    std::set<std::filesystem::path> expected;
    for (const auto name : instructor::provider_names()) {
        const auto& provider = instructor::provider(name);
        for (const Mode mode : provider.supported_modes()) {
            for (const bool stream : {false, true}) {
                const auto path = golden_path(name, mode, stream);
                expected.insert(path);
                check_golden(path, provider.build_body(sample_request(name, mode, stream), mode));
            }
        }
        // The tools re-ask: what each dialect makes of an echoed tool call and its result.
        const auto& modes = provider.supported_modes();
        if (std::find(modes.begin(), modes.end(), Mode::tools) != modes.end()) {
            expected.insert(golden_reask_path(name));
            check_golden(golden_reask_path(name), provider.build_body(reask_request(name), Mode::tools));
        }
    }
    // No stale golden body for a pair that is no longer supported.
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(std::filesystem::path(INSTRUCTOR_GOLDEN_DIR) / "requests")) {
        // thinking.*.json: Request::thinking's bodies, test_thinking.cpp's to check.
        if (!entry.is_regular_file() || entry.path().filename().string().starts_with("thinking.")) continue;
        INFO(entry.path().string());
        CHECK(expected.count(entry.path()) == 1);
    }
}

TEST_CASE("the body text sent is exactly the golden body written out, the first time and from the cache") {
    // write_body writes the schema part once per model and joins text; build_body is the reference.
    const auto variants = [](std::string_view name, Mode mode, bool stream) {
        std::vector<instructor::Request> requests{sample_request(name, mode, stream)};
        auto pictured = sample_request(name, mode, stream);
        pictured.messages.push_back(instructor::user(
            {instructor::text_part("And \"here\"?\n"), instructor::image_base64("image/png", "iVBORw0KGgo=")}));
        pictured.messages.push_back(instructor::assistant("", {{"call_1", "UserDetail", R"({"name":"J\u00e9"})"}}));
        pictured.messages.push_back(instructor::tool_result("call_1", "UserDetail", "ok"));
        requests.push_back(pictured);
        auto bare = sample_request(name, mode, stream);
        bare.temperature.reset();
        bare.max_tokens.reset();
        bare.seed.reset();
        bare.messages = {instructor::user("only a user message")};  // json modes add a system message
        requests.push_back(bare);
        auto extra = sample_request(name, mode, stream);
        extra.extra = {{"temperature", 0.5}, {"top_k", 3}};
        requests.push_back(extra);
        auto parted = sample_request(name, mode, stream);  // a system message of parts: no instruction joins it
        parted.messages.front().parts = {instructor::text_part("You extract facts.")};
        requests.push_back(parted);
        auto talk = sample_request(name, mode, stream);
        talk.messages.push_back(instructor::assistant("Jason, 25 \u00e9\t\u0001"));
        talk.messages.push_back(instructor::user("And his city?"));
        requests.push_back(talk);
        auto stops = sample_request(name, mode, stream);
        stops.stop = {"</s>", "\n\n"};
        stops.top_p = 0.9;
        requests.push_back(stops);
        return requests;
    };
    for (const auto name : instructor::provider_names()) {
        const auto& provider = instructor::provider(name);
        for (const Mode mode : provider.supported_modes()) {
            for (const bool stream : {false, true}) {
                for (const auto& request : variants(name, mode, stream)) {
                    INFO(name << " " << instructor::to_string(mode) << (stream ? " stream" : "") << "\n"
                              << instructor::detail::write_json(provider.build_body(request, mode)));
                    const std::string expected = instructor::detail::write_json(provider.build_body(request, mode));
                    CHECK(provider.write_body(request, mode) == expected);
                    CHECK(provider.write_body(request, mode) == expected);  // from the cache
                }
            }
        }
        const auto& modes = provider.supported_modes();
        if (std::find(modes.begin(), modes.end(), Mode::tools) != modes.end()) {
            const auto request = reask_request(name);
            CHECK(provider.write_body(request, Mode::tools) ==
                  instructor::detail::write_json(provider.build_body(request, Mode::tools)));
        }
    }
}

TEST_CASE("a response model made per call gets its own body, never another model's cached one") {
    // Two models with the same name and description but different schemas, made and dropped in turn.
    const auto& provider = instructor::provider("openai");
    for (int i = 0; i < 300; ++i) {
        auto request = sample_request("openai", Mode::tools, false);
        auto model = instructor::response_model<UserDetail>();
        auto schema = std::make_shared<ojson>(*model.schema);
        (*schema)["properties"]["marker"] = {{"const", i}};
        model.schema = schema;
        model.inlined_schema = nullptr;
        request.response_models = {model};
        const std::string body = provider.write_body(request, Mode::tools);
        CHECK(body == instructor::detail::write_json(provider.build_body(request, Mode::tools)));
        CHECK(body.find("\"marker\":{\"const\":" + std::to_string(i) + "}") != std::string::npos);
    }
}

TEST_CASE("a mode a provider does not support is refused with the modes it does support") {
    const auto request = sample_request("ollama", Mode::tools, false);
    try {
        (void)instructor::provider("ollama").build_body(request, Mode::tools);
        FAIL("ollama cannot force a tool call");
    } catch (const instructor::ConfigurationError& e) {
        CHECK(std::string(e.what()) ==
              "ollama does not support mode tools (Ollama ignores tool_choice, so it cannot be made to call the tool; "
              "use json_schema, which constrains the output instead); it supports: json, json_schema, md_json");
    }
    try {
        (void)instructor::provider("groq").build_body(sample_request("groq", Mode::tools_strict, false),
                                                      Mode::tools_strict);
        FAIL("groq has no strict tools");
    } catch (const instructor::ConfigurationError& e) {
        CHECK(
            std::string(e.what()) ==
            "groq does not support mode tools_strict; it supports: tools, parallel_tools, json, json_schema, md_json");
    }
}

TEST_CASE("an unknown provider name is refused with the known names") {
    try {
        (void)instructor::provider("gemini");
        FAIL("no such provider");
    } catch (const instructor::ConfigurationError& e) {
        CHECK(
            std::string(e.what()) ==
            "unknown provider \"gemini\"; the known ones are: openai, groq, together, anyscale, ollama, ollama-native, "
            "mistral, llama-cpp, llama-cpp-python, openai-compatible");
    }
}

TEST_CASE("each provider is forced to call the tool in its own way") {
    auto choice = [](std::string_view name, Mode mode) {
        return instructor::provider(name).build_body(sample_request(name, mode, false), mode)["tool_choice"];
    };
    CHECK(choice("openai", Mode::tools) == ojson::parse(R"({"type":"function","function":{"name":"UserDetail"}})"));
    CHECK(choice("llama-cpp", Mode::tools) == "required");
    CHECK(choice("mistral", Mode::mistral_tools) == "any");
    CHECK(choice("llama-cpp-python", Mode::tools) ==
          ojson::parse(R"({"type":"function","function":{"name":"UserDetail"}})"));
    CHECK(choice("openai", Mode::parallel_tools) == "auto");
}

TEST_CASE("strict modes send the OpenAI strict schema, and a type without one is refused clearly") {
    const auto body = instructor::provider("openai").build_body(sample_request("openai", Mode::tools_strict, false),
                                                                Mode::tools_strict);
    const auto& function = body["tools"][0]["function"];
    CHECK(function["strict"] == true);
    CHECK(function["parameters"] == instructor::json_schema<UserDetail>(instructor::SchemaForm::openai_strict));

    struct Tagged {
        std::map<std::string, int> counts;
    };
    auto request = sample_request("openai", Mode::tools_strict, false);
    request.response_models = {instructor::response_model<Tagged>()};
    CHECK_THROWS_AS(instructor::provider("openai").build_body(request, Mode::tools_strict),
                    instructor::ConfigurationError);
    // json_schema mode falls back to the plain schema without strict when the type has no strict form.
    const auto fallback = instructor::provider("openai").build_body(request, Mode::json_schema);
    CHECK_FALSE(fallback["response_format"]["json_schema"].contains("strict"));
}

TEST_CASE("extra provider fields pass through untouched and win over the library's") {
    auto request = sample_request("together", Mode::json, false);
    request.extra = {{"repetition_penalty", 1.1}, {"temperature", 0.3}};
    const auto body = instructor::provider("together").build_body(request, Mode::json);
    CHECK(body["repetition_penalty"] == 1.1);
    CHECK(body["temperature"] == 0.3);
}

TEST_CASE("conversation history is written in each dialect: tool calls, tool results and images") {
    auto request = sample_request("mistral", Mode::mistral_tools, false);
    request.messages.push_back(instructor::assistant("", {{"call_abc123xyz", "UserDetail", R"({"name":"Jason"})"}}));
    request.messages.push_back(instructor::tool_result("call_abc123xyz", "UserDetail", "age is missing"));
    const auto mistral = instructor::provider("mistral").build_body(request, Mode::mistral_tools);
    const std::string id = mistral["messages"][2]["tool_calls"][0]["id"];
    CHECK(id.size() == 9);
    CHECK(mistral["messages"][3]["tool_call_id"] == id);  // the same rewrite on both sides
    CHECK(mistral["messages"][3]["name"] == "UserDetail");

    auto native = sample_request("ollama-native", Mode::json_schema, false);
    native.messages.push_back(instructor::user(
        {instructor::text_part("Who is in this photo?"), instructor::image_base64("image/png", "iVBORw0KGgo=")}));
    native.messages.push_back(instructor::assistant("", {{"", "UserDetail", R"({"name":"Jason","age":25})"}}));
    native.messages.push_back(instructor::tool_result("", "UserDetail", "ok"));
    const auto ollama = instructor::provider("ollama-native").build_body(native, Mode::json_schema);
    CHECK(ollama["messages"][2] ==
          ojson::parse(R"({"role":"user","content":"Who is in this photo?","images":["iVBORw0KGgo="]})"));
    CHECK(ollama["messages"][3]["tool_calls"][0]["function"]["arguments"] ==
          ojson::parse(R"({"name":"Jason","age":25})"));
    CHECK(ollama["messages"][4] == ojson::parse(R"({"role":"tool","content":"ok","tool_name":"UserDetail"})"));

    auto openai = sample_request("openai", Mode::tools, false);
    openai.messages.push_back(
        instructor::user({instructor::text_part("And here?"), instructor::image_url("https://example.com/a.png")}));
    CHECK(
        instructor::provider("openai").build_body(openai, Mode::tools)["messages"][2]["content"] ==
        ojson::parse(
            R"([{"type":"text","text":"And here?"},{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}])"));
}

TEST_CASE("simple response types travel wrapped, as Instructor wraps them") {
    CHECK(instructor::response_model<int>().name == "Response");
    CHECK(instructor::response_model<int>().schema->at("properties").contains("content"));
    CHECK(instructor::response_model<std::vector<UserDetail>>().name == "IterableUserDetail");
    CHECK(instructor::response_model<std::vector<UserDetail>>().schema->at("properties")["tasks"]["items"] ==
          ojson::parse(R"({"$ref":"#/$defs/UserDetail"})"));
    CHECK(instructor::response_model<UserDetail>().name == "UserDetail");
    CHECK(instructor::response_model<UserDetail>().description == "A person mentioned in the text");
}

TEST_CASE("the tool modes are the ones whose answer comes back as a function call") {
    using instructor::Mode;
    for (const Mode mode : {Mode::tools, Mode::tools_strict, Mode::parallel_tools, Mode::mistral_tools})
        CHECK(instructor::is_tool_mode(mode));
    for (const Mode mode : {Mode::json, Mode::json_schema, Mode::md_json}) CHECK_FALSE(instructor::is_tool_mode(mode));
}
