#pragma once
// The type tree: a run-time description of a C++ type, built once per type by templates, then read
// by compiled code (schema writing, error messages, constraint checks). Children are referenced
// through functions, built on first use, so a recursive struct costs nothing special.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <variant>
#include <vector>

#include <boost/pfr.hpp>
#include <nlohmann/json.hpp>

#include <instructor/annotations.hpp>
#include <instructor/detail/reflect/constraints.hpp>
#include <instructor/detail/reflect/names.hpp>
#include <instructor/detail/reflect/type_traits.hpp>
#include <instructor/detail/reflect/validator_signature.hpp>
#include <instructor/detail/reflect/writer.hpp>
#include <instructor/meta.hpp>

namespace instructor::detail {

enum class Kind : std::uint8_t {
    null,  // std::monostate
    boolean,
    integer,
    number,
    string,
    enumeration,  // a string from a fixed list
    array,        // vector, array, set (constraints say how many, and whether unique)
    map,          // object with free keys
    object,       // a struct
    nullable,     // optional, unique_ptr, shared_ptr: the element, or null
    variant,      // one of the alternatives
    any,          // nlohmann::json
    annotated,    // the element with extra constraints
};

struct TypeNode;
using NodeRef = const TypeNode& (*)();

struct FieldNode {
    std::string name;
    NodeRef type;
    Constraints constraints;  // from meta<T>::fields
    bool required = true;
};

struct TypeNode {
    Kind kind = Kind::any;
    std::string name;                      // object, enumeration: identifier-safe type name
    std::string description;               // object, enumeration: the type's own description
    Constraints constraints;               // intrinsic (integer range, array size) or, for annotated, the annotations
    NodeRef element = nullptr;             // array/map items, nullable/annotated inner type
    std::vector<FieldNode> fields;         // object
    std::vector<NodeRef> alternatives;     // variant
    std::vector<std::string> enumerators;  // enumeration
    // integer, float: the C++ type's own range. The parser enforces it; the schema does not state it
    // (only what the user declared, plus `minimum: 0` for unsigned types), because servers' grammar
    // converters choke on or mistranslate such bounds and they cost prompt tokens for nothing.
    std::optional<nlohmann::json> type_minimum, type_maximum;
    // object: the type of the context its validator takes (`validate(const C&) const`), else null.
    // A client checks up front that the call gives it (contexts_needed in detail/parse/context_check.hpp).
    const std::type_info* validation_context = nullptr;
};

template <class T>
const TypeNode& node_of();

template <class T>
nlohmann::json json_of(const T& value) {
    nlohmann::json out;
    write_value(value, out);
    return out;
}

// ---- annotations -> constraints ----------------------------------------------------------------

void add_description(Constraints& c, std::string_view text);
void add_bound(Constraints& c, annotation::BoundKind kind, nlohmann::json value);
void add_length(Constraints& c, annotation::SizeKind kind, std::size_t value);
void add_items(Constraints& c, annotation::SizeKind kind, std::size_t value);
/// The double with the same shortest decimal spelling as this float.
double shortest_double(float value);

template <class Value, class A>
void add_annotation(Constraints& c, const A& a) {
    using V = unwrapped_t<Value>;
    if constexpr (requires { a.text.view(); }) {
        add_description(c, a.text.view());
    } else if constexpr (std::is_same_v<A, annotation::Length>) {
        static_assert(string_type<V>, "min_length / max_length apply to strings");
        add_length(c, a.kind, a.value);
    } else if constexpr (std::is_same_v<A, annotation::Items>) {
        static_assert(sequence_type<V> || set_type<V>, "min_items / max_items apply to vectors, arrays and sets");
        add_items(c, a.kind, a.value);
    } else if constexpr (requires {
                             a.kind;
                             a.value;
                         }) {
        static_assert(integer_type<V> || number_type<V>, "numeric bounds apply to numbers");
        if constexpr (std::is_same_v<std::remove_cv_t<decltype(a.value)>, float>)
            add_bound(c, a.kind, nlohmann::json(shortest_double(a.value)));  // 0.1f is 0.1, not 0.10000000149
        else
            add_bound(c, a.kind, nlohmann::json(a.value));
    } else if constexpr (std::is_same_v<A, annotation::UniqueItems>) {
        static_assert(sequence_type<V>, "unique_items applies to vectors and arrays (a std::set is unique already)");
        c.unique_items = true;
    } else if constexpr (requires { a.regex.view(); }) {
        static_assert(string_type<V>, "pattern applies to strings");
        set_pattern(c, a.regex.view());
    } else if constexpr (requires { a.list; }) {
        static_assert(string_type<V>, "choices apply to strings");
        a.list.for_each([&](std::string_view option) { c.choices.emplace_back(option); });
    } else if constexpr (std::is_same_v<A, annotation::DefaultConstructed>) {
        c.default_value = json_of(Value{});
    } else if constexpr (requires { a.value; }) {
        c.default_value = json_of(make_from_default<Value>(a));
    } else {
        static_assert(sizeof(A) == 0, "not an instructor annotation");
    }
}

template <class Value, class... A>
Constraints make_constraints(const A&... annotations) {
    Constraints c;
    (add_annotation<Value>(c, annotations), ...);
    return c;
}

// ---- meta<T>::fields ---------------------------------------------------------------------------

template <class T>
concept has_meta_fields = requires {
    std::tuple_size<std::remove_cvref_t<decltype(meta<T>::fields)>>::value;
};

template <class T>
consteval bool meta_field_names_exist() {
    if constexpr (has_meta_fields<T>) {
        bool all_found = true;
        std::apply(
            [&](const auto&... entry) {
                auto found = [](std::string_view name) {
                    for (std::string_view f : field_names<T>)
                        if (f == name) return true;
                    return false;
                };
                ((all_found = all_found && found(entry.name)), ...);
            },
            meta<T>::fields);
        return all_found;
    } else {
        return true;
    }
}

// Entry J of meta<T>::fields, if it names field I. The name is compared at compile time, so that an
// entry is only checked against the type of the field it names (a bound on a number, a default
// string: neither may be applied to the struct's other fields).
template <class T, std::size_t I, std::size_t J>
void add_meta_field_entry(Constraints& c) {
    using FieldType = std::remove_cvref_t<decltype(boost::pfr::get<I>(std::declval<T&>()))>;
    if constexpr (std::get<J>(meta<T>::fields).name == field_name<T, I>())
        std::apply([&c](const auto&... a) { (add_annotation<FieldType>(c, a), ...); },
                   std::get<J>(meta<T>::fields).annotations);
}

template <class T, std::size_t I, std::size_t... J>
void add_meta_field_entries(Constraints& c, std::index_sequence<J...>) {
    (add_meta_field_entry<T, I, J>(c), ...);
}

template <class T, std::size_t I>
Constraints meta_field_constraints() {
    Constraints c;
    if constexpr (has_meta_fields<T>) {
        using Entries = std::remove_cvref_t<decltype(meta<T>::fields)>;
        add_meta_field_entries<T, I>(c, std::make_index_sequence<std::tuple_size_v<Entries>>{});
    }
    return c;
}

// ---- supported types ---------------------------------------------------------------------------

/// Whether T can be described and read, looking through containers to their elements. A nested
/// struct counts as supported here: its own fields are checked where its node is built.
template <class T>
consteval bool is_supported_type() {
    if constexpr (annotated_type<T>)
        return is_supported_type<annotated_value_t<T>>();
    else if constexpr (optional_type<T> || sequence_type<T> || set_type<T>)
        return is_supported_type<typename T::value_type>();
    else if constexpr (pointer_type<T>)
        return is_supported_type<typename T::element_type>();
    else if constexpr (map_type<T>)
        return is_supported_type<typename T::mapped_type>();
    else if constexpr (variant_type<T>)
        return []<class... A>(std::type_identity<std::variant<A...>>) {
            return (is_supported_type<A>() && ...);
        }(std::type_identity<T>{});
    else
        return json_type<T> || null_type<T> || boolean_type<T> || integer_type<T> || number_type<T> || string_type<T> ||
               enum_type<T> || struct_type<T>;
}

// Checked once per field, so that the compiler's error names the struct, the field and its type:
// they are this template's arguments, printed with the message. Field is a pointer to the field
// (of a never-defined object), which both GCC and clang print with the field's name, e.g.
// "&fake_object.value.stops" or "...value.app::Shipment::stops".
// Each static_assert below holds unless its own reason applies: one line is printed per mistake.
template <class Struct, auto Field, class FieldType>
struct field_type_check {
    static constexpr bool supported = is_supported_type<FieldType>();
    // The user's own class (a container or smart pointer of another library is merely unsupported).
    static constexpr bool class_type = std::is_class_v<FieldType> && !library_type_like<FieldType>;
    static_assert(supported || !class_type || std::is_aggregate_v<FieldType>,
                  "instructor: this field's type is a class that is not an aggregate (it has a constructor, private "
                  "or protected members, virtual functions or a base class; the struct, the field and its type are "
                  "the template arguments of field_type_check): make it a plain struct with public fields and no "
                  "constructors");
    static_assert(supported || !class_type || !std::is_aggregate_v<FieldType>,
                  "instructor: this field's type has a C array member, which cannot be reflected (the struct, the "
                  "field and its type are the template arguments of field_type_check): write std::array<Element, N> "
                  "instead of Element[N]");
    static_assert(supported || class_type,
                  "instructor: unsupported field type (the struct, the field and its type are the template "
                  "arguments of field_type_check). Supported: bool, integers, float, double, std::string, "
                  "enums, std::optional, std::unique_ptr, std::shared_ptr, std::variant, std::vector, std::array, "
                  "std::set, std::map/unordered_map<std::string, T>, nlohmann::json, aggregate structs, "
                  "Annotated<T, ...>");
    static constexpr bool value = supported;
};

// The field's pointer is spelled in place (see field_name_storage in names.hpp for why).
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wundefined-var-template"  // fake_object is never defined, on purpose
#endif
template <class T, std::size_t I, class FieldType>
consteval bool field_type_supported() {
    return field_type_check<T, pointer_box{&boost::pfr::get<I>(fake_object<T>.value)}, FieldType>::value;
}
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

// ---- building nodes ----------------------------------------------------------------------------

template <class T, std::size_t... I>
std::vector<FieldNode> struct_fields(std::index_sequence<I...>) {
    std::vector<FieldNode> fields;
    fields.reserve(sizeof...(I));
    [[maybe_unused]] auto add = [&]<std::size_t Index>(std::integral_constant<std::size_t, Index>) {
        using FieldType = std::remove_cvref_t<decltype(boost::pfr::get<Index>(std::declval<T&>()))>;
        // An unsupported type stops here, with its struct and field named, and is not built further.
        if constexpr (field_type_supported<T, Index, FieldType>()) {
            FieldNode f{std::string(field_name<T, Index>()), &node_of<FieldType>, meta_field_constraints<T, Index>()};
            const bool has_default = f.constraints.default_value.has_value() || has_default_annotation_v<FieldType>;
            f.required = !is_nullable_v<FieldType> && !has_default;
            fields.push_back(std::move(f));
        }
    };
    (add(std::integral_constant<std::size_t, I>{}), ...);
    return fields;
}

template <class T>
TypeNode build_node() {
    TypeNode n;
    if constexpr (annotated_type<T>) {
        n.kind = Kind::annotated;
        n.element = &node_of<annotated_value_t<T>>;
        n.constraints = []<class V, auto... A>(std::type_identity<Annotated<V, A...>>) {
            return make_constraints<V>(A...);
        }
        (std::type_identity<T>{});
    } else if constexpr (json_type<T>) {
        n.kind = Kind::any;
    } else if constexpr (null_type<T>) {
        n.kind = Kind::null;
    } else if constexpr (boolean_type<T>) {
        n.kind = Kind::boolean;
    } else if constexpr (integer_type<T>) {
        n.kind = Kind::integer;
        if constexpr (std::is_unsigned_v<T>) n.constraints.minimum = nlohmann::json(0);  // "not negative" helps
        n.type_minimum = nlohmann::json(std::numeric_limits<T>::min());
        n.type_maximum = nlohmann::json(std::numeric_limits<T>::max());
    } else if constexpr (number_type<T>) {
        n.kind = Kind::number;
        if constexpr (sizeof(T) < sizeof(double)) {  // a float: JSON numbers reach further
            n.type_minimum = nlohmann::json(static_cast<double>(std::numeric_limits<T>::lowest()));
            n.type_maximum = nlohmann::json(static_cast<double>(std::numeric_limits<T>::max()));
        }
    } else if constexpr (string_type<T>) {
        n.kind = Kind::string;
    } else if constexpr (enum_type<T>) {
        n.kind = Kind::enumeration;
        n.name = type_name<T>();
        n.description = type_description<T>();
        for (const auto& entry : enum_entries<T>()) n.enumerators.push_back(entry.second);
    } else if constexpr (optional_type<T>) {
        n.kind = Kind::nullable;
        n.element = &node_of<typename T::value_type>;
    } else if constexpr (pointer_type<T>) {
        n.kind = Kind::nullable;
        n.element = &node_of<typename T::element_type>;
    } else if constexpr (variant_type<T>) {
        n.kind = Kind::variant;
        [&]<class... A>(std::type_identity<std::variant<A...>>) {
            (n.alternatives.push_back(&node_of<A>), ...);
        }(std::type_identity<T>{});
    } else if constexpr (is_std_array<T>::value) {
        n.kind = Kind::array;
        n.element = &node_of<typename T::value_type>;
        n.constraints.min_items = std::tuple_size_v<T>;
        n.constraints.max_items = std::tuple_size_v<T>;
    } else if constexpr (sequence_type<T>) {
        n.kind = Kind::array;
        n.element = &node_of<typename T::value_type>;
    } else if constexpr (set_type<T>) {
        n.kind = Kind::array;
        n.element = &node_of<typename T::value_type>;
        n.constraints.unique_items = true;
    } else if constexpr (map_type<T>) {
        n.kind = Kind::map;
        n.element = &node_of<typename T::mapped_type>;
    } else if constexpr (struct_type<T>) {
        static_assert(meta_field_names_exist<T>(), "meta<T>::fields names a field that T does not have");
        n.kind = Kind::object;
        n.name = type_name<T>();
        n.description = type_description<T>();
        n.fields = struct_fields<T>(std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});
        if constexpr (has_context_member_validator<T>) n.validation_context = &typeid(validation_context_t<T>);
    } else {
        refuse_unsupported_type<T>();
    }
    return n;
}

/// The type tree of T, built on first use and kept for the life of the program.
template <class T>
const TypeNode& node_of() {
    static const TypeNode node = build_node<T>();
    return node;
}

}  // namespace instructor::detail
