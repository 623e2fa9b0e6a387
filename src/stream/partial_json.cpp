#include <instructor/detail/stream/partial_json.hpp>

#include <instructor/detail/core/text.hpp>
#include <instructor/detail/json/unicode.hpp>

#include <charconv>
#include <cstdio>
#include <system_error>
#include <utility>

namespace instructor::detail {

using json = nlohmann::json;

enum class PartialJsonParser::State : unsigned char {
    value,          // a value must start here: top level, after ':', after ',' in an array
    array_first,    // just after '[': a value or ']'
    object_first,   // just after '{': a key or '}'
    object_key,     // after ',' in an object: a key
    colon,          // after a key: ':'
    after_value,    // after a value in a container: ',' or the closing bracket
    string,         // the text of a string (a key or a value)
    escape,         // after '\'
    hex,            // the four hex digits of \uXXXX
    low_backslash,  // after a high surrogate: the '\' of its low half
    low_u,          // ... its 'u'
    low_hex,        // ... its four hex digits
    number,
    literal,  // true, false, null
    done,     // the top-level value has closed
};

enum class PartialJsonParser::NumberState : unsigned char {
    minus,     // after '-'
    zero,      // a leading 0
    integer,   // digits
    dot,       // after '.'
    fraction,  // digits after '.'
    exponent,  // after 'e' or 'E'
    exponent_sign,
    exponent_digits,
};

namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

std::string hex4(std::uint32_t unit) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%04X", static_cast<unsigned>(unit));
    return buffer;
}

// How a byte is shown in an error: '1', or "byte 0x0A" when it is not printable ASCII.
std::string shown(unsigned char c) {
    if (c >= 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "byte 0x%02X", static_cast<unsigned>(c));
    return buffer;
}

std::string pointer_or_root(const JsonPath& path) {
    std::string pointer = to_pointer(path);
    return pointer.empty() ? "(root)" : pointer;
}

}  // namespace

std::string to_pointer(const JsonPath& path) {
    std::string out;
    for (const auto& step : path) {
        out += '/';
        if (step.is_index) {
            out += std::to_string(step.index);
            continue;
        }
        for (const char c : step.key) {
            if (c == '~')
                out += "~0";
            else if (c == '/')
                out += "~1";
            else
                out += c;
        }
    }
    return out;
}

PartialJsonParser::PartialJsonParser(PartialEventSink sink, std::size_t max_depth)
    : sink_(std::move(sink)),
      max_depth_(max_depth),
      root_(std::make_unique<json>()),
      state_(State::value),
      number_state_(NumberState::integer) {}

PartialJsonParser::PartialJsonParser(PartialJsonParser&&) noexcept = default;
PartialJsonParser& PartialJsonParser::operator=(PartialJsonParser&&) noexcept = default;
PartialJsonParser::~PartialJsonParser() = default;

bool PartialJsonParser::feed(std::string_view text) {
    if (stopped_) return false;
    if (error_) throw *error_;
    if (state_ == State::done) {
        offset_ += text.size();
        return true;
    }
    // text_ is found again on each call (it may point at key_, which moves with the parser).
    text_ = string_ != nullptr ? &string_->get_ref<std::string&>() : &key_;
    grown_from_ = string_ != nullptr ? text_->size() : 0;

    const std::size_t read = run(text.data(), text.size());
    if (stopped_) {
        offset_ += read;
        return false;
    }
    if (state_ == State::done) {
        consumed_ = offset_ + read;
        offset_ += text.size();
    } else {
        offset_ += read;
    }
    // One string_grew per call at most, for the string still open, and only if it grew.
    if (string_ != nullptr && text_->size() > grown_from_)
        if (!emit(PartialEventKind::string_grew, *string_)) return false;
    return true;
}

void PartialJsonParser::finish() {
    if (stopped_) return;
    if (error_) throw *error_;
    if (state_ == State::number && open_.empty()) {
        const bool ends = number_state_ == NumberState::zero || number_state_ == NumberState::integer ||
                          number_state_ == NumberState::fraction || number_state_ == NumberState::exponent_digits;
        if (ends) {
            (void)end_number(offset_);
            consumed_ = offset_;
            return;
        }
    }
    if (complete_) return;
    fail_at("the JSON ends early, " + where(), offset_);
}

// What is open, for "the JSON ends early, ...".
std::string PartialJsonParser::where() const {
    const std::string at = " at " + pointer_or_root(path_);
    switch (state_) {
        case State::string:
        case State::escape:
        case State::hex:
        case State::low_backslash:
        case State::low_u:
        case State::low_hex: return string_ != nullptr ? "inside a string" + at : "inside an object key" + at;
        case State::number: return "inside a number" + at;
        case State::literal: return std::string("inside ") + literal_ + at;
        default: break;
    }
    if (open_.empty()) return "before any value";
    return (open_.back()->is_object() ? "inside an object" : "inside an array") + at;
}

void PartialJsonParser::fail_at(const std::string& message, std::size_t offset) {
    error_.emplace(message, offset);
    throw *error_;
}

void PartialJsonParser::fail(const std::string& expected, const char* data, std::size_t i) {
    fail_at("expected " + expected + ", got " + shown(static_cast<unsigned char>(data[i])) + " at byte offset " +
                std::to_string(offset_ + i),
            offset_ + i);
}

bool PartialJsonParser::emit(PartialEventKind kind, const json& value) {
    if (!sink_) return true;
    if (sink_(PartialEvent{kind, path_, value})) return true;
    stopped_ = true;
    return false;
}

// Puts a new value where the current one goes (path_.back() names it) and returns it in the DOM.
// Only the innermost open container ever grows, so the pointers in open_ stay valid.
json& PartialJsonParser::place(json&& value) {
    if (open_.empty()) {
        *root_ = std::move(value);
        return *root_;
    }
    json& container = *open_.back();
    if (container.is_array()) {
        auto& elements = container.get_ref<json::array_t&>();
        elements.push_back(std::move(value));
        return elements.back();
    }
    json& slot = container.get_ref<json::object_t&>()[path_.back().key];  // a duplicate key: the last wins
    slot = std::move(value);
    return slot;
}

bool PartialJsonParser::complete_value(json& value) {
    const bool go_on = emit(PartialEventKind::value_complete, value);
    if (open_.empty()) {
        state_ = State::done;
        complete_ = true;
    } else {
        path_.pop_back();
        state_ = State::after_value;
    }
    return go_on;
}

bool PartialJsonParser::close_container() {
    json* container = open_.back();
    open_.pop_back();
    return complete_value(*container);
}

void PartialJsonParser::begin_key() {
    key_.clear();
    text_ = &key_;
    string_ = nullptr;
    state_ = State::string;
}

void PartialJsonParser::begin_value(unsigned char c, std::size_t at) {
    if (!open_.empty()) {
        const json& container = *open_.back();
        if (container.is_array()) {
            path_.push_back(PathStep{.key = {}, .index = container.size(), .is_index = true});
        } else {
            path_.push_back(PathStep{.key = std::move(key_), .index = 0, .is_index = false});
            key_.clear();
        }
    }
    if ((c == '{' || c == '[') && open_.size() >= max_depth_)
        fail_at("the JSON nests deeper than Limits::max_depth (" + std::to_string(max_depth_) +
                    " levels) at byte offset " + std::to_string(at),
                at);
    switch (c) {
        case '{':
            open_.push_back(&place(json::object()));
            state_ = State::object_first;
            return;
        case '[':
            open_.push_back(&place(json::array()));
            state_ = State::array_first;
            return;
        case '"':
            string_ = &place(json::string_t());
            text_ = &string_->get_ref<std::string&>();
            grown_from_ = 0;
            state_ = State::string;
            return;
        case 't': literal_ = "true"; break;
        case 'f': literal_ = "false"; break;
        case 'n': literal_ = "null"; break;
        default:
            if (c == '-' || is_digit(c)) {
                number_.clear();
                number_ += static_cast<char>(c);
                number_is_integer_ = true;
                number_state_ = c == '-' ? NumberState::minus : c == '0' ? NumberState::zero : NumberState::integer;
                state_ = State::number;
                return;
            }
            if (!open_.empty()) path_.pop_back();
            fail_at("expected a JSON value (an object, array, string, number, true, false or null), got " + shown(c) +
                        " at byte offset " + std::to_string(at),
                    at);
    }
    literal_at_ = 1;
    state_ = State::literal;
}

bool PartialJsonParser::end_number(std::size_t at) {
    json number;
    bool parsed = false;
    if (number_is_integer_) {
        const char* first = number_.data();
        const char* last = first + number_.size();
        if (number_.front() == '-') {
            std::int64_t value = 0;
            const auto [end, ec] = std::from_chars(first, last, value);
            if (ec == std::errc() && end == last) {
                number = value;
                parsed = true;
            }
        } else {
            std::uint64_t value = 0;
            const auto [end, ec] = std::from_chars(first, last, value);
            if (ec == std::errc() && end == last) {
                number = value;
                parsed = true;
            }
        }
    }
    if (!parsed) {
        // Fractions, exponents and integers beyond 64 bits: exactly what nlohmann::json::parse makes.
        try {
            number = json::parse(number_);
        } catch (const json::exception&) {
            fail_at("the number " + number_ + " is out of range, at byte offset " + std::to_string(at - number_.size()),
                    at - number_.size());
        }
    }
    return complete_value(place(std::move(number)));
}

// A \uXXXX code unit (or a whole pair) has been read.
void PartialJsonParser::code_unit(std::uint32_t unit, std::size_t at) {
    if (state_ == State::low_hex) {
        if (unit < 0xDC00 || unit > 0xDFFF)
            fail_at("expected a low surrogate (\\uDC00 to \\uDFFF) after \\u" + hex4(high_) + ", got \\u" + hex4(unit) +
                        " at byte offset " + std::to_string(at),
                    at);
        append_utf8(*text_, 0x10000 + ((high_ - 0xD800) << 10) + (unit - 0xDC00));
        state_ = State::string;
    } else if (unit >= 0xD800 && unit <= 0xDBFF) {
        high_ = unit;
        state_ = State::low_backslash;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
        fail_at("a low surrogate \\u" + hex4(unit) + " without its high half at byte offset " + std::to_string(at), at);
    } else {
        append_utf8(*text_, unit);
        state_ = State::string;
    }
}

// The parsing loop: returns how many bytes it took (less than size once the value is done, or
// when the sink stopped).
std::size_t PartialJsonParser::run(const char* data, std::size_t size) {
    std::size_t i = 0;
    while (i < size && state_ != State::done)
        if (!step(data, size, i)) break;
    return i;
}

bool PartialJsonParser::step(const char* data, std::size_t size, std::size_t& i) {
    const auto c = static_cast<unsigned char>(data[i]);
    switch (state_) {
        case State::value:
            if (!is_space(c)) begin_value(c, offset_ + i);
            ++i;
            return true;
        case State::array_first: return after_open(c, ']', i);
        case State::object_first:
        case State::object_key: return key_expected(data, i);
        case State::colon:
            if (c == ':')
                state_ = State::value;
            else if (!is_space(c))
                fail("':' after the object key", data, i);
            ++i;
            return true;
        case State::after_value: return after_value(data, i);
        case State::string: return string_text(data, size, i);
        case State::escape: return escape(data, i);
        case State::hex:
        case State::low_hex: hex_digit(data, i); return true;
        case State::low_backslash:
        case State::low_u: low_surrogate_prefix(data, i); return true;
        case State::number: return number_text(data, size, i);
        case State::literal: return literal_text(data, i);
        case State::done: return false;
    }
    return false;
}

// Just after '[': the first value, or the closing bracket of an empty array.
bool PartialJsonParser::after_open(unsigned char c, char closing, std::size_t& i) {
    ++i;
    if (is_space(c)) return true;
    if (c == static_cast<unsigned char>(closing)) return close_container();
    begin_value(c, offset_ + i - 1);
    return true;
}

// After '{' or a ',' in an object: a key (or, just after '{', the closing brace).
bool PartialJsonParser::key_expected(const char* data, std::size_t& i) {
    const auto c = static_cast<unsigned char>(data[i]);
    if (is_space(c)) {
        ++i;
        return true;
    }
    if (c == '"') {
        begin_key();
        ++i;
        return true;
    }
    if (c == '}' && state_ == State::object_first) {
        ++i;
        return close_container();
    }
    fail(state_ == State::object_first ? "'\"' to begin a key, or '}'" : "'\"' to begin the next key", data, i);
}

// After a value inside a container: ',' or the container's closing bracket.
bool PartialJsonParser::after_value(const char* data, std::size_t& i) {
    const auto c = static_cast<unsigned char>(data[i]);
    const bool in_object = open_.back()->is_object();
    ++i;
    if (is_space(c)) return true;
    if (c == ',') {
        state_ = in_object ? State::object_key : State::value;
        return true;
    }
    if (c != (in_object ? '}' : ']')) fail(in_object ? "',' or '}'" : "',' or ']'", data, i - 1);
    return close_container();
}

// The UTF-8 sequence the previous chunk cut: its remaining continuation bytes.
void PartialJsonParser::finish_cut_sequence(const char* data, std::size_t size, std::size_t& i) {
    const std::size_t from = i;
    while (i < size && utf8_need_ > 0) {
        const auto b = static_cast<unsigned char>(data[i]);
        if (b < utf8_low_ || b > utf8_high_) fail("a UTF-8 continuation byte", data, i);
        utf8_low_ = 0x80;
        utf8_high_ = 0xBF;
        --utf8_need_;
        ++i;
    }
    utf8_pending_.append(data + from, i - from);
    if (utf8_need_ > 0) return;  // the chunk ended inside it again
    text_->append(utf8_pending_);
    utf8_pending_.clear();
}

// The text of a string, the hot loop: plain bytes are checked, then appended in one go.
bool PartialJsonParser::string_text(const char* data, std::size_t size, std::size_t& i) {
    if (!utf8_pending_.empty()) {
        finish_cut_sequence(data, size, i);
        if (utf8_need_ > 0) return true;
    }
    const std::size_t from = i;
    while (i < size) {
        const auto b = static_cast<unsigned char>(data[i]);
        if (utf8_need_ > 0) {
            if (b < utf8_low_ || b > utf8_high_) fail("a UTF-8 continuation byte", data, i);
            utf8_low_ = 0x80;
            utf8_high_ = 0xBF;
            --utf8_need_;
            ++i;
            continue;
        }
        if (b == '"' || b == '\\') break;
        if (b < 0x80) {
            if (b < 0x20) fail("a character of the string (control characters must be escaped)", data, i);
            ++i;
            continue;
        }
        // The first byte of a multi-byte sequence (RFC 3629: no overlongs, no surrogates).
        const Utf8Lead lead = utf8_lead(b);
        if (lead.continuations == 0) fail("valid UTF-8 in the string", data, i);
        utf8_start_ = i;
        utf8_need_ = lead.continuations;
        utf8_low_ = lead.low;
        utf8_high_ = lead.high;
        ++i;
    }
    if (utf8_need_ > 0) {
        // Keep a cut sequence aside, so that the string in the DOM stays valid UTF-8.
        text_->append(data + from, utf8_start_ - from);
        utf8_pending_.assign(data + utf8_start_, i - utf8_start_);
        return true;
    }
    text_->append(data + from, i - from);
    if (i == size) return true;
    if (data[i] == '\\') {
        state_ = State::escape;
        ++i;
        return true;
    }
    ++i;  // the closing quote
    if (string_ == nullptr) {
        state_ = State::colon;
        return true;
    }
    json& done = *string_;
    string_ = nullptr;
    return complete_value(done);
}

// After '\' in a string.
bool PartialJsonParser::escape(const char* data, std::size_t& i) {
    char decoded = 0;
    switch (data[i]) {
        case '"': decoded = '"'; break;
        case '\\': decoded = '\\'; break;
        case '/': decoded = '/'; break;
        case 'b': decoded = '\b'; break;
        case 'f': decoded = '\f'; break;
        case 'n': decoded = '\n'; break;
        case 'r': decoded = '\r'; break;
        case 't': decoded = '\t'; break;
        case 'u':
            unit_ = 0;
            hex_digits_ = 0;
            state_ = State::hex;
            ++i;
            return true;
        default: fail("an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX) after '\\'", data, i);
    }
    *text_ += decoded;
    state_ = State::string;
    ++i;
    return true;
}

// One of the four hex digits of \uXXXX (or of a low surrogate's).
void PartialJsonParser::hex_digit(const char* data, std::size_t& i) {
    const int digit = hex_value(static_cast<unsigned char>(data[i]));
    if (digit < 0) fail("a hex digit in \\uXXXX", data, i);
    unit_ = unit_ * 16 + static_cast<std::uint32_t>(digit);
    ++i;
    if (++hex_digits_ == 4) code_unit(unit_, offset_ + i - 6);
}

// The '\' and 'u' that must follow a high surrogate.
void PartialJsonParser::low_surrogate_prefix(const char* data, std::size_t& i) {
    if (data[i] != (state_ == State::low_backslash ? '\\' : 'u'))
        fail("the low surrogate (\\uDC00 to \\uDFFF) that must follow \\u" + hex4(high_), data, i);
    if (state_ == State::low_u) {
        unit_ = 0;
        hex_digits_ = 0;
        state_ = State::low_hex;
    } else {
        state_ = State::low_u;
    }
    ++i;
}

// The characters of a number, checked against JSON's grammar as they come.
bool PartialJsonParser::number_text(const char* data, std::size_t size, std::size_t& i) {
    const std::size_t from = i;
    bool ended = false;
    for (; i < size && !ended; ++i) {
        const auto b = static_cast<unsigned char>(data[i]);
        const bool digit = is_digit(b);
        switch (number_state_) {
            case NumberState::minus:
                if (!digit) fail("a digit after '-'", data, i);
                number_state_ = b == '0' ? NumberState::zero : NumberState::integer;
                continue;
            case NumberState::zero:
            case NumberState::integer:
                if (digit && number_state_ == NumberState::integer) continue;
                if (digit) fail("'.', 'e' or the end of the number after a leading 0", data, i);
                if (b == '.') {
                    number_state_ = NumberState::dot;
                    number_is_integer_ = false;
                    continue;
                }
                break;
            case NumberState::dot:
                if (!digit) fail("a digit after '.'", data, i);
                number_state_ = NumberState::fraction;
                continue;
            case NumberState::fraction:
                if (digit) continue;
                break;
            case NumberState::exponent:
                if (b == '+' || b == '-') {
                    number_state_ = NumberState::exponent_sign;
                    continue;
                }
                [[fallthrough]];
            case NumberState::exponent_sign:
                if (!digit) fail("a digit in the exponent", data, i);
                number_state_ = NumberState::exponent_digits;
                continue;
            case NumberState::exponent_digits:
                if (digit) continue;
                ended = true;
                break;
        }
        if (ended) break;
        // zero, integer or fraction, and b is no digit.
        if (b == 'e' || b == 'E') {
            number_state_ = NumberState::exponent;
            number_is_integer_ = false;
            continue;
        }
        ended = true;
        break;
    }
    number_.append(data + from, i - from);
    if (!ended) return true;
    // data[i] ends the number: it is read again in the state after the value.
    return end_number(offset_ + i);
}

// The letters of true, false or null.
bool PartialJsonParser::literal_text(const char* data, std::size_t& i) {
    if (data[i] != literal_[literal_at_]) fail(std::string("'") + literal_ + "'", data, i);
    ++i;
    if (literal_[++literal_at_] != '\0') return true;
    json value = literal_[0] == 't' ? json(true) : literal_[0] == 'f' ? json(false) : json(nullptr);
    return complete_value(place(std::move(value)));
}

bool JsonTextLocator::feed(std::string_view text) {
    static constexpr std::string_view open_tag = "<think>";
    static constexpr std::string_view close_tag = "</think>";
    if (stopped_) return false;
    std::size_t i = 0;
    while (i < text.size()) {
        switch (scan_) {
            case Scan::prose:
                for (; i < text.size(); ++i) {
                    const char c = text[i];
                    if (c == '{' || c == '[') {
                        scan_ = Scan::json;
                        started_ = true;
                        break;
                    }
                    // '<' occurs only first in the tag, so a mismatch restarts at 0 or 1.
                    matched_ = c == open_tag[matched_] ? matched_ + 1 : c == '<' ? 1 : 0;
                    if (matched_ == open_tag.size()) {
                        scan_ = Scan::think;
                        matched_ = 0;
                        ++i;
                        break;
                    }
                }
                break;
            case Scan::think:
                for (; i < text.size(); ++i) {
                    const char c = text[i];
                    matched_ = c == close_tag[matched_] ? matched_ + 1 : c == '<' ? 1 : 0;
                    if (matched_ == close_tag.size()) {
                        scan_ = Scan::prose;
                        matched_ = 0;
                        ++i;
                        break;
                    }
                }
                break;
            case Scan::json:
                try {
                    if (!parser_->feed(text.substr(i))) {
                        stopped_ = true;
                        return false;
                    }
                } catch (const PartialJsonError& error) {
                    failed_ = true;
                    error_ = error.what();
                    scan_ = Scan::done;
                    return true;
                }
                if (parser_->complete()) scan_ = Scan::done;
                return true;
            case Scan::done: return true;
        }
    }
    return true;
}

}  // namespace instructor::detail
