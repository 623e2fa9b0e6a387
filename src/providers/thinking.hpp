#pragma once
// Request::thinking in each dialect's words, and the grammar that lets a model think before the
// type's own grammar begins (llama.cpp's `grammar` field).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/thinking.hpp>

namespace instructor::providers {

/// How a dialect says Request::thinking.
enum class ThinkingControl {
    none,              // no field: only Thinking{} (the model's default) is taken, and nothing is sent
    reasoning_effort,  // "reasoning_effort", "none" when off (OpenAI, Mistral, Ollama's /v1, other servers)
    groq,              // reasoning_effort ("none" when off), and reasoning_format "parsed" when on
    together,          // "reasoning": {"enabled"}, and reasoning_effort
    llama_cpp,         // chat_template_kwargs.enable_thinking, and reasoning_budget_tokens
    ollama_native,     // "think": true, false or a level
};

/// How one dialect takes Request::thinking.
struct ThinkingDialect {
    ThinkingControl control = ThinkingControl::none;
    std::vector<ThinkingEffort> efforts{};  // the efforts its field takes
};

/// The members `thinking` adds to a body of `provider` (merged after the sampling fields), or a
/// ConfigurationError saying which setting it has no field for and what it takes instead.
[[nodiscard]] nlohmann::ordered_json thinking_fields(std::string_view provider, const ThinkingDialect& dialect,
                                                     const Thinking& thinking);

/// Characters of thinking the grammar allows when the request names no budget.
inline constexpr int default_thinking_characters = 8192;

/// `grammar` (whose start rule is `root`, as gbnf<T>() writes it) after a thinking block: an
/// optional "<think>" (a chat template may have opened the block in the prompt), at most
/// 4 * budget_tokens characters (default_thinking_characters without a budget) in which "</"
/// cannot appear, "</think>", a little whitespace, then the type. A ConfigurationError for a
/// grammar that does not start with its root rule.
[[nodiscard]] std::string thinking_grammar(std::string_view grammar, std::optional<int> budget_tokens);

}  // namespace instructor::providers
