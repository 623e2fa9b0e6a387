#pragma once
// Pieces every dialect shares: error bodies, retry hints, finish reasons, prompt text for JSON modes.

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <instructor/completion.hpp>
#include <instructor/error.hpp>
#include <instructor/limits.hpp>
#include <instructor/provider.hpp>

namespace instructor::providers {

/// object[key] when it is a string, else "" (absent, null, another type, or `object` no object).
[[nodiscard]] std::string string_field(const nlohmann::json& object, const char* key);
/// object[key] when it is a number, else `otherwise`: servers send "prompt_tokens": null too.
[[nodiscard]] std::int64_t count_field(const nlohmann::json& object, const char* key, std::int64_t otherwise = 0);

/// Seconds to wait, from retry-after-ms or retry-after (seconds or an HTTP date).
[[nodiscard]] std::optional<double> retry_after_seconds(const HttpHeaders& headers);

/// Reads every error body shape in use: {"error": {...}}, {"error": "text"}, {"object": "error",
/// "message": text or object}, {"message": ...}, {"detail": ...}, and non-JSON bodies (HTML pages).
[[nodiscard]] HttpErrorDetails decode_error_body(std::string_view provider, int status, const HttpHeaders& headers,
                                                 std::string_view body);

using instructor::exceeds_context;
using instructor::throw_http_error;

/// "stop", "eos", "length", "model_length", "tool_calls", "function_call", "content_filter", "error".
[[nodiscard]] FinishReason finish_reason_from(const nlohmann::json& value);
[[nodiscard]] FinishReason finish_reason_from(std::string_view reason);

/// a + b, held at the largest count instead of overflowing (counts come from the server).
[[nodiscard]] inline std::int64_t saturating_sum(std::int64_t a, std::int64_t b) noexcept {
    std::int64_t sum = 0;
    return __builtin_add_overflow(a, b, &sum) ? (b > 0 ? INT64_MAX : INT64_MIN) : sum;
}

/// object[key], or null when `object` is not an object or has no such key (nlohmann's value()
/// throws on a non-object, and a server may send anything).
[[nodiscard]] const nlohmann::json& member(const nlohmann::json& object, const char* key);
/// object[key] when it is an object, else an empty object.
[[nodiscard]] const nlohmann::json& member_object(const nlohmann::json& object, const char* key);

/// value.dump(), written without recursion: a value from a server may nest arbitrarily deep.
[[nodiscard]] std::string dump_text(const nlohmann::json& value);

/// Token counts from an OpenAI-family "usage" object.
[[nodiscard]] Usage usage_from(const nlohmann::json& usage);

/// The reasoning a message or a stream delta carries in a field of its own: `reasoning_content`
/// (llama.cpp, DeepSeek, vLLM) when it is a string that is not empty, else `reasoning` (Groq,
/// Together, Ollama's /v1; vLLM sends both, alike), else "".
[[nodiscard]] std::string reasoning_field(const nlohmann::json& message);
/// The text of a Mistral thinking part: its "thinking" list's text parts, joined.
[[nodiscard]] std::string thinking_text(const nlohmann::json& part);

/// Tool arguments as JSON text, whether the provider sent a string or an object.
[[nodiscard]] std::string arguments_text(const nlohmann::json& arguments);

/// The instruction put in the system message in json and md_json modes.
[[nodiscard]] std::string schema_instruction(const nlohmann::ordered_json& schema);
/// The extra user message of md_json mode.
inline constexpr std::string_view md_json_instruction = "Return the JSON object inside a ```json code block.";

/// The tool description: the model's own, or one that says what to do.
[[nodiscard]] std::string tool_description(const ResponseModel& model);

/// Adds the schema instruction to the first system message, or puts a new one first.
void add_schema_instruction(nlohmann::ordered_json& messages, const nlohmann::ordered_json& schema);
void add_schema_instruction(nlohmann::ordered_json& messages, const std::string& instruction);
/// A leading system message's text with the schema instruction after it: the rule
/// add_schema_instruction and the plain-text message writer share.
[[nodiscard]] std::string with_instruction(std::string_view system_text, std::string_view instruction);

/// The one response model most modes need; throws ConfigurationError when there is none.
[[nodiscard]] const ResponseModel& single_model(const Request& request, std::string_view provider);
/// The strict schema, or a ConfigurationError saying why the type has none.
[[nodiscard]] const nlohmann::ordered_json& strict_schema_of(const ResponseModel& model);
/// The inlined schema, or the plain one for a ResponseModel built by hand without it.
[[nodiscard]] const nlohmann::ordered_json& inlined_or_plain(const ResponseModel& model);

/// Runs a reply decoder; a reply that is JSON but not in the provider's shape (a choice that is not
/// an object, a null function...) becomes an HttpError saying so, keeping the body.
/// A 2xx reply that is not the API's: an UnexpectedReplyError saying `why`.
[[noreturn]] void throw_unexpected_reply(std::string_view provider, int status, const HttpHeaders& headers,
                                         std::string_view body, std::string why);
[[noreturn]] void throw_malformed_reply(std::string_view provider, const nlohmann::json& body, std::string_view why);

template <class Decode>
Completion decode_guarded(std::string_view provider, const nlohmann::json& body, Decode&& decode) {
    try {
        return decode();
    } catch (const nlohmann::json::exception& e) {
        throw_malformed_reply(provider, body, e.what());
    }
}

/// A LimitError when a reply holds more than limits.max_tool_calls tool calls.
void check_tool_calls(std::size_t count, const Limits& limits);

/// Copies `extra` into `body` last, so that callers can override anything.
void merge_extra(nlohmann::ordered_json& body, const nlohmann::json& extra);

}  // namespace instructor::providers
