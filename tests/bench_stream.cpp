// Client-side cost of streaming a list with create_iterable<T>, against the list's length, beside a
// bare libcurl client reading the same stream.
//
//     ./build/release/tests/bench_stream [max N] [HTTP chunk bytes]      (default 10000; both writes)
//
// For N = 10, 100, 1000, 10000 items (~85 bytes each, so 1000 items are ~85 KB of JSON) the local
// test server streams an OpenAI-dialect SSE reply in tools mode: the tool call's arguments
// {"tasks":[{...},...]} arrive as fragments of 4 bytes, one SSE event per fragment as OpenAI sends
// them, then the finish chunk, a usage chunk and data: [DONE]. Two ways of writing that body, each
// write its own HTTP chunk and send() on loopback:
//  - one event per write, as real servers send a token at a time: a 1000-item reply is 21,000
//    writes, and the client's cost per event is what shows;
//  - 16 KiB per write, so that the floor is the cost of reading the bytes, not of the wake-ups.
// A second argument runs only that many bytes per write instead.
//
// Memory: the peak resident size of the process during each call (the peak is reset before it,
// through /proc/self/clear_refs) above its resident size before the call, for both clients; the
// server's share is the same for both.
//
// What is measured is the CPU time of the calling thread only (CLOCK_THREAD_CPUTIME_ID): the server
// runs on its own threads in this process and is not counted. The bare client is the floor: it
// POSTs the same body and counts the bytes it receives, parsing nothing. Each figure is the best of
// a few runs. The cost should grow linearly in N (each ratio to the previous N about 10).
//
// Exits nonzero only when something does not work (a stream fails, or the item count is wrong);
// the timings are printed, not checked.

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <string>
#include <vector>

#include <instructor/instructor.hpp>

#include "test_server.hpp"

namespace {

using json = nlohmann::json;
using test_support::ScriptedReply;
using test_support::TestServer;

struct Item {
    std::string title;
    int priority;
    std::string owner;
};

constexpr std::size_t kPiece = 4;  // bytes per argument fragment

// 85 bytes: {"title":"Draft part 00042 of report","priority":3,"owner":"owner00042@example.com"}
std::string item_json(int i) {
    char number[16];
    std::snprintf(number, sizeof number, "%05d", i);
    return json{{"title", std::string("Draft part ") + number + " of report"},
                {"priority", 1 + i % 5},
                {"owner", std::string("owner") + number + "@example.com"}}
        .dump();
}

std::string arguments_for(int n) {
    std::string arguments = R"({"tasks":[)";
    for (int i = 0; i < n; ++i) {
        if (i) arguments += ',';
        arguments += item_json(i);
    }
    arguments += "]}";
    return arguments;
}

json openai_chunk(const json& delta, const json& finish = nullptr) {
    return {{"id", "chatcmpl-bench"},
            {"object", "chat.completion.chunk"},
            {"model", "bench"},
            {"choices", {{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}}}};
}

// The SSE stream of one tool call whose arguments arrive kPiece bytes at a time.
std::string tool_stream(const std::string& name, const std::string& arguments) {
    std::string body;
    auto event = [&](const json& data) { body += "data: " + data.dump() + "\n\n"; };
    event(openai_chunk({{"role", "assistant"},
                        {"content", nullptr},
                        {"tool_calls",
                         {{{"index", 0},
                           {"id", "call_1"},
                           {"type", "function"},
                           {"function", {{"name", name}, {"arguments", ""}}}}}}}));
    for (std::size_t at = 0; at < arguments.size(); at += kPiece)
        event(openai_chunk(
            {{"tool_calls", {{{"index", 0}, {"function", {{"arguments", arguments.substr(at, kPiece)}}}}}}}));
    event(openai_chunk(json::object(), "tool_calls"));
    event({{"id", "chatcmpl-bench"},
           {"object", "chat.completion.chunk"},
           {"model", "bench"},
           {"choices", json::array()},
           {"usage", {{"prompt_tokens", 40}, {"completion_tokens", 20}, {"total_tokens", 60}}}});
    body += "data: [DONE]\n\n";
    return body;
}

double thread_cpu_seconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

double wall_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Resident memory from /proc/self/status, in KiB: "VmRSS" now, "VmHWM" the peak since the last reset.
long status_kib(const char* field) {
    std::FILE* status = std::fopen("/proc/self/status", "r");
    if (status == nullptr) return -1;
    char line[256];
    long kib = -1;
    const std::size_t length = std::strlen(field);
    while (std::fgets(line, sizeof line, status) != nullptr)
        if (std::strncmp(line, field, length) == 0 && line[length] == ':') kib = std::atol(line + length + 1);
    std::fclose(status);
    return kib;
}

// Resets the peak (Linux 4.0+); false where that is not possible.
bool reset_peak() {
    std::FILE* refs = std::fopen("/proc/self/clear_refs", "w");
    if (refs == nullptr) return false;
    const bool written = std::fputs("5", refs) >= 0;
    return std::fclose(refs) == 0 && written;
}

// Runs `call` and returns how far the peak resident size rose above the size before it, in KiB
// (-1 when it cannot be measured).
template <class F>
long peak_rise_kib(F&& call) {
    const bool measurable = reset_peak();
    const long before = status_kib("VmRSS");
    call();
    const long peak = status_kib("VmHWM");
    return measurable && before >= 0 && peak >= 0 ? std::max(0L, peak - before) : -1;
}

size_t count_bytes(char*, size_t size, size_t count, void* out) {
    *static_cast<std::size_t*>(out) += size * count;
    return size * count;
}

// The floor: one reused easy handle posting the client's body and counting the reply's bytes.
class BareCurl {
public:
    BareCurl(const std::string& url, const std::string& body) : body_(body) {
        curl_ = curl_easy_init();
        headers_ = curl_slist_append(headers_, "Content-Type: application/json");
        headers_ = curl_slist_append(headers_, "Accept: text/event-stream");
        headers_ = curl_slist_append(headers_, "Authorization: Bearer sk-bench");
        curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
        curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body_.c_str());
        curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_.size()));
        curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &count_bytes);
        curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &received_);
    }
    ~BareCurl() {
        curl_slist_free_all(headers_);
        curl_easy_cleanup(curl_);
    }
    BareCurl(const BareCurl&) = delete;
    BareCurl& operator=(const BareCurl&) = delete;

    // CPU seconds for one stream; false when it fails or is not the expected size.
    bool read(std::size_t expected, double& cpu) {
        received_ = 0;
        const double start = thread_cpu_seconds();
        const CURLcode code = curl_easy_perform(curl_);
        cpu = thread_cpu_seconds() - start;
        if (code != CURLE_OK) {
            std::fprintf(stderr, "bare libcurl: %s\n", curl_easy_strerror(code));
            return false;
        }
        if (received_ != expected) {
            std::fprintf(stderr, "bare libcurl: %zu bytes received, %zu expected\n", received_, expected);
            return false;
        }
        return true;
    }

private:
    std::string body_;
    CURL* curl_ = nullptr;
    curl_slist* headers_ = nullptr;
    std::size_t received_ = 0;
};

instructor::Request request() {
    return {.model = "bench-model",
            .messages = {instructor::system("List the tasks."), instructor::user("Plan the quarterly report.")},
            .max_retries = 0};
}

// CPU seconds for one create_iterable over a stream of n items; false when the count is wrong.
bool instructor_read(const instructor::Client& client, int n, double& cpu) {
    int count = 0;
    bool in_order = true;
    const double start = thread_cpu_seconds();
    try {
        client.create_iterable<Item>(request(), [&](Item item) {
            if (item.priority != 1 + count % 5) in_order = false;
            ++count;
        });
    } catch (const std::exception& e) {
        cpu = thread_cpu_seconds() - start;
        std::fprintf(stderr, "instructor, N = %d: %s\n", n, e.what());
        return false;
    }
    cpu = thread_cpu_seconds() - start;
    if (count != n || !in_order) {
        std::fprintf(stderr, "instructor, N = %d: %d items handed over%s\n", n, count,
                     in_order ? "" : ", out of order");
        return false;
    }
    return true;
}

int runs_for(int n) { return n <= 10 ? 20 : n <= 100 ? 10 : n <= 1000 ? 5 : 3; }

// The stream cut at its event boundaries ("\n\n"): one write per event.
std::vector<std::string> one_event_per_write(const std::string& stream) {
    std::vector<std::string> writes;
    for (std::size_t at = 0; at < stream.size();) {
        const auto end = stream.find("\n\n", at);
        const std::size_t next = end == std::string::npos ? stream.size() : end + 2;
        writes.push_back(stream.substr(at, next - at));
        at = next;
    }
    return writes;
}

int run(int max_n, std::size_t http_chunk);

}  // namespace

int main(int argc, char** argv) {
    const int max_n = argc > 1 ? std::atoi(argv[1]) : 10000;
    const long chunk_arg = argc > 2 ? std::atol(argv[2]) : -1;
    if (max_n < 10 || chunk_arg == 0 || chunk_arg < -1) {
        std::fprintf(stderr, "usage: bench_stream [max N >= 10] [HTTP chunk bytes >= 1]\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int status = 0;
    if (chunk_arg > 0) {
        status = run(max_n, static_cast<std::size_t>(chunk_arg));
    } else {
        // One token per event, each event its own write (what real servers do), then 16 KiB writes.
        status = run(max_n, 0);
        if (status == 0) status = run(max_n, 16384);
    }
    curl_global_cleanup();
    return status;
}

namespace {

// http_chunk: bytes per write, or 0 for one event per write.
int run(int max_n, std::size_t http_chunk) {
    const double wall_start = wall_seconds();
    TestServer server;
    instructor::ClientOptions options{.base_url = server.base_url() + "/v1", .api_key = "sk-bench"};
    options.http_retries.max_retries = 0;  // a failure is a failure, not a retry
    const auto client = instructor::from_openai(options, instructor::Mode::tools);
    const std::string tool_name = instructor::response_model<std::vector<Item>>().name;

    auto reply_for = [&](const std::string& stream) {
        return ScriptedReply{
            .content_type = "text/event-stream",
            .chunks = http_chunk == 0 ? one_event_per_write(stream) : ScriptedReply::split_every(stream, http_chunk)};
    };

    // Warm up both clients (and learn the exact body the client POSTs).
    const std::string warm = tool_stream(tool_name, arguments_for(10));
    double ignored = 0;
    server.enqueue(reply_for(warm));
    if (!instructor_read(client, 10, ignored)) return 1;
    const std::string body = server.requests().back().body;
    BareCurl bare(server.base_url() + "/v1/chat/completions", body);
    server.enqueue(reply_for(warm));
    if (!bare.read(warm.size(), ignored)) return 1;

    if (http_chunk == 0)
        std::printf(
            "create_iterable<Item>, tools mode, OpenAI SSE; arguments in %zu-byte fragments (one event each),\n"
            "one event per HTTP write (a token at a time, as real servers send); client thread CPU, best of\n"
            "several runs; peak memory rise during a call (resident, MiB)\n\n",
            kPiece);
    else
        std::printf(
            "create_iterable<Item>, tools mode, OpenAI SSE; arguments in %zu-byte fragments (one event each),\n"
            "the body in %zu-byte HTTP writes; client thread CPU, best of several runs; peak memory rise\n"
            "during a call (resident, MiB)\n\n",
            kPiece, http_chunk);
    std::printf("%7s %10s %11s %9s %13s %9s %8s %9s %9s %9s %7s\n", "N", "JSON B", "stream B", "floor ms",
                "instructor ms", "/floor", "floor xN", "instr xN", "floor MiB", "instr MiB", "wall s");
    double previous_floor = 0;
    double previous_ours = 0;
    for (int n = 10; n <= max_n; n *= 10) {
        const double n_start = wall_seconds();
        const std::string arguments = arguments_for(n);
        const std::string stream = tool_stream(tool_name, arguments);
        const ScriptedReply reply = reply_for(stream);
        double floor = 1e300;
        double ours = 1e300;
        long floor_kib = 0;
        long ours_kib = 0;
        for (int run = 0; run < runs_for(n); ++run) {
            double cpu = 0;
            bool ok = true;
            server.enqueue(reply);
            floor_kib = std::max(floor_kib, peak_rise_kib([&] { ok = bare.read(stream.size(), cpu); }));
            if (!ok) return 1;
            floor = std::min(floor, cpu);
            server.enqueue(reply);
            ours_kib = std::max(ours_kib, peak_rise_kib([&] { ok = instructor_read(client, n, cpu); }));
            if (!ok) return 1;
            ours = std::min(ours, cpu);
        }
        const double n_wall = wall_seconds() - n_start;
        char floor_ratio[16] = "-";
        char ours_ratio[16] = "-";
        if (previous_floor > 0) {
            std::snprintf(floor_ratio, sizeof floor_ratio, "%.1f", floor / previous_floor);
            std::snprintf(ours_ratio, sizeof ours_ratio, "%.1f", ours / previous_ours);
        }
        std::printf("%7d %10zu %11zu %9.2f %13.2f %8.1fx %8s %9s %9.1f %9.1f %7.1f\n", n, arguments.size(),
                    stream.size(), floor * 1e3, ours * 1e3, ours / floor, floor_ratio, ours_ratio, floor_kib / 1024.0,
                    ours_kib / 1024.0, n_wall);
        std::fflush(stdout);
        previous_floor = floor;
        previous_ours = ours;
    }
    std::printf("\nwhole run: %.1f s wall\n\n", wall_seconds() - wall_start);
    return 0;
}
}  // namespace
