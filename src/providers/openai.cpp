// OpenAI: the reference dialect. max_completion_tokens (max_tokens is deprecated there); strict
// structured outputs when the type has a strict form; reasoning_effort for its reasoning models.
#include "openai_dialect.hpp"
#include "registry.hpp"

namespace instructor::providers {

const Provider& openai() {
    static const OpenAIDialect instance(DialectSettings{
        .name = "openai",
        .base_url = "https://api.openai.com/v1",
        .key_variable = "OPENAI_API_KEY",
        .default_mode = Mode::tools,
        .modes = {Mode::tools, Mode::tools_strict, Mode::parallel_tools, Mode::json, Mode::json_schema, Mode::md_json},
        .max_tokens_field = "max_completion_tokens",
        .json_schema_strict = JsonSchemaStrict::when_strict_schema,
        // Reasoning stays hidden (usage says how many tokens it took): nothing to send back.
        .thinking = {.control = ThinkingControl::reasoning_effort,
                     .efforts = {ThinkingEffort::minimal, ThinkingEffort::low, ThinkingEffort::medium,
                                 ThinkingEffort::high, ThinkingEffort::max}},
    });
    return instance;
}

}  // namespace instructor::providers
