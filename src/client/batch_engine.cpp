// The batch engine: one thread moves many calls along. Each call is an ExtractionSteps: the engine
// sends its request (libcurl multi, or the user's transport on a pool), hands the reply back to
// the steps, and does what they say next: finish, re-ask at once, or wait and send again. A 429
// holds every new send back for its wait (over a client's servers, that server's only); rate limits
// pace the sends. Calls over a client's servers claim one before each send, and wait (the others
// going on) while none has room.
#include <instructor/detail/client/batch_engine.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

#include <instructor/detail/transport/curl_multi.hpp>

#include "extraction_steps.hpp"
#include "http_call.hpp"
#include "server_pool.hpp"

namespace instructor::detail {
// Named, not anonymous: AsyncEngine::State below holds an Engine, and a member of a class with
// linkage may not have a type without it (GCC's -Wsubobject-linkage, once this file is part of a
// unity batch).
namespace batch_internal {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Whatever a call threw, as an instructor::Error: a user's transport, validator or model may throw
// anything, and one call's failure must end that call only. The original stays nested inside.
std::exception_ptr as_instructor_error(const std::exception_ptr& error) {
    return detail::as_instructor_error(error, "the call failed");
}

// Paces sends to `per_minute`, allowing a burst of a second's worth; may run into debt (a large
// request), which later sends then wait out.
class Pacer {
public:
    explicit Pacer(double per_minute) : rate_(per_minute / 60'000.0), capacity_(std::max(1.0, per_minute / 60.0)) {
        level_ = capacity_;
    }
    [[nodiscard]] bool limited() const noexcept { return rate_ > 0; }
    // When a send costing `cost` may go: now, or later.
    [[nodiscard]] Clock::time_point ready_at(Clock::time_point now) {
        refill(now);
        if (!limited() || level_ > 0) return now;
        return now + milliseconds(static_cast<long>(-level_ / rate_) + 1);
    }
    void spend(double amount, Clock::time_point now) {
        refill(now);
        if (limited()) level_ -= amount;
    }
    void refund(double amount) {
        if (limited()) level_ = std::min(capacity_, level_ + amount);
    }

private:
    void refill(Clock::time_point now) {
        const double elapsed = std::chrono::duration<double, std::milli>(now - last_).count();
        last_ = now;
        level_ = std::min(capacity_, level_ + elapsed * rate_);
    }
    double rate_;      // per millisecond
    double capacity_;  // a second's worth
    double level_ = 0;
    Clock::time_point last_ = Clock::now();
};

// A few threads running a user's transport; results come back through the engine's inbox.
class TransportPool {
public:
    TransportPool(int threads, std::function<void()> on_done_ready) : wake_engine_(std::move(on_done_ready)) {
        for (int i = 0; i < std::max(1, threads); ++i) workers_.emplace_back([this] { work(); });
    }
    ~TransportPool() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        ready_.notify_all();
        for (auto& worker : workers_) worker.join();
    }
    void post(std::function<void()> job) {
        {
            std::lock_guard lock(mutex_);
            jobs_.push_back(std::move(job));
        }
        ready_.notify_one();
    }

private:
    void work() {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
                if (jobs_.empty()) return;
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            job();
            wake_engine_();
        }
    }
    std::function<void()> wake_engine_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

class Engine {
public:
    Engine(const BatchTransport& transport, const BatchOptions& options)
        : transport_(transport),
          options_(options),
          multi_(transport.curl != nullptr ? *transport.curl : CurlOptions{},
                 options.max_host_connections > 0 ? options.max_host_connections
                                                  : std::max<long>(1, options.max_concurrency)),
          requests_(options.requests_per_minute),
          tokens_(options.tokens_per_minute) {
        if (options_.max_concurrency < 1) throw ConfigurationError("BatchOptions::max_concurrency must be at least 1");
        if (transport_.callable != nullptr)
            pool_ = std::make_unique<TransportPool>(options_.transport_threads, [this] { multi_.wakeup(); });
    }

    ~Engine() {
        pool_.reset();  // joins: no job may outlive the calls it refers to
        for (const auto& [servers, id] : server_pools_) servers->unsubscribe(id);
    }

    void wakeup() { multi_.wakeup(); }

    // Runs until `source` is dry and every call has ended; with `until_stopped`, until *stop is set.
    void run(const BatchSource& source, const std::atomic<bool>* stop = nullptr) {
        std::stop_callback on_cancel(options_.cancel, [this] { multi_.wakeup(); });
        bool source_dry = false;
        for (;;) {
            const bool stopping = options_.cancel.stop_requested() || (stop != nullptr && stop->load());
            if (stopping) cancel_all();
            take_finished_jobs();
            const auto now = Clock::now();
            cancel_requested_calls();
            // New calls, while there is room.
            while (!stopping && !source_dry && static_cast<int>(calls_.size()) < options_.max_concurrency) {
                std::optional<BatchCall> call = source();
                if (!call) {
                    source_dry = stop == nullptr;  // a batch's input ends; an async engine waits for more
                    break;
                }
                add(std::move(*call), now);
            }
            if (stopping && stop == nullptr) drain_cancelled(source);
            const auto next_due = stopping ? now + milliseconds(10) : send_ready(now);
            if (calls_.empty() && (source_dry || stopping)) return;
            auto wait = std::chrono::duration_cast<milliseconds>(next_due - Clock::now());
            wait = std::clamp(wait, milliseconds(0), milliseconds(250));
            multi_.run(wait);
        }
    }

private:
    struct Call {
        BatchCall batch;
        std::unique_ptr<ExtractionSteps> steps;
        enum class State { ready, sending, waiting } state = State::ready;
        Clock::time_point due;       // when a waiting call may send again
        std::uint64_t transfer = 0;  // libcurl's exchange, while sending
        double tokens_charged = 0;
        // A pool job's outcome, until the engine thread takes it.
        std::optional<HttpResponse> response;
        std::exception_ptr failure;
        // The call's own cancel token wakes the engine, which then ends the call.
        std::optional<std::stop_callback<std::function<void()>>> on_cancel;
    };
    using CallIt = std::list<Call>::iterator;

    void add(BatchCall batch, Clock::time_point now) {
        calls_.emplace_back();
        Call& call = calls_.back();
        call.batch = std::move(batch);
        call.steps = std::make_unique<ExtractionSteps>(call.batch.setup, std::move(call.batch.request),
                                                       std::move(call.batch.parse));
        call.due = now;
        ++progress_.started;
        ++progress_.in_flight;
        if (call.batch.failed_before_start) {
            end(std::prev(calls_.end()), nullptr, call.batch.failed_before_start);
            return;
        }
        if (const auto& token = call.steps->request().cancel; token.stop_possible())
            call.on_cancel.emplace(token, std::function<void()>([this] { multi_.wakeup(); }));
        // A call over the client's servers may wait for one: a server freed or back elsewhere (another
        // thread's call, the pool's probes) wakes the engine.
        if (ServerPool* servers = call.batch.setup.pool;
            servers != nullptr &&
            std::none_of(server_pools_.begin(), server_pools_.end(), [&](const auto& s) { return s.first == servers; }))
            server_pools_.emplace_back(servers, servers->subscribe([this] { multi_.wakeup(); }));
    }

    // Sends every call that may go now; returns when the next one may.
    Clock::time_point send_ready(Clock::time_point now) {
        Clock::time_point next = now + milliseconds(250);
        for (auto it = calls_.begin(); it != calls_.end();) {
            auto current = it++;
            Call& call = *current;
            if (call.state == Call::State::sending) continue;
            // A call held back (a retry's wait, a 429 pause, the rate limits) still ends at its deadline.
            const auto deadline = call.batch.setup.deadline;
            if (deadline <= now) {
                send(current, now);  // before_send ends it with the TimeoutError
                continue;
            }
            if (call.state == Call::State::waiting && call.due > now) {
                next = std::min({next, call.due, deadline});
                continue;
            }
            call.state = Call::State::ready;
            const auto allowed = std::max({paused_until_, requests_.ready_at(now), tokens_.ready_at(now)});
            if (allowed > now) {
                next = std::min({next, allowed, deadline});
                continue;
            }
            // Over the client's servers: one with room, or the call waits (the others go on).
            try {
                const PooledSends::Claim claim = call.steps->claim_server(now);
                if (!claim.ready) {
                    next = std::min({next, claim.wait_until, deadline});
                    continue;
                }
            } catch (...) {
                end(current, nullptr, std::current_exception());
                continue;
            }
            send(current, now);
        }
        return next;
    }

    void send(CallIt it, Clock::time_point now) {
        Call& call = *it;
        try {
            call.steps->before_send();
            const HttpRequest& http = call.steps->http();
            requests_.spend(1, now);
            call.tokens_charged = static_cast<double>(http.body.size()) / 4.0 +
                                  static_cast<double>(call.steps->request().max_tokens.value_or(0));
            tokens_.spend(call.tokens_charged, now);
            call.state = Call::State::sending;
            if (pool_) {
                pool_->post([this, it, &http] {
                    Call& c = *it;
                    try {
                        c.response = call_transport(*transport_.callable, http);
                    } catch (...) {
                        c.failure = std::current_exception();
                    }
                    std::lock_guard lock(inbox_mutex_);
                    inbox_.push_back(it);
                });
            } else {
                call.transfer = multi_.start(http, [this, it](HttpResponse* response, std::exception_ptr error) {
                    it->transfer = 0;
                    arrived(it, response != nullptr ? std::optional<HttpResponse>(std::move(*response)) : std::nullopt,
                            error);
                });
            }
        } catch (...) {
            end(it, nullptr, std::current_exception());
        }
    }

    void take_finished_jobs() {
        std::vector<CallIt> done;
        {
            std::lock_guard lock(inbox_mutex_);
            done.swap(inbox_);
        }
        for (const CallIt it : done) arrived(it, std::move(it->response), it->failure);
    }

    void arrived(CallIt it, std::optional<HttpResponse> response, std::exception_ptr failure) {
        Call& call = *it;
        call.response.reset();
        call.failure = nullptr;
        const auto now = Clock::now();
        try {
            const auto before = call.steps->usage().total_tokens;
            ExtractionSteps::Next next;
            if (failure) {
                next = call.steps->after_failure(failure);  // rethrows what is not worth sending again
            } else {
                next = call.steps->after_reply(std::move(*response));
            }
            // The reply says what the request cost: that replaces the estimate.
            if (const auto used = call.steps->usage().total_tokens - before; used > 0)
                tokens_.refund(call.tokens_charged - static_cast<double>(used));
            if (next.done) {
                ExtractionResult result = call.steps->take_result();
                end(it, &result, nullptr);
                return;
            }
            if (next.rate_limited) paused_until_ = std::max(paused_until_, now + next.wait);
            call.state = Call::State::waiting;
            call.due = now + next.wait;
        } catch (...) {
            end(it, nullptr, std::current_exception());
        }
    }

    void end(CallIt it, ExtractionResult* result, const std::exception_ptr& error) {
        Call& call = *it;
        const Usage usage = result != nullptr ? result->usage : call.steps->usage();
        --progress_.in_flight;
        ++(result != nullptr ? progress_.succeeded : progress_.failed);
        progress_.usage += usage;
        try {
            call.batch.finish(result, error ? as_instructor_error(error) : nullptr, usage);
        } catch (...) {
            // finish is the library's own and does not throw; a user's callback inside it is guarded there.
        }
        calls_.erase(it);
        if (options_.on_progress) {
            try {
                options_.on_progress(progress_);
            } catch (...) {}
        }
    }

    // A call whose own cancel token fired ends now, wherever it is.
    void cancel_requested_calls() {
        for (auto it = calls_.begin(); it != calls_.end();) {
            auto current = it++;
            if (!current->steps->request().cancel.stop_requested()) continue;
            cancel(current);
        }
    }

    void cancel(CallIt it) {
        if (it->state == Call::State::sending) {
            if (pool_) return;  // the user's transport sees the token; its answer ends the call
            if (it->transfer != 0) {
                multi_.abort(it->transfer);  // its done callback ends the call with a CancelledError
                return;
            }
        }
        end(it, nullptr, std::make_exception_ptr(CancelledError("the call was cancelled")));
    }

    void cancel_all() {
        for (auto it = calls_.begin(); it != calls_.end();) {
            auto current = it++;
            if (current->state == Call::State::sending && pool_) continue;  // ended when its job returns
            cancel(current);
        }
    }

    // A cancelled batch still answers for every input: the ones not started end cancelled too.
    void drain_cancelled(const BatchSource& source) {
        while (std::optional<BatchCall> call = source()) {
            add(std::move(*call), Clock::now());
            end(std::prev(calls_.end()), nullptr, std::make_exception_ptr(CancelledError("the batch was cancelled")));
        }
    }

    BatchTransport transport_;
    const BatchOptions& options_;
    CurlMulti multi_;
    Pacer requests_;
    Pacer tokens_;
    Clock::time_point paused_until_{};
    std::list<Call> calls_;
    BatchProgress progress_;
    std::mutex inbox_mutex_;
    std::vector<CallIt> inbox_;
    std::unique_ptr<TransportPool> pool_;
    std::vector<std::pair<ServerPool*, std::uint64_t>> server_pools_;  // subscribed to: they wake us
};

}  // namespace batch_internal

using batch_internal::Engine;

void run_batch(const BatchSource& source, const BatchTransport& transport, const BatchOptions& options) {
    Engine engine(transport, options);
    engine.run(source);
}

// ---- the long-lived engine of create_async ------------------------------------------------------

struct AsyncEngine::State {
    BatchOptions options;
    std::mutex mutex;
    std::deque<BatchCall> queue;
    std::atomic<bool> stop{false};
    std::unique_ptr<Engine> engine;
    std::thread thread;
};

AsyncEngine::AsyncEngine(BatchTransport transport, BatchOptions options) : state_(std::make_shared<State>()) {
    state_->options = std::move(options);
    state_->engine = std::make_unique<Engine>(transport, state_->options);
    state_->thread = std::thread([state = state_.get()] {
        const BatchSource source = [state]() -> std::optional<BatchCall> {
            std::lock_guard lock(state->mutex);
            if (state->queue.empty()) return std::nullopt;
            BatchCall call = std::move(state->queue.front());
            state->queue.pop_front();
            return call;
        };
        state->engine->run(source, &state->stop);
    });
}

AsyncEngine::~AsyncEngine() {
    state_->stop = true;
    state_->engine->wakeup();
    state_->thread.join();
    // Calls submitted and never started: cancelled.
    for (auto& call : state_->queue)
        call.finish(nullptr, std::make_exception_ptr(CancelledError("the client was destroyed")), Usage{});
}

void AsyncEngine::submit(BatchCall call) {
    {
        std::lock_guard lock(state_->mutex);
        state_->queue.push_back(std::move(call));
    }
    state_->engine->wakeup();
}

}  // namespace instructor::detail
