#include "ollama_probe.hpp"

#include <curl/curl.h>

#include <memory>

#include <nlohmann/json.hpp>

namespace examples {
namespace {

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

}  // namespace

std::optional<LocalOllama> find_ollama(std::string host, std::chrono::milliseconds connect_timeout,
                                       std::chrono::milliseconds total_timeout) {
    if (host.find("://") == std::string::npos) host = "http://" + host;
    while (!host.empty() && host.back() == '/') host.pop_back();

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return std::nullopt;
    const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) return std::nullopt;
    const std::string url = host + "/api/tags";
    std::string body;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(total_timeout.count()));
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &collect);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
    long status = 0;
    if (curl_easy_perform(curl.get()) != CURLE_OK ||
        curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 200)
        return std::nullopt;

    // {"models": [{"name": "llama3.2:latest", "model": "llama3.2:latest", ...}, ...]}
    const auto tags = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!tags.is_object() || !tags.contains("models") || !tags["models"].is_array()) return std::nullopt;
    LocalOllama found{.url = host, .models = {}};
    for (const auto& model : tags["models"])
        if (model.is_object() && model.contains("name") && model["name"].is_string())
            found.models.push_back(model["name"].get<std::string>());
    return found;
}

}  // namespace examples
