#pragma once
// One client over several model servers: a llama-server (or vLLM, or Ollama) per machine, and the
// client spreads its calls over them, keeps each within its slots, cools down a server that fails
// and sends the call again to another one.
//
//     auto client = instructor::from_provider("llama-cpp/any", {
//         .servers = {{.base_url = "http://gpu1:8080/v1", .max_in_flight = 4},
//                     {.base_url = "http://gpu2:8080/v1", .max_in_flight = 4}},
//     });
//     auto results = client.create_many<Invoice>(requests, {.max_concurrency = 8});
//     for (const auto& server : client.server_stats()) std::cout << server.name << ": " << server.answered << "\n";

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <instructor/error.hpp>

namespace instructor {

/// One server of a client's pool (ClientOptions::servers).
struct Server {
    /// As ClientOptions::base_url: http(s)://host:port/v1. Its health is read at the same address
    /// without a trailing /v1, plus /health (and /slots, llama-server's slot states).
    std::string base_url{};
    std::string api_key{};  // "" = ClientOptions::api_key; never shown
    /// Its share of the calls under RoutingStrategy::round_robin; under least_busy, what counts as
    /// its capacity while none is known.
    double weight = 1.0;
    /// The most calls it holds at once (a llama-server's -np slots). 0: the slot count its /slots
    /// reports, and no limit for a server without one.
    int max_in_flight = 0;
    /// How hooks, errors, Completion::server and server_stats() name it; "" = the base URL without
    /// credentials.
    std::string name{};
};

/// How a client picks the server of each send.
enum class RoutingStrategy {
    /// The server with the most room: its calls in flight (plus, for llama-server, the slots other
    /// clients hold, as /slots last showed) against its capacity (max_in_flight, else its slot
    /// count, else its weight). Suits continuous-batching servers, as Paddler routes by free slots.
    least_busy,
    /// Weighted round robin (smooth: a server of weight 2 gets every other call of three).
    round_robin,
    /// The first server in the list that is up and has room; the next ones only when it is full or down.
    fallback,
};

/// How a client spreads calls over ClientOptions::servers and watches their health.
struct Routing {
    /// Which server takes each send.
    RoutingStrategy strategy = RoutingStrategy::least_busy;
    /// A server that refuses connections, breaks them, times out or answers 5xx is left out for
    /// this long, then probed (GET /health: any answer but 5xx or 429 brings it back). Each further
    /// cooldown without a call answered in between is `cooldown_multiplier` times longer, up to
    /// `max_cooldown`.
    std::chrono::milliseconds cooldown{1'000};
    double cooldown_multiplier = 2.0;
    std::chrono::milliseconds max_cooldown{30'000};
    /// Failures in a row a server may have before it is cooled down (0: the first one does).
    int allowed_failures = 0;
    /// A probe (GET /health) or slot reading (GET /slots) gives up after this long.
    std::chrono::milliseconds probe_timeout{2'000};
    /// How often each server's /slots is read (llama-server; a server that answers it with an error
    /// is not asked again). 0: never.
    std::chrono::milliseconds slots_interval{1'000};
};

/// Where a server stands.
enum class ServerState {
    up,            // takes calls
    cooling_down,  // failed: left out until its cooldown ends
    probing,       // its cooldown ended: GET /health is on the way
    held,          // it answered 429: left out for the wait it asked
};

/// "up", "cooling down", "probing", "held".
[[nodiscard]] std::string_view to_string(ServerState state) noexcept;

/// One server's counters, as Client::server_stats() reads them.
struct ServerStats {
    std::string name{};      // Server::name, else its base URL without credentials
    std::string base_url{};  // without credentials
    ServerState state = ServerState::up;
    std::uint64_t calls = 0;                     // sends given to it
    std::uint64_t answered = 0;                  // sends it answered: 2xx, or an error that is not its failure (a 400)
    std::uint64_t failures = 0;                  // refused, broken or timed-out connections, 5xx
    std::uint64_t rate_limited = 0;              // 429s
    std::uint64_t cooldowns = 0;                 // times it was left out after failing (a failed probe included)
    std::uint64_t probes = 0;                    // GET /health sent after a cooldown
    int in_flight = 0;                           // this client's calls on it now
    int capacity = 0;                            // the most it holds at once; 0: no limit known
    std::optional<int> slots{};                  // llama-server's slot count, as /slots last said
    std::optional<int> busy_slots{};             // and how many were busy (other clients' calls included)
    std::chrono::milliseconds cooldown_left{0};  // while cooling down or held
    std::chrono::microseconds mean_latency{0};   // of the sends it answered, from send to whole reply
    std::chrono::microseconds last_latency{0};
    std::string last_failure{};  // what its last failure was ("" when none), without credentials
};

/// One server's last failure, as AllServersDownError lists it.
struct ServerFailure {
    std::string server{};   // its name (Server::name, else the base URL without credentials)
    std::string failure{};  // what happened: "HTTP 503 ...", "request to ... failed: Connection refused"
};

/// Every server of the client's pool was down (cooling down after failures, or being probed) when
/// the call needed one, and its HTTP retries were spent (each wait for a server to come back counts
/// as one). A TransportError: no server replied. The error that ended the last send, if any, is
/// nested (std::rethrow_if_nested).
class AllServersDownError : public TransportError {
public:
    explicit AllServersDownError(std::vector<ServerFailure> failures);
    /// Each server, in ClientOptions::servers order, with its last failure.
    [[nodiscard]] const std::vector<ServerFailure>& failures() const noexcept { return failures_; }

private:
    std::vector<ServerFailure> failures_;
};

}  // namespace instructor
