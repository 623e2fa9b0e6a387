#include <instructor/detail/parse/read_context.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>

namespace instructor::detail {
namespace {

using json = nlohmann::json;

std::string plural(std::size_t n, std::string_view unit) {
    return std::to_string(n) + " " + std::string(unit) + (n == 1 ? "" : "s");
}

std::string bounds_phrase(const Constraints& c) {
    if (c.minimum && c.maximum && !c.exclusive_minimum && !c.exclusive_maximum)
        return " between " + c.minimum->dump() + " and " + c.maximum->dump();
    std::string text;
    auto part = [&](const std::optional<json>& bound, std::string_view words) {
        if (!bound) return;
        text += text.empty() ? " " : " and ";
        text += words;
        text += bound->dump();
    };
    part(c.minimum, "greater than or equal to ");
    part(c.exclusive_minimum, "greater than ");
    part(c.maximum, "less than or equal to ");
    part(c.exclusive_maximum, "less than ");
    return text;
}

std::string count_phrase(const std::optional<std::size_t>& low, const std::optional<std::size_t>& high,
                         std::string_view unit) {
    if (low && high)
        return *low == *high ? " of exactly " + plural(*low, unit)
                             : " of " + std::to_string(*low) + " to " + plural(*high, unit);
    if (low) return " of at least " + plural(*low, unit);
    if (high) return " of at most " + plural(*high, unit);
    return {};
}

std::string quoted_list(const std::vector<std::string>& options) {
    std::string text;
    for (const auto& option : options) {
        if (!text.empty()) text += ", ";
        text += json(option).dump();
    }
    return text;
}

Constraints bounds_of(const Constraints* use) {
    Constraints bounds;
    if (use) {
        bounds.minimum = use->minimum;
        bounds.maximum = use->maximum;
        bounds.exclusive_minimum = use->exclusive_minimum;
        bounds.exclusive_maximum = use->exclusive_maximum;
    }
    return bounds;
}

bool outside(const json& number, const std::optional<json>& low, const std::optional<json>& high) {
    return (low && compare_numbers(number, *low) < 0) || (high && compare_numbers(number, *high) > 0);
}

// What the value should have been. A type's own range (int8, uint64, float) is only said when the
// number read broke it; otherwise only the annotations' bounds are.
std::string phrase(const TypeNode& node, const Constraints* use, const json& got, const json* parsed = nullptr) {
    Constraints effective = node.constraints;
    if (use) merge_constraints(effective, *use);
    switch (node.kind) {
        case Kind::null: return "null";
        case Kind::boolean: return "a boolean";
        case Kind::integer: {
            Constraints shown = bounds_of(use);
            const bool beyond_type =
                parsed && (parsed->is_number_float() || outside(*parsed, node.type_minimum, node.type_maximum));
            if (beyond_type) {
                Constraints type_range;
                type_range.minimum = node.type_minimum;
                type_range.maximum = node.type_maximum;
                merge_constraints(shown, type_range);
            }
            return "an integer" + bounds_phrase(shown);
        }
        case Kind::number: {
            const bool beyond_type = parsed && outside(*parsed, node.type_minimum, node.type_maximum);
            return "a number" + bounds_phrase(bounds_of(use)) + (beyond_type ? " within the range of a float" : "");
        }
        case Kind::string: {
            if (!effective.choices.empty()) return "one of " + quoted_list(effective.choices);
            std::string text = "a string" + count_phrase(effective.min_length, effective.max_length, "character");
            if (!effective.pattern.empty()) text += " matching the pattern " + effective.pattern;
            return text;
        }
        case Kind::enumeration: return "one of " + quoted_list(node.enumerators);
        case Kind::array:
            return "an array" + count_phrase(effective.min_items, effective.max_items, "item") +
                   (effective.unique_items ? " with unique items" : "");
        case Kind::map:
        case Kind::object: return "an object";
        case Kind::nullable: return phrase(node.element(), use, got) + " or null";
        case Kind::variant: {
            std::string text;
            for (const auto alternative : node.alternatives) {
                if (!text.empty()) text += " or ";
                const TypeNode& option = alternative();
                text += option.kind == Kind::object ? "an object (" + option.name + ")" : phrase(option, nullptr, got);
            }
            return text;
        }
        case Kind::any: return "any JSON value";
        case Kind::annotated: return phrase(node.element(), &effective, got);
    }
    return "a valid value";
}

std::string describe_value(const json& got) {
    switch (got.type()) {
        case json::value_t::array: return "an array of " + plural(got.size(), "item");
        case json::value_t::object: return "an object";
        case json::value_t::string: {
            const auto& text = got.get_ref<const std::string&>();
            constexpr std::size_t limit = 60;
            if (text.size() <= limit) return got.dump();
            std::size_t cut = limit;
            while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;  // whole characters
            return json(text.substr(0, cut) + "...").dump();
        }
        default: return got.dump();
    }
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) text.remove_suffix(1);
    return text;
}

// "+5" reads as 5, but "+-5" is not a number.
std::string_view without_plus(std::string_view text) {
    if (text.size() > 1 && text.front() == '+' && text[1] != '-' && text[1] != '+') text.remove_prefix(1);
    return text;
}

std::string label(const TypeNode& node) {
    if (node.kind == Kind::object && !node.name.empty()) return node.name;
    if (node.kind == Kind::annotated) return label(node.element());
    return phrase(node, nullptr, json());
}

}  // namespace

PathGuard::PathGuard(std::string& path, std::string_view token) : path_(path), mark_(path.size()) {
    path_ += '/';
    for (char c : token) {
        if (c == '~')
            path_ += "~0";
        else if (c == '/')
            path_ += "~1";
        else
            path_ += c;
    }
}

PathGuard::PathGuard(std::string& path, std::size_t index) : path_(path), mark_(path.size()) {
    path_ += '/';
    path_ += std::to_string(index);
}

ValidationError too_deep_error(const Limits& limits, std::string excerpt) {
    return ValidationError({{"", "the value nests deeper than Limits::max_depth (" + std::to_string(limits.max_depth) +
                                     " levels); raise ParseOptions::limits.max_depth only for input you trust"}},
                           std::move(excerpt));
}

ValidationError malformed_json_error(std::string_view text) {
    std::string message = "invalid JSON";
    try {
        const json parsed = json::parse(text);
        message += " (parsed on a second try; please report this)";
    } catch (const json::exception& e) {
        // Drop nlohmann's "[json.exception.parse_error.101] " tag: the rest says what and where.
        std::string_view what = e.what();
        if (const auto tag_end = what.find("] "); !what.empty() && what.front() == '[' && tag_end != what.npos)
            what.remove_prefix(tag_end + 2);
        message += ": ";
        message += what;
    }
    return ValidationError({{"", std::move(message)}}, std::string(text));
}

void fail_expected(ReadContext& ctx, const TypeNode& node, const Constraints* use, const json& got,
                   const json* parsed) {
    ctx.fail("expected " + phrase(node, use, got, parsed) + (use && use->or_null ? " or null" : "") + ", got " +
             describe_value(got));
}

std::optional<json> read_integer_json(const json& j, bool strict) {
    if (j.is_number_integer()) return j;  // signed and unsigned alike
    if (j.is_number_float()) {
        // JSON Schema counts 30.0 as an integer, so strict mode accepts it as well. A whole number
        // beyond 64 bits stays a float, which every integer type then rejects as out of its range.
        const double d = j.get<double>();
        if (!std::isfinite(d) || std::trunc(d) != d) return std::nullopt;
        if (d > -9223372036854775808.0 && d < 9223372036854775808.0) return json(static_cast<std::int64_t>(d));
        if (d >= 0 && d < 18446744073709551616.0) return json(static_cast<std::uint64_t>(d));
        return j;
    }
    if (!strict && j.is_string()) {
        std::string_view text = without_plus(trimmed(j.get_ref<const std::string&>()));
        if (text.empty()) return std::nullopt;
        const char* end = text.data() + text.size();
        if (text.front() != '-') {
            std::uint64_t value{};
            const auto [ptr, ec] = std::from_chars(text.data(), end, value);
            if (ec == std::errc() && ptr == end) return json(value);
        } else {
            std::int64_t value{};
            const auto [ptr, ec] = std::from_chars(text.data(), end, value);
            if (ec == std::errc() && ptr == end) return json(value);
        }
    }
    return std::nullopt;
}

std::optional<double> read_number_json(const json& j, bool strict) {
    if (j.is_number()) return j.get<double>();
    if (!strict && j.is_string()) {
        // from_chars: decimal only (no hex, no locale), as JSON writes numbers.
        const std::string_view text = without_plus(trimmed(j.get_ref<const std::string&>()));
        double value{};
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (!text.empty() && ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(value))
            return value;
    }
    return std::nullopt;
}

std::optional<bool> read_boolean_json(const json& j, bool strict) {
    if (j.is_boolean()) return j.get<bool>();
    if (strict) return std::nullopt;
    if (j.is_number_integer()) {
        if (j == 0) return false;
        if (j == 1) return true;
    }
    if (j.is_string()) {
        const std::string text = lowercase(trimmed(j.get_ref<const std::string&>()));
        for (const char* yes : {"true", "yes", "on", "1", "t", "y"})
            if (text == yes) return true;
        for (const char* no : {"false", "no", "off", "0", "f", "n"})
            if (text == no) return false;
    }
    return std::nullopt;
}

std::optional<std::size_t> match_enumerator(const std::vector<std::string>& names, std::string_view text, bool strict) {
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == text) return i;
    if (strict) return std::nullopt;
    // Lax: letter case does not matter, as long as only one name matches.
    const std::string wanted = lowercase(trimmed(text));
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (lowercase(names[i]) != wanted) continue;
        if (found) return std::nullopt;
        found = i;
    }
    return found;
}

bool check_string(ReadContext& ctx, const TypeNode& node, const Constraints* use, const json& got) {
    const auto& text = got.get_ref<const std::string&>();
    if (!use || string_satisfies(*use, text)) return true;
    if (use->regex && text.size() > kPatternCheckLimit) {
        ctx.fail("a string of " + std::to_string(text.size()) + " bytes is longer than the " +
                 std::to_string(kPatternCheckLimit) + " that are checked against the pattern " + use->pattern);
        return false;
    }
    fail_expected(ctx, node, use, got);
    return false;
}

bool check_array(ReadContext& ctx, const TypeNode& node, const Constraints* use, const json& got) {
    if (!got.is_array()) {
        fail_expected(ctx, node, use, got);
        return false;
    }
    const auto count = got.size();
    if (item_count_satisfies(node.constraints, count) && (!use || item_count_satisfies(*use, count))) return true;
    fail_expected(ctx, node, use, got);
    return false;
}

UniqueItems::UniqueItems(ReadContext& ctx, bool active) : ctx_(ctx), active_(active) {
    if (active_) array_path_ = ctx.path();
}

UniqueItems::~UniqueItems() = default;

void UniqueItems::check(std::size_t index, const json& item) {
    const auto [where, inserted] = seen_.emplace(item, index);  // JSON equality: 1 and 1.0 are the same item
    if (!inserted)
        ctx_.fail("expected a unique item, got a repeat of " + array_path_ + "/" + std::to_string(where->second));
}

NullableUse::NullableUse(const Constraints* use) : use_(nullptr) {
    static const Constraints only_nullable = [] {
        Constraints c;
        c.or_null = true;
        return c;
    }();
    if (use == nullptr) {
        use_ = &only_nullable;
    } else {
        copy_ = *use;
        copy_.or_null = true;
        use_ = &copy_;
    }
}

void check_unknown_keys(ReadContext& ctx, const TypeNode& node, const json& object) {
    for (const auto& [key, value] : object.items()) {
        const bool known = std::any_of(node.fields.begin(), node.fields.end(),
                                       [&key = key](const FieldNode& f) { return f.name == key; });
        if (known) continue;
        if (!ctx.strict()) {
            ++ctx.ignored_keys;
            continue;
        }
        std::string allowed;
        for (const auto& f : node.fields) allowed += (allowed.empty() ? "" : ", ") + f.name;
        PathGuard at(ctx.path(), key);
        ctx.fail(allowed.empty() ? "unexpected field; this object takes no fields"
                                 : "unexpected field; the allowed fields are: " + allowed);
    }
}

bool shape_matches(const TypeNode& node, const json& j) {
    switch (node.kind) {
        case Kind::null: return j.is_null();
        case Kind::boolean: return j.is_boolean();
        case Kind::integer:
        case Kind::number: return j.is_number();
        case Kind::string:
        case Kind::enumeration: return j.is_string();
        case Kind::array: return j.is_array();
        case Kind::map:
        case Kind::object: return j.is_object();
        case Kind::nullable: return j.is_null() || shape_matches(node.element(), j);
        case Kind::variant:
            return std::any_of(node.alternatives.begin(), node.alternatives.end(),
                               [&](NodeRef alternative) { return shape_matches(alternative(), j); });
        case Kind::any: return true;
        case Kind::annotated: return shape_matches(node.element(), j);
    }
    return false;
}

void report_variant_mismatch(ReadContext& ctx, const TypeNode& variant, const json& got,
                             std::vector<std::vector<FieldError>> alternative_errors,
                             const std::vector<std::size_t>& ignored_keys) {
    // Where an object or array matched an alternative's shape, that alternative's own errors say
    // more than "expected A or B": report the closest such alternative (fewest errors, then fewest
    // ignored keys, then the first).
    std::optional<std::size_t> closest;
    auto closer = [&](std::size_t i, std::size_t than) {
        const auto a = alternative_errors[i].size();
        const auto b = alternative_errors[than].size();
        return a < b || (a == b && ignored_keys[i] < ignored_keys[than]);
    };
    if (got.is_object() || got.is_array()) {
        for (std::size_t i = 0; i < variant.alternatives.size(); ++i) {
            if (!shape_matches(variant.alternatives[i](), got)) continue;
            if (!closest || closer(i, *closest)) closest = i;
        }
    }
    if (!closest) {
        fail_expected(ctx, variant, nullptr, got);
        return;
    }
    std::string names;
    for (const auto alternative : variant.alternatives) names += (names.empty() ? "" : ", ") + label(alternative());
    ctx.fail("matches none of " + names + "; the closest is " + label(variant.alternatives[*closest]()) +
             ", which has these errors:");
    for (auto& error : alternative_errors[*closest]) ctx.fail_at(error.pointer, std::move(error.message));
}

void add_validator_errors(ReadContext& ctx, const std::vector<FieldError>& errors) {
    for (const auto& error : errors) ctx.fail_at(ctx.path() + error.pointer, error.message);
}

void add_validator_errors(ReadContext& ctx, const std::vector<std::string>& messages) {
    for (const auto& message : messages) ctx.fail(message);
}

void add_validator_errors(ReadContext& ctx, const std::string& message) {
    if (!message.empty()) ctx.fail(message);
}

void add_validator_errors(ReadContext& ctx, const std::optional<std::string>& message) {
    if (message) add_validator_errors(ctx, *message);
}

}  // namespace instructor::detail
