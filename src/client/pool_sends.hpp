#pragma once
// One attempt's sends over a client's servers (ClientOptions::servers): the server claimed for the
// next send, the servers this attempt failed on, what each send's end means for its server's
// health, and whether to send again elsewhere. Used by the blocking call, the batch engine (both
// through ExtractionSteps) and streams.

#include <chrono>
#include <cstddef>
#include <exception>
#include <optional>
#include <stop_token>
#include <string_view>
#include <vector>

#include "http_call.hpp"
#include "server_pool.hpp"

namespace instructor::detail {

/// Thrown (and caught inside the streaming code) when a stream that had begun broke off and may
/// start again, from the beginning, on another server.
struct RestartStream {};

class PooledSends {
public:
    using Clock = std::chrono::steady_clock;

    explicit PooledSends(const ExtractionSetup& setup) : setup_(setup), pool_(*setup.pool) {}
    ~PooledSends();  // a server still claimed is released, its send abandoned
    PooledSends(const PooledSends&) = delete;
    PooledSends& operator=(const PooledSends&) = delete;

    struct Claim {
        bool ready = false;                                       // a server is claimed: the send may go
        Clock::time_point wait_until = Clock::time_point::max();  // else ask again by then (or when the pool changes)
    };
    /// Claims the server for the send after send number `send` of attempt `attempt`. When every
    /// server is down, waiting for one to come back counts as a send of its own (`send` grows, the
    /// on_retry hook is told); with no send left for after such a wait, or a deadline before a
    /// server can be back, throws AllServersDownError.
    [[nodiscard]] Claim claim(int attempt, int& send, Clock::time_point now);
    /// claim(), blocking until a server is claimed; throws CancelledError or TimeoutError when the
    /// call is cancelled or its deadline passes first.
    void claim_blocking(int attempt, int& send, const std::stop_token& cancel);

    /// Points `http` at the claimed server: its URL, and its headers with the request's over them.
    /// The send begins now (its latency counts from here).
    void address(HttpRequest& http, const Request& request);
    /// The claimed server's name, and its chat URL without credentials.
    [[nodiscard]] std::string_view server_name() const noexcept;
    [[nodiscard]] std::string_view shown_url() const noexcept;

    /// The send was answered (a 2xx): the server is released. Returns its name.
    std::string_view answered();
    /// The name of the server that answered last ("" before any).
    [[nodiscard]] std::string_view answered_by() const noexcept { return answered_by_; }
    /// The send failed with `error`: the server is released with what the error means for it (a
    /// failure cools it down, a 429 holds it back). Returns the wait before sending again (on
    /// another server, at once, when one has room; on_retry told), or nullopt when `error` ends the
    /// call: it is not the server's fault, or the HTTP retries are spent. `streamed`: the reply had
    /// begun (a stream), so sending again means starting it again from the beginning.
    [[nodiscard]] std::optional<RetryWait> failed(const std::exception_ptr& error, int attempt, int send,
                                                  bool streamed);
    /// Throws `error`; when it was a server's failure and every server is now down, an
    /// AllServersDownError with `error` nested instead.
    [[noreturn]] void rethrow(const std::exception_ptr& error) const;

    /// A re-ask begins: the servers that failed the last attempt may be tried first again.
    void next_attempt();

private:
    [[noreturn]] void throw_all_down() const;

    const ExtractionSetup& setup_;
    ServerPool& pool_;
    std::optional<std::size_t> server_;  // claimed
    std::string_view answered_by_;       // a name kept by the pool
    Clock::time_point sent_{};
    std::vector<std::size_t> avoid_;  // failed this attempt
    std::optional<Clock::time_point> down_wait_until_;
    std::exception_ptr last_error_;  // the last send's failure, nested in AllServersDownError
    bool server_failed_ = false;     // that failure was the server's
};

/// Sends `http` on the client's servers and returns the 2xx reply: each send on the server the
/// routing picks (blocking until one has room), failures
/// sent again elsewhere as setup.retries allows, the provider's typed error otherwise. Once
/// `*streamed` (bytes were handed on), a broken transfer throws RestartStream when it may start
/// again. `send` counts the sends of this attempt so far, and grows with each.
[[nodiscard]] HttpResponse send_pooled(const ExtractionSetup& setup, PooledSends& pooled, HttpRequest& http,
                                       const Request& request, int attempt, int& send, const bool* streamed);

}  // namespace instructor::detail
