// Groq: OpenAI's shape, but the request schema is closed (unknown fields are a 400) and has no
// stream_options; usage of a stream arrives in x_groq.usage. Reasoning comes in `reasoning` when
// reasoning_format is "parsed" (sent when thinking is asked for), and goes back in the same member.
#include "openai_dialect.hpp"
#include "registry.hpp"

namespace instructor::providers {

const Provider& groq() {
    static const OpenAIDialect instance(DialectSettings{
        .name = "groq",
        .base_url = "https://api.groq.com/openai/v1",
        .key_variable = "GROQ_API_KEY",
        .default_mode = Mode::tools,
        .modes = {Mode::tools, Mode::parallel_tools, Mode::json, Mode::json_schema, Mode::md_json},
        .max_tokens_field = "max_completion_tokens",
        .stream_usage = false,
        .thinking = {.control = ThinkingControl::groq,
                     .efforts = {ThinkingEffort::low, ThinkingEffort::medium, ThinkingEffort::high}},
        .reasoning_echo = "reasoning",
    });
    return instance;
}

}  // namespace instructor::providers
