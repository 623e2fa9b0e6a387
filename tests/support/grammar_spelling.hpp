#pragma once
// The inlined schema form's spelling for grammar-based servers, stated independently of src/reflect/schema.cpp
// so tests can compare: applied to a plain schema (its $refs expanded or not), it gives what a
// llama.cpp converter of any age accepts.

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include <instructor/detail/reflect/grammar_pattern.hpp>

namespace test_support {

// A schema as the inlined form spells it for grammar-based servers: every "pattern" anchored and
// JSON-safe, and a free value with a description or default as a list of every type.
template <class Json>
Json grammar_spelling(Json schema) {
    if (!schema.is_object()) return schema;
    const bool free_value = !schema.empty() && !schema.contains("type") && !schema.contains("anyOf") &&
                            !schema.contains("$ref") && !schema.contains("enum");
    if (free_value)
        schema["anyOf"] = Json::array({{{"type", "object"}, {"additionalProperties", Json::object()}},
                                       {{"type", "array"}},
                                       {{"type", "string"}},
                                       {{"type", "number"}},
                                       {{"type", "boolean"}},
                                       {{"type", "null"}}});
    for (auto& [key, value] : schema.items()) {
        if (key == "pattern" && value.is_string()) {
            value = instructor::detail::grammar_safe_pattern(value.template get<std::string>());
        } else if (key == "properties" || key == "$defs") {
            for (auto& member : value) member = grammar_spelling(std::move(member));
        } else if (key == "anyOf") {
            for (auto& alternative : value) alternative = grammar_spelling(std::move(alternative));
        } else if (key == "items" || key == "additionalProperties") {
            value = grammar_spelling(std::move(value));
        }
    }
    return schema;
}

}  // namespace test_support
