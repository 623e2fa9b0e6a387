// What writing and reading a batch job's files costs: create_batch in files-only mode writes the
// request file of N requests (each body what create<T> sends, in tools mode), then reads a result
// file of N replies into typed values (on_result: nothing kept), beside the same files written and
// parsed with plain nlohmann/json (a DOM per body and per line, the floor a hand-written job would
// start from). Figures, not pass/fail: CTest runs it tiny, so that it keeps building and working.
//
//     ./build/release/tests/bench_batch_files 50000
//
// Prints time per line and the peak resident memory each phase added, at N/10 and N lines: memory
// that stays flat as N grows is what streaming the files buys.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <unistd.h>
#include <vector>

#include <instructor/instructor.hpp>

#include "corpus/corpus_types.hpp"

namespace {

using json = nlohmann::json;

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

bool reset_peak() {
    std::FILE* refs = std::fopen("/proc/self/clear_refs", "w");
    if (refs == nullptr) return false;
    const bool written = std::fputs("5", refs) >= 0;
    return std::fclose(refs) == 0 && written;
}

struct Measure {
    double seconds = 0;
    long peak_kib = -1;
};

Measure measure(const std::function<void()>& run) {
    const bool measurable = reset_peak();
    const long before = status_kib("VmRSS");
    const auto start = std::chrono::steady_clock::now();
    run();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const long peak = status_kib("VmHWM");
    return {seconds, measurable && before >= 0 && peak >= 0 ? std::max(0L, peak - before) : -1};
}

// A valid answer of each type, as a model would write it.
template <class T>
std::string answer(std::size_t i);

template <>
std::string answer<corpus::Invoice>(std::size_t i) {
    return json{
        {"invoice_number", "INV-" + std::to_string(i)},
        {"issued_on", "2026-03-01"},
        {"status", "SENT"},
        {"lines",
         {{{"sku", "ABC-1234"},
           {"label", "Widget, blue"},
           {"quantity", 3},
           {"unit_price", {{"amount_minor", 1250}, {"currency", "EUR"}}},
           {"discount_rate", 0.1}}}},
        {"bill_to", {{"street", "1 Main St"}, {"city", "Springfield"}, {"postal_code", "12345"}, {"country", "US"}}},
        {"total", {{"amount_minor", 3375}, {"currency", "EUR"}}}}
        .dump();
}

template <>
std::string answer<corpus::UserProfile>(std::size_t i) {
    return json{{"full_name", "Ana Lopez " + std::to_string(i)},
                {"age", 34},
                {"email", "ana" + std::to_string(i) + "@example.com"},
                {"interests", {"chess", "running"}}}
        .dump();
}

template <class T>
std::string tool_name() {
    return instructor::response_model<T>().name;
}

// The output line OpenAI writes for a tool call answering `custom_id`.
template <class T>
std::string output_line(const std::string& custom_id, std::size_t i) {
    const json body{{"id", "chatcmpl-" + std::to_string(i)},
                    {"object", "chat.completion"},
                    {"model", "gpt-4o-mini"},
                    {"choices",
                     {{{"index", 0},
                       {"message",
                        {{"role", "assistant"},
                         {"content", nullptr},
                         {"tool_calls",
                          {{{"id", "call_" + std::to_string(i)},
                            {"type", "function"},
                            {"function", {{"name", tool_name<T>()}, {"arguments", answer<T>(i)}}}}}}}},
                       {"finish_reason", "tool_calls"}}}},
                    {"usage", {{"prompt_tokens", 310}, {"completion_tokens", 95}, {"total_tokens", 405}}}};
    return json{{"id", "batch_req_" + std::to_string(i)},
                {"custom_id", custom_id},
                {"response", {{"status_code", 200}, {"request_id", "req_" + std::to_string(i)}, {"body", body}}},
                {"error", nullptr}}
               .dump() +
           "\n";
}

std::vector<instructor::Request> requests_of(std::size_t n) {
    std::vector<instructor::Request> requests;
    requests.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        requests.push_back(
            {.model = "gpt-4o-mini",
             .messages = {instructor::system("Extract the record from the document."),
                          instructor::user("Document " + std::to_string(i) + ": Invoice INV-" + std::to_string(i) +
                                           " issued 2026-03-01 to 1 Main St, Springfield 12345, for 3 "
                                           "blue widgets (ABC-1234) at 12.50 EUR less 10%.")},
             .max_retries = 1});
    return requests;
}

struct Row {
    Measure write, read;
    std::size_t values = 0;
};

// The library: create_batch, files only (round 1 written, then its result file read).
template <class T>
Row library(const instructor::Client& client, const std::vector<instructor::Request>& requests,
            const std::filesystem::path& dir) {
    Row row;
    const std::string state = (dir / "job.json").string();
    const instructor::BatchJobOptions options{.state_file = state, .files_only = true};
    std::string results_file;
    row.write = measure([&] {
        try {
            instructor::create_batch<T>(client, requests, options, [](auto&&) {});
        } catch (const instructor::BatchError& waiting) {
            results_file = waiting.result_file();
        }
    });
    {
        std::ofstream out(results_file, std::ios::binary);
        for (std::size_t i = 0; i < requests.size(); ++i) out << output_line<T>("item-" + std::to_string(i), i);
    }
    row.read = measure([&] {
        instructor::create_batch<T>(client, requests, options,
                                    [&](instructor::BatchResult<instructor::Extraction<T>> done) {
                                        if (done.result) ++row.values;
                                    });
    });
    return row;
}

// The floor: the same files through nlohmann/json, a DOM per body and per line.
template <class T>
Row plain(const std::vector<instructor::Request>& requests, const std::filesystem::path& dir) {
    Row row;
    const std::string path = (dir / "plain.jsonl").string();
    const auto model = instructor::response_model<T>();
    row.write = measure([&] {
        std::ofstream out(path, std::ios::binary);
        for (std::size_t i = 0; i < requests.size(); ++i) {
            const auto& request = requests[i];
            json messages = json::array();
            for (const auto& message : request.messages)
                messages.push_back({{"role", message.role == instructor::Role::system ? "system" : "user"},
                                    {"content", message.content}});
            const json body{
                {"model", request.model},
                {"messages", std::move(messages)},
                {"tools",
                 {{{"type", "function"},
                   {"function",
                    {{"name", model.name}, {"description", model.description}, {"parameters", *model.schema}}}}}},
                {"tool_choice", {{"type", "function"}, {"function", {{"name", model.name}}}}}};
            out << json{{"custom_id", "item-" + std::to_string(i)},
                        {"method", "POST"},
                        {"url", "/v1/chat/completions"},
                        {"body", body}}
                       .dump()
                << '\n';
        }
    });
    {
        std::ofstream out(path, std::ios::binary);
        for (std::size_t i = 0; i < requests.size(); ++i) out << output_line<T>("item-" + std::to_string(i), i);
    }
    row.read = measure([&] {
        std::ifstream in(path, std::ios::binary);
        for (std::string text; std::getline(in, text);) {
            const json line = json::parse(text);
            const json& call = line["response"]["body"]["choices"][0]["message"]["tool_calls"][0];
            auto value = instructor::try_from_json<T>(call["function"]["arguments"].get<std::string>());
            if (value) ++row.values;
        }
    });
    return row;
}

void print(const char* what, std::size_t n, const Row& row) {
    const auto per_line = [&](const Measure& m) { return m.seconds * 1e6 / static_cast<double>(n); };
    std::printf("| %-38s | %7zu | %8.2f us | %9ld KiB | %8.2f us | %9ld KiB | %7zu |\n", what, n, per_line(row.write),
                row.write.peak_kib, per_line(row.read), row.read.peak_kib, row.values);
}

template <class T>
void compare(const char* type, std::size_t n) {
    const auto client = instructor::from_provider("openai/gpt-4o-mini", {.api_key = "sk-bench"});
    for (const std::size_t lines : {n / 10 == 0 ? 1 : n / 10, n}) {
        const auto requests = requests_of(lines);
        const auto dir = std::filesystem::temp_directory_path() / ("bench-batch-files-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        const Row floor = plain<T>(requests, dir);
        const Row ours = library<T>(client, requests, dir);
        print((std::string(type) + ", floor: nlohmann/json").c_str(), lines, floor);
        print((std::string(type) + ", create_batch (files only)").c_str(), lines, ours);
        std::filesystem::remove_all(dir);
        if (ours.values != lines || floor.values != lines) {
            std::fprintf(stderr, "bench_batch_files: %zu of %zu values read (floor: %zu)\n", ours.values, lines,
                         floor.values);
            std::exit(1);
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 50'000;
    std::printf(
        "Batch job files: write N request lines (tools mode), read N result lines into typed values.\n"
        "Wall time per line; peak resident memory each phase added (the requests themselves excluded).\n\n");
    std::printf("| %-38s | %7s | %11s | %13s | %11s | %13s | %7s |\n", "run", "lines", "write/line", "write peak",
                "read/line", "read peak", "values");
    std::printf("|%s|%s|%s|%s|%s|%s|%s|\n", std::string(40, '-').c_str(), std::string(9, '-').c_str(),
                std::string(13, '-').c_str(), std::string(15, '-').c_str(), std::string(13, '-').c_str(),
                std::string(15, '-').c_str(), std::string(9, '-').c_str());
    compare<corpus::Invoice>("Invoice", n);
    compare<corpus::UserProfile>("UserProfile", n);
    return 0;
}
