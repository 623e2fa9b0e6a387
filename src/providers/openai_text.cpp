// The OpenAI dialect's replies and stream events read straight from their text. A stream is mostly
// chunks of a few characters each (OpenAI sends one per token), and a DOM per chunk costs more than
// all the rest of the client's work on it; a whole reply's DOM was a third of the client's work on a
// call. Either is read in one pass with JsonCursor, checked whole (it must be valid JSON, as the DOM
// path requires), and only then folded, in the order the DOM decoders fold it. Whatever is unusual
// (an error, Groq's x_groq, Mistral's content parts, arguments sent as an object, a repeated key) is
// left to the DOM decoders, decode_reply and decode_stream_event. Reasoning in a field of its own
// (reasoning_content, reasoning) is read here too: a thinking model streams more of it than of its
// answer.

#include <array>
#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <instructor/detail/core/think_blocks.hpp>
#include <instructor/detail/json/json_reader.hpp>

#include "common.hpp"
#include "openai_dialect.hpp"

namespace instructor::providers {
namespace {

using detail::JsonCursor;
using Kind = JsonCursor::Kind;

// A string read from the event: a view of the event's text when it had no escapes, else a copy
// (the cursor reuses its buffer for the next escaped string).
class Text {
public:
    // Where the string's literal (quotes included) is in the event, when it was read from there.
    std::size_t literal_begin = 0;
    std::size_t literal_end = 0;

    void keep(std::string_view value, std::string_view event) {
        if (value.data() >= event.data() && value.data() + value.size() <= event.data() + event.size()) {
            view_ = value;
        } else {
            copy_.assign(value);
            view_ = copy_;
        }
        set_ = true;
    }
    [[nodiscard]] bool set() const noexcept { return set_; }
    [[nodiscard]] std::string_view view() const noexcept { return view_; }

private:
    std::string_view view_;
    std::string copy_;
    bool set_ = false;
};

struct CallFragment {
    std::optional<std::size_t> index;
    Text id, name, arguments;
};

// A stream chunk, or a whole reply (its message in place of the delta).
struct Chunk {
    std::string_view usage;  // the usage object's text, when there is one
    Text id, model;
    bool has_choice = false;
    Text content, refusal;
    Text reasoning_content, reasoning;  // as reasoning_field reads them: the first unless it is empty
    std::array<CallFragment, 4> calls;
    std::size_t call_count = 0;
    std::optional<FinishReason> finish;
};

// Each key we read may appear once: a repeated one is left to the DOM, where the last one wins.
class Seen {
public:
    [[nodiscard]] bool first(unsigned bit) noexcept {
        const bool fresh = (bits_ & (1U << bit)) == 0;
        bits_ |= 1U << bit;
        return fresh;
    }

private:
    unsigned bits_ = 0;
};

// The reasoning of a chunk, as reasoning_field reads it from the DOM.
std::string_view reasoning_of(const Chunk& chunk) {
    if (chunk.reasoning_content.set() && !chunk.reasoning_content.view().empty()) return chunk.reasoning_content.view();
    return chunk.reasoning.set() ? chunk.reasoning.view() : std::string_view();
}

// A tool call index as nlohmann reads it: a non-negative integer that fits 64 bits is one; any
// other number is not, and the call's position stands in.
std::optional<std::size_t> index_of(std::string_view number) {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc() || end != number.data() + number.size() || number.front() == '-') return std::nullopt;
    return static_cast<std::size_t>(value);
}

/// Where a choice holds its message: a stream chunk's "delta", or a whole reply's "message".
enum class MessageMember { delta, message };

class ChunkReader {
public:
    ChunkReader(std::string_view event, const Completion& so_far, MessageMember member = MessageMember::delta)
        : event_(event), cursor_(event, 16), so_far_(so_far), whole_reply_(member == MessageMember::message) {}

    // False when the event is not one to fold here (or not JSON at all).
    bool read(Chunk& chunk) {
        Seen seen;
        return members([&](std::string_view key) {
                   if (key == "error" || key == "x_groq") return false;
                   if (key == "object") return seen.first(0) && object_kind();
                   if (key == "usage") return seen.first(1) && usage(chunk);
                   if (key == "id") return seen.first(2) && optional_string(chunk.id, so_far_.request_id.empty());
                   if (key == "model") return seen.first(3) && optional_string(chunk.model, so_far_.model.empty());
                   if (key == "choices") return seen.first(4) && choices(chunk);
                   return cursor_.skip();
               }) &&
               cursor_.at_end();
    }

private:
    // Walks an object: `on_member(key)` reads or skips that member's value, and returns false when
    // the event cannot be folded here. Every object below is read this way.
    template <class OnMember>
    bool members(OnMember&& on_member) {
        std::string_view key;
        if (!cursor_.begin_object()) return false;
        for (bool more = cursor_.first_member(key); more; more = cursor_.next_member(key))
            if (!on_member(key)) return false;
        return !cursor_.failed();
    }

    // `read` when the value is of that kind; any other value is skipped.
    template <class Read>
    bool when(Kind kind, Read&& read) {
        return cursor_.peek() == kind ? read() : cursor_.skip();
    }

    // A string member read when `wanted` (and when it is a string); anything else is skipped.
    bool optional_string(Text& into, bool wanted) {
        if (wanted && cursor_.peek() == Kind::string) {
            std::string_view value;
            into.literal_begin = cursor_.offset();
            if (!cursor_.string(value)) return false;
            into.literal_end = cursor_.offset();
            into.keep(value, event_);
            return true;
        }
        return cursor_.skip();
    }

    bool object_kind() {  // "object": "error" is the DOM's to read
        return when(Kind::string, [&] {
            std::string_view object;
            return cursor_.string(object) && object != "error";
        });
    }

    bool usage(Chunk& chunk) {
        std::string_view span;
        const bool object = cursor_.peek() == Kind::object;
        if (!cursor_.skip_span(span)) return false;
        if (object) chunk.usage = span;
        return true;
    }

    bool choices(Chunk& chunk) {
        if (cursor_.peek() != Kind::array) return cursor_.skip();
        if (!cursor_.begin_array()) return false;
        for (bool more = cursor_.first_element(), first = true; more; more = cursor_.next_element(), first = false) {
            if (!first || cursor_.peek() != Kind::object) {
                if (!cursor_.skip()) return false;
                continue;
            }
            chunk.has_choice = true;
            if (!choice(chunk)) return false;
        }
        return !cursor_.failed();
    }

    bool choice(Chunk& chunk) {
        Seen seen;
        const std::string_view message = whole_reply_ ? "message" : "delta";
        return members([&](std::string_view key) {
            if (key == message) return seen.first(0) && when(Kind::object, [&] { return delta(chunk); });
            if (key == "finish_reason") return seen.first(1) && finish_reason(chunk);
            return cursor_.skip();
        });
    }

    bool finish_reason(Chunk& chunk) {
        const Kind kind = cursor_.peek();
        if (kind == Kind::null) return cursor_.null();
        if (kind == Kind::string) {
            std::string_view reason;
            if (!cursor_.string(reason) || reason == "error") return false;
            chunk.finish = finish_reason_from(reason);
            return true;
        }
        chunk.finish = FinishReason::unknown;
        return cursor_.skip();
    }

    bool delta(Chunk& chunk) {
        Seen seen;
        return members([&](std::string_view key) {
            if (key == "content")  // content parts are the DOM's to read
                return seen.first(0) && cursor_.peek() != Kind::array && optional_string(chunk.content, true);
            if (key == "refusal") return seen.first(1) && optional_string(chunk.refusal, true);
            if (key == "tool_calls") return seen.first(2) && when(Kind::array, [&] { return tool_calls(chunk); });
            if (key == "reasoning_content") return seen.first(3) && optional_string(chunk.reasoning_content, true);
            if (key == "reasoning") return seen.first(4) && optional_string(chunk.reasoning, true);
            return cursor_.skip();
        });
    }

    bool tool_calls(Chunk& chunk) {
        if (!cursor_.begin_array()) return false;
        for (bool more = cursor_.first_element(); more; more = cursor_.next_element()) {
            if (chunk.call_count == chunk.calls.size() || cursor_.peek() != Kind::object) return false;
            if (!tool_call(chunk.calls[chunk.call_count++])) return false;
        }
        return !cursor_.failed();
    }

    bool tool_call(CallFragment& call) {
        Seen seen;
        return members([&](std::string_view key) {
            if (key == "index")
                return seen.first(0) && when(Kind::number, [&] {
                           std::string_view number;
                           if (!cursor_.number(number)) return false;
                           call.index = index_of(number);
                           return true;
                       });
            if (key == "id") return seen.first(1) && optional_string(call.id, true);
            if (key == "function") {
                if (!seen.first(2)) return false;
                if (cursor_.peek() == Kind::object) return function(call);
                // A whole reply's call without a function object is malformed: the DOM says so.
                return !whole_reply_ && cursor_.skip();
            }
            return cursor_.skip();
        });
    }

    bool function(CallFragment& call) {
        Seen seen;
        return members([&](std::string_view key) {
            if (key == "name") return seen.first(0) && optional_string(call.name, true);
            if (key == "arguments") {
                if (!seen.first(1)) return false;
                const Kind kind = cursor_.peek();
                if (kind == Kind::string) return optional_string(call.arguments, true);
                if (kind == Kind::null) return cursor_.null();
                return false;  // arguments as an object: the DOM writes them out
            }
            return cursor_.skip();
        });
    }

    std::string_view event_;
    JsonCursor cursor_;
    const Completion& so_far_;
    bool whole_reply_;
};

// The envelope a stream's chunks repeat. A chunk whose only news is one string (a piece of text, or
// of one tool call's arguments) is the same bytes around that string as the chunk before it; once
// one has been read in full, a chunk that starts and ends with the same bytes is read by checking
// the one string between them. The same bytes around a valid string literal parse the same way,
// so this folds exactly what a full read would.
struct Envelope {
    enum class Holds : unsigned char { text, arguments, reasoning };
    std::string before;  // up to and including the string's opening quote
    std::string after;   // from its closing quote to the end
    Holds holds = Holds::text;
    std::size_t call_index = 0;
    std::optional<FinishReason> finish;
};

std::optional<Envelope> envelope_of(const Chunk& chunk, std::string_view event) {
    // A chunk that set the id or the model would not do it again: it teaches nothing.
    if (!chunk.usage.empty() || chunk.id.set() || chunk.model.set() || chunk.refusal.set()) return std::nullopt;
    Envelope envelope;
    const Text* variable = nullptr;
    const int reasonings = int{chunk.reasoning_content.set()} + int{chunk.reasoning.set()};
    if (chunk.content.set() && chunk.call_count == 0 && reasonings == 0) {
        variable = &chunk.content;
    } else if (!chunk.content.set() && chunk.call_count == 0 && reasonings == 1) {
        variable = chunk.reasoning_content.set() ? &chunk.reasoning_content : &chunk.reasoning;
        envelope.holds = Envelope::Holds::reasoning;
    } else if (!chunk.content.set() && chunk.call_count == 1 && reasonings == 0) {
        const CallFragment& call = chunk.calls[0];
        if (call.id.set() || call.name.set() || !call.arguments.set()) return std::nullopt;
        variable = &call.arguments;
        envelope.holds = Envelope::Holds::arguments;
        envelope.call_index = call.index.value_or(0);
    } else {
        return std::nullopt;
    }
    envelope.before.assign(event.substr(0, variable->literal_begin + 1));
    envelope.after.assign(event.substr(variable->literal_end - 1));
    envelope.finish = chunk.finish;
    return envelope;
}

bool fold_in_envelope(const Envelope& envelope, std::string_view event, StreamAssembly& into) {
    const std::size_t before = envelope.before.size();
    const std::size_t after = envelope.after.size();
    if (event.size() < before + after || event.compare(0, before, envelope.before) != 0 ||
        event.compare(event.size() - after, after, envelope.after) != 0)
        return false;
    const std::string_view literal = event.substr(before - 1, event.size() - after + 2 - before);
    JsonCursor cursor(literal, 1);
    std::string_view value;
    if (!cursor.string(value) || !cursor.at_end()) return false;  // not one string between the two
    switch (envelope.holds) {
        case Envelope::Holds::arguments: into.add_tool_call(envelope.call_index, {}, {}, value); break;
        case Envelope::Holds::reasoning: into.add_reasoning(value); break;
        case Envelope::Holds::text: into.add_text(value); break;
    }
    if (envelope.finish) into.set_finish_reason(*envelope.finish);
    return true;
}

}  // namespace

Completion OpenAIDialect::decode_reply_text(std::string_view body, const HttpHeaders& headers,
                                            const Limits& limits) const {
    Completion c;
    Chunk reply;
    // No choices is an error the DOM path words; finish_reason "error" too (the reader leaves it).
    if (body.size() > limits.max_bytes || !ChunkReader(body, c, MessageMember::message).read(reply) ||
        !reply.has_choice)
        return Provider::decode_reply_text(body, headers, limits);
    // Filled in decode_checked's order.
    c.reasoning = reasoning_of(reply);
    if (reply.content.set()) c.text = reply.content.view();
    c.text = detail::split_thinking(c.text, c.reasoning);
    if (reply.refusal.set()) c.refusal = std::string(reply.refusal.view());
    for (std::size_t i = 0; i < reply.call_count; ++i) {
        const CallFragment& call = reply.calls[i];
        c.tool_calls.push_back(
            {std::string(call.id.view()), std::string(call.name.view()), std::string(call.arguments.view())});
    }
    check_tool_calls(c.tool_calls.size(), limits);
    c.finish_reason = reply.finish.value_or(FinishReason::unknown);
    if (!reply.usage.empty()) c.usage = usage_from(detail::read_json(reply.usage, {}, "the usage of a reply"));
    c.model = reply.model.view();
    c.request_id = header_value(headers, "x-request-id");
    if (c.request_id.empty()) c.request_id = reply.id.view();
    return c;
}

bool OpenAIDialect::decode_stream_text(std::string_view event, StreamAssembly& into) const {
    std::shared_ptr<void>& state = into.decoder_state();
    if (state && fold_in_envelope(*static_cast<const Envelope*>(state.get()), event, into)) return true;

    Chunk chunk;
    if (!ChunkReader(event, into.completion()).read(chunk)) return false;
    if (auto learned = envelope_of(chunk, event)) {
        if (state)
            *static_cast<Envelope*>(state.get()) = std::move(*learned);
        else
            state = std::make_shared<Envelope>(std::move(*learned));
    }
    // Folded in decode_stream_event's order.
    if (!chunk.usage.empty()) {
        const nlohmann::json usage = detail::read_json(chunk.usage, {}, "the usage of a stream event");
        into.set_usage(usage_from(usage));
    }
    if (chunk.id.set()) into.set_request_id(std::string(chunk.id.view()));
    if (chunk.model.set()) into.set_model(std::string(chunk.model.view()));
    into.add_reasoning(reasoning_of(chunk));
    if (chunk.content.set()) into.add_text(chunk.content.view());
    if (chunk.refusal.set()) into.add_refusal(chunk.refusal.view());
    for (std::size_t i = 0; i < chunk.call_count; ++i) {
        const CallFragment& call = chunk.calls[i];
        into.add_tool_call(call.index.value_or(i), call.id.view(), call.name.view(), call.arguments.view());
    }
    if (chunk.finish) into.set_finish_reason(*chunk.finish);
    return true;
}

}  // namespace instructor::providers
