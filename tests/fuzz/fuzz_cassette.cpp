// The cassette loader on a damaged file (a cassette edited by hand, cut short, merged badly, or
// written by someone else): the input is the file. It is opened in replay or record_missing mode
// (whose upstream answers a fixed reply, no network), and sent a request or two, plain or streamed.
// Whatever the file holds:
//  - only instructor::Error comes out (of opening it and of each exchange);
//  - a reply is an HTTP status (100 to 599), whatever number the file has there;
//  - opening and the exchanges take at most 2 s (a quadratic load of a long line is a finding);
//  - what record_missing wrote is read back: the file opened again in replay answers the same
//    requests, in the same order, with the same statuses and bodies; and no credential sent in a
//    request header was written.
//
// Input: [options][cassette file...]. options: bit 0 record_missing (else replay); bit 1 the
// plain request is sent twice; bit 2 the streamed request is sent; bit 3 the body that is not
// JSON is sent; bit 4 matching ignores /seed and /messages/0/content.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <instructor/cassette.hpp>

#include "fuzz_support.hpp"

namespace {

using json = nlohmann::json;

constexpr auto kLongest = std::chrono::seconds(2);
constexpr const char* kUrl = "http://127.0.0.1:8080/v1/chat/completions";
constexpr const char* kSecret = "sk-fuzz-secret-0123456789";

// The requests the harness sends (make_seeds.py writes cassettes holding them).
constexpr const char* kPlainBody = R"({"model":"test","messages":[{"role":"user","content":"Extract"}],"seed":1})";
constexpr const char* kStreamedBody =
    R"({"model":"test","messages":[{"role":"user","content":"Extract"}],"stream":true})";
constexpr const char* kTextBody = "not JSON: a form post";

// What the upstream answers in record_missing mode.
constexpr const char* kUpstreamReply =
    R"({"id":"chatcmpl-up","object":"chat.completion","model":"test","choices":[{"index":0,)"
    R"("message":{"role":"assistant","content":"{\"name\":\"Jason\",\"age\":30}"},"finish_reason":"stop"}]})";
constexpr const char* kUpstreamChunks[] = {
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"{\\\"name\\\":\"}}]}\n\n",
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\\"Jos\xC3",
    "\xA9\\\"}\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
};

struct Sent {
    const char* body;
    bool streamed;
};

// One exchange as the harness saw it: the status, and the body (a stream's chunks joined).
struct Outcome {
    int status = 0;
    std::string body;
    std::string error;  // what was thrown instead, if anything
};

instructor::HttpResponse upstream(const instructor::HttpRequest& request) {
    if (request.on_chunk) {
        for (const char* chunk : kUpstreamChunks)
            if (!request.on_chunk(chunk)) break;
        return {.status = 200, .headers = {{"Content-Type", "text/event-stream"}}, .body = {}};
    }
    if (request.body == kTextBody) return {.status = 503, .headers = {{"Retry-After", "1"}}, .body = "busy, try later"};
    return {.status = 200,
            .headers = {{"Content-Type", "application/json"}, {"x-request-id", "req_up"}},
            .body = kUpstreamReply};
}

Outcome exchange(const instructor::Transport& transport, const Sent& sent, std::string_view where) {
    Outcome outcome;
    instructor::HttpRequest request{
        .url = kUrl,
        .headers = {{"Content-Type", "application/json"}, {"Authorization", std::string("Bearer ") + kSecret}},
        .body = sent.body};
    if (sent.streamed)
        request.on_chunk = [&outcome](std::string_view chunk) {
            outcome.body.append(chunk);
            return true;
        };
    const bool thrown = fuzz::throws_only_instructor_errors(
        std::string(where) + " exchange",
        [&] {
            instructor::HttpResponse response = transport(request);
            outcome.status = response.status;
            outcome.body += response.body;
        },
        [&](const instructor::Error& e) { outcome.error = fuzz::type_name(e); });
    if (!thrown)
        FUZZ_CHECK(outcome.status >= 100 && outcome.status <= 599, std::string(where) + " answered with status " +
                                                                       std::to_string(outcome.status) +
                                                                       ", which is no HTTP status");
    return outcome;
}

// A cassette on the file, and the requests sent to it; nullopt when opening it threw.
std::optional<std::vector<Outcome>> session(const std::string& path, instructor::CassetteMode mode,
                                            const std::vector<std::string>& ignore, const std::vector<Sent>& requests) {
    const std::string where = mode == instructor::CassetteMode::replay ? "replay" : "record_missing";
    instructor::Transport transport;
    instructor::Transport answers;
    if (mode != instructor::CassetteMode::replay) answers = upstream;
    const bool refused = fuzz::throws_only_instructor_errors(where + " opening the cassette", [&] {
        transport = instructor::cassette({.path = path, .mode = mode, .upstream = answers, .ignore = ignore});
    });
    if (refused) return std::nullopt;
    std::vector<Outcome> outcomes;
    for (const auto& sent : requests) outcomes.push_back(exchange(transport, sent, where));
    return outcomes;
}

// Bodies compared as JSON when both are JSON (a cassette keeps a JSON body as JSON, re-written);
// not at all when they are too deep for the harness to compare (fuzz::comparable).
bool same_body(const std::string& a, const std::string& b) {
    if (a == b || !fuzz::comparable(a) || !fuzz::comparable(b)) return true;
    const json x = json::parse(a, nullptr, /*allow_exceptions=*/false);
    const json y = json::parse(b, nullptr, /*allow_exceptions=*/false);
    return !x.is_discarded() && !y.is_discarded() && x == y;
}

std::string file_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto started = std::chrono::steady_clock::now();
    fuzz::Input input(data, size);
    const std::uint8_t options = input.byte();
    const bool record_missing = (options & 1U) != 0;
    std::vector<Sent> requests{{kPlainBody, false}};
    if ((options & 2U) != 0) requests.push_back({kPlainBody, false});
    if ((options & 4U) != 0) requests.push_back({kStreamedBody, true});
    if ((options & 8U) != 0) requests.push_back({kTextBody, false});
    std::vector<std::string> ignore;
    if ((options & 16U) != 0) ignore = {"/seed", "/messages/0/content"};

    // One file per process (the replay runs each input in a process of its own).
    static const std::string path =
        (std::filesystem::temp_directory_path() / ("instructor-fuzz-cassette-" + std::to_string(::getpid()) + ".jsonl"))
            .string();
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        const std::string_view file = input.rest();
        out.write(file.data(), static_cast<std::streamsize>(file.size()));
    }

    const auto mode = record_missing ? instructor::CassetteMode::record_missing : instructor::CassetteMode::replay;
    const auto first = session(path, mode, ignore, requests);
    if (first && record_missing) {
        // record_missing keeps the lines it found and appends: a credential the file already held (the
        // fuzzer copies the dictionary's secret into the input) is not one the cassette wrote.
        const std::string written = file_text(path);
        const std::string_view found = input.rest();
        const auto occurrences = [](std::string_view text) {
            std::size_t n = 0;
            for (auto at = text.find(kSecret); at != std::string_view::npos; at = text.find(kSecret, at + 1)) ++n;
            return n;
        };
        const auto last = written.rfind(kSecret);  // appended lines come last
        FUZZ_CHECK(occurrences(written) <= occurrences(found),
                   "record_missing wrote the request's credential: " +
                       fuzz::shown(written.substr(last == std::string::npos || last < 60 ? 0 : last - 60)));
        // What was recorded reads back, and answers as it did.
        const auto again = session(path, instructor::CassetteMode::replay, ignore, requests);
        FUZZ_CHECK(again.has_value(), "the cassette record_missing wrote cannot be opened again");
        for (std::size_t i = 0; i < requests.size(); ++i) {
            const Outcome& was = (*first)[i];
            const Outcome& is = (*again)[i];
            const std::string which =
                "request " + std::to_string(i + 1) + " (" + fuzz::shown(requests[i].body, 60) + ")";
            const auto shown = [](const Outcome& o) { return o.error.empty() ? std::to_string(o.status) : o.error; };
            FUZZ_CHECK(
                was.error.empty() == is.error.empty() && was.status == is.status,
                which + ": record_missing answered " + shown(was) + ", the replay of what it wrote " + shown(is));
            FUZZ_CHECK(!was.error.empty() || same_body(was.body, is.body),
                       which + ": record_missing answered " + fuzz::shown(was.body) + ", the replay of what it wrote " +
                           fuzz::shown(is.body));
        }
    }
    std::filesystem::remove(path);

    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    FUZZ_CHECK(took < kLongest, "a cassette of " + std::to_string(size) + " bytes took " +
                                    std::to_string(took.count()) + " ms to open and answer " +
                                    std::to_string(requests.size()) + " requests");
    return 0;
}
