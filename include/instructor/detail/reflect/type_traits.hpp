#pragma once
// Which family each supported C++ type belongs to. The schema builder, the parser and the writer all
// dispatch on these, in the same order, so they agree on what every type means.

#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <variant>
#include <vector>

#include <boost/pfr/tuple_size.hpp>
#include <nlohmann/json.hpp>

#include <instructor/detail/reflect/brace_count.hpp>

#include <instructor/annotations.hpp>

namespace instructor::detail {

template <class T, template <class...> class Template>
struct is_specialization_of : std::false_type {};
template <template <class...> class Template, class... Args>
struct is_specialization_of<Template<Args...>, Template> : std::true_type {};
template <class T, template <class...> class Template>
inline constexpr bool is_specialization_of_v = is_specialization_of<T, Template>::value;

template <class T>
struct is_std_array : std::false_type {};
template <class T, std::size_t N>
struct is_std_array<std::array<T, N>> : std::true_type {};

template <class T>
concept annotated_type = is_annotated<T>::value;
template <class T>
concept json_type = std::same_as<T, nlohmann::json> || std::same_as<T, nlohmann::ordered_json>;
template <class T>
concept null_type = std::same_as<T, std::monostate> || std::same_as<T, std::nullptr_t>;
template <class T>
concept boolean_type = std::same_as<T, bool>;
template <class T>
concept integer_type = std::is_integral_v<T> && !std::same_as<T, bool> && !std::same_as<T, wchar_t> &&
                       !std::same_as<T, char8_t> && !std::same_as<T, char16_t> && !std::same_as<T, char32_t>;
template <class T>
concept number_type = std::is_floating_point_v<T>;
template <class T>
concept string_type = std::same_as<T, std::string>;
template <class T>
concept enum_type = std::is_enum_v<T>;
template <class T>
concept optional_type = is_specialization_of_v<T, std::optional>;
template <class T>
concept pointer_type = is_specialization_of_v<T, std::unique_ptr> || is_specialization_of_v<T, std::shared_ptr>;
template <class T>
concept variant_type = is_specialization_of_v<T, std::variant>;
template <class T>
concept sequence_type = is_specialization_of_v<T, std::vector> || is_std_array<T>::value;
template <class T>
concept set_type = is_specialization_of_v<T, std::set>;
template <class T>
concept map_type = (is_specialization_of_v<T, std::map> ||
                    is_specialization_of_v<T, std::unordered_map>)&&std::same_as<typename T::key_type, std::string>;
/// Every member of T counted as one field: false when T has a C array member, which Boost.PFR
/// counts element by element (see brace_count.hpp).
template <class T>
concept fields_countable = takes_empty_braces<T, boost::pfr::tuple_size_v<T>>;

template <class T>
concept struct_type = std::is_class_v<T> && std::is_aggregate_v<T> && !annotated_type<T> && !json_type<T> &&
                      !null_type<T> && !sequence_type<T> && !is_std_array<T>::value && fields_countable<T>;

/// A container or a pointer-like type of some library (it names its element type): never the
/// user's own struct, so "unsupported type" is the message for it, not "not an aggregate".
template <class T>
concept library_type_like = requires {
    typename T::value_type;
}
|| requires { typename T::element_type; };

/// Stops the compilation with the one line that says what to write instead, for a type the
/// library cannot read or write. Instantiated only for such a type.
template <class T>
constexpr void refuse_unsupported_type() {
    if constexpr (std::is_class_v<T> && !std::is_aggregate_v<T> && !library_type_like<T>)
        static_assert(sizeof(T) == 0,
                      "instructor: this class is not an aggregate (it has a constructor, private or protected members, "
                      "virtual functions or a base class): the answer's types must be plain structs with public "
                      "fields and no constructors; read into one and convert it to your class afterwards");
    else if constexpr (std::is_class_v<T> && !library_type_like<T>)
        static_assert(sizeof(T) == 0,
                      "instructor: this struct has a C array member, which cannot be reflected: write "
                      "std::array<Element, N> instead of Element[N]");
    else
        static_assert(sizeof(T) == 0,
                      "instructor: unsupported type. Supported: bool, integers, float, double, std::string, enums, "
                      "std::optional, std::unique_ptr, std::shared_ptr, std::variant, std::vector, std::array, "
                      "std::set, std::map/unordered_map<std::string, T>, nlohmann::json, aggregate structs, "
                      "Annotated<T, ...>");
}

/// T with Annotated, optional and pointer wrappers removed: what a value annotation applies to.
template <class T>
struct unwrapped {
    using type = T;
};
template <class T, auto... A>
struct unwrapped<Annotated<T, A...>> : unwrapped<T> {};
template <optional_type T>
struct unwrapped<T> : unwrapped<typename T::value_type> {};
template <pointer_type T>
struct unwrapped<T> : unwrapped<typename T::element_type> {};
template <class T>
using unwrapped_t = typename unwrapped<T>::type;

/// May be absent or null in JSON (optional, unique_ptr, shared_ptr, possibly annotated).
template <class T>
inline constexpr bool is_nullable_v = optional_type<T> || pointer_type<T>;
template <class T, auto... A>
inline constexpr bool is_nullable_v<Annotated<T, A...>> = is_nullable_v<T>;

}  // namespace instructor::detail
