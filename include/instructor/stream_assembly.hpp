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

namespace instructor {

class StreamAssembly {
public:
    /// New text of the answer.
    using TextListener = std::function<void(std::string_view delta)>;
    /// New argument text of tool call number `call` (in order of first appearance).
    using ArgumentsListener = std::function<void(std::size_t call, std::string_view delta)>;

    void on_text(TextListener listener) { on_text_ = std::move(listener); }
    /// More tool calls than this make add_tool_call throw a LimitError (Limits::max_tool_calls).
    void set_max_tool_calls(std::size_t most) noexcept { max_tool_calls_ = most; }
    void on_arguments(ArgumentsListener listener) { on_arguments_ = std::move(listener); }

    void add_text(std::string_view delta);
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
    [[nodiscard]] Completion take() { return std::move(completion_); }

private:
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
