#pragma once
// A streamed reply coming together. A provider folds each event of its stream into a
// StreamAssembly (Provider::decode_stream_event); the client listens to the pieces as they land and
// reads the finished Completion at the end. Work per event is proportional to the event's size.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <instructor/completion.hpp>
#include <instructor/detail/core/think_blocks.hpp>

namespace instructor {

class StreamAssembly {
public:
    /// New text of the answer.
    using TextListener = std::function<void(std::string_view delta)>;
    /// New argument text of tool call number `call` (in order of first appearance).
    using ArgumentsListener = std::function<void(std::size_t call, std::string_view delta)>;
    /// New text of the model's reasoning.
    using ReasoningListener = std::function<void(std::string_view delta)>;
    /// The answer's text so far was the model's reasoning after all (a </think> came without an
    /// opening tag): it has moved to the reasoning, and the answer starts again from empty.
    using RetractListener = std::function<void()>;

    void on_text(TextListener listener) { on_text_ = std::move(listener); }
    void on_reasoning(ReasoningListener listener) { on_reasoning_ = std::move(listener); }
    void on_text_retracted(RetractListener listener) { on_text_retracted_ = std::move(listener); }
    /// More tool calls than this make add_tool_call throw a LimitError (Limits::max_tool_calls).
    void set_max_tool_calls(std::size_t most) noexcept { max_tool_calls_ = most; }
    void on_arguments(ArgumentsListener listener) { on_arguments_ = std::move(listener); }

    /// More of the content. A <think> block in it goes to the reasoning (detail/core/think_blocks.hpp
    /// says how), so a few bytes that may begin a tag are held back until the next piece.
    void add_text(std::string_view delta);
    /// More of the reasoning, from a field of its own (reasoning_content, reasoning, thinking parts).
    void add_reasoning(std::string_view delta);
    /// The content has ended: the bytes held back are given out (by take() as well, unheard).
    void end_text();
    void add_refusal(std::string_view delta);
    /// A fragment of the tool call with this stream index. The id and name come with the first
    /// fragment (empty afterwards); arguments accumulate. A whole call is one fragment.
    void add_tool_call(std::size_t index, std::string_view id, std::string_view name, std::string_view arguments);
    void set_usage(const Usage& usage) { completion_.usage = usage; }
    void set_finish_reason(FinishReason reason);
    void set_model(std::string model) { completion_.model = std::move(model); }
    void set_request_id(std::string id) { completion_.request_id = std::move(id); }
    /// The provider's own end marker arrived (Ollama's "done": true).
    void mark_done() { done_ = true; }

    /// Room for the provider decoding this stream to keep what one event teaches it about the next
    /// (the OpenAI dialect keeps the envelope its chunks repeat). Empty when the stream begins.
    [[nodiscard]] std::shared_ptr<void>& decoder_state() noexcept { return decoder_state_; }

    /// A finish reason or an end marker has arrived.
    [[nodiscard]] bool finished() const noexcept { return done_ || finished_; }
    [[nodiscard]] const Completion& completion() const noexcept { return completion_; }
    /// The completion, with any text held back added (no listener hears it).
    [[nodiscard]] Completion take();

private:
    class Sink;
    friend class Sink;
    detail::ThinkSplitter splitter_;
    ReasoningListener on_reasoning_;
    RetractListener on_text_retracted_;
    Completion completion_;
    std::unordered_map<std::size_t, std::size_t> position_of_index_;  // stream index -> in completion_.tool_calls
    std::size_t last_index_ = 0;
    std::size_t last_position_ = 0;
    TextListener on_text_;
    ArgumentsListener on_arguments_;
    std::shared_ptr<void> decoder_state_;
    std::size_t max_tool_calls_ = static_cast<std::size_t>(-1);
    bool done_ = false;
    bool finished_ = false;
};

}  // namespace instructor
