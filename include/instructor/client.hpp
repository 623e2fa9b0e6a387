#pragma once
// The client: asks a model for a T, checks the answer, and asks again with the errors until it
// validates or the re-asks run out.
//
//     auto client = instructor::from_callable(my_model, instructor::Mode::json_schema);
//     UserDetail user = client.create<UserDetail>({
//         .model = "local",
//         .messages = {instructor::user("Jason is 30 years old")},
//         .max_retries = 2,
//     });

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstddef>
#include <exception>
#include <functional>
#include <future>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/batch.hpp>
#include <instructor/detail/client/batch_engine.hpp>
#include <instructor/detail/client/extraction.hpp>
#include <instructor/detail/parse/context_check.hpp>
#include <instructor/detail/parse/partial_assign.hpp>
#include <instructor/from_json.hpp>
#include <instructor/hooks.hpp>
#include <instructor/http_retries.hpp>
#include <instructor/limits.hpp>
#include <instructor/partial.hpp>
#include <instructor/provider.hpp>
#include <instructor/request.hpp>
#include <instructor/response_model.hpp>
#include <instructor/result.hpp>
#include <instructor/servers.hpp>
#include <instructor/transport.hpp>

namespace instructor {

/// Settings and per-client defaults. base_url and api_key come first (designated initializers).
struct ClientOptions {
    std::string base_url{};            // "" = the provider's default
    std::string api_key{};             // "" = none; never printed
    std::string model{};               // used when a request names none
    std::optional<int> max_retries{};  // used when a request sets none; 2 when neither does
    std::optional<double> temperature{};
    ParseOptions parse{};        // lax by default (its limits are not used: set `limits`)
    Limits limits{};             // bounds on every reply, event and answer read (depth, bytes)
    HttpRetries http_retries{};  // 408/409/429/5xx and broken connections; {.max_retries = 0}: off
    Hooks hooks{};               // watch requests, replies, parse errors and retries
    Transport transport{};       // empty: libcurl, with the settings below
    CurlOptions curl{};
    /// create_async: its calls share one engine (one thread) with these settings.
    BatchOptions async{.max_concurrency = 64};
    /// Every call, re-asks and HTTP retries included, ends with a TimeoutError after this long,
    /// unless its Request::timeout says otherwise. 0: no deadline (the transfer's own bounds,
    /// CurlOptions, still apply).
    std::chrono::milliseconds timeout{0};
    /// HTTP headers sent on every call, set over the provider's (a same-named one replaces it).
    /// Never logged.
    HttpHeaders headers{};
    /// Several servers of the same model instead of base_url (leave that empty): every call, stream
    /// and batch spreads over them by `routing`, each server held to its max_in_flight; a server that
    /// fails is cooled down and the send goes to another (counted as an HTTP retry). See servers.hpp.
    std::vector<Server> servers{};
    Routing routing{};  // with `servers`: how the server of each send is picked, and failing ones left out
};

/// A value with the replies it took to get it.
template <class T>
struct Extraction {
    T value{};
    std::vector<Completion> completions{};  // one per attempt, the last one valid
    Usage usage{};                          // summed over every attempt

    /// The model's reasoning behind the value: the thinking of the reply it was read from ("" when
    /// the model did not think, or its provider keeps the thinking hidden).
    [[nodiscard]] const std::string& reasoning() const noexcept {
        static const std::string none;
        return completions.empty() ? none : completions.back().reasoning;
    }
    /// The value was read from the reasoning: the server left the content empty and put the answer
    /// in its reasoning field (MLX servers do).
    [[nodiscard]] bool answer_in_reasoning() const noexcept {
        return !completions.empty() && completions.back().answer_in_reasoning;
    }
};

class Client;

namespace detail {
struct BatchJobAccess;  // create_batch (batch_job.hpp) makes its calls as create_many does
/// What create_many and extract_many read their inputs from: anything with begin() and end().
template <class Range>
concept Iterable = requires(Range& range) {
    std::begin(range) != std::end(range);
    *std::begin(range);
};
}  // namespace detail

/// A client for OpenAI (no base_url; key from OPENAI_API_KEY when not given) or for any
/// OpenAI-compatible server at base_url (the key is only what you pass: OPENAI_API_KEY is never
/// sent to another host).
[[nodiscard]] Client from_openai(ClientOptions options = {}, Mode mode = Mode::tools);

/// "groq/llama-3.3-70b-versatile": the provider's preset (base URL, dialect, default mode), the key
/// from its environment variable (GROQ_API_KEY) unless options.api_key is set, and the model named
/// as the client's default model.
[[nodiscard]] Client from_provider(std::string_view spec, ClientOptions options = {});
[[nodiscard]] Client from_provider(std::string_view spec, ClientOptions options, Mode mode);

/// An in-process model: takes an OpenAI-format chat request body, returns the OpenAI-format reply.
using ChatFunction = std::function<nlohmann::json(const nlohmann::json& request)>;

class Client {
public:
    /// `transport` overrides options.transport; with neither, libcurl with options.curl.
    Client(const Provider& provider, Mode mode, ClientOptions options, Transport transport = {});

    /// Asks for a T. Throws RetryError when the re-asks run out (every attempt inside), HttpError
    /// when the provider refuses the request, IncompleteOutputError when the reply is cut off, and
    /// RefusalError when the model declines.
    template <class T>
    T create(Request request) const {
        return std::move(create_with_completion<T>(std::move(request)).value);
    }

    /// The same, with every reply and the total token usage.
    template <class T>
    Extraction<T> create_with_completion(Request request) const;

    /// create<T> without exceptions: the value, or the instructor error that create<T> would throw.
    ///
    ///     auto user = client.try_create<UserDetail>(request);
    ///     if (!user) std::cerr << user.error().what() << '\n';
    template <class T>
    Result<T, AnyError> try_create(Request request) const {
        try {
            return create<T>(std::move(request));
        } catch (const Error&) {
            return AnyError::current();
        }
    }

    /// Streams a T (a struct). `on_update(so_far)` or `on_update(so_far, progress)` runs each time
    /// a member changes: strings grow as they are written, other members appear once complete and
    /// checked (PartialProgress says which). The whole value is checked at the end and re-asked,
    /// streaming again, if it fails. Returning false from on_update stops the stream; the call then
    /// returns the value as far as it came, unchecked.
    template <class T, class OnUpdate>
    T create_partial(Request request, OnUpdate&& on_update) const {
        return create_partial_with<T>(std::move(request), on_update, {});
    }

    /// The same, and `on_reasoning(delta)` gets the model's reasoning as it is written, apart from
    /// the value (the thinking of a model that thinks before it answers; returning false stops the
    /// stream as on_update's false does). A stream restarted on another server (ClientOptions::servers,
    /// PartialProgress::restarts()) hands on the new reply's reasoning from its beginning.
    ///
    ///     client.create_partial<Report>(request, draw, [](std::string_view thought) { std::cerr << thought; });
    template <class T, class OnUpdate, class OnReasoning>
    T create_partial(Request request, OnUpdate&& on_update, OnReasoning&& on_reasoning) const {
        return create_partial_with<T>(std::move(request), on_update, reasoning_listener(on_reasoning));
    }

    /// Streams a list of T: `on_item(T)` or `on_item(T, const ItemProgress&)` gets each item,
    /// checked, as soon as it is complete (returning false stops the stream). After a re-ask, items
    /// already handed over are not handed over again; after a stream restarted on another server
    /// (ClientOptions::servers), they are, from the new reply (ItemProgress::restarts says so).
    template <class T, class OnItem>
    void create_iterable(Request request, OnItem&& on_item) const {
        create_iterable_with<T>(std::move(request), on_item, {});
    }

    /// The same, and `on_reasoning(delta)` gets the model's reasoning as it is written (a stream
    /// restarted on another server: the new reply's, from its beginning).
    template <class T, class OnItem, class OnReasoning>
    void create_iterable(Request request, OnItem&& on_item, OnReasoning&& on_reasoning) const {
        create_iterable_with<T>(std::move(request), on_item, reasoning_listener(on_reasoning));
    }

    /// Streams a list of T and returns every item, checked (of the final reply, when a stream
    /// restarted on another server).
    template <class T>
    std::vector<T> create_iterable(Request request) const {
        std::vector<T> items;
        create_iterable<T>(std::move(request), [&](T item, const ItemProgress& progress) {
            items.resize(std::min(items.size(), progress.index));  // a restarted stream hands its items again
            items.push_back(std::move(item));
        });
        return items;
    }

    /// Many calls at once, from one thread: each request's value (with its replies) or the error
    /// it ended in, in input order. One call's failure never stops the others; each keeps its own
    /// re-asks and HTTP retries, and a 429 holds every new send back for the wait it asks. Throws
    /// only what a BatchOptions callback throws (after stopping the batch).
    ///
    ///     auto results = client.create_many<UserDetail>(requests, {.max_concurrency = 32});
    template <class T, detail::Iterable Requests>
    std::vector<Result<Extraction<T>, AnyError>> create_many(Requests&& requests, BatchOptions options = {}) const;

    /// The same, handing each result to `on_result(BatchResult<Extraction<T>>)` as soon as it ends
    /// (on the batch's thread, one at a time) and keeping none: the requests are read as calls
    /// start, so a long or endless input needs memory only for the calls in flight.
    template <class T, detail::Iterable Requests, class OnResult>
    void create_many(Requests&& requests, BatchOptions options, OnResult&& on_result) const {
        auto it = std::begin(requests);
        const auto end = std::end(requests);
        create_many_from<T>(
            [&]() -> std::optional<Request> {
                if (it == end) return std::nullopt;
                Request request = *it;
                ++it;
                return request;
            },
            std::move(options), std::forward<OnResult>(on_result));
    }

    /// The same, with the requests from `next()` until it returns nullopt.
    template <class T, class Next, class OnResult>
    void create_many_from(Next&& next, BatchOptions options, OnResult&& on_result) const;

    /// One call that runs without blocking: on the client's engine (one thread for all its async
    /// calls, ClientOptions::async). request.cancel cancels it; destroying the last copy of the
    /// client cancels what is still running. The future throws what create<T> would.
    template <class T>
    std::future<T> create_async(Request request) const;

    [[nodiscard]] const Provider& provider() const noexcept;
    [[nodiscard]] Mode mode() const noexcept;
    [[nodiscard]] const ClientOptions& options() const noexcept;

    /// Each of ClientOptions::servers' counters now (calls, failures, in flight, cooldowns, latency),
    /// in list order, shared by the client's copies; empty for a client of one base_url.
    [[nodiscard]] std::vector<ServerStats> server_stats() const;

private:
    friend Client from_provider(std::string_view spec, ClientOptions options);
    // What a client is made of, shared by its copies.
    struct State;
    detail::ExtractionResult run(Request request, const detail::ParseCallback& parse,
                                 const detail::StreamWatcher* watcher = nullptr) const;
    // The request with the client's defaults filled in, and how to send it.
    detail::ExtractionSetup setup_for(Request& request) const;
    detail::BatchTransport batch_transport() const noexcept;
    detail::AsyncEngine& async_engine() const;
    // The client's parse options with the request's validation context.
    ParseOptions parse_options_for(const Request& request) const;
    template <class T, class OnUpdate>
    T create_partial_with(Request request, OnUpdate& on_update, detail::ReasoningListener on_reasoning) const;
    template <class T, class OnItem>
    void create_iterable_with(Request request, OnItem& on_item, detail::ReasoningListener on_reasoning) const;
    // A reasoning callback returning void or bool, as a listener that says whether to go on.
    template <class OnReasoning>
    static detail::ReasoningListener reasoning_listener(OnReasoning& on_reasoning) {
        return [&on_reasoning](std::string_view delta) { return detail::call_continues(on_reasoning, delta); };
    }
    // Sets the request's response model for T and returns the callback that reads an answer into `value`.
    template <class T>
    detail::ParseCallback parse_into(Request& request, std::optional<T>& value) const;
    // One call of a batch, reading its answer into a value of its own; `finish` gets the outcome.
    template <class T, class Finish>
    detail::BatchCall batch_call(Request request, Finish finish) const;
    friend struct detail::BatchJobAccess;

    std::shared_ptr<State> state_;
};

struct Client::State {
    const Provider* provider = nullptr;
    Mode mode = Mode::tools;
    ClientOptions options;
    Transport transport;
    bool default_transport = false;    // libcurl made by the client: batches use its multi interface
    bool preset_mode = false;          // the mode is the provider's default, not one the user named
    std::string url;                   // base URL + chat path
    std::string shown_url;             // the same without credentials: what hooks and errors show
    HttpHeaders headers;               // the provider's, with the key: made once, sent on every call
    std::vector<std::string> secrets;  // the key and credential header values, masked in what a server echoes
    // ClientOptions::servers: where each send goes. After the transport, which its thread uses.
    std::shared_ptr<detail::ServerPool> pool;
    // The server refused to stream tool calls once: ask for them whole from then on.
    std::atomic<bool> tools_unstreamable{false};
    // create_async's engine, started on first use. Last, so that it ends (cancelling what it still
    // runs) while everything its calls point to is still there.
    std::mutex async_mutex;
    std::unique_ptr<detail::AsyncEngine> async;
};

inline const Provider& Client::provider() const noexcept { return *state_->provider; }
inline ParseOptions Client::parse_options_for(const Request& request) const {
    ParseOptions options = state_->options.parse;
    options.context = request.context;
    return options;
}
inline Mode Client::mode() const noexcept { return state_->mode; }
inline const ClientOptions& Client::options() const noexcept { return state_->options; }

/// A client over an in-process backend (llama.cpp linked in, an SDK, a test double), speaking the
/// OpenAI dialect, or another one (e.g. provider("llama-cpp-python")) where the backend expects it.
[[nodiscard]] Client from_callable(ChatFunction chat, Mode mode = Mode::tools,
                                   const Provider& dialect = provider("openai-compatible"), ClientOptions options = {});

/// What extract() takes: the system message, and everything a Request carries but its messages.
struct ExtractOptions {
    std::string model{};
    std::optional<int> max_retries{};
    std::string system{};  // an optional system message before the text

    std::optional<double> temperature{};
    std::optional<double> top_p{};
    std::optional<int> max_tokens{};
    std::optional<std::int64_t> seed{};
    std::vector<std::string> stop{};
    std::optional<Mode> mode{};
    std::optional<Thinking> thinking{};  // Request::thinking
    nlohmann::json extra = nlohmann::json::object();
    std::stop_token cancel{};
    std::chrono::milliseconds timeout{0};
    HttpHeaders headers{};
    ValidationContext context{};
};

/// The request extract() sends for `text`.
[[nodiscard]] Request extract_request(std::string text, ExtractOptions options);

/// Extracts a T from a piece of text.
template <class T>
T extract(const Client& client, std::string text, ExtractOptions options = {}) {
    return client.create<T>(extract_request(std::move(text), std::move(options)));
}

namespace detail {

template <class T>
struct parallel_answer : std::false_type {};
template <class... A>
struct parallel_answer<std::vector<std::variant<A...>>> : std::true_type {};

// parallel_tools: each call goes to the alternative whose tool name it names.
template <class... A>
std::vector<FieldError> read_parallel(const nlohmann::json& calls, std::vector<std::variant<A...>>& out,
                                      const ParseOptions& options) {
    std::vector<FieldError> errors;
    out.clear();
    for (std::size_t i = 0; i < calls.size(); ++i) {
        const auto& call = calls[i];
        const std::string name = call.value("name", "");
        bool known = false;
        auto try_one = [&]<class Alternative>(std::type_identity<Alternative>) {
            if (known || response_model<Alternative>().name != name) return;
            known = true;
            auto result = try_from_json<Alternative>(call["arguments"], options);
            if (result) {
                out.emplace_back(std::move(*result));
            } else {
                for (auto e : result.error().errors()) {
                    e.pointer = "/" + std::to_string(i) + e.pointer;
                    errors.push_back(std::move(e));
                }
            }
        };
        (try_one(std::type_identity<A>{}), ...);
        if (!known) errors.push_back({"/" + std::to_string(i), "unknown tool \"" + name + "\""});
    }
    return errors;
}

}  // namespace detail

template <class T>
detail::ParseCallback Client::parse_into(Request& request, std::optional<T>& value) const {
    if constexpr (detail::parallel_answer<T>::value) {
        using Variant = typename T::value_type;
        if (request.response_models.empty()) request.response_models = response_models_of<Variant>();
        detail::check_validation_context_of<Variant>(request.context);
        return [&value, options = parse_options_for(request)](const nlohmann::json& answer) {
            T items;
            auto errors = detail::read_parallel(answer, items, options);
            if (errors.empty()) value.emplace(std::move(items));
            return errors;
        };
    } else {
        using Wire = typename detail::wire_format<T>::wire;
        if (request.response_models.empty()) request.response_models = {response_model<T>()};
        detail::check_validation_context_of<Wire>(request.context);
        return [&value, options = parse_options_for(request)](const nlohmann::json& answer) -> std::vector<FieldError> {
            auto result = try_from_json<Wire>(answer, options);
            if (!result) return result.error().errors();
            value.emplace(detail::wire_format<T>::unwrap(std::move(*result)));
            return {};
        };
    }
}

template <class T>
Extraction<T> Client::create_with_completion(Request request) const {
    std::optional<T> value;
    const auto parse = parse_into<T>(request, value);
    auto outcome = run(std::move(request), parse);
    return Extraction<T>{std::move(*value), std::move(outcome.completions), outcome.usage};
}

template <class T, class OnUpdate>
T Client::create_partial_with(Request request, OnUpdate& on_update, detail::ReasoningListener on_reasoning) const {
    static_assert(std::is_same_v<typename detail::wire_format<T>::wire, T>,
                  "create_partial<T> streams a struct; for a list of items use create_iterable<Item>");
    std::optional<T> value;
    const auto parse = parse_into<T>(request, value);
    detail::PartialBuilder<T> builder(parse_options_for(request));
    const auto show = [&] {
        if constexpr (std::is_invocable_v<OnUpdate&, const T&, const PartialProgress&>)
            return detail::call_continues(on_update, builder.value(), builder.progress());
        else
            return detail::call_continues(on_update, builder.value());
    };
    const detail::StreamWatcher watcher{
        .on_attempt = [&](int attempt) { builder.restart(attempt); },
        .on_event =
            [&](const detail::PartialEvent& event) {
                builder.apply(event);
                return show();
            },
        // The broken reply's value is dropped, and the callback sees it go at once.
        .on_restart =
            [&](int) {
                builder.restart_stream();
                return show();
            },
        .on_reasoning = std::move(on_reasoning),
    };
    auto outcome = run(std::move(request), parse, &watcher);
    if (outcome.stopped) return std::move(builder.value());
    return std::move(*value);
}

template <class T, class OnItem>
void Client::create_iterable_with(Request request, OnItem& on_item, detail::ReasoningListener on_reasoning) const {
    std::optional<std::vector<T>> all;
    const auto parse = parse_into<std::vector<T>>(request, all);
    const ParseOptions item_options = parse_options_for(request);
    // Items go out in order, each once: after a re-ask, the first `handed_over` are skipped. A stream
    // restarted on another server hands every item again, from its own reply.
    std::size_t handed_over = 0;
    std::size_t next = 0;
    ItemProgress progress;
    const detail::StreamWatcher watcher{
        .on_attempt =
            [&](int attempt) {
                next = 0;
                // The same attempt again: its answer begins again (the text so far was reasoning).
                if (attempt != progress.attempt) progress.restarts = 0;
                progress.attempt = attempt;
            },
        .on_event =
            [&](const detail::PartialEvent& event) {
                // An item is complete when its value at /tasks/<i> closes.
                if (event.kind != detail::PartialEventKind::value_complete || event.path.size() != 2 ||
                    !event.path[1].is_index || event.path[1].index != next)
                    return true;
                auto item = try_from_json<T>(event.value, item_options);
                if (!item) {
                    next = std::numeric_limits<std::size_t>::max();  // the final check re-asks
                    return true;
                }
                ++next;
                if (next <= handed_over) return true;
                handed_over = next;
                progress.index = next - 1;
                if constexpr (std::is_invocable_v<OnItem&, T, const ItemProgress&>)
                    return detail::call_continues(on_item, std::move(*item), std::as_const(progress));
                else
                    return detail::call_continues(on_item, std::move(*item));
            },
        .on_restart =
            [&](int) {
                next = 0;
                handed_over = 0;
                ++progress.restarts;
                return true;
            },
        .on_reasoning = std::move(on_reasoning),
    };
    (void)run(std::move(request), parse, &watcher);
}

template <class T, class Finish>
detail::BatchCall Client::batch_call(Request request, Finish finish) const {
    detail::BatchCall call;
    auto value = std::make_shared<std::optional<T>>();
    try {
        call.parse = [value, read = parse_into<T>(request, *value)](const nlohmann::json& answer) {
            return read(answer);
        };
        call.setup = setup_for(request);
        call.request = std::move(request);
    } catch (const Error&) {
        call.failed_before_start = std::current_exception();
    }
    call.finish = [value, finish = std::move(finish)](detail::ExtractionResult* result, const std::exception_ptr& error,
                                                      const Usage& usage) mutable {
        if (result == nullptr) {
            finish(std::optional<Extraction<T>>(), error, usage);
            return;
        }
        finish(std::optional<Extraction<T>>(
                   Extraction<T>{std::move(**value), std::move(result->completions), result->usage}),
               error, usage);
    };
    return call;
}

namespace detail {

// The error a batch call ended in, as create<T> would have thrown it.
inline AnyError any_error(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const Error&) {
        return AnyError::current();
    }
}

}  // namespace detail

template <class T, class Next, class OnResult>
void Client::create_many_from(Next&& next, BatchOptions options, OnResult&& on_result) const {
    // A callback that throws stops the batch; its exception comes out of create_many.
    std::stop_source stop;
    std::stop_callback forward(options.cancel, [&stop] { stop.request_stop(); });
    options.cancel = stop.get_token();
    std::exception_ptr thrown;
    std::size_t index = 0;
    const detail::BatchSource source = [&]() -> std::optional<detail::BatchCall> {
        std::optional<Request> request = next();
        if (!request) return std::nullopt;
        const std::size_t at = index++;
        return batch_call<T>(std::move(*request), [&, at](std::optional<Extraction<T>> value,
                                                          const std::exception_ptr& error, const Usage& usage) {
            if (thrown) return;
            try {
                if (value)
                    on_result(BatchResult<Extraction<T>>{.index = at, .result = std::move(*value), .usage = usage});
                else
                    on_result(
                        BatchResult<Extraction<T>>{.index = at, .result = detail::any_error(error), .usage = usage});
            } catch (...) {
                thrown = std::current_exception();
                stop.request_stop();
            }
        });
    };
    detail::run_batch(source, batch_transport(), options);
    if (thrown) std::rethrow_exception(thrown);
}

namespace detail {

// Results that end in any order, handed back in input order.
template <class R>
class InInputOrder {
public:
    template <class Inputs>
    explicit InInputOrder(const Inputs& inputs) {
        if constexpr (requires { std::size(inputs); }) slots_.reserve(std::size(inputs));
    }
    void put(std::size_t index, R result) {
        if (slots_.size() <= index) slots_.resize(index + 1);
        slots_[index].emplace(std::move(result));
    }
    std::vector<R> take() && {
        std::vector<R> results;
        results.reserve(slots_.size());
        for (auto& slot : slots_) results.push_back(std::move(*slot));
        return results;
    }

private:
    std::vector<std::optional<R>> slots_;
};

}  // namespace detail

template <class T, detail::Iterable Requests>
std::vector<Result<Extraction<T>, AnyError>> Client::create_many(Requests&& requests, BatchOptions options) const {
    detail::InInputOrder<Result<Extraction<T>, AnyError>> results(requests);
    create_many<T>(std::forward<Requests>(requests), std::move(options),
                   [&](BatchResult<Extraction<T>> done) { results.put(done.index, std::move(done.result)); });
    return std::move(results).take();
}

template <class T>
std::future<T> Client::create_async(Request request) const {
    auto promise = std::make_shared<std::promise<T>>();
    std::future<T> future = promise->get_future();
    async_engine().submit(batch_call<T>(std::move(request), [promise](std::optional<Extraction<T>> value,
                                                                      const std::exception_ptr& error, const Usage&) {
        if (value)
            promise->set_value(std::move(value->value));
        else
            promise->set_exception(error);
    }));
    return future;
}

/// Extracts a T from each text, many at once (Client::create_many): each result in input order.
template <class T, detail::Iterable Texts>
std::vector<Result<T, AnyError>> extract_many(const Client& client, Texts&& texts, ExtractOptions options = {},
                                              BatchOptions batch = {}) {
    auto it = std::begin(texts);
    const auto end = std::end(texts);
    const auto next = [&]() -> std::optional<Request> {
        if (it == end) return std::nullopt;
        Request request = extract_request(std::string(*it), options);
        ++it;
        return request;
    };
    detail::InInputOrder<Result<T, AnyError>> results(texts);
    client.create_many_from<T>(next, std::move(batch), [&](BatchResult<Extraction<T>> done) {
        if (done.result)
            results.put(done.index, std::move(done.result->value));
        else
            results.put(done.index, done.result.error());
    });
    return std::move(results).take();
}

}  // namespace instructor
