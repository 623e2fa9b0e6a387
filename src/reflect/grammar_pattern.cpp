#include <instructor/detail/reflect/grammar_pattern.hpp>

#include <vector>

namespace instructor::detail {
namespace {

// What a JSON string may hold between its quotes without an escape sequence.
constexpr std::string_view kNeverInString = R"("\\\x00-\x1F)";
constexpr std::string_view kAnyCharacter = R"([^"\\\x00-\x1F])";

// The members of a shorthand class, for use inside [...]; "" when it has no such spelling.
std::string_view class_members(char shorthand) {
    switch (shorthand) {
        case 'd': return "0-9";
        case 'w': return "a-zA-Z0-9_";
        case 's': return " ";  // tabs and line breaks need escapes in JSON, which the grammar excludes
        default: return {};
    }
}

// One alternative of the pattern, its anchors removed, rewritten piece by piece.
std::string rewrite_body(std::string_view body) {
    std::string out;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (c == '\\' && i + 1 < body.size()) {
            const char next = body[++i];
            const char lower = static_cast<char>(next | 0x20);
            if (!class_members(lower).empty()) {
                const bool negated = next != lower;
                out += negated ? "[^" : "[";
                out += class_members(lower);
                if (negated) out += kNeverInString;
                out += "]";
            } else {
                out += c;
                out += next;
            }
        } else if (c == '.') {
            out += kAnyCharacter;
        } else if (c == '[') {
            const bool negated = i + 1 < body.size() && body[i + 1] == '^';
            out += negated ? "[^" : "[";
            i += negated ? 2 : 1;
            // A ']' first in a class is a member, as in ECMAScript's [^]] spelled [^\]].
            for (; i < body.size() && body[i] != ']'; ++i) {
                if (body[i] == '\\' && i + 1 < body.size()) {
                    const auto members = class_members(body[i + 1]);
                    if (!members.empty()) {
                        out += members;
                    } else {
                        out += body[i];
                        out += body[i + 1];
                    }
                    ++i;
                } else {
                    out += body[i];
                }
            }
            if (negated) out += kNeverInString;
            out += "]";
        } else {
            out += c;
        }
    }
    return out;
}

// The pattern's alternatives at depth 0 (outside groups and classes).
std::vector<std::string_view> top_level_alternatives(std::string_view pattern) {
    std::vector<std::string_view> parts;
    int depth = 0;
    bool in_class = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\') {
            ++i;
        } else if (in_class) {
            in_class = c != ']';
        } else if (c == '[') {
            in_class = true;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')') {
            --depth;
        } else if (c == '|' && depth == 0) {
            parts.push_back(pattern.substr(start, i - start));
            start = i + 1;
        }
    }
    parts.push_back(pattern.substr(start));
    return parts;
}

bool ends_with_anchor(std::string_view part) {
    if (part.empty() || part.back() != '$') return false;
    std::size_t backslashes = 0;
    for (std::size_t i = part.size() - 1; i > 0 && part[i - 1] == '\\'; --i) ++backslashes;
    return backslashes % 2 == 0;
}

}  // namespace

std::string grammar_safe_pattern(std::string_view pattern) {
    const auto alternatives = top_level_alternatives(pattern);
    std::string joined;
    for (std::string_view part : alternatives) {
        const bool from_start = !part.empty() && part.front() == '^';
        if (from_start) part.remove_prefix(1);
        const bool to_end = ends_with_anchor(part);
        if (to_end) part.remove_suffix(1);
        if (!joined.empty()) joined += '|';
        if (!from_start) joined += std::string(kAnyCharacter) + "*";
        joined +=
            alternatives.size() == 1 || (from_start && to_end) ? rewrite_body(part) : "(" + rewrite_body(part) + ")";
        if (!to_end) joined += std::string(kAnyCharacter) + "*";
    }
    return alternatives.size() == 1 ? "^" + joined + "$" : "^(" + joined + ")$";
}

}  // namespace instructor::detail
