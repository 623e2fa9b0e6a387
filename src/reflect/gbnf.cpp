// GBNF from the type tree. One rule per struct and enum (so recursion is a rule that names itself),
// everything else written in place. The grammar must never let a model write what the parser then
// rejects: where a constraint cannot be said exactly, the grammar says less only when the parser
// is told to check the rest (see the README's list), and it never says more.

#include <instructor/gbnf.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <instructor/detail/reflect/grammar_pattern.hpp>

namespace instructor::detail {
namespace {

__extension__ typedef __int128 Int;  // every 64-bit bound, signed or not, and its negation
__extension__ typedef unsigned __int128 Magnitude;

// Whitespace between tokens: nothing, one space, or one line break with an indent of at most 20.
constexpr std::string_view kWhitespaceRule = R"(ws ::= | " " | "\n" [ \t]{0,20})";
// One character of a JSON string: anything but a quote, a backslash or a control character, or a
// short escape. (No \u escapes: a lone surrogate written that way is not valid JSON text.)
constexpr std::string_view kCharRule = R"(char ::= [^"\\\x00-\x1F] | "\\" ["\\/bfnrt])";
constexpr std::string_view kStringRule = R"(string ::= "\"" char* "\"")";

// A GBNF string literal of `text`.
std::string literal(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out = "\"";
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (b < 0x20) {
            out += "\\x";
            out += hex[b >> 4];
            out += hex[b & 0xF];
        } else {
            out += c;
        }
    }
    return out + '"';
}

// The literal of a JSON string holding `text` (quotes and escapes as a model writes them).
std::string json_string_literal(std::string_view text) { return literal(nlohmann::json(std::string(text)).dump()); }

std::string decimal(Magnitude value) {
    if (value == 0) return "0";
    std::string digits;
    for (; value != 0; value /= 10)
        digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    return digits;
}

std::string digits(std::size_t count) {
    if (count == 0) return {};
    return count == 1 ? "[0-9]" : "[0-9]{" + std::to_string(count) + "}";
}

// "a | b | c": the body of a rule that is one of several.
std::string either(const std::vector<std::string>& alternatives) {
    std::string out;
    for (std::size_t i = 0; i < alternatives.size(); ++i) out += (i ? " | " : "") + alternatives[i];
    return out;
}

// "(a | b | c)": the same inside a rule, or the one alternative alone.
std::string joined(const std::vector<std::string>& alternatives) {
    return alternatives.size() == 1 ? alternatives.front() : "(" + either(alternatives) + ")";
}

// The numbers from `low` to `high`, both written with the same number of digits (leading zeros
// allowed past the first digit of the whole number, which the caller writes).
std::string same_length_range(const std::string& low, const std::string& high) {
    if (low == high) return literal(low);
    if (low.size() == 1) return std::string("[") + low + "-" + high + "]";
    const std::string low_rest = low.substr(1), high_rest = high.substr(1);
    if (low[0] == high[0]) return literal(low.substr(0, 1)) + " " + same_length_range(low_rest, high_rest);
    std::vector<std::string> alternatives;
    char middle_from = static_cast<char>(low[0] + 1);
    char middle_to = static_cast<char>(high[0] - 1);
    if (low_rest.find_first_not_of('0') == std::string::npos)
        middle_from = low[0];
    else
        alternatives.push_back(literal(low.substr(0, 1)) + " " +
                               same_length_range(low_rest, std::string(low_rest.size(), '9')));
    const bool high_whole = high_rest.find_first_not_of('9') == std::string::npos;
    if (high_whole) middle_to = high[0];
    if (middle_from <= middle_to) {
        const std::string first = middle_from == middle_to ? literal(std::string(1, middle_from))
                                                           : std::string("[") + middle_from + "-" + middle_to + "]";
        alternatives.push_back(first + " " + digits(low_rest.size()));
    }
    if (!high_whole)
        alternatives.push_back(literal(high.substr(0, 1)) + " " +
                               same_length_range(std::string(high_rest.size(), '0'), high_rest));
    return joined(alternatives);
}

// The decimal spellings (no leading zeros) of every number from `low` to `high`.
std::string magnitude_range(Magnitude low, Magnitude high) {
    std::vector<std::string> alternatives;
    const std::string low_text = decimal(low), high_text = decimal(high);
    for (std::size_t length = low_text.size(); length <= high_text.size(); ++length) {
        Magnitude power = 1;
        for (std::size_t i = 1; i < length; ++i) power *= 10;
        const Magnitude from = length == low_text.size() ? low : power;
        const Magnitude to = length == high_text.size() ? high : power * 10 - 1;
        alternatives.push_back(same_length_range(decimal(from), decimal(to)));
    }
    return joined(alternatives);
}

// A bound as an integer: the smallest (or largest) integer the bound lets through.
Int integer_bound(const nlohmann::json& bound, bool lower, bool exclusive) {
    if (bound.is_number_unsigned()) {
        const Int value = static_cast<Int>(bound.get<std::uint64_t>());
        return exclusive ? (lower ? value + 1 : value - 1) : value;
    }
    if (bound.is_number_integer()) {
        const Int value = static_cast<Int>(bound.get<std::int64_t>());
        return exclusive ? (lower ? value + 1 : value - 1) : value;
    }
    constexpr double far = 1e30;  // beyond every 64-bit type; the type's own range cuts it down
    const double value = std::clamp(bound.get<double>(), -far, far);
    double rounded = lower ? std::ceil(value) : std::floor(value);
    if (exclusive && rounded == value) rounded += lower ? 1 : -1;
    return static_cast<Int>(rounded);
}

std::string int_text(Int value) {
    return value < 0 ? "-" + decimal(static_cast<Magnitude>(-value)) : decimal(static_cast<Magnitude>(value));
}

class GrammarWriter {
public:
    std::string render(const TypeNode& root) {
        const std::string top = value(root, {}, "");
        std::string out = "root ::= " + top + "\n";
        for (const auto& [name, body] : rules_) out += name + " ::= " + body + "\n";
        for (const auto& [name, body] : shared_rules_) out += name + " ::= " + body + "\n";
        for (const std::string_view helper : helpers_) out += std::string(helper) + "\n";
        return out;
    }

private:
    // A JSON value of node `n`, under the constraints gathered on the way to it. `where` names the
    // place in the type for errors ("/address/zip").
    std::string value(const TypeNode& n, Constraints c, const std::string& where) {
        merge_constraints(c, n.constraints);
        switch (n.kind) {
            case Kind::annotated: return value(n.element(), std::move(c), where);
            case Kind::null: return literal("null");
            case Kind::boolean: return R"(("true" | "false"))";
            case Kind::integer: return integer(n, c, where);
            case Kind::number: return number(c, where);
            case Kind::string: return string(c, where);
            case Kind::enumeration: return enumeration(n);
            case Kind::array: return array(n, c, where);
            case Kind::map: return map(n, where);
            case Kind::object: return object(n, where);
            case Kind::nullable: return "(" + value(n.element(), std::move(c), where) + " | \"null\")";
            case Kind::variant: {
                std::vector<std::string> alternatives;
                for (const NodeRef alternative : n.alternatives) alternatives.push_back(value(alternative(), c, where));
                return joined(alternatives);
            }
            case Kind::any: return any();
        }
        return any();
    }

    std::string integer(const TypeNode& n, const Constraints& c, const std::string& where) {
        Int low = integer_bound(n.type_minimum.value_or(nlohmann::json(INT64_MIN)), true, false);
        Int high = integer_bound(n.type_maximum.value_or(nlohmann::json(INT64_MAX)), false, false);
        const auto tighten = [](Int& bound, Int candidate, bool lower) {
            if (lower ? candidate > bound : candidate < bound) bound = candidate;
        };
        if (c.minimum) tighten(low, integer_bound(*c.minimum, true, false), true);
        if (c.exclusive_minimum) tighten(low, integer_bound(*c.exclusive_minimum, true, true), true);
        if (c.maximum) tighten(high, integer_bound(*c.maximum, false, false), false);
        if (c.exclusive_maximum) tighten(high, integer_bound(*c.exclusive_maximum, false, true), false);
        if (low > high)
            throw SchemaError("gbnf: no integer at " + shown(where) + " is within its bounds (" + int_text(low) +
                              " to " + int_text(high) + ")");
        // A range is a rule of its own ("int-m128-127"): the C++ types' ranges recur across fields.
        const auto spelled = [](Int v) {
            return v < 0 ? "m" + decimal(static_cast<Magnitude>(-v)) : decimal(static_cast<Magnitude>(v));
        };
        return shared_named("int-" + spelled(low) + "-" + spelled(high), [&] {
            std::vector<std::string> alternatives;
            if (low < 0) {  // -1 down to -|low|, or up to -|high| when the range stays below zero
                const Magnitude nearest = high < 0 ? static_cast<Magnitude>(-high) : 1;
                alternatives.push_back("\"-\" " + magnitude_range(nearest, static_cast<Magnitude>(-low)));
            }
            if (high >= 0)
                alternatives.push_back(
                    magnitude_range(static_cast<Magnitude>(low < 0 ? 0 : low), static_cast<Magnitude>(high)));
            return either(alternatives);
        });
    }

    // A number without an exponent, at most 15 digits either side of the point (within a float's
    // range), between its bounds. Integral bounds are said exactly; a bound with a fraction is
    // widened to the next integer out, and the parser checks the rest.
    std::string number(const Constraints& c, const std::string& where) {
        constexpr Int cap = 1'000'000'000'000'000;  // 10^15: more integer digits are never written
        Int low = -cap, high = cap;
        bool low_open = true, high_open = true;  // exclusive
        const auto lower = [&](const nlohmann::json& bound, bool exclusive) {
            const double v = std::clamp(bound.get<double>(), -1e16, 1e16);
            const Int rounded = static_cast<Int>(std::floor(v));
            const bool open = exclusive && static_cast<double>(rounded) == v;
            if (rounded > low || (rounded == low && open && !low_open)) low = rounded, low_open = open;
        };
        const auto upper = [&](const nlohmann::json& bound, bool exclusive) {
            const double v = std::clamp(bound.get<double>(), -1e16, 1e16);
            const Int rounded = static_cast<Int>(std::ceil(v));
            const bool open = exclusive && static_cast<double>(rounded) == v;
            if (rounded < high || (rounded == high && open && !high_open)) high = rounded, high_open = open;
        };
        if (c.minimum) lower(*c.minimum, false);
        if (c.exclusive_minimum) lower(*c.exclusive_minimum, true);
        if (c.maximum) upper(*c.maximum, false);
        if (c.exclusive_maximum) upper(*c.exclusive_maximum, true);
        std::vector<std::string> alternatives;
        if (low < 0 && low <= high) {  // below zero: the magnitudes from |high| (or just above 0) to |low|
            const bool from_zero = high >= 0;
            const std::string below = magnitudes(from_zero ? 0 : -high, from_zero || high_open, -low, low_open);
            if (!below.empty()) alternatives.push_back("\"-\" " + below);
        }
        if ((high > 0 || (high == 0 && !high_open)) && low <= high) {
            const bool from_zero = low < 0;
            const std::string above = magnitudes(from_zero ? 0 : low, from_zero ? false : low_open, high, high_open);
            if (!above.empty()) alternatives.push_back(above);
        }
        if (alternatives.empty()) throw SchemaError("gbnf: no number at " + shown(where) + " is within its bounds");
        return shared("num", joined(alternatives));
    }

    // Decimal spellings "I" or "I.F" of the values from `low` to `high` (0 <= low <= high, both
    // integers), each end open or closed.
    static std::string magnitudes(Int low, bool low_open, Int high, bool high_open) {
        const std::string fraction = R"(("." [0-9]{1,15}))";
        const std::string zeros = R"(("." "0"{1,15}))";
        const std::string above_zero = R"(("." [0-9]{0,14} [1-9] [0-9]{0,14}))";
        const auto integer = [](Int v) { return literal(decimal(static_cast<Magnitude>(v))); };
        std::vector<std::string> alternatives;
        if (low == high) {
            if (!low_open && !high_open) alternatives.push_back(integer(low) + " " + zeros + "?");
        } else {
            alternatives.push_back(integer(low) + " " + (low_open ? above_zero : fraction + "?"));
            if (low + 1 <= high - 1)
                alternatives.push_back(
                    magnitude_range(static_cast<Magnitude>(low + 1), static_cast<Magnitude>(high - 1)) + " " +
                    fraction + "?");
            if (!high_open) alternatives.push_back(integer(high) + " " + zeros + "?");
        }
        return alternatives.empty() ? std::string() : joined(alternatives);
    }

    std::string string(const Constraints& c, const std::string& where) {
        if (!c.choices.empty()) {
            std::vector<std::string> alternatives;
            for (const auto& choice : c.choices)
                if (string_satisfies(c, choice)) alternatives.push_back(json_string_literal(choice));
            if (alternatives.empty())
                throw SchemaError("gbnf: no choice at " + shown(where) + " meets the string's other constraints");
            return joined(alternatives);
        }
        if (!c.pattern.empty()) return "\"\\\"\" " + pattern(c.pattern, where) + " \"\\\"\"";
        use(kCharRule);
        if (!c.min_length && !c.max_length) {
            use(kStringRule);
            return "string";
        }
        const std::size_t low = c.min_length.value_or(0);
        std::string count = "{" + std::to_string(low) + ",";
        if (c.max_length) {
            if (*c.max_length < low)
                throw SchemaError("gbnf: no string at " + shown(where) + " is within its length bounds");
            count += std::to_string(*c.max_length);
        }
        return "\"\\\"\" char" + count + "} \"\\\"\"";
    }

    std::string enumeration(const TypeNode& n) {
        return named(n, [&] {
            std::vector<std::string> alternatives;
            for (const auto& name : n.enumerators) alternatives.push_back(json_string_literal(name));
            return either(alternatives);
        });
    }

    std::string array(const TypeNode& n, const Constraints& c, const std::string& where) {
        use(kWhitespaceRule);
        const std::string item = value(n.element(), {}, where + "/0") + " ws";
        const std::size_t low = c.min_items.value_or(0);
        const std::optional<std::size_t> high = c.max_items;
        if (high && *high < low) throw SchemaError("gbnf: no array at " + shown(where) + " is within its item bounds");
        if (high && *high == 0) return R"("[" ws "]")";
        // After the first item, the rest each with its comma: from low - 1 (or none) to high - 1 more.
        std::string rest;
        if (!high || *high > 1) {
            const std::size_t from = low == 0 ? 0 : low - 1;
            std::string count;
            if (!high)
                count = from == 0 ? "*" : from == 1 ? "+" : "{" + std::to_string(from) + ",}";
            else if (from == *high - 1)
                count = "{" + std::to_string(from) + "}";
            else
                count = "{" + std::to_string(from) + "," + std::to_string(*high - 1) + "}";
            rest = " (\",\" ws " + item + ")" + count;
        }
        if (low == 0) return "\"[\" ws (" + item + rest + ")? \"]\"";
        return "\"[\" ws " + item + rest + " \"]\"";
    }

    std::string map(const TypeNode& n, const std::string& where) {
        use(kWhitespaceRule);
        use(kCharRule);
        use(kStringRule);
        const std::string member = "string ws \":\" ws " + value(n.element(), {}, where + "/*") + " ws";
        return "\"{\" ws (" + member + " (\",\" ws " + member + ")*)? \"}\"";
    }

    std::string object(const TypeNode& n, const std::string& where) {
        return named(n, [&] {
            use(kWhitespaceRule);
            std::vector<std::string> members;
            for (const auto& field : n.fields)
                members.push_back(json_string_literal(field.name) + " ws \":\" ws " +
                                  value(field.type(), field.constraints, where + "/" + field.name) + " ws");
            // The members in declaration order, each optional one free to be left out: after the
            // first one written, each comes with its comma; the first one written is any optional
            // member before the first required one, or that required one.
            const auto rest = [&](std::size_t from) {
                std::string out;
                for (std::size_t j = from; j < n.fields.size(); ++j)
                    out += n.fields[j].required ? " \",\" ws " + members[j] : " (\",\" ws " + members[j] + ")?";
                return out;
            };
            std::vector<std::string> openings;
            bool all_optional = true;
            for (std::size_t i = 0; i < n.fields.size(); ++i) {
                openings.push_back(members[i] + rest(i + 1));
                if (n.fields[i].required) {
                    all_optional = false;
                    break;
                }
            }
            if (openings.empty()) return std::string(R"("{" ws "}")");
            return "\"{\" ws (" + either(openings) + ")" + (all_optional ? "?" : "") + " \"}\"";
        });
    }

    std::string any() {
        use(kWhitespaceRule);
        use(kCharRule);
        use(kStringRule);
        use(R"(json-value ::= json-object | json-array | string | json-number | "true" | "false" | "null")");
        use(R"(json-object ::= "{" ws (string ws ":" ws json-value ws ("," ws string ws ":" ws json-value ws)*)? "}")");
        use(R"(json-array ::= "[" ws (json-value ws ("," ws json-value ws)*)? "]")");
        use(R"(json-number ::= "-"? ("0" | [1-9] [0-9]{0,14}) ("." [0-9]{1,15})?)");
        return "json-value";
    }

    // The rule of a struct or an enum, written once, named after its type ("t-UserDetail"; another
    // type of the same name gets "t-UserDetail-2").
    template <class Body>
    std::string named(const TypeNode& n, Body&& body) {
        if (const auto found = names_.find(&n); found != names_.end()) return found->second;
        std::string base = "t-";
        for (const char c : n.name)
            base +=
                (c == '_' || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) ? '-' : c;
        std::string name = base;
        for (int i = 2; !taken_.insert(name).second; ++i) name = base + "-" + std::to_string(i);
        names_.emplace(&n, name);
        const std::size_t slot = rules_.size();
        rules_.emplace_back(name, std::string());  // first, so that a type that contains itself finds it
        std::string written = body();
        rules_[slot].second = std::move(written);
        return name;
    }

    // The shared rule `name`, written by `body()` the first time a place asks for it.
    template <class Body>
    std::string shared_named(std::string name, Body&& body) {
        for (const auto& [known, written] : shared_rules_)
            if (known == name) return name;
        shared_rules_.emplace_back(name, body());
        return name;
    }

    // A rule for `body`, shared by every place that writes the same one ("num-1", "num-2", ...).
    std::string shared(const std::string& prefix, std::string body) {
        for (const auto& [name, known] : shared_rules_)
            if (known == body) return name;
        return shared_named(prefix + "-" + std::to_string(++shared_count_), [&] { return std::move(body); });
    }

    void use(std::string_view helper) {
        for (const std::string_view known : helpers_)
            if (known == helper) return;
        helpers_.push_back(helper);
    }

    std::string pattern(const std::string& regex, const std::string& where);

    static std::string shown(const std::string& where) { return where.empty() ? "the root" : where; }

    std::vector<std::pair<std::string, std::string>> rules_;
    std::vector<std::pair<std::string, std::string>> shared_rules_;  // integer ranges, numbers, ...
    std::unordered_map<const TypeNode*, std::string> names_;
    std::unordered_set<std::string> taken_;
    int shared_count_ = 0;
    std::vector<std::string_view> helpers_;
};

// ---- patterns ----------------------------------------------------------------------------------

// A regular expression (the grammar-safe spelling of a pattern: anchored, no raw quote, backslash
// or control character possible) as a GBNF sequence. Supports what patterns in schemas use:
// literals, escapes, classes, `.`, groups, alternation and the quantifiers * + ? {n} {n,} {n,m}.
class PatternTranslator {
public:
    PatternTranslator(std::string_view regex, std::string where) : regex_(regex), where_(std::move(where)) {}

    std::string translate() {
        if (!regex_.empty() && regex_.front() == '^') ++at_;
        std::string out = alternation();
        if (at_ != regex_.size()) refuse("an unbalanced ')'");
        return "(" + out + ")";
    }

private:
    std::string alternation() {
        std::vector<std::string> branches{sequence()};
        while (at_ < regex_.size() && regex_[at_] == '|') {
            ++at_;
            branches.push_back(sequence());
        }
        return either(branches);
    }

    std::string sequence() {
        std::string out;
        while (at_ < regex_.size() && regex_[at_] != '|' && regex_[at_] != ')') {
            if (regex_[at_] == '$' && (at_ + 1 == regex_.size() || regex_[at_ + 1] == '|' || regex_[at_ + 1] == ')')) {
                ++at_;  // the end anchor: the string ends here, which the closing quote says
                continue;
            }
            if (regex_[at_] == '^') {
                ++at_;
                continue;
            }
            std::string atom = this->atom();
            atom += quantifier();
            out += (out.empty() ? "" : " ") + atom;
        }
        return out.empty() ? "\"\"" : out;
    }

    std::string atom() {
        const char c = regex_[at_++];
        switch (c) {
            case '(': {
                if (at_ < regex_.size() && regex_[at_] == '?') {
                    if (at_ + 1 < regex_.size() && regex_[at_ + 1] == ':')
                        at_ += 2;
                    else
                        refuse("a lookaround or named group");
                }
                std::string inner = alternation();
                if (at_ >= regex_.size() || regex_[at_] != ')') refuse("an unclosed '('");
                ++at_;
                return "(" + inner + ")";
            }
            case '[': return char_class();
            case '.': return R"([^"\\\x00-\x1F])";
            case '\\': return escape();
            case '*':
            case '+':
            case '?':
            case '{': refuse(std::string("a quantifier '") + c + "' with nothing before it");
            default: {
                // A character, all of its UTF-8 bytes in one literal.
                std::size_t end = at_;
                if (static_cast<unsigned char>(c) >= 0xC0)
                    while (end < regex_.size() && (static_cast<unsigned char>(regex_[end]) & 0xC0) == 0x80) ++end;
                std::string character(regex_.substr(at_ - 1, end - at_ + 1));
                at_ = end;
                return literal(character);
            }
        }
    }

    std::string escape() {
        if (at_ >= regex_.size()) refuse("a trailing backslash");
        const char c = regex_[at_++];
        switch (c) {
            case 'd': return "[0-9]";
            case 'w': return "[a-zA-Z0-9_]";
            case 's': return "\" \"";
            case 'D': return R"([^0-9"\\\x00-\x1F])";
            case 'W': return R"([^a-zA-Z0-9_"\\\x00-\x1F])";
            case 'S': return R"([^ "\\\x00-\x1F])";
            case 'b':
            case 'B': refuse("a word boundary");
            default:
                if (c >= '1' && c <= '9') refuse("a back-reference");
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) refuse(std::string("the escape \\") + c);
                return literal(std::string(1, c));
        }
    }

    // A class, copied with GBNF's escapes; the grammar-safe spelling has already kept quotes,
    // backslashes and control characters out of negated classes.
    std::string char_class() {
        std::string out = "[";
        if (at_ < regex_.size() && regex_[at_] == '^') {
            out += '^';
            ++at_;
        }
        bool first = true;
        for (; at_ < regex_.size() && (regex_[at_] != ']' || first); ++at_, first = false) {
            const char c = regex_[at_];
            if (c == '\\' && at_ + 1 < regex_.size()) {
                const char next = regex_[++at_];
                if (next == 'd') {
                    out += "0-9";
                } else if (next == 'w') {
                    out += "a-zA-Z0-9_";
                } else if (next == 's') {
                    out += ' ';
                } else if (next == 'x' && at_ + 2 < regex_.size()) {
                    out += "\\x";
                    out += regex_.substr(at_ + 1, 2);
                    at_ += 2;
                } else if ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z')) {
                    refuse(std::string("the escape \\") + next + " in a class");
                } else {
                    out += '\\';
                    out += next;
                }
            } else if (c == ']') {
                out += "\\]";
            } else {
                out += c;
            }
        }
        if (at_ >= regex_.size()) refuse("an unclosed '['");
        ++at_;
        return out + "]";
    }

    std::string quantifier() {
        if (at_ >= regex_.size()) return {};
        std::string out;
        const char c = regex_[at_];
        if (c == '*' || c == '+' || c == '?') {
            ++at_;
            out = std::string(1, c);
        } else if (c == '{') {
            const auto close = regex_.find('}', at_);
            if (close == std::string_view::npos) refuse("an unclosed '{'");
            const std::string_view inside = regex_.substr(at_ + 1, close - at_ - 1);
            if (inside.empty() || inside.find_first_not_of("0123456789,") != std::string_view::npos ||
                inside.front() == ',')
                refuse("the quantifier {" + std::string(inside) + "}");
            out = "{" + std::string(inside) + "}";
            at_ = close + 1;
        } else {
            return {};
        }
        if (at_ < regex_.size() && (regex_[at_] == '?' || regex_[at_] == '+'))
            ++at_;  // lazy or possessive: the same strings
        return out;
    }

    [[noreturn]] void refuse(const std::string& what) const {
        throw SchemaError("gbnf: the pattern at " + where_ + " uses " + what +
                          ", which a grammar cannot say; write the pattern without it, or check the string in a "
                          "validator");
    }

    std::string_view regex_;
    std::string where_;
    std::size_t at_ = 0;
};

std::string GrammarWriter::pattern(const std::string& regex, const std::string& where) {
    return PatternTranslator(grammar_safe_pattern(regex), shown(where)).translate();
}

}  // namespace

std::string render_gbnf(const TypeNode& root) { return GrammarWriter().render(root); }

}  // namespace instructor::detail
