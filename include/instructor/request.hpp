#pragma once
// The provider-neutral request: what to ask, of which model, how, and what shape the answer takes.
//
//     instructor::Request request{
//         .model = "llama3.1",
//         .messages = {instructor::user("Jason is 30 years old")},
//         .max_retries = 2,
//         .temperature = 0.0,
//     };

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/http_headers.hpp>
#include <instructor/message.hpp>
#include <instructor/mode.hpp>
#include <instructor/thinking.hpp>
#include <instructor/validation_context.hpp>

namespace instructor {

/// The shape of the answer, in every schema form a provider may want. Built from a type by
/// instructor::response_model<T>(); a provider only ever sees this.
struct ResponseModel {
    /// A schema, shared and never changed, so that copying a ResponseModel (once per call) is cheap.
    using Schema = std::shared_ptr<const nlohmann::ordered_json>;

    std::string name{};                // identifier-safe: the tool / schema name
    std::string description{};         // the tool description
    Schema schema{};                   // plain draft 2020-12
    Schema strict_schema{};            // OpenAI strict form; null when the type has none
    Schema inlined_schema{};           // no $ref but for recursion, patterns spelled for grammars; null: use `schema`
    std::string strict_unavailable{};  // why there is no strict form
    /// The GBNF grammar (gbnf<T>()), for Mode::gbnf; null when the type has none (see grammar_unavailable).
    std::shared_ptr<const std::string> grammar{};
    std::string grammar_unavailable{};  // why there is no grammar
};

struct Request {
    // Designated initializers follow declaration order: model, messages, max_retries come first.
    std::string model{};
    std::vector<Message> messages{};
    std::optional<int>
        max_retries{};  // re-asks after the first call when the answer does not validate (else the client's)

    std::optional<double> temperature{};
    std::optional<double> top_p{};
    std::optional<int> max_tokens{};
    std::optional<std::int64_t> seed{};
    std::vector<std::string> stop{};
    bool stream = false;
    std::optional<Mode> mode{};  // overrides the client's mode for this call
    /// Whether and how much a model that thinks before it answers does (on, off, effort, budget),
    /// mapped to the provider's own fields; a setting the provider has no field for is a
    /// ConfigurationError. none: the model's and the server's defaults.
    std::optional<Thinking> thinking{};

    /// Provider fields passed through untouched, merged into the body last.
    nlohmann::json extra = nlohmann::json::object();

    /// What the answer must look like: one model, or one per alternative in parallel_tools mode.
    std::vector<ResponseModel> response_models{};

    /// Cancels the call from another thread (std::stop_source::request_stop): the transfer or the
    /// wait in progress ends with a CancelledError.
    std::stop_token cancel{};

    /// The whole call, re-asks and HTTP retries included, ends with a TimeoutError after this long
    /// (counted from when it starts). 0: the client's (ClientOptions::timeout).
    std::chrono::milliseconds timeout{0};

    /// HTTP headers for this call only, set over the client's (ClientOptions::headers) and the
    /// provider's. Sent, never logged: hooks and errors do not show headers.
    HttpHeaders headers{};

    /// What validators taking a context (`validate(const C&) const`) receive: e.g. the source text
    /// the answer must agree with. Checked before anything is sent: a validator whose context the
    /// call does not give is a ConfigurationError.
    ValidationContext context{};
};

}  // namespace instructor
