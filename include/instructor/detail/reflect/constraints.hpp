#pragma once
// The run-time form of every annotation. The schema writer and the parser read the same Constraints,
// which is why the schema a model sees and the checks its reply goes through cannot drift apart.

#include <cstddef>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace instructor::detail {

struct Constraints {
    std::string description;
    // Bounds are JSON numbers so that an integer bound stays an integer in the schema.
    std::optional<nlohmann::json> minimum, maximum, exclusive_minimum, exclusive_maximum;
    std::optional<std::size_t> min_length, max_length;  // Unicode code points
    std::optional<std::size_t> min_items, max_items;
    bool unique_items = false;
    std::string pattern;                          // ECMAScript, searched (not anchored) as JSON Schema says
    std::shared_ptr<const std::regex> regex;      // compiled once, from pattern
    std::vector<std::string> choices;             // literal choices for a string
    std::optional<nlohmann::json> default_value;  // a field with a default is not required
    bool or_null = false;                         // the value sits in an optional: errors say "... or null"

    [[nodiscard]] bool has_value_checks() const noexcept {
        return minimum || maximum || exclusive_minimum || exclusive_maximum || min_length || max_length || min_items ||
               max_items || unique_items || regex || !choices.empty();
    }
    [[nodiscard]] bool empty() const noexcept {
        return description.empty() && !default_value && pattern.empty() && !or_null && !has_value_checks();
    }
};

/// Adds `more` to `target`: bounds keep the tighter one, texts and defaults take `more`'s.
void merge_constraints(Constraints& target, const Constraints& more);
/// Compiles `pattern`; throws instructor::SchemaError naming the pattern when it is not valid ECMAScript.
void set_pattern(Constraints& target, std::string_view pattern);

/// Number of Unicode code points in a UTF-8 string (what JSON Schema's minLength/maxLength count).
[[nodiscard]] std::size_t utf8_length(std::string_view text) noexcept;

/// -1, 0 or 1, comparing two JSON numbers exactly (64-bit integers are not rounded through double).
[[nodiscard]] int compare_numbers(const nlohmann::json& a, const nlohmann::json& b);

/// The checks a number, a string or an array's size must pass (the type itself is checked elsewhere).
[[nodiscard]] bool number_satisfies(const Constraints& c, const nlohmann::json& number);
[[nodiscard]] bool string_satisfies(const Constraints& c, std::string_view text);

/// The longest string checked against a pattern: std::regex recurses once per character, and a
/// longer string from a model could exhaust the stack. A longer one fails its pattern, saying why.
inline constexpr std::size_t kPatternCheckLimit = 4096;
[[nodiscard]] bool item_count_satisfies(const Constraints& c, std::size_t count) noexcept;

}  // namespace instructor::detail
