// Replies exactly as the two real llama.cpp servers send them, built the way their sources build
// them (b4748: examples/server/server.cpp and utils.hpp; b10156: tools/server/server-task.cpp,
// server-chat.cpp and server-common.cpp). nlohmann's json sorts object keys, as the servers' own
// json does, so the bytes match too.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "provider_streams.hpp"
#include "test_server.hpp"

namespace test_support::llama_cpp {

using json = nlohmann::json;

// format_error_response() wrapped by res_error() / server_res_generator::error(): the HTTP status
// is the error's code.
inline ScriptedReply error_reply(int code, const std::string& message, const std::string& type, json extra = {}) {
    json error{{"code", code}, {"message", message}, {"type", type}};
    if (extra.is_object())
        for (const auto& [key, value] : extra.items()) error[key] = value;
    return {.status = code, .body = json{{"error", error}}.dump()};
}

// b4748 turns every exception from request parsing into a 500 server_error.
inline ScriptedReply b4748_tools_with_stream() {
    return error_reply(500, "Cannot use tools with stream", "server_error");
}

// b10156: a prompt that does not fit (server-context.cpp, server_task_result_error::to_json).
inline ScriptedReply b10156_exceed_context(int n_prompt_tokens, int n_ctx) {
    return error_reply(400,
                       "request (" + std::to_string(n_prompt_tokens) + " tokens) exceeds the available context size (" +
                           std::to_string(n_ctx) + " tokens), try increasing it",
                       "exceed_context_size_error", {{"n_prompt_tokens", n_prompt_tokens}, {"n_ctx", n_ctx}});
}

inline json usage(int prompt, int completion) {
    return {{"completion_tokens", completion}, {"prompt_tokens", prompt}, {"total_tokens", prompt + completion}};
}

inline json timings() {
    return {{"predicted_ms", 12.5},          {"predicted_n", 8},           {"predicted_per_second", 640.0},
            {"predicted_per_token_ms", 1.5}, {"prompt_ms", 3.25},          {"prompt_n", 20},
            {"prompt_per_second", 6153.8},   {"prompt_per_token_ms", 0.16}};
}

// to_json_oaicompat_chat(): a whole reply. `message` is the assistant message.
inline ScriptedReply chat_reply(const json& message, const std::string& finish_reason, int prompt, int completion) {
    return {.body =
                json{{"choices", json::array({{{"finish_reason", finish_reason}, {"index", 0}, {"message", message}}})},
                     {"created", 1740000000},
                     {"model", "stories260K"},
                     {"system_fingerprint", "b4748-c392e509"},
                     {"object", "chat.completion"},
                     {"usage", usage(prompt, completion)},
                     {"id", "chatcmpl-3Xb0mVQdGp1fOq4yZt2Kk8sLwR6cN9aE"},
                     {"timings", timings()}}
                    .dump()};
}

// b4748 with tools: id "" and content null (the generic tool-call format names no id).
inline ScriptedReply b4748_tool_call(const std::string& name, const std::string& arguments, int prompt = 20,
                                     int completion = 8) {
    const json call{{"type", "function"}, {"function", {{"name", name}, {"arguments", arguments}}}, {"id", ""}};
    return chat_reply({{"role", "assistant"}, {"content", nullptr}, {"tool_calls", json::array({call})}}, "tool_calls",
                      prompt, completion);
}

// A text reply ("stop", or "length" when the slot ran out of tokens or context).
inline ScriptedReply text_reply(const std::string& content, const std::string& finish_reason = "stop", int prompt = 20,
                                int completion = 8) {
    return chat_reply({{"role", "assistant"}, {"content", content}}, finish_reason, prompt, completion);
}

// b10156's stream chunks (server_task_result_cmpl_partial / _final::to_json_oaicompat_chat_stream).
inline json b10156_chunk(const json& delta, const json& finish = nullptr) {
    return {{"choices", json::array({{{"finish_reason", finish}, {"index", 0}, {"delta", delta}}})},
            {"created", 1785000000},
            {"id", "chatcmpl-Qm2yXo8rB4vT1nLc6dWj0sKf3ZaHe9Pg"},
            {"model", "stories260K"},
            {"system_fingerprint", "b10156-91f8c9c5"},
            {"object", "chat.completion.chunk"}};
}

inline const std::string b10156_call_id =
    "Xy3kP9qLm2Vt7RbN4cWd8FsJ1hGz6aTe";  // 32 characters, as random_string() makes

// A streamed tool call: the role chunk first, the call's header (index, id, type, name), the
// arguments in pieces, the finish chunk, the usage chunk with no choices, [DONE]. With
// `failing_parser`, the server's tool-call parser rejects the output at the end instead: an error
// event and no [DONE].
inline std::string b10156_tool_stream(const std::string& name, const std::string& arguments,
                                      bool failing_parser = false) {
    using test_support::streams::sse_event;
    std::string body = sse_event(b10156_chunk({{"role", "assistant"}, {"content", nullptr}}));
    body += sse_event(b10156_chunk(
        {{"tool_calls",
          json::array(
              {{{"index", 0}, {"id", b10156_call_id}, {"type", "function"}, {"function", {{"name", name}}}}})}}));
    for (const auto& piece : test_support::streams::pieces_of(arguments, 5))
        body += sse_event(
            b10156_chunk({{"tool_calls", json::array({{{"index", 0}, {"function", {{"arguments", piece}}}}})}}));
    if (failing_parser) {
        // server-context.cpp: an exception while producing the next chunk ends the stream with it.
        return body +
               sse_event({{"error",
                           {{"code", 500},
                            {"message", "The model produced output that does not match the expected peg-native format"},
                            {"type", "server_error"}}}});
    }
    body += sse_event(b10156_chunk(json::object(), "tool_calls"));
    json usage_chunk = b10156_chunk(json::object());
    usage_chunk["choices"] = json::array();
    usage_chunk["usage"] = usage(20, 8);
    body += sse_event(usage_chunk);
    return body + "data: [DONE]\n\n";
}

inline ScriptedReply streamed(const std::string& body) {
    return {.content_type = "text/event-stream", .chunks = ScriptedReply::split_every(body, 37)};
}

}  // namespace test_support::llama_cpp
