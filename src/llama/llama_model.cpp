// The in-process model: a chat request in llama-server's dialect, answered by llama.cpp linked in.
// Speaking the server's dialect in memory means every mode, re-ask, stream and error path of the
// client is the one already tested against real servers; what is new is only what a server does.
// A model that thinks is free inside its thinking block and held to the grammar after it.
#include <instructor/llama.hpp>

#include <llama.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include <instructor/detail/core/think_blocks.hpp>
#include <instructor/error.hpp>

namespace instructor {

using detail::think_close_tag;
using detail::think_open_tag;

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
    // A thinking block (opened by the chat template, or by the model as its first token): whether it
    // may hold anything (chat_template_kwargs.enable_thinking, reasoning_effort "none", a budget
    // of 0), and how many tokens it may hold before its closing tag is forced.
    bool thinking_allowed = true;
    std::optional<int> thinking_budget;
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
    // Thinking, as llama-server reads it.
    if (const auto kwargs = body.find("chat_template_kwargs"); kwargs != body.end() && kwargs->is_object())
        if (const auto enable = kwargs->find("enable_thinking"); enable != kwargs->end()) {
            if (!enable->is_boolean())
                throw std::invalid_argument("invalid type for \"enable_thinking\" (expected boolean)");
            p.thinking_allowed = enable->get<bool>();
        }
    if (const auto effort = body.find("reasoning_effort"); effort != body.end() && *effort == "none")
        p.thinking_allowed = false;
    for (const char* field : {"reasoning_budget_tokens", "thinking_budget_tokens"})
        if (body.contains(field) && !body[field].is_null()) {
            const int budget = body[field].get<int>();  // -1: no budget
            if (budget >= 0) p.thinking_budget = budget;
        }
    if (p.thinking_budget == 0) p.thinking_allowed = false;
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

}  // namespace

// ---- the model ----------------------------------------------------------------------------------------

struct LlamaModel::Impl {
    LlamaOptions options;
    llama_model* model = nullptr;
    const llama_vocab* vocab = nullptr;
    std::string chat_template;
    int context_size = 0;
    // Thinking: the tokens that end a turn (never sampled inside a thinking block, which must
    // close), the opening tag when it is one token (a model that opens the block itself), and the
    // closing tag's tokens (forced when the budget runs out).
    std::vector<llama_token> end_of_turn_tokens;
    std::optional<llama_token> think_open_token;
    std::vector<llama_token> think_close_tokens;

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

    // `text` as tokens, special ones (such as <think> where the model has it) recognised; with the
    // model's start token first when `whole_prompt`.
    std::vector<llama_token> tokenize(const std::string& text, bool whole_prompt = true) const {
        std::vector<llama_token> tokens(text.size() + 8);
        int n = llama_tokenize(vocab, text.data(), static_cast<std::int32_t>(text.size()), tokens.data(),
                               static_cast<std::int32_t>(tokens.size()), whole_prompt, true);
        if (n < 0) {
            tokens.resize(static_cast<std::size_t>(-n));
            n = llama_tokenize(vocab, text.data(), static_cast<std::int32_t>(text.size()), tokens.data(),
                               static_cast<std::int32_t>(tokens.size()), whole_prompt, true);
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
};

namespace {

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

}  // namespace

namespace {

// One chat request, answered as llama-server answers it, in the steps it takes: read the request,
// lay out the prompt, make the samplers, take a context and decode the prompt into it, sample the
// reply, write it. A step that refuses the request returns the error reply.
//
// Sampling has two phases. A thinking block (opened by the chat template at the end of the prompt,
// or by the model as its first token) is sampled freely, the tokens that end a turn left out, until
// the model writes the closing tag or its budget runs out, when the closing tag is forced; the
// answer that follows is sampled under the grammar, when there is one. Without a thinking block
// there is only the answer, as before.
class Call {
public:
    Call(const LlamaModel::Impl& model, const HttpRequest& request) : model_(model), request_(request) {}
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;
    ~Call() {
        if (context_) model_.release(std::move(context_));
    }

    HttpResponse run() {
        if (auto refused = read_request()) return *refused;
        if (auto refused = lay_out_prompt()) return *refused;
        if (auto refused = make_samplers()) return *refused;
        take_context();
        if (auto failed = decode_prompt()) return *failed;
        if (auto ended = sample_reply()) return *ended;
        return write_reply();
    }

private:
    enum class Phase { thinking, answer };
    using Ended = std::optional<HttpResponse>;  // the call ended early: this is its reply
    static HttpResponse stopped_by_caller() { return {200, {}, {}}; }

    // ---- the steps ---------------------------------------------------------------------------------

    Ended read_request() {
        try {
            p_ = read_parameters(json::parse(request_.body));
        } catch (const std::exception& e) {
            return error_reply(400, "invalid_request_error", std::string("llama: ") + e.what());
        }
        return std::nullopt;
    }

    // The chat template over the messages, as tokens, within the context; and whether the template
    // left a thinking block open at its end.
    Ended lay_out_prompt() {
        std::string prompt;
        try {
            prompt = model_.apply_template(p_);
            prompt_tokens_ = model_.tokenize(prompt);
        } catch (const std::exception& e) {
            return error_reply(400, "invalid_request_error", std::string("llama: ") + e.what());
        }
        const int n_prompt = prompt_size();
        if (n_prompt + 1 > model_.context_size) {
            json body{{"error",
                       {{"code", 400},
                        {"message", "the request (" + std::to_string(n_prompt) +
                                        " tokens) exceeds the available context size (" +
                                        std::to_string(model_.context_size) + " tokens), try increasing it"},
                        {"type", "exceed_context_size_error"},
                        {"n_prompt_tokens", n_prompt},
                        {"n_ctx", model_.context_size}}}};
            return HttpResponse{400, {{"Content-Type", "application/json"}}, dump(body)};
        }
        const auto end = prompt.find_last_not_of(" \t\r\n");
        if (end != std::string::npos && std::string_view(prompt).substr(0, end + 1).ends_with(think_open_tag))
            enter_thinking();
        return std::nullopt;
    }

    Ended make_samplers() {
        if (p_.constrained) {
            grammar_ = model_.make_grammar(p_.grammar);
            if (!grammar_)
                return error_reply(400, "invalid_request_error",
                                   "llama: failed to parse grammar: " + take_llama_errors());
        }
        chain_ = make_chain(p_);
        return std::nullopt;
    }

    void take_context() {
        context_ = model_.acquire(request_.cancel, request_.deadline);
        ctx_ = context_.get();
        llama_memory_clear(llama_get_memory(ctx_), true);
        abort_ = AbortState{&request_.cancel, request_.deadline};
        llama_set_abort_callback(ctx_, abort_when_cancelled, &abort_);
        id_ = "chatcmpl-llama-" + std::to_string(model_.calls.fetch_add(1) + 1);
        model_name_ = p_.model.empty() ? std::filesystem::path(model_.options.model_path).stem().string() : p_.model;
        created_ = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                       .count();
        streaming_ = p_.stream && request_.on_chunk;
        events_.emplace(request_, id_, model_name_, created_);
    }

    // The prompt, in batches of at most n_batch tokens.
    Ended decode_prompt() {
        const int batch = std::min(model_.context_size, 2048);
        const int n_prompt = prompt_size();
        for (int at = 0; at < n_prompt; at += batch) {
            check_cancelled();
            const int n = std::min(batch, n_prompt - at);
            if (const int rc = llama_decode(ctx_, llama_batch_get_one(prompt_tokens_.data() + at, n)); rc != 0) {
                check_cancelled();
                return error_reply(500, "server_error",
                                   "llama: decoding the prompt failed (" + std::to_string(rc) + ")");
            }
        }
        if (streaming_ && !events_->delta({{"role", "assistant"}, {"content", nullptr}})) return stopped_by_caller();
        return std::nullopt;
    }

    // Token after token, until the model ends its turn, a stop string, the token limit, or the caller.
    Ended sample_reply() {
        candidates_.resize(static_cast<std::size_t>(llama_vocab_n_tokens(model_.vocab)));
        limit_ = p_.max_tokens >= 0 ? std::min(p_.max_tokens, model_.context_size - prompt_size())
                                    : model_.context_size - prompt_size();
        try {
            while (generated_ < limit_) {
                check_cancelled();
                if (phase_ == Phase::thinking) {
                    if (thinking_full()) {
                        if (!close_thinking()) break;  // no room left for the closing tag
                        if (auto ended = stream_reasoning(true)) return ended;
                        continue;
                    }
                    const llama_token token = sample_thinking();
                    ++generated_;
                    ++thinking_tokens_;
                    add_thinking(model_.piece(token));
                    if (auto ended = stream_reasoning(phase_ == Phase::answer)) return ended;
                    if (auto failed = decode(token)) return failed;
                    continue;
                }
                const llama_token token = sample_answer();
                if (phase_ == Phase::thinking) {  // the model opened a thinking block
                    ++generated_;
                    if (auto failed = decode(token)) return failed;
                    continue;
                }
                if (llama_vocab_is_eog(model_.vocab, token)) {
                    finish_ = "stop";
                    break;
                }
                ++generated_;
                const bool stopped = add_answer(model_.piece(token));
                if (auto ended = stream_answer(stopped)) return ended;
                if (stopped) {
                    finish_ = "stop";
                    break;
                }
                if (auto failed = decode(token)) return failed;
            }
        } catch (const CancelledError&) {
            throw;
        } catch (const TimeoutError&) {
            throw;
        } catch (const std::exception& e) {
            return error_reply(500, "server_error", std::string("llama: sampling failed: ") + e.what());
        }
        return std::nullopt;
    }

    HttpResponse write_reply() {
        json usage{{"completion_tokens", generated_},
                   {"prompt_tokens", prompt_size()},
                   {"total_tokens", prompt_size() + generated_}};
        if (thought_) usage["completion_tokens_details"] = {{"reasoning_tokens", thinking_tokens_}};
        json message{{"role", "assistant"}, {"content", text_}};
        if (!reasoning_.empty()) message["reasoning_content"] = reasoning_;
        if (streaming_) {
            if (reasoning_sent_ < reasoning_.size() &&
                !events_->delta({{"reasoning_content", reasoning_.substr(reasoning_sent_)}}))
                return stopped_by_caller();
            if (text_sent_ < text_.size() && !events_->delta({{"content", text_.substr(text_sent_)}}))
                return stopped_by_caller();
            if (!events_->delta(json::object(), finish_)) return stopped_by_caller();
            if (p_.stream_usage && !events_->send(json::array(), &usage)) return stopped_by_caller();
            (void)events_->raw("data: [DONE]\n\n");
            return {200, {{"Content-Type", "text/event-stream"}}, {}};
        }
        // Asked to stream, with nowhere to stream to: the events, whole (one chunk, then [DONE]).
        const bool events = p_.stream;
        const json reply{
            {"id", id_},
            {"object", events ? "chat.completion.chunk" : "chat.completion"},
            {"created", created_},
            {"model", model_name_},
            {"choices",
             json::array({{{"index", 0}, {events ? "delta" : "message", message}, {"finish_reason", finish_}}})},
            {"usage", usage}};
        if (events)
            return {200, {{"Content-Type", "text/event-stream"}}, "data: " + dump(reply) + "\n\ndata: [DONE]\n\n"};
        return {200, {{"Content-Type", "application/json"}}, dump(reply)};
    }

    // ---- sampling ---------------------------------------------------------------------------------

    void enter_thinking() {
        phase_ = Phase::thinking;
        thought_ = true;
    }

    // The thinking block may hold no more: thinking is off, or its budget is spent.
    [[nodiscard]] bool thinking_full() const {
        return !p_.thinking_allowed || (p_.thinking_budget && thinking_tokens_ >= *p_.thinking_budget);
    }

    llama_token_data_array load_candidates() {
        const float* logits = llama_get_logits_ith(ctx_, -1);
        const auto n = static_cast<llama_token>(candidates_.size());
        for (llama_token t = 0; t < n; ++t) candidates_[static_cast<std::size_t>(t)] = {t, logits[t], 0.0f};
        return llama_token_data_array{candidates_.data(), candidates_.size(), -1, false};
    }

    // Inside a thinking block: free, but the turn may not end before the block closes.
    llama_token sample_thinking() {
        auto all = load_candidates();
        for (const llama_token t : model_.end_of_turn_tokens)
            candidates_[static_cast<std::size_t>(t)].logit = -std::numeric_limits<float>::infinity();
        llama_sampler_apply(chain_.get(), &all);
        const llama_token token = all.data[all.selected].id;
        llama_sampler_accept(chain_.get(), token);
        return token;
    }

    // The answer: sample freely, then ask the grammar about that one token; only when it refuses,
    // sample again with the grammar over every token (llama-server does the same: cheap per token).
    // As the first token, the model may open a thinking block instead, unless thinking is off.
    llama_token sample_answer() {
        auto all = load_candidates();
        llama_sampler_apply(chain_.get(), &all);
        llama_token token = all.data[all.selected].id;
        if (generated_ == 0 && !thought_ && p_.thinking_allowed && model_.think_open_token == token) {
            llama_sampler_accept(chain_.get(), token);
            enter_thinking();
            return token;
        }
        if (grammar_) {
            llama_token_data single{token, 1.0f, 0.0f};
            llama_token_data_array one{&single, 1, -1, false};
            llama_sampler_apply(grammar_.get(), &one);
            if (std::isinf(single.logit)) {
                all = load_candidates();
                llama_sampler_apply(grammar_.get(), &all);
                llama_sampler_apply(chain_.get(), &all);
                token = all.data[all.selected].id;
            }
            llama_sampler_accept(grammar_.get(), token);
        }
        llama_sampler_accept(chain_.get(), token);
        return token;
    }

    // A piece of thinking; the model's own closing tag ends the block (what follows it in the same
    // piece, but for whitespace, begins the answer).
    void add_thinking(const std::string& piece) {
        const std::size_t before = reasoning_.size();
        reasoning_ += piece;
        const std::size_t from = before >= think_close_tag.size() ? before - think_close_tag.size() + 1 : 0;
        const auto close = reasoning_.find(think_close_tag, from);
        if (close == std::string::npos) return;
        std::string after = reasoning_.substr(close + think_close_tag.size());
        reasoning_.resize(close);
        phase_ = Phase::answer;
        if (const auto first = after.find_first_not_of(" \t\r\n"); first != std::string::npos)
            text_ += after.substr(first);
    }

    // The closing tag, forced: decoded as if the model had written it. False when it does not fit
    // within the token limit.
    bool close_thinking() {
        const auto n = static_cast<int>(model_.think_close_tokens.size());
        if (generated_ + n > limit_) return false;
        if (n > 0) {
            std::vector<llama_token> tokens = model_.think_close_tokens;
            if (const int rc = llama_decode(ctx_, llama_batch_get_one(tokens.data(), n)); rc != 0) {
                check_cancelled();
                throw std::runtime_error("decoding the closing tag failed (" + std::to_string(rc) + ")");
            }
        }
        generated_ += n;
        phase_ = Phase::answer;
        return true;
    }

    // A piece of the answer; true when a stop string ended it (the text is then cut before it).
    bool add_answer(const std::string& piece) {
        const std::size_t before = text_.size();
        text_ += piece;
        bool stopped = false;
        for (const auto& stop : p_.stop)
            if (const auto at = text_.find(stop, before >= stop.size() ? before - stop.size() + 1 : 0);
                at != std::string::npos) {
                text_.resize(at);
                stopped = true;
            }
        return stopped;
    }

    Ended decode(llama_token token) {
        if (const int rc = llama_decode(ctx_, llama_batch_get_one(&token, 1)); rc != 0) {
            check_cancelled();
            return error_reply(500, "server_error", "llama: decoding failed (" + std::to_string(rc) + ")");
        }
        return std::nullopt;
    }

    // ---- streaming: what is known, as events; a character or a tag cut between tokens waits ----------

    Ended stream_reasoning(bool block_closed) {
        if (!streaming_) return std::nullopt;
        std::size_t ready = complete_utf8_prefix(reasoning_);
        if (!block_closed)
            ready = std::min(ready, reasoning_.size() - stop_prefix_at_end(reasoning_, {std::string(think_close_tag)}));
        if (ready > reasoning_sent_) {
            if (!events_->delta({{"reasoning_content", reasoning_.substr(reasoning_sent_, ready - reasoning_sent_)}}))
                return stopped_by_caller();
            reasoning_sent_ = ready;
        }
        return block_closed ? stream_answer(false) : std::nullopt;
    }

    Ended stream_answer(bool stopped) {
        if (!streaming_) return std::nullopt;
        std::size_t ready = complete_utf8_prefix(text_);
        if (!stopped) ready = std::min(ready, text_.size() - stop_prefix_at_end(text_, p_.stop));
        if (ready > text_sent_) {
            if (!events_->delta({{"content", text_.substr(text_sent_, ready - text_sent_)}}))
                return stopped_by_caller();
            text_sent_ = ready;
        }
        return std::nullopt;
    }

    void check_cancelled() const {
        if (request_.cancel.stop_requested()) throw CancelledError("llama: cancelled");
        if (std::chrono::steady_clock::now() >= request_.deadline)
            throw TimeoutError("llama: the call's timeout ran out while the model was writing");
    }

    [[nodiscard]] int prompt_size() const { return static_cast<int>(prompt_tokens_.size()); }

    const LlamaModel::Impl& model_;
    const HttpRequest& request_;
    CallParameters p_;
    std::vector<llama_token> prompt_tokens_;
    SamplerPtr grammar_;
    SamplerPtr chain_;
    ContextPtr context_;
    llama_context* ctx_ = nullptr;
    AbortState abort_{};
    std::string id_, model_name_;
    std::int64_t created_ = 0;
    bool streaming_ = false;
    std::optional<EventWriter> events_;
    std::vector<llama_token_data> candidates_;

    Phase phase_ = Phase::answer;
    bool thought_ = false;     // a thinking block was opened
    int limit_ = 0;            // tokens the reply may take
    int generated_ = 0;        // tokens of the reply so far, forced ones included
    int thinking_tokens_ = 0;  // of them, sampled inside the thinking block
    std::string reasoning_;    // the thinking block's text, without its tags
    std::string text_;         // the answer so far
    std::size_t reasoning_sent_ = 0;
    std::size_t text_sent_ = 0;
    std::string finish_ = "length";
};

}  // namespace

HttpResponse LlamaModel::Impl::chat(const HttpRequest& request) const { return Call(*this, request).run(); }

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
    for (llama_token t = 0; t < llama_vocab_n_tokens(impl->vocab); ++t)
        if (llama_vocab_is_eog(impl->vocab, t)) impl->end_of_turn_tokens.push_back(t);
    if (const auto open = impl->tokenize(std::string(think_open_tag), false); open.size() == 1)
        impl->think_open_token = open.front();
    impl->think_close_tokens = impl->tokenize(std::string(think_close_tag), false);

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
