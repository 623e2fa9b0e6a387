#pragma once
// The validate-and-retry loop, compiled once: it sees schemas (in the Request) and a parse callback,
// never the C++ type being extracted.

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/completion.hpp>
#include <instructor/detail/stream/partial_json.hpp>
#include <instructor/error.hpp>
#include <instructor/hooks.hpp>
#include <instructor/http_retries.hpp>
#include <instructor/limits.hpp>
#include <instructor/provider.hpp>
#include <instructor/request.hpp>
#include <instructor/transport.hpp>

namespace instructor::detail {

/// Reads the model's answer into the caller's value; returns what is wrong with it (empty = done).
/// In parallel_tools mode the answer is an array of {"name": tool, "arguments": value}.
using ParseCallback = std::function<std::vector<FieldError>(const nlohmann::json& answer)>;

class ServerPool;  // ClientOptions::servers (src/client/server_pool.hpp)

struct ExtractionSetup {
    const Provider* provider = nullptr;
    Mode mode = Mode::tools;
    const Transport* transport = nullptr;
    std::string_view url;                  // base URL + chat path
    std::string_view shown_url;            // the same without credentials, for hooks and errors ("": url)
    const HttpHeaders* headers = nullptr;  // the provider's headers, with the key
    const HttpRetries* retries = nullptr;  // nullptr: none
    const Hooks* hooks = nullptr;          // nullptr: none
    // Set once the server has refused to stream tool calls: later tool streams are asked for whole
    // (shared by copies of the client, which talk to the same server). nullptr: never remembered.
    std::atomic<bool>* tools_unstreamable = nullptr;
    const Limits* limits = nullptr;  // nullptr: the defaults
    // Values a server must not get to show back (the key): masked in replies before anything reads them.
    const std::vector<std::string>* secrets = nullptr;
    // The whole call ends by then (Request::timeout or ClientOptions::timeout); max(): no deadline.
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    std::chrono::milliseconds timeout{0};  // what the deadline was made from, for messages
    // A client of several servers: each send goes to the one the pool picks (url and headers above
    // are then the first server's, for what is not a chat call). nullptr: one server, at url.
    ServerPool* pool = nullptr;
};

/// The setup's limits, or the defaults.
[[nodiscard]] inline const Limits& limits_of(const ExtractionSetup& setup) {
    static const Limits defaults;
    return setup.limits != nullptr ? *setup.limits : defaults;
}

struct ExtractionResult {
    std::vector<Completion> completions;  // one per attempt
    Usage usage;                          // summed over every attempt
    bool stopped = false;                 // a stream watcher stopped the stream: nothing was parsed
};

/// Hears the model's reasoning as it is written; returns false to stop the stream.
using ReasoningListener = std::function<bool(std::string_view delta)>;

/// Watches streamed answers (create_partial, create_iterable): the JSON of each answer, event by
/// event, as it arrives, and the model's reasoning apart from it.
struct StreamWatcher {
    /// A stream (the first, or a re-ask) begins, or its answer begins again: the text so far was
    /// the model's reasoning after all (a </think> without an opening tag).
    std::function<void(int attempt)> on_attempt;
    PartialEventSink on_event;  // return false to stop the stream
    /// The stream of this attempt broke off on one server and starts again, from the beginning, on
    /// another (ClientOptions::servers): what was handed on so far came from a reply that is gone.
    /// Return false to stop the call there.
    std::function<bool(int attempt)> on_restart{};
    ReasoningListener on_reasoning{};  // empty: the reasoning is not listened to
};

/// Asks, checks with `parse`, and re-asks until the answer is valid or the re-asks run out. With a
/// watcher, every answer is streamed and its JSON events are handed to the watcher as they arrive.
ExtractionResult run_extraction(const ExtractionSetup& setup, Request request, const ParseCallback& parse,
                                const StreamWatcher* watcher = nullptr);

/// A 2xx reply read into a Completion by the setup's provider; a reply whose only fault is its
/// encoding (bytes that are not UTF-8, lone surrogates) is read with them replaced by U+FFFD
/// (Completion::replaced_characters counts them).
[[nodiscard]] Completion decode_reply(const ExtractionSetup& setup, std::string_view body, const HttpHeaders& headers);

/// The first JSON value in a model's text: inside a ```json fence, or among prose, after any
/// <think>...</think> block (a reply's leading block is its reasoning by then: Completion::text
/// comes without it). nullopt when there is none. A value beyond `limits` is a LimitError.
/// Linear in the text's length, however many brackets never close.
[[nodiscard]] std::optional<nlohmann::json> extract_json(std::string_view text, const Limits& limits = {});

}  // namespace instructor::detail
