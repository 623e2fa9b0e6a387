// llama-cpp-python's server: response_format type is "text" or "json_object" only, with the schema
// beside it; tools are used only with the named tool_choice ("required" fails there).
#include "openai_dialect.hpp"
#include "registry.hpp"

namespace instructor::providers {

const Provider& llama_cpp_python() {
    static const OpenAIDialect instance(DialectSettings{
        .name = "llama-cpp-python",
        .base_url = "http://localhost:8000/v1",
        .key_variable = "",
        .default_mode = Mode::json_schema,
        .modes = {Mode::tools, Mode::json, Mode::json_schema, Mode::md_json},
        .json_schema_shape = JsonSchemaShape::json_object_schema,
        .inline_schemas = true,
        .stream_usage = false,
    });
    return instance;
}

}  // namespace instructor::providers
