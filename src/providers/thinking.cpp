#include "thinking.hpp"

#include <algorithm>

#include <instructor/error.hpp>

namespace instructor::providers {
namespace {

using ojson = nlohmann::ordered_json;

std::string listed(const std::vector<ThinkingEffort>& efforts) {
    std::string text;
    for (const ThinkingEffort effort : efforts) text += (text.empty() ? "" : ", ") + std::string(to_string(effort));
    return text;
}

std::string effort_value(std::string_view provider, const ThinkingDialect& dialect, ThinkingEffort effort) {
    const auto& efforts = dialect.efforts;
    if (std::find(efforts.begin(), efforts.end(), effort) == efforts.end())
        throw ConfigurationError(std::string(provider) + " takes no thinking effort \"" +
                                 std::string(to_string(effort)) + "\"; it takes: " + listed(efforts));
    return std::string(to_string(effort));
}

[[noreturn]] void no_budget(std::string_view provider) {
    throw ConfigurationError(std::string(provider) +
                             " has no thinking budget in tokens (Thinking::budget_tokens): set an effort instead, or "
                             "bound the whole reply with max_tokens");
}

[[noreturn]] void no_effort(std::string_view provider, std::string_view instead) {
    throw ConfigurationError(std::string(provider) + " has no thinking effort (Thinking::effort)" +
                             std::string(instead));
}

}  // namespace

ojson thinking_fields(std::string_view provider, const ThinkingDialect& dialect, const Thinking& thinking) {
    if (thinking.budget_tokens && *thinking.budget_tokens < 1)
        throw ConfigurationError("Thinking::budget_tokens must be at least 1 (Thinking::off() turns thinking off)");
    if (!thinking.enabled && (thinking.effort || thinking.budget_tokens))
        throw ConfigurationError("Thinking::off() with an effort or a budget: thinking is either off or bounded");
    ojson fields = ojson::object();
    switch (dialect.control) {
        case ThinkingControl::none:
            if (!thinking.enabled || thinking.effort || thinking.budget_tokens)
                throw ConfigurationError(std::string(provider) +
                                         " has no setting for thinking: leave Request::thinking unset (a <think> block "
                                         "in the reply is still read as reasoning)");
            break;
        case ThinkingControl::reasoning_effort:
            if (thinking.budget_tokens) no_budget(provider);
            if (!thinking.enabled) fields["reasoning_effort"] = "none";
            if (thinking.effort) fields["reasoning_effort"] = effort_value(provider, dialect, *thinking.effort);
            break;
        case ThinkingControl::groq:
            if (thinking.budget_tokens) no_budget(provider);
            if (!thinking.enabled) {
                fields["reasoning_effort"] = "none";
                break;
            }
            if (thinking.effort) fields["reasoning_effort"] = effort_value(provider, dialect, *thinking.effort);
            fields["reasoning_format"] = "parsed";  // the reasoning in a field of its own
            break;
        case ThinkingControl::together:
            if (thinking.budget_tokens) no_budget(provider);
            fields["reasoning"] = {{"enabled", thinking.enabled}};
            if (thinking.effort) fields["reasoning_effort"] = effort_value(provider, dialect, *thinking.effort);
            break;
        case ThinkingControl::llama_cpp:
            if (thinking.effort)
                no_effort(provider,
                          " (llama.cpp reads reasoning_effort only as \"none\"): bound the thinking with "
                          "Thinking::budget_tokens");
            fields["chat_template_kwargs"] = {{"enable_thinking", thinking.enabled}};
            if (thinking.budget_tokens) fields["reasoning_budget_tokens"] = *thinking.budget_tokens;
            break;
        case ThinkingControl::ollama_native:
            if (thinking.budget_tokens) no_budget(provider);
            if (thinking.effort)
                fields["think"] = effort_value(provider, dialect, *thinking.effort);
            else
                fields["think"] = thinking.enabled;
            break;
    }
    return fields;
}

std::string thinking_grammar(std::string_view grammar, std::optional<int> budget_tokens) {
    constexpr std::string_view root = "root ::= ";
    if (!grammar.starts_with(root))
        throw ConfigurationError(
            "a grammar to think before: it must start with its root rule (\"root ::= ...\"), as "
            "gbnf<T>() writes it");
    const long long characters =
        budget_tokens ? 4LL * std::max(*budget_tokens, 1) : static_cast<long long>(default_thinking_characters);
    std::string out;
    out.reserve(grammar.size() + 256);
    out += "root ::= \"<think>\"? thinking-text \"</think>\" [ \\t\\n]{0,4} thinking-answer\n";
    out += "thinking-text ::= thinking-char{0," + std::to_string(characters) + "}\n";
    out += "thinking-char ::= [^<] | \"<\" [^/]\n";
    out += "thinking-answer ::= ";
    out.append(grammar.substr(root.size()));
    return out;
}

}  // namespace instructor::providers
