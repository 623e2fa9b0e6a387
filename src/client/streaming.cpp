#include "streaming.hpp"

#include <exception>
#include <optional>
#include <string>
#include <utility>

#include <instructor/detail/core/text.hpp>
#include <instructor/detail/json/json_reader.hpp>
#include <instructor/detail/stream/stream_framing.hpp>

#include "http_call.hpp"
#include "pool_sends.hpp"

namespace instructor::detail {
namespace {

using json = nlohmann::json;

// What a stream's bytes become: frames, then provider events folded into the assembly. The
// assembly's listeners pass the answer on to the JSON parser.
class FrameReader {
public:
    FrameReader(const ExtractionSetup& setup, StreamAssembly& assembly, const Limits& limits)
        : setup_(setup),
          provider_(*setup.provider),
          assembly_(assembly),
          limits_(limits),
          ndjson_framing_(provider_.stream_framing() == StreamFraming::ndjson),
          event_what_("an event of the stream from " + std::string(provider_.name())) {}

    void feed(std::string_view bytes) {
        // libcurl stops at the bound itself; a transport of the user's may not.
        if ((bytes_ += bytes.size()) > limits_.max_bytes)
            throw_too_large(head_, bytes_, limits_, "the stream from " + std::string(provider_.name()));
        // Until a first event arrives, keep the bytes: a server that does not stream (or refuses
        // with one JSON document) sends a body that has no frames at all.
        if (events_ == 0 && head_.size() < kHeadLimit) head_.append(bytes.substr(0, kHeadLimit - head_.size()));
        if (ndjson_framing_)
            ndjson_.feed(bytes, [this](std::string_view line) { event(line, {}); });
        else
            sse_.feed(bytes, [this](const SseEvent& e) { event(e.data, e.event); });
    }

    void finish() {
        if (ndjson_framing_)
            ndjson_.finish([this](std::string_view line) { event(line, {}); });
        else
            sse_.finish([this](const SseEvent& e) { event(e.data, e.event); });
    }

    // SSE ends with [DONE]; NDJSON with a line marked done.
    [[nodiscard]] bool ended() const { return ndjson_framing_ ? assembly_.finished() : sse_.done(); }
    /// The body so far, when no event has been found in it.
    [[nodiscard]] std::optional<std::string_view> unframed() const {
        if (events_ != 0 || head_.empty()) return std::nullopt;
        return std::string_view(head_);
    }
    /// Characters of events that were not UTF-8, replaced by U+FFFD.
    [[nodiscard]] std::size_t replaced() const noexcept { return replaced_; }
    [[nodiscard]] std::string_view end_marker() const {
        return ndjson_framing_ ? R"(a line with "done": true)" : "data: [DONE]";
    }

private:
    void event(std::string_view payload, std::string_view name) {
        if (events_++ == 0) head_.clear();
        if (name == "error") throw_reply_error(setup_, 200, {}, payload);
        if (provider_.decode_stream_text(payload, assembly_)) return;
        json parsed = read_json(payload, limits_, event_what_);
        if (parsed.is_discarded()) {
            // Perhaps only its encoding is at fault (a character cut between two tokens).
            std::size_t replaced = 0;
            const std::string repaired = repair_json_encoding(payload, replaced);
            if (replaced != 0) {
                parsed = read_json(repaired, limits_, event_what_);
                replaced_ += parsed.is_discarded() ? 0 : replaced;
            }
        }
        if (parsed.is_discarded()) {
            throw StreamError("the stream from " + std::string(provider_.name()) +
                                  " carried an event that is not JSON: " + printable(payload, 200),
                              assembly_.take());
        }
        provider_.decode_stream_event(parsed, assembly_);
    }

    const ExtractionSetup& setup_;
    const Provider& provider_;
    StreamAssembly& assembly_;
    const Limits& limits_;
    const bool ndjson_framing_;  // else SSE
    std::size_t bytes_ = 0;
    std::string event_what_;
    SseDecoder sse_;
    NdjsonDecoder ndjson_;
    static constexpr std::size_t kHeadLimit = 1u << 20;
    std::size_t events_ = 0;
    std::size_t replaced_ = 0;
    std::string head_;
};

// Feeds the answer's JSON to the parser: the text in JSON modes (through the locator, which skips
// fences, prose and <think> blocks), the arguments of our tool call in tool modes. The model's
// reasoning goes to the watcher apart.
class AnswerFeed {
public:
    AnswerFeed(const StreamWatcher& watcher, std::string tool_name, std::size_t max_depth, int attempt)
        : watcher_(watcher), tool_name_(std::move(tool_name)), max_depth_(max_depth), attempt_(attempt) {
        start();
    }

    AnswerFeed(const AnswerFeed&) = delete;
    AnswerFeed& operator=(const AnswerFeed&) = delete;

    void text(std::string_view delta) {
        if (stopped_ || locator_->failed()) return;
        locator_->feed(delta);
    }

    void arguments(const Completion& so_far, std::size_t call, std::string_view delta) {
        if (stopped_ || failed_) return;
        if (!call_ && so_far.tool_calls[call].name == tool_name_) call_ = call;
        if (call_ != call) return;
        try {
            parser_->feed(delta);
        } catch (const PartialJsonError&) {
            failed_ = true;  // not JSON after all: the whole-answer check at the end says why
        }
    }

    void reasoning(std::string_view delta) {
        if (stopped_ || !watcher_.on_reasoning || delta.empty()) return;
        heard([&] { return watcher_.on_reasoning(delta); });
    }

    // The text so far was reasoning (a </think> without an opening tag): the answer starts again,
    // and so does the value the watcher builds.
    void restart() {
        if (stopped_) return;
        start();
        if (!watcher_.on_attempt) return;
        heard([&] {
            watcher_.on_attempt(attempt_);
            return true;
        });
    }

    [[nodiscard]] bool stopped() const noexcept { return stopped_; }
    void rethrow_callback_failure() const {
        if (callback_failure_) std::rethrow_exception(callback_failure_);
    }

private:
    void start() {
        locator_.reset();
        parser_.emplace(
            [this](const PartialEvent& e) { return heard([&] { return !watcher_.on_event || watcher_.on_event(e); }); },
            max_depth_);
        locator_.emplace(*parser_);
        failed_ = false;
    }

    // Runs one of the caller's callbacks: false (or an exception) stops the stream. Its exception
    // ends the call as it is, not as a stream error (it may well be an instructor error of a
    // nested call).
    template <class Callback>
    bool heard(Callback&& callback) {
        try {
            stopped_ = !callback();
        } catch (...) {
            callback_failure_ = std::current_exception();
            stopped_ = true;
        }
        return !stopped_;
    }

    const StreamWatcher& watcher_;
    std::string tool_name_;
    std::size_t max_depth_;
    int attempt_;
    std::optional<PartialJsonParser> parser_;
    std::optional<JsonTextLocator> locator_;
    std::optional<std::size_t> call_;
    std::exception_ptr callback_failure_;
    bool stopped_ = false;
    bool failed_ = false;
};

// An error event inside the stream becomes a StreamError that keeps what arrived.
[[noreturn]] void rethrow_as_stream_error(std::exception_ptr failure, const Provider& provider,
                                          StreamAssembly& assembly) {
    try {
        std::rethrow_exception(std::move(failure));
    } catch (const HttpError& error) {
        throw StreamError("the stream from " + std::string(provider.name()) +
                              " reported an error: " + printable(error.details().message),
                          assembly.take(), error.details());
    }
}

// One answer, streamed when the request asks for it. A reply that is not a stream (the request
// did not ask, or the server ignored it) is read whole and its events all fire at the end. With the
// client's servers (`pooled`), a stream that breaks off starts again from the beginning on another.
Completion stream_once(const ExtractionSetup& setup, const Request& request, int attempt, const StreamWatcher& watcher,
                       bool& stopped, PooledSends* pooled, int first_send = 1) {
    const Provider& provider = *setup.provider;
    const bool tools = is_tool_mode(setup.mode);
    const ResponseModel& model = request.response_models.front();
    int send = first_send - 1;  // with `pooled`: the sends of this attempt so far

    for (;;) {
        StreamAssembly assembly;
        assembly.set_max_tool_calls(limits_of(setup).max_tool_calls);
        AnswerFeed answer(watcher, model.name, limits_of(setup).max_depth, attempt);
        if (tools) {
            assembly.on_arguments([&](std::size_t call, std::string_view delta) {
                answer.arguments(assembly.completion(), call, delta);
            });
        } else {
            assembly.on_text([&](std::string_view delta) { answer.text(delta); });
            assembly.on_text_retracted([&] { answer.restart(); });
        }
        assembly.on_reasoning([&](std::string_view delta) { answer.reasoning(delta); });
        FrameReader frames(setup, assembly, limits_of(setup));

        // libcurl calls on_chunk from C: nothing may be thrown through it, so failures wait here.
        std::exception_ptr failure;
        bool streamed = false;
        HttpRequest http = chat_request(setup, request);
        http.on_chunk = [&](std::string_view bytes) {
            streamed = true;
            try {
                frames.feed(bytes);
            } catch (...) {
                failure = std::current_exception();
                return false;
            }
            return !answer.stopped();
        };
        HttpResponse response;
        try {
            response = pooled != nullptr ? send_pooled(setup, *pooled, http, request, attempt, send, &streamed)
                                         : send_with_retries(setup, http, attempt, &streamed, first_send);
        } catch (const RestartStream&) {
            // What was handed on came from a reply that is gone: the watcher drops it, and it all starts again.
            answer.rethrow_callback_failure();
            if (watcher.on_restart && !watcher.on_restart(attempt)) {
                stopped = true;
                return assembly.take();
            }
            continue;
        } catch (const AllServersDownError&) {
            throw;
        } catch (const TransportError& error) {
            answer.rethrow_callback_failure();
            if (failure) rethrow_as_stream_error(failure, provider, assembly);
            if (!streamed) throw;
            throw StreamError(std::string("the stream broke off: ") + error.what(), assembly.take());
        }
        const std::string_view server = pooled != nullptr ? pooled->answered_by() : std::string_view();
        answer.rethrow_callback_failure();
        if (failure) rethrow_as_stream_error(failure, provider, assembly);
        stopped = answer.stopped();
        if (stopped) return assembly.take();

        // A body the transport did not stream (an in-process backend) goes through the same frames.
        if (!streamed && !response.body.empty()) {
            try {
                frames.feed(response.body);
            } catch (const HttpError&) {
                answer.rethrow_callback_failure();
                rethrow_as_stream_error(std::current_exception(), provider, assembly);
            }
        }
        try {
            frames.finish();
            assembly.end_text();
        } catch (const HttpError&) {
            answer.rethrow_callback_failure();
            rethrow_as_stream_error(std::current_exception(), provider, assembly);
        }
        answer.rethrow_callback_failure();
        stopped = answer.stopped();
        if (stopped) return assembly.take();

        if (!frames.ended()) {
            if (const auto body = frames.unframed()) {
                // No frames at all: the server answered without streaming. A whole answer is read as
                // one (its events all fire now); an error document is the provider's error.
                json document = read_json(*body, limits_of(setup), "the reply from " + std::string(provider.name()));
                const bool answer_document =
                    document.is_object() && (document.contains("choices") || document.contains("message"));
                if (answer_document) {
                    Completion completion = provider.decode_reply(document, response.headers);
                    completion.raw.assign(*body);
                    completion.server.assign(server);
                    answer.reasoning(completion.reasoning);
                    if (tools) {
                        for (std::size_t i = 0; i < completion.tool_calls.size(); ++i)
                            answer.arguments(completion, i, completion.tool_calls[i].arguments);
                    } else {
                        answer.text(completion.text);
                    }
                    answer.rethrow_callback_failure();
                    stopped = answer.stopped();
                    return completion;
                }
                if (document.is_object()) throw_reply_error(setup, 200, response.headers, *body);
            }
            throw StreamError("the stream from " + std::string(provider.name()) + " ended before " +
                                  std::string(frames.end_marker()) + " arrived",
                              assembly.take());
        }
        if (const auto id = header_value(response.headers, "x-request-id"); !id.empty()) assembly.set_request_id(id);
        Completion completion = assembly.take();
        completion.replaced_characters = frames.replaced();
        completion.server.assign(server);
        return completion;
    }
}

// The same request, unstreamed: the whole answer goes to the watcher at once. `first_send` is 2 when
// it follows a refused stream of the same attempt, so that hooks count both sends.
Completion whole_answer(const ExtractionSetup& setup, const Request& request, int attempt, const StreamWatcher& watcher,
                        bool& stopped, PooledSends* pooled, int first_send = 1) {
    Request unstreamed = request;
    unstreamed.stream = false;
    return stream_once(setup, unstreamed, attempt, watcher, stopped, pooled, first_send);
}

}  // namespace

Completion stream_provider(const ExtractionSetup& setup, const Request& request, int attempt,
                           const StreamWatcher& watcher, bool& stopped) {
    if (watcher.on_attempt) watcher.on_attempt(attempt);
    std::optional<PooledSends> pool;
    if (setup.pool != nullptr) pool.emplace(setup);
    PooledSends* const pooled = pool ? &*pool : nullptr;
    // A server that cannot stream tool calls is asked for them whole, so that the caller still gets
    // the value through the same callbacks; the client remembers it and stops asking for a stream.
    std::atomic<bool>* const refused = is_tool_mode(setup.mode) ? setup.tools_unstreamable : nullptr;
    if (refused != nullptr && refused->load()) return whole_answer(setup, request, attempt, watcher, stopped, pooled);
    try {
        return stream_once(setup, request, attempt, watcher, stopped, pooled);
    } catch (const HttpError& error) {
        if (refused == nullptr || !setup.provider->refuses_tool_streaming(error.details())) throw;
        refused->store(true);
    }
    // Not an HTTP retry (the request differs: no stream), but the same attempt's second send.
    return whole_answer(setup, request, attempt, watcher, stopped, pooled, 2);
}

}  // namespace instructor::detail
