#pragma once
// Incremental JSON: a parser that reads each byte of a streamed reply exactly once, builds the value
// in place as the bytes arrive, and says when each value (field or array element) has closed. Over a
// whole stream it costs O(total bytes), where re-parsing the text so far on every chunk (what Python
// Instructor's Partial does) costs O(n^2).
//
// Choices made here:
// - Strict JSON (RFC 8259), as nlohmann::json::parse: no comments, no trailing commas, no raw
//   control characters in strings, valid UTF-8 only, no lone or unpaired surrogate escapes
//   (\uD83D without its low half is an error, not U+FFFD). Duplicate keys: the last one wins.
// - Numbers become what nlohmann::json::parse makes of them (unsigned, signed, or a double for
//   fractions, exponents and integers too big for 64 bits).
// - value() is always a valid JSON value that dumps: a UTF-8 sequence or an escape cut by a chunk
//   boundary is held back until its last byte arrives.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/error.hpp>
#include <instructor/limits.hpp>

namespace instructor::detail {

/// One step of a path: an object key or an array index.
struct PathStep {
    std::string key;
    std::size_t index = 0;
    bool is_index = false;

    friend bool operator==(const PathStep&, const PathStep&) = default;
};
using JsonPath = std::vector<PathStep>;

/// The path as an RFC 6901 JSON pointer: "/tasks/3/age", '~' written "~0" and '/' written "~1";
/// "" for the root.
[[nodiscard]] std::string to_pointer(const JsonPath& path);

/// Text that cannot be (the start of) JSON, or JSON that ended early. offset() is the byte offset
/// in the whole stream of the byte at fault (for an early end: the number of bytes read).
class PartialJsonError : public Error {
public:
    PartialJsonError(const std::string& message, std::size_t offset) : Error(message), offset_(offset) {}
    [[nodiscard]] std::size_t offset() const noexcept { return offset_; }

private:
    std::size_t offset_ = 0;
};

enum class PartialEventKind {
    string_grew,     // a string still open at the end of a feed() call grew during that call
    value_complete,  // a value closed: leaves and containers, children before parents, root last
};

struct PartialEvent {
    PartialEventKind kind;
    const JsonPath& path;         // where the value is
    const nlohmann::json& value;  // the value itself inside the DOM (for string_grew: the string so far)
};

/// Receives each event as it happens (the references are valid during the call only). Return false
/// to stop parsing: feed() then returns false at once, and every later feed() too.
using PartialEventSink = std::function<bool(const PartialEvent&)>;

class PartialJsonParser {
public:
    /// Containers nested deeper than `max_depth` are an error (PartialJsonError), like bad JSON.
    explicit PartialJsonParser(PartialEventSink sink = {}, std::size_t max_depth = Limits{}.max_depth);
    PartialJsonParser(PartialJsonParser&&) noexcept;
    PartialJsonParser& operator=(PartialJsonParser&&) noexcept;
    PartialJsonParser(const PartialJsonParser&) = delete;
    PartialJsonParser& operator=(const PartialJsonParser&) = delete;
    ~PartialJsonParser();

    /// Parses the next piece of the text, which may be cut anywhere (inside a string, an escape, a
    /// \uXXXX, a surrogate pair, a UTF-8 sequence, a number, true/false/null, between a key and its
    /// colon). Leading whitespace is skipped. Once the top-level value has closed, nothing more is
    /// parsed: trailing text (a closing ``` fence, prose) is ignored.
    /// Returns false if the sink asked to stop (now or before). Throws PartialJsonError, saying
    /// what was expected and at which byte offset, on text that cannot be JSON; after that every
    /// feed() and finish() throws the same error again.
    bool feed(std::string_view text);

    /// End of input: completes a top-level number ("42"), then requires the top-level value to be
    /// complete, else throws PartialJsonError("the JSON ends early, inside a string at /a/0").
    /// Does nothing after the sink stopped the parse.
    void finish();

    /// The top-level value has closed.
    [[nodiscard]] bool complete() const noexcept { return complete_; }

    /// The value so far, built in place as bytes arrive. Open objects, arrays and strings hold what
    /// has arrived; a key whose value has not started yet is absent; a number not yet terminated
    /// (and a true/false/null not yet whole) is absent. null before anything arrived.
    [[nodiscard]] const nlohmann::json& value() const noexcept { return *root_; }

    /// Bytes taken from feed() so far, including trailing text ignored after the value closed (but
    /// not the bytes after the point where the sink stopped the parse).
    [[nodiscard]] std::size_t bytes_read() const noexcept { return offset_; }

    /// Bytes parsed as JSON: while the value is open, bytes_read(); once it is complete, the offset
    /// just after the top-level value (a top-level number's terminator is not part of it).
    [[nodiscard]] std::size_t consumed() const noexcept { return complete_ ? consumed_ : offset_; }

private:
    enum class State : unsigned char;
    enum class NumberState : unsigned char;

    std::size_t run(const char* data, std::size_t size);
    // One step of run() per state: each reads from data[i] on, moves i past what it read, and
    // returns false when the parse must stop there (the sink asked to, or the value is complete).
    bool step(const char* data, std::size_t size, std::size_t& i);
    bool after_open(unsigned char c, char closing, std::size_t& i);
    bool key_expected(const char* data, std::size_t& i);
    bool after_value(const char* data, std::size_t& i);
    bool string_text(const char* data, std::size_t size, std::size_t& i);
    void finish_cut_sequence(const char* data, std::size_t size, std::size_t& i);
    bool escape(const char* data, std::size_t& i);
    void hex_digit(const char* data, std::size_t& i);
    void low_surrogate_prefix(const char* data, std::size_t& i);
    bool number_text(const char* data, std::size_t size, std::size_t& i);
    bool literal_text(const char* data, std::size_t& i);
    void begin_value(unsigned char c, std::size_t at);
    void begin_key();
    nlohmann::json& place(nlohmann::json&& value);
    bool complete_value(nlohmann::json& value);
    bool close_container();
    bool end_number(std::size_t at);
    void code_unit(std::uint32_t unit, std::size_t at);
    bool emit(PartialEventKind kind, const nlohmann::json& value);
    [[noreturn]] void fail(const std::string& expected, const char* data, std::size_t i);
    [[noreturn]] void fail_at(const std::string& message, std::size_t offset);
    [[nodiscard]] std::string where() const;

    PartialEventSink sink_;
    std::size_t max_depth_;
    std::unique_ptr<nlohmann::json> root_;  // on the heap, so that moving the parser keeps pointers valid
    std::vector<nlohmann::json*> open_;     // the open containers, innermost last
    JsonPath path_;                         // the open containers' steps, then the current value's
    State state_;

    // Strings: bytes go to text_ (key_, or the DOM string string_ of a value).
    std::string key_;
    std::string* text_ = nullptr;
    nlohmann::json* string_ = nullptr;  // the value string being read; nullptr while reading a key
    std::size_t grown_from_ = 0;        // its size when this feed() began (or 0 if it opened since)
    std::uint32_t unit_ = 0;            // \uXXXX being read
    std::uint32_t high_ = 0;            // a high surrogate waiting for its low half
    unsigned hex_digits_ = 0;
    unsigned utf8_need_ = 0;                            // continuation bytes still expected
    unsigned char utf8_low_ = 0x80, utf8_high_ = 0xBF;  // range of the next continuation byte
    std::size_t utf8_start_ = 0;                        // where the current sequence began in this chunk
    std::string utf8_pending_;                          // a sequence cut by the end of the previous chunk

    // Numbers and literals.
    std::string number_;
    NumberState number_state_;
    bool number_is_integer_ = true;
    const char* literal_ = nullptr;
    unsigned literal_at_ = 0;

    std::size_t offset_ = 0;    // bytes read before the current chunk (bytes_read())
    std::size_t consumed_ = 0;  // offset just after the top-level value
    bool complete_ = false;
    bool stopped_ = false;
    std::optional<PartialJsonError> error_;
};

/// Feeds a model's streamed text (JSON modes) into a PartialJsonParser once the JSON starts, the
/// streaming twin of extract_json(): skips <think>...</think> blocks (their tags may be split across
/// chunks) and any prose or ``` / ```json fence line before the first '{' or '[' outside them;
/// from there feeds the parser; once the value has closed, ignores the rest (closing fence, prose).
/// Linear in the total bytes: each byte is looked at once, with no lookbehind beyond the state of a
/// partly matched tag.
///
/// It differs from extract_json() on purpose in one way: it cannot see ahead, so it takes the first
/// '{' or '[' even when a fenced block comes later. If the parser then throws because that was not
/// JSON (prose like "use {name}"), the locator stops feeding and failed() is true: the caller falls
/// back to extract_json() over the whole text at the end.
class JsonTextLocator {
public:
    explicit JsonTextLocator(PartialJsonParser& parser) : parser_(&parser) {}

    /// Returns false if the parser's sink stopped the parse (now or before).
    bool feed(std::string_view text);

    /// The JSON has begun ('{' or '[' found, fed to the parser).
    [[nodiscard]] bool started() const noexcept { return started_; }
    /// The text from the first '{' or '[' was not JSON; nothing more is fed.
    [[nodiscard]] bool failed() const noexcept { return failed_; }
    /// Why, when failed().
    [[nodiscard]] const std::string& error() const noexcept { return error_; }

private:
    enum class Scan : unsigned char { prose, think, json, done };

    PartialJsonParser* parser_;
    Scan scan_ = Scan::prose;
    std::size_t matched_ = 0;  // bytes of "<think>" (in prose) or "</think>" (in a think block) matched
    bool started_ = false;
    bool failed_ = false;
    bool stopped_ = false;
    std::string error_;
};

}  // namespace instructor::detail
