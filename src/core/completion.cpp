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
    prompt_tokens += other.prompt_tokens;
    completion_tokens += other.completion_tokens;
    total_tokens += other.total_tokens;
    cached_tokens += other.cached_tokens;
    reasoning_tokens += other.reasoning_tokens;
    return *this;
}

}  // namespace instructor
