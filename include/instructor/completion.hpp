#pragma once
// A model's reply, normalised across providers.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <instructor/message.hpp>

namespace instructor {

enum class FinishReason {
    stop,            // the model finished (OpenAI, "eos" from Together, Ollama's "stop")
    length,          // cut off by max tokens or the context window (Mistral's "model_length")
    tool_calls,      // stopped to call tools
    content_filter,  // withheld by a content filter
    error,           // the provider reports an error (Mistral's "error")
    unknown,         // absent, or a value no provider documents
};

[[nodiscard]] std::string_view to_string(FinishReason reason) noexcept;

/// Token counts, with the providers' different names mapped to one set. Adding usages sums them.
struct Usage {
    std::int64_t prompt_tokens = 0;
    std::int64_t completion_tokens = 0;
    std::int64_t total_tokens = 0;
    std::int64_t cached_tokens = 0;     // of the prompt, served from a cache
    std::int64_t reasoning_tokens = 0;  // of the completion, spent on hidden reasoning

    Usage& operator+=(const Usage& other) noexcept;
    friend Usage operator+(Usage a, const Usage& b) noexcept { return a += b; }
    friend bool operator==(const Usage&, const Usage&) = default;
};

/// One reply of a model, in every provider's words mapped to the same fields.
struct Completion {
    std::string text{};  // the message content (text parts joined), without the model's thinking
    /// The model's reasoning, wherever its provider puts it: `reasoning_content` (llama.cpp,
    /// DeepSeek, vLLM), `reasoning` (Groq, Together, Ollama's /v1), Mistral's thinking parts,
    /// Ollama's `message.thinking`, or a <think> block at the start of the content (moved out of
    /// `text`). "" when the model did not think, or its provider keeps the thinking hidden (OpenAI:
    /// see usage.reasoning_tokens).
    std::string reasoning{};
    std::vector<ToolCall> tool_calls{};  // arguments always JSON text, whatever the provider sent
    FinishReason finish_reason = FinishReason::unknown;
    std::optional<std::string> refusal{};  // the model declined (OpenAI structured outputs)
    Usage usage{};
    std::string request_id{};  // the provider's id for the request, when it gives one
    std::string model{};       // the model that answered, as reported
    std::string raw{};         // the reply body as received (empty for a stream)
    /// Bytes that were not UTF-8, and \u escapes of lone surrogates, replaced by U+FFFD so that the
    /// reply could be read (a local server may cut a character between two tokens). An answer that
    /// holds one is re-asked.
    std::size_t replaced_characters = 0;
    /// The answer was read from `reasoning`, not from `text`: the server put the whole reply in its
    /// reasoning field and left the content empty (MLX servers do). Set by the client that read it.
    bool answer_in_reasoning = false;
    /// Which of ClientOptions::servers answered (its name: Server::name, else its base URL without
    /// credentials); "" for a client of one base_url.
    std::string server{};
};

}  // namespace instructor
