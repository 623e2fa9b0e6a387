// The real-server tier, many servers: three real llama.cpp servers (2 slots each) behind one
// client, either its own pool (ClientOptions::servers) or HAProxy in front of them. 300 calls come
// back whole and in input order; then the same while one server is killed with SIGKILL mid-run and
// started again 5 s later: every call ends once, with its value (or, only if every server was
// down, an AllServersDownError), and the restarted server takes work again.
//
// tests/real_server/with_llama_fleet.sh finds the programs and names them in the environment:
//   INSTRUCTOR_FLEET_LLAMA_SERVER  llama-server (b10156)
//   INSTRUCTOR_FLEET_MODEL         stories260K.gguf
//   INSTRUCTOR_FLEET_HAPROXY       haproxy (for [haproxy] only)
// The test starts, kills and restarts the servers itself.

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <instructor/instructor.hpp>

#include "catch.hpp"

extern char** environ;

namespace {

using instructor::Annotated;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kCalls = 300;
constexpr int kServers = 3;
constexpr int kSlots = 2;

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        std::cerr << name << " is not set: run this through with_llama_fleet.sh\n";
        std::exit(2);
    }
    return value;
}

// A GET on loopback: the status, or 0 when nothing answers.
int get_status(const std::string& url, std::string* body = nullptr) {
    static const instructor::Transport transport = instructor::curl_transport({.connect_timeout = milliseconds(500)});
    try {
        const auto response = transport({.method = "GET", .url = url, .deadline = Clock::now() + milliseconds(2000)});
        if (body != nullptr) *body = response.body;
        return response.status;
    } catch (const instructor::Error&) {
        return 0;
    }
}

int free_port() {
    static std::mt19937 random{std::random_device{}()};
    return std::uniform_int_distribution<int>(20000, 39999)(random);
}

// A child process, its output in a log file; SIGTERM and reaped when destroyed.
class Process {
public:
    Process() = default;
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    ~Process() { stop(SIGTERM); }

    void start(const std::vector<std::string>& argv, const std::string& log) {
        std::vector<char*> args;
        for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        posix_spawn_file_actions_t files;
        posix_spawn_file_actions_init(&files);
        posix_spawn_file_actions_addopen(&files, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        posix_spawn_file_actions_adddup2(&files, 1, 2);
        const int failed = posix_spawn(&pid_, argv.front().c_str(), &files, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&files);
        if (failed != 0) FAIL("could not start " << argv.front());
    }
    bool running() {
        if (pid_ <= 0) return false;
        if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = -1;
            return false;
        }
        return true;
    }
    void stop(int signal) {
        if (pid_ <= 0) return;
        kill(pid_, signal);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

private:
    pid_t pid_ = -1;
};

// One llama-server b10156 with the tiny model, `kSlots` slots, one thread, on a port of its own.
class LlamaServer {
public:
    explicit LlamaServer(std::string log) : log_(std::move(log)) {}

    // Starts it (on a new port the first time, the same port after), and waits until it is healthy.
    void start() {
        for (int attempt = 0; attempt < 5; ++attempt) {
            if (port_ == 0) port_ = free_port();
            process_.start({environment("INSTRUCTOR_FLEET_LLAMA_SERVER"),
                            "-m",
                            environment("INSTRUCTOR_FLEET_MODEL"),
                            "--host",
                            "127.0.0.1",
                            "--port",
                            std::to_string(port_),
                            "-c",
                            std::to_string(4096 * kSlots),
                            "-np",
                            std::to_string(kSlots),
                            "-t",
                            "1",
                            "--alias",
                            "stories260K",
                            "-n",
                            "256",
                            "--seed",
                            "7",
                            "--chat-template",
                            "chatml",
                            "--override-kv",
                            "llama.context_length=int:4096"},
                           log_);
            const auto give_up = Clock::now() + std::chrono::seconds(30);
            while (process_.running() && Clock::now() < give_up) {
                if (get_status(root() + "/health") == 200) return;
                std::this_thread::sleep_for(milliseconds(50));
            }
            process_.stop(SIGKILL);
            if (!restarted_) port_ = 0;  // taken: try another (a restart must keep its port)
        }
        FAIL("llama-server did not start; see " << log_);
    }
    void kill_now() { process_.stop(SIGKILL); }
    void restart() {
        restarted_ = true;
        start();
    }
    [[nodiscard]] std::string root() const { return "http://127.0.0.1:" + std::to_string(port_); }
    [[nodiscard]] int port() const { return port_; }

private:
    std::string log_;
    int port_ = 0;
    bool restarted_ = false;
    Process process_;
};

struct Fleet {
    std::filesystem::path dir;
    std::vector<std::unique_ptr<LlamaServer>> servers;

    Fleet() {
        dir = std::filesystem::temp_directory_path() /
              ("instructor-fleet-" + std::to_string(getpid()) + "-" + std::to_string(free_port()));
        std::filesystem::create_directories(dir);
        for (int i = 0; i < kServers; ++i) {
            servers.push_back(
                std::make_unique<LlamaServer>((dir / ("llama-" + std::to_string(i + 1) + ".log")).string()));
            servers.back()->start();
        }
    }
    ~Fleet() {
        servers.clear();
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }
};

struct UserDetail {
    Annotated<std::string, instructor::max_length(24)> name;
    int age;
};

// Item i's prompt is i tokens longer than item 0's (" a" is one token of this model's vocabulary):
// the prompt tokens each reply reports say which request it answers.
std::vector<instructor::Request> requests() {
    std::vector<instructor::Request> all;
    for (int i = 0; i < kCalls; ++i) {
        std::string text = "Jason";
        for (int k = 0; k < i; ++k) text += " a";
        all.push_back(
            {.model = "", .messages = {instructor::user(text)}, .max_retries = 1, .max_tokens = 96, .seed = i});
    }
    return all;
}

struct Counters {
    std::atomic<int> http_retries{0};
    std::mutex mutex;
    std::vector<std::string> reasons;
    std::vector<milliseconds> delays;
};

instructor::Hooks counting(const std::shared_ptr<Counters>& counters) {
    instructor::Hooks hooks;
    hooks.on_retry = [counters](const instructor::RetryScheduled& retry) {
        if (retry.cause != instructor::RetryCause::http) return;
        ++counters->http_retries;
        std::lock_guard lock(counters->mutex);
        counters->reasons.emplace_back(retry.reason);
        counters->delays.push_back(retry.delay);
    };
    return hooks;
}

// One batch: each result once, checked; the values' prompt tokens in input order.
struct Outcome {
    int values = 0;
    int all_down = 0;
    int other_errors = 0;
    int answered_twice = 0;
    double seconds = 0;
    std::string first_error;
};

Outcome run_batch(const instructor::Client& client, instructor::BatchOptions options) {
    const auto all = requests();
    std::vector<int> ends(kCalls, 0);
    std::vector<std::int64_t> prompt_tokens(kCalls, -1);
    Outcome outcome;
    const auto started = Clock::now();
    client.create_many<UserDetail>(
        all, std::move(options), [&](instructor::BatchResult<instructor::Extraction<UserDetail>> done) {
            ++ends[done.index];
            if (done.result) {
                ++outcome.values;
                prompt_tokens[done.index] = done.result->completions.front().usage.prompt_tokens;
            } else if (done.result.error().as<instructor::AllServersDownError>() != nullptr) {
                ++outcome.all_down;
            } else {
                ++outcome.other_errors;
                if (outcome.first_error.empty()) outcome.first_error = done.result.error().what();
            }
        });
    outcome.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    for (int i = 0; i < kCalls; ++i) {
        INFO("call " << i);
        CHECK(ends[static_cast<std::size_t>(i)] == 1);
        outcome.answered_twice += ends[static_cast<std::size_t>(i)] > 1 ? 1 : 0;
    }
    // In input order: item i's prompt is i tokens longer than item 0's.
    const std::int64_t base = prompt_tokens.front();
    int out_of_place = 0;
    for (int i = 0; i < kCalls; ++i)
        if (prompt_tokens[static_cast<std::size_t>(i)] >= 0 && prompt_tokens[static_cast<std::size_t>(i)] != base + i)
            ++out_of_place;
    CHECK(out_of_place == 0);
    return outcome;
}

void print_table(const std::string& title, const instructor::Client& client, const Outcome& outcome, int retries) {
    std::cout << "\n"
              << title << ": " << kCalls << " calls in " << outcome.seconds << " s: " << outcome.values << " values, "
              << outcome.all_down << " AllServersDownError, " << outcome.other_errors << " other errors; " << retries
              << " HTTP retries\n";
    std::printf("  %-10s %6s %9s %9s %10s %7s %13s  %s\n", "server", "calls", "answered", "failures", "cooldowns",
                "probes", "mean latency", "state");
    for (const auto& s : client.server_stats())
        std::printf("  %-10s %6llu %9llu %9llu %10llu %7llu %10.0f ms  %s\n", s.name.c_str(),
                    static_cast<unsigned long long>(s.calls), static_cast<unsigned long long>(s.answered),
                    static_cast<unsigned long long>(s.failures), static_cast<unsigned long long>(s.cooldowns),
                    static_cast<unsigned long long>(s.probes), static_cast<double>(s.mean_latency.count()) / 1000.0,
                    std::string(instructor::to_string(s.state)).c_str());
    std::cout << std::flush;
}

template <class Done>
bool eventually(Done done, std::chrono::seconds limit = std::chrono::seconds(30)) {
    const auto give_up = Clock::now() + limit;
    while (!done()) {
        if (Clock::now() > give_up) return false;
        std::this_thread::sleep_for(milliseconds(50));
    }
    return true;
}

// Kills `server` once `after` calls of the batch have ended (calling `on_kill` then), and starts it
// again 5 s later.
class KillAndRestart {
public:
    KillAndRestart(LlamaServer& server, std::size_t after, std::function<void()> on_kill = {})
        : server_(server), after_(after), on_kill_(std::move(on_kill)) {}
    ~KillAndRestart() {
        if (restarter_.joinable()) restarter_.join();
    }
    void on_progress(const instructor::BatchProgress& progress) {
        if (killed_ || progress.succeeded + progress.failed < after_) return;
        killed_ = true;
        if (on_kill_) on_kill_();
        server_.kill_now();
        killed_at_ = Clock::now();
        restarter_ = std::thread([this] {
            std::this_thread::sleep_for(std::chrono::seconds(5));
            server_.restart();
            restarted_at_ = Clock::now();
            restarted_ = true;
        });
    }
    void wait_restarted() {
        if (restarter_.joinable()) restarter_.join();
    }
    [[nodiscard]] bool killed() const { return killed_; }
    [[nodiscard]] double restart_seconds() const {
        return std::chrono::duration<double>(restarted_at_ - killed_at_).count();
    }

private:
    LlamaServer& server_;
    std::size_t after_;
    std::function<void()> on_kill_;
    bool killed_ = false;
    std::atomic<bool> restarted_{false};
    Clock::time_point killed_at_{}, restarted_at_{};
    std::thread restarter_;
};

}  // namespace

TEST_CASE(
    "a client over three llama-servers gets every one of 300 calls back, in input order, "
    "and loses none when one is killed and restarted mid-run",
    "[fleet]") {
    Fleet fleet;
    auto counters = std::make_shared<Counters>();
    instructor::ClientOptions options;
    for (int i = 0; i < kServers; ++i)
        options.servers.push_back({.base_url = fleet.servers[static_cast<std::size_t>(i)]->root() + "/v1",
                                   .max_in_flight = kSlots,
                                   .name = "llama-" + std::to_string(i + 1)});
    options.http_retries = {.max_retries = 4, .initial_delay = milliseconds(200)};
    options.routing = {.cooldown = milliseconds(500), .max_cooldown = std::chrono::seconds(2)};
    options.hooks = counting(counters);
    const auto client = instructor::from_provider("llama-cpp/stories260K", options);  // gbnf: the preset's mode

    const Outcome calm = run_batch(client, {.max_concurrency = kServers * kSlots});
    print_table("three servers", client, calm, counters->http_retries);
    CHECK(calm.values == kCalls);
    CHECK(calm.answered_twice == 0);
    CHECK(counters->http_retries == 0);
    for (const auto& s : client.server_stats()) {
        CHECK(s.answered >= kCalls / kServers / 3);  // each took a share
        CHECK(s.failures == 0);
    }

    // The same, while llama-2 dies after a fifth of the calls and comes back 5 s later.
    counters->http_retries = 0;
    const auto before = client.server_stats();
    std::uint64_t answered_at_kill = 0;
    KillAndRestart chaos(*fleet.servers[1], kCalls / 5, [&] { answered_at_kill = client.server_stats()[1].answered; });
    instructor::BatchOptions batch{.max_concurrency = kServers * kSlots};
    batch.on_progress = [&](const instructor::BatchProgress& progress) { chaos.on_progress(progress); };
    const Outcome killed = run_batch(client, batch);
    const auto during = client.server_stats();
    print_table("llama-2 killed with SIGKILL, restarted 5 s later", client, killed, counters->http_retries);
    REQUIRE(chaos.killed());
    CHECK(killed.answered_twice == 0);
    CHECK(killed.other_errors == 0);
    if (!killed.first_error.empty()) WARN(killed.first_error);
    CHECK(killed.values + killed.all_down == kCalls);
    CHECK(killed.all_down == 0);  // two servers stayed up throughout
    CHECK(during[1].failures > before[1].failures);
    CHECK(during[1].cooldowns > before[1].cooldowns);

    // The restarted server is probed and takes work again: what it answered after the kill, it
    // answered after its restart.
    chaos.wait_restarted();
    std::cout << "llama-2 was back " << chaos.restart_seconds() << " s after it was killed; it had answered "
              << answered_at_kill << " calls, and answered " << during[1].answered - answered_at_kill
              << " more in the same batch once back\n";
    REQUIRE(eventually([&] { return client.server_stats()[1].state == instructor::ServerState::up; }));
    if (client.server_stats()[1].answered == answered_at_kill) {
        // The batch ended before llama-2 was back: a few more calls show that it takes work.
        auto few = requests();
        few.resize(12);
        const auto results = client.create_many<UserDetail>(few, {.max_concurrency = kServers * kSlots});
        for (const auto& result : results) CHECK(result.has_value());
        print_table("12 calls after the restart", client, killed, counters->http_retries);
    }
    const auto after = client.server_stats();
    CHECK(after[1].answered > answered_at_kill);
    CHECK(after[1].probes >= 1);
}

namespace {

// HAProxy in front of the fleet: least connections, 2 calls per server (its slots), health checks on
// /health. Its first 3 chat calls are answered 503 with Retry-After: 1 (as a proxy warming up, or
// one with no server up), so that the client's wait can be seen.
class Haproxy {
public:
    explicit Haproxy(const Fleet& fleet) : config_((fleet.dir / "haproxy.cfg").string()) {
        for (int attempt = 0; attempt < 3; ++attempt) {
            port_ = free_port();
            stats_port_ = port_ + 1;
            write_config(fleet);
            process_.start({environment("INSTRUCTOR_FLEET_HAPROXY"), "-f", config_, "-db"},
                           (fleet.dir / "haproxy.log").string());
            if (eventually([&] { return get_status(stats_url()) == 200 || !process_.running(); },
                           std::chrono::seconds(10)) &&
                process_.running())
                return;
            process_.stop(SIGKILL);  // its ports were taken: others
        }
        FAIL("haproxy did not start; see " << (fleet.dir / "haproxy.log").string());
    }

    void write_config(const Fleet& fleet) const {
        std::ofstream config(config_);
        config << "global\n    maxconn 512\n"
               << "defaults\n    mode http\n    timeout connect 1s\n    timeout client 60s\n    timeout server 60s\n"
               << "    timeout queue 60s\n    timeout http-keep-alive 10s\n    retries 3\n    option redispatch\n"
               << "    option http-keep-alive\n"
               << "frontend llamas\n    bind 127.0.0.1:" << port_ << "\n"
               << "    stick-table type integer size 1 store gpc0\n    http-request track-sc0 int(1)\n"
               << "    http-request return status 503 content-type application/json string "
                  "\"{\\\"error\\\":{\\\"message\\\":\\\"warming up\\\"}}\" hdr Retry-After 1 "
                  "if { path_end /chat/completions } { sc_inc_gpc0(0) le 3 }\n"
               << "    default_backend llamas\n"
               << "backend llamas\n    balance leastconn\n    option httpchk GET /health\n"
               << "    http-check expect status 200\n"
               << "    default-server check inter 300ms fall 1 rise 2 maxconn " << kSlots << "\n";
        for (std::size_t i = 0; i < fleet.servers.size(); ++i)
            config << "    server llama-" << i + 1 << " 127.0.0.1:" << fleet.servers[i]->port() << "\n";
        config << "listen stats\n    bind 127.0.0.1:" << stats_port_ << "\n    stats enable\n    stats uri /stats\n";
    }
    [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
    [[nodiscard]] std::string stats_url() const {
        return "http://127.0.0.1:" + std::to_string(stats_port_) + "/stats;csv";
    }

    // A column of HAProxy's CSV statistics for one row (svname FRONTEND, llama-1, ...).
    [[nodiscard]] long stat(const std::string& row, const std::string& column) const {
        std::string csv;
        if (get_status(stats_url(), &csv) != 200) return -1;
        std::istringstream lines(csv);
        std::string header;
        std::getline(lines, header);
        const auto split = [](const std::string& line) {
            std::vector<std::string> cells;
            std::stringstream in(line);
            for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
            return cells;
        };
        const auto names = split(header.substr(header.find(' ') + 1));
        const auto at = std::find(names.begin(), names.end(), column) - names.begin();
        for (std::string line; std::getline(lines, line);) {
            const auto cells = split(line);
            if (cells.size() > 1 && cells[0] == "llamas" && cells[1] == row &&
                static_cast<std::size_t>(at) < cells.size())
                return cells[static_cast<std::size_t>(at)].empty() ? 0 : std::stol(cells[static_cast<std::size_t>(at)]);
        }
        return -1;
    }

private:
    std::string config_;
    int port_ = 0;
    int stats_port_ = 0;
    Process process_;
};

}  // namespace

TEST_CASE(
    "behind HAProxy, 300 calls keep their connections, wait out its 503s' Retry-After, "
    "and lose nothing when a backend is killed and restarted mid-run",
    "[haproxy]") {
    Fleet fleet;
    Haproxy proxy(fleet);
    auto counters = std::make_shared<Counters>();
    instructor::ClientOptions options{.base_url = proxy.url()};
    options.http_retries = {.max_retries = 6, .initial_delay = milliseconds(200)};
    options.hooks = counting(counters);
    const auto client = instructor::from_provider("llama-cpp/stories260K", options);
    constexpr int concurrency = kServers * kSlots;

    const Outcome calm = run_batch(client, {.max_concurrency = concurrency});
    const long connections = proxy.stat("FRONTEND", "stot");
    const long proxied = proxy.stat("FRONTEND", "req_tot");
    std::cout << "\nthrough HAProxy: " << kCalls << " calls in " << calm.seconds << " s: " << calm.values << " values; "
              << counters->http_retries << " HTTP retries; " << proxied << " requests over " << connections
              << " connections\n";
    CHECK(calm.values == kCalls);
    CHECK(calm.answered_twice == 0);
    {
        // The proxy's three 503s, each waited out for its Retry-After (1 s) and sent again.
        std::lock_guard lock(counters->mutex);
        REQUIRE(counters->reasons.size() == 3);
        for (std::size_t i = 0; i < 3; ++i) {
            CHECK(counters->reasons[i].find("HTTP 503") == 0);
            CHECK(counters->delays[i] == milliseconds(1000));
        }
    }
    // Keep-alive through the proxy: the client's connections carried every request.
    CHECK(proxied >= kCalls + 3);
    CHECK(connections <= concurrency + 3);

    // A backend killed mid-run, and restarted 5 s later.
    counters->http_retries = 0;
    const long backend_before = proxy.stat("llama-2", "hrsp_2xx");
    KillAndRestart chaos(*fleet.servers[1], kCalls / 5);
    instructor::BatchOptions batch{.max_concurrency = concurrency};
    batch.on_progress = [&](const instructor::BatchProgress& progress) { chaos.on_progress(progress); };
    const Outcome killed = run_batch(client, batch);
    std::cout << "through HAProxy, llama-2 killed and restarted 5 s later: " << kCalls << " calls in " << killed.seconds
              << " s: " << killed.values << " values, " << killed.other_errors << " errors; " << counters->http_retries
              << " HTTP retries (502s of the calls it held)\n";
    REQUIRE(chaos.killed());
    CHECK(killed.values == kCalls);
    CHECK(killed.answered_twice == 0);
    if (!killed.first_error.empty()) WARN(killed.first_error);
    chaos.wait_restarted();
    const long at_restart = proxy.stat("llama-2", "hrsp_2xx");
    // HAProxy sees it healthy again (rise 2 of 300 ms) and gives it calls.
    auto few = requests();
    few.resize(24);
    REQUIRE(eventually([&] {
        (void)client.create_many<UserDetail>(few, {.max_concurrency = concurrency});
        return proxy.stat("llama-2", "hrsp_2xx") > at_restart;
    }));
    std::cout << "llama-2 answered " << at_restart - backend_before << " calls before it was killed and "
              << proxy.stat("llama-2", "hrsp_2xx") - at_restart << " after its restart\n";
}
