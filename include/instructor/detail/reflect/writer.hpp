#pragma once
// T -> JSON, the exact inverse of the reader: writing a value and reading it back gives the same value.

#include <boost/pfr.hpp>
#include <nlohmann/json.hpp>

#include <instructor/detail/reflect/names.hpp>
#include <instructor/detail/reflect/type_traits.hpp>

namespace instructor::detail {

template <class T>
void write_value(const T& value, nlohmann::json& out);

template <class T, std::size_t... I>
void write_struct(const T& value, nlohmann::json& out, std::index_sequence<I...>) {
    out = nlohmann::json::object();
    (write_value(boost::pfr::get<I>(value), out[std::string(field_name<T, I>())]), ...);
}

template <class T>
void write_value(const T& value, nlohmann::json& out) {
    if constexpr (annotated_type<T>) {
        write_value(annotated_value(value), out);
    } else if constexpr (json_type<T>) {
        out = value;
    } else if constexpr (null_type<T>) {
        out = nullptr;
    } else if constexpr (boolean_type<T> || integer_type<T> || number_type<T> || string_type<T>) {
        out = value;
    } else if constexpr (enum_type<T>) {
        for (const auto& [enumerator, name] : enum_entries<T>())
            if (enumerator == value) {
                out = name;
                return;
            }
        // Not a named enumerator: write the number, which reading back reports as an error.
        out = static_cast<std::underlying_type_t<T>>(value);
    } else if constexpr (optional_type<T> || pointer_type<T>) {
        if (value)
            write_value(*value, out);
        else
            out = nullptr;
    } else if constexpr (variant_type<T>) {
        std::visit([&out](const auto& alternative) { write_value(alternative, out); }, value);
    } else if constexpr (sequence_type<T> || set_type<T>) {
        out = nlohmann::json::array();
        auto& items = out.get_ref<nlohmann::json::array_t&>();
        items.reserve(value.size());
        for (const auto& item : value)
            write_value(static_cast<const typename T::value_type&>(item), items.emplace_back());
    } else if constexpr (map_type<T>) {
        out = nlohmann::json::object();
        for (const auto& [key, item] : value) write_value(item, out[key]);
    } else if constexpr (struct_type<T>) {
        write_struct(value, out, std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});
    } else {
        refuse_unsupported_type<T>();
    }
}

}  // namespace instructor::detail
