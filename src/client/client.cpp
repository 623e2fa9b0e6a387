#include <instructor/client.hpp>

#include <cstdlib>

namespace instructor {

Client::Client(const Provider& provider, Mode mode, ClientOptions options, Transport transport)
    : provider_(&provider), mode_(mode), options_(std::move(options)), transport_(std::move(transport)) {
    provider_->check_mode(mode_);
    // One set of bounds for everything the client reads, the answer's parse included.
    if (options_.parse.limits != Limits{} && options_.parse.limits != options_.limits)
        throw ConfigurationError("a client reads within ClientOptions::limits: set those, not ClientOptions::parse.limits");
    options_.parse.limits = options_.limits;
    if (options_.curl.max_reply_bytes != Limits{}.max_bytes && options_.curl.max_reply_bytes != options_.limits.max_bytes)
        throw ConfigurationError("a client reads within ClientOptions::limits: set limits.max_bytes, not curl.max_reply_bytes");
    options_.curl.max_reply_bytes = options_.limits.max_bytes;
    if (options_.base_url.empty()) options_.base_url = provider_->default_base_url();
    while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
    if (!transport_) transport_ = options_.transport ? options_.transport : curl_transport(options_.curl);
    url_ = options_.base_url + std::string(provider_->chat_path());
    headers_ = provider_->headers(options_.api_key);
}

detail::ExtractionResult Client::run(Request request, const detail::ParseCallback& parse,
                                     const detail::StreamWatcher* watcher) const {
    // Per-client defaults fill what the request leaves open.
    if (request.model.empty()) request.model = options_.model;
    if (!request.max_retries) request.max_retries = options_.max_retries.value_or(2);
    if (!request.temperature) request.temperature = options_.temperature;
    const Mode mode = request.mode.value_or(mode_);
    detail::ExtractionSetup setup{.provider = provider_,
                                  .mode = mode,
                                  .transport = &transport_,
                                  .url = url_,
                                  .headers = &headers_,
                                  .retries = &options_.http_retries,
                                  .hooks = &options_.hooks,
                                  .tools_unstreamable = tools_unstreamable_.get(),
                                  .limits = &options_.limits};
    return detail::run_extraction(setup, std::move(request), parse, watcher);
}

namespace {

std::string key_from_environment(const Provider& provider, std::string_view variable) {
    const char* value = variable.empty() ? nullptr : std::getenv(std::string(variable).c_str());
    if (value == nullptr || *value == '\0')
        throw ConfigurationError(std::string(provider.name()) + " needs an API key: set " + std::string(variable) +
                                 " or pass .api_key");
    return value;
}

}  // namespace

Client from_openai(ClientOptions options, Mode mode) {
    const bool openai_itself = options.base_url.empty();
    const Provider& dialect = provider(openai_itself ? "openai" : "openai-compatible");
    if (openai_itself && options.api_key.empty()) options.api_key = key_from_environment(dialect, "OPENAI_API_KEY");
    return Client(dialect, mode, std::move(options));
}

Client from_provider(std::string_view spec, ClientOptions options) {
    const auto slash = spec.find('/');
    const Provider& preset = provider(spec.substr(0, slash));
    return from_provider(spec, std::move(options), preset.default_mode());
}

Client from_provider(std::string_view spec, ClientOptions options, Mode mode) {
    const auto slash = spec.find('/');
    if (slash == std::string_view::npos || slash + 1 == spec.size())
        throw ConfigurationError("from_provider takes \"provider/model\", e.g. \"groq/llama-3.3-70b-versatile\"; got \"" +
                                 std::string(spec) + "\"");
    const Provider& preset = provider(spec.substr(0, slash));
    if (options.model.empty()) options.model = std::string(spec.substr(slash + 1));
    // Hosted providers need their key; local servers (no key variable) take one only if given.
    if (options.api_key.empty() && !preset.api_key_variable().empty())
        options.api_key = key_from_environment(preset, preset.api_key_variable());
    return Client(preset, mode, std::move(options));
}

Client from_callable(ChatFunction chat, Mode mode, const Provider& dialect, ClientOptions options) {
    if (options.base_url.empty()) options.base_url = "in-process:";
    Transport transport = [chat = std::move(chat)](const HttpRequest& request) {
        const nlohmann::json reply = chat(nlohmann::json::parse(request.body));
        return HttpResponse{.status = 200, .headers = {}, .body = reply.dump()};
    };
    return Client(dialect, mode, std::move(options), std::move(transport));
}

}  // namespace instructor
