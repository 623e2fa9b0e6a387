// Client-side cost of one create<T> call, beside a bare libcurl client doing the same POSTs.
//
//     ./build/release/tests/bench_client [calls]      (default 2000)
//
// Both clients talk to the local test server on 127.0.0.1 and reuse one connection. What is
// measured is the CPU time of the calling thread only (CLOCK_THREAD_CPUTIME_ID): the server runs
// on its own threads in this process and is not counted. The bare client is the floor: it builds
// nothing, parses nothing, validates nothing. The difference is what instructor adds per call:
// the request body, headers, JSON parsing of the reply, decoding the tool call, and validation.

#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include <instructor/instructor.hpp>

#include "test_server.hpp"

namespace {

using json = nlohmann::json;

struct Address {
    std::string street;
    std::string city;
    instructor::Annotated<std::string, instructor::pattern("^[0-9]{5}$")> zip;
};

struct UserDetail {
    std::string name;
    instructor::Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
    std::vector<std::string> emails;
    Address address;
};

const char* const kArguments = R"({"name":"Jason","age":30,"emails":["jason@example.com","j@example.org"],)"
                               R"("address":{"street":"1 Main St","city":"Springfield","zip":"12345"}})";

std::string tool_reply() {
    return json{{"id", "chatcmpl-bench"},
                {"object", "chat.completion"},
                {"model", "bench"},
                {"choices",
                 {{{"index", 0},
                   {"message",
                    {{"role", "assistant"},
                     {"content", nullptr},
                     {"tool_calls",
                      {{{"id", "call_1"},
                        {"type", "function"},
                        {"function", {{"name", "UserDetail"}, {"arguments", kArguments}}}}}}}},
                   {"finish_reason", "stop"}}}},
                {"usage", {{"prompt_tokens", 120}, {"completion_tokens", 40}, {"total_tokens", 160}}}}
        .dump();
}

double thread_cpu_seconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

size_t collect(char* data, size_t size, size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
}

// The floor: one reused easy handle posting a prepared body, keeping the reply bytes.
class BareCurl {
public:
    BareCurl(const std::string& url, const std::string& body) : body_(body) {
        curl_ = curl_easy_init();
        headers_ = curl_slist_append(headers_, "Content-Type: application/json");
        headers_ = curl_slist_append(headers_, "Authorization: Bearer sk-bench");
        curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
        curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body_.c_str());
        curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_.size()));
        curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &collect);
        curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &reply_);
    }
    ~BareCurl() {
        curl_slist_free_all(headers_);
        curl_easy_cleanup(curl_);
    }
    BareCurl(const BareCurl&) = delete;
    BareCurl& operator=(const BareCurl&) = delete;

    double cpu_per_call(int calls) {
        const double start = thread_cpu_seconds();
        for (int i = 0; i < calls; ++i) {
            reply_.clear();
            if (curl_easy_perform(curl_) != CURLE_OK) {
                std::fprintf(stderr, "bare libcurl call failed\n");
                std::exit(1);
            }
        }
        return (thread_cpu_seconds() - start) / calls;
    }

private:
    std::string body_;
    std::string reply_;
    CURL* curl_ = nullptr;
    curl_slist* headers_ = nullptr;
};

// instructor's libcurl transport alone, given the same prepared request: what the transport adds.
double transport_cpu_per_call(const instructor::Transport& transport, const instructor::HttpRequest& request,
                              int calls) {
    const double start = thread_cpu_seconds();
    for (int i = 0; i < calls; ++i)
        if (transport(request).status != 200) std::exit(1);
    return (thread_cpu_seconds() - start) / calls;
}

instructor::Request request() {
    return {.model = "bench-model",
            .messages = {instructor::system("Extract the user."),
                         instructor::user("Jason is 30, writes from jason@example.com and j@example.org, and lives at "
                                          "1 Main St, Springfield 12345.")},
            .max_retries = 0};
}

double client_cpu_per_call(const instructor::Client& client, int calls) {
    const double start = thread_cpu_seconds();
    for (int i = 0; i < calls; ++i) {
        const auto user = client.create<UserDetail>(request());
        if (user.age != 30) std::exit(1);
    }
    return (thread_cpu_seconds() - start) / calls;
}

}  // namespace

int main(int argc, char** argv) {
    const int calls = argc > 1 ? std::atoi(argv[1]) : 2000;
    const int warmup = 20;
    const int threads = 4;
    constexpr int kRounds = 10;
    if (calls < threads) {
        std::fprintf(stderr, "usage: bench_client [calls >= %d]\n", threads);
        return 2;
    }
    test_support::TestServer server;
    const std::string reply = tool_reply();
    for (int i = 0; i < 3 * (calls + warmup) + calls; ++i) server.enqueue({.body = reply});

    const auto client = instructor::from_openai({.base_url = server.base_url() + "/v1", .api_key = "sk-bench"},
                                                instructor::Mode::tools);
    (void)client_cpu_per_call(client, warmup);
    const std::string body = server.requests().back().body;  // exactly what the client sends
    const std::string url = server.base_url() + "/v1/chat/completions";
    BareCurl bare(url, body);
    (void)bare.cpu_per_call(warmup);
    const instructor::Transport transport = instructor::curl_transport();
    const instructor::HttpRequest prepared{
        .url = url,
        .headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer sk-bench"}},
        .body = body};
    (void)transport_cpu_per_call(transport, prepared, warmup);

    // Rounds alternate the three, so that a busy moment of the machine hits all of them alike; the
    // best round of each is kept.
    double floor = 1e300;
    double transport_only = 1e300;
    double ours = 1e300;
    const int per_round = std::max(1, calls / kRounds);
    for (int round = 0; round < kRounds; ++round) {
        floor = std::min(floor, bare.cpu_per_call(per_round));
        transport_only = std::min(transport_only, transport_cpu_per_call(transport, prepared, per_round));
        ours = std::min(ours, client_cpu_per_call(client, per_round));
    }

    // Many calls at once: one client shared by several threads, each thread's CPU summed.
    std::vector<double> spent(threads);
    const auto wall_start = std::chrono::steady_clock::now();
    {
        std::vector<std::jthread> workers;
        for (int t = 0; t < threads; ++t)
            workers.emplace_back(
                [&, t] { spent[t] = client_cpu_per_call(client, calls / threads) * (calls / threads); });
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    double shared_cpu = 0;
    for (double s : spent) shared_cpu += s;
    const int shared_calls = threads * (calls / threads);

    std::printf("request body %zu bytes, reply %zu bytes, %d sequential calls each\n", body.size(), reply.size(),
                calls);
    std::printf("bare libcurl (floor)        %8.1f us CPU per call\n", floor * 1e6);
    std::printf("curl_transport() alone      %8.1f us CPU per call  (%.2fx the floor, +%.1f us)\n",
                transport_only * 1e6, transport_only / floor, (transport_only - floor) * 1e6);
    std::printf("instructor create<T>        %8.1f us CPU per call  (%.2fx the floor, +%.1f us)\n", ours * 1e6,
                ours / floor, (ours - floor) * 1e6);
    std::printf("%d threads, one client      %8.1f us CPU per call, %.0f calls/s wall\n", threads,
                shared_cpu / shared_calls * 1e6, shared_calls / wall);
    return 0;
}
