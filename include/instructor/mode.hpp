#pragma once
// How the response schema reaches the model and how its answer comes back.

#include <optional>
#include <string_view>

namespace instructor {

enum class Mode {
    tools,           // one function named after the type, and the model is made to call it
    tools_strict,    // the same, with `strict: true` and the OpenAI strict schema
    parallel_tools,  // one function per alternative of a std::variant, tool_choice auto, several calls back
    json,            // JSON mode (`json_object`) plus the schema in the system message
    json_schema,     // schema-constrained decoding, in each provider's own form
    md_json,         // the schema in the prompt; the answer in a ```json fenced block
    mistral_tools,   // tools, forced the way Mistral forces them (tool_choice "any")
    gbnf,            // llama.cpp servers: the type's own grammar (gbnf<T>()) in the `grammar` field
};

/// The answer comes back as a function call (tools, tools_strict, parallel_tools, mistral_tools),
/// not as text.
[[nodiscard]] bool is_tool_mode(Mode mode) noexcept;

/// "tools", "tools_strict", ... (the names used in error messages and golden files).
[[nodiscard]] std::string_view to_string(Mode mode) noexcept;
/// The mode with that name, if any.
[[nodiscard]] std::optional<Mode> mode_from_string(std::string_view name) noexcept;

}  // namespace instructor
