// The in-process model: a chat request in llama-server's dialect, answered by llama.cpp linked in.
// Speaking the server's dialect in memory means every mode, re-ask, stream and error path of the
// client is the one already tested against real servers; what is new is only what a server does.
#include <instructor/llama.hpp>

#include <llama.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <instructor/error.hpp>

namespace instructor {

namespace {

// ---- llama.cpp's log: quiet unless asked, errors kept for the message of the failure -----------

std::atomic<bool> log_to_stderr{false};
thread_local std::string last_llama_errors;

void on_llama_log(ggml_log_level level, const char* text, void*) {
    if (log_to_stderr.load(std::memory_order_relaxed)) std::fputs(text, stderr);
    if (level == GGML_LOG_LEVEL_ERROR && last_llama_errors.size() < 2000) last_llama_errors += text;
}

void init_backend_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        llama_log_set(on_llama_log, nullptr);
        llama_backend_init();
    });
}

// What llama.cpp logged as errors since the last call, on one line.
std::string take_llama_errors() {
    std::string text = std::exchange(last_llama_errors, {});
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
}

// ---- reply bodies as llama-server writes them -----------------------------------------------------

using json = nlohmann::json;

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

HttpResponse error_reply(int status, std::string_view type, const std::string& message) {
    json body{{"error", {{"code", status}, {"message", message}, {"type", type}}}};
    return {status, {{"Content-Type", "application/json"}}, dump(body)};
}

// The length of `text` that ends on a whole UTF-8 character (a token may end inside one).
std::size_t complete_utf8_prefix(std::string_view text) {
    std::size_t back = 0;
    while (back < text.size() && back < 4) {
        const auto byte = static_cast<unsigned char>(text[text.size() - 1 - back]);
        ++back;
        if ((byte & 0xC0) != 0x80) {  // a lead byte (or ASCII): is its sequence complete?
            const std::size_t need = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
            return need <= back ? text.size() : text.size() - back;
        }
    }
    return text.size();
}

// The longest end of `text` that begins one of the stop strings: held back until it is known.
std::size_t stop_prefix_at_end(std::string_view text, const std::vector<std::string>& stops) {
    std::size_t longest = 0;
    for (const auto& stop : stops)
        for (std::size_t n = std::min(stop.size() - 1, text.size()); n > longest; --n)
            if (text.substr(text.size() - n) == std::string_view(stop).substr(0, n)) {
                longest = n;
                break;
            }
    return longest;
}

// ---- one call's parameters, read from the request body --------------------------------------------

struct CallParameters {
    std::string model;
    std::vector<std::pair<std::string, std::string>> messages;  // role, text
    std::string grammar;
    bool constrained = false;
    int max_tokens = -1;
    std::vector<std::string> stop;
    std::uint32_t seed = LLAMA_DEFAULT_SEED;
    float temperature = 0.8f;  // llama-server's defaults, so a call here and there sample alike
    float top_p = 0.95f;
    bool stream = false;
    bool stream_usage = false;
};

std::string message_text(const json& content) {
    if (content.is_string()) return content.get<std::string>();
    if (content.is_null()) return {};
    std::string text;
    if (content.is_array())
        for (const auto& part : content) {
            if (part.value("type", "") != "text")
                throw std::invalid_argument("only text content is supported in the process (got a \"" +
                                            part.value("type", "?") + "\" part)");
            text += part.value("text", "");
        }
    return text;
}

CallParameters read_parameters(const json& body) {
    CallParameters p;
    p.model = body.value("model", "");
    for (const auto& message : body.at("messages"))
        p.messages.emplace_back(message.at("role").get<std::string>(), message_text(message.value("content", json())));
    if (const auto grammar = body.find("grammar"); grammar != body.end() && grammar->is_string()) {
        p.grammar = grammar->get<std::string>();
        p.constrained = true;
    }
    if (const auto format = body.find("response_format"); format != body.end()) {
        const std::string type = format->value("type", "");
        if ((type == "json_schema" || format->contains("schema")) && !p.constrained)
            throw std::invalid_argument(
                "a JSON Schema cannot be turned into a grammar in the process: send the type's grammar (mode "
                "json_schema or gbnf of a from_llama client)");
    }
    if (body.contains("tools")) throw std::invalid_argument("tools are not supported in the process");
    for (const char* field : {"max_tokens", "max_completion_tokens", "n_predict"})
        if (body.contains(field) && !body[field].is_null()) p.max_tokens = body[field].get<int>();
    if (const auto stop = body.find("stop"); stop != body.end()) {
        if (stop->is_string())
            p.stop.push_back(stop->get<std::string>());
        else if (stop->is_array())
            for (const auto& s : *stop) p.stop.push_back(s.get<std::string>());
        std::erase_if(p.stop, [](const std::string& s) { return s.empty(); });
    }
    if (body.contains("seed") && !body["seed"].is_null())
        p.seed = static_cast<std::uint32_t>(body["seed"].get<std::int64_t>());
    if (body.contains("temperature") && !body["temperature"].is_null())
        p.temperature = body["temperature"].get<float>();
    if (body.contains("top_p") && !body["top_p"].is_null()) p.top_p = body["top_p"].get<float>();
    p.stream = body.value("stream", false);
    if (const auto options = body.find("stream_options"); options != body.end() && options->is_object())
        p.stream_usage = options->value("include_usage", false);
    return p;
}

// ---- RAII for llama.cpp's handles -------------------------------------------------------------------

struct SamplerDeleter {
    void operator()(llama_sampler* s) const noexcept { llama_sampler_free(s); }
};
using SamplerPtr = std::unique_ptr<llama_sampler, SamplerDeleter>;

struct ContextDeleter {
    void operator()(llama_context* c) const noexcept { llama_free(c); }
};
using ContextPtr = std::unique_ptr<llama_context, ContextDeleter>;

// The sampling chain of llama-server's defaults: top-k 40, top-p, min-p 0.05, temperature, then a
// draw from the seed; greedy at temperature 0 or below.
SamplerPtr make_chain(const CallParameters& p) {
    SamplerPtr chain(llama_sampler_chain_init(llama_sampler_chain_default_params()));
    if (p.temperature <= 0.0f) {
        llama_sampler_chain_add(chain.get(), llama_sampler_init_greedy());
        return chain;
    }
    llama_sampler_chain_add(chain.get(), llama_sampler_init_top_k(40));
    llama_sampler_chain_add(chain.get(), llama_sampler_init_top_p(p.top_p, 1));
    llama_sampler_chain_add(chain.get(), llama_sampler_init_min_p(0.05f, 1));
    llama_sampler_chain_add(chain.get(), llama_sampler_init_temp(p.temperature));
    llama_sampler_chain_add(chain.get(), llama_sampler_init_dist(p.seed));
    return chain;
}

// Writes a streamed reply as server-sent events, as llama-server does.
class EventWriter {
public:
    EventWriter(const HttpRequest& request, std::string id, std::string model, std::int64_t created)
        : request_(request), id_(std::move(id)), model_(std::move(model)), created_(created) {}

    bool send(json choices, const json* usage = nullptr) {
        json chunk{{"id", id_},
                   {"object", "chat.completion.chunk"},
                   {"created", created_},
                   {"model", model_},
                   {"choices", std::move(choices)}};
        if (usage) chunk["usage"] = *usage;
        return raw("data: " + dump(chunk) + "\n\n");
    }
    bool delta(json delta, const json& finish = nullptr) {
        return send(json::array({{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", finish}}}));
    }
    bool raw(const std::string& text) {
        if (stopped_) return false;
        if (!request_.on_chunk(text)) stopped_ = true;
        return !stopped_;
    }

private:
    const HttpRequest& request_;
    std::string id_, model_;
    std::int64_t created_;
    bool stopped_ = false;
};

struct AbortState {
    const std::stop_token* cancel;
    std::chrono::steady_clock::time_point deadline;
};

bool abort_when_cancelled(void* data) {
    const auto* state = static_cast<AbortState*>(data);
    return state->cancel->stop_requested() || std::chrono::steady_clock::now() >= state->deadline;
}

// One call's request: its parameters and its prompt, tokenized.
struct Call {
    CallParameters p;
    std::vector<llama_token> prompt_tokens;
    [[nodiscard]] int n_prompt() const { return static_cast<int>(prompt_tokens.size()); }
};

// What the model has written so far.
struct Generation {
    std::string text;      // the reply so far
    std::size_t sent = 0;  // how much of it has gone out as events
    int generated = 0;
    std::string finish = "length";
    bool complete = true;  // false: the caller stopped reading the stream
};

json usage_of(const Call& call, const Generation& out) {
    return {{"completion_tokens", out.generated},
            {"prompt_tokens", call.n_prompt()},
            {"total_tokens", call.n_prompt() + out.generated}};
}

void throw_if_cancelled(const HttpRequest& request) {
    if (request.cancel.stop_requested()) throw CancelledError("llama: cancelled");
    if (std::chrono::steady_clock::now() >= request.deadline)
        throw TimeoutError("llama: the call's timeout ran out while the model was writing");
}

}  // namespace

// ---- the model ----------------------------------------------------------------------------------------

struct LlamaModel::Impl {
    LlamaOptions options;
    llama_model* model = nullptr;
    const llama_vocab* vocab = nullptr;
    std::string chat_template;
    int context_size = 0;

    // Contexts: one per call in flight, up to options.max_contexts; idle ones are kept for the next.
    mutable std::mutex mutex;
    mutable std::condition_variable_any context_freed;
    mutable std::vector<ContextPtr> idle;
    mutable int contexts_made = 0;
    mutable std::atomic<std::uint64_t> calls{0};

    ~Impl() {
        idle.clear();
        if (model) llama_model_free(model);
    }

    // A context for one call, waiting for one to be free; cancel or the call's deadline ends the wait.
    ContextPtr acquire(const std::stop_token& cancel, std::chrono::steady_clock::time_point deadline) const {
        std::unique_lock lock(mutex);
        const auto free = [&] { return !idle.empty() || contexts_made < options.max_contexts; };
        const bool got = deadline == std::chrono::steady_clock::time_point::max()
                             ? context_freed.wait(lock, cancel, free)
                             : context_freed.wait_until(lock, cancel, deadline, free);
        if (!got) {
            if (cancel.stop_requested()) throw CancelledError("llama: cancelled while waiting for a free context");
            throw TimeoutError("llama: the call's timeout ran out while it waited for a free context");
        }
        if (!idle.empty()) {
            ContextPtr context = std::move(idle.back());
            idle.pop_back();
            return context;
        }
        ++contexts_made;
        lock.unlock();
        auto params = llama_context_default_params();
        params.n_ctx = static_cast<std::uint32_t>(context_size);
        params.n_batch = static_cast<std::uint32_t>(std::min(context_size, 2048));
        params.n_seq_max = 1;
        const int threads =
            options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        params.n_threads = threads;
        params.n_threads_batch = threads;
        params.no_perf = true;
        ContextPtr context(llama_init_from_model(model, params));
        if (!context) {
            std::lock_guard relock(mutex);
            --contexts_made;
            context_freed.notify_one();
            throw ConfigurationError("llama: could not make a context of " + std::to_string(context_size) +
                                     " tokens: " + take_llama_errors());
        }
        return context;
    }

    void release(ContextPtr context) const {
        {
            std::lock_guard lock(mutex);
            idle.push_back(std::move(context));
        }
        context_freed.notify_one();
    }

    std::string apply_template(const CallParameters& p) const {
        std::vector<llama_chat_message> chat;
        chat.reserve(p.messages.size());
        for (const auto& [role, text] : p.messages) chat.push_back({role.c_str(), text.c_str()});
        std::size_t total = 64;
        for (const auto& [role, text] : p.messages) total += role.size() + text.size() + 32;
        std::string prompt(total * 2, '\0');
        for (int round = 0; round < 2; ++round) {
            const int n = llama_chat_apply_template(chat_template.c_str(), chat.data(), chat.size(), true,
                                                    prompt.data(), static_cast<std::int32_t>(prompt.size()));
            if (n < 0) throw std::invalid_argument("llama.cpp could not apply the chat template");
            if (static_cast<std::size_t>(n) <= prompt.size()) {
                prompt.resize(static_cast<std::size_t>(n));
                return prompt;
            }
            prompt.resize(static_cast<std::size_t>(n));
        }
        return prompt;
    }

    std::vector<llama_token> tokenize(const std::string& text) const {
        std::vector<llama_token> tokens(text.size() + 8);
        int n = llama_tokenize(vocab, text.data(), static_cast<std::int32_t>(text.size()), tokens.data(),
                               static_cast<std::int32_t>(tokens.size()), true, true);
        if (n < 0) {
            tokens.resize(static_cast<std::size_t>(-n));
            n = llama_tokenize(vocab, text.data(), static_cast<std::int32_t>(text.size()), tokens.data(),
                               static_cast<std::int32_t>(tokens.size()), true, true);
        }
        if (n < 0) throw std::invalid_argument("llama.cpp could not tokenize the prompt");
        tokens.resize(static_cast<std::size_t>(n));
        return tokens;
    }

    std::string piece(llama_token token) const {
        char buffer[128];
        const int n = llama_token_to_piece(vocab, token, buffer, sizeof buffer, 0, false);
        if (n >= 0) return std::string(buffer, static_cast<std::size_t>(n));
        std::string large(static_cast<std::size_t>(-n), '\0');
        const int m = llama_token_to_piece(vocab, token, large.data(), -n, 0, false);
        large.resize(static_cast<std::size_t>(std::max(m, 0)));
        return large;
    }

    SamplerPtr make_grammar(const std::string& gbnf) const {
        (void)take_llama_errors();
        SamplerPtr grammar(llama_sampler_init_grammar(vocab, gbnf.c_str(), "root"));
        return grammar;
    }

    HttpResponse chat(const HttpRequest& request) const;

private:
    // The steps of chat(), in order.
    std::optional<HttpResponse> read_call(const HttpRequest& request, Call& call) const;
    std::optional<HttpResponse> decode_prompt(llama_context* ctx, std::vector<llama_token>& tokens,
                                              const HttpRequest& request) const;
    llama_token sample(llama_context* ctx, llama_sampler* chain, llama_sampler* grammar,
                       std::vector<llama_token_data>& candidates) const;
    std::optional<HttpResponse> generate(llama_context* ctx, const Call& call, llama_sampler* chain,
                                         llama_sampler* grammar, const HttpRequest& request, EventWriter* events,
                                         Generation& out) const;
    static HttpResponse finish_stream(const Call& call, const Generation& out, EventWriter& events);
    static HttpResponse whole_reply(const Call& call, const Generation& out, const std::string& id,
                                    const std::string& model_name, std::int64_t created);
};

// One call, in the order llama-server takes it: read the request into a prompt, take a context,
// decode the prompt, sample token by token (streaming what is ready), then write the reply.
HttpResponse LlamaModel::Impl::chat(const HttpRequest& request) const {
    Call call;
    if (auto refused = read_call(request, call)) return std::move(*refused);
    SamplerPtr grammar;
    if (call.p.constrained) {
        grammar = make_grammar(call.p.grammar);
        if (!grammar)
            return error_reply(400, "invalid_request_error", "llama: failed to parse grammar: " + take_llama_errors());
    }
    SamplerPtr chain = make_chain(call.p);

    ContextPtr context = acquire(request.cancel, request.deadline);
    struct Release {
        const Impl& self;
        ContextPtr& context;
        ~Release() {
            if (context) self.release(std::move(context));
        }
    } release_on_exit{*this, context};
    llama_context* ctx = context.get();
    llama_memory_clear(llama_get_memory(ctx), true);
    AbortState abort{&request.cancel, request.deadline};
    llama_set_abort_callback(ctx, abort_when_cancelled, &abort);

    const auto number = calls.fetch_add(1) + 1;
    const std::string model_name =
        call.p.model.empty() ? std::filesystem::path(options.model_path).stem().string() : call.p.model;
    const auto created =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const std::string id = "chatcmpl-llama-" + std::to_string(number);
    EventWriter events(request, id, model_name, created);
    const bool streaming = call.p.stream && request.on_chunk;

    if (auto failed = decode_prompt(ctx, call.prompt_tokens, request)) return std::move(*failed);
    if (streaming && !events.delta({{"role", "assistant"}, {"content", nullptr}})) return {200, {}, {}};
    Generation out;
    try {
        if (auto failed = generate(ctx, call, chain.get(), grammar.get(), request, streaming ? &events : nullptr, out))
            return std::move(*failed);
    } catch (const CancelledError&) {
        throw;
    } catch (const TimeoutError&) {
        throw;
    } catch (const std::exception& e) {
        return error_reply(500, "server_error", std::string("llama: sampling failed: ") + e.what());
    }
    if (!out.complete) return {200, {}, {}};  // the caller stopped reading
    return streaming ? finish_stream(call, out, events) : whole_reply(call, out, id, model_name, created);
}

std::optional<HttpResponse> LlamaModel::Impl::read_call(const HttpRequest& request, Call& call) const {
    try {
        call.p = read_parameters(json::parse(request.body));
    } catch (const std::exception& e) {
        return error_reply(400, "invalid_request_error", std::string("llama: ") + e.what());
    }
    try {
        call.prompt_tokens = tokenize(apply_template(call.p));
    } catch (const std::exception& e) {
        return error_reply(400, "invalid_request_error", std::string("llama: ") + e.what());
    }
    const int n_prompt = call.n_prompt();
    if (n_prompt + 1 > context_size) {
        json body{
            {"error",
             {{"code", 400},
              {"message", "the request (" + std::to_string(n_prompt) + " tokens) exceeds the available context size (" +
                              std::to_string(context_size) + " tokens), try increasing it"},
              {"type", "exceed_context_size_error"},
              {"n_prompt_tokens", n_prompt},
              {"n_ctx", context_size}}}};
        return HttpResponse{400, {{"Content-Type", "application/json"}}, dump(body)};
    }
    return std::nullopt;
}

// The prompt, in batches of at most n_batch tokens.
std::optional<HttpResponse> LlamaModel::Impl::decode_prompt(llama_context* ctx, std::vector<llama_token>& tokens,
                                                            const HttpRequest& request) const {
    const int n_prompt = static_cast<int>(tokens.size());
    const int batch = std::min(context_size, 2048);
    for (int at = 0; at < n_prompt; at += batch) {
        throw_if_cancelled(request);
        const int n = std::min(batch, n_prompt - at);
        if (const int rc = llama_decode(ctx, llama_batch_get_one(tokens.data() + at, n)); rc != 0) {
            throw_if_cancelled(request);
            return error_reply(500, "server_error", "llama: decoding the prompt failed (" + std::to_string(rc) + ")");
        }
    }
    return std::nullopt;
}

// Samples freely, then asks the grammar about that one token; only when it refuses, samples again
// with the grammar over every token (llama-server does the same: cheap per token).
llama_token LlamaModel::Impl::sample(llama_context* ctx, llama_sampler* chain, llama_sampler* grammar,
                                     std::vector<llama_token_data>& candidates) const {
    const auto load_candidates = [&] {
        const float* logits = llama_get_logits_ith(ctx, -1);
        const auto n_vocab = static_cast<llama_token>(candidates.size());
        for (llama_token t = 0; t < n_vocab; ++t) candidates[static_cast<std::size_t>(t)] = {t, logits[t], 0.0f};
        return llama_token_data_array{candidates.data(), candidates.size(), -1, false};
    };
    auto all = load_candidates();
    llama_sampler_apply(chain, &all);
    llama_token token = all.data[all.selected].id;
    if (grammar) {
        llama_token_data single{token, 1.0f, 0.0f};
        llama_token_data_array one{&single, 1, -1, false};
        llama_sampler_apply(grammar, &one);
        if (std::isinf(single.logit)) {
            all = load_candidates();
            llama_sampler_apply(grammar, &all);
            llama_sampler_apply(chain, &all);
            token = all.data[all.selected].id;
        }
        llama_sampler_accept(grammar, token);
    }
    llama_sampler_accept(chain, token);
    return token;
}

// Token by token until an end-of-generation token, a stop string or the budget; with `events`,
// each piece that is complete UTF-8 and cannot be the start of a stop string goes out at once.
std::optional<HttpResponse> LlamaModel::Impl::generate(llama_context* ctx, const Call& call, llama_sampler* chain,
                                                       llama_sampler* grammar, const HttpRequest& request,
                                                       EventWriter* events, Generation& out) const {
    const CallParameters& p = call.p;
    std::vector<llama_token_data> candidates(static_cast<std::size_t>(llama_vocab_n_tokens(vocab)));
    const int room = context_size - call.n_prompt();
    const int budget = p.max_tokens >= 0 ? std::min(p.max_tokens, room) : room;
    while (out.generated < budget) {
        throw_if_cancelled(request);
        llama_token token = sample(ctx, chain, grammar, candidates);
        if (llama_vocab_is_eog(vocab, token)) {
            out.finish = "stop";
            break;
        }
        ++out.generated;
        const std::size_t before = out.text.size();
        out.text += piece(token);
        bool stopped = false;
        for (const auto& stop : p.stop)
            if (const auto at = out.text.find(stop, before >= stop.size() ? before - stop.size() + 1 : 0);
                at != std::string::npos) {
                out.text.resize(at);
                stopped = true;
            }
        if (events) {
            std::size_t ready = complete_utf8_prefix(out.text);
            if (!stopped) ready = std::min(ready, out.text.size() - stop_prefix_at_end(out.text, p.stop));
            if (ready > out.sent) {
                if (!events->delta({{"content", out.text.substr(out.sent, ready - out.sent)}})) {
                    out.complete = false;
                    return std::nullopt;
                }
                out.sent = ready;
            }
        }
        if (stopped) {
            out.finish = "stop";
            break;
        }
        if (const int rc = llama_decode(ctx, llama_batch_get_one(&token, 1)); rc != 0) {
            throw_if_cancelled(request);
            return error_reply(500, "server_error", "llama: decoding failed (" + std::to_string(rc) + ")");
        }
    }
    return std::nullopt;
}

HttpResponse LlamaModel::Impl::finish_stream(const Call& call, const Generation& out, EventWriter& events) {
    const json usage = usage_of(call, out);
    const auto stopped = HttpResponse{200, {}, {}};
    if (out.sent < out.text.size() && !events.delta({{"content", out.text.substr(out.sent)}})) return stopped;
    if (!events.delta(json::object(), out.finish)) return stopped;
    if (call.p.stream_usage && !events.send(json::array(), &usage)) return stopped;
    (void)events.raw("data: [DONE]\n\n");
    return {200, {{"Content-Type", "text/event-stream"}}, {}};
}

HttpResponse LlamaModel::Impl::whole_reply(const Call& call, const Generation& out, const std::string& id,
                                           const std::string& model_name, std::int64_t created) {
    const json usage = usage_of(call, out);
    // Asked to stream, with nowhere to stream to: the events, whole (one chunk, then [DONE]).
    const bool events = call.p.stream;
    const json reply{
        {"id", id},
        {"object", events ? "chat.completion.chunk" : "chat.completion"},
        {"created", created},
        {"model", model_name},
        {"choices", json::array({{{"index", 0},
                                  {events ? "delta" : "message", {{"role", "assistant"}, {"content", out.text}}},
                                  {"finish_reason", out.finish}}})},
        {"usage", usage}};
    if (events) return {200, {{"Content-Type", "text/event-stream"}}, "data: " + dump(reply) + "\n\ndata: [DONE]\n\n"};
    return {200, {{"Content-Type", "application/json"}}, dump(reply)};
}

std::shared_ptr<LlamaModel> LlamaModel::load(LlamaOptions options) {
    init_backend_once();
    if (options.log) log_to_stderr = true;
    if (options.model_path.empty()) throw ConfigurationError("llama: no model_path given");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(options.model_path, ec))
        throw ConfigurationError("llama: no model file at '" + options.model_path + "'");
    if (options.max_contexts < 1) throw ConfigurationError("llama: max_contexts must be at least 1");
    if (options.context_size < 0) throw ConfigurationError("llama: context_size must not be negative");

    auto impl = std::make_unique<Impl>();
    impl->options = options;
    (void)take_llama_errors();
    auto params = llama_model_default_params();
    params.n_gpu_layers = 0;
    impl->model = llama_model_load_from_file(options.model_path.c_str(), params);
    if (!impl->model)
        throw ConfigurationError("llama: llama.cpp could not load '" + options.model_path +
                                 "': " + take_llama_errors());
    impl->vocab = llama_model_get_vocab(impl->model);
    impl->context_size = options.context_size > 0 ? options.context_size : llama_model_n_ctx_train(impl->model);

    if (!options.chat_template.empty()) {
        impl->chat_template = options.chat_template;
    } else if (const char* own = llama_model_chat_template(impl->model, nullptr)) {
        impl->chat_template = own;
    } else {
        impl->chat_template = "chatml";
    }
    const llama_chat_message probe{"user", "x"};
    if (llama_chat_apply_template(impl->chat_template.c_str(), &probe, 1, true, nullptr, 0) < 0)
        throw ConfigurationError("llama: llama.cpp does not know the chat template '" +
                                 impl->chat_template.substr(0, 80) +
                                 "' (name one it knows, such as chatml, llama3 or mistral-v7)");
    return std::shared_ptr<LlamaModel>(new LlamaModel(std::move(impl)));
}

LlamaModel::LlamaModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LlamaModel::~LlamaModel() = default;

std::string LlamaModel::grammar_error(std::string_view gbnf) const {
    const std::string text(gbnf);
    if (impl_->make_grammar(text)) return {};
    const std::string reason = take_llama_errors();
    return reason.empty() ? "llama.cpp's grammar parser refused it" : reason;
}

HttpResponse LlamaModel::chat(const HttpRequest& request) const { return impl_->chat(request); }
const LlamaOptions& LlamaModel::options() const noexcept { return impl_->options; }
const std::string& LlamaModel::chat_template() const noexcept { return impl_->chat_template; }

}  // namespace instructor
