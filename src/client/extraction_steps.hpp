#pragma once
// One call's validate-and-retry loop as steps, for whoever sends its requests: the blocking call
// (run_extraction) and the driver of many calls at once (the batch engine). Each step says what
// comes next: done, send (the same request again, or a re-ask), or wait and then send.

#include <chrono>
#include <exception>
#include <optional>
#include <vector>

#include <instructor/detail/client/extraction.hpp>

#include "pool_sends.hpp"

namespace instructor::detail {

class ExtractionSteps {
public:
    ExtractionSteps(const ExtractionSetup& setup, Request request, ParseCallback parse);

    struct Next {
        bool done = false;
        std::chrono::milliseconds wait{0};  // before sending again
        bool rate_limited = false;          // the wait is the server's (429): every sender should hold back
    };

    /// With the client's servers (setup.pool): claims the server of the next send, or says until
    /// when to wait for one (sooner when the pool changes). Throws AllServersDownError when every
    /// server is down and no send is left. Without servers: always ready.
    [[nodiscard]] PooledSends::Claim claim_server(std::chrono::steady_clock::time_point now);
    /// claim_server, blocking until a server is claimed (CancelledError, TimeoutError first).
    void wait_for_server();
    [[nodiscard]] bool pooled() const noexcept { return pooled_.has_value(); }

    /// The request of the current attempt, written once per attempt (HTTP retries send it again).
    [[nodiscard]] const HttpRequest& http();
    [[nodiscard]] const Request& request() const noexcept { return request_; }
    [[nodiscard]] int attempt() const noexcept { return attempt_; }
    /// Tells the hooks a send is about to happen (to the server claimed); a CancelledError when the
    /// call is cancelled.
    void before_send();
    /// The transport answered. Throws the error the call ends in, if it ends in one.
    Next after_reply(HttpResponse response);
    /// The transport threw `error`: wait and send again, or rethrow it.
    Next after_failure(const std::exception_ptr& error);
    /// A whole completion arrived (from a reply, or assembled from a stream): done, or re-ask.
    /// Throws RefusalError, IncompleteOutputError or RetryError when the call ends in one.
    bool after_completion(Completion completion);

    [[nodiscard]] ExtractionResult take_result() { return std::move(result_); }
    [[nodiscard]] const Usage& usage() const noexcept { return result_.usage; }

private:
    const ExtractionSetup& setup_;
    Request request_;
    ParseCallback parse_;
    int attempt_ = 1;
    int send_ = 0;  // of the current attempt
    std::optional<HttpRequest> http_;
    std::vector<Attempt> attempts_;
    ExtractionResult result_;
    std::optional<PooledSends> pooled_;  // with setup.pool
};

}  // namespace instructor::detail
