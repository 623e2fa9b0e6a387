#include <instructor/completion.hpp>

namespace instructor {

std::string_view to_string(FinishReason reason) noexcept {
    switch (reason) {
        case FinishReason::stop: return "stop";
        case FinishReason::length: return "length";
        case FinishReason::tool_calls: return "tool_calls";
        case FinishReason::content_filter: return "content_filter";
        case FinishReason::error: return "error";
        case FinishReason::unknown: return "unknown";
    }
    return "unknown";
}

Usage& Usage::operator+=(const Usage& other) noexcept {
    // Counts come from servers: a sum that would overflow stays at the largest count.
    const auto add = [](std::int64_t& into, std::int64_t more) {
        if (__builtin_add_overflow(into, more, &into)) into = more > 0 ? INT64_MAX : INT64_MIN;
    };
    add(prompt_tokens, other.prompt_tokens);
    add(completion_tokens, other.completion_tokens);
    add(total_tokens, other.total_tokens);
    add(cached_tokens, other.cached_tokens);
    add(reasoning_tokens, other.reasoning_tokens);
    return *this;
}

}  // namespace instructor
