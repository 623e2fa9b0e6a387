#include <instructor/error.hpp>

#include <utility>

#include <instructor/detail/core/text.hpp>

namespace instructor {
namespace {

// what() names the first few errors, each cut to a readable length; errors() keeps them all.
constexpr std::size_t kErrorsShown = 10;
constexpr std::size_t kMessageShown = 300;
// Identifiers a server sends (codes, request ids): shown only this long.
constexpr std::size_t kIdShown = 100;

using detail::printable;

std::string list_errors(const std::vector<FieldError>& errors) {
    std::string text;
    for (std::size_t i = 0; i < errors.size() && i < kErrorsShown; ++i)
        text += "\n  " + printable(to_string(errors[i]), kMessageShown);
    if (errors.size() > kErrorsShown)
        text += "\n  ... and " + std::to_string(errors.size() - kErrorsShown) + " more (errors() has them all)";
    return text;
}

std::string summarize(const std::vector<FieldError>& errors) {
    return (errors.size() == 1 ? "1 validation error" : std::to_string(errors.size()) + " validation errors") +
           list_errors(errors);
}

}  // namespace

std::string to_string(const FieldError& error) {
    return (error.pointer.empty() ? std::string("(root)") : error.pointer) + ": " + error.message;
}

ValidationError::ValidationError(std::vector<FieldError> errors, std::string raw)
    : Error(summarize(errors)), errors_(std::move(errors)), raw_(std::move(raw)) {}

namespace {

// A server's words go into what() cut to a readable length and cleaned of control characters and
// bytes that are not UTF-8; all of them stay in details().
std::string describe(const HttpErrorDetails& d) {
    std::string text = printable(d.provider, kIdShown) + " answered HTTP " + std::to_string(d.status);
    if (!d.code.empty() && d.code != std::to_string(d.status)) text += " (" + printable(d.code, kIdShown) + ")";
    text += ": " + (d.message.empty() ? std::string("no message") : printable(d.message));
    if (!d.request_id.empty()) text += " [request " + printable(d.request_id, kIdShown) + "]";
    if (d.status == 404 && !d.url.empty())
        text += "; nothing answers at " + printable(d.url) +
                ": does base_url point at the provider's API (e.g. "
                "http://host:port/v1), and is the model's name right?";
    return text;
}

}  // namespace

HttpError::HttpError(HttpErrorDetails details) : Error(describe(details)), details_(std::move(details)) {}

namespace {

std::string reply_excerpt(const std::string& body) { return printable(body, 200); }

std::string describe_unexpected(const HttpErrorDetails& d, const std::string& excerpt) {
    std::string text = printable(d.provider, kIdShown) + " answered HTTP " + std::to_string(d.status) +
                       " with a reply that is not a chat completion (" + printable(d.message) +
                       "): " + (excerpt.empty() ? std::string("an empty body") : "\"" + excerpt + "\"") +
                       "; does base_url point at the provider's API (e.g. http://host:port/v1)?";
    if (!d.url.empty()) text += " It was " + printable(d.url) + ".";
    return text;
}

}  // namespace

UnexpectedReplyError::UnexpectedReplyError(HttpErrorDetails details)
    : HttpError(details, describe_unexpected(details, reply_excerpt(details.body))),
      excerpt_(reply_excerpt(details.body)) {}

namespace {

std::string describe_context(const HttpErrorDetails& d) {
    std::string text = describe(d) + "; the prompt (";
    text += d.prompt_tokens ? std::to_string(*d.prompt_tokens) + " tokens" : std::string("size not given");
    text += ") does not fit the context window (";
    text += d.context_window ? std::to_string(*d.context_window) + " tokens" : std::string("size not given");
    return text + "): shorten the prompt or use a model or server with a larger context";
}

// Ours only when the request set max_tokens and the completion reached it; an unknown count (no
// usage) with max_tokens set is taken as ours too, the likelier cause.
OutputLimit limit_of(const Completion& c, std::optional<int> max_tokens) {
    if (max_tokens && (c.usage.completion_tokens >= *max_tokens || c.usage.completion_tokens == 0))
        return OutputLimit::max_tokens;
    return OutputLimit::context_window;
}

std::string describe_cut(const Completion& c, std::optional<int> max_tokens, OutputLimit limit) {
    const std::string counts = "the prompt took " + std::to_string(c.usage.prompt_tokens) + " tokens and the reply " +
                               std::to_string(c.usage.completion_tokens);
    if (limit == OutputLimit::max_tokens)
        return "the reply was cut off by max_tokens (" + std::to_string(*max_tokens) +
               ", finish reason \"length\"): " + counts + "; raise max_tokens or ask for less";
    return "the reply was cut off by the context window or the server's own token limit, not by max_tokens (" +
           (max_tokens ? "set to " + std::to_string(*max_tokens) + ", not reached" : std::string("not set")) +
           "; finish reason \"length\"): " + counts +
           "; give the server a larger context window, shorten the prompt, or ask for less";
}

}  // namespace

ContextLengthError::ContextLengthError(HttpErrorDetails details) : HttpError(details, describe_context(details)) {}

IncompleteOutputError::IncompleteOutputError(Completion partial, std::optional<int> max_tokens)
    : Error(describe_cut(partial, max_tokens, limit_of(partial, max_tokens))),
      completion_(std::move(partial)),
      max_tokens_(max_tokens),
      limit_(limit_of(completion_, max_tokens)) {}

RefusalError::RefusalError(Completion completion)
    : Error("the model declined to answer: " + printable(completion.refusal.value_or(""))),
      refusal_(completion.refusal.value_or("")),
      completion_(std::move(completion)) {}

namespace {

std::string describe_attempts(const std::vector<Attempt>& attempts, const std::string& advice) {
    std::string text =
        "no valid answer after " + std::to_string(attempts.size()) + (attempts.size() == 1 ? " attempt" : " attempts");
    if (!attempts.empty()) {
        text += "; the last one had:" + list_errors(attempts.back().errors);
    }
    if (!advice.empty()) text += "\n" + advice;
    return text;
}

}  // namespace

RetryError::RetryError(std::vector<Attempt> attempts, Usage total_usage, const std::string& advice)
    : Error(describe_attempts(attempts, advice)), attempts_(std::move(attempts)), total_usage_(total_usage) {}

bool exceeds_context(const HttpErrorDetails& details) {
    return details.type == "exceed_context_size_error" || details.code == "context_length_exceeded";
}

void throw_http_error(HttpErrorDetails details) {
    if (exceeds_context(details)) throw ContextLengthError(std::move(details));
    if (details.status == 401 || details.status == 403) throw AuthenticationError(std::move(details));
    if (details.status == 429) throw RateLimitError(std::move(details));
    if (details.status >= 500) throw ServerError(std::move(details));
    throw HttpError(std::move(details));
}

AnyError AnyError::current() {
    std::exception_ptr caught = std::current_exception();
    // Rethrowing an exception_ptr throws the very object it owns, so the address stays valid.
    try {
        std::rethrow_exception(caught);
    } catch (const Error& error) {
        return AnyError(caught, &error);
    }
}

void AnyError::rethrow() const { std::rethrow_exception(owner_); }

}  // namespace instructor
