#pragma once
// JSON Schema for T, in the form each consumer wants, generated once per type and form.
//
//     const auto& plain  = instructor::json_schema<UserDetail>();                              // draft 2020-12
//     const auto& strict = instructor::json_schema<UserDetail>(instructor::SchemaForm::openai_strict);
//     const auto& flat   = instructor::json_schema<UserDetail>(instructor::SchemaForm::inlined);
//
// Properties keep declaration order (nlohmann::ordered_json; it converts to nlohmann::json).

#include <string>

#include <nlohmann/json.hpp>

#include <instructor/detail/reflect/type_tree.hpp>
#include <instructor/error.hpp>
#include <instructor/to_json.hpp>

namespace instructor {

enum class SchemaForm {
    /// Draft 2020-12: `required`, closed objects, named nested structs under `$defs`.
    plain,
    /// What OpenAI accepts with `strict: true`: every property required (optional ones nullable),
    /// every object closed, no keyword strict mode rejects (those constraints move into the
    /// description and are still enforced by the parser). Maps and nlohmann::json cannot be expressed.
    openai_strict,
    /// Every nested struct written in place, for llama.cpp grammars and Ollama's `format`: no `$ref`,
    /// except where a type contains itself, which refers to its `$defs` entry ("#/$defs/Name").
    inlined,
};

namespace detail {
/// Renders a type tree; throws SchemaError when the form cannot express the type.
nlohmann::ordered_json render_schema(const TypeNode& root, SchemaForm form);

template <class T, SchemaForm Form>
const nlohmann::ordered_json& cached_schema() {
    static const nlohmann::ordered_json schema = render_schema(node_of<T>(), Form);
    return schema;
}
}  // namespace detail

/// The JSON Schema of T in the given form. Throws SchemaError when that form cannot express T.
template <class T>
[[nodiscard]] const nlohmann::ordered_json& json_schema(SchemaForm form = SchemaForm::plain) {
    switch (form) {
        case SchemaForm::openai_strict: return detail::cached_schema<T, SchemaForm::openai_strict>();
        case SchemaForm::inlined: return detail::cached_schema<T, SchemaForm::inlined>();
        case SchemaForm::plain: break;
    }
    return detail::cached_schema<T, SchemaForm::plain>();
}

/// The name T goes by in schemas and tool calls (meta<T>::name, T::schema_name, or its own name).
template <class T>
[[nodiscard]] std::string schema_name() {
    return detail::type_name<T>();
}

/// T's own description (meta<T>::description or T::schema_description), or "".
template <class T>
[[nodiscard]] std::string schema_description() {
    return detail::type_description<T>();
}

}  // namespace instructor
