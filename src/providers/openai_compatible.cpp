// Any OpenAI-compatible server (vLLM, LM Studio, a gateway...): OpenAI's body, with max_tokens,
// which every such server reads. The base URL comes from the user.
#include "openai_dialect.hpp"
#include "registry.hpp"

namespace instructor::providers {

const Provider& openai_compatible() {
    static const OpenAIDialect instance(DialectSettings{
        .name = "openai-compatible",
        .base_url = "http://localhost:8000/v1",
        .key_variable = "",  // never OPENAI_API_KEY: that key is for OpenAI, not for whatever server this is
        .default_mode = Mode::tools,
        .modes = {Mode::tools, Mode::tools_strict, Mode::parallel_tools, Mode::json, Mode::json_schema, Mode::md_json},
        .json_schema_strict = JsonSchemaStrict::when_strict_schema,
        // from_openai pointed at a llama.cpp server from before mid-2025 meets this refusal too.
        .tool_stream_refusal = "Cannot use tools with stream",
    });
    return instance;
}

}  // namespace instructor::providers
