// llama.cpp's llama-server: tool_choice only as a string ("required" forces the one tool; the
// object form is silently read as "auto"); json_schema in OpenAI's nesting, turned into a grammar.
// Servers before mid-2025 answer every request error (a schema they cannot convert, tools with
// stream) with 500 server_error, so that reply is a refusal, not a failure worth sending again;
// 503 unavailable_error (the model still loading) is retried. Those servers cannot stream tools.
// Newer servers let the chat template decide whether several tool calls may follow one another, and
// a model forced to call tools then calls ours until the token limit: one call is asked for.
// Mode::gbnf sends the type's own grammar in llama.cpp's `grammar` field, bypassing the server's
// JSON-Schema converter and its gaps. Thinking: chat_template_kwargs.enable_thinking and
// reasoning_budget_tokens; in Mode::gbnf with thinking on, the grammar lets the model think first
// (a bounded block ending in </think>), so that a server that cannot combine thinking with a
// constraint still returns both. With its reasoning parser on, the reasoning comes in
// reasoning_content, and goes back there on a re-ask.
#include "openai_dialect.hpp"
#include "registry.hpp"

namespace instructor::providers {

const Provider& llama_cpp() {
    static const OpenAIDialect instance(DialectSettings{
        .name = "llama-cpp",
        .base_url = "http://127.0.0.1:8080/v1",
        .key_variable = "",
        // The type's own grammar: every constraint it states holds, on every server version (the
        // server's json_schema conversion leaves decimal bounds out, and tools need a template).
        .default_mode = Mode::gbnf,
        .modes = {Mode::tools, Mode::json, Mode::json_schema, Mode::md_json, Mode::gbnf},
        .forcing = ToolForcing::required,
        .inline_schemas = true,
        .one_tool_call = true,
        .refused_errors = {{.status = 500, .type = "server_error"}},
        .tool_stream_refusal = "Cannot use tools with stream",
        .unenforced_constraints =
            "llama.cpp turns the schema into a grammar of its own, which leaves some constraints out (bounds on "
            "decimal numbers, among others), so a model may keep breaking them; Mode::gbnf sends the type's own "
            "grammar, under which every constraint of the schema holds",
        .thinking = {.control = ThinkingControl::llama_cpp, .efforts = {}},
        .reasoning_echo = "reasoning_content",
        .thinking_grammar = true,
    });
    return instance;
}

}  // namespace instructor::providers
