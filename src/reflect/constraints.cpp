#include <instructor/detail/reflect/constraints.hpp>

#include <algorithm>

#include <instructor/error.hpp>

namespace instructor::detail {
namespace {

using json = nlohmann::json;

// Keeps whichever bound is tighter; `prefer_larger` for lower bounds.
void tighten(std::optional<json>& target, const std::optional<json>& more, bool prefer_larger) {
    if (!more) return;
    if (!target) {
        target = more;
        return;
    }
    const int order = compare_numbers(*more, *target);
    if (prefer_larger ? order > 0 : order < 0) target = more;
}

void tighten(std::optional<std::size_t>& target, const std::optional<std::size_t>& more, bool prefer_larger) {
    if (!more) return;
    if (!target || (prefer_larger ? *more > *target : *more < *target)) target = more;
}

}  // namespace

void merge_constraints(Constraints& target, const Constraints& more) {
    if (!more.description.empty()) target.description = more.description;
    tighten(target.minimum, more.minimum, true);
    tighten(target.exclusive_minimum, more.exclusive_minimum, true);
    tighten(target.maximum, more.maximum, false);
    tighten(target.exclusive_maximum, more.exclusive_maximum, false);
    tighten(target.min_length, more.min_length, true);
    tighten(target.max_length, more.max_length, false);
    tighten(target.min_items, more.min_items, true);
    tighten(target.max_items, more.max_items, false);
    target.unique_items = target.unique_items || more.unique_items;
    if (!more.pattern.empty()) {
        target.pattern = more.pattern;
        target.regex = more.regex;
    }
    if (!more.choices.empty()) target.choices = more.choices;
    if (more.default_value) target.default_value = more.default_value;
    target.or_null = target.or_null || more.or_null;
    // An inclusive and an exclusive bound on the same side: only the tighter one says anything.
    if (target.minimum && target.exclusive_minimum) {
        if (compare_numbers(*target.exclusive_minimum, *target.minimum) >= 0)
            target.minimum.reset();
        else
            target.exclusive_minimum.reset();
    }
    if (target.maximum && target.exclusive_maximum) {
        if (compare_numbers(*target.exclusive_maximum, *target.maximum) <= 0)
            target.maximum.reset();
        else
            target.exclusive_maximum.reset();
    }
}

void set_pattern(Constraints& target, std::string_view pattern) {
    target.pattern = pattern;
    try {
        target.regex = std::make_shared<const std::regex>(target.pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        throw SchemaError("pattern \"" + target.pattern +
                          "\" is not a valid ECMAScript regular expression: " + e.what());
    }
}

std::size_t utf8_length(std::string_view text) noexcept {
    // Counts every byte that does not continue a sequence (continuation bytes are 10xxxxxx).
    return static_cast<std::size_t>(std::count_if(
        text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

int compare_numbers(const json& a, const json& b) {
    auto sign = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
    if (a.is_number_float() || b.is_number_float())  // long double holds every 64-bit integer exactly on x86-64
        return sign(a.get<long double>(), b.get<long double>());
    const bool a_unsigned = a.is_number_unsigned();
    const bool b_unsigned = b.is_number_unsigned();
    if (a_unsigned == b_unsigned) {
        return a_unsigned ? sign(a.get<std::uint64_t>(), b.get<std::uint64_t>())
                          : sign(a.get<std::int64_t>(), b.get<std::int64_t>());
    }
    // One unsigned (>= 0), one signed: only a non-negative signed value needs a real comparison.
    if (a_unsigned) {
        const auto y = b.get<std::int64_t>();
        return y < 0 ? 1 : sign(a.get<std::uint64_t>(), static_cast<std::uint64_t>(y));
    }
    const auto x = a.get<std::int64_t>();
    return x < 0 ? -1 : sign(static_cast<std::uint64_t>(x), b.get<std::uint64_t>());
}

bool number_satisfies(const Constraints& c, const json& number) {
    return (!c.minimum || compare_numbers(number, *c.minimum) >= 0) &&
           (!c.maximum || compare_numbers(number, *c.maximum) <= 0) &&
           (!c.exclusive_minimum || compare_numbers(number, *c.exclusive_minimum) > 0) &&
           (!c.exclusive_maximum || compare_numbers(number, *c.exclusive_maximum) < 0);
}

bool string_satisfies(const Constraints& c, std::string_view text) {
    if (c.min_length || c.max_length) {
        const auto length = utf8_length(text);
        if ((c.min_length && length < *c.min_length) || (c.max_length && length > *c.max_length)) return false;
    }
    if (!c.choices.empty() && std::find(c.choices.begin(), c.choices.end(), text) == c.choices.end()) return false;
    if (c.regex && (text.size() > kPatternCheckLimit || !std::regex_search(text.begin(), text.end(), *c.regex)))
        return false;
    return true;
}

bool item_count_satisfies(const Constraints& c, std::size_t count) noexcept {
    return (!c.min_items || count >= *c.min_items) && (!c.max_items || count <= *c.max_items);
}

}  // namespace instructor::detail
