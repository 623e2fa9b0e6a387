// Every built-in provider's decoders, on whatever a server may send:
//  - decode_reply_text on the body, and when it decodes, decode_reply on the parsed body, which
//    must give the same Completion (the text reader is a shortcut, never a second opinion);
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

#include <instructor/completion.hpp>
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
    FUZZ_CHECK(what.size() <= kLongestMessage, std::string(where) + " threw " + typeid(e).name() +
                                                   " with a message of " + std::to_string(what.size()) +
                                                   " bytes: " + fuzz::shown(what));
    if (const auto* http = dynamic_cast<const instructor::HttpError*>(&e)) {
        (void)provider.refuses_tool_streaming(http->details());
        if (provider.retryable(*http))
            (void)instructor::http_retry_delay(instructor::HttpRetries{}, 1, http->details().retry_after_seconds, 0.5);
    }
}

// A Completion, or what decoding threw, as text to compare.
template <class Decode>
std::string outcome(Decode&& decode) {
    try {
        const instructor::Completion c = decode();
        std::string text = c.text + '\x1f' + c.reasoning + '\x1f' +
                           std::string(instructor::to_string(c.finish_reason)) + '\x1f' + c.refusal.value_or("\x1e") +
                           '\x1f' + std::to_string(c.usage.total_tokens) + '\x1f' +
                           std::to_string(c.usage.cached_tokens) + '\x1f' + std::to_string(c.usage.reasoning_tokens) +
                           '\x1f' + c.model + '\x1f' + c.request_id;
        for (const auto& call : c.tool_calls) text += '\x1f' + call.id + '\x1d' + call.name + '\x1d' + call.arguments;
        return text;
    } catch (const instructor::Error& e) {
        return std::string("threw ") + typeid(e).name() + ": " + e.what();
    }
}

// decode_reply on the DOM, and decode_reply_text on the text, which must come to the same.
void decode_reply(const instructor::Provider& provider, std::string_view body, const instructor::HttpHeaders& headers) {
    const std::string where = std::string(provider.name()) + " decode_reply_text";
    const auto check = [&](const instructor::Error& e) { check_error(provider, where, e); };
    if (!fuzz::throws_only_instructor_errors(
            where, [&] { (void)provider.decode_reply_text(body, headers, {}); }, check)) {
        // It decoded, so the body is JSON: the DOM must give the same Completion.
        const json document = json::parse(body, nullptr, /*allow_exceptions=*/false);
        FUZZ_CHECK(!document.is_discarded(), where + " decoded a body that is not JSON");
        const std::string from_text = outcome([&] { return provider.decode_reply_text(body, headers, {}); });
        const std::string from_dom = outcome([&] { return provider.decode_reply(document, headers); });
        FUZZ_CHECK(from_text == from_dom,
                   where + " and decode_reply differ: " + fuzz::shown(from_text) + " against " + fuzz::shown(from_dom));
    }
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
        if (fuzz::throws_only_instructor_errors(
                where, [&] { provider.decode_stream_event(event, assembly); }, check))
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
