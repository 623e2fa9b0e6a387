#pragma once
// instructor::meta<T>: everything about a type that its declaration cannot say, attached from outside.
// Specialise it for your own types or for types you cannot change:
//
//     template <>
//     struct instructor::meta<geo::Point> {
//         static constexpr std::string_view name = "Point";                 // schema / tool name
//         static constexpr std::string_view description = "A place on a map";
//         static constexpr auto fields = instructor::fields(
//             instructor::field("lat", instructor::minimum(-90.0), instructor::maximum(90.0)),
//             instructor::field("lon", instructor::description("Longitude, east positive")));
//     };
//
// For enums, `enumerators` replaces the names read from the enumerator identifiers, and
// `enum_min` / `enum_max` widen the scanned range (see enum_names in detail/reflect/names.hpp):
//
//     template <>
//     struct instructor::meta<Status> {
//         static constexpr std::pair<Status, const char*> enumerators[] = {{Status::ok, "OK"}, {Status::failed,
//         "FAILED"}};
//     };
//
// Every member is optional. A struct may instead carry its name and description itself, as
// `static constexpr std::string_view schema_name` / `schema_description` members; meta<T> wins.

#include <cstddef>
#include <string_view>
#include <tuple>

namespace instructor {

template <class T>
struct meta {};

/// Annotations for the field called `name` of a struct, for meta<T>::fields.
template <class... Annotations>
struct FieldAnnotations {
    std::string_view name{};
    std::tuple<Annotations...> annotations{};
};

template <class... Annotations>
constexpr FieldAnnotations<Annotations...> field(std::string_view name, Annotations... annotations) {
    return {name, std::tuple<Annotations...>{annotations...}};
}

template <class... Fields>
constexpr std::tuple<Fields...> fields(Fields... annotated_fields) {
    return {annotated_fields...};
}

}  // namespace instructor
