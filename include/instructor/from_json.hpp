#pragma once
// JSON -> T, with every error and where it is.
//
//     auto user = instructor::from_json<UserDetail>(R"({"name": "Jason", "age": 30})");
//     auto maybe = instructor::try_from_json<UserDetail>(reply);   // Result<UserDetail>, no throw
//
// On failure, instructor::ValidationError lists each problem with its JSON pointer, e.g.
// `/items/3/age: expected an integer between 0 and 150, got "thirty"`, and keeps the raw input.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/detail/json/json_reader.hpp>
#include <instructor/detail/json/text_excerpt.hpp>
#include <instructor/detail/parse/context_check.hpp>
#include <instructor/detail/parse/reader.hpp>
#include <instructor/error.hpp>
#include <instructor/result.hpp>

namespace instructor {

/// Reads T from a JSON value; the non-throwing form. (Only a programming error throws: a validator
/// needing a context that options.context is not, a ConfigurationError, whatever the input.)
template <class T>
[[nodiscard]] Result<T> try_from_json(const nlohmann::json& json, const ParseOptions& options = {}) {
    detail::check_validation_context_of<T>(options.context);
    if (detail::nests_deeper_than(json, options.limits.max_depth))
        return Result<T>(detail::too_deep_error(options.limits, detail::json_excerpt(json)));
    std::vector<FieldError> errors;
    detail::ReadContext ctx(options, errors);
    T value{};
    if (detail::read_value(json, value, ctx, nullptr)) return Result<T>(std::move(value));
    return Result<T>(ValidationError(std::move(errors), detail::json_excerpt(json, options.limits.max_bytes)));
}

/// Reads T from JSON text; malformed JSON is a ValidationError too (pointer "", the parser's message).
template <class T>
[[nodiscard]] Result<T> try_from_json(std::string_view text, const ParseOptions& options = {}) {
    detail::check_validation_context_of<T>(options.context);
    nlohmann::json json;
    try {
        json = detail::read_json(text, options.limits, "the JSON text");
    } catch (const LimitError& e) {
        return Result<T>(ValidationError({{"", e.what()}}, e.excerpt()));
    }
    if (json.is_discarded()) return Result<T>(detail::malformed_json_error(text));
    std::vector<FieldError> errors;
    detail::ReadContext ctx(options, errors);
    T value{};
    if (detail::read_value(json, value, ctx, nullptr)) return Result<T>(std::move(value));
    return Result<T>(ValidationError(std::move(errors), std::string(text)));
}
template <class T>
[[nodiscard]] Result<T> try_from_json(const char* text, const ParseOptions& options = {}) {
    return try_from_json<T>(std::string_view{text}, options);
}
template <class T>
[[nodiscard]] Result<T> try_from_json(const std::string& text, const ParseOptions& options = {}) {
    return try_from_json<T>(std::string_view{text}, options);
}

/// Reads T from a JSON value or JSON text; throws instructor::ValidationError listing every error.
template <class T, class Input>
[[nodiscard]] T from_json(const Input& input, const ParseOptions& options = {}) {
    return try_from_json<T>(input, options).value();
}
template <class T>
[[nodiscard]] T from_json(const char* text, const ParseOptions& options = {}) {
    return try_from_json<T>(std::string_view{text}, options).value();
}

}  // namespace instructor
