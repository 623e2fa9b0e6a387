#include <instructor/detail/client/extraction.hpp>

#include "extraction_steps.hpp"
#include "http_call.hpp"
#include "streaming.hpp"

#include <utility>

#include <instructor/detail/core/text.hpp>
#include <instructor/detail/json/json_reader.hpp>

namespace instructor::detail {
namespace {

using json = nlohmann::json;

std::string listed(const std::vector<FieldError>& errors) {
    std::string text;
    for (const auto& error : errors) text += to_string(error) + "\n";
    return text;
}

// How far the JSON value that starts at `open` gets: its length when its brackets close (0 when
// they never do), and where the text left it otherwise.
struct ValueScan {
    std::size_t length = 0;
    int open_brackets = 0;
    bool in_string = false;
};

ValueScan scan_value(std::string_view text, std::size_t open) {
    ValueScan scan;
    for (std::size_t i = open; i < text.size(); ++i) {
        const char c = text[i];
        if (scan.in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                scan.in_string = false;
        } else if (c == '"') {
            scan.in_string = true;
        } else if (c == '{' || c == '[') {
            ++scan.open_brackets;
        } else if ((c == '}' || c == ']') && --scan.open_brackets == 0) {
            scan.length = i - open + 1;
            return scan;
        }
    }
    return scan;
}

// What is wrong with the JSON that starts at `open`, in words a model can act on.
std::string json_problem(std::string_view text, std::size_t open) {
    const ValueScan scan = scan_value(text, open);
    if (scan.length != 0) {
        // Balanced, yet not JSON: nlohmann says where, without its exception prefix.
        try {
            const json parsed = json::parse(text.substr(open, scan.length));
            (void)parsed;
        } catch (const json::exception& e) {  // parse_error, and out_of_range for 1e400
            std::string what = e.what();
            if (const auto end = what.find("] "); what.rfind("[json.exception", 0) == 0 && end != std::string::npos)
                what.erase(0, end + 2);
            // nlohmann quotes the bytes it last read, which may be half a character: the re-ask must
            // stay UTF-8.
            return "the JSON in the reply is not valid: " + printable(what, 300);
        }
        return {};
    }
    const int depth = scan.open_brackets;
    const std::string after = " after " + std::to_string(text.size() - open) + " characters";
    if (scan.in_string) return "the JSON in the reply is incomplete: it ends inside a string" + after;
    return "the JSON in the reply is incomplete: it ends with " + std::to_string(depth) +
           (depth == 1 ? " object or array" : " objects or arrays") + " still open" + after;
}

// The text without <think>...</think> blocks: reasoning models think aloud first.
std::string visible_text(std::string_view text) {
    std::string visible;
    for (std::size_t at = 0; at < text.size();) {
        const auto open = text.find("<think>", at);
        visible += text.substr(at, open == std::string_view::npos ? std::string_view::npos : open - at);
        if (open == std::string_view::npos) break;
        const auto close = text.find("</think>", open);
        if (close == std::string_view::npos) break;
        at = close + 8;
    }
    return visible;
}

// Why the text holds no usable JSON: none at all, or the first one found is cut or broken.
std::string missing_json(std::string_view reply) {
    const std::string visible = visible_text(reply);
    const std::string_view text = visible;
    const auto open = text.find_first_of("{[");
    if (open == std::string_view::npos) return "the reply contains no JSON object";
    std::string problem = json_problem(text, open);
    return problem.empty() ? std::string("the reply contains no JSON object") : problem;
}

std::optional<json> first_json_value(std::string_view text, const Limits& limits) {
    // Each bracket is a candidate start, scanned to its closing bracket. Text whose brackets never
    // close would make that quadratic: the scanning stops once it has read the text a few times over.
    std::size_t budget = 4 * text.size() + 4096;
    for (std::size_t at = text.find_first_of("{["); at != std::string_view::npos;
         at = text.find_first_of("{[", at + 1)) {
        const ValueScan scan = scan_value(text, at);
        const std::size_t scanned = scan.length != 0 ? scan.length : text.size() - at;
        if (scan.length != 0) {
            json value = read_json(text.substr(at, scan.length), limits, "the JSON in the model's answer");
            if (!value.is_discarded()) return value;
        }
        if (scanned >= budget) break;
        budget -= scanned;
    }
    return std::nullopt;
}

// What the model answered, as JSON, and the text it came from; or the error to re-ask with.
struct Answer {
    std::optional<json> value;
    std::string text;
    std::vector<FieldError> errors;
    bool in_reasoning = false;  // read from Completion::reasoning: the content was empty
};

bool blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

Answer read_answer(const Completion& completion, Mode mode, const ResponseModel& model, const Limits& limits) {
    Answer answer;
    if (is_tool_mode(mode) && !completion.tool_calls.empty()) {
        if (mode == Mode::parallel_tools) {
            json calls = json::array();
            for (const auto& call : completion.tool_calls) {
                json arguments = read_json(call.arguments, limits, "the arguments of " + call.name);
                if (arguments.is_discarded()) {
                    answer.errors.push_back(
                        {"/" + std::to_string(calls.size()), "the arguments of " + call.name + " are not valid JSON"});
                    arguments = nullptr;
                }
                calls.push_back({{"name", call.name}, {"arguments", std::move(arguments)}});
            }
            answer.text = calls.dump();
            if (answer.errors.empty()) answer.value = std::move(calls);
            return answer;
        }
        // The call to our tool (local models sometimes add others); else the first one.
        const ToolCall* chosen = &completion.tool_calls.front();
        for (const auto& call : completion.tool_calls)
            if (call.name == model.name) chosen = &call;
        answer.text = chosen->arguments;
        json arguments = read_json(chosen->arguments, limits, "the arguments of " + chosen->name);
        if (arguments.is_discarded())
            answer.errors.push_back(
                {"", "the function arguments are not valid JSON: " + missing_json(chosen->arguments)});
        else
            answer.value = std::move(arguments);
        return answer;
    }
    // JSON modes, and tool modes whose model answered in text instead of calling the tool.
    answer.text = completion.text;
    answer.value = extract_json(completion.text, limits);
    if (!answer.value && blank(completion.text) && completion.tool_calls.empty() && !completion.reasoning.empty()) {
        // The whole reply in the reasoning field, the content empty (MLX servers): the answer is there.
        if (auto value = extract_json(completion.reasoning, limits)) {
            answer.value = std::move(value);
            answer.text = completion.reasoning;
            answer.in_reasoning = true;
            return answer;
        }
    }
    if (!answer.value) {
        answer.errors.push_back({"", is_tool_mode(mode) ? "no call of the function " + model.name +
                                                              " and no JSON in the reply; call " + model.name +
                                                              " with the extracted data"
                                                        : missing_json(completion.text)});
    }
    return answer;
}

// How a re-ask ends: the mode's own instruction again, so that the model answers in the same form.
std::string reask_instruction(Mode mode, const ResponseModel& model) {
    switch (mode) {
        case Mode::md_json: return "Answer again with the corrected JSON object inside a ```json code block.";
        case Mode::json:
        case Mode::json_schema:
        case Mode::gbnf: return "Answer again with only the corrected JSON.";
        case Mode::parallel_tools: return "Call the functions again with these errors fixed.";
        case Mode::tools:
        case Mode::tools_strict:
        case Mode::mistral_tools: break;
    }
    return "Call the function " + model.name + " with these errors fixed.";
}

// Appends the assistant's answer and the errors, in the way the mode asks again.
void add_reask(Request& request, Mode mode, const ResponseModel& model, const Completion& completion,
               const std::vector<FieldError>& errors) {
    // A validator's message may cut the answer's text anywhere: what is sent must be UTF-8.
    const std::string found = valid_utf8(listed(errors));
    if (is_tool_mode(mode) && !completion.tool_calls.empty()) {
        // A server that names no call id (llama.cpp's generic format: "") gets one made up, the
        // same in the echoed call and in its result, so that the result answers a named call.
        std::vector<ToolCall> calls = completion.tool_calls;
        for (std::size_t i = 0; i < calls.size(); ++i)
            if (calls[i].id.empty()) calls[i].id = "call_" + std::to_string(i + 1);
        request.messages.push_back(assistant(completion.text, calls));
        request.messages.back().reasoning = completion.reasoning;  // the provider decides whether it goes
        for (const auto& call : calls)
            request.messages.push_back(
                tool_result(call.id, call.name,
                            "Validation errors:\n" + found + "Call the function again with these errors fixed."));
        return;
    }
    request.messages.push_back(assistant(completion.text));
    request.messages.back().reasoning = completion.reasoning;
    request.messages.push_back(user("Your answer has these errors:\n" + found + reask_instruction(mode, model)));
}

// The answer as read, or the error to re-ask with when the reply held characters that were not
// UTF-8 and the answer is where they were.
constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

}  // namespace

Completion decode_reply(const ExtractionSetup& setup, std::string_view body, const HttpHeaders& headers) {
    const Provider& provider = *setup.provider;
    try {
        return provider.decode_reply_text(body, headers, limits_of(setup));
    } catch (const UnexpectedReplyError&) {
        // Not JSON: perhaps only its encoding is at fault. Read it with those characters replaced.
        std::size_t replaced = 0;
        const std::string repaired = repair_json_encoding(body, replaced);
        if (replaced == 0) throw;
        Completion completion = provider.decode_reply_text(repaired, headers, limits_of(setup));
        completion.replaced_characters = replaced;
        return completion;
    }
}

std::optional<json> extract_json(std::string_view text, const Limits& limits) {
    const std::string visible = visible_text(text);
    const std::string_view rest = visible;
    // A fenced block first (```json or a bare ```), then the first JSON value anywhere.
    if (const auto fence = rest.find("```"); fence != std::string_view::npos) {
        auto start = rest.find('\n', fence);
        const auto end = start == std::string_view::npos ? start : rest.find("```", start);
        if (start != std::string_view::npos && end != std::string_view::npos)
            if (auto value = first_json_value(rest.substr(start, end - start), limits)) return value;
    }
    return first_json_value(rest, limits);
}

ExtractionSteps::ExtractionSteps(const ExtractionSetup& setup, Request request, ParseCallback parse)
    : setup_(setup), request_(std::move(request)), parse_(std::move(parse)) {
    if (setup_.pool != nullptr) pooled_.emplace(setup_);
}

PooledSends::Claim ExtractionSteps::claim_server(std::chrono::steady_clock::time_point now) {
    if (!pooled_) return PooledSends::Claim{.ready = true};
    return pooled_->claim(attempt_, send_, now);
}

void ExtractionSteps::wait_for_server() {
    if (pooled_) pooled_->claim_blocking(attempt_, send_, request_.cancel);
}

const HttpRequest& ExtractionSteps::http() {
    if (!http_) http_ = chat_request(setup_, request_);
    return *http_;
}

void ExtractionSteps::before_send() {
    throw_if_cancelled(request_.cancel);
    (void)http();
    ++send_;
    throw_if_past_deadline(setup_, attempt_, send_);
    if (pooled_) pooled_->address(*http_, request_);
    notify(hooks_of(setup_).on_request, RequestSent{.attempt = attempt_,
                                                    .http_attempt = send_,
                                                    .url = pooled_ ? pooled_->shown_url() : shown_url(setup_),
                                                    .body = http_->body,
                                                    .server = pooled_ ? pooled_->server_name() : std::string_view()});
}

ExtractionSteps::Next ExtractionSteps::after_reply(HttpResponse response) {
    try {
        check_reply(setup_, response, attempt_, send_, pooled_ ? pooled_->server_name() : std::string_view());
    } catch (const Error&) {
        return after_failure(std::current_exception());
    }
    const std::string_view server = pooled_ ? pooled_->answered() : std::string_view();
    Completion completion = decode_reply(setup_, response.body, response.headers);
    completion.raw = std::move(response.body);
    completion.server.assign(server);
    return Next{.done = after_completion(std::move(completion))};
}

ExtractionSteps::Next ExtractionSteps::after_failure(const std::exception_ptr& error) {
    if (pooled_) {
        // The send goes again to another server (or waits for one), or the error ends the call.
        const auto wait = pooled_->failed(error, attempt_, send_, false);
        if (!wait) pooled_->rethrow(error);
        return Next{.done = false, .wait = wait->delay, .rate_limited = false};
    }
    const auto wait = http_retry_wait(setup_, error, attempt_, send_);
    if (!wait) std::rethrow_exception(error);
    return Next{.done = false, .wait = wait->delay, .rate_limited = wait->rate_limited};
}

bool ExtractionSteps::after_completion(Completion received) {
    const Hooks& hooks = hooks_of(setup_);
    const ResponseModel& model = request_.response_models.front();
    const int number = attempt_;
    result_.completions.push_back(std::move(received));
    const Completion& completion = result_.completions.back();
    notify(hooks.on_completion, CompletionReceived{.attempt = number, .completion = completion});
    result_.usage += completion.usage;
    if (completion.refusal) throw RefusalError(completion);
    if (completion.finish_reason == FinishReason::length) throw IncompleteOutputError(completion, request_.max_tokens);

    Answer answer = read_answer(completion, setup_.mode, model, limits_of(setup_));
    if (answer.in_reasoning) result_.completions.back().answer_in_reasoning = true;
    std::vector<FieldError> errors = answer.value ? parse_(*answer.value) : std::move(answer.errors);
    if (errors.empty() && completion.replaced_characters != 0 &&
        answer.text.find(kReplacementCharacter) != std::string::npos)
        errors.push_back({"",
                          "the answer held bytes that are not UTF-8 (shown here as U+FFFD), as when a character is "
                          "cut between two tokens; write it again in valid UTF-8"});
    if (errors.empty()) return true;
    notify(hooks.on_parse_error, ParseFailed{.attempt = number, .output = answer.text, .errors = errors});

    // Only a failed attempt is kept, with the conversation as it was sent (before the re-ask).
    attempts_.push_back(Attempt{.number = number,
                                .messages = request_.messages,
                                .completion = completion,
                                .output = std::move(answer.text),
                                .errors = errors});
    if (number > request_.max_retries.value_or(0)) {
        notify(hooks.on_last_attempt, LastAttempt{.attempt = number, .errors = attempts_.back().errors});
        throw RetryError(std::move(attempts_), result_.usage, setup_.provider->retry_advice(setup_.mode));
    }
    const std::string reason =
        std::to_string(errors.size()) + (errors.size() == 1 ? " validation error" : " validation errors");
    notify(hooks.on_retry,
           RetryScheduled{.attempt = number, .cause = RetryCause::validation, .delay = {}, .reason = reason});
    add_reask(request_, setup_.mode, model, completion, errors);
    ++attempt_;
    send_ = 0;
    http_.reset();
    if (pooled_) pooled_->next_attempt();
    return false;
}

ExtractionResult run_extraction(const ExtractionSetup& setup, Request request, const ParseCallback& parse,
                                const StreamWatcher* watcher) {
    if (watcher != nullptr) request.stream = true;
    ExtractionSteps steps(setup, std::move(request), parse);
    if (watcher != nullptr) {
        for (;;) {
            bool stopped = false;
            Completion completion = stream_provider(setup, steps.request(), steps.attempt(), *watcher, stopped);
            if (stopped) {  // the caller has what it wanted
                notify(hooks_of(setup).on_completion,
                       CompletionReceived{.attempt = steps.attempt(), .completion = completion});
                ExtractionResult result = steps.take_result();
                result.usage += completion.usage;
                result.completions.push_back(std::move(completion));
                result.stopped = true;
                return result;
            }
            if (steps.after_completion(std::move(completion))) return steps.take_result();
        }
    }
    for (;;) {
        steps.wait_for_server();
        steps.before_send();
        std::optional<HttpResponse> response;
        std::exception_ptr failure;
        try {
            response = call_transport(*setup.transport, steps.http());
        } catch (const Error&) {
            failure = std::current_exception();
        }
        const auto next = failure ? steps.after_failure(failure) : steps.after_reply(std::move(*response));
        if (next.done) return steps.take_result();
        wait_for(next.wait, steps.request().cancel);
    }
}

}  // namespace instructor::detail
