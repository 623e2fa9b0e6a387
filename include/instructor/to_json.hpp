#pragma once
// T -> JSON. Reading the result back with from_json<T> gives an equal value.

#include <nlohmann/json.hpp>

#include <instructor/detail/reflect/writer.hpp>

namespace instructor {

template <class T>
[[nodiscard]] nlohmann::json to_json(const T& value) {
    nlohmann::json out;
    detail::write_value(value, out);
    return out;
}

}  // namespace instructor
