// Ollama's OpenAI-compatible layer (/v1). It has no tool_choice, so a tool call cannot be forced;
// json_schema becomes Ollama's `format`, which goes through a grammar: the inlined schema form.
// Thinking: reasoning_effort ("none" turns it off); the reasoning comes and goes back in `reasoning`.
#include "openai_dialect.hpp"
#include "registry.hpp"

namespace instructor::providers {

const Provider& ollama() {
    static const OpenAIDialect instance(DialectSettings{
        .name = "ollama",
        .base_url = "http://localhost:11434/v1",
        .key_variable = "",
        .default_mode = Mode::json,
        .modes = {Mode::json, Mode::json_schema, Mode::md_json},
        .inline_schemas = true,
        .unsupported_tools_reason = "Ollama ignores tool_choice, so it cannot be made to call the tool; "
                                    "use json_schema, which constrains the output instead",
        .thinking = {.control = ThinkingControl::reasoning_effort,
                     .efforts = {ThinkingEffort::low, ThinkingEffort::medium, ThinkingEffort::high,
                                 ThinkingEffort::max}},
        .reasoning_echo = "reasoning",  // its /v1 layer reads it into the native `thinking`
    });
    return instance;
}

}  // namespace instructor::providers
