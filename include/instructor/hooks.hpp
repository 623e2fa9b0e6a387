#pragma once
// Hooks: callbacks that watch a call from outside, for logging, metrics or tracing. They see what
// is sent and received, never a key: request headers are not passed at all.
//
//     auto client = instructor::from_openai({.base_url = url, .hooks = instructor::log_hooks(
//         [](std::string_view line) { std::clog << line << '\n'; })});
//
// A hook that throws does not break the call: its exception is caught and dropped.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <instructor/error.hpp>
#include <instructor/provider.hpp>

namespace instructor {

/// A request is about to be sent. `attempt` counts answers asked for (1, then 2 after a re-ask);
/// `http_attempt` counts sends of this same request (above 1 only after HTTP retries).
struct RequestSent {
    int attempt = 0;
    int http_attempt = 0;
    std::string_view url{};
    std::string_view body{};
    /// Which of ClientOptions::servers it goes to (its name: Server::name, else its base URL without
    /// credentials); "" for a client of one base_url.
    std::string_view server{};
};

/// A reply arrived (any status).
struct ReplyReceived {
    int attempt = 0;
    int http_attempt = 0;
    int status = 0;
    const HttpHeaders& headers;
    std::string_view body{};
    /// Which of ClientOptions::servers sent it, as in RequestSent; "" for a client of one base_url.
    std::string_view server{};
};

/// A reply was read into a Completion (a stream: once it has fully arrived), with its usage.
struct CompletionReceived {
    int attempt = 0;
    const Completion& completion;
};

/// The model's answer did not validate; a re-ask follows unless this was the last attempt.
struct ParseFailed {
    int attempt = 0;
    std::string_view output{};  // the JSON text checked
    const std::vector<FieldError>& errors;
};

/// Why a request is sent again.
enum class RetryCause {
    http,        // a retryable HTTP status or a broken connection: the same request again
    validation,  // the answer did not validate: a re-ask with the errors
};

/// Another try is about to start.
struct RetryScheduled {
    int attempt = 0;  // the attempt that failed
    RetryCause cause = RetryCause::validation;
    std::chrono::milliseconds delay{0};
    std::string_view reason{};  // e.g. "HTTP 429", "2 validation errors"
};

/// The last attempt allowed has failed validation; a RetryError follows.
struct LastAttempt {
    int attempt = 0;
    const std::vector<FieldError>& errors;
};

struct Hooks {
    std::function<void(const RequestSent&)> on_request{};
    std::function<void(const ReplyReceived&)> on_reply{};
    std::function<void(const CompletionReceived&)> on_completion{};
    std::function<void(const ParseFailed&)> on_parse_error{};
    std::function<void(const RetryScheduled&)> on_retry{};
    std::function<void(const LastAttempt&)> on_last_attempt{};
};

/// Hooks that describe each event in one line (with the sizes of bodies, not their text) and hand
/// the line to `sink`.
[[nodiscard]] Hooks log_hooks(std::function<void(std::string_view line)> sink);

}  // namespace instructor
