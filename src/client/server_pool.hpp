#pragma once
// The servers of a client made with ClientOptions::servers: which one takes the next send, their
// health, their counters. Thread-safe: blocking calls on many threads, batch engines and the
// pool's own thread share it. That thread probes servers whose cooldown has ended (GET /health)
// and reads llama-server's /slots; it uses the client's transport, and stops with the pool.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <instructor/servers.hpp>
#include <instructor/transport.hpp>

namespace instructor::detail {

/// One server, as sends are made to it.
struct PoolServer {
    std::string name;            // shown: Server::name, else the base URL without credentials
    std::string shown_base_url;  // the base URL without credentials
    std::string chat_url;        // base URL + the provider's chat path
    std::string shown_chat_url;  // the same without credentials
    std::string health_url;      // GET: alive?
    std::string slots_url;       // GET: llama-server's slots
    HttpHeaders headers;         // the provider's, with this server's key, and the client's headers
    double weight = 1.0;
    int max_in_flight = 0;
};

/// What became of a send, as the server's health counts it.
enum class SendOutcome {
    answered,      // it replied (a 2xx, or an error that is the request's fault)
    failed,        // refused, broke, timed out, or 5xx
    rate_limited,  // 429: hold it back
    abandoned,     // cancelled, or the call's own deadline: no news about the server
};

class ServerPool {
public:
    using Clock = std::chrono::steady_clock;

    /// `transport` (the client's) sends the probes; it must outlive the pool.
    ServerPool(std::vector<PoolServer> servers, Routing routing, const Transport& transport);
    ~ServerPool();
    ServerPool(const ServerPool&) = delete;
    ServerPool& operator=(const ServerPool&) = delete;

    [[nodiscard]] std::size_t size() const noexcept { return servers_.size(); }
    [[nodiscard]] const PoolServer& server(std::size_t index) const noexcept { return servers_[index]; }

    struct Pick {
        std::optional<std::size_t> server;  // claimed: counted in flight until release()
        bool all_down = false;              // none: every server is cooling down or being probed
        /// None: when one may have room again (a 429's hold ends); max(): only when the pool changes.
        Clock::time_point retry_at = Clock::time_point::max();
    };
    /// Claims the server for a send now, by the routing strategy, among those up, not held and
    /// with room; those in `avoid` (the call failed there) only when no other one qualifies.
    [[nodiscard]] Pick claim(const std::vector<std::size_t>& avoid, Clock::time_point now);

    /// The send on `server`, claimed at `sent`, ended with `outcome`. `failure` says what went wrong
    /// (shown: no credentials); `hold` is how long a 429 asked to wait.
    void release(std::size_t server, SendOutcome outcome, Clock::time_point sent, std::string_view failure = {},
                 Clock::duration hold = {});

    /// When a server may be back at the earliest, every server being down: the first cooldown's
    /// end, plus the time a probe may take.
    [[nodiscard]] Clock::time_point back_by(Clock::time_point now) const;
    /// Whether every server is cooling down or being probed.
    [[nodiscard]] bool all_down() const;

    /// Counts the changes that may let a claim succeed (a send ended, a server came back).
    [[nodiscard]] std::uint64_t generation() const;
    /// Blocks until the generation differs from `seen`, `until` passes, or `cancel` is requested.
    void wait(std::uint64_t seen, Clock::time_point until, const std::stop_token& cancel) const;

    /// `wake` runs (under the pool's lock: it must be quick and must not call the pool) on each such
    /// change made on another thread than the one subscribing: a batch engine waiting for a server.
    [[nodiscard]] std::uint64_t subscribe(std::function<void()> wake);
    void unsubscribe(std::uint64_t id);

    [[nodiscard]] std::vector<ServerStats> stats() const;
    /// Each server's last failure ("" for one that has not failed), in list order.
    [[nodiscard]] std::vector<ServerFailure> failures() const;

private:
    struct Health {
        ServerState state = ServerState::up;  // up, cooling_down or probing (held is held_until)
        Clock::time_point cool_until{};
        Clock::time_point held_until{};
        int level = 0;            // cooldowns in a row, without a call answered in between
        int failures_in_row = 0;  // since the last answer
        int in_flight = 0;
        std::uint64_t calls = 0, answered = 0, failures = 0, rate_limited = 0, cooldowns = 0, probes = 0;
        std::chrono::microseconds total_latency{0}, last_latency{0};
        std::string last_failure;
        // llama-server's /slots
        bool slots_readable = true;
        std::optional<int> slots, busy_slots;
        int others_busy = 0;  // busy slots that are not this client's calls
        Clock::time_point next_slots_read{};
        double current_weight = 0;  // smooth weighted round robin
    };
    enum class Look { probe, slots };

    [[nodiscard]] int capacity(std::size_t index) const;
    void start_cooldown(Health& health, Clock::time_point now);
    void changed();  // under the lock: a claim may now succeed
    void monitor(const std::stop_token& stop);
    void look(std::size_t index, Look what, const std::stop_token& stop);

    std::vector<PoolServer> servers_;
    Routing routing_;
    const Transport& transport_;
    mutable std::mutex mutex_;
    mutable std::condition_variable_any changed_cv_;
    std::condition_variable_any monitor_cv_;
    std::vector<Health> health_;
    std::uint64_t generation_ = 0;
    std::uint64_t monitor_events_ = 0;  // a cooldown began: the monitor looks again at when to probe
    std::size_t rotation_ = 0;          // where least_busy starts looking, so that ties take turns
    struct Waker {
        std::uint64_t id;
        std::thread::id thread;
        std::function<void()> wake;
    };
    std::vector<Waker> wakers_;
    std::uint64_t next_waker_ = 1;
    std::jthread monitor_;  // last: it stops first
};

}  // namespace instructor::detail
