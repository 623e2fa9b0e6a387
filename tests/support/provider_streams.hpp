// Provider streams for tests and benchmarks: SSE in the OpenAI family's shapes (content deltas,
// tool-call fragments, Groq's and Mistral's whole calls) and Ollama's NDJSON, plus the scripted
// reply that sends them in small chunks.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_server.hpp"

namespace test_support::streams {

using json = nlohmann::json;

inline std::string sse_event(const json& event) { return "data: " + event.dump() + "\n\n"; }

inline std::string sse(const std::vector<json>& events, bool done = true) {
    std::string body;
    for (const auto& event : events) body += sse_event(event);
    if (done) body += "data: [DONE]\n\n";
    return body;
}

inline json openai_chunk(const json& delta, const json& finish = nullptr) {
    return {{"id", "chatcmpl-f"},
            {"object", "chat.completion.chunk"},
            {"model", "test"},
            {"choices", {{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}}}};
}

inline json usage_chunk(int prompt, int completion) {
    return {{"id", "chatcmpl-f"},
            {"object", "chat.completion.chunk"},
            {"choices", json::array()},
            {"usage",
             {{"prompt_tokens", prompt}, {"completion_tokens", completion}, {"total_tokens", prompt + completion}}}};
}

// `text` in pieces of about `piece` bytes, never cutting a UTF-8 character.
inline std::vector<std::string> pieces_of(const std::string& text, std::size_t piece) {
    std::vector<std::string> out;
    for (std::size_t at = 0; at < text.size();) {
        std::size_t end = std::min(text.size(), at + piece);
        while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
        out.push_back(text.substr(at, end - at));
        at = end;
    }
    return out;
}

// The content events of a JSON-mode answer (no finish, no usage, no [DONE]).
inline std::string text_events(const std::string& content, std::size_t piece = 3) {
    std::string body = sse_event(openai_chunk({{"role", "assistant"}, {"content", ""}}));
    for (const auto& part : pieces_of(content, piece)) body += sse_event(openai_chunk({{"content", part}}));
    return body;
}

// A whole JSON-mode stream: content, the finish chunk, a usage chunk, [DONE] (unless `done` is false).
inline std::string text_stream(const std::string& content, std::size_t piece = 3, const std::string& finish = "stop",
                               int prompt = 20, int completion = 8, bool done = true) {
    return text_events(content, piece) +
           sse({openai_chunk(json::object(), finish), usage_chunk(prompt, completion)}, done);
}

// The events of a tool call whose arguments arrive in fragments keyed by index (no finish).
inline std::string tool_events(const std::string& name, const std::string& arguments, std::size_t piece = 4) {
    std::string body = sse_event(openai_chunk({{"role", "assistant"},
                                               {"tool_calls",
                                                {{{"index", 0},
                                                  {"id", "call_1"},
                                                  {"type", "function"},
                                                  {"function", {{"name", name}, {"arguments", ""}}}}}}}));
    for (const auto& part : pieces_of(arguments, piece))
        body += sse_event(openai_chunk({{"tool_calls", {{{"index", 0}, {"function", {{"arguments", part}}}}}}}));
    return body;
}

inline std::string tool_stream(const std::string& name, const std::string& arguments, std::size_t piece = 4) {
    return tool_events(name, arguments, piece) + sse({openai_chunk(json::object(), "tool_calls"), usage_chunk(30, 12)});
}

// Groq: the whole call in one chunk, usage in x_groq.
inline std::string groq_tool_stream(const std::string& name, const std::string& arguments) {
    json last = openai_chunk(json::object(), "tool_calls");
    last["x_groq"] = {{"id", "req_g"},
                      {"usage", {{"prompt_tokens", 30}, {"completion_tokens", 12}, {"total_tokens", 42}}}};
    return sse({openai_chunk({{"role", "assistant"},
                              {"tool_calls",
                               {{{"index", 0},
                                 {"id", "call_g"},
                                 {"type", "function"},
                                 {"function", {{"name", name}, {"arguments", arguments}}}}}}}),
                last});
}

// Mistral: whole calls, usage on the last chunk.
inline std::string mistral_tool_stream(const std::string& name, const std::string& arguments) {
    json last = openai_chunk(json::object(), "tool_calls");
    last["usage"] = {{"prompt_tokens", 30}, {"completion_tokens", 12}, {"total_tokens", 42}};
    return sse(
        {openai_chunk(
             {{"role", "assistant"},
              {"tool_calls",
               {{{"id", "abcDEF123"}, {"function", {{"name", name}, {"arguments", arguments}}}, {"index", 0}}}}}),
         last});
}

// Ollama's own API: NDJSON content lines (no done line).
inline std::string ollama_lines(const std::string& content, std::size_t piece = 5) {
    std::string body;
    for (const auto& part : pieces_of(content, piece))
        body += json{{"model", "llama3.1"}, {"message", {{"role", "assistant"}, {"content", part}}}, {"done", false}}
                    .dump() +
                "\n";
    return body;
}

inline std::string ollama_done_line(const std::string& reason = "stop") {
    return json{{"model", "llama3.1"},
                {"message", {{"role", "assistant"}, {"content", ""}}},
                {"done", true},
                {"done_reason", reason},
                {"prompt_eval_count", 20},
                {"eval_count", 8}}
               .dump() +
           "\n";
}

inline std::string ollama_stream(const std::string& content, std::size_t piece = 5) {
    return ollama_lines(content, piece) + ollama_done_line();
}

inline ScriptedReply streamed(const std::string& body, std::size_t piece = 7,
                              const std::string& content_type = "text/event-stream") {
    return {.content_type = content_type, .chunks = ScriptedReply::split_every(body, piece)};
}

inline ScriptedReply ndjson(const std::string& body, std::size_t piece = 7) {
    return streamed(body, piece, "application/x-ndjson");
}

}  // namespace test_support::streams
