// Stream framing (include/instructor/detail/stream/stream_framing.hpp): SSE and NDJSON decoding of real
// provider streams, and the same events whatever the pieces the body arrives in.

#include "catch.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <instructor/detail/stream/stream_framing.hpp>

namespace stream_framing_test {

using namespace std::string_view_literals;

using instructor::detail::NdjsonDecoder;
using instructor::detail::SseDecoder;
using instructor::detail::SseEvent;

// ---- helpers -----------------------------------------------------------------------------------

struct SseRun {
    std::vector<SseEvent> events;
    bool done = false;
    std::size_t bytes_read = 0;
};

// One line per event, readable in a failure report.
std::string render(const SseRun& run) {
    std::string out;
    for (const SseEvent& e : run.events) {
        out += "event=" + e.event + " id=" + e.id + " data=" + e.data + "\n";
    }
    out += run.done ? "[done]\n" : "[not done]\n";
    return out;
}

// Feeds `pieces` one after the other, then finishes.
SseRun decode_sse(const std::vector<std::string_view>& pieces) {
    SseRun run;
    SseDecoder decoder;
    const std::function<void(const SseEvent&)> on_event = [&run](const SseEvent& e) { run.events.push_back(e); };
    for (const std::string_view piece : pieces) decoder.feed(piece, on_event);
    decoder.finish(on_event);
    run.done = decoder.done();
    run.bytes_read = decoder.bytes_read();
    return run;
}

SseRun decode_sse(std::string_view body) { return decode_sse(std::vector<std::string_view>{body}); }

std::vector<std::string_view> split_at(std::string_view body, std::size_t at) {
    return {body.substr(0, at), body.substr(at)};
}

std::vector<std::string_view> bytes_of(std::string_view body) {
    std::vector<std::string_view> pieces;
    for (std::size_t i = 0; i < body.size(); ++i) pieces.push_back(body.substr(i, 1));
    return pieces;
}

// Fed in two pieces cut at every byte position, and in 1-byte pieces, `body` gives exactly the
// events it gives fed whole. Returns them.
SseRun require_same_events_in_any_pieces(std::string_view body) {
    const SseRun whole = decode_sse(body);
    const std::string expected = render(whole);
    CHECK(whole.bytes_read == body.size());
    for (std::size_t at = 0; at <= body.size(); ++at) {
        const SseRun split = decode_sse(split_at(body, at));
        if (render(split) != expected) {
            INFO("split at byte " << at << ": [" << body.substr(0, at) << "] + [" << body.substr(at) << "]");
            REQUIRE(render(split) == expected);
        }
    }
    const SseRun bytes = decode_sse(bytes_of(body));
    CHECK(render(bytes) == expected);
    CHECK(bytes.bytes_read == body.size());
    return whole;
}

std::string with_crlf(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

std::string with_cr(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c == '\n') c = '\r';
    }
    return out;
}

std::vector<std::string> decode_ndjson(const std::vector<std::string_view>& pieces) {
    std::vector<std::string> lines;
    NdjsonDecoder decoder;
    const std::function<void(std::string_view)> on_line = [&lines](std::string_view line) { lines.emplace_back(line); };
    for (const std::string_view piece : pieces) decoder.feed(piece, on_line);
    decoder.finish(on_line);
    return lines;
}

std::vector<std::string> require_same_lines_in_any_pieces(std::string_view body) {
    const std::vector<std::string> whole = decode_ndjson({body});
    for (std::size_t at = 0; at <= body.size(); ++at) {
        const std::vector<std::string> split = decode_ndjson(split_at(body, at));
        if (split != whole) {
            INFO("split at byte " << at);
            REQUIRE(split == whole);
        }
    }
    CHECK(decode_ndjson(bytes_of(body)) == whole);
    return whole;
}

// ---- recorded provider streams (shapes from shared/design/wire-formats.md) ----------------------

// OpenAI: tool-call argument fragments, a finish chunk, the include_usage chunk, [DONE].
constexpr std::string_view kOpenAiToolStream =
    R"(data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_abc","type":"function","function":{"name":"User","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"name\":\"Ja"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"son\",\"age\":25}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}

data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":60,"completion_tokens":9,"total_tokens":69}}

data: [DONE]

)";

// Groq: the whole tool call in one chunk, usage inside x_groq of the last one.
constexpr std::string_view kGroqStream =
    R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"llama-3.3-70b-versatile","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"x_groq":{"id":"req_01"}}

data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"llama-3.3-70b-versatile","choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_x","type":"function","function":{"name":"User","arguments":"{\"name\":\"Jason\",\"age\":25}"},"index":0}]},"logprobs":null,"finish_reason":null}]}

data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"llama-3.3-70b-versatile","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"x_groq":{"id":"req_01","usage":{"queue_time":0.02,"prompt_tokens":150,"prompt_time":0.01,"completion_tokens":20,"completion_time":0.02,"total_tokens":170,"total_time":0.03}}}

data: [DONE]

)";

// Mistral: spaces after the JSON colons, a first chunk without object/created.
constexpr std::string_view kMistralStream =
    R"(data: {"id": "cmpl-82b4", "model": "mistral-tiny", "choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": null}]}

data: {"id": "cmpl-82b4", "object": "chat.completion.chunk", "created": 1702637377, "model": "mistral-tiny", "choices": [{"index": 0, "delta": {"role": null, "content": "It"}, "finish_reason": null}]}

data: {"id": "cmpl-82b4", "object": "chat.completion.chunk", "created": 1702637377, "model": "mistral-tiny", "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 10, "completion_tokens": 1, "total_tokens": 11}}

data: [DONE]

)";

// An error inside a 200 stream, as an SSE error event, and no [DONE] after it.
constexpr std::string_view kErrorEventStream =
    R"(data: {"id":"chatcmpl-2","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"{\"na"},"finish_reason":null}]}

event: error
data: {"error":{"message":"The server had an error while processing your request.","type":"server_error"}}

)";

// llama.cpp / OpenRouter / DeepSeek keep-alive comments between events, and inside one.
constexpr std::string_view kPingStream =
    R"(: ping

: OPENROUTER PROCESSING

:keep-alive
data: {"choices":[{"index":0,"delta":{"content":"a"}}]}
: ping - 2024-01-01 00:00:00.000000
data: {"more":true}

: ping

data: [DONE]

)";

// ---- SSE ---------------------------------------------------------------------------------------

TEST_CASE("sse: an OpenAI tool-call stream gives each chunk and its usage chunk, then done", "[sse]") {
    const SseRun run = require_same_events_in_any_pieces(kOpenAiToolStream);
    REQUIRE(run.events.size() == 5);
    for (const SseEvent& e : run.events) {
        CHECK(e.event.empty());
        CHECK(e.id.empty());
        CHECK(e.data.rfind(R"({"id":"chatcmpl-9")", 0) == 0);
    }
    CHECK(run.events[1].data.find(R"("arguments":"{\"name\":\"Ja")") != std::string::npos);
    CHECK(
        run.events[4].data ==
        R"({"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":60,"completion_tokens":9,"total_tokens":69}})");
    CHECK(run.done);
}

TEST_CASE("sse: a Groq stream gives its x_groq usage chunk, then done", "[sse]") {
    const SseRun run = require_same_events_in_any_pieces(kGroqStream);
    REQUIRE(run.events.size() == 3);
    CHECK(run.events[2].data.find(R"("x_groq":{"id":"req_01","usage":{"queue_time":0.02)") != std::string::npos);
    CHECK(run.done);
}

TEST_CASE("sse: a Mistral stream keeps the spaces inside its JSON", "[sse]") {
    const SseRun run = require_same_events_in_any_pieces(kMistralStream);
    REQUIRE(run.events.size() == 3);
    CHECK(
        run.events[0].data ==
        R"({"id": "cmpl-82b4", "model": "mistral-tiny", "choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": null}]})");
    CHECK(run.done);
}

TEST_CASE("sse: an error event keeps its event type, and the stream is not done", "[sse]") {
    const SseRun run = require_same_events_in_any_pieces(kErrorEventStream);
    REQUIRE(run.events.size() == 2);
    CHECK(run.events[0].event.empty());
    CHECK(run.events[1].event == "error");
    CHECK(run.events[1].data.find("server_error") != std::string::npos);
    CHECK_FALSE(run.done);
}

TEST_CASE("sse: comments and keep-alive pings are skipped, even inside an event", "[sse]") {
    const SseRun run = require_same_events_in_any_pieces(kPingStream);
    REQUIRE(run.events.size() == 1);
    CHECK(run.events[0].data == "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n{\"more\":true}");
    CHECK(run.done);

    const SseRun only_pings = require_same_events_in_any_pieces(": ping\n\n: ping\n\n");
    CHECK(only_pings.events.empty());
    CHECK_FALSE(only_pings.done);
}

TEST_CASE("sse: CRLF and lone CR line ends give the same events as LF", "[sse]") {
    const std::string expected = render(decode_sse(kOpenAiToolStream));

    const std::string crlf = with_crlf(kOpenAiToolStream);
    CHECK(render(require_same_events_in_any_pieces(crlf)) == expected);

    const std::string cr = with_cr(kOpenAiToolStream);
    CHECK(render(require_same_events_in_any_pieces(cr)) == expected);

    // Mixed within one stream (sse-starlette's default separator is CRLF).
    const std::string mixed = "data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\n";
    const SseRun run = require_same_events_in_any_pieces(mixed);
    REQUIRE(run.events.size() == 4);
    CHECK(run.events[0].data == "a");
    CHECK(run.events[1].data == "b");
    CHECK(run.events[2].data == "c");
    CHECK(run.events[3].data == "d");
}

TEST_CASE("sse: a CRLF split between two feeds is one line end, not two", "[sse]") {
    SseDecoder decoder;
    std::vector<SseEvent> events;
    const auto on_event = [&events](const SseEvent& e) { events.push_back(e); };
    decoder.feed("data: one\r", on_event);
    decoder.feed("\ndata: two\r", on_event);  // "data: two" is a second data line of the same event
    CHECK(events.empty());
    decoder.feed("\n", on_event);
    CHECK(events.empty());
    decoder.feed("\r", on_event);  // the blank line: dispatched at once, without waiting for "\n"
    REQUIRE(events.size() == 1);
    CHECK(events[0].data == "one\ntwo");
    decoder.feed("\n", on_event);
    decoder.finish(on_event);
    CHECK(events.size() == 1);
}

TEST_CASE("sse: several data lines join with a newline", "[sse]") {
    const SseRun run = require_same_events_in_any_pieces("data: {\"a\":\ndata: 1,\ndata:\ndata: \"b\":2}\n\n");
    REQUIRE(run.events.size() == 1);
    CHECK(run.events[0].data == "{\"a\":\n1,\n\n\"b\":2}");
}

TEST_CASE("sse: one space after the colon is stripped, and only one", "[sse]") {
    const SseRun run = require_same_events_in_any_pieces(
        "data:no-space\n\ndata: one\n\ndata:  two\n\ndata:\ttab\n\ndata\n\ndata:\n\n");
    REQUIRE(run.events.size() == 6);
    CHECK(run.events[0].data == "no-space");
    CHECK(run.events[1].data == "one");
    CHECK(run.events[2].data == " two");
    CHECK(run.events[3].data == "\ttab");
    CHECK(run.events[4].data.empty());  // a field name alone: an empty value
    CHECK(run.events[5].data.empty());
}

TEST_CASE("sse: event and id fields are read, the id carries over to later events", "[sse]") {
    const SseRun run = require_same_events_in_any_pieces(
        "id: 1\nevent: delta\ndata: a\n\n"
        "data: b\n\n"
        "event: usage\nid: 7\nretry: 1000\ndata: c\n\n"
        "id\ndata: d\n\n"
        "id: bad\0id\ndata: e\n\n"sv);
    REQUIRE(run.events.size() == 5);
    CHECK(run.events[0] == SseEvent{"delta", "a", "1"});
    CHECK(run.events[1] == SseEvent{"", "b", "1"});  // the event type does not carry over
    CHECK(run.events[2] == SseEvent{"usage", "c", "7"});
    CHECK(run.events[3] == SseEvent{"", "d", ""});  // "id" alone resets it
    CHECK(run.events[4] == SseEvent{"", "e", ""});  // an id holding NUL is ignored
}

TEST_CASE("sse: unknown fields are ignored, and field names are case-sensitive", "[sse]") {
    const SseRun run = require_same_events_in_any_pieces("foo: bar\nDATA: shouted\ndata: kept\nData: no\nretry: x\n\n");
    REQUIRE(run.events.size() == 1);
    CHECK(run.events[0].data == "kept");
}

TEST_CASE("sse: an event without data lines is not dispatched", "[sse]") {
    const SseRun run = require_same_events_in_any_pieces("event: ping\n\nid: 3\n\nevent: x\nretry: 5\n\ndata: a\n\n");
    REQUIRE(run.events.size() == 1);
    CHECK(run.events[0] == SseEvent{"", "a", "3"});  // "event: x" died with its empty event
}

TEST_CASE("sse: [DONE] sets done() and is not dispatched", "[sse]") {
    SECTION("with or without the space") {
        CHECK(require_same_events_in_any_pieces("data: [DONE]\n\n").done);
        CHECK(require_same_events_in_any_pieces("data:[DONE]\n\n").done);
        CHECK(require_same_events_in_any_pieces("data: [DONE]\n\n").events.empty());
    }
    SECTION("only when the data is exactly [DONE]") {
        const SseRun run = require_same_events_in_any_pieces(
            "data: [DONE] \n\ndata: \"[DONE]\"\n\ndata: [DONE]\ndata: more\n\ndata:  [DONE]\n\n");
        CHECK(run.events.size() == 4);
        CHECK_FALSE(run.done);
    }
    SECTION("done() turns true as soon as its blank line arrives") {
        SseDecoder decoder;
        int events = 0;
        const auto on_event = [&events](const SseEvent&) { ++events; };
        decoder.feed("data: {}\n\ndata: [DONE]\n", on_event);
        CHECK(events == 1);
        CHECK_FALSE(decoder.done());
        decoder.feed("\n", on_event);
        CHECK(decoder.done());
        CHECK(events == 1);
    }
    SECTION("events after [DONE] are still dispatched") {
        const SseRun run = require_same_events_in_any_pieces("data: [DONE]\n\ndata: late\n\n");
        CHECK(run.done);
        REQUIRE(run.events.size() == 1);
        CHECK(run.events[0].data == "late");
    }
}

TEST_CASE("sse: a stream that ends without [DONE] leaves done() false", "[sse]") {
    const std::string_view cut = kOpenAiToolStream.substr(0, kOpenAiToolStream.find("data: [DONE]"));
    const SseRun run = require_same_events_in_any_pieces(cut);
    CHECK(run.events.size() == 5);
    CHECK_FALSE(run.done);

    // Cut inside the marker itself.
    CHECK_FALSE(require_same_events_in_any_pieces("data: {}\n\ndata: [DO").done);
}

TEST_CASE("sse: finish() dispatches a last event that no blank line closed", "[sse]") {
    SECTION("after a line end") {
        const SseRun run = require_same_events_in_any_pieces("data: a\n\ndata: b\n");
        REQUIRE(run.events.size() == 2);
        CHECK(run.events[1].data == "b");
    }
    SECTION("without a line end") {
        const SseRun run = require_same_events_in_any_pieces("data: a\n\nevent: last\ndata: b");
        REQUIRE(run.events.size() == 2);
        CHECK(run.events[1] == SseEvent{"last", "b", ""});
    }
    SECTION("a final [DONE] without a line end still counts") {
        const SseRun run = require_same_events_in_any_pieces("data: a\n\ndata: [DONE]");
        CHECK(run.events.size() == 1);
        CHECK(run.done);
    }
    SECTION("nothing is dispatched before finish()") {
        SseDecoder decoder;
        int events = 0;
        const auto on_event = [&events](const SseEvent&) { ++events; };
        decoder.feed("data: b", on_event);
        decoder.feed("\n", on_event);
        CHECK(events == 0);
        decoder.finish(on_event);
        CHECK(events == 1);
        decoder.finish(on_event);  // nothing left
        CHECK(events == 1);
    }
}

TEST_CASE("sse: multi-byte UTF-8 split inside its sequences arrives intact", "[sse]") {
    // 2-, 3- and 4-byte sequences, and a JSON escape, in content and tool-call deltas.
    const std::string content = "Zoë 日本 😀";
    const std::string body = "data: {\"choices\":[{\"delta\":{\"content\":\"" + content +
                             "\"}}]}\n\n"
                             "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                             "\"{\\\"name\\\":\\\"Zo\\u00eb " +
                             content +
                             "\\\"}\"}}]}}]}\n\n"
                             "data: [DONE]\n\n";
    const SseRun run = require_same_events_in_any_pieces(body);
    REQUIRE(run.events.size() == 2);
    CHECK(run.events[0].data ==
          "{\"choices\":[{\"delta\":{\"content\":\"Zo\xC3\xAB \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80\"}}]}");
    CHECK(run.events[1].data.find("Zo\\u00eb Zoë 日本 😀") != std::string::npos);
    CHECK(run.done);
}

TEST_CASE("sse: a leading byte order mark is skipped, even split, and only at the start", "[sse]") {
    const std::string bom = "\xEF\xBB\xBF";
    const SseRun run = require_same_events_in_any_pieces(bom + "data: a\n\n" + bom + "data: b\n\n");
    REQUIRE(run.events.size() == 1);  // the second mark starts a line "\xEF\xBB\xBFdata": an unknown field
    CHECK(run.events[0].data == "a");
    CHECK(run.bytes_read == 2 * bom.size() + 18);

    // Bytes that start like a mark but are not one are content: here they make the first line an
    // unknown field rather than a data line.
    CHECK(require_same_events_in_any_pieces("\xEF\xBB"
                                            "data: x\n\n")
              .events.empty());
    CHECK(require_same_events_in_any_pieces("\xEF"
                                            "data: x\n\n")
              .events.empty());
    CHECK(require_same_events_in_any_pieces("\xEF\xBB\xBE"
                                            "data: x\n\n")
              .events.empty());
    const SseRun only_prefix = require_same_events_in_any_pieces("\xEF\xBB");
    CHECK(only_prefix.events.empty());
    CHECK(only_prefix.bytes_read == 2);
}

TEST_CASE("sse: bytes_read counts every byte fed", "[sse]") {
    SseDecoder decoder;
    const auto ignore = [](const SseEvent&) {};
    CHECK(decoder.bytes_read() == 0);
    decoder.feed(": ping\r", ignore);
    decoder.feed("\n", ignore);
    decoder.feed("", ignore);
    decoder.feed("data: x", ignore);
    CHECK(decoder.bytes_read() == 15);
    decoder.finish(ignore);
    CHECK(decoder.bytes_read() == 15);
}

TEST_CASE("sse: the callback may throw, and the decoder goes on with the next event", "[sse]") {
    SseDecoder decoder;
    std::vector<std::string> seen;
    bool throw_next = true;
    const auto on_event = [&](const SseEvent& e) {
        seen.push_back(e.data);
        if (throw_next) {
            throw_next = false;
            throw std::runtime_error("consumer failed");
        }
    };
    CHECK_THROWS_AS(decoder.feed("data: a\n\n", on_event), std::runtime_error);
    decoder.feed("data: b\n\n", on_event);
    CHECK(seen == std::vector<std::string>{"a", "b"});
}

TEST_CASE("sse: decoding is linear in the body size, whatever the pieces", "[sse]") {
    // A 512 KiB data line fed one byte at a time, then 20,000 small events in 7-byte pieces. A
    // decoder that rescanned its buffer per piece would take minutes here.
    std::string line = "data: " + std::string(512 * 1024, 'x') + "\n\n";
    std::string many;
    for (int i = 0; i < 20000; ++i) many += "data: {\"i\":" + std::to_string(i) + "}\r\n\r\n";

    const auto start = std::chrono::steady_clock::now();
    SseDecoder decoder;
    std::size_t events = 0;
    std::size_t data_bytes = 0;
    const std::function<void(const SseEvent&)> on_event = [&](const SseEvent& e) {
        ++events;
        data_bytes += e.data.size();
    };
    for (std::size_t i = 0; i < line.size(); ++i) decoder.feed(std::string_view(line).substr(i, 1), on_event);
    for (std::size_t i = 0; i < many.size(); i += 7) decoder.feed(std::string_view(many).substr(i, 7), on_event);
    decoder.finish(on_event);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    CHECK(events == 20001);
    CHECK(data_bytes >= 512u * 1024u);
    CHECK(seconds < 10.0);
}

// ---- NDJSON ------------------------------------------------------------------------------------

// Ollama native /api/chat: the done:true trailer ends without a newline here.
constexpr std::string_view kOllamaStream =
    R"({"model":"llama3.2","created_at":"2023-08-04T08:52:19.385406455-07:00","message":{"role":"assistant","content":"{\"","images":null},"done":false}
{"model":"llama3.2","created_at":"2023-08-04T08:52:19.40Z","message":{"role":"assistant","content":"name"},"done":false}
{"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":282,"eval_duration":4535599000})";

TEST_CASE("ndjson: an Ollama stream gives one line per object, the last one without a newline too", "[ndjson]") {
    const std::vector<std::string> lines = require_same_lines_in_any_pieces(kOllamaStream);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].rfind(R"({"model":"llama3.2")", 0) == 0);
    CHECK(lines[0].back() == '}');
    CHECK(
        lines[1] ==
        R"({"model":"llama3.2","created_at":"2023-08-04T08:52:19.40Z","message":{"role":"assistant","content":"name"},"done":false})");
    CHECK(lines[2].find(R"("done":true)") != std::string::npos);

    // With its final newline: the same lines.
    CHECK(require_same_lines_in_any_pieces(std::string(kOllamaStream) + "\n") == lines);
}

TEST_CASE("ndjson: CRLF line ends are stripped and blank lines skipped", "[ndjson]") {
    const std::vector<std::string> lines =
        require_same_lines_in_any_pieces("\n{\"a\":1}\r\n\r\n  \t\n{\"b\":2}\n\n{\"error\":\"model failed\"}\r\n");
    CHECK(lines == std::vector<std::string>{R"({"a":1})", R"({"b":2})", R"({"error":"model failed"})"});
}

TEST_CASE("ndjson: a line arrives only once its newline has, or at finish()", "[ndjson]") {
    NdjsonDecoder decoder;
    std::vector<std::string> lines;
    const auto on_line = [&lines](std::string_view line) { lines.emplace_back(line); };
    decoder.feed(R"({"a":)", on_line);
    CHECK(lines.empty());
    decoder.feed("1}\r", on_line);
    CHECK(lines.empty());
    decoder.feed("\n{\"b\"", on_line);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == R"({"a":1})");
    decoder.feed(":2}", on_line);
    CHECK(lines.size() == 1);
    decoder.finish(on_line);
    REQUIRE(lines.size() == 2);
    CHECK(lines[1] == R"({"b":2})");
    CHECK(decoder.bytes_read() == 16);
}

TEST_CASE("ndjson: multi-byte UTF-8 split inside its sequences arrives intact", "[ndjson]") {
    const std::string body =
        "{\"message\":{\"content\":\"Zoë 日本 😀\"},\"done\":false}\n"
        "{\"message\":{\"content\":\"\\u00eb\\n\"},\"done\":true}";
    const std::vector<std::string> lines = require_same_lines_in_any_pieces(body);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] ==
          "{\"message\":{\"content\":\"Zo\xC3\xAB \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80\"},\"done\":false}");
    CHECK(lines[1] == "{\"message\":{\"content\":\"\\u00eb\\n\"},\"done\":true}");
}

TEST_CASE("ndjson: an empty or blank body gives no lines", "[ndjson]") {
    CHECK(decode_ndjson({}).empty());
    CHECK(decode_ndjson({""}).empty());
    CHECK(require_same_lines_in_any_pieces("\n\r\n \n").empty());
}

}  // namespace stream_framing_test
