#include "connect.hpp"

#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>

namespace examples {
namespace {

std::string env(const char* name, std::string fallback = "") {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

// A real model when one is configured, else the replay server `start` makes.
template <class Start>
instructor::Client connect_or_replay(std::optional<ReplayServer>& replay, Start&& start,
                                     instructor::ClientOptions options, instructor::Mode replay_mode) {
    if (const auto spec = env("INSTRUCTOR_PROVIDER"); !spec.empty()) {
        options.base_url = env("INSTRUCTOR_BASE_URL");  // "": the provider's own
        std::cout << "Using " << spec << " (INSTRUCTOR_PROVIDER).\n";
        return instructor::from_provider(spec, std::move(options));
    }
    if (!env("OPENAI_API_KEY").empty()) {
        options.model = env("INSTRUCTOR_MODEL", "gpt-4o-mini");
        std::cout << "Using OpenAI with " << options.model << " (OPENAI_API_KEY).\n";
        return instructor::from_openai(std::move(options));
    }
    start(replay);
    options.base_url = replay->base_url() + "/v1";
    options.model = "gpt-4o-mini";
    std::cout << "No model configured (set INSTRUCTOR_PROVIDER or OPENAI_API_KEY): replaying recorded replies from "
              << replay->base_url() << ".\n";
    return instructor::from_openai(std::move(options), replay_mode);
}

instructor::Client connect(std::optional<ReplayServer>& replay, std::vector<Reply> replies,
                           instructor::ClientOptions options, instructor::Mode replay_mode) {
    return connect_or_replay(
        replay, [&](std::optional<ReplayServer>& server) { server.emplace(std::move(replies)); }, std::move(options),
        replay_mode);
}

instructor::Client connect(std::optional<ReplayServer>& replay, ReplayServer::Responder respond,
                           instructor::ClientOptions options, instructor::Mode replay_mode) {
    return connect_or_replay(
        replay, [&](std::optional<ReplayServer>& server) { server.emplace(std::move(respond)); }, std::move(options),
        replay_mode);
}

}  // namespace examples
