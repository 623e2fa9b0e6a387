#include <instructor/stream_assembly.hpp>

#include <limits>

namespace instructor {

void StreamAssembly::add_text(std::string_view delta) {
    if (delta.empty()) return;
    completion_.text += delta;
    if (on_text_) on_text_(delta);
}

void StreamAssembly::add_refusal(std::string_view delta) {
    if (!completion_.refusal) completion_.refusal.emplace();
    *completion_.refusal += delta;
}

void StreamAssembly::add_tool_call(std::size_t index, std::string_view id, std::string_view name,
                                   std::string_view arguments) {
    constexpr auto none = std::numeric_limits<std::size_t>::max();
    if (index >= index_of_call_.size()) index_of_call_.resize(index + 1, none);
    if (index_of_call_[index] == none) {
        index_of_call_[index] = completion_.tool_calls.size();
        completion_.tool_calls.emplace_back();
    }
    const std::size_t position = index_of_call_[index];
    ToolCall& call = completion_.tool_calls[position];
    if (!id.empty()) call.id = id;
    if (!name.empty()) call.name += name;  // some servers split a long name too
    if (arguments.empty()) return;
    call.arguments += arguments;
    if (on_arguments_) on_arguments_(position, arguments);
}

void StreamAssembly::set_finish_reason(FinishReason reason) {
    completion_.finish_reason = reason;
    finished_ = true;
}

}  // namespace instructor
