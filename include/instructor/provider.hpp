#pragma once
// A provider: one chat API dialect. It turns the neutral Request into that API's body, headers and
// path, and its replies and error bodies back into a Completion or a typed error. Providers know
// nothing of C++ types: they see schemas (ResponseModel) and JSON.
//
// The built-in ones are found by name: instructor::provider("groq"). Each lives in one file in
// src/providers/; adding one means implementing this interface and adding a table entry.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/completion.hpp>
#include <instructor/error.hpp>
#include <instructor/limits.hpp>
#include <instructor/mode.hpp>
#include <instructor/request.hpp>
#include <instructor/stream_assembly.hpp>
#include <instructor/transport.hpp>

namespace instructor {

/// How a streamed reply is cut into events.
enum class StreamFraming {
    sse,     // server-sent events, ending with "data: [DONE]"
    ndjson,  // one JSON object per line, the last one marked done (Ollama's own API)
};

class Provider {
public:
    virtual ~Provider() = default;

    /// The name used by from_provider ("groq", "ollama-native", ...).
    [[nodiscard]] virtual std::string_view name() const noexcept = 0;
    /// Where the API lives, e.g. "https://api.groq.com/openai/v1".
    [[nodiscard]] virtual std::string_view default_base_url() const noexcept = 0;
    /// The environment variable holding the key ("GROQ_API_KEY"), or "" when none is needed.
    [[nodiscard]] virtual std::string_view api_key_variable() const noexcept = 0;
    /// The path of the chat endpoint, appended to the base URL.
    [[nodiscard]] virtual std::string_view chat_path() const noexcept { return "/chat/completions"; }
    [[nodiscard]] virtual Mode default_mode() const noexcept = 0;
    [[nodiscard]] virtual const std::vector<Mode>& supported_modes() const noexcept = 0;

    /// Throws ConfigurationError when `mode` is not supported, naming the modes that are.
    void check_mode(Mode mode) const;

    /// Authorization and content headers. The key goes only here, never into errors or logs.
    [[nodiscard]] virtual HttpHeaders headers(std::string_view api_key) const;

    /// The request body for this mode (checks the mode first).
    [[nodiscard]] virtual nlohmann::ordered_json build_body(const Request& request, Mode mode) const = 0;

    /// The request body as the text sent: the same bytes as detail::write_json(build_body(...)).
    /// A dialect may write it faster (the OpenAI one writes each schema once, not on every call).
    [[nodiscard]] virtual std::string write_body(const Request& request, Mode mode) const;

    /// A successful reply, normalised. Completion::raw is left for the caller, who has the text.
    [[nodiscard]] virtual Completion decode_reply(const nlohmann::json& body, const HttpHeaders& headers) const = 0;

    /// A successful reply from its text: parsed within `limits` (LimitError beyond them), then
    /// decode_reply; text that is not JSON goes to throw_error. A dialect may read the common
    /// shape straight from the text, as long as both ways give the same Completion.
    [[nodiscard]] virtual Completion decode_reply_text(std::string_view body, const HttpHeaders& headers,
                                                       const Limits& limits) const;

    /// How this provider frames a stream.
    [[nodiscard]] virtual StreamFraming stream_framing() const noexcept { return StreamFraming::sse; }

    /// Folds one event of a streamed reply (an SSE data payload or an NDJSON line, parsed) into
    /// `into`. An error event throws the typed error. The default refuses: the provider cannot stream.
    virtual void decode_stream_event(const nlohmann::json& event, StreamAssembly& into) const;

    /// A shortcut for the events that make up most of a stream: folds the event straight from its
    /// text and returns true, or returns false having changed nothing, and the event is then parsed
    /// and given to decode_stream_event. Both ways must fold an event alike. The default takes no
    /// shortcut.
    [[nodiscard]] virtual bool decode_stream_text(std::string_view event, StreamAssembly& into) const;

    /// What an error reply says: the provider's message, code, request id, Retry-After, ... read
    /// from its body and headers (within the default Limits, whatever the body).
    [[nodiscard]] virtual HttpErrorDetails error_details(int status, const HttpHeaders& headers,
                                                         std::string_view body) const;

    /// Throws the typed error (HttpError and its kinds) for an error reply: throw_http_error(error_details(...)).
    [[noreturn]] void throw_error(int status, const HttpHeaders& headers, std::string_view body) const;

    /// Whether sending the same request again may succeed. By default 408, 409, 429 (unless the
    /// quota is exhausted), 498 and 5xx are; a request refused for its content never is (a prompt
    /// that does not fit, a refused tool stream), and a dialect may say which of its 5xx replies are
    /// refusals rather than failures.
    [[nodiscard]] virtual bool retryable(const HttpError& error) const;

    /// What to say when a call in `mode` ran out of re-asks, beyond its errors: advice for a server
    /// that leaves some of the schema's constraints unenforced in that mode (and the mode that
    /// enforces them). "" when there is none.
    [[nodiscard]] virtual std::string retry_advice(Mode mode) const;

    /// The server refused a streamed request because it cannot stream tool calls (llama.cpp before
    /// mid-2025: "Cannot use tools with stream"); the same request unstreamed is answered.
    [[nodiscard]] virtual bool refuses_tool_streaming(const HttpErrorDetails& details) const;

protected:
    /// Why a mode is missing, when there is more to say than "not supported" (Ollama cannot force tools).
    [[nodiscard]] virtual std::string unsupported_reason(Mode mode) const;
};

/// The built-in provider with this name; throws ConfigurationError listing the known names.
[[nodiscard]] const Provider& provider(std::string_view name);
/// The names of every built-in provider, in table order.
[[nodiscard]] std::vector<std::string_view> provider_names();

}  // namespace instructor
