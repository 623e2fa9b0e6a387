#pragma once
// Sending one request to the provider: hooks around it, and HTTP retries while the failure is one
// that waiting can fix. Shared by the plain and the streaming calls.

#include <chrono>
#include <exception>
#include <optional>
#include <stop_token>

#include <instructor/detail/client/extraction.hpp>

namespace instructor::detail {

template <class Hook, class Event>
void notify(const Hook& hook, const Event& event) noexcept {
    if (!hook) return;
    try {
        hook(event);
    } catch (...) {
        // A hook watches the call; its failure must not become the call's failure.
    }
}

void throw_if_cancelled(const std::stop_token& cancel);

/// Throws `error` again when it is an instructor::Error; anything else (a user's callable, a
/// transport or a model that threw) as an E saying `what_failed` and what it said, with the
/// original nested (std::rethrow_if_nested), so that the non-throwing calls stay free of exceptions.
template <class E>
[[noreturn]] void rethrow_as_instructor_error(const std::exception_ptr& error, const std::string& what_failed) {
    try {
        std::rethrow_exception(error);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        std::throw_with_nested(E(what_failed + ": " + e.what()));
    } catch (...) {
        std::throw_with_nested(E(what_failed + ": an exception that is not a std::exception"));
    }
}

/// The transport's reply. Whatever a user's transport throws that is not an instructor::Error
/// becomes a TransportError with the original nested (std::nested_exception), so that the
/// non-throwing calls stay free of exceptions.
[[nodiscard]] HttpResponse call_transport(const Transport& transport, const HttpRequest& request);

/// `error` as an instructor::Error: itself when it is one, else an Error saying `what_failed`,
/// with the original nested.
[[nodiscard]] std::exception_ptr as_instructor_error(const std::exception_ptr& error, const std::string& what_failed);

/// Throws a TimeoutError when the call's deadline (setup.deadline) has passed before send number
/// `send` (1 for the first) of attempt number `attempt` could start.
void throw_if_past_deadline(const ExtractionSetup& setup, int attempt, int send);

/// The hooks of `setup`, or a set of empty ones.
[[nodiscard]] const Hooks& hooks_of(const ExtractionSetup& setup) noexcept;

/// The chat request for `request`: the provider's URL, headers (with the key) and body.
[[nodiscard]] HttpRequest chat_request(const ExtractionSetup& setup, const Request& request);

/// Sleeps for `delay`, waking early (with a CancelledError) when the call is cancelled.
void wait_for(std::chrono::milliseconds delay, const std::stop_token& cancel);

/// A reply as the loop takes it: within the size bound, the client's secrets masked if the server
/// echoed them, shown to the on_reply hook (with the name of the `server` of the client's pool that
/// sent it), and a status other than 2xx thrown as the provider's typed error.
void check_reply(const ExtractionSetup& setup, HttpResponse& response, int attempt, int send,
                 std::string_view server = {});

/// The provider's typed error for an error reply, naming the URL called (without credentials) and
/// with the client's secrets masked.
[[noreturn]] void throw_reply_error(const ExtractionSetup& setup, int status, const HttpHeaders& headers,
                                    std::string_view body);

/// Replaces every occurrence of the setup's secrets (the key) in `text`.
void mask_secrets(const ExtractionSetup& setup, std::string& text);

/// The URL as hooks and errors may show it: without credentials.
[[nodiscard]] std::string_view shown_url(const ExtractionSetup& setup) noexcept;

/// How long to wait before sending again, and whether the server asked for it (429).
struct RetryWait {
    std::chrono::milliseconds delay{0};
    bool rate_limited = false;
};

/// After send number `send` failed with `error`: the wait before sending again (and the on_retry
/// hook told), or nullopt when the failure is final. Once `streamed`, nothing is sent again.
[[nodiscard]] std::optional<RetryWait> http_retry_wait(const ExtractionSetup& setup, const std::exception_ptr& error,
                                                       int attempt, int send, bool streamed = false);

/// Sends `http` and returns the 2xx reply; sends it again when the provider says the error reply
/// is retryable (Provider::retryable) and on broken connections, as setup.retries allows; throws the provider's typed
/// error otherwise. Once
/// `*streamed` is true (the caller's on_chunk has handed bytes on), nothing is sent again.
/// `first_send` numbers the first send (above 1 when an earlier send of the same attempt went otherwise).
[[nodiscard]] HttpResponse send_with_retries(const ExtractionSetup& setup, const HttpRequest& http, int attempt,
                                             const bool* streamed = nullptr, int first_send = 1);

}  // namespace instructor::detail
