// Many calls at once: create_many against a server that holds each reply 100 ms, beside a bare
// libcurl multi client doing the same POSTs (the floor) and one std::thread per call.
//
//     ./build/release/tests/bench_batch [calls] [concurrency]      (default 1000 100)
//
// The server runs in a child process, so the CPU figures are the client's alone (getrusage of
// this process: every thread of it). "CPU per call" of the batch is compared with a sequential
// create<T> of the same request against an instant reply. Peak memory is the growth of this
// process's peak resident set during the run.

#include <curl/curl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <instructor/instructor.hpp>

#include "bench_support.hpp"
#include "test_server.hpp"

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Person {
    std::string name;
    int age;
};

using test_support::kPersonReply;
using test_support::process_cpu_seconds;

long status_kib(const char* field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::string(field).size());
    return 0;
}

void reset_peak_memory() { std::ofstream("/proc/self/clear_refs") << "5"; }

// The server, in a child process: /slow/... answers after 100 ms, anything else at once.
pid_t start_server(int threads, int& port) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) std::exit(1);
    const pid_t child = fork();
    if (child == 0) {
        close(pipe_fds[0]);
        test_support::TestServer server(threads);
        server.respond_with([](const test_support::RecordedRequest& request) {
            test_support::ScriptedReply reply;
            reply.body = kPersonReply;
            reply.delay_ms = request.path.rfind("/slow", 0) == 0 ? 100 : 0;
            return reply;
        });
        const int p = server.port();
        if (write(pipe_fds[1], &p, sizeof p) != sizeof p) std::_Exit(1);
        close(pipe_fds[1]);
        for (;;) pause();
    }
    close(pipe_fds[1]);
    if (read(pipe_fds[0], &port, sizeof port) != sizeof port) std::exit(1);
    close(pipe_fds[0]);
    return child;
}

instructor::Request request() {
    return {.model = "m", .messages = {instructor::user("Jason is 30 years old")}, .max_retries = 0};
}

struct Run {
    double wall = 0;
    double cpu = 0;
    long threads = 0;
    long peak_kib = 0;
};

template <class F>
Run measure(F&& work) {
    reset_peak_memory();
    const long rss_before = status_kib("VmRSS:");
    std::atomic<long> threads{status_kib("Threads:")};
    std::atomic<bool> done{false};
    std::thread sampler([&] {  // the most threads this process had while the work ran
        while (!done) {
            threads = std::max(threads.load(), status_kib("Threads:"));
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    const double cpu = process_cpu_seconds();
    const auto start = Clock::now();
    work();
    Run run;
    run.wall = std::chrono::duration<double>(Clock::now() - start).count();
    run.cpu = process_cpu_seconds() - cpu;
    done = true;
    sampler.join();
    run.threads = threads - 1;  // not the sampler
    run.peak_kib = status_kib("VmHWM:") - rss_before;
    return run;
}

size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

// The floor: libcurl's multi interface, `calls` POSTs of a prepared body, `concurrency` at once.
void bare_multi(const std::string& url, const std::string& body, int calls, int concurrency) {
    CURLM* multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(concurrency));
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    std::vector<CURL*> idle;
    int started = 0, finished = 0, running = 0;
    const auto start_one = [&] {
        CURL* easy = idle.empty() ? curl_easy_init() : idle.back();
        if (!idle.empty()) idle.pop_back();
        curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &discard);
        curl_multi_add_handle(multi, easy);
        ++started;
    };
    while (started < std::min(calls, concurrency)) start_one();
    while (finished < calls) {
        curl_multi_perform(multi, &running);
        int pending = 0;
        while (CURLMsg* message = curl_multi_info_read(multi, &pending)) {
            if (message->msg != CURLMSG_DONE) continue;
            curl_multi_remove_handle(multi, message->easy_handle);
            idle.push_back(message->easy_handle);
            ++finished;
            if (started < calls) start_one();
        }
        curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
    for (CURL* easy : idle) curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
    curl_multi_cleanup(multi);
}

void print(const char* name, int calls, const Run& run, double ideal) {
    std::printf("%-40s %8.2f s %8.2f x %10.1f us %8ld %10.1f MiB\n", name, run.wall, run.wall / ideal,
                run.cpu / calls * 1e6, run.threads, static_cast<double>(run.peak_kib) / 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
    const int calls = argc > 1 ? std::atoi(argv[1]) : 1000;
    const int concurrency = argc > 2 ? std::atoi(argv[2]) : 100;
    int port = 0;
    const pid_t server = start_server(concurrency + 64, port);
    const std::string base = "http://127.0.0.1:" + std::to_string(port);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    const auto slow = instructor::from_openai({.base_url = base + "/slow/v1"}, instructor::Mode::json_schema);
    const auto fast = instructor::from_openai({.base_url = base + "/fast/v1"}, instructor::Mode::json_schema);
    std::vector<instructor::Request> requests(static_cast<std::size_t>(calls), request());

    // CPU per call of one create<T> at a time, against an instant reply: the reference.
    for (int i = 0; i < 50; ++i) (void)fast.create<Person>(request());
    // The median of three runs: a short run's CPU time swings with the machine.
    const int sequential_calls = 1000;
    std::vector<double> sequential_runs;
    for (int run = 0; run < 3; ++run)
        sequential_runs.push_back(measure([&] {
                                      for (int i = 0; i < sequential_calls; ++i)
                                          if (fast.create<Person>(request()).age != 30) std::exit(1);
                                  }).cpu);
    std::sort(sequential_runs.begin(), sequential_runs.end());
    const double sequential_cpu = sequential_runs[1];

    const double ideal = static_cast<double>(calls) / concurrency * 0.1;
    std::printf("%d calls, %d at once, each reply held 100 ms: ideal wall time %.2f s\n", calls, concurrency, ideal);
    std::printf("%-40s %10s %10s %13s %8s %14s\n", "", "wall", "vs ideal", "CPU per call", "threads", "peak memory");
    const std::string body = slow.provider().write_body(
        [&] {
            auto r = request();
            r.response_models = {instructor::response_model<Person>()};
            return r;
        }(),
        instructor::Mode::json_schema);
    const Run floor = measure([&] { bare_multi(base + "/slow/v1/chat/completions", body, calls, concurrency); });
    print("floor: bare libcurl multi", calls, floor, ideal);

    std::size_t ok = 0;
    const Run batch = measure([&] {
        const auto results = slow.create_many<Person>(requests, {.max_concurrency = concurrency});
        for (const auto& r : results) ok += r.has_value() ? 1 : 0;
    });
    print("create_many", calls, batch, ideal);
    if (ok != static_cast<std::size_t>(calls)) std::fprintf(stderr, "only %zu of %d calls succeeded\n", ok, calls);

    if (calls <= 2000) {
        const Run threads = measure([&] {
            std::vector<std::thread> workers;
            workers.reserve(static_cast<std::size_t>(calls));
            std::atomic<int> done_ok{0};
            for (int i = 0; i < calls; ++i)
                workers.emplace_back([&] { done_ok += slow.create<Person>(request()).age == 30 ? 1 : 0; });
            for (auto& worker : workers) worker.join();
        });
        print("one std::thread per call (all at once)", calls, threads, ideal);
    }
    std::printf("sequential create<T>, instant reply: %.1f us CPU per call; create_many: %.2fx that\n",
                sequential_cpu / sequential_calls * 1e6, (batch.cpu / calls) / (sequential_cpu / sequential_calls));
    kill(server, SIGTERM);
    waitpid(server, nullptr, 0);
    return ok == static_cast<std::size_t>(calls) ? 0 : 1;
}
