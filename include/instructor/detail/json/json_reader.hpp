#pragma once
// Reading JSON text from outside: bounded, and faster than nlohmann's own parser.
//
// JsonCursor walks the text without building anything: the stream decoders read the few members
// they need from an event and skip the rest. read_json builds the nlohmann value for everything
// else. Both accept exactly what nlohmann::json::parse accepts (RFC 8259, a leading UTF-8 byte
// order mark, strings of valid UTF-8), never recurse, and stop at Limits::max_depth.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <instructor/limits.hpp>

namespace instructor::detail {

class JsonCursor {
public:
    enum class Kind : unsigned char { object, array, string, number, boolean, null, invalid };

    /// Nesting deeper than `max_depth` fails the cursor (too_deep() tells it apart).
    JsonCursor(std::string_view text, std::size_t max_depth) noexcept;

    /// The kind of the next value (whitespace skipped); invalid, and the cursor failed, when no
    /// value can start here.
    [[nodiscard]] Kind peek() noexcept;

    /// Objects: begin_object() consumes '{'; then first_member / next_member read each `"key":` and
    /// return false at the closing '}', which they consume. The caller reads or skips each value.
    ///     if (c.begin_object())
    ///         for (bool more = c.first_member(key); more; more = c.next_member(key)) c.skip();
    [[nodiscard]] bool begin_object() noexcept;
    [[nodiscard]] bool first_member(std::string_view& key);
    [[nodiscard]] bool next_member(std::string_view& key);
    /// Arrays, the same way: first_element / next_element return false at ']'.
    [[nodiscard]] bool begin_array() noexcept;
    [[nodiscard]] bool first_element() noexcept;
    [[nodiscard]] bool next_element() noexcept;

    /// A string, unescaped. The view lives until the next call that reads a string or a key.
    [[nodiscard]] bool string(std::string_view& out);
    /// A number's text, checked against the JSON grammar and to fit a double (nlohmann refuses 1e600).
    [[nodiscard]] bool number(std::string_view& token) noexcept;
    [[nodiscard]] bool boolean(bool& out) noexcept;
    [[nodiscard]] bool null() noexcept;
    /// Any value, checked but not kept. skip_span also gives its text.
    [[nodiscard]] bool skip();
    [[nodiscard]] bool skip_span(std::string_view& span);

    /// Only whitespace is left.
    [[nodiscard]] bool at_end() noexcept;

    [[nodiscard]] bool failed() const noexcept { return failed_; }
    [[nodiscard]] bool too_deep() const noexcept { return too_deep_; }
    /// Byte offset of the next character to read (of the failure, once failed).
    [[nodiscard]] std::size_t offset() const noexcept { return static_cast<std::size_t>(at_ - begin_); }

private:
    bool fail() noexcept;
    void skip_whitespace() noexcept;
    bool enter() noexcept;
    /// Consumes `bracket` (after whitespace) when it is next, leaving the container.
    bool closes(char bracket) noexcept;
    bool key(std::string_view& out);
    bool literal(std::string_view word) noexcept;
    bool scan_string(std::string_view& out);

    const char* begin_;
    const char* at_;
    const char* end_;
    std::size_t depth_ = 0;
    std::size_t max_depth_;
    bool failed_ = false;
    bool too_deep_ = false;
    std::string scratch_;  // unescaped strings
};

/// Parses `text` into a value, as nlohmann::json::parse would, within `limits`: text larger than
/// max_bytes or nesting deeper than max_depth throws LimitError, naming `what` ("the reply from
/// groq"). Malformed text gives a discarded value (is_discarded()), as parse(text, nullptr, false).
[[nodiscard]] nlohmann::json read_json(std::string_view text, const Limits& limits, std::string_view what);

/// JSON text whose only fault may be its encoding, made readable: every byte that is not part of
/// well-formed UTF-8 becomes U+FFFD, and so does every \\u escape of a lone surrogate (a local server
/// may cut a character between two tokens). `replaced` counts what was replaced; 0 leaves the text as it was.
[[nodiscard]] std::string repair_json_encoding(std::string_view text, std::size_t& replaced);

/// The LimitError for input larger than limits.max_bytes (its excerpt is the input's start).
[[noreturn]] void throw_too_large(std::string_view input_start, std::size_t size, const Limits& limits,
                                  std::string_view what);

}  // namespace instructor::detail
