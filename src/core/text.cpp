#include <instructor/detail/core/text.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace instructor::detail {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_continuation(unsigned char byte) noexcept { return (byte & 0xC0U) == 0x80U; }

}  // namespace

std::size_t utf8_sequence_length(std::string_view text) noexcept {
    if (text.empty()) return 0;
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const Utf8Lead lead = utf8_lead(byte(0));
    if (!lead.valid) return 0;
    const std::size_t length = 1 + lead.continuations;
    if (length == 1) return 1;
    if (text.size() < length || byte(1) < lead.low || byte(1) > lead.high) return 0;
    for (std::size_t i = 2; i < length; ++i)
        if (!is_continuation(byte(i))) return 0;
    return length;
}

std::size_t first_invalid_utf8(std::string_view text) noexcept {
    for (std::size_t at = 0; at < text.size();) {
        // ASCII runs, eight bytes at a time.
        while (at + 8 <= text.size()) {
            std::uint64_t word = 0;
            std::memcpy(&word, text.data() + at, 8);
            if ((word & 0x8080808080808080ULL) != 0) break;
            at += 8;
        }
        if (at >= text.size()) break;
        const std::size_t length = utf8_sequence_length(text.substr(at));
        if (length == 0) return at;
        at += length;
    }
    return std::string_view::npos;
}

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t length = utf8_sequence_length(text.substr(at));
        if (length == 0) {
            out += kReplacement;
            ++at;
        } else {
            out.append(text.substr(at, length));
            at += length;
        }
    }
    return out;
}

std::size_t utf8_cut(std::string_view text, std::size_t max_bytes) noexcept {
    if (text.size() <= max_bytes) return text.size();
    std::size_t cut = max_bytes;
    while (cut > 0 && is_continuation(static_cast<unsigned char>(text[cut]))) --cut;
    return cut;
}

std::size_t whole_characters(std::string_view text) noexcept {
    for (std::size_t back = 1; back <= 3 && back <= text.size(); ++back) {
        const auto byte = static_cast<unsigned char>(text[text.size() - back]);
        if (is_continuation(byte)) continue;  // look further back for its lead byte
        if (byte >= 0xC0U) {
            const std::size_t length = byte >= 0xF0U ? 4 : byte >= 0xE0U ? 3 : 2;
            if (back < length) return text.size() - back;
        }
        break;
    }
    return text.size();
}

std::string printable(std::string_view text, std::size_t max_bytes) {
    std::string out;
    out.reserve(std::min(text.size(), max_bytes) + 32);
    std::size_t at = 0;
    while (at < text.size() && out.size() < max_bytes) {
        const auto c = static_cast<unsigned char>(text[at]);
        if (c == '\n' || c == '\r' || c == '\t') {
            out += ' ';
            ++at;
        } else if (c < 0x20 || c == 0x7F) {
            out += kReplacement;
            ++at;
        } else if (c < 0x80) {
            out += static_cast<char>(c);
            ++at;
        } else {
            const std::size_t length = utf8_sequence_length(text.substr(at));
            // C1 controls (U+0080 to U+009F) start terminal sequences too.
            if (length == 0 || (length == 2 && c == 0xC2 && static_cast<unsigned char>(text[at + 1]) < 0xA0)) {
                out += kReplacement;
                at += length == 0 ? 1 : length;
            } else {
                out.append(text.substr(at, length));
                at += length;
            }
        }
    }
    if (at < text.size()) out += "... (" + std::to_string(text.size()) + " bytes in all)";
    return out;
}

}  // namespace instructor::detail
