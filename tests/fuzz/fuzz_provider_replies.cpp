// Every built-in provider's decoders, on whatever a server may send:
//  - decode_reply on the body, when it is JSON;
//  - throw_error on the raw body, which must throw an HttpError;
//  - decode_stream_event on the body's lines, one event each, as a stream (a "data:" prefix is
//    dropped, lines that are not JSON skipped, [DONE] ends it), until an event throws.
// They may throw only instructor::Error (anything else, a nlohmann exception or std::out_of_range,
// is a finding), and the message of what they throw must stay short whatever the body: a log line
// of excerpts, not the body again (that is in HttpErrorDetails::body). What the client then reads
// from an HttpError (retryable, the delay the server asked for) must work too.
//
// Input: [status][provider][header lines]\n\n[body]: the provider by its place in provider_names()
// (one per input: most share a dialect, so running all ten on each would mostly repeat the work),
// then something like an HTTP reply: "Name: value" lines up to the first blank line (no headers
// when there is no blank line at all), and the body after it.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>

#include <nlohmann/json.hpp>

#include <instructor/error.hpp>
#include <instructor/http_retries.hpp>
#include <instructor/provider.hpp>
#include <instructor/stream_assembly.hpp>
#include <instructor/transport.hpp>

#include "fuzz_support.hpp"

namespace {

using json = nlohmann::json;

// An error message longer than this is no excerpt: the body (or most of it) went into it.
constexpr std::size_t kLongestMessage = 16 * 1024;

// The statuses a transport hands over for an error reply, and 200 for an error inside a reply.
constexpr int kStatuses[] = {200, 400, 401, 403, 404, 408, 409, 413, 422, 429, 498, 500, 502, 503, 504, 529};

instructor::HttpHeaders parse_headers(std::string_view block) {
    instructor::HttpHeaders headers;
    while (!block.empty()) {
        const auto end = block.find('\n');
        std::string_view line = block.substr(0, end);
        block = end == std::string_view::npos ? std::string_view() : block.substr(end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const auto colon = line.find(':');
        std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    return headers;
}

// What the client does with an error a decoder threw: log its message, and for an HttpError ask
// whether to send again, and after how long (the server's retry-after, as it said it).
void check_error(const instructor::Provider& provider, std::string_view where, const instructor::Error& e) {
    const std::string_view what = e.what();
    FUZZ_CHECK(what.size() <= kLongestMessage, std::string(where) + " threw " + typeid(e).name() + " with a message of " +
                                                   std::to_string(what.size()) + " bytes: " + fuzz::shown(what));
    if (const auto* http = dynamic_cast<const instructor::HttpError*>(&e)) {
        (void)provider.refuses_tool_streaming(http->details());
        if (provider.retryable(*http))
            (void)instructor::http_retry_delay(instructor::HttpRetries{}, 1, http->details().retry_after_seconds, 0.5);
    }
}

void decode_reply(const instructor::Provider& provider, std::string_view body, const instructor::HttpHeaders& headers) {
    // Parsed again for each provider (nlohmann's parser does not recurse; copying a deep value would).
    json document = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) return;
    const std::string where = std::string(provider.name()) + " decode_reply";
    fuzz::throws_only_instructor_errors(
        where, [&] { (void)provider.decode_reply(std::move(document), headers); },
        [&](const instructor::Error& e) { check_error(provider, where, e); });
}

void throw_error(const instructor::Provider& provider, int status, std::string_view body,
                 const instructor::HttpHeaders& headers) {
    const std::string where = std::string(provider.name()) + " throw_error(" + std::to_string(status) + ")";
    const bool thrown = fuzz::throws_only_instructor_errors(
        where, [&] { provider.throw_error(status, headers, body); },
        [&](const instructor::Error& e) {
            check_error(provider, where, e);
            FUZZ_CHECK(dynamic_cast<const instructor::HttpError*>(&e) != nullptr,
                       where + " threw " + typeid(e).name() + ", not an HttpError");
        });
    FUZZ_CHECK(thrown, where + " returned");
}

void decode_stream(const instructor::Provider& provider, std::string_view body) {
    instructor::StreamAssembly assembly;
    assembly.on_arguments([&](std::size_t call, std::string_view) {
        FUZZ_CHECK(call < assembly.completion().tool_calls.size(), "arguments for call " + std::to_string(call));
    });
    const std::string where = std::string(provider.name()) + " decode_stream_event";
    const auto check = [&](const instructor::Error& e) { check_error(provider, where, e); };
    while (!body.empty()) {
        const auto end = body.find('\n');
        std::string_view line = body.substr(0, end);
        body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
        if (line.substr(0, 5) == "data:") line.remove_prefix(line.substr(5, 1) == " " ? 6 : 5);
        if (line == "[DONE]") return;
        const json event = json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (event.is_discarded()) continue;
        if (fuzz::throws_only_instructor_errors(where, [&] { provider.decode_stream_event(event, assembly); }, check))
            return;  // the client ends the stream at an error event
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Input input(data, size);
    const int status = kStatuses[input.byte() % std::size(kStatuses)];
    const auto names = instructor::provider_names();
    const instructor::Provider& provider = instructor::provider(names[input.byte() % names.size()]);
    std::string_view body = input.rest();
    instructor::HttpHeaders headers;
    if (const auto blank = body.find("\n\n"); blank != std::string_view::npos) {
        headers = parse_headers(body.substr(0, blank));
        body.remove_prefix(blank + 2);
    }

    decode_reply(provider, body, headers);
    throw_error(provider, status, body, headers);
    decode_stream(provider, body);
    return 0;
}
