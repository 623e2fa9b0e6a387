#include <instructor/detail/stream/stream_framing.hpp>

#include <cstring>
#include <utility>

namespace instructor::detail {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr std::string_view kDoneMarker = "[DONE]";

// Where the first line end ('\r' or '\n') in `bytes` is, or npos. memchr reads many bytes per
// step: the framing of a stream costs little next to reading it.
std::size_t find_line_end(std::string_view bytes) noexcept {
    const char* const start = bytes.data();
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', bytes.size()));
    const std::size_t searched = newline != nullptr ? static_cast<std::size_t>(newline - start) : bytes.size();
    if (const auto* cr = static_cast<const char*>(std::memchr(start, '\r', searched)); cr != nullptr)
        return static_cast<std::size_t>(cr - start);
    return newline != nullptr ? searched : std::string_view::npos;
}

// Only JSON whitespace (or nothing).
bool is_blank(std::string_view line) noexcept {
    for (const char c : line) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
    }
    return true;
}

}  // namespace

// ---- SseDecoder ------------------------------------------------------------------------------

void SseDecoder::feed(std::string_view bytes, const std::function<void(const SseEvent&)>& on_event) {
    bytes_read_ += bytes.size();
    if (!past_start_) {
        // A byte order mark may itself arrive in pieces: match it byte by byte.
        while (!bytes.empty() && bom_matched_ < kByteOrderMark.size() &&
               bytes.front() == kByteOrderMark[bom_matched_]) {
            ++bom_matched_;
            bytes.remove_prefix(1);
        }
        if (bom_matched_ == kByteOrderMark.size()) {
            past_start_ = true;  // a whole mark: dropped
        } else if (bytes.empty()) {
            return;  // a prefix of the mark so far: undecided
        } else {
            past_start_ = true;  // not a mark after all: the bytes matched so far are content
            decode(kByteOrderMark.substr(0, bom_matched_), on_event);
        }
    }
    decode(bytes, on_event);
}

void SseDecoder::finish(const std::function<void(const SseEvent&)>& on_event) {
    if (!past_start_) decode(kByteOrderMark.substr(0, bom_matched_), on_event);
    bom_matched_ = 0;
    past_start_ = false;
    after_cr_ = false;
    if (!line_.empty()) {
        const std::string last = std::move(line_);
        line_.clear();
        process_line(last, on_event);
    }
    // The end of the body ends the last event as a blank line would.
    process_line({}, on_event);
}

void SseDecoder::decode(std::string_view bytes, const std::function<void(const SseEvent&)>& on_event) {
    while (!bytes.empty()) {
        if (after_cr_) {
            after_cr_ = false;
            if (bytes.front() == '\n') {  // the second half of a CRLF
                bytes.remove_prefix(1);
                continue;
            }
        }
        const std::size_t end = find_line_end(bytes);
        if (end == std::string_view::npos) {
            line_.append(bytes);  // only the new bytes were searched; they hold no line end
            return;
        }
        after_cr_ = bytes[end] == '\r';
        if (line_.empty()) {
            process_line(bytes.substr(0, end), on_event);
        } else {
            // Only the first line of a feed can have a start from earlier feeds.
            std::string whole = std::move(line_);
            line_.clear();
            whole.append(bytes.substr(0, end));
            process_line(whole, on_event);
        }
        bytes.remove_prefix(end + 1);
    }
}

void SseDecoder::process_line(std::string_view line, const std::function<void(const SseEvent&)>& on_event) {
    if (line.empty()) {
        dispatch(on_event);
        return;
    }
    if (line.front() == ':') return;  // a comment

    std::string_view field = line;
    std::string_view value;
    if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
        field = line.substr(0, colon);
        value = line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }

    if (field == "data") {
        if (has_data_) pending_.data.push_back('\n');
        pending_.data.append(value);
        has_data_ = true;
    } else if (field == "event") {
        pending_.event.assign(value);
    } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos) pending_.id.assign(value);
    }
    // Anything else ("retry", unknown fields) is ignored.
}

void SseDecoder::dispatch(const std::function<void(const SseEvent&)>& on_event) {
    // The event's fields are reset even when on_event throws; the id carries over to later events.
    struct Reset {
        SseDecoder& decoder;
        ~Reset() {
            decoder.pending_.event.clear();
            decoder.pending_.data.clear();
            decoder.has_data_ = false;
        }
    } reset{*this};

    if (!has_data_) return;  // no data line: nothing to dispatch
    if (pending_.data == kDoneMarker) {
        done_ = true;
        return;
    }
    on_event(pending_);
}

// ---- NdjsonDecoder ---------------------------------------------------------------------------

namespace {

void emit_line(std::string_view line, const std::function<void(std::string_view)>& on_line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!is_blank(line)) on_line(line);
}

}  // namespace

void NdjsonDecoder::feed(std::string_view bytes, const std::function<void(std::string_view line)>& on_line) {
    bytes_read_ += bytes.size();
    while (!bytes.empty()) {
        const void* const found = std::memchr(bytes.data(), '\n', bytes.size());
        if (found == nullptr) {
            line_.append(bytes);  // only the new bytes were searched
            return;
        }
        const auto end = static_cast<std::size_t>(static_cast<const char*>(found) - bytes.data());
        if (line_.empty()) {
            emit_line(bytes.substr(0, end), on_line);
        } else {
            std::string whole = std::move(line_);
            line_.clear();
            whole.append(bytes.substr(0, end));
            emit_line(whole, on_line);
        }
        bytes.remove_prefix(end + 1);
    }
}

void NdjsonDecoder::finish(const std::function<void(std::string_view line)>& on_line) {
    if (line_.empty()) return;
    const std::string last = std::move(line_);
    line_.clear();
    emit_line(last, on_line);
}

}  // namespace instructor::detail
