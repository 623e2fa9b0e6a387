#include <instructor/detail/json/json_reader.hpp>

#include <instructor/detail/core/text.hpp>

#include <bit>
#include <charconv>
#include <cstdint>
#include <cmath>
#include <clocale>
#include <cstring>
#include <cstdlib>
#include <locale.h>  // newlocale, strtod_l (POSIX)
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <instructor/detail/json/text_excerpt.hpp>
#include <instructor/detail/json/unicode.hpp>
#include <instructor/error.hpp>

namespace instructor::detail {
namespace {

using json = nlohmann::json;

bool is_continuation(unsigned char c) noexcept { return (c & 0xC0U) == 0x80U; }

// One well-formed UTF-8 sequence starting at `p` (whose first byte is >= 0x80), by Unicode's
// table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF. Advances past it.
bool skip_utf8_sequence(const char*& p, const char* end) noexcept {
    const auto byte = [&](std::ptrdiff_t i) { return static_cast<unsigned char>(p[i]); };
    const Utf8Lead lead = utf8_lead(byte(0));
    const auto length = static_cast<std::ptrdiff_t>(1 + lead.continuations);
    if (length == 1) return false;  // ASCII never gets here; anything else that is no lead byte fails
    if (end - p < length) return false;
    if (byte(1) < lead.low || byte(1) > lead.high) return false;
    for (std::ptrdiff_t i = 2; i < length; ++i)
        if (!is_continuation(byte(i))) return false;
    p += length;
    return true;
}

bool read_hex4(const char*& p, const char* end, unsigned& out) noexcept {
    if (end - p < 4) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
        const int digit = hex_value(static_cast<unsigned char>(p[i]));
        if (digit < 0) return false;
        out = out * 16 + static_cast<unsigned>(digit);
    }
    p += 4;
    return true;
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Eight bytes at a time: how many of them are plain string bytes before the first that ends a plain
// run (a quote, a backslash, a control character or a non-ASCII byte), 8 when none does. The
// subtractions borrow upwards, so a byte is only ever flagged wrongly above one flagged rightly: on
// a little-endian machine the first flag is a true one; elsewhere the caller is sent byte by byte.
inline unsigned plain_prefix(const char* p) noexcept {
    std::uint64_t v = 0;
    std::memcpy(&v, p, sizeof v);
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    const auto has_zero = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
    const std::uint64_t control = (v - 0x20 * ones) & ~v;
    const std::uint64_t flags = (control | has_zero(v ^ ('"' * ones)) | has_zero(v ^ ('\\' * ones)) | v) & highs;
    if (flags == 0) return 8;
    if constexpr (std::endian::native == std::endian::little) {
        return static_cast<unsigned>(std::countr_zero(flags)) / 8;
    } else {
        return 0;
    }
}

// Moves `at` past plain string bytes, eight at a time while eight are left.
inline void skip_plain(const char*& at, const char* end) noexcept {
    while (end - at >= 8) {
        const unsigned plain = plain_prefix(at);
        at += plain;
        if (plain < 8) return;
    }
}

// strtod in the "C" locale, for the rare number from_chars reports out of range: it gives the
// same infinity, zero or subnormal that nlohmann's parser (strtod) gives.
double strtod_c(const std::string& text) {
    static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", nullptr);
    return strtod_l(text.c_str(), nullptr, c_locale);
}

// Whether a number token (checked against the grammar) fits a double, as nlohmann requires: it
// refuses 1e600 ("number overflow"), and so must everything that claims to accept what it accepts.
bool fits_a_double(std::string_view token) {
    if (token.find_first_of(".eE") == std::string_view::npos && token.size() <= 20) return true;
    double value = 0;
    if (std::from_chars(token.data(), token.data() + token.size(), value).ec == std::errc()) return true;
    return std::isfinite(strtod_c(std::string(token)));  // out of range: too large, or only too small
}

// A number token (already checked against the grammar) as nlohmann stores it: an unsigned or
// signed integer when it is one and fits, else a double. False when it is too large for a double
// (nlohmann rejects those too).
bool store_number(std::string_view token, json& out) {
    const char* first = token.data();
    const char* last = first + token.size();
    if (token.find_first_of(".eE") == std::string_view::npos) {
        if (token.front() == '-') {
            std::int64_t value = 0;
            if (std::from_chars(first, last, value).ec == std::errc()) {
                out = value;
                return true;
            }
        } else {
            std::uint64_t value = 0;
            if (std::from_chars(first, last, value).ec == std::errc()) {
                out = value;
                return true;
            }
        }
    }
    double value = 0;
    if (std::from_chars(first, last, value).ec != std::errc()) value = strtod_c(std::string(token));
    if (!std::isfinite(value)) return false;
    out = value;
    return true;
}

}  // namespace

JsonCursor::JsonCursor(std::string_view text, std::size_t max_depth) noexcept
    : begin_(text.data()), at_(text.data()), end_(text.data() + text.size()), max_depth_(max_depth) {
    // A leading byte order mark is skipped; a partial one is an error (as nlohmann does).
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF")
        at_ += 3;
    else if (!text.empty() && static_cast<unsigned char>(text.front()) == 0xEF)
        fail();
}

bool JsonCursor::fail() noexcept {
    failed_ = true;
    return false;
}

void JsonCursor::skip_whitespace() noexcept {
    while (at_ != end_ && (*at_ == ' ' || *at_ == '\n' || *at_ == '\r' || *at_ == '\t')) ++at_;
}

JsonCursor::Kind JsonCursor::peek() noexcept {
    // Where a value is expected and none can start, the text is not JSON: the cursor fails.
    if (failed_) return Kind::invalid;
    skip_whitespace();
    if (at_ == end_) {
        fail();
        return Kind::invalid;
    }
    switch (*at_) {
        case '{': return Kind::object;
        case '[': return Kind::array;
        case '"': return Kind::string;
        case 't':
        case 'f': return Kind::boolean;
        case 'n': return Kind::null;
        default:
            if (*at_ == '-' || is_digit(*at_)) return Kind::number;
            fail();
            return Kind::invalid;
    }
}

bool JsonCursor::enter() noexcept {
    if (++depth_ > max_depth_) {
        too_deep_ = true;
        return fail();
    }
    return true;
}

bool JsonCursor::begin_object() noexcept {
    if (peek() != Kind::object || !enter()) return fail();
    ++at_;
    return true;
}

bool JsonCursor::closes(char bracket) noexcept {
    skip_whitespace();
    if (at_ == end_ || *at_ != bracket) return false;
    ++at_;
    --depth_;
    return true;
}

bool JsonCursor::first_member(std::string_view& out) {
    if (failed_ || closes('}')) return false;
    return key(out);
}

bool JsonCursor::next_member(std::string_view& out) {
    if (failed_ || closes('}')) return false;
    if (at_ == end_ || *at_ != ',') return fail();
    ++at_;
    return key(out);
}

bool JsonCursor::key(std::string_view& out) {
    skip_whitespace();
    if (at_ == end_ || *at_ != '"' || !scan_string(out)) return fail();
    skip_whitespace();
    if (at_ == end_ || *at_ != ':') return fail();
    ++at_;
    return true;
}

bool JsonCursor::begin_array() noexcept {
    if (peek() != Kind::array || !enter()) return fail();
    ++at_;
    return true;
}

bool JsonCursor::first_element() noexcept {
    if (failed_ || closes(']')) return false;
    return at_ != end_ || fail();
}

bool JsonCursor::next_element() noexcept {
    if (failed_ || closes(']')) return false;
    if (at_ == end_ || *at_ != ',') return fail();
    ++at_;
    return true;
}

bool JsonCursor::string(std::string_view& out) {
    if (peek() != Kind::string) return fail();
    return scan_string(out);
}

bool JsonCursor::scan_string(std::string_view& out) {
    ++at_;  // the opening quote
    const char* start = at_;
    // Most strings have no escape: they are handed out as a view of the text. Plain bytes are
    // skipped eight at a time, again after each byte that needed a look.
    for (;;) {
        skip_plain(at_, end_);
        if (at_ == end_) return fail();
        const auto c = static_cast<unsigned char>(*at_);
        if (c == '"') {
            out = std::string_view(start, static_cast<std::size_t>(at_ - start));
            ++at_;
            return true;
        }
        if (c == '\\') break;
        if (c < 0x20) return fail();
        if (c < 0x80)
            ++at_;
        else if (!skip_utf8_sequence(at_, end_))
            return fail();
    }
    // Escapes: the runs between them are copied whole.
    scratch_.assign(start, at_);
    while (at_ != end_) {
        const char* run = at_;
        skip_plain(at_, end_);
        while (at_ != end_) {
            const auto c = static_cast<unsigned char>(*at_);
            if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
            ++at_;
        }
        scratch_.append(run, at_);
        if (at_ == end_) break;
        const auto c = static_cast<unsigned char>(*at_);
        if (c == '"') {
            out = scratch_;
            ++at_;
            return true;
        }
        if (c < 0x20) return fail();
        if (c >= 0x80) {
            const char* from = at_;
            if (!skip_utf8_sequence(at_, end_)) return fail();
            scratch_.append(from, at_);
            continue;
        }
        if (++at_ == end_) return fail();
        switch (*at_++) {
            case '"': scratch_ += '"'; break;
            case '\\': scratch_ += '\\'; break;
            case '/': scratch_ += '/'; break;
            case 'b': scratch_ += '\b'; break;
            case 'f': scratch_ += '\f'; break;
            case 'n': scratch_ += '\n'; break;
            case 'r': scratch_ += '\r'; break;
            case 't': scratch_ += '\t'; break;
            case 'u': {
                unsigned code_point = 0;
                if (!read_hex4(at_, end_, code_point)) return fail();
                if (code_point >= 0xDC00 && code_point <= 0xDFFF) return fail();  // a lone low surrogate
                if (code_point >= 0xD800 && code_point <= 0xDBFF) {
                    unsigned low = 0;
                    if (end_ - at_ < 2 || at_[0] != '\\' || at_[1] != 'u') return fail();
                    at_ += 2;
                    if (!read_hex4(at_, end_, low) || low < 0xDC00 || low > 0xDFFF) return fail();
                    code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
                }
                append_utf8(scratch_, code_point);
                break;
            }
            default: return fail();
        }
    }
    return fail();
}

bool JsonCursor::number(std::string_view& token) noexcept {
    if (peek() != Kind::number) return fail();
    const char* start = at_;
    if (*at_ == '-') ++at_;
    if (at_ == end_) return fail();
    if (*at_ == '0') {
        ++at_;
    } else if (is_digit(*at_)) {
        while (at_ != end_ && is_digit(*at_)) ++at_;
    } else {
        return fail();
    }
    if (at_ != end_ && *at_ == '.') {
        ++at_;
        if (at_ == end_ || !is_digit(*at_)) return fail();
        while (at_ != end_ && is_digit(*at_)) ++at_;
    }
    if (at_ != end_ && (*at_ == 'e' || *at_ == 'E')) {
        ++at_;
        if (at_ != end_ && (*at_ == '+' || *at_ == '-')) ++at_;
        if (at_ == end_ || !is_digit(*at_)) return fail();
        while (at_ != end_ && is_digit(*at_)) ++at_;
    }
    token = std::string_view(start, static_cast<std::size_t>(at_ - start));
    if (!fits_a_double(token)) return fail();
    return true;
}

bool JsonCursor::literal(std::string_view word) noexcept {
    if (static_cast<std::size_t>(end_ - at_) < word.size() || std::string_view(at_, word.size()) != word) return fail();
    at_ += word.size();
    return true;
}

bool JsonCursor::boolean(bool& out) noexcept {
    if (peek() != Kind::boolean) return fail();
    out = *at_ == 't';
    return literal(out ? "true" : "false");
}

bool JsonCursor::null() noexcept {
    if (peek() != Kind::null) return fail();
    return literal("null");
}

bool JsonCursor::skip() {
    // Iterative: the open containers are counted, not recursed into. Inside one, what closes it is
    // known from the text: a member follows a ',' in an object, an element in an array.
    std::vector<bool> in_object;  // only grows for nested containers; most skipped values are flat
    std::string_view ignored;
    bool flag = false;
    for (;;) {
        switch (peek()) {
            case Kind::object:
                if (!begin_object()) return false;
                if (first_member(ignored)) {
                    in_object.push_back(true);
                    continue;
                }
                break;
            case Kind::array:
                if (!begin_array()) return false;
                if (first_element()) {
                    in_object.push_back(false);
                    continue;
                }
                break;
            case Kind::string: (void)scan_string(ignored); break;
            case Kind::number: (void)number(ignored); break;
            case Kind::boolean: (void)boolean(flag); break;
            case Kind::null: (void)null(); break;
            case Kind::invalid: return fail();
        }
        if (failed_) return false;
        for (;;) {  // a value is complete: close what it completes
            if (in_object.empty()) return true;
            if (in_object.back() ? next_member(ignored) : next_element()) break;
            if (failed_) return false;
            in_object.pop_back();
        }
    }
}

bool JsonCursor::skip_span(std::string_view& span) {
    if (failed_) return false;
    skip_whitespace();
    const char* start = at_;
    if (!skip()) return false;
    span = std::string_view(start, static_cast<std::size_t>(at_ - start));
    return true;
}

bool JsonCursor::at_end() noexcept {
    if (failed_) return false;
    skip_whitespace();
    return at_ == end_;
}

std::string repair_json_encoding(std::string_view text, std::size_t& replaced) {
    replaced = 0;
    std::string out;
    out.reserve(text.size());
    const auto surrogate_at = [&](std::size_t at, unsigned low, unsigned high) {
        // "\\uXXXX" at `at`, XXXX within [low, high]
        unsigned code = 0;
        const char* p = text.data() + at + 2;
        return at + 6 <= text.size() && text[at] == '\\' && text[at + 1] == 'u' &&
               read_hex4(p, text.data() + text.size(), code) && code >= low && code <= high;
    };
    bool in_string = false;
    for (std::size_t at = 0; at < text.size();) {
        const auto c = static_cast<unsigned char>(text[at]);
        if (c >= 0x80) {
            const std::size_t length = utf8_sequence_length(text.substr(at));
            if (length == 0) {
                out += "\xEF\xBF\xBD";
                ++replaced;
                ++at;
            } else {
                out.append(text.substr(at, length));
                at += length;
            }
            continue;
        }
        if (c == '"') in_string = !in_string;
        if (in_string && c == '\\' && at + 1 < text.size()) {
            if (surrogate_at(at, 0xD800, 0xDBFF) && surrogate_at(at + 6, 0xDC00, 0xDFFF)) {
                out.append(text.substr(at, 12));  // a pair: one character
                at += 12;
            } else if (surrogate_at(at, 0xD800, 0xDFFF)) {
                out += "\\ufffd";
                ++replaced;
                at += 6;
            } else {
                out.append(text.substr(at, 2));  // any other escape, \\" included
                at += 2;
            }
            continue;
        }
        out += static_cast<char>(c);
        ++at;
    }
    return out;
}

void throw_too_large(std::string_view input_start, std::size_t size, const Limits& limits, std::string_view what) {
    throw LimitError(std::string(what) + " is " + std::to_string(size) + " bytes, more than Limits::max_bytes (" +
                         std::to_string(limits.max_bytes) +
                         "); raise it in ClientOptions::limits (ParseOptions::limits for from_json) only for input "
                         "you trust",
                     "max_bytes", limits.max_bytes, text_excerpt(input_start));
}

json read_json(std::string_view text, const Limits& limits, std::string_view what) {
    if (text.size() > limits.max_bytes) throw_too_large(text, text.size(), limits, what);
    JsonCursor cursor(text, limits.max_depth);
    json root;
    // The containers being filled, innermost last, each with whether it is an object. Pointers stay
    // valid: a container only grows while it is the innermost one.
    std::vector<std::pair<json*, bool>> open;
    json* slot = &root;
    std::string_view piece;
    bool flag = false;
    std::size_t values = 0;
    for (;;) {
        bool opened = false;
        if (++values > limits.max_values)
            throw LimitError(std::string(what) + " holds more than Limits::max_values (" +
                                 std::to_string(limits.max_values) +
                                 " JSON values); raise it in ClientOptions::limits only for input you trust",
                             "max_values", limits.max_values, text_excerpt(text));
        switch (cursor.peek()) {
            case JsonCursor::Kind::object:
                if (!cursor.begin_object()) break;
                *slot = json::object();
                if (cursor.first_member(piece)) {
                    open.emplace_back(slot, true);
                    slot = &(*slot)[std::string(piece)];
                    opened = true;
                }
                break;
            case JsonCursor::Kind::array:
                if (!cursor.begin_array()) break;
                *slot = json::array();
                if (cursor.first_element()) {
                    open.emplace_back(slot, false);
                    slot = &slot->emplace_back();
                    opened = true;
                }
                break;
            case JsonCursor::Kind::string:
                if (cursor.string(piece)) *slot = piece;
                break;
            case JsonCursor::Kind::number:
                if (cursor.number(piece) && !store_number(piece, *slot)) return json(json::value_t::discarded);
                break;
            case JsonCursor::Kind::boolean:
                if (cursor.boolean(flag)) *slot = flag;
                break;
            case JsonCursor::Kind::null:
                // Written, not left as the slot was: a repeated key's last value wins, as in nlohmann.
                if (cursor.null()) *slot = nullptr;
                break;
            case JsonCursor::Kind::invalid: break;
        }
        if (cursor.failed()) break;
        if (opened) continue;
        bool next = false;
        while (!open.empty()) {
            auto [container, object] = open.back();
            if (object ? cursor.next_member(piece) : cursor.next_element()) {
                slot = object ? &(*container)[std::string(piece)] : &container->emplace_back();
                next = true;
                break;
            }
            if (cursor.failed()) break;
            open.pop_back();
        }
        if (next) continue;
        if (!cursor.failed() && cursor.at_end()) return root;
        break;
    }
    if (cursor.too_deep())
        throw LimitError(std::string(what) + " nests deeper than Limits::max_depth (" +
                             std::to_string(limits.max_depth) + " levels) at byte " + std::to_string(cursor.offset()) +
                             "; raise it in ClientOptions::limits (ParseOptions::limits for from_json) only for input "
                             "you trust",
                         "max_depth", limits.max_depth, text_excerpt(text));
    return json(json::value_t::discarded);
}

}  // namespace instructor::detail
