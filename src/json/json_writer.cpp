#include <instructor/detail/json/json_writer.hpp>

#include <charconv>
#include <cstdint>

#include <instructor/detail/core/text.hpp>

namespace instructor::detail {
namespace {

using ojson = nlohmann::ordered_json;

void write_string(std::string_view text, std::string& out) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t run = 0;  // start of the bytes not yet copied
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            // nlohmann rejects the same: overlong forms, surrogates, past U+10FFFF, cut sequences.
            const std::size_t length = utf8_sequence_length(text.substr(i));
            if (length == 0) (void)ojson(std::string(text)).dump();  // throws nlohmann's own type_error.316
            i += length;
            continue;
        }
        out.append(text, run, i - run);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xF];
        }
        run = ++i;
    }
    out.append(text, run, std::string::npos);
    out += '"';
}

template <class Integer>
void write_integer(Integer value, std::string& out) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
}

}  // namespace

void write_json(const ojson& value, std::string& out) {
    switch (value.type()) {
        case ojson::value_t::object: {
            out += '{';
            bool first = true;
            for (const auto& [key, item] : value.get_ref<const ojson::object_t&>()) {
                if (!first) out += ',';
                first = false;
                write_string(key, out);
                out += ':';
                write_json(item, out);
            }
            out += '}';
            return;
        }
        case ojson::value_t::array: {
            out += '[';
            bool first = true;
            for (const auto& item : value) {
                if (!first) out += ',';
                first = false;
                write_json(item, out);
            }
            out += ']';
            return;
        }
        case ojson::value_t::string: write_string(value.get_ref<const std::string&>(), out); return;
        case ojson::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
        case ojson::value_t::number_integer: write_integer(value.get<std::int64_t>(), out); return;
        case ojson::value_t::number_unsigned: write_integer(value.get<std::uint64_t>(), out); return;
        case ojson::value_t::null: out += "null"; return;
        default: out += value.dump(); return;  // floats (nlohmann's shortest round-trip form), binary, discarded
    }
}

void write_json_string(std::string_view text, std::string& out) { write_string(text, out); }

std::string write_json(const ojson& value) {
    std::string out;
    out.reserve(1024);
    write_json(value, out);
    return out;
}

}  // namespace instructor::detail
