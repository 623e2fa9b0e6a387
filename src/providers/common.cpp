#include "common.hpp"

#include <instructor/detail/core/text.hpp>
#include <instructor/detail/core/url.hpp>
#include <instructor/detail/json/json_reader.hpp>
#include <instructor/detail/json/text_excerpt.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <iomanip>
#include <locale>
#include <sstream>

namespace instructor::providers {
namespace {

using json = nlohmann::json;

std::string text_of(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_null()) return {};
    return dump_text(value);
}

// Keeps a readable part of a body that is not JSON (an HTML error page from a proxy, say): the
// text outside tags, with comments and the insides of <script> and <style> dropped, each tag
// counted as a space, and at most 200 bytes, cut between UTF-8 characters.
std::string readable_excerpt(std::string_view whole) {
    // The start is enough for 200 bytes of text: a page of megabytes is not read to its end.
    const std::string_view body = whole.substr(0, 64 * 1024);
    std::string lowered(body);
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string text;
    std::size_t i = 0;
    while (i < body.size()) {
        const char c = body[i];
        if (c != '<') {
            text += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
            ++i;
            continue;
        }
        text += ' ';
        if (body.substr(i, 4) == "<!--") {
            const auto end = body.find("-->", i + 4);
            i = end == std::string_view::npos ? body.size() : end + 3;
            continue;
        }
        const auto close = body.find('>', i);
        if (close == std::string_view::npos) break;
        std::size_t name_end = i + 1;
        while (name_end < close && std::isalnum(static_cast<unsigned char>(lowered[name_end]))) ++name_end;
        const std::string name = lowered.substr(i + 1, name_end - i - 1);
        i = close + 1;
        if (name == "script" || name == "style") {
            const auto end = lowered.find("</" + name, i);
            const auto end_close = end == std::string::npos ? end : lowered.find('>', end);
            i = end_close == std::string::npos ? body.size() : end_close + 1;
        }
    }
    std::string collapsed;
    for (char c : text)
        if (!(c == ' ' && (collapsed.empty() || collapsed.back() == ' '))) collapsed += c;
    while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
    if (collapsed.size() > 200) collapsed = collapsed.substr(0, detail::utf8_cut(collapsed, 200)) + "...";
    return collapsed;
}

// FastAPI and pydantic validation errors, [{"loc": ["body", "x"], "msg": "...", ...}, ...], as
// "body.x: msg; ..."; any other detail as its text.
std::string detail_message(const json& detail) {
    if (!detail.is_array() || detail.empty()) return text_of(detail);
    std::string text;
    for (const auto& item : detail) {
        if (!item.is_object() || !item.contains("msg") || !item["msg"].is_string()) return text_of(detail);
        std::string where;
        if (const auto loc = item.find("loc"); loc != item.end() && loc->is_array())
            for (const auto& part : *loc) where += (where.empty() ? "" : ".") + text_of(part);
        text += (text.empty() ? "" : "; ") + (where.empty() ? std::string() : where + ": ") +
                item["msg"].get<std::string>();
    }
    return text;
}

// The whole number right after `prefix` in `text` ("... context length is 8192 tokens"), if any.
std::optional<std::int64_t> number_after(std::string_view text, std::string_view prefix) {
    const auto at = text.find(prefix);
    if (at == std::string_view::npos) return std::nullopt;
    const char* first = text.data() + at + prefix.size();
    std::int64_t value{};
    const auto [end, ec] = std::from_chars(first, text.data() + text.size(), value);
    if (ec != std::errc() || end == first) return std::nullopt;
    return value;
}

}  // namespace

std::string string_field(const json& object, const char* key) {
    if (!object.is_object()) return {};
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::int64_t count_field(const json& object, const char* key, std::int64_t otherwise) {
    if (!object.is_object()) return otherwise;
    const auto found = object.find(key);
    if (found == object.end() || !found->is_number()) return otherwise;
    if (found->is_number_unsigned())
        return static_cast<std::int64_t>(std::min<std::uint64_t>(found->get<std::uint64_t>(), INT64_MAX));
    if (found->is_number_integer()) return found->get<std::int64_t>();
    // A float: counted if it is a count at all (finite, within range), else as absent.
    const double value = found->get<double>();
    return std::isfinite(value) && value >= 0 && value < 9.2e18 ? static_cast<std::int64_t>(value) : otherwise;
}

std::optional<double> retry_after_seconds(const HttpHeaders& headers) {
    if (const auto ms = header_value(headers, "retry-after-ms"); !ms.empty()) {
        double value{};
        const auto [end, ec] = std::from_chars(ms.data(), ms.data() + ms.size(), value);
        if (ec == std::errc() && end == ms.data() + ms.size() && std::isfinite(value) && value >= 0)
            return value / 1000.0;
    }
    const auto after = header_value(headers, "retry-after");
    if (after.empty()) return std::nullopt;
    double seconds{};
    const auto [end, ec] = std::from_chars(after.data(), after.data() + after.size(), seconds);
    if (ec == std::errc() && end == after.data() + after.size() && std::isfinite(seconds) && seconds >= 0)
        return seconds;
    // An HTTP date, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
    std::tm when{};
    std::istringstream in(after);
    in.imbue(std::locale::classic());  // English day and month names, whatever the global locale
    in >> std::get_time(&when, "%a, %d %b %Y %H:%M:%S");
    if (in.fail()) return std::nullopt;
    // In seconds of time_t: a date centuries ahead overflows the clock's nanoseconds, not this.
    const double wait = std::difftime(timegm(&when), std::time(nullptr));
    return std::isfinite(wait) ? std::max(0.0, wait) : std::optional<double>();
}

HttpErrorDetails decode_error_body(std::string_view provider, int status, const HttpHeaders& headers,
                                   std::string_view body) {
    HttpErrorDetails d;
    d.provider = provider;
    d.status = status;
    d.body = body;
    d.retry_after_seconds = retry_after_seconds(headers);
    d.request_id = header_value(headers, "x-request-id");
    if (d.request_id.empty()) d.request_id = header_value(headers, "request-id");

    if (status >= 300 && status < 400) {
        // Redirects are not followed (a key must not go to another host unasked): say where it pointed.
        const std::string location = header_value(headers, "location");
        d.message = location.empty() ? "a redirect without a Location"
                                     : "redirected to " + detail::redact_url(location) +
                                           " (redirects are not followed: point base_url there if it is right)";
        return d;
    }
    // Within the default bounds, whatever the client's: an error body is read for its message only,
    // and a body nested without end is no message.
    json parsed;
    try {
        parsed = detail::read_json(body, Limits{}, "an error reply");
    } catch (const LimitError&) {
        parsed = json(json::value_t::discarded);
    }
    if (parsed.is_discarded() || !parsed.is_object()) {
        d.message = body.empty() ? "empty reply body" : readable_excerpt(body);
        return d;
    }
    const json* error = &parsed;
    if (const auto inner = parsed.find("error"); inner != parsed.end()) {
        if (inner->is_string()) {
            d.message = inner->get<std::string>();  // Ollama: {"error": "model 'x' not found"}
            return d;
        }
        if (inner->is_object()) error = &*inner;
    }
    const auto field = [&](const char* name) {
        const auto found = error->find(name);
        return found == error->end() ? std::string() : text_of(*found);
    };
    if (const auto message = error->find("message"); message != error->end()) {
        // Mistral sends {"message": {"detail": [...]}} for validation errors.
        if (message->is_object() && message->contains("detail"))
            d.message = detail_message((*message)["detail"]);
        else
            d.message = text_of(*message);
    } else if (const auto detail = error->find("detail"); detail != error->end()) {
        d.message = detail_message(*detail);  // FastAPI servers (llama-cpp-python)
    }
    d.type = field("type");
    d.code = field("code");
    d.param = field("param");
    d.failed_generation = field("failed_generation");
    // llama.cpp states both sizes of a prompt that does not fit; OpenAI writes them in the message.
    if (const auto n = error->find("n_prompt_tokens"); n != error->end() && n->is_number_integer())
        d.prompt_tokens = n->get<std::int64_t>();
    if (const auto n = error->find("n_ctx"); n != error->end() && n->is_number_integer())
        d.context_window = n->get<std::int64_t>();
    if (d.code == "context_length_exceeded") {
        // OpenAI: "maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens";
        // llama-cpp-python: "Requested tokens (5210) exceed context window of 4096".
        if (!d.context_window) d.context_window = number_after(d.message, "maximum context length is ");
        if (!d.context_window) d.context_window = number_after(d.message, "context window of ");
        if (!d.prompt_tokens) d.prompt_tokens = number_after(d.message, "resulted in ");
        if (!d.prompt_tokens) d.prompt_tokens = number_after(d.message, "Requested tokens (");
    }
    if (d.request_id.empty()) d.request_id = string_field(parsed.value("x_groq", json()), "id");
    if (d.request_id.empty()) d.request_id = string_field(parsed, "request_id");  // Mistral: {"message", "request_id"}
    return d;
}

void throw_malformed_reply(std::string_view provider, const json& body, std::string_view why) {
    throw_unexpected_reply(provider, 200, {}, dump_text(body), "not in the expected shape: " + std::string(why));
}

void throw_unexpected_reply(std::string_view provider, int status, const HttpHeaders& headers, std::string_view body,
                            std::string why) {
    HttpErrorDetails d;
    d.provider = provider;
    d.status = status;
    d.message = std::move(why);
    d.body = body;
    d.request_id = header_value(headers, "x-request-id");
    throw UnexpectedReplyError(std::move(d));
}

FinishReason finish_reason_from(const json& value) {
    if (!value.is_string()) return FinishReason::unknown;
    return finish_reason_from(std::string_view(value.get_ref<const std::string&>()));
}

FinishReason finish_reason_from(std::string_view reason) {
    if (reason == "stop" || reason == "eos" || reason == "end_turn") return FinishReason::stop;
    if (reason == "length" || reason == "model_length" || reason == "max_tokens") return FinishReason::length;
    if (reason == "tool_calls" || reason == "function_call") return FinishReason::tool_calls;
    if (reason == "content_filter") return FinishReason::content_filter;
    if (reason == "error") return FinishReason::error;
    return FinishReason::unknown;
}

const json& member(const json& object, const char* key) {
    static const json none;
    if (!object.is_object()) return none;
    const auto found = object.find(key);
    return found != object.end() ? *found : none;
}

const json& member_object(const json& object, const char* key) {
    static const json empty = json::object();
    const json& found = member(object, key);
    return found.is_object() ? found : empty;
}

std::string dump_text(const json& value) { return detail::json_excerpt(value, SIZE_MAX); }

Usage usage_from(const json& usage) {
    Usage u;
    u.prompt_tokens = count_field(usage, "prompt_tokens");
    u.completion_tokens = count_field(usage, "completion_tokens");
    u.total_tokens = count_field(usage, "total_tokens", saturating_sum(u.prompt_tokens, u.completion_tokens));
    u.cached_tokens = count_field(usage.value("prompt_tokens_details", json()), "cached_tokens");
    u.reasoning_tokens = count_field(usage.value("completion_tokens_details", json()), "reasoning_tokens");
    return u;
}

std::string reasoning_field(const json& message) {
    std::string reasoning = string_field(message, "reasoning_content");
    return reasoning.empty() ? string_field(message, "reasoning") : reasoning;
}

std::string thinking_text(const json& part) {
    std::string text;
    const json& thinking = member(part, "thinking");
    if (thinking.is_array())
        for (const auto& chunk : thinking)
            if (string_field(chunk, "type") == "text") text += string_field(chunk, "text");
    return text;
}

std::string arguments_text(const json& arguments) {
    if (arguments.is_string()) return arguments.get<std::string>();
    if (arguments.is_null()) return {};
    return dump_text(arguments);
}

std::string schema_instruction(const nlohmann::ordered_json& schema) {
    // Compact: indentation costs a model's context thousands of tokens for a modest struct.
    return "Answer with a JSON object that matches this JSON Schema:\n\n" + schema.dump() +
           "\n\nReply with the data itself (an instance of the schema), not with the schema.";
}

std::string tool_description(const ResponseModel& model) {
    if (!model.description.empty()) return model.description;
    return "Extract `" + model.name + "` from the conversation, with every required field and the right types.";
}

void add_schema_instruction(nlohmann::ordered_json& messages, const nlohmann::ordered_json& schema) {
    add_schema_instruction(messages, schema_instruction(schema));
}

std::string with_instruction(std::string_view system_text, std::string_view instruction) {
    std::string text(system_text);
    return text.append("\n\n").append(instruction);
}

void add_schema_instruction(nlohmann::ordered_json& messages, const std::string& instruction) {
    if (!messages.empty() && messages[0]["role"] == "system" && messages[0]["content"].is_string()) {
        messages[0]["content"] = with_instruction(messages[0]["content"].get<std::string>(), instruction);
        return;
    }
    messages.insert(messages.begin(), nlohmann::ordered_json{{"role", "system"}, {"content", instruction}});
}

const ResponseModel& single_model(const Request& request, std::string_view provider) {
    if (request.response_models.empty())
        throw ConfigurationError(std::string(provider) + ": the request has no response model (the shape to extract)");
    return request.response_models.front();
}

const nlohmann::ordered_json& strict_schema_of(const ResponseModel& model) {
    if (!model.strict_schema)
        throw ConfigurationError("strict mode needs the OpenAI strict schema of " + model.name +
                                 ", which it has not: " + model.strict_unavailable);
    return *model.strict_schema;
}

const nlohmann::ordered_json& inlined_or_plain(const ResponseModel& model) {
    return model.inlined_schema ? *model.inlined_schema : *model.schema;
}

void check_tool_calls(std::size_t count, const Limits& limits) {
    if (count > limits.max_tool_calls)
        throw LimitError("the reply holds " + std::to_string(count) +
                             " tool calls, more than Limits::max_tool_calls (" + std::to_string(limits.max_tool_calls) +
                             ")",
                         "max_tool_calls", limits.max_tool_calls);
}

void merge_extra(nlohmann::ordered_json& body, const json& extra) {
    if (!extra.is_object()) return;
    for (const auto& [key, value] : extra.items()) body[key] = value;
}

}  // namespace instructor::providers
