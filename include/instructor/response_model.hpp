#pragma once
// From a C++ type to the ResponseModel a provider sees: its name, description and schema in every
// form. Types that are not structs travel wrapped, as Python Instructor wraps them, and are
// unwrapped on the way back:
//   a struct T                     -> T itself
//   std::vector<T> of a struct     -> {"tasks": [T, ...]}, named "Iterable" + T's name
//   anything else (string, number, enum, variant, vector of scalars, ...) -> {"content": ...}, named "Response"

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <instructor/gbnf.hpp>
#include <instructor/meta.hpp>
#include <instructor/request.hpp>
#include <instructor/schema.hpp>

namespace instructor {
namespace detail {

template <class T>
struct ResponseWrapper {
    T content{};
};

template <class T>
struct TaskList {
    std::vector<T> tasks{};
};

}  // namespace detail

template <class T>
struct meta<detail::ResponseWrapper<T>> {
    static constexpr std::string_view name = "Response";
    static constexpr std::string_view description = "The correctly formatted and extracted response.";
};

template <class T>
struct meta<detail::TaskList<T>> {
    static constexpr std::string_view description = "Every item found, each one complete and correct.";
};

namespace detail {

/// How T travels: `wire` is what the model is asked for; unwrap() gives back a T.
template <class T>
struct wire_format {
    using wire = ResponseWrapper<T>;
    static T unwrap(wire&& w) { return std::move(w.content); }
    static std::string name() { return "Response"; }
};

template <struct_type T>
struct wire_format<T> {
    using wire = T;
    static T unwrap(wire&& w) { return std::move(w); }
    static std::string name() { return schema_name<T>(); }
};

template <struct_type T>
struct wire_format<std::vector<T>> {
    using wire = TaskList<T>;
    static std::vector<T> unwrap(wire&& w) { return std::move(w.tasks); }
    static std::string name() { return "Iterable" + schema_name<T>(); }
};

template <class T>
ResponseModel build_response_model() {
    using Wire = typename wire_format<T>::wire;
    ResponseModel model;
    model.name = wire_format<T>::name();
    model.description = schema_description<Wire>();
    // json_schema<T> keeps each form for the life of the program: point at it, copy nothing.
    const auto forever = [](const nlohmann::ordered_json& schema) {
        return ResponseModel::Schema(std::shared_ptr<void>(), &schema);
    };
    model.schema = forever(json_schema<Wire>());
    try {
        model.strict_schema = forever(json_schema<Wire>(SchemaForm::openai_strict));
    } catch (const SchemaError& e) {
        model.strict_unavailable = e.what();
    }
    model.inlined_schema = forever(json_schema<Wire>(SchemaForm::inlined));  // every type has one
    try {
        model.grammar = std::shared_ptr<const std::string>(std::shared_ptr<void>(), &gbnf<Wire>());
    } catch (const SchemaError& e) {
        model.grammar_unavailable = e.what();
    }
    return model;
}

template <class... A>
std::vector<ResponseModel> variant_models(std::type_identity<std::variant<A...>>);

}  // namespace detail

/// The ResponseModel of T, built once.
template <class T>
[[nodiscard]] const ResponseModel& response_model() {
    static const ResponseModel model = detail::build_response_model<T>();
    return model;
}

/// One ResponseModel per alternative, for parallel_tools mode (each alternative is a struct).
template <class Variant>
[[nodiscard]] std::vector<ResponseModel> response_models_of() {
    return detail::variant_models(std::type_identity<Variant>{});
}

template <class... A>
std::vector<ResponseModel> detail::variant_models(std::type_identity<std::variant<A...>>) {
    static_assert((struct_type<A> && ...), "parallel_tools needs a std::variant of structs, one tool each");
    return {response_model<A>()...};
}

}  // namespace instructor
