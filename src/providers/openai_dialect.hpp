#pragma once
// The OpenAI chat-completions dialect, which most providers speak with small differences. The
// differences are data (DialectSettings), so each provider file is a short table, and each mode is
// handled in one place (build_body).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <instructor/provider.hpp>

#include "mode_text_cache.hpp"
#include "thinking.hpp"

namespace instructor::providers {

/// How a provider is made to call the one tool offered.
enum class ToolForcing {
    named_function,  // {"type": "function", "function": {"name": ...}} (OpenAI, Groq, Together, llama-cpp-python)
    required,        // "required" (llama.cpp reads tool_choice only as a string)
    any,             // "any" (Mistral)
};

/// How schema-constrained output is asked for in json_schema mode.
enum class JsonSchemaShape {
    nested,              // {"type": "json_schema", "json_schema": {"name", "schema", ...}}
    json_object_schema,  // {"type": "json_object", "schema": ...} (Anyscale, llama-cpp-python)
};

/// When json_schema mode sends "strict": true.
enum class JsonSchemaStrict {
    never,
    when_strict_schema,  // with the OpenAI strict form, when the type has one (OpenAI)
    always,              // with the plain schema (Mistral: strict only closes objects there)
};

/// An error reply that means the server refused the request for its content, though its status
/// says server failure: sending it again gets the same answer.
struct RefusedError {
    int status = 0;
    std::string_view type;  // the error body's "type"
};

struct DialectSettings {
    std::string_view name;
    std::string_view base_url;
    std::string_view key_variable;
    Mode default_mode = Mode::tools;
    std::vector<Mode> modes;
    std::string_view max_tokens_field = "max_tokens";
    std::string_view seed_field = "seed";
    ToolForcing forcing = ToolForcing::named_function;
    JsonSchemaShape json_schema_shape = JsonSchemaShape::nested;
    JsonSchemaStrict json_schema_strict = JsonSchemaStrict::never;
    bool inline_schemas = false;           // grammar-based servers handle $ref badly: send the inlined form
    bool stream_usage = true;              // accepts stream_options.include_usage
    std::string unsupported_tools_reason;  // said when a tool mode is asked for and not supported
    bool one_tool_call =
        false;  // tools mode says "parallel_tool_calls": false (else the server may call it again and again)
    bool tool_call_index = false;              // echoed tool calls carry their "index" (Together's spec requires it)
    std::vector<RefusedError> refused_errors;  // 5xx replies that are refusals, never retried
    std::string_view tool_stream_refusal;      // the error message of a server that cannot stream tools
    // Said when a call in another mode than gbnf runs out of re-asks: the server's own schema-to-
    // grammar conversion leaves some constraints out, which Mode::gbnf enforces.
    std::string_view unenforced_constraints;
    ThinkingDialect thinking{};  // how Request::thinking is said
    // The member of an echoed assistant message that carries its reasoning back ("": none, the
    // API takes none): "reasoning_content" (llama.cpp, DeepSeek), "reasoning" (Groq, Ollama).
    std::string_view reasoning_echo;
    // Mode::gbnf with thinking on sends a grammar with a thinking block before the type's (llama.cpp).
    bool thinking_grammar = false;
};

class OpenAIDialect : public Provider {
public:
    explicit OpenAIDialect(DialectSettings settings) : settings_(std::move(settings)) {}

    [[nodiscard]] std::string_view name() const noexcept override { return settings_.name; }
    [[nodiscard]] std::string_view default_base_url() const noexcept override { return settings_.base_url; }
    [[nodiscard]] std::string_view api_key_variable() const noexcept override { return settings_.key_variable; }
    [[nodiscard]] Mode default_mode() const noexcept override { return settings_.default_mode; }
    [[nodiscard]] std::string retry_advice(Mode mode) const override;
    [[nodiscard]] const std::vector<Mode>& supported_modes() const noexcept override { return settings_.modes; }

    [[nodiscard]] nlohmann::ordered_json build_body(const Request& request, Mode mode) const override;
    /// The mode's part of the body (the schema) comes from a cache, written once per model.
    [[nodiscard]] std::string write_body(const Request& request, Mode mode) const override;
    [[nodiscard]] Completion decode_reply(const nlohmann::json& body, const HttpHeaders& headers) const override;
    /// The common reply (text or tool calls, usage) read without a DOM; anything else goes to
    /// decode_reply.
    [[nodiscard]] Completion decode_reply_text(std::string_view body, const HttpHeaders& headers,
                                               const Limits& limits) const override;
    void decode_stream_event(const nlohmann::json& event, StreamAssembly& into) const override;
    /// The common chunks (text, tool call fragments, finish, usage) read without a DOM; anything
    /// else (errors, Groq's x_groq, Mistral's content parts) goes to decode_stream_event.
    [[nodiscard]] bool decode_stream_text(std::string_view event, StreamAssembly& into) const override;
    [[nodiscard]] bool retryable(const HttpError& error) const override;
    [[nodiscard]] bool refuses_tool_streaming(const HttpErrorDetails& details) const override;

protected:
    [[nodiscard]] std::string unsupported_reason(Mode mode) const override;
    /// One message in this dialect (Mistral rewrites tool call ids). write_body writes messages of
    /// text alone ({"role", "content"}) itself: an override may change only the others.
    [[nodiscard]] virtual nlohmann::ordered_json message_json(const Message& message) const;
    /// The messages as text, when each is text alone (else false, and nothing written).
    [[nodiscard]] bool write_plain_messages(const Request& request, Mode mode, const std::string& instruction,
                                            std::string& out) const;
    /// The messages, with the schema instruction in json and md_json modes (`instruction`, or
    /// written from the schema when null).
    [[nodiscard]] nlohmann::ordered_json messages_json(const Request& request, Mode mode,
                                                       const std::string* instruction) const;
    /// The members a mode adds: tools and tool_choice, or response_format.
    [[nodiscard]] nlohmann::ordered_json mode_fields(const std::vector<ResponseModel>& models, Mode mode) const;
    /// temperature, top_p, max tokens, seed, stop, stream; and Request::thinking's fields.
    [[nodiscard]] nlohmann::ordered_json sampling_fields(const Request& request) const;
    /// Request::thinking asks for a thinking block in the grammar (thinking_grammar, Mode::gbnf).
    [[nodiscard]] bool grammar_thinks(const Request& request, Mode mode) const;
    [[nodiscard]] Completion decode_checked(const nlohmann::json& body, const HttpHeaders& headers) const;
    [[nodiscard]] nlohmann::ordered_json tool_json(const ResponseModel& model, bool strict) const;
    [[nodiscard]] nlohmann::ordered_json json_schema_format(const ResponseModel& model) const;
    [[nodiscard]] const nlohmann::ordered_json& prompt_schema(const ResponseModel& model) const;

    DialectSettings settings_;

private:
    ModeTextCache mode_text_;
};

/// The OpenAI content of a message: a string, or parts with text and images.
[[nodiscard]] nlohmann::ordered_json openai_content(const Message& message);

}  // namespace instructor::providers
