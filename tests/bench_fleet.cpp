// One client over several servers: create_many over 1, 2 and 4 loopback servers of 8 slots each,
// every reply held 100 ms, beside the client of one base_url against one such server.
//
//     ./build/release/tests/bench_fleet [calls]      (default 2000)
//
// The servers run in a child process, so the CPU figures are the client's alone (getrusage of this
// process: every thread of it, the pool's own included). Each server answers GET /slots as
// llama-server does (8 slots, as many busy as it holds calls), so the pool reads them as it would
// a real one. The aims: wall time scales with the servers (4 servers at 3.6x or better of one), and
// the CPU per call stays within 1.1x of the one-server client's.

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <instructor/instructor.hpp>

#include "bench_support.hpp"
#include "test_server.hpp"

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kSlots = 8;
constexpr int kServers = 4;

struct Person {
    std::string name;
    int age;
};

using test_support::kPersonReply;
using test_support::process_cpu_seconds;

// The servers, in a child process: chat calls answered after 100 ms, /slots as llama-server's.
pid_t start_servers(std::array<int, kServers>& ports) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) std::exit(1);
    const pid_t child = fork();
    if (child == 0) {
        close(pipe_fds[0]);
        std::array<std::atomic<int>, kServers> busy{};
        std::vector<std::unique_ptr<test_support::TestServer>> servers;
        for (int s = 0; s < kServers; ++s) {
            // A thread per kept connection: the client's slots, and some for its /slots readings.
            servers.push_back(std::make_unique<test_support::TestServer>(2 * kSlots + 4));
            servers.back()->respond_with([&busy, s](const test_support::RecordedRequest& request) {
                test_support::ScriptedReply reply;
                if (request.method == "GET") {
                    std::string slots = "[";
                    for (int i = 0; i < kSlots; ++i)
                        slots += std::string(i ? "," : "") + R"({"id":)" + std::to_string(i) + R"(,"is_processing":)" +
                                 (i < busy[s] ? "true" : "false") + "}";
                    reply.body = slots + "]";
                    return reply;
                }
                ++busy[s];
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                --busy[s];
                reply.body = kPersonReply;
                return reply;
            });
            ports[static_cast<std::size_t>(s)] = servers.back()->port();
        }
        if (write(pipe_fds[1], ports.data(), sizeof ports) != sizeof ports) std::_Exit(1);
        close(pipe_fds[1]);
        for (;;) pause();
    }
    close(pipe_fds[1]);
    if (read(pipe_fds[0], ports.data(), sizeof ports) != sizeof ports) std::exit(1);
    close(pipe_fds[0]);
    return child;
}

instructor::Request request() {
    return {.model = "m", .messages = {instructor::user("Jason is 30 years old")}, .max_retries = 0};
}

struct Run {
    double wall = 0;
    double cpu = 0;
    std::size_t ok = 0;
};

Run run(const instructor::Client& client, int calls, int concurrency) {
    const std::vector<instructor::Request> requests(static_cast<std::size_t>(calls), request());
    Run r;
    const double cpu = process_cpu_seconds();
    const auto start = Clock::now();
    const auto results = client.create_many<Person>(requests, {.max_concurrency = concurrency});
    r.wall = std::chrono::duration<double>(Clock::now() - start).count();
    r.cpu = process_cpu_seconds() - cpu;
    for (const auto& result : results) r.ok += result.has_value() ? 1 : 0;
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    const int calls = argc > 1 ? std::atoi(argv[1]) : 2000;
    std::array<int, kServers> ports{};
    const pid_t servers = start_servers(ports);
    const auto url = [&](int s) {
        return "http://127.0.0.1:" + std::to_string(ports[static_cast<std::size_t>(s)]) + "/v1";
    };

    // Warm up: connections, allocations, the schema's text.
    const auto single = instructor::from_openai({.base_url = url(0)}, instructor::Mode::json_schema);
    (void)run(single, 2 * kSlots, kSlots);

    std::printf("%d calls, each reply held 100 ms, servers of %d slots\n", calls, kSlots);
    std::printf("%-34s %9s %9s %9s %14s %10s\n", "", "wall", "ideal", "speed-up", "CPU per call", "vs 1 url");
    bool all_ok = true;
    const Run base = run(single, calls, kSlots);
    const double base_cpu = base.cpu / calls;
    const auto ideal = [&](int n) { return static_cast<double>(calls) / (kSlots * n) * 0.1; };
    std::printf("%-34s %8.2fs %8.2fs %9s %11.1f us %10s\n", "one base_url, 8 at once", base.wall, ideal(1), "",
                base_cpu * 1e6, "1.00x");
    all_ok = all_ok && base.ok == static_cast<std::size_t>(calls);

    double one_server_wall = 0;
    double four_server_wall = 0;
    double worst_cpu_ratio = 0;
    for (const int n : {1, 2, 4}) {
        instructor::ClientOptions options;
        for (int s = 0; s < n; ++s) options.servers.push_back({.base_url = url(s), .max_in_flight = kSlots});
        const auto client = instructor::from_openai(options, instructor::Mode::json_schema);
        (void)run(client, 2 * kSlots * n, kSlots * n);  // warm up its connections
        const Run r = run(client, calls, kSlots * n);
        if (n == 1) one_server_wall = r.wall;
        if (n == 4) four_server_wall = r.wall;
        const double cpu_ratio = (r.cpu / calls) / base_cpu;
        worst_cpu_ratio = std::max(worst_cpu_ratio, cpu_ratio);
        char name[64];
        std::snprintf(name, sizeof name, "servers: %d x %d slots, %d at once", n, kSlots, kSlots * n);
        std::printf("%-34s %8.2fs %8.2fs %8.2fx %11.1f us %9.2fx\n", name, r.wall, ideal(n), one_server_wall / r.wall,
                    r.cpu / calls * 1e6, cpu_ratio);
        all_ok = all_ok && r.ok == static_cast<std::size_t>(calls);
        std::uint64_t spread = 0;
        for (const auto& s : client.server_stats()) spread += s.answered;
        if (spread < static_cast<std::uint64_t>(calls)) all_ok = false;
    }
    std::printf(
        "4 servers: %.2fx the speed of one (aim: 3.6x or better); CPU per call at most %.2fx the one-url "
        "client's (aim: 1.1x)\n",
        one_server_wall / four_server_wall, worst_cpu_ratio);
    kill(servers, SIGTERM);
    waitpid(servers, nullptr, 0);
    if (!all_ok) std::fprintf(stderr, "some calls failed\n");
    return all_ok ? 0 : 1;
}
