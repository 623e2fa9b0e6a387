#include "pool_sends.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <instructor/detail/core/text.hpp>
#include <instructor/servers.hpp>

namespace instructor::detail {
namespace {

using Clock = PooledSends::Clock;
using std::chrono::milliseconds;

const HttpRetries& policy_of(const ExtractionSetup& setup) {
    static const HttpRetries none{.max_retries = 0};
    return setup.retries != nullptr ? *setup.retries : none;
}

// What an error says about the server that gave it.
struct Verdict {
    SendOutcome outcome = SendOutcome::abandoned;
    Clock::duration hold{};  // rate_limited: how long to leave it out
    std::string failure;     // failed, rate_limited: what happened, as shown
};

// A 429's wait: what the server asked (up to max_retry_after), else the back-off of this send.
Clock::duration hold_for(const HttpRetries& policy, int send, std::optional<double> retry_after_seconds) {
    if (retry_after_seconds) {
        const double asked = std::ceil(std::max(0.0, *retry_after_seconds) * 1000.0);
        return milliseconds(
            static_cast<long long>(std::min(asked, static_cast<double>(policy.max_retry_after.count()))));
    }
    const double base =
        static_cast<double>(policy.initial_delay.count()) * std::pow(policy.multiplier, std::max(0, send - 1));
    return milliseconds(static_cast<long long>(std::min(base, static_cast<double>(policy.max_delay.count()))));
}

Verdict judge(const ExtractionSetup& setup, const std::exception_ptr& error, int send) {
    Verdict verdict;
    try {
        std::rethrow_exception(error);
    } catch (const HttpError& e) {
        // Refused for what the request is (a 400, llama.cpp's 500 for a request it cannot serve, a
        // 2xx that is not a completion): the server is up and answering.
        if (!setup.provider->retryable(e)) {
            verdict.outcome = SendOutcome::answered;
            return verdict;
        }
        verdict.failure = "HTTP " + std::to_string(e.status()) + ": " + printable(e.details().message, 200);
        if (e.status() == 429) {
            verdict.outcome = SendOutcome::rate_limited;
            verdict.hold = hold_for(policy_of(setup), send, e.details().retry_after_seconds);
        } else {
            verdict.outcome = SendOutcome::failed;
        }
    } catch (const TimeoutError&) {
        // The call's own deadline: it says nothing of the server.
    } catch (const TransportError& e) {
        // Refused, reset, timed out, unreachable: whatever the transport could not get a reply for.
        verdict.outcome = SendOutcome::failed;
        verdict.failure = printable(e.what(), 300);
    } catch (const LimitError&) {
        verdict.outcome = SendOutcome::answered;  // it answered, too much: the same anywhere
    } catch (...) {
        // Cancelled, or a failure of the request itself.
    }
    return verdict;
}

}  // namespace

PooledSends::~PooledSends() {
    if (server_) pool_.release(*server_, SendOutcome::abandoned, sent_);
}

void PooledSends::throw_all_down() const {
    if (!last_error_) throw AllServersDownError(pool_.failures());
    try {
        std::rethrow_exception(last_error_);
    } catch (...) {
        std::throw_with_nested(AllServersDownError(pool_.failures()));
    }
}

PooledSends::Claim PooledSends::claim(int attempt, int& send, Clock::time_point now) {
    if (server_) return Claim{.ready = true};
    const ServerPool::Pick pick = pool_.claim(avoid_, now);
    if (pick.server) {
        server_ = pick.server;
        down_wait_until_.reset();
        return Claim{.ready = true};
    }
    if (!pick.all_down) {
        down_wait_until_.reset();
        return Claim{.ready = false, .wait_until = pick.retry_at};
    }
    if (down_wait_until_ && now < *down_wait_until_) return Claim{.ready = false, .wait_until = *down_wait_until_};
    // Every server is down. Waiting for one to come back takes the place of a send, and a send must
    // be left for after it.
    if (send + 1 > policy_of(setup_).max_retries) throw_all_down();
    const Clock::time_point until = pool_.back_by(now);
    if (until >= setup_.deadline) throw_all_down();
    ++send;
    const auto delay = std::chrono::duration_cast<milliseconds>(until - now);
    notify(hooks_of(setup_).on_retry, RetryScheduled{.attempt = attempt,
                                                     .cause = RetryCause::http,
                                                     .delay = delay,
                                                     .reason = "every server is down: waiting for one to come back"});
    down_wait_until_ = until;
    return Claim{.ready = false, .wait_until = until};
}

void PooledSends::claim_blocking(int attempt, int& send, const std::stop_token& cancel) {
    for (;;) {
        const std::uint64_t seen = pool_.generation();
        const Claim claimed = claim(attempt, send, Clock::now());
        if (claimed.ready) return;
        pool_.wait(seen, std::min(claimed.wait_until, setup_.deadline), cancel);
        throw_if_cancelled(cancel);
        throw_if_past_deadline(setup_, attempt, send + 1);
    }
}

void PooledSends::address(HttpRequest& http, const Request& request) {
    const PoolServer& server = pool_.server(*server_);
    http.url = server.chat_url;
    http.headers = server.headers;
    set_headers(http.headers, request.headers);
    sent_ = Clock::now();
}

std::string_view PooledSends::server_name() const noexcept {
    return server_ ? std::string_view(pool_.server(*server_).name) : std::string_view();
}

std::string_view PooledSends::shown_url() const noexcept {
    return server_ ? std::string_view(pool_.server(*server_).shown_chat_url) : std::string_view();
}

std::string_view PooledSends::answered() {
    const std::size_t server = *server_;
    server_.reset();
    pool_.release(server, SendOutcome::answered, sent_);
    answered_by_ = pool_.server(server).name;
    return answered_by_;
}

std::optional<RetryWait> PooledSends::failed(const std::exception_ptr& error, int attempt, int send, bool streamed) {
    server_failed_ = false;
    if (!server_) return std::nullopt;  // nothing was sent: a failure before the transfer
    const std::size_t server = *server_;
    server_.reset();
    Verdict verdict = judge(setup_, error, send);
    const std::string& name = pool_.server(server).name;
    pool_.release(server, verdict.outcome, sent_, verdict.failure, verdict.hold);
    last_error_ = error;
    server_failed_ = verdict.outcome == SendOutcome::failed || verdict.outcome == SendOutcome::rate_limited;
    if (!server_failed_) return std::nullopt;
    if (std::find(avoid_.begin(), avoid_.end(), server) == avoid_.end()) avoid_.push_back(server);
    // Sent again (elsewhere) while HTTP retries are left, and before the deadline.
    if (send > policy_of(setup_).max_retries || Clock::now() >= setup_.deadline) return std::nullopt;
    const std::string reason =
        (streamed ? "the stream from " + name + " broke off (" + verdict.failure + "): starting it again"
                  : verdict.failure + " from " + name + ": sending again") +
        (pool_.size() > 1 ? " on another server" : " once it is back");
    notify(hooks_of(setup_).on_retry,
           RetryScheduled{.attempt = attempt, .cause = RetryCause::http, .delay = milliseconds(0), .reason = reason});
    return RetryWait{.delay = milliseconds(0), .rate_limited = false};
}

void PooledSends::rethrow(const std::exception_ptr& error) const {
    if (server_failed_ && pool_.all_down()) throw_all_down();
    std::rethrow_exception(error);
}

void PooledSends::next_attempt() {
    avoid_.clear();
    down_wait_until_.reset();
    last_error_ = nullptr;
    server_failed_ = false;
}

HttpResponse send_pooled(const ExtractionSetup& setup, PooledSends& pooled, HttpRequest& http, const Request& request,
                         int attempt, int& send, const bool* streamed) {
    const Hooks& hooks = hooks_of(setup);
    for (;;) {
        throw_if_cancelled(http.cancel);
        pooled.claim_blocking(attempt, send, http.cancel);
        ++send;
        throw_if_past_deadline(setup, attempt, send);
        pooled.address(http, request);
        notify(hooks.on_request, RequestSent{.attempt = attempt,
                                             .http_attempt = send,
                                             .url = pooled.shown_url(),
                                             .body = http.body,
                                             .server = pooled.server_name()});
        try {
            HttpResponse response = call_transport(*setup.transport, http);
            check_reply(setup, response, attempt, send, pooled.server_name());
            (void)pooled.answered();
            return response;
        } catch (const Error&) {
            const bool began = streamed != nullptr && *streamed;
            const auto wait = pooled.failed(std::current_exception(), attempt, send, began);
            if (!wait) pooled.rethrow(std::current_exception());
            if (began) throw RestartStream{};
            wait_for(wait->delay, http.cancel);
        }
    }
}

}  // namespace instructor::detail
