// Thinking: the request option's names, and a thinking model's content split into its reasoning and
// its answer (think_blocks.hpp says the rule).
#include <instructor/thinking.hpp>

#include <instructor/detail/core/think_blocks.hpp>

namespace instructor {

std::string_view to_string(ThinkingEffort effort) noexcept {
    switch (effort) {
        case ThinkingEffort::minimal: return "minimal";
        case ThinkingEffort::low: return "low";
        case ThinkingEffort::medium: return "medium";
        case ThinkingEffort::high: return "high";
        case ThinkingEffort::max: return "max";
    }
    return "medium";
}

namespace detail {
namespace {

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The length of the longest end of `text` that begins `tag` without being all of it.
std::size_t partial_tag_at_end(std::string_view text, std::string_view tag) noexcept {
    for (std::size_t n = std::min(tag.size() - 1, text.size()); n > 0; --n)
        if (text.substr(text.size() - n) == tag.substr(0, n)) return n;
    return 0;
}

}  // namespace

void ThinkSplitter::feed(std::string_view piece, ThinkSink& sink) {
    switch (state_) {
        case State::start: feed_start(piece, sink); return;
        case State::in_block:
        case State::unopened: feed_watching(piece, sink); return;
        case State::after_block: {
            std::size_t first = 0;
            while (first < piece.size() && is_space(piece[first])) ++first;
            if (first == piece.size()) return;
            state_ = State::answer;
            sink.text(piece.substr(first));
            return;
        }
        case State::answer:
            if (!piece.empty()) sink.text(piece);
            return;
    }
}

// Before the first character that is not whitespace: is it a <think> block?
void ThinkSplitter::feed_start(std::string_view piece, ThinkSink& sink) {
    held_.append(piece);
    std::size_t first = 0;
    while (first < held_.size() && is_space(held_[first])) ++first;
    const std::string_view rest = std::string_view(held_).substr(first);
    if (rest.size() < think_open_tag.size() && think_open_tag.starts_with(rest)) return;  // not known yet
    const bool block = rest.starts_with(think_open_tag);
    std::string text = std::move(held_);
    held_.clear();
    if (block) {
        state_ = State::in_block;
        feed_watching(std::string_view(text).substr(first + think_open_tag.size()), sink);
    } else {
        state_ = State::unopened;
        feed_watching(text, sink);
    }
}

// Inside a block, or in text that may yet turn out to be reasoning: up to the first </think>.
void ThinkSplitter::feed_watching(std::string_view piece, ThinkSink& sink) {
    std::string joined;  // only when a piece of a tag was held back from the last piece
    std::string_view text = piece;
    if (!held_.empty()) {
        joined = std::move(held_);
        held_.clear();
        joined.append(piece);
        text = joined;
    }
    if (const auto close = text.find(think_close_tag); close != std::string_view::npos) {
        if (state_ == State::unopened) sink.text_was_reasoning();
        if (close != 0) sink.reasoning(text.substr(0, close));
        state_ = State::after_block;
        feed(text.substr(close + think_close_tag.size()), sink);
        return;
    }
    const std::size_t keep = partial_tag_at_end(text, think_close_tag);
    const std::string_view out = text.substr(0, text.size() - keep);
    held_.assign(text.substr(text.size() - keep));
    if (out.empty()) return;
    if (state_ == State::in_block)
        sink.reasoning(out);
    else
        sink.text(out);
}

void ThinkSplitter::finish(ThinkSink& sink) {
    const std::string held = std::move(held_);
    held_.clear();
    if (held.empty()) return;
    if (state_ == State::in_block)
        sink.reasoning(held);
    else if (state_ == State::start || state_ == State::unopened)
        sink.text(held);
}

std::string split_thinking(std::string_view content, std::string& reasoning) {
    class Collect final : public ThinkSink {
    public:
        explicit Collect(std::string& reasoning) : reasoning_(reasoning) {}
        void text(std::string_view delta) override { answer.append(delta); }
        void reasoning(std::string_view delta) override { reasoning_.append(delta); }
        void text_was_reasoning() override {
            reasoning_.append(answer);
            answer.clear();
        }
        std::string answer;

    private:
        std::string& reasoning_;
    };
    // Most contents have no tag at all: nothing to split.
    if (content.find("think>") == std::string_view::npos) return std::string(content);
    Collect collect(reasoning);
    ThinkSplitter splitter;
    splitter.feed(content, collect);
    splitter.finish(collect);
    return std::move(collect.answer);
}

}  // namespace detail
}  // namespace instructor
