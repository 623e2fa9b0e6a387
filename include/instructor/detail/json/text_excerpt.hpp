#pragma once
// Bounded renderings of outside input, for error messages and for what errors keep: never more
// than a budget of bytes, never a recursion, whatever the input's size or depth.

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace instructor::detail {

/// The start of `text`, at most `max_bytes` bytes cut at a character boundary, followed by
/// "... (N bytes in all)" when it was cut.
[[nodiscard]] std::string text_excerpt(std::string_view text, std::size_t max_bytes = 1024);

/// `value` as compact JSON text while it fits in `max_bytes`, then "..." (so not always valid
/// JSON). Written without recursion: safe on values of any depth.
[[nodiscard]] std::string json_excerpt(const nlohmann::json& value, std::size_t max_bytes = 1024);

/// Whether `value` has objects or arrays nested more than `max_depth` deep (a scalar is depth 0,
/// [] is 1). Without recursion.
[[nodiscard]] bool nests_deeper_than(const nlohmann::json& value, std::size_t max_depth);

}  // namespace instructor::detail
