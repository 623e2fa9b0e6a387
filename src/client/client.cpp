#include <instructor/client.hpp>

#include <cctype>
#include <cstdlib>
#include <exception>
#include <string_view>

namespace instructor {
namespace {

// A base URL libcurl can use: http or https, and a host. Caught here, it is a clear error now
// rather than "Could not resolve host" (or a long wait) at the first call.
void check_base_url(const std::string& url) {
    const auto bad = [&](const std::string& why) {
        // Shown without what may be secret: user:password@ and the query.
        std::string shown = url.substr(0, url.find_first_of("?#"));
        if (const auto scheme = shown.find("://"); scheme != std::string::npos) {
            const auto at = shown.find('@', scheme + 3);
            if (at != std::string::npos && at < shown.find('/', scheme + 3)) shown.erase(scheme + 3, at + 1 - scheme - 3);
        }
        return ConfigurationError("base_url \"" + shown + "\" " + why);
    };
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos)
        throw bad("has no scheme: write it as http://host:port/v1 or https://host/v1");
    std::string scheme = url.substr(0, scheme_end);
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "http" && scheme != "https")
        throw bad("has the scheme \"" + scheme + "\"; only http and https are supported");
    std::string_view authority = std::string_view(url).substr(scheme_end + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    const std::string_view host =
        authority.starts_with('[') ? authority.substr(0, authority.find(']') + 1) : authority.substr(0, authority.find(':'));
    if (host.empty() || host == "[]") throw bad("has no host: write it as " + scheme + "://host:port/...");
    if (host.find_first_of(" \t\r\n") != std::string_view::npos) throw bad("has a space in its host");
}

}  // namespace

Request extract_request(std::string text, ExtractOptions options) {
    Request request{.model = std::move(options.model), .messages = {}, .max_retries = options.max_retries};
    if (!options.system.empty()) request.messages.push_back(system(std::move(options.system)));
    request.messages.push_back(user(std::move(text)));
    request.temperature = options.temperature;
    request.top_p = options.top_p;
    request.max_tokens = options.max_tokens;
    request.seed = options.seed;
    request.stop = std::move(options.stop);
    request.mode = options.mode;
    request.extra = std::move(options.extra);
    request.cancel = std::move(options.cancel);
    request.timeout = options.timeout;
    request.headers = std::move(options.headers);
    request.context = std::move(options.context);
    return request;
}

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
    if (!o.base_url.empty()) check_base_url(o.base_url);
    if (o.timeout.count() < 0) throw ConfigurationError("ClientOptions::timeout is negative; give a duration, or 0 for none");
    if (o.base_url.empty()) o.base_url = provider.default_base_url();
    while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
    state.transport = transport ? std::move(transport) : o.transport;
    if (!state.transport) {
        state.transport = curl_transport(o.curl);
        state.default_transport = true;
    }
    state.url = o.base_url + std::string(provider.chat_path());
    state.headers = provider.headers(o.api_key);
    set_headers(state.headers, o.headers);
}

detail::ExtractionSetup Client::setup_for(Request& request) const {
    const State& state = *state_;
    // Per-client defaults fill what the request leaves open.
    if (request.model.empty()) request.model = state.options.model;
    if (!request.max_retries) request.max_retries = state.options.max_retries.value_or(2);
    if (!request.temperature) request.temperature = state.options.temperature;
    if (request.timeout.count() < 0)
        throw ConfigurationError("Request::timeout is negative; give a duration, or 0 for the client's");
    const auto timeout = request.timeout.count() > 0 ? request.timeout : state.options.timeout;
    return detail::ExtractionSetup{.provider = state.provider,
                                   .mode = request.mode.value_or(state.mode),
                                   .transport = &state.transport,
                                   .url = state.url,
                                   .headers = &state.headers,
                                   .retries = &state.options.http_retries,
                                   .hooks = &state.options.hooks,
                                   .tools_unstreamable = &state_->tools_unstreamable,
                                   .limits = &state.options.limits,
                                   .deadline = timeout.count() > 0 ? std::chrono::steady_clock::now() + timeout
                                                                   : std::chrono::steady_clock::time_point::max(),
                                   .timeout = timeout};
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
    Transport transport = [chat = std::move(chat)](const HttpRequest& request) {
        try {
            const nlohmann::json reply = chat(nlohmann::json::parse(request.body));
            return HttpResponse{.status = 200, .headers = {}, .body = reply.dump()};
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            std::throw_with_nested(TransportError(std::string("the in-process model (from_callable) threw: ") + e.what()));
        } catch (...) {
            std::throw_with_nested(TransportError("the in-process model (from_callable) threw an exception that is not a std::exception"));
        }
    };
    return Client(dialect, mode, std::move(options), std::move(transport));
}

}  // namespace instructor
