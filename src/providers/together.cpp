// Together: OpenAI's shape; json_schema in OpenAI's nesting, as its current spec has it. Its spec
// types an object tool_choice as a tool *call* (id, arguments...), so the one tool is forced with
// "required", which the spec and the API both take. Its spec requires "index" on each tool call
// an assistant message echoes (a re-ask in tool modes).
#include "openai_dialect.hpp"
#include "registry.hpp"

namespace instructor::providers {

const Provider& together() {
    static const OpenAIDialect instance(DialectSettings{
        .name = "together",
        .base_url = "https://api.together.xyz/v1",
        .key_variable = "TOGETHER_API_KEY",
        .default_mode = Mode::tools,
        .modes = {Mode::tools, Mode::parallel_tools, Mode::json, Mode::json_schema, Mode::md_json},
        .forcing = ToolForcing::required,
        .tool_call_index = true,
        // reasoning: {enabled}; the reasoning comes in `reasoning`, which its assistant messages do
        // not take back.
        .thinking = {.control = ThinkingControl::together,
                     .efforts = {ThinkingEffort::low, ThinkingEffort::medium, ThinkingEffort::high}},
    });
    return instance;
}

}  // namespace instructor::providers
