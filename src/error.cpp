#include <instructor/error.hpp>

#include <utility>

namespace instructor {
namespace {

std::string summarize(const std::vector<FieldError>& errors) {
    std::string text = errors.size() == 1 ? "1 validation error" : std::to_string(errors.size()) + " validation errors";
    for (const auto& error : errors) {
        text += "\n  ";
        text += to_string(error);
    }
    return text;
}

}  // namespace

std::string to_string(const FieldError& error) {
    return (error.pointer.empty() ? std::string("(root)") : error.pointer) + ": " + error.message;
}

ValidationError::ValidationError(std::vector<FieldError> errors, std::string raw)
    : Error(summarize(errors)), errors_(std::move(errors)), raw_(std::move(raw)) {}

namespace {

std::string describe(const HttpErrorDetails& d) {
    std::string text = d.provider + " answered HTTP " + std::to_string(d.status);
    if (!d.code.empty() && d.code != std::to_string(d.status)) text += " (" + d.code + ")";
    text += ": " + (d.message.empty() ? std::string("no message") : d.message);
    if (!d.request_id.empty()) text += " [request " + d.request_id + "]";
    return text;
}

}  // namespace

HttpError::HttpError(HttpErrorDetails details) : Error(describe(details)), details_(std::move(details)) {}

IncompleteOutputError::IncompleteOutputError(Completion partial)
    : Error("the reply was cut off by the token limit (finish reason \"length\") after " +
            std::to_string(partial.usage.completion_tokens) + " tokens; raise max_tokens or ask for less"),
      completion_(std::move(partial)) {}

RefusalError::RefusalError(Completion completion)
    : Error("the model declined to answer: " + completion.refusal.value_or("")),
      refusal_(completion.refusal.value_or("")),
      completion_(std::move(completion)) {}

namespace {

std::string describe_attempts(const std::vector<Attempt>& attempts) {
    std::string text = "no valid answer after " + std::to_string(attempts.size()) +
                       (attempts.size() == 1 ? " attempt" : " attempts");
    if (!attempts.empty()) {
        text += "; the last one had:";
        for (const auto& error : attempts.back().errors) text += "\n  " + to_string(error);
    }
    return text;
}

}  // namespace

RetryError::RetryError(std::vector<Attempt> attempts, Usage total_usage)
    : Error(describe_attempts(attempts)), attempts_(std::move(attempts)), total_usage_(total_usage) {}

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
