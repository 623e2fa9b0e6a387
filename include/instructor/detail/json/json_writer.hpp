#pragma once
// Compact JSON text, as nlohmann's dump() writes it, several times faster: request bodies are
// written on every call, and dump() spends a virtual call and a UTF-8 decoding step on every byte.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace instructor::detail {

/// The same text as value.dump() (compact, UTF-8 kept as is, floats in nlohmann's shortest form);
/// throws the same nlohmann::json::type_error on invalid UTF-8.
[[nodiscard]] std::string write_json(const nlohmann::ordered_json& value);
void write_json(const nlohmann::ordered_json& value, std::string& out);
/// One string value, quoted and escaped as write_json writes strings.
void write_json_string(std::string_view text, std::string& out);

}  // namespace instructor::detail
