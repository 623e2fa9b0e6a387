#include <instructor/stream_assembly.hpp>

#include <string>

#include <instructor/error.hpp>

namespace instructor {

// Where the split of the content goes: into the completion, and to the listeners when `heard`.
class StreamAssembly::Sink final : public detail::ThinkSink {
public:
    Sink(StreamAssembly& assembly, bool heard) : assembly_(assembly), heard_(heard) {}

    void text(std::string_view delta) override {
        assembly_.completion_.text += delta;
        if (heard_ && assembly_.on_text_) assembly_.on_text_(delta);
    }
    void reasoning(std::string_view delta) override {
        assembly_.completion_.reasoning += delta;
        if (heard_ && assembly_.on_reasoning_) assembly_.on_reasoning_(delta);
    }
    void text_was_reasoning() override {
        Completion& c = assembly_.completion_;
        const std::string moved = std::move(c.text);
        c.text.clear();
        c.reasoning += moved;
        if (!heard_) return;
        if (assembly_.on_text_retracted_) assembly_.on_text_retracted_();
        if (!moved.empty() && assembly_.on_reasoning_) assembly_.on_reasoning_(moved);
    }

private:
    StreamAssembly& assembly_;
    bool heard_;
};

void StreamAssembly::add_text(std::string_view delta) {
    if (delta.empty()) return;
    Sink sink(*this, true);
    splitter_.feed(delta, sink);
}

void StreamAssembly::add_reasoning(std::string_view delta) {
    if (delta.empty()) return;
    completion_.reasoning += delta;
    if (on_reasoning_) on_reasoning_(delta);
}

void StreamAssembly::end_text() {
    Sink sink(*this, true);
    splitter_.finish(sink);
}

Completion StreamAssembly::take() {
    Sink sink(*this, false);
    splitter_.finish(sink);
    return std::move(completion_);
}

void StreamAssembly::add_refusal(std::string_view delta) {
    if (!completion_.refusal) completion_.refusal.emplace();
    *completion_.refusal += delta;
}

void StreamAssembly::add_tool_call(std::size_t index, std::string_view id, std::string_view name,
                                   std::string_view arguments) {
    // Indexes come from the server: any number, not only 0, 1, 2... Fragments of one call come
    // together, so the last call looked up is tried first.
    if (index != last_index_ || completion_.tool_calls.empty()) {
        const auto [found, added] = position_of_index_.try_emplace(index, completion_.tool_calls.size());
        if (added) {
            if (completion_.tool_calls.size() >= max_tool_calls_) {
                position_of_index_.erase(found);
                throw LimitError("the stream holds more than Limits::max_tool_calls (" +
                                     std::to_string(max_tool_calls_) + ") tool calls",
                                 "max_tool_calls", max_tool_calls_);
            }
            completion_.tool_calls.emplace_back();
        }
        last_index_ = index;
        last_position_ = found->second;
    }
    const std::size_t position = last_position_;
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
