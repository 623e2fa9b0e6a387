// llama.cpp's llama-server: tool_choice only as a string ("required" forces the one tool; the
// object form is silently read as "auto"); json_schema in OpenAI's nesting, turned into a grammar.
#include "openai_dialect.hpp"
#include "registry.hpp"

namespace instructor::providers {

const Provider& llama_cpp() {
    static const OpenAIDialect instance(DialectSettings{
        .name = "llama-cpp",
        .base_url = "http://127.0.0.1:8080/v1",
        .key_variable = "",
        .default_mode = Mode::json_schema,
        .modes = {Mode::tools, Mode::json, Mode::json_schema, Mode::md_json},
        .forcing = ToolForcing::required,
        .inline_schemas = true,
    });
    return instance;
}

}  // namespace instructor::providers
