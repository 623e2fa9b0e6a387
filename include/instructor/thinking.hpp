#pragma once
// Thinking: whether a model that reasons before it answers (Qwen3, DeepSeek-R1, gpt-oss, Magistral,
// OpenAI's o-series...) does so, and how much. Set on Request::thinking; each provider maps it to
// its own fields, and a setting a provider has no field for is a ConfigurationError, never dropped.
//
//     .thinking = instructor::Thinking{.effort = instructor::ThinkingEffort::low}
//     .thinking = instructor::Thinking{.budget_tokens = 512}   // llama.cpp, a server or in the process
//     .thinking = instructor::Thinking::off()

#include <optional>
#include <string_view>

namespace instructor {

/// How hard a reasoning model thinks, where its provider has a setting for it: `reasoning_effort`
/// (OpenAI, Groq, Together, Mistral, Ollama's /v1) or Ollama's `think` levels. Each provider takes
/// some of these values; another is a ConfigurationError naming the ones it takes.
enum class ThinkingEffort { minimal, low, medium, high, max };

/// "minimal", "low", "medium", "high", "max": the values as the providers spell them.
[[nodiscard]] std::string_view to_string(ThinkingEffort effort) noexcept;

/// What a request asks of a model that can think before it answers (Request::thinking).
struct Thinking {
    /// false: answer without thinking, where the model or the server can turn it off.
    bool enabled = true;
    /// How hard to think; none: the model's own default.
    std::optional<ThinkingEffort> effort{};
    /// At most this many tokens of thinking, after which the model is made to close its thinking
    /// and answer: llama.cpp in the process (exactly), a llama.cpp server (in Mode::gbnf the
    /// grammar bounds the thinking at 4 characters a token). none: no bound but max_tokens.
    std::optional<int> budget_tokens{};

    /// Thinking turned off.
    [[nodiscard]] static Thinking off() noexcept {
        Thinking thinking;
        thinking.enabled = false;
        return thinking;
    }
};

}  // namespace instructor
