#include <instructor/provider.hpp>

#include <algorithm>

#include <instructor/detail/json/json_reader.hpp>
#include <instructor/detail/json/json_writer.hpp>
#include <instructor/error.hpp>

#include "common.hpp"
#include "registry.hpp"

namespace instructor {

void Provider::check_mode(Mode mode) const {
    const auto& modes = supported_modes();
    if (std::find(modes.begin(), modes.end(), mode) != modes.end()) return;
    std::string supported;
    for (const Mode m : modes) supported += (supported.empty() ? "" : ", ") + std::string(to_string(m));
    throw ConfigurationError(std::string(name()) + " does not support mode " + std::string(to_string(mode)) +
                             unsupported_reason(mode) + "; it supports: " + supported);
}

std::string Provider::unsupported_reason(Mode) const { return {}; }

std::string Provider::write_body(const Request& request, Mode mode) const {
    return detail::write_json(build_body(request, mode));
}

Completion Provider::decode_reply_text(std::string_view body, const HttpHeaders& headers, const Limits& limits) const {
    const nlohmann::json document = detail::read_json(body, limits, "the reply from " + std::string(name()));
    if (document.is_discarded())
        providers::throw_unexpected_reply(
            name(), 200, headers, body,
            body.empty() ? "an empty body"
                         : "not JSON, content-type \"" + header_value(headers, "content-type") + "\"");
    Completion completion = decode_reply(document, headers);
    providers::check_tool_calls(completion.tool_calls.size(), limits);
    return completion;
}

bool Provider::decode_stream_text(std::string_view, StreamAssembly&) const { return false; }

void Provider::decode_stream_event(const nlohmann::json&, StreamAssembly&) const {
    throw ConfigurationError(std::string(name()) + " cannot stream replies");
}

HttpHeaders Provider::headers(std::string_view api_key) const {
    HttpHeaders result{{"Content-Type", "application/json"}};
    if (!api_key.empty()) result.emplace_back("Authorization", "Bearer " + std::string(api_key));
    return result;
}

HttpErrorDetails Provider::error_details(int status, const HttpHeaders& headers, std::string_view body) const {
    return providers::decode_error_body(name(), status, headers, body);
}

void Provider::throw_error(int status, const HttpHeaders& headers, std::string_view body) const {
    throw_http_error(error_details(status, headers, body));
}

bool Provider::retryable(const HttpError& error) const {
    const auto& d = error.details();
    if (providers::exceeds_context(d) || refuses_tool_streaming(d)) return false;
    if (const auto* limited = dynamic_cast<const RateLimitError*>(&error); limited && limited->quota_exhausted())
        return false;
    // 498: Groq's flex tier is out of capacity for now.
    // 5xx but those that say the request will never work here (501 not implemented, 505 HTTP version,
    // 506-508 server misconfigured or out of storage, 510, 511 proxy login): waiting cannot fix them.
    const bool lasting = d.status == 501 || (d.status >= 505 && d.status <= 508) || d.status == 510 || d.status == 511;
    return d.status == 408 || d.status == 409 || d.status == 429 || d.status == 498 || (d.status >= 500 && !lasting);
}

bool Provider::refuses_tool_streaming(const HttpErrorDetails&) const { return false; }

std::string Provider::retry_advice(Mode) const { return {}; }

const Provider& provider(std::string_view name) {
    for (const auto& entry : providers::registry())
        if (entry.name == name) return entry.get();
    std::string known;
    for (const auto& entry : providers::registry()) known += (known.empty() ? "" : ", ") + std::string(entry.name);
    throw ConfigurationError("unknown provider \"" + std::string(name) + "\"; the known ones are: " + known);
}

std::vector<std::string_view> provider_names() {
    std::vector<std::string_view> names;
    for (const auto& entry : providers::registry()) names.push_back(entry.name);
    return names;
}

}  // namespace instructor
