#include "http_call.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include <instructor/detail/json/json_reader.hpp>

namespace instructor::detail {
namespace {

double random_fraction() {
    thread_local std::minstd_rand engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

void wait_for(std::chrono::milliseconds delay, const std::stop_token& cancel) {
    if (delay.count() > 0) {
        std::mutex mutex;
        std::condition_variable_any wake;
        std::unique_lock lock(mutex);
        wake.wait_for(lock, cancel, delay, [] { return false; });
    }
    throw_if_cancelled(cancel);
}

void throw_if_cancelled(const std::stop_token& cancel) {
    if (cancel.stop_requested()) throw CancelledError("the call was cancelled");
}

std::exception_ptr as_instructor_error(const std::exception_ptr& error, const std::string& what_failed) {
    try {
        rethrow_as_instructor_error<Error>(error, what_failed);
    } catch (...) {
        return std::current_exception();
    }
}

HttpResponse call_transport(const Transport& transport, const HttpRequest& request) {
    try {
        return transport(request);
    } catch (...) {
        rethrow_as_instructor_error<TransportError>(std::current_exception(), "the transport threw");
    }
}

void throw_if_past_deadline(const ExtractionSetup& setup, int attempt, int send) {
    if (setup.deadline == std::chrono::steady_clock::time_point::max() ||
        std::chrono::steady_clock::now() < setup.deadline)
        return;
    throw TimeoutError("the call's timeout (" + std::to_string(setup.timeout.count()) + " ms) ran out before " +
                       (send > 1 ? "HTTP retry " + std::to_string(send - 1) + " of attempt " : "attempt ") +
                       std::to_string(attempt) + " could be sent");
}

const Hooks& hooks_of(const ExtractionSetup& setup) noexcept {
    static const Hooks none;
    return setup.hooks != nullptr ? *setup.hooks : none;
}

HttpRequest chat_request(const ExtractionSetup& setup, const Request& request) {
    const Provider& provider = *setup.provider;
    HttpRequest http{.url = std::string(setup.url),
                     .headers = setup.headers != nullptr ? *setup.headers : provider.headers({}),
                     .body = provider.write_body(request, setup.mode),
                     .on_chunk = {},
                     .cancel = request.cancel,
                     .deadline = setup.deadline};
    set_headers(http.headers, request.headers);
    return http;
}

std::string_view shown_url(const ExtractionSetup& setup) noexcept {
    return setup.shown_url.empty() ? setup.url : setup.shown_url;
}

void mask_secrets(const ExtractionSetup& setup, std::string& text) {
    if (setup.secrets == nullptr) return;
    static constexpr std::string_view kMask = "REDACTED";
    for (const std::string& secret : *setup.secrets) {
        if (secret.empty()) continue;
        for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + kMask.size()))
            text.replace(at, secret.size(), kMask);
    }
}

void throw_reply_error(const ExtractionSetup& setup, int status, const HttpHeaders& headers, std::string_view body) {
    HttpErrorDetails details = setup.provider->error_details(status, headers, body);
    details.url = std::string(shown_url(setup));
    for (std::string* text : {&details.message, &details.body, &details.code, &details.type, &details.param,
                              &details.request_id, &details.failed_generation})
        mask_secrets(setup, *text);
    throw_http_error(std::move(details));
}

void check_reply(const ExtractionSetup& setup, HttpResponse& response, int attempt, int send, std::string_view server) {
    // libcurl stops at the bound itself; a transport of the user's may not.
    if (const Limits& limits = limits_of(setup); response.body.size() > limits.max_bytes)
        throw_too_large(response.body, response.body.size(), limits,
                        "the reply from " + std::string(setup.provider->name()));
    // A server that echoes the key (in an error message, say) must not make it shown or kept.
    mask_secrets(setup, response.body);
    for (auto& header : response.headers) mask_secrets(setup, header.second);
    notify(hooks_of(setup).on_reply, ReplyReceived{.attempt = attempt,
                                                   .http_attempt = send,
                                                   .status = response.status,
                                                   .headers = response.headers,
                                                   .body = response.body,
                                                   .server = server});
    if (response.status < 200 || response.status >= 300)
        throw_reply_error(setup, response.status, response.headers, response.body);
}

std::optional<RetryWait> http_retry_wait(const ExtractionSetup& setup, const std::exception_ptr& error, int attempt,
                                         int send, bool streamed) {
    static const HttpRetries no_retries{.max_retries = 0};
    const HttpRetries& policy = setup.retries != nullptr ? *setup.retries : no_retries;
    std::optional<std::chrono::milliseconds> delay;
    std::string reason;
    bool rate_limited = false;
    try {
        std::rethrow_exception(error);
    } catch (const HttpError& e) {
        if (!setup.provider->retryable(e)) return std::nullopt;
        delay = http_retry_delay(policy, send, e.details().retry_after_seconds, random_fraction());
        reason = "HTTP " + std::to_string(e.status());
        rate_limited = e.status() == 429;
    } catch (const TransportError& e) {
        if (!e.retryable() || streamed) return std::nullopt;
        delay = http_retry_delay(policy, send, std::nullopt, random_fraction());
        reason = e.what();
    } catch (...) {
        return std::nullopt;
    }
    if (!delay) return std::nullopt;
    // A retry that could only start after the deadline is not made: the call ends in this error.
    if (setup.deadline != std::chrono::steady_clock::time_point::max() &&
        std::chrono::steady_clock::now() + *delay >= setup.deadline)
        return std::nullopt;
    notify(hooks_of(setup).on_retry,
           RetryScheduled{.attempt = attempt, .cause = RetryCause::http, .delay = *delay, .reason = reason});
    return RetryWait{.delay = *delay, .rate_limited = rate_limited};
}

HttpResponse send_with_retries(const ExtractionSetup& setup, const HttpRequest& http, int attempt, const bool* streamed,
                               int first_send) {
    const Hooks& hooks = hooks_of(setup);
    for (int send = first_send;; ++send) {
        throw_if_cancelled(http.cancel);
        throw_if_past_deadline(setup, attempt, send);
        notify(hooks.on_request,
               RequestSent{.attempt = attempt, .http_attempt = send, .url = shown_url(setup), .body = http.body});
        try {
            HttpResponse response = call_transport(*setup.transport, http);
            check_reply(setup, response, attempt, send);
            return response;
        } catch (const Error&) {
            const auto wait =
                http_retry_wait(setup, std::current_exception(), attempt, send, streamed != nullptr && *streamed);
            if (!wait) throw;
            wait_for(wait->delay, http.cancel);
        }
    }
}

}  // namespace instructor::detail
