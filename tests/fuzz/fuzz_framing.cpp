// Stream framing (SseDecoder, NdjsonDecoder) is exact: a body fed whole and the same body fed in
// pieces cut anywhere give the same events, done() and bytes_read(). Each run feeds the body twice,
// with finish() after each, since a decoder is then ready for a new stream.
//
// Input: [selector][split seed][body...]; selector bit 0 picks NDJSON over SSE.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <instructor/detail/stream/stream_framing.hpp>

#include "fuzz_support.hpp"

namespace {

using instructor::detail::NdjsonDecoder;
using instructor::detail::SseDecoder;
using instructor::detail::SseEvent;

struct SseRun {
    std::vector<SseEvent> events;
    std::vector<std::size_t> events_at_finish;  // how many events there were after each finish()
    std::vector<bool> done_at_finish;
    std::size_t bytes_read = 0;
};

SseRun run_sse(const std::vector<std::string_view>& pieces) {
    SseRun run;
    SseDecoder decoder;
    const auto collect = [&run](const SseEvent& e) { run.events.push_back(e); };
    for (int pass = 0; pass < 2; ++pass) {
        for (const auto piece : pieces) decoder.feed(piece, collect);
        decoder.finish(collect);
        run.events_at_finish.push_back(run.events.size());
        run.done_at_finish.push_back(decoder.done());
    }
    run.bytes_read = decoder.bytes_read();
    return run;
}

struct NdjsonRun {
    std::vector<std::string> lines;
    std::vector<std::size_t> lines_at_finish;
    std::size_t bytes_read = 0;
};

NdjsonRun run_ndjson(const std::vector<std::string_view>& pieces) {
    NdjsonRun run;
    NdjsonDecoder decoder;
    const auto collect = [&run](std::string_view line) { run.lines.emplace_back(line); };
    for (int pass = 0; pass < 2; ++pass) {
        for (const auto piece : pieces) decoder.feed(piece, collect);
        decoder.finish(collect);
        run.lines_at_finish.push_back(run.lines.size());
    }
    run.bytes_read = decoder.bytes_read();
    return run;
}

std::string describe(const SseEvent& e) {
    return "{event \"" + fuzz::shown(e.event) + "\", data \"" + fuzz::shown(e.data) + "\", id \"" + fuzz::shown(e.id) +
           "\"}";
}

// The first event where two runs differ, for the finding's message.
template <class T, class Describe>
std::string first_difference(const std::vector<T>& whole, const std::vector<T>& pieces, Describe describe_one) {
    std::size_t i = 0;
    while (i < whole.size() && i < pieces.size() && whole[i] == pieces[i]) ++i;
    const auto at = [&](const std::vector<T>& events) {
        return i < events.size() ? describe_one(events[i]) : std::string("(none)");
    };
    return "event " + std::to_string(i) + ": whole " + at(whole) + ", in pieces " + at(pieces) + " (" +
           std::to_string(whole.size()) + " vs " + std::to_string(pieces.size()) + " events)";
}

void check_sse(std::string_view body, std::uint8_t seed) {
    const SseRun whole = run_sse({body});
    const SseRun cut = run_sse(fuzz::pieces(body, seed));

    for (const auto& e : whole.events) {
        // What the decoder promises of each event, whatever the bytes.
        FUZZ_CHECK(e.data.find('\r') == std::string::npos, describe(e));
        FUZZ_CHECK(e.event.find_first_of("\r\n") == std::string::npos, describe(e));
        FUZZ_CHECK(e.id.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos, describe(e));
        FUZZ_CHECK(e.data != "[DONE]", "[DONE] is a marker, not an event");
    }
    FUZZ_CHECK(whole.bytes_read == 2 * body.size(), std::to_string(whole.bytes_read));
    FUZZ_CHECK(whole.events == cut.events,
               first_difference(whole.events, cut.events, [](const SseEvent& e) { return describe(e); }));
    FUZZ_CHECK(whole.events_at_finish == cut.events_at_finish, "finish() dispatched differently");
    FUZZ_CHECK(whole.done_at_finish == cut.done_at_finish, "done() differs");
    FUZZ_CHECK(whole.bytes_read == cut.bytes_read, "bytes_read() differs");
}

bool blank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

void check_ndjson(std::string_view body, std::uint8_t seed) {
    const NdjsonRun whole = run_ndjson({body});
    const NdjsonRun cut = run_ndjson(fuzz::pieces(body, seed));

    for (const auto& line : whole.lines) {
        FUZZ_CHECK(line.find('\n') == std::string::npos, fuzz::shown(line));
        FUZZ_CHECK(!blank(line), "blank lines are skipped: \"" + fuzz::shown(line) + "\"");
    }
    FUZZ_CHECK(whole.bytes_read == 2 * body.size(), std::to_string(whole.bytes_read));
    FUZZ_CHECK(whole.lines == cut.lines, first_difference(whole.lines, cut.lines, [](const std::string& line) {
                   return "\"" + fuzz::shown(line) + "\"";
               }));
    FUZZ_CHECK(whole.lines_at_finish == cut.lines_at_finish, "finish() passed lines on differently");
    FUZZ_CHECK(whole.bytes_read == cut.bytes_read, "bytes_read() differs");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Input input(data, size);
    const bool ndjson = (input.byte() & 1u) != 0;
    const std::uint8_t seed = input.byte();
    if (ndjson)
        check_ndjson(input.rest(), seed);
    else
        check_sse(input.rest(), seed);
    return 0;
}
