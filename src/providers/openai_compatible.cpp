// Any OpenAI-compatible server (vLLM, LM Studio, llama.cpp, a gateway...): OpenAI's body, with
// max_tokens, which every such server reads. The base URL comes from the user.
// json_schema mode sends the whole schema, inlined, without "strict": OpenAI's strict form moves
// string lengths and other bounds into descriptions, which a local server's grammar then cannot
// enforce, and most of these servers turn the schema into a grammar that handles $ref badly.
// OpenAI itself (or a gateway in front of it) accepts this too, as a non-strict schema;
// from_provider("openai/...", {.base_url = ...}) keeps OpenAI's strict form. Thinking is said as
// OpenAI says it (reasoning_effort); reasoning that came back goes back as reasoning_content.
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
        .inline_schemas = true,
        // from_openai pointed at a llama.cpp server from before mid-2025 meets this refusal too.
        .tool_stream_refusal = "Cannot use tools with stream",
        .thinking = {.control = ThinkingControl::reasoning_effort,
                     .efforts = {ThinkingEffort::minimal, ThinkingEffort::low, ThinkingEffort::medium,
                                 ThinkingEffort::high, ThinkingEffort::max}},
        // DeepSeek's thinking mode answers 400 unless the reasoning comes back with the answer it
        // led to; vLLM and llama.cpp read it too.
        .reasoning_echo = "reasoning_content",
    });
    return instance;
}

}  // namespace instructor::providers
