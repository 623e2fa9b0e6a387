#pragma once
// The validate-and-retry loop, compiled once: it sees schemas (in the Request) and a parse callback,
// never the C++ type being extracted.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/completion.hpp>
#include <instructor/error.hpp>
#include <instructor/hooks.hpp>
#include <instructor/http_retries.hpp>
#include <instructor/provider.hpp>
#include <instructor/request.hpp>
#include <instructor/transport.hpp>

namespace instructor::detail {

/// Reads the model's answer into the caller's value; returns what is wrong with it (empty = done).
/// In parallel_tools mode the answer is an array of {"name": tool, "arguments": value}.
using ParseCallback = std::function<std::vector<FieldError>(const nlohmann::json& answer)>;

struct ExtractionSetup {
    const Provider* provider = nullptr;
    Mode mode = Mode::tools;
    const Transport* transport = nullptr;
    std::string url;      // base URL + chat path
    std::string api_key;  // only ever put into headers
    const HttpRetries* retries = nullptr;  // nullptr: none
    const Hooks* hooks = nullptr;          // nullptr: none
};

struct ExtractionResult {
    std::vector<Completion> completions;  // one per attempt
    Usage usage;                          // summed over every attempt
};

ExtractionResult run_extraction(const ExtractionSetup& setup, Request request, const ParseCallback& parse);

/// The first JSON value in a model's text: inside a ```json fence, or among prose, after any
/// <think>...</think> block. nullopt when there is none.
[[nodiscard]] std::optional<nlohmann::json> extract_json(std::string_view text);

}  // namespace instructor::detail
