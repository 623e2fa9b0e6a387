#include <instructor/client.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/pfr/core.hpp>

#include "http_call.hpp"
#include "server_pool.hpp"

#include <instructor/detail/core/text.hpp>
#include <instructor/detail/core/url.hpp>
#include <instructor/detail/reflect/names.hpp>

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
            if (at != std::string::npos && at < shown.find('/', scheme + 3))
                shown.erase(scheme + 3, at + 1 - scheme - 3);
        }
        return ConfigurationError("base_url \"" + shown + "\" " + why);
    };
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) throw bad("has no scheme: write it as http://host:port/v1 or https://host/v1");
    std::string scheme = url.substr(0, scheme_end);
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "http" && scheme != "https")
        throw bad("has the scheme \"" + scheme + "\"; only http and https are supported");
    std::string_view authority = std::string_view(url).substr(scheme_end + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    const std::string_view host = authority.starts_with('[') ? authority.substr(0, authority.find(']') + 1)
                                                             : authority.substr(0, authority.find(':'));
    if (host.empty() || host == "[]") throw bad("has no host: write it as " + scheme + "://host:port/...");
    if (host.find_first_of(" \t\r\n") != std::string_view::npos) throw bad("has a space in its host");
    if (const std::string_view port = authority.substr(host.size()); !port.empty()) {
        const std::string_view digits = port.substr(1);
        if (port.front() != ':' || digits.empty() || digits.size() > 5 ||
            digits.find_first_not_of("0123456789") != std::string_view::npos ||
            std::stoul(std::string(digits)) > 65535 || std::stoul(std::string(digits)) == 0)
            throw bad("has the port \"" + std::string(port) + "\"; a port is a number from 1 to 65535");
    }
    if (url.find_first_of(std::string_view("\r\n\0 ", 4)) != std::string::npos)
        throw bad("holds a space, a line break or a NUL byte");
}

// A key is sent in a header: a line break in it (read from a file with its newline) would end the
// header and send the rest as something else.
void check_api_key(const std::string& key) {
    if (key.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
        throw ConfigurationError(
            "ClientOptions::api_key holds a line break or a NUL byte (read from a file with its "
            "newline?); remove it");
}

// Where a Request's text fails to be UTF-8, which JSON cannot carry: a ConfigurationError naming
// the message and the byte.
void check_utf8(const Request& request) {
    const auto check = [](std::string_view text, const std::string& where) {
        if (const auto at = detail::first_invalid_utf8(text); at != std::string_view::npos)
            throw ConfigurationError(where + " is not valid UTF-8: byte " + std::to_string(at) + " is 0x" +
                                     "0123456789abcdef"[static_cast<unsigned char>(text[at]) >> 4] +
                                     "0123456789abcdef"[static_cast<unsigned char>(text[at]) & 15] +
                                     "; JSON carries only UTF-8 text (convert it, e.g. from Latin-1, first)");
    };
    for (std::size_t i = 0; i < request.messages.size(); ++i) {
        const Message& m = request.messages[i];
        const std::string where = "messages[" + std::to_string(i) + "] (" + std::string(to_string(m.role)) + ")";
        check(m.content, where);
        for (std::size_t p = 0; p < m.parts.size(); ++p) {
            const ContentPart& part = m.parts[p];
            for (const std::string* text : {&part.text, &part.url, &part.media_type, &part.data})
                check(*text, where + " part " + std::to_string(p));
        }
        for (const ToolCall& call : m.tool_calls)
            for (const std::string* text : {&call.id, &call.name, &call.arguments}) check(*text, where + " tool call");
        check(m.tool_call_id, where + " tool_call_id");
        check(m.name, where + " name");
    }
    check(request.model, "the model name");
    for (const auto& stop : request.stop) check(stop, "a stop string");
    // Request::extra: every string and key in it, without recursion.
    std::vector<const nlohmann::json*> pending{&request.extra};
    while (!pending.empty()) {
        const nlohmann::json* value = pending.back();
        pending.pop_back();
        if (value->is_string()) check(value->get_ref<const std::string&>(), "Request::extra");
        if (value->is_object())
            for (const auto& [key, member] : value->items()) {
                check(key, "a key of Request::extra");
                pending.push_back(&member);
            }
        if (value->is_array())
            for (const auto& element : *value) pending.push_back(&element);
    }
}

// The point `timeout` after now, or none (max()) for 0 and for a timeout too long to add to the
// clock (milliseconds::max() meant as "no deadline").
std::chrono::steady_clock::time_point deadline_after(std::chrono::milliseconds timeout) {
    using clock = std::chrono::steady_clock;
    const auto now = clock::now();
    if (timeout.count() <= 0 ||
        timeout >= std::chrono::duration_cast<std::chrono::milliseconds>(clock::time_point::max() - now))
        return clock::time_point::max();
    return now + timeout;
}

// Values that must never be shown: the key, and what the credential headers carry.
std::vector<std::string> secrets_of(const ClientOptions& options) {
    std::vector<std::string> secrets;
    if (!options.api_key.empty()) secrets.push_back(options.api_key);
    for (const auto& [name, value] : options.headers)
        if (detail::credential_name(name) && value.size() >= 4) secrets.push_back(value);
    return secrets;
}

// A server's base URL without a trailing /v1: where llama-server (and vLLM) answer /health.
std::string root_of(const std::string& base_url) {
    const auto query = base_url.find_first_of("?#");
    std::string path = base_url.substr(0, query);
    const std::string rest = query == std::string::npos ? std::string() : base_url.substr(query);
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (path.ends_with("/v1")) path.resize(path.size() - 3);
    return path + rest;
}

// ClientOptions::servers, checked, as the pool sends to them; base_url and api_key become the first
// server's (what is not a chat call, a Batch API job, goes there).
std::vector<detail::PoolServer> pool_servers(const Provider& provider, ClientOptions& o) {
    if (!o.base_url.empty())
        throw ConfigurationError("set ClientOptions::base_url or ClientOptions::servers, not both (base_url \"" +
                                 detail::redact_url(o.base_url) + "\")");
    const Routing& r = o.routing;
    if (r.cooldown.count() < 0 || r.max_cooldown.count() < 0 || r.probe_timeout.count() <= 0 ||
        r.slots_interval.count() < 0 || !(r.cooldown_multiplier >= 1.0) || r.allowed_failures < 0)
        throw ConfigurationError(
            "ClientOptions::routing: cooldowns and slots_interval must not be negative, "
            "probe_timeout must be positive, cooldown_multiplier at least 1, allowed_failures "
            "not negative");
    std::vector<detail::PoolServer> servers;
    for (std::size_t i = 0; i < o.servers.size(); ++i) {
        Server& server = o.servers[i];
        const std::string which = "ClientOptions::servers[" + std::to_string(i) + "]";
        if (server.base_url.empty()) throw ConfigurationError(which + " has no base_url");
        check_base_url(server.base_url);
        check_api_key(server.api_key);
        if (!(server.weight > 0) || !std::isfinite(server.weight))
            throw ConfigurationError(which + ".weight must be a positive number");
        if (server.max_in_flight < 0)
            throw ConfigurationError(which + ".max_in_flight must not be negative (0: no limit)");
        while (!server.base_url.empty() && server.base_url.back() == '/') server.base_url.pop_back();
        detail::PoolServer pooled;
        pooled.shown_base_url = detail::redact_url(server.base_url);
        pooled.name = server.name.empty() ? pooled.shown_base_url : detail::printable(server.name, 200);
        pooled.chat_url = detail::append_path(server.base_url, provider.chat_path());
        pooled.shown_chat_url = detail::redact_url(pooled.chat_url);
        const std::string root = root_of(server.base_url);
        pooled.health_url = detail::append_path(root, "/health");
        pooled.slots_url = detail::append_path(root, "/slots");
        pooled.headers = provider.headers(server.api_key.empty() ? o.api_key : server.api_key);
        set_headers(pooled.headers, o.headers);
        pooled.weight = server.weight;
        pooled.max_in_flight = server.max_in_flight;
        servers.push_back(std::move(pooled));
    }
    o.base_url = o.servers.front().base_url;
    if (!o.servers.front().api_key.empty()) o.api_key = o.servers.front().api_key;
    return servers;
}

}  // namespace

namespace {

// What extract() takes and what a Request carries are one list, kept in the two structs'
// declarations: each ExtractOptions field moves into the Request field of its name, found by the
// library's own reflection. A field on one side without its twin on the other fails to compile,
// but for those that belong to one side alone.
constexpr std::array<std::string_view, 1> kExtractOnly{"system"};  // becomes a message
constexpr std::array<std::string_view, 3> kRequestOnly{"messages", "stream", "response_models"};

template <class S, std::size_t... I>
constexpr std::size_t field_index(std::string_view name, std::index_sequence<I...>) {
    std::size_t found = sizeof...(I);
    ((detail::field_name<S, I>() == name ? (found = I, 0) : 0), ...);
    return found;
}

template <class S>
constexpr std::size_t field_index(std::string_view name) {
    return field_index<S>(name, std::make_index_sequence<boost::pfr::tuple_size_v<S>>{});
}

constexpr bool listed(std::string_view name, std::span<const std::string_view> names) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

template <std::size_t... I>
constexpr bool every_request_field_is_an_extract_option(std::index_sequence<I...>) {
    return ((listed(detail::field_name<Request, I>(), kRequestOnly) ||
             field_index<ExtractOptions>(detail::field_name<Request, I>()) <
                 boost::pfr::tuple_size_v<ExtractOptions>)&&...);
}
static_assert(every_request_field_is_an_extract_option(std::make_index_sequence<boost::pfr::tuple_size_v<Request>>{}),
              "a Request field has no ExtractOptions field of its name: add it, so that extract() can set it");

template <std::size_t... I>
void move_options(ExtractOptions& from, Request& to, std::index_sequence<I...>) {
    const auto move_one = [&]<std::size_t From>(std::integral_constant<std::size_t, From>) {
        constexpr std::string_view name = detail::field_name<ExtractOptions, From>();
        constexpr std::size_t into = field_index<Request>(name);
        if constexpr (into < boost::pfr::tuple_size_v<Request>) {
            static_assert(std::is_same_v<std::remove_cvref_t<decltype(boost::pfr::get<From>(from))>,
                                         std::remove_cvref_t<decltype(boost::pfr::get<into>(to))>>,
                          "an ExtractOptions field and the Request field of its name have different types");
            boost::pfr::get<into>(to) = std::move(boost::pfr::get<From>(from));
        } else {
            static_assert(listed(name, kExtractOnly), "an ExtractOptions field has no Request field of its name");
        }
    };
    (move_one(std::integral_constant<std::size_t, I>{}), ...);
}

}  // namespace

Request extract_request(std::string text, ExtractOptions options) {
    Request request;
    if (!options.system.empty()) request.messages.push_back(system(std::move(options.system)));
    request.messages.push_back(user(std::move(text)));
    move_options(options, request, std::make_index_sequence<boost::pfr::tuple_size_v<ExtractOptions>>{});
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
        throw ConfigurationError(
            "a client reads within ClientOptions::limits: set those, not ClientOptions::parse.limits");
    o.parse.limits = o.limits;
    if (o.curl.max_reply_bytes != Limits{}.max_bytes && o.curl.max_reply_bytes != o.limits.max_bytes)
        throw ConfigurationError(
            "a client reads within ClientOptions::limits: set limits.max_bytes, not curl.max_reply_bytes");
    o.curl.max_reply_bytes = o.limits.max_bytes;
    o.curl.max_header_bytes = o.limits.max_header_bytes;
    if (!o.base_url.empty()) check_base_url(o.base_url);
    if (o.timeout.count() < 0)
        throw ConfigurationError("ClientOptions::timeout is negative; give a duration, or 0 for none");
    check_api_key(o.api_key);
    check_request_headers(o.headers, "ClientOptions::headers");
    std::vector<std::string> server_keys;  // masked too, with the client's own key (the first server's may replace it)
    if (!o.api_key.empty()) server_keys.push_back(o.api_key);
    for (const Server& server : o.servers)
        if (!server.api_key.empty()) server_keys.push_back(server.api_key);
    std::vector<detail::PoolServer> servers;
    if (!o.servers.empty()) servers = pool_servers(provider, o);
    if (o.base_url.empty()) o.base_url = provider.default_base_url();
    while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
    state.transport = transport ? std::move(transport) : o.transport;
    if (!state.transport) {
        state.transport = curl_transport(o.curl);
        state.default_transport = true;
    }
    // A query in the base URL (Azure's ?api-version=...) stays after the path.
    state.url = detail::append_path(o.base_url, provider.chat_path());
    state.shown_url = detail::redact_url(state.url);
    state.headers = provider.headers(o.api_key);
    set_headers(state.headers, o.headers);
    state.secrets = secrets_of(o);
    for (auto& key : server_keys)
        if (std::find(state.secrets.begin(), state.secrets.end(), key) == state.secrets.end())
            state.secrets.push_back(std::move(key));
    if (!servers.empty())
        state.pool = std::make_shared<detail::ServerPool>(std::move(servers), o.routing, state.transport);
}

std::vector<ServerStats> Client::server_stats() const {
    if (!state_->pool) return {};
    return state_->pool->stats();
}

detail::ExtractionSetup Client::setup_for(Request& request) const {
    const State& state = *state_;
    // Per-client defaults fill what the request leaves open.
    if (request.model.empty()) request.model = state.options.model;
    if (!request.max_retries) request.max_retries = state.options.max_retries.value_or(2);
    if (!request.temperature) request.temperature = state.options.temperature;
    if (request.timeout.count() < 0)
        throw ConfigurationError("Request::timeout is negative; give a duration, or 0 for the client's");
    if (!request.headers.empty()) check_request_headers(request.headers, "Request::headers");
    check_utf8(request);
    const auto timeout = request.timeout.count() > 0 ? request.timeout : state.options.timeout;
    Mode mode = request.mode.value_or(state.mode);
    // The preset's gbnf where the type has a grammar; a type without one (a map, a free JSON
    // value) goes as a schema instead, which the user did not have to ask for.
    if (mode == Mode::gbnf && state.preset_mode && !request.mode && !request.response_models.empty() &&
        !request.response_models.front().grammar)
        mode = Mode::json_schema;
    return detail::ExtractionSetup{.provider = state.provider,
                                   .mode = mode,
                                   .transport = &state.transport,
                                   .url = state.url,
                                   .shown_url = state.shown_url,
                                   .headers = &state.headers,
                                   .retries = &state.options.http_retries,
                                   .hooks = &state.options.hooks,
                                   .tools_unstreamable = &state_->tools_unstreamable,
                                   .limits = &state.options.limits,
                                   .secrets = &state.secrets,
                                   .deadline = deadline_after(timeout),
                                   .timeout = timeout,
                                   .pool = state.pool.get()};
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
    const bool openai_itself = options.base_url.empty() && options.servers.empty();
    const Provider& dialect = provider(openai_itself ? "openai" : "openai-compatible");
    if (openai_itself && options.api_key.empty()) options.api_key = key_from_environment(dialect, "OPENAI_API_KEY");
    return Client(dialect, mode, std::move(options));
}

Client from_provider(std::string_view spec, ClientOptions options) {
    const auto slash = spec.find('/');
    const Provider& preset = provider(spec.substr(0, slash));
    Client client = from_provider(spec, std::move(options), preset.default_mode());
    client.state_->preset_mode = true;
    return client;
}

Client from_provider(std::string_view spec, ClientOptions options, Mode mode) {
    const auto slash = spec.find('/');
    if (slash == std::string_view::npos || slash + 1 == spec.size())
        throw ConfigurationError(
            "from_provider takes \"provider/model\", e.g. \"groq/llama-3.3-70b-versatile\"; got \"" +
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
        } catch (...) {
            detail::rethrow_as_instructor_error<TransportError>(std::current_exception(),
                                                                "the in-process model (from_callable) threw");
        }
    };
    return Client(dialect, mode, std::move(options), std::move(transport));
}

}  // namespace instructor
