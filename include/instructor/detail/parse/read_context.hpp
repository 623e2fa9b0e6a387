#pragma once
// State for one parse: the options, the errors found so far and the JSON pointer being read.
// The non-template helpers here are compiled once in src/; the typed reader calls them.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/error.hpp>
#include <instructor/limits.hpp>
#include <instructor/validation_context.hpp>
#include <instructor/detail/reflect/type_tree.hpp>

namespace instructor {

/// How forgiving the parser is.
struct ParseOptions {
    /// false (default): lax, as Pydantic's lax mode: "30" reads as 30, "true"/"yes"/1 as true, enum names in
    /// any letter case, std::set drops repeats, unknown keys are ignored.
    /// true: exactly what the plain JSON Schema allows, and nothing more.
    bool strict = false;
    /// Bounds on the input: deeper nesting or (for text) more bytes is a ValidationError naming the
    /// bound. A client reads with its ClientOptions::limits instead.
    Limits limits{};
    /// What validators taking a context (`validate(const C& context) const`) receive; must then be a
    /// C. A client call copies its Request::context here. Last, so that `{.strict = true, .context = x}`.
    ValidationContext context{};
};

namespace detail {

class ReadContext {
public:
    ReadContext(const ParseOptions& options, std::vector<FieldError>& errors) : options_(options), errors_(&errors) {}

    [[nodiscard]] const ParseOptions& options() const noexcept { return options_; }
    [[nodiscard]] bool strict() const noexcept { return options_.strict; }
    [[nodiscard]] std::size_t error_count() const noexcept { return errors_->size(); }
    [[nodiscard]] std::string& path() noexcept { return path_; }

    void fail(std::string message) { errors_->push_back({path_, std::move(message)}); }
    void fail_at(const std::string& pointer, std::string message) { errors_->push_back({pointer, std::move(message)}); }

    // Unknown keys a lax read ignored: fewer is a better match when choosing a variant alternative.
    std::size_t ignored_keys = 0;

private:
    const ParseOptions& options_;
    std::vector<FieldError>* errors_;
    std::string path_;
};

/// Appends "/token" (escaped as RFC 6901 says) to the path for the lifetime of the guard.
class PathGuard {
public:
    PathGuard(std::string& path, std::string_view token);
    PathGuard(std::string& path, std::size_t index);
    ~PathGuard() { path_.resize(mark_); }
    PathGuard(const PathGuard&) = delete;
    PathGuard& operator=(const PathGuard&) = delete;

private:
    std::string& path_;
    std::size_t mark_;
};

/// Invalid JSON text: one error at "" with the parser's message; keeps the text.
[[nodiscard]] ValidationError malformed_json_error(std::string_view text);
/// A value nested deeper than limits.max_depth: one error at "" naming the bound; keeps `excerpt`.
[[nodiscard]] ValidationError too_deep_error(const Limits& limits, std::string excerpt);

/// Reports "expected <what node and use allow>, got <value>" at the current path. `parsed` is the
/// number read from `got`, when there was one: a type's own range is mentioned only when it broke that.
void fail_expected(ReadContext& ctx, const TypeNode& node, const Constraints* use, const nlohmann::json& got,
                   const nlohmann::json* parsed = nullptr);

// Scalars as the options allow. nullopt = not that type.
[[nodiscard]] std::optional<nlohmann::json> read_integer_json(const nlohmann::json& j, bool strict);
[[nodiscard]] std::optional<double> read_number_json(const nlohmann::json& j, bool strict);
[[nodiscard]] std::optional<bool> read_boolean_json(const nlohmann::json& j, bool strict);
[[nodiscard]] std::optional<std::size_t> match_enumerator(const std::vector<std::string>& names, std::string_view text,
                                                          bool strict);

/// Checks value constraints of node (intrinsic) and use (annotations); reports and returns false on failure.
bool check_string(ReadContext& ctx, const TypeNode& node, const Constraints* use, const nlohmann::json& got);
/// An array, with as many items as node and use allow.
bool check_array(ReadContext& ctx, const TypeNode& node, const Constraints* use, const nlohmann::json& got);
/// Reports items equal to an earlier item of the same array, as they are read.
class UniqueItems {
public:
    UniqueItems(ReadContext& ctx, bool active);
    ~UniqueItems();
    UniqueItems(const UniqueItems&) = delete;
    UniqueItems& operator=(const UniqueItems&) = delete;
    [[nodiscard]] bool active() const noexcept { return active_; }
    /// Call with the path at item `index`; reports "expected a unique item, got a repeat of <first>".
    void check(std::size_t index, const nlohmann::json& item);

private:
    ReadContext& ctx_;
    bool active_;
    std::string array_path_;
    std::map<nlohmann::json, std::size_t> seen_;
};

/// The use constraints of an optional's value, marked so that errors say "... or null".
class NullableUse {
public:
    explicit NullableUse(const Constraints* use);
    [[nodiscard]] const Constraints* get() const noexcept { return use_; }

private:
    Constraints copy_;
    const Constraints* use_;
};

/// Unknown keys of a struct's object: errors when strict, counted when lax.
void check_unknown_keys(ReadContext& ctx, const TypeNode& node, const nlohmann::json& object);

/// Does this JSON value have the shape of this node (object for structs, array for arrays, ...)?
[[nodiscard]] bool shape_matches(const TypeNode& node, const nlohmann::json& j);

/// A variant matched none of its alternatives: report the closest one's errors, or what was expected.
void report_variant_mismatch(ReadContext& ctx, const TypeNode& variant, const nlohmann::json& got,
                             std::vector<std::vector<FieldError>> alternative_errors,
                             const std::vector<std::size_t>& ignored_keys);

// What a validator may return: errors with pointers relative to the object, messages, or one message.
void add_validator_errors(ReadContext& ctx, const std::vector<FieldError>& errors);
void add_validator_errors(ReadContext& ctx, const std::vector<std::string>& messages);
void add_validator_errors(ReadContext& ctx, const std::string& message);
void add_validator_errors(ReadContext& ctx, const std::optional<std::string>& message);

}  // namespace detail
}  // namespace instructor
