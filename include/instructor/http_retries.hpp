#pragma once
// HTTP retries: sending the same request again when the provider is busy or the connection broke.
// They are separate from re-asks (Request::max_retries), which send a new request with the errors.
//
//     auto client = instructor::from_provider("groq/llama-3.3-70b-versatile",
//                                             {.http_retries = {.max_retries = 5}});

#include <chrono>
#include <optional>

namespace instructor {

/// When and how long to wait before sending a request again. Retried: 408, 409, 429 (except
/// "insufficient_quota", which waiting cannot fix), every 5xx the provider does not call a refusal
/// (Provider::retryable: llama.cpp's 500 server_error is its answer to a request it cannot serve),
/// and connections that failed or broke. Never retried: other 4xx (a bad request, a bad key, an
/// unknown model, a prompt larger than the context window), timeouts, cancellation.
struct HttpRetries {
    int max_retries = 2;                           // sends after the first; 0 turns retries off
    std::chrono::milliseconds initial_delay{500};  // before the first retry
    double multiplier = 2.0;                       // each further wait is this much longer
    std::chrono::milliseconds max_delay{8'000};    // no computed wait exceeds this
    double jitter = 0.25;                          // waits are shortened by up to this fraction, at random
    /// A server's Retry-After (or retry-after-ms) is obeyed as given, up to this; asked to wait
    /// longer, the client gives up at once with the error instead of blocking.
    std::chrono::milliseconds max_retry_after{60'000};
};

/// How long to wait before retry number `retry` (1 for the first retry), or nullopt to give up:
/// the server's `retry_after` when it sent one, else the exponential back-off with jitter.
/// `random_fraction` in [0, 1) picks the jitter (the client draws it at random).
[[nodiscard]] std::optional<std::chrono::milliseconds> http_retry_delay(const HttpRetries& policy, int retry,
                                                                        std::optional<double> retry_after_seconds,
                                                                        double random_fraction);

}  // namespace instructor
