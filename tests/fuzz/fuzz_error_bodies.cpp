// HTTP error replies, whatever a server (or whatever answers in its place: a proxy, a captive
// portal, a hostile host) puts in them:
//  - every built-in provider's throw_error(status, headers, body) throws an HttpError (or one of
//    its kinds), whose what() is a log line: at most 4 KiB, valid UTF-8, no control characters
//    (no newlines or terminal escape sequences from the server), and Provider::retryable and
//    refuses_tool_streaming answer for it;
//  - the client given the same reply by its transport (a create<T>, or a create_partial<T> with
//    the reply as the stream's error event) throws only instructor::Error, with a what() held to
//    the same rules (a re-ask's RetryError and a ValidationError list their errors one a line);
//  - none of it costs memory out of proportion to the body: a body nested millions deep must be
//    read within Limits::max_depth, not into a value of millions of levels. The high-water mark of
//    the process may rise by at most 48 MiB + 16 bytes per input byte: checked on Linux, without
//    AddressSanitizer (whose quarantine keeps what is freed, so that its high-water mark counts
//    every allocation): the plain build's replay of the large regressions. The fuzz stage's
//    inputs are too small for it to matter; -rss_limit_mb bounds them.
//
// Input: [status][provider][flags][header lines]\n\n[body]: the status of kStatuses, the provider
// by its place in provider_names() (for the client's call; throw_error runs for every provider),
// flags (bit 0: the client streams; bit 1: a streamed call gets a 200 stream whose event is the
// body, one data line per body line, bit 2 naming it "event: error"; bit 3: one HTTP retry),
// then "Name: value" lines up to the first blank line (no headers when there is no blank line at
// all), and the body after it.

#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <typeinfo>

#if defined(__linux__)
#include <sys/resource.h>
#endif

#include <instructor/instructor.hpp>

#include "fuzz_support.hpp"

namespace error_bodies_fuzz {

struct UserDetail {
    std::string name;
    int age = 0;
};

}  // namespace error_bodies_fuzz

namespace {

using error_bodies_fuzz::UserDetail;

// A what() longer than this is no log line: the body (or much of it) went into it.
constexpr std::size_t kLongestMessage = 4 * 1024;

// What servers and the things in front of them answer with, and statuses no server should send.
constexpr int kStatuses[] = {400, 401, 403, 404, 408, 409, 413, 422, 429,     498,    500, 502,
                             503, 504, 529, 200, 0,   100, 204, 301, 304,     418,    451, 499,
                             501, 505, 507, 511, 599, 600, 999, -1,  INT_MAX, INT_MIN};

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

// The first problem with `text` as a line of a log, or "": valid UTF-8 (Unicode's table 3-7: no
// overlong forms, no surrogates, nothing past U+10FFFF), and no C0 or C1 control character and
// no DEL (newlines allowed when `lines`).
std::string unclean(std::string_view text, bool lines) {
    const auto at = [&](std::size_t i) { return " at byte " + std::to_string(i); };
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b < 0x80) {
            if ((b < 0x20 && !(lines && b == '\n')) || b == 0x7F)
                return "control character " + std::to_string(b) + at(i);
            ++i;
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            length = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            length = 3;
            if (b == 0xE0) low = 0xA0;
            if (b == 0xED) high = 0x9F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            length = 4;
            if (b == 0xF0) low = 0x90;
            if (b == 0xF4) high = 0x8F;
        } else {
            return "invalid UTF-8" + at(i);
        }
        if (text.size() - i < length) return "a UTF-8 sequence cut off" + at(i);
        const auto second = static_cast<unsigned char>(text[i + 1]);
        if (second < low || second > high) return "invalid UTF-8" + at(i);
        for (std::size_t k = 2; k < length; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0U) != 0x80U) return "invalid UTF-8" + at(i);
        if (b == 0xC2 && second <= 0x9F) return "C1 control character U+00" + std::to_string(second - 0x80) + at(i);
        i += length;
    }
    return {};
}

// what() of anything thrown on an error reply: a log line, bounded and clean.
void check_message(const std::string& where, const instructor::Error& e) {
    const std::string_view what = e.what();
    FUZZ_CHECK(what.size() <= kLongestMessage, where + " threw " + fuzz::type_name(e) + " with a what() of " +
                                                   std::to_string(what.size()) + " bytes: " + fuzz::shown(what));
    // A re-ask's RetryError and a ValidationError list their errors one a line.
    const bool lines = dynamic_cast<const instructor::RetryError*>(&e) != nullptr ||
                       dynamic_cast<const instructor::ValidationError*>(&e) != nullptr;
    const std::string problem = unclean(what, lines);
    FUZZ_CHECK(problem.empty(),
               where + " threw " + fuzz::type_name(e) + " whose what() has " + problem + ": " + fuzz::shown(what));
}

void throw_error(const instructor::Provider& provider, int status, const instructor::HttpHeaders& headers,
                 std::string_view body) {
    const std::string where = std::string(provider.name()) + " throw_error(" + std::to_string(status) + ")";
    const bool thrown = fuzz::throws_only_instructor_errors(
        where, [&] { provider.throw_error(status, headers, body); },
        [&](const instructor::Error& e) {
            const auto* http = dynamic_cast<const instructor::HttpError*>(&e);
            FUZZ_CHECK(http != nullptr, where + " threw " + fuzz::type_name(e) + ", not an HttpError");
            check_message(where, e);
            FUZZ_CHECK(http->status() == status,
                       where + " threw an HttpError of status " + std::to_string(http->status()));
            fuzz::throws_only_instructor_errors(where + ", then retryable", [&] {
                (void)provider.refuses_tool_streaming(http->details());
                const auto& details = http->details();
                if (provider.retryable(*http))
                    (void)instructor::http_retry_delay(instructor::HttpRetries{}, 1, details.retry_after_seconds, 0.5);
            });
        });
    FUZZ_CHECK(thrown, where + " returned");
}

// The body as a stream's events: one data line per line of the body, in one event (SSE), or the
// body's lines as they are (NDJSON).
std::string stream_of(const instructor::Provider& provider, std::string_view body, bool error_event) {
    if (provider.stream_framing() == instructor::StreamFraming::ndjson) return std::string(body) + "\n";
    std::string stream = error_event ? "event: error\n" : "";
    for (;;) {
        const auto end = body.find('\n');
        stream += "data: " + std::string(body.substr(0, end)) + "\n";
        if (end == std::string_view::npos) break;
        body.remove_prefix(end + 1);
    }
    return stream + "\n";
}

struct Reply {
    int status = 0;
    instructor::HttpHeaders headers;
    std::string_view body;
    bool streams = false;
    bool as_event = false;
    bool error_event = false;
    bool retry = false;
};

// The client, given the reply by its transport for every send.
void client_call(const instructor::Provider& provider, const Reply& reply) {
    const std::string stream = reply.as_event ? stream_of(provider, reply.body, reply.error_event) : std::string();
    instructor::Transport transport = [&](const instructor::HttpRequest& request) {
        if (reply.as_event && request.on_chunk) {
            (void)request.on_chunk(stream);
            return instructor::HttpResponse{.status = 200, .headers = reply.headers, .body = {}};
        }
        return instructor::HttpResponse{
            .status = reply.status, .headers = reply.headers, .body = std::string(reply.body)};
    };
    instructor::ClientOptions options;
    options.limits.max_bytes = std::size_t{64} << 20U;
    options.http_retries = {.max_retries = reply.retry ? 1 : 0,
                            .initial_delay = std::chrono::milliseconds(0),
                            .max_delay = std::chrono::milliseconds(0),
                            .max_retry_after = std::chrono::milliseconds(0)};
    const instructor::Client client(provider, provider.default_mode(), options, std::move(transport));
    const instructor::Request request{.model = "test", .messages = {instructor::user("Extract")}, .max_retries = 0};
    const std::string where =
        std::string(reply.streams ? "create_partial" : "create") + " against " + std::string(provider.name()) +
        " answering " +
        (reply.as_event ? std::string("a stream with the body as its event") : "HTTP " + std::to_string(reply.status));
    fuzz::throws_only_instructor_errors(
        where,
        [&] {
            if (reply.streams)
                (void)client.create_partial<UserDetail>(request, [](const UserDetail&) {});
            else
                (void)client.create<UserDetail>(request);
        },
        [&](const instructor::Error& e) { check_message(where, e); });
}

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif

// The process's high-water mark of resident memory, in bytes (0 where it is not known or means
// nothing: see the header comment).
std::size_t peak_memory() {
#if defined(__linux__) && !defined(FUZZ_ASAN)
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) == 0) return static_cast<std::size_t>(usage.ru_maxrss) * 1024;  // KiB
#endif
    return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::size_t peak_before = peak_memory();
    fuzz::Input input(data, size);
    Reply reply;
    reply.status = kStatuses[input.byte() % std::size(kStatuses)];
    const auto names = instructor::provider_names();
    const instructor::Provider& chosen = instructor::provider(names[input.byte() % names.size()]);
    const std::uint8_t flags = input.byte();
    reply.streams = (flags & 1U) != 0;
    reply.as_event = reply.streams && (flags & 2U) != 0;
    reply.error_event = (flags & 4U) != 0;
    reply.retry = (flags & 8U) != 0;
    reply.body = input.rest();
    if (const auto blank = reply.body.find("\n\n"); blank != std::string_view::npos) {
        reply.headers = parse_headers(reply.body.substr(0, blank));
        reply.body.remove_prefix(blank + 2);
    }

    for (const auto name : names) throw_error(instructor::provider(name), reply.status, reply.headers, reply.body);
    client_call(chosen, reply);

    const std::size_t peak_after = peak_memory();
    const std::size_t allowed = (std::size_t{48} << 20U) + 16 * size;
    FUZZ_CHECK(peak_after <= peak_before + allowed, "an error reply of " + std::to_string(size) +
                                                        " bytes raised the memory high-water mark by " +
                                                        std::to_string((peak_after - peak_before) >> 20U) +
                                                        " MiB (allowed: " + std::to_string(allowed >> 20U) + " MiB)");
    return 0;
}
