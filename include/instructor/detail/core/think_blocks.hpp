#pragma once
// A thinking model's content, split into its reasoning and its answer. Servers without a reasoning
// parser hand the thinking over inside the content: "<think>...</think>answer", or "...</think>answer"
// when the chat template opened the block in the prompt (DeepSeek-R1 distills, served raw).
//
// The rule, the same for a whole text and for one that arrives in pieces, however it is cut:
//  - a <think> block at the start (after whitespace) is reasoning, up to the first </think> (to the
//    end when it never closes); the whitespace before it belongs to neither;
//  - otherwise, everything before the first </think> is reasoning (the block was opened in the prompt);
//  - after a </think>, the answer starts at its first character that is not whitespace;
//  - anything else is answer.

#include <cstddef>
#include <string>
#include <string_view>

namespace instructor::detail {

/// Where the pieces of a split go.
class ThinkSink {
public:
    virtual ~ThinkSink() = default;
    /// More of the answer.
    virtual void text(std::string_view delta) = 0;
    /// More of the reasoning.
    virtual void reasoning(std::string_view delta) = 0;
    /// A </think> came without an opening tag: every piece of answer given so far was reasoning.
    /// The reasoning that follows continues from it.
    virtual void text_was_reasoning() = 0;
};

/// The split of a content that arrives in pieces. Holds back at most a tag's length of text (a
/// piece may end inside one); finish() gives out what is held.
class ThinkSplitter {
public:
    void feed(std::string_view piece, ThinkSink& sink);
    void finish(ThinkSink& sink);

private:
    enum class State : unsigned char { start, in_block, after_block, answer, unopened };
    void feed_start(std::string_view piece, ThinkSink& sink);
    void feed_watching(std::string_view piece, ThinkSink& sink);

    State state_ = State::start;
    std::string held_;  // start: whitespace and a partial "<think>"; in_block, unopened: a partial "</think>"
};

/// `content` split by the rule above: the answer (returned) and the reasoning (appended to `reasoning`).
[[nodiscard]] std::string split_thinking(std::string_view content, std::string& reasoning);

inline constexpr std::string_view think_open_tag = "<think>";
inline constexpr std::string_view think_close_tag = "</think>";

}  // namespace instructor::detail
