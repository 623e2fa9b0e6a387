#include <instructor/client.hpp>

namespace instructor {

Client::Client(const Provider& provider, Mode mode, ClientOptions options, Transport transport)
    : provider_(&provider), mode_(mode), options_(std::move(options)), transport_(std::move(transport)) {
    provider_->check_mode(mode_);
    if (options_.base_url.empty()) options_.base_url = provider_->default_base_url();
    while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
}

detail::ExtractionResult Client::run(Request request, const detail::ParseCallback& parse) const {
    // Per-client defaults fill what the request leaves open.
    if (request.model.empty()) request.model = options_.model;
    if (!request.max_retries) request.max_retries = options_.max_retries.value_or(2);
    if (!request.temperature) request.temperature = options_.temperature;
    const Mode mode = request.mode.value_or(mode_);
    detail::ExtractionSetup setup{.provider = provider_,
                                  .mode = mode,
                                  .transport = &transport_,
                                  .url = options_.base_url + std::string(provider_->chat_path()),
                                  .api_key = options_.api_key};
    return detail::run_extraction(setup, std::move(request), parse);
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
