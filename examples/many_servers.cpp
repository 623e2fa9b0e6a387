// Many servers: one client over a fleet of llama-servers (one per machine, say), a batch spread
// over them by their free slots, and where each call went. A server that fails is cooled down, its
// calls go to the others, and it is probed before it gets calls again.
//
// INSTRUCTOR_SERVERS: the base URLs of your llama-servers, comma-separated
// (http://gpu1:8080/v1,http://gpu2:8080/v1). Without it, three local stand-ins: two answer as a
// model would, the third is still "loading its model" (every answer a 503).

#include <instructor/instructor.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "support/replay_server.hpp"

using namespace std::chrono_literals;

struct UserDetail {
    std::string name;
    int age;
};

namespace {

// A stand-in for a llama-server: "Jason is 30 years old" -> {"name":"Jason","age":30}.
examples::Reply answer(std::string_view request_body) {
    if (request_body.empty()) return examples::Reply("{}");  // GET /health and /slots
    const auto body = nlohmann::json::parse(request_body);
    const std::string text = body["messages"].back()["content"];
    const nlohmann::json user{{"name", text.substr(0, text.find(' '))},
                              {"age", std::stoi(text.substr(text.find(" is ") + 4))}};
    const nlohmann::json reply{
        {"object", "chat.completion"},
        {"choices",
         {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", user.dump()}}}, {"finish_reason", "stop"}}}},
        {"usage", {{"prompt_tokens", 40}, {"completion_tokens", 12}, {"total_tokens", 52}}}};
    return examples::delayed(examples::Reply(reply.dump()), 30ms);
}

std::vector<std::string> split(const std::string& list) {
    std::vector<std::string> parts;
    std::stringstream in(list);
    for (std::string part; std::getline(in, part, ',');)
        if (!part.empty()) parts.push_back(part);
    return parts;
}

}  // namespace

int main() {
    const std::vector<std::string> texts{
        "Jason is 30 years old", "Sarah is 25 years old", "Ahmed is 51 years old", "Mei is 19 years old",
        "Olga is 67 years old",  "Tomas is 33 years old", "Priya is 28 years old", "Kofi is 45 years old",
        "Lucia is 38 years old", "Hiro is 22 years old",  "Ines is 59 years old",  "Bo is 41 years old",
    };
    const char* configured = std::getenv("INSTRUCTOR_SERVERS");
    std::vector<std::string> urls = split(configured != nullptr ? configured : "");
    std::vector<std::unique_ptr<examples::ReplayServer>> stand_ins;
    if (urls.empty()) {
        stand_ins.push_back(std::make_unique<examples::ReplayServer>(answer));
        stand_ins.push_back(std::make_unique<examples::ReplayServer>(answer));
        stand_ins.push_back(std::make_unique<examples::ReplayServer>(
            [](std::string_view) { return examples::error_reply(503, "Loading model"); }));
        for (const auto& server : stand_ins) urls.push_back(server->base_url() + "/v1");
        std::cout << "(three local stand-ins; set INSTRUCTOR_SERVERS to use your llama-servers)\n";
    }
    try {
        std::vector<instructor::Server> servers;
        for (std::size_t i = 0; i < urls.size(); ++i)
            servers.push_back({.base_url = urls[i], .max_in_flight = 2, .name = "gpu-" + std::to_string(i + 1)});
        const instructor::Routing routing{.strategy = instructor::RoutingStrategy::least_busy, .cooldown = 500ms};
        const auto client = instructor::from_provider("llama-cpp/any", {.servers = servers, .routing = routing});
        std::vector<instructor::Request> requests;
        for (const auto& text : texts)
            requests.push_back({.messages = {instructor::user(text)}, .max_retries = 1, .max_tokens = 100});
        const auto users = client.create_many<UserDetail>(requests, {.max_concurrency = 6});

        for (std::size_t i = 0; i < users.size(); ++i) {
            if (users[i])
                std::cout << users[i]->value.name << ", " << users[i]->value.age << ": answered by "
                          << users[i]->completions.back().server << "\n";
            else
                std::cout << texts[i] << ": " << users[i].error().what() << "\n";
        }
        for (const auto& server : client.server_stats())
            std::cout << server.name << ": " << server.answered << " answered, " << server.failures << " failed, "
                      << server.cooldowns << " cooldowns, now " << instructor::to_string(server.state) << "\n";
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
