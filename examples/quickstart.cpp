// The quickstart: declare a struct, ask a model for it, and get it back checked; an answer that
// does not fit is sent back with its errors until one does.
//
// The model is the first one found of:
//   INSTRUCTOR_PROVIDER   "provider/model", e.g. groq/llama-3.3-70b-versatile (the key from GROQ_API_KEY),
//                         at INSTRUCTOR_BASE_URL when set (e.g. llama-cpp/any at http://127.0.0.1:9000/v1)
//   OPENAI_API_KEY        OpenAI, with INSTRUCTOR_MODEL (default gpt-4o-mini)
//   a local Ollama        at OLLAMA_HOST (default http://localhost:11434), with OLLAMA_MODEL
//                         (default the first model it has)
// and when there is none, a local server replays recorded replies.

#include <instructor/instructor.hpp>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "support/ollama_probe.hpp"
#include "support/replay_server.hpp"

struct UserDetail {
    std::string name;
    instructor::Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

namespace {

std::string env(const char* name, std::string fallback = "") {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? value : fallback;
}

instructor::Client connect(std::optional<examples::ReplayServer>& replay) {
    if (const auto spec = env("INSTRUCTOR_PROVIDER"); !spec.empty())
        return instructor::from_provider(spec, {.base_url = env("INSTRUCTOR_BASE_URL")});  // "": the provider's own
    if (!env("OPENAI_API_KEY").empty())
        return instructor::from_openai({.model = env("INSTRUCTOR_MODEL", "gpt-4o-mini")});
    if (const auto ollama = examples::find_ollama(env("OLLAMA_HOST", "http://localhost:11434"))) {
        const auto model = env("OLLAMA_MODEL", ollama->models.empty() ? "llama3.2" : ollama->models.front());
        std::cout << "Using Ollama at " << ollama->url << " with " << model << " (OLLAMA_MODEL picks another).\n";
        return instructor::from_provider("ollama/" + model, {.base_url = ollama->url + "/v1"}, instructor::Mode::json);
    }
    // Two answers as a model once gave them: the age in words, which does not validate, then,
    // asked again with the error, the number.
    replay.emplace(std::vector<std::string>{
        examples::tool_call_reply("UserDetail", R"({"name": "Jason", "age": "thirty"})"),
        examples::tool_call_reply("UserDetail", R"({"name": "Jason", "age": 30})"),
    });
    std::cout << "No model configured: replaying a recorded reply from a local server at " << replay->base_url()
              << ".\nTo use a real model set OPENAI_API_KEY, or INSTRUCTOR_PROVIDER=groq/<model> with GROQ_API_KEY, "
                 "or start Ollama.\n\n";
    return instructor::from_openai({.base_url = replay->base_url() + "/v1", .model = "gpt-4o-mini"});
}

int ask(const instructor::Client& client) {
    const std::string provider(client.provider().name());
    try {
        const auto result = client.create_with_completion<UserDetail>({
            .messages = {instructor::user("Extract Jason is 30 years old")},
            .max_retries = 2,
        });
        const UserDetail& user = result.value;
        std::cout << "name='" << user.name << "' age=" << user.age << "\n";
        if (result.completions.size() > 1)
            std::cout << "(" << result.completions.size()
                      << " attempts: each answer that did not validate was sent back "
                      << "with its errors)\n";
        return 0;
    } catch (const instructor::AuthenticationError& e) {
        std::cerr << "the API key was rejected by " << provider << ": " << e.details().message << "\n";
    } catch (const instructor::HttpError& e) {
        if (e.status() != 404) throw;
        std::cerr << "model '" << client.options().model << "' does not exist at " << provider << ": "
                  << e.details().message << "\n";
    } catch (const instructor::TransportError& e) {
        std::cerr << "cannot reach " << client.options().base_url << ": " << e.what() << "\n";
    }
    return 1;
}

}  // namespace

int main() {
    std::optional<examples::ReplayServer> replay;  // only when no model is configured
    try {
        return ask(connect(replay));
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
