#include <instructor/client.hpp>

#include <cstdlib>

namespace instructor {

Client::Client(const Provider& provider, Mode mode, ClientOptions options, Transport transport)
    : state_(std::make_shared<State>()) {
    State& state = *state_;
    state.provider = &provider;
    state.mode = mode;
    state.options = std::move(options);
    provider.check_mode(mode);
    ClientOptions& o = state.options;
    // One set of bounds for everything the client reads, the answer's parse included.
    if (o.parse.limits != Limits{} && o.parse.limits != o.limits)
        throw ConfigurationError("a client reads within ClientOptions::limits: set those, not ClientOptions::parse.limits");
    o.parse.limits = o.limits;
    if (o.curl.max_reply_bytes != Limits{}.max_bytes && o.curl.max_reply_bytes != o.limits.max_bytes)
        throw ConfigurationError("a client reads within ClientOptions::limits: set limits.max_bytes, not curl.max_reply_bytes");
    o.curl.max_reply_bytes = o.limits.max_bytes;
    if (o.base_url.empty()) o.base_url = provider.default_base_url();
    while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
    state.transport = transport ? std::move(transport) : o.transport;
    if (!state.transport) {
        state.transport = curl_transport(o.curl);
        state.default_transport = true;
    }
    state.url = o.base_url + std::string(provider.chat_path());
    state.headers = provider.headers(o.api_key);
}

detail::ExtractionSetup Client::setup_for(Request& request) const {
    const State& state = *state_;
    // Per-client defaults fill what the request leaves open.
    if (request.model.empty()) request.model = state.options.model;
    if (!request.max_retries) request.max_retries = state.options.max_retries.value_or(2);
    if (!request.temperature) request.temperature = state.options.temperature;
    return detail::ExtractionSetup{.provider = state.provider,
                                   .mode = request.mode.value_or(state.mode),
                                   .transport = &state.transport,
                                   .url = state.url,
                                   .headers = &state.headers,
                                   .retries = &state.options.http_retries,
                                   .hooks = &state.options.hooks,
                                   .tools_unstreamable = &state_->tools_unstreamable,
                                   .limits = &state.options.limits};
}

detail::ExtractionResult Client::run(Request request, const detail::ParseCallback& parse,
                                     const detail::StreamWatcher* watcher) const {
    const detail::ExtractionSetup setup = setup_for(request);
    return detail::run_extraction(setup, std::move(request), parse, watcher);
}

detail::BatchTransport Client::batch_transport() const noexcept {
    if (state_->default_transport) return {.callable = nullptr, .curl = &state_->options.curl};
    return {.callable = &state_->transport, .curl = nullptr};
}

detail::AsyncEngine& Client::async_engine() const {
    std::lock_guard lock(state_->async_mutex);
    if (!state_->async) state_->async = std::make_unique<detail::AsyncEngine>(batch_transport(), state_->options.async);
    return *state_->async;
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
