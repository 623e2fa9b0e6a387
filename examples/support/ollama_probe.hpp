#pragma once
// Looks for an Ollama server, quickly: one GET of /api/tags, with a short connect timeout, so
// that asking costs almost nothing when none is running.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace examples {

struct LocalOllama {
    std::string url;                  // e.g. "http://localhost:11434"
    std::vector<std::string> models;  // the models it has pulled, as listed by /api/tags
};

/// Ollama at `host` ("http://host:port", or "host:port" as OLLAMA_HOST may say), when it answers
/// /api/tags within the timeouts; nullopt otherwise.
[[nodiscard]] std::optional<LocalOllama> find_ollama(
    std::string host, std::chrono::milliseconds connect_timeout = std::chrono::milliseconds(300),
    std::chrono::milliseconds total_timeout = std::chrono::milliseconds(2000));

}  // namespace examples
