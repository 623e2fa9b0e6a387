// Mistral: OpenAI-like, but its request schema is closed (unknown fields are a 422), the seed is
// random_seed, stream_options is refused, a tool is forced with "any", and tool call ids must be
// exactly 9 letters or digits (ids from other providers are rewritten, the same way every time).
// Reasoning models answer with content parts, thinking ones among them; a re-ask sends the thinking
// back as such a part.
#include <string>

#include "openai_dialect.hpp"
#include "registry.hpp"

namespace instructor::providers {
namespace {

bool is_mistral_id(const std::string& id) {
    if (id.size() != 9) return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
    return true;
}

// A stable 9-character id for any other id (FNV-1a, written in base 62).
std::string mistral_id(const std::string& id) {
    if (is_mistral_id(id)) return id;
    std::uint64_t hash = 1469598103934665603ULL;
    for (unsigned char c : id) hash = (hash ^ c) * 1099511628211ULL;
    static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::string out(9, '0');
    for (char& c : out) {
        c = digits[hash % 62];
        hash /= 62;
    }
    return out;
}

class MistralDialect final : public OpenAIDialect {
public:
    using OpenAIDialect::OpenAIDialect;

protected:
    nlohmann::ordered_json message_json(const Message& message) const override {
        nlohmann::ordered_json m = OpenAIDialect::message_json(message);
        if (auto calls = m.find("tool_calls"); calls != m.end())
            for (auto& call : *calls) call["id"] = mistral_id(call["id"].get<std::string>());
        if (message.role == Role::tool) {
            m["tool_call_id"] = mistral_id(message.tool_call_id);
            if (!message.name.empty()) m["name"] = message.name;
        }
        if (message.role == Role::assistant && !message.reasoning.empty()) {
            // The reasoning goes back as the thinking part it came as, before the answer's text.
            using ojson = nlohmann::ordered_json;
            ojson parts = ojson::array();
            parts.push_back(
                {{"type", "thinking"}, {"thinking", ojson::array({{{"type", "text"}, {"text", message.reasoning}}})}});
            if (!message.content.empty()) parts.push_back({{"type", "text"}, {"text", message.content}});
            m["content"] = std::move(parts);
        }
        return m;
    }
};

}  // namespace

const Provider& mistral() {
    static const MistralDialect instance(DialectSettings{
        .name = "mistral",
        .base_url = "https://api.mistral.ai/v1",
        .key_variable = "MISTRAL_API_KEY",
        .default_mode = Mode::mistral_tools,
        .modes = {Mode::mistral_tools, Mode::tools, Mode::parallel_tools, Mode::json, Mode::json_schema, Mode::md_json},
        .seed_field = "random_seed",
        .forcing = ToolForcing::any,
        .json_schema_strict = JsonSchemaStrict::always,
        .stream_usage = false,
        .thinking = {.control = ThinkingControl::reasoning_effort,
                     .efforts = {ThinkingEffort::minimal, ThinkingEffort::low, ThinkingEffort::medium,
                                 ThinkingEffort::high}},
    });
    return instance;
}

}  // namespace instructor::providers
