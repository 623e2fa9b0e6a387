#pragma once
// UTF-8 and text that is shown to people: one place for the checks every layer needs. Text from a
// server or a model may hold anything (bytes that are not UTF-8, terminal escape sequences, a
// megabyte in one field); what an error's what() shows must not.

#include <cstddef>
#include <string>
#include <string_view>

namespace instructor::detail {

/// What a UTF-8 lead byte asks of the bytes after it, by Unicode's table 3-7 (no overlong forms,
/// no surrogates, nothing past U+10FFFF): how many continuation bytes follow, and the range the
/// first of them must be in (the others are 0x80 to 0xBF). `continuations` is 0 for ASCII and for
/// a byte that cannot start a sequence (`valid` tells them apart).
struct Utf8Lead {
    unsigned char continuations = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    bool valid = true;
};

[[nodiscard]] constexpr Utf8Lead utf8_lead(unsigned char byte) noexcept {
    if (byte < 0x80) return {};
    if (byte >= 0xC2 && byte <= 0xDF) return {.continuations = 1};
    if (byte >= 0xE0 && byte <= 0xEF)
        return {.continuations = 2,
                .low = static_cast<unsigned char>(byte == 0xE0 ? 0xA0 : 0x80),
                .high = static_cast<unsigned char>(byte == 0xED ? 0x9F : 0xBF)};
    if (byte >= 0xF0 && byte <= 0xF4)
        return {.continuations = 3,
                .low = static_cast<unsigned char>(byte == 0xF0 ? 0x90 : 0x80),
                .high = static_cast<unsigned char>(byte == 0xF4 ? 0x8F : 0xBF)};
    return {.continuations = 0, .low = 0x80, .high = 0xBF, .valid = false};
}

/// The length of the well-formed UTF-8 sequence at the start of `text` (1 to 4), or 0 when
/// it does not start with one (a stray continuation byte, an overlong form, a surrogate, a cut sequence).
[[nodiscard]] std::size_t utf8_sequence_length(std::string_view text) noexcept;

/// The byte offset of the first byte of `text` that is not part of well-formed UTF-8, or npos.
[[nodiscard]] std::size_t first_invalid_utf8(std::string_view text) noexcept;

/// `text` with each byte that is not part of well-formed UTF-8 replaced by U+FFFD.
[[nodiscard]] std::string valid_utf8(std::string_view text);

/// The largest length <= max_bytes at which `text` can be cut without cutting a UTF-8 sequence.
[[nodiscard]] std::size_t utf8_cut(std::string_view text, std::size_t max_bytes) noexcept;

/// How many bytes at the start of `text` end on a character boundary: all of them but a
/// multi-byte sequence cut short at the end (for text that arrives in pieces).
[[nodiscard]] std::size_t whole_characters(std::string_view text) noexcept;

/// Text from outside made safe to show in one line of a message: at most `max_bytes` of it (cut
/// between characters, then "... (N bytes in all)"), line breaks and tabs as spaces, other control
/// characters (terminal escape sequences included) and bytes that are not UTF-8 as U+FFFD.
[[nodiscard]] std::string printable(std::string_view text, std::size_t max_bytes = 500);

}  // namespace instructor::detail
