#pragma once
// The exceptions instructor throws. Every one derives from instructor::Error (a std::runtime_error),
// says what happened and where, and never contains an API key.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <instructor/completion.hpp>

namespace instructor {

/// Base of every exception thrown by instructor.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One problem found in a JSON value: where (a JSON pointer, "" for the whole value) and what.
/// The message is written for a language model to act on, e.g. `expected an integer, got "thirty"`.
struct FieldError {
    std::string pointer{};
    std::string message{};

    friend bool operator==(const FieldError&, const FieldError&) = default;
};

/// "pointer: message", with "(root)" standing for the empty pointer.
[[nodiscard]] std::string to_string(const FieldError& error);

/// A value did not match its type: every error found, not only the first, plus the raw input.
class ValidationError : public Error {
public:
    explicit ValidationError(std::vector<FieldError> errors, std::string raw = {});

    /// Every error, in document order.
    [[nodiscard]] const std::vector<FieldError>& errors() const noexcept { return errors_; }
    /// The JSON text that failed to validate, exactly as it was received.
    [[nodiscard]] const std::string& raw() const noexcept { return raw_; }

private:
    std::vector<FieldError> errors_;
    std::string raw_;
};

/// A type cannot be expressed in the requested schema form (a map or nlohmann::json in OpenAI
/// strict form, ...). This is a programming error: the message says what to change.
class SchemaError : public Error {
public:
    using Error::Error;
};

/// A client or a request set up wrongly: an unknown provider, a mode the provider does not support,
/// no API key, a header with a line break, a prompt that is not UTF-8. The message names what to
/// use instead.
class ConfigurationError : public Error {
public:
    using Error::Error;
};

/// The request never got an HTTP reply: no connection, a timeout, a reply cut off.
class TransportError : public Error {
public:
    explicit TransportError(const std::string& what, bool retryable = false) : Error(what), retryable_(retryable) {}

    /// The connection failed or broke before a reply arrived (refused, reset, closed mid-body):
    /// sending the request again may work. Timeouts, the size cap and bad URLs are not retryable.
    [[nodiscard]] bool retryable() const noexcept { return retryable_; }

private:
    bool retryable_ = false;
};

/// The call's timeout (Request::timeout, ClientOptions::timeout) ran out: during a transfer, or
/// before the next send could start. Never retried.
class TimeoutError : public TransportError {
public:
    explicit TimeoutError(const std::string& what) : TransportError(what, false) {}
};

/// The call was cancelled through its stop token (Request::cancel), or a hook or callback asked
/// to stop. Never retried.
class CancelledError : public Error {
public:
    using Error::Error;
};

/// Input from outside went beyond a bound of Limits: JSON nested deeper than max_depth, or a body,
/// stream or answer larger than max_bytes. Nothing more of it is read. Never retried or re-asked:
/// the same input would fail the same way. Raise the bound (ClientOptions::limits, or
/// ParseOptions::limits for from_json) only for input you trust.
class LimitError : public Error {
public:
    LimitError(const std::string& what, std::string limit, std::size_t bound, std::string excerpt = {})
        : Error(what), limit_(std::move(limit)), bound_(bound), excerpt_(std::move(excerpt)) {}

    /// Which bound: "max_depth" or "max_bytes".
    [[nodiscard]] const std::string& limit() const noexcept { return limit_; }
    /// Its value when it was exceeded.
    [[nodiscard]] std::size_t bound() const noexcept { return bound_; }
    /// The start of the input (at most a few KiB), to see what it was.
    [[nodiscard]] const std::string& excerpt() const noexcept { return excerpt_; }

private:
    std::string limit_;
    std::size_t bound_ = 0;
    std::string excerpt_;
};

/// What a provider said when it refused a request. Never holds an API key.
struct HttpErrorDetails {
    std::string provider{};                       // "groq", "mistral", ...
    int status = 0;                               // HTTP status
    std::string message{};                        // the provider's own message
    std::string type{};                           // e.g. "invalid_request_error"
    std::string code{};                           // e.g. "rate_limit_exceeded", "tool_use_failed", "400"
    std::string param{};                          // the request field at fault, when named
    std::string request_id{};                     // x-request-id or the provider's equivalent
    std::optional<double> retry_after_seconds{};  // from retry-after-ms / retry-after
    std::string failed_generation{};              // Groq: the model's output that failed its own validation
    std::string body{};  // the reply body as received (the client's key masked, if the server echoed it)
    std::string url{};   // what was called, without credentials (set by the client)
    // When the prompt did not fit (ContextLengthError): its size and the context window, as far as
    // the provider said them (llama.cpp: n_prompt_tokens, n_ctx; OpenAI: in its message).
    std::optional<std::int64_t> prompt_tokens{};
    std::optional<std::int64_t> context_window{};
};

/// The provider answered with an HTTP error status. what() shows the provider's words cut to a
/// readable length and cleaned of control characters; details() keeps them whole.
class HttpError : public Error {
public:
    explicit HttpError(HttpErrorDetails details);

    [[nodiscard]] const HttpErrorDetails& details() const noexcept { return details_; }
    [[nodiscard]] int status() const noexcept { return details_.status; }

protected:
    HttpError(HttpErrorDetails details, const std::string& what) : Error(what), details_(std::move(details)) {}

private:
    HttpErrorDetails details_;
};

/// 401 or 403: the key is missing, wrong, or lacks permission.
class AuthenticationError : public HttpError {
public:
    using HttpError::HttpError;
};

/// 429: too many requests, or (code "insufficient_quota") no credit left, which waiting will not fix.
class RateLimitError : public HttpError {
public:
    using HttpError::HttpError;
    [[nodiscard]] bool quota_exhausted() const noexcept { return details().code == "insufficient_quota"; }
};

/// The prompt does not fit the model's context window, so nothing was generated (llama.cpp's
/// 400 "exceed_context_size_error", OpenAI's "context_length_exceeded"). An HttpError, since the
/// server refused the request before any reply existed; never retried, as the same prompt cannot fit.
/// details().prompt_tokens and details().context_window hold the two numbers when the server gave them.
class ContextLengthError : public HttpError {
public:
    explicit ContextLengthError(HttpErrorDetails details);
};

/// A successful status (2xx) with a body that is not what the provider's API answers: an HTML page,
/// a proxy's greeting, JSON of another shape. base_url most likely points at another server or
/// path. details().message says what was wrong, details().body keeps the whole reply.
class UnexpectedReplyError : public HttpError {
public:
    explicit UnexpectedReplyError(HttpErrorDetails details);
    /// The start of the reply (at most a few hundred bytes), as what() shows it.
    [[nodiscard]] const std::string& excerpt() const noexcept { return excerpt_; }

private:
    std::string excerpt_;
};

/// 5xx: the provider failed.
class ServerError : public HttpError {
public:
    using HttpError::HttpError;
};

/// A streamed reply broke off: the provider sent an error event, the stream ended without its end
/// marker, or the connection was lost after the stream began. Keeps everything that arrived.
class StreamError : public Error {
public:
    StreamError(const std::string& what, Completion partial, std::optional<HttpErrorDetails> details = std::nullopt)
        : Error(what), partial_(std::move(partial)), details_(std::move(details)) {}

    /// The reply as far as it came: text, tool calls, usage.
    [[nodiscard]] const Completion& completion() const noexcept { return partial_; }
    /// What the provider said, when the stream carried an error event.
    [[nodiscard]] const std::optional<HttpErrorDetails>& details() const noexcept { return details_; }

private:
    Completion partial_;
    std::optional<HttpErrorDetails> details_;
};

/// What cut a reply off.
enum class OutputLimit {
    max_tokens,      // the request's max_tokens: the completion reached it
    context_window,  // the context window (prompt + completion filled it) or the server's own limit
};

/// The reply was cut off (finish reason "length"): raised at once, no re-ask spent on it. Carries
/// the partial reply; the message gives the prompt and completion tokens and what cut it.
class IncompleteOutputError : public Error {
public:
    /// `max_tokens`: what the request asked for, if anything; without it the limit was not ours.
    explicit IncompleteOutputError(Completion partial, std::optional<int> max_tokens = std::nullopt);
    [[nodiscard]] const Completion& completion() const noexcept { return completion_; }
    [[nodiscard]] OutputLimit limit() const noexcept { return limit_; }
    [[nodiscard]] std::optional<int> max_tokens() const noexcept { return max_tokens_; }

private:
    Completion completion_;
    std::optional<int> max_tokens_;
    OutputLimit limit_;
};

/// The model declined to answer (OpenAI's `refusal`). Carries its words.
class RefusalError : public Error {
public:
    explicit RefusalError(Completion completion);
    [[nodiscard]] const std::string& refusal() const noexcept { return refusal_; }
    [[nodiscard]] const Completion& completion() const noexcept { return completion_; }

private:
    std::string refusal_;
    Completion completion_;
};

/// One try at getting a valid answer: what was sent, what came back, what was wrong with it.
struct Attempt {
    int number = 0;                    // 1 for the first call
    std::vector<Message> messages{};   // the conversation sent
    Completion completion{};           // the reply
    std::string output{};              // the JSON text that was checked (tool arguments or extracted content)
    std::vector<FieldError> errors{};  // why it did not validate
};

/// Every re-ask was spent and no answer validated. Carries every attempt and the tokens they cost.
class RetryError : public Error {
public:
    /// `advice`: what the provider knows about why answers keep failing (Provider::retry_advice), said last.
    RetryError(std::vector<Attempt> attempts, Usage total_usage, const std::string& advice = {});
    [[nodiscard]] const std::vector<Attempt>& attempts() const noexcept { return attempts_; }
    [[nodiscard]] const Usage& total_usage() const noexcept { return total_usage_; }

private:
    std::vector<Attempt> attempts_;
    Usage total_usage_;
};

/// Any instructor error, caught and kept: what a non-throwing call (Client::try_create) returns
/// instead of throwing. Ask for the kind you handle with as<E>(), or rethrow() it.
class AnyError {
public:
    /// The instructor::Error being handled; call only inside a catch block.
    [[nodiscard]] static AnyError current();

    [[nodiscard]] const char* what() const noexcept { return error_->what(); }
    [[nodiscard]] const Error& error() const noexcept { return *error_; }
    /// The error as an E (e.g. RetryError, HttpError), or nullptr when it is another kind.
    template <class E>
    [[nodiscard]] const E* as() const noexcept {
        return dynamic_cast<const E*>(error_);
    }
    [[noreturn]] void rethrow() const;

private:
    AnyError(std::exception_ptr owner, const Error* error) : owner_(std::move(owner)), error_(error) {}
    std::exception_ptr owner_;  // keeps *error_ alive
    const Error* error_;
};

/// Throws the HttpError kind that fits `details`: ContextLengthError when the prompt did not fit,
/// AuthenticationError for 401 and 403, RateLimitError for 429, ServerError for 5xx, else HttpError.
/// For providers and transports of your own.
[[noreturn]] void throw_http_error(HttpErrorDetails details);

/// The prompt did not fit the context window (llama.cpp's exceed_context_size_error, OpenAI's
/// context_length_exceeded), whatever the status.
[[nodiscard]] bool exceeds_context(const HttpErrorDetails& details);

/// The error as an E, or nullptr: error.as<E>() without the `.template` generic code needs.
///
///     if (auto* retry = instructor::error_cast<instructor::RetryError>(result.error())) ...
template <class E>
[[nodiscard]] const E* error_cast(const AnyError& error) noexcept {
    return error.as<E>();
}

}  // namespace instructor
