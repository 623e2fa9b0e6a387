#include <instructor/detail/read_context.hpp>

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

bool has_bounds(const Constraints& c) {
    return c.minimum || c.maximum || c.exclusive_minimum || c.exclusive_maximum;
}

std::string phrase(const TypeNode& node, const Constraints* use, const json& got) {
    Constraints effective = node.constraints;
    if (use) merge_constraints(effective, *use);
    switch (node.kind) {
        case Kind::null: return "null";
        case Kind::boolean: return "a boolean";
        case Kind::integer:
            // A type's own range (int32, uint8, ...) is only worth saying when the value was a number.
            if (!got.is_number() && !(use && has_bounds(*use))) return "an integer";
            return "an integer" + bounds_phrase(effective);
        case Kind::number:
            return "a number" + bounds_phrase(effective) +
                   (node.single_precision && got.is_number() ? " within the range of a float" : "");
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

ValidationError malformed_json_error(std::string_view text) {
    std::string message = "invalid JSON";
    try {
        const json parsed = json::parse(text);
        message += " (parsed on a second try; please report this)";
    } catch (const json::exception& e) {
        message += ": ";
        message += e.what();
    }
    return ValidationError({{"", std::move(message)}}, std::string(text));
}

void fail_expected(ReadContext& ctx, const TypeNode& node, const Constraints* use, const json& got) {
    ctx.fail("expected " + phrase(node, use, got) + ", got " + describe_value(got));
}

std::optional<json> read_integer_json(const json& j, bool strict) {
    if (j.is_number_integer()) return j;  // signed and unsigned alike
    if (j.is_number_float()) {
        // JSON Schema counts 30.0 as an integer, so strict mode accepts it as well.
        const double d = j.get<double>();
        if (!std::isfinite(d) || std::trunc(d) != d) return std::nullopt;
        if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) return json(static_cast<std::int64_t>(d));
        if (d >= 0 && d < 18446744073709551616.0) return json(static_cast<std::uint64_t>(d));
        return std::nullopt;
    }
    if (!strict && j.is_string()) {
        std::string_view text = trimmed(j.get_ref<const std::string&>());
        if (!text.empty() && text.front() == '+') text.remove_prefix(1);
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
        const std::string text(trimmed(j.get_ref<const std::string&>()));
        if (text.empty()) return std::nullopt;
        char* end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        if (end == text.c_str() + text.size() && std::isfinite(value)) return value;
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

std::optional<std::size_t> match_enumerator(const std::vector<std::string>& names, std::string_view text,
                                            bool strict) {
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

bool check_number(ReadContext& ctx, const TypeNode& node, const Constraints* use, const json& got,
                  const json& number) {
    if (number_satisfies(node.constraints, number) && (!use || number_satisfies(*use, number))) return true;
    fail_expected(ctx, node, use, got);
    return false;
}

bool check_string(ReadContext& ctx, const TypeNode& node, const Constraints* use, const json& got) {
    if (!use || string_satisfies(*use, got.get_ref<const std::string&>())) return true;
    fail_expected(ctx, node, use, got);
    return false;
}

bool check_items(ReadContext& ctx, const TypeNode& node, const Constraints* use, const json& got) {
    const auto count = got.size();
    bool ok = item_count_satisfies(node.constraints, count) && (!use || item_count_satisfies(*use, count));
    if (!ok) {
        fail_expected(ctx, node, use, got);
        return false;
    }
    // A std::set is unique by nature: lax mode drops repeats, strict mode (exactly the schema) rejects them.
    if (node.constraints.unique_items && ctx.strict()) return check_unique(ctx, got);
    return true;
}

bool check_unique(ReadContext& ctx, const json& array) {
    std::map<json, std::size_t> first_seen;  // JSON equality: 1 and 1.0 are the same item
    bool ok = true;
    for (std::size_t i = 0; i < array.size(); ++i) {
        const auto [where, inserted] = first_seen.emplace(array[i], i);
        if (inserted) continue;
        const std::string first = ctx.path() + "/" + std::to_string(where->second);
        PathGuard at(ctx.path(), i);
        ctx.fail("expected a unique item, got a repeat of " + first);
        ok = false;
    }
    return ok;
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
                             std::vector<std::vector<FieldError>> alternative_errors) {
    // Where an object or array matched an alternative's shape, that alternative's own errors say
    // more than "expected A or B": report the closest such alternative (fewest errors; first on a tie).
    std::optional<std::size_t> closest;
    if (got.is_object() || got.is_array()) {
        for (std::size_t i = 0; i < variant.alternatives.size(); ++i) {
            if (!shape_matches(variant.alternatives[i](), got)) continue;
            if (!closest || alternative_errors[i].size() < alternative_errors[*closest].size()) closest = i;
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
