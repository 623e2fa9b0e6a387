#pragma once
// Stream framing: cuts a streamed reply body, arriving in pieces cut anywhere (inside a CRLF, a
// UTF-8 sequence, a JSON escape, a "data:" line), into events (Server-Sent Events: every provider's
// stream but Ollama's native one) or lines (NDJSON: Ollama's /api/chat).
//
// Both decoders are incremental and exact: feeding a body whole or in any number of pieces gives
// the same events. They are linear: each byte is looked at once, and only the unfinished line is
// kept between calls. Neither looks inside the payloads: JSON is the next layer's business.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace instructor::detail {

/// One Server-Sent Event.
struct SseEvent {
    std::string event;  // the "event:" field; "" means the default type, "message"
    std::string data;   // the "data:" lines, joined with '\n'
    std::string id;     // the last "id:" seen in the stream so far (it carries over, as in browsers)

    bool operator==(const SseEvent&) const = default;
};

/// Decodes a text/event-stream body by the WHATWG EventSource rules
/// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
/// - lines end in "\n", "\r\n" or "\r" (a CRLF split between two feeds is still one line end);
/// - a leading UTF-8 byte order mark is skipped;
/// - a line starting with ':' is a comment (keep-alive pings such as ": ping");
/// - "field: value" strips ONE space after the colon; a line without a colon is a field with an
///   empty value; fields other than data, event and id are ignored (retry among them);
/// - several data lines join with '\n'; a blank line ends the event, which is dispatched only if it
///   had at least one data line;
/// - an "id" value containing NUL is ignored.
/// An event whose data is exactly "[DONE]" is not dispatched: it sets done() instead. Events after
/// it, if any, are still dispatched; what to make of them is the caller's business.
class SseDecoder {
public:
    /// Decodes `bytes` and calls on_event for each event completed by a blank line.
    void feed(std::string_view bytes, const std::function<void(const SseEvent&)>& on_event);

    /// End of the body: a final event not followed by a blank line is dispatched too (servers often
    /// omit it). The decoder is then ready for a new stream, except that done(), bytes_read() and
    /// the last event id carry over.
    void finish(const std::function<void(const SseEvent&)>& on_event);

    /// "[DONE]" was seen.
    [[nodiscard]] bool done() const noexcept { return done_; }

    /// Bytes fed so far.
    [[nodiscard]] std::size_t bytes_read() const noexcept { return bytes_read_; }

private:
    void decode(std::string_view bytes, const std::function<void(const SseEvent&)>& on_event);
    void process_line(std::string_view line, const std::function<void(const SseEvent&)>& on_event);
    void dispatch(const std::function<void(const SseEvent&)>& on_event);

    std::string line_;             // the unfinished line: never holds a line end
    SseEvent pending_;             // the event being read
    bool has_data_ = false;        // pending_ has had a data line
    bool after_cr_ = false;        // the last byte was '\r': a '\n' right after it is the same line end
    std::size_t bom_matched_ = 0;  // bytes of a leading byte order mark matched so far
    bool past_start_ = false;      // the leading byte order mark is settled
    bool done_ = false;
    std::size_t bytes_read_ = 0;
};

/// Decodes newline-delimited JSON: one line per value, "\n" or "\r\n" line ends.
class NdjsonDecoder {
public:
    /// Calls on_line for each complete non-blank line (without its "\n" or "\r\n"). Blank lines,
    /// including lines of only spaces and tabs, are skipped.
    void feed(std::string_view bytes, const std::function<void(std::string_view line)>& on_line);

    /// End of the body: a last line without "\n" is passed on too.
    void finish(const std::function<void(std::string_view line)>& on_line);

    /// Bytes fed so far.
    [[nodiscard]] std::size_t bytes_read() const noexcept { return bytes_read_; }

private:
    std::string line_;  // the unfinished line: never holds a '\n'
    std::size_t bytes_read_ = 0;
};

}  // namespace instructor::detail
