#pragma once
// Helpers for asserting ValidationError contents exactly.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/error.hpp>
#include <instructor/from_json.hpp>

namespace test_support {

using Errors = std::vector<instructor::FieldError>;

/// One line per error, strings JSON-quoted: equal listings mean equal error vectors, and a failing
/// CHECK shows both sides readably.
inline std::string listed(const Errors& errors) {
    std::string text;
    for (const auto& e : errors)
        text += "{" + nlohmann::json(e.pointer).dump() + ", " + nlohmann::json(e.message).dump() + "}\n";
    return text;
}

/// The errors from_json throws for this text; a made-up error when it does not throw.
template <class T>
Errors parse_errors(const std::string& text, const instructor::ParseOptions& options = {}) {
    try {
        (void)instructor::from_json<T>(text, options);
    } catch (const instructor::ValidationError& e) {
        return e.errors();
    }
    return {{"(no error)", "from_json accepted " + text}};
}

}  // namespace test_support
