// Many texts at once: extract_many sends them several at a time from one thread, within a rate
// limit, and prints a progress line as each one ends. One text that fails does not stop the rest.
//
// Uses INSTRUCTOR_PROVIDER or OPENAI_API_KEY when set, else a local server that answers each
// request as a model would (and refuses one text, to show a failure).

#include <instructor/instructor.hpp>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "support/connect.hpp"

struct UserDetail {
    std::string name;
    int age;
};

namespace {

// The stand-in model: "Jason is 30 years old" -> UserDetail{"Jason", 30}; "Mallory" is refused.
examples::Reply answer(std::string_view request_body) {
    const auto body = nlohmann::json::parse(request_body);
    const std::string text = body["messages"].back()["content"];
    const std::string name = text.substr(0, text.find(' '));
    if (name == "Mallory") return examples::error_reply(400, "this text is not allowed");
    const int age = std::stoi(text.substr(text.find(" is ") + 4));
    return examples::delayed(
        examples::tool_call_reply("UserDetail", nlohmann::json{{"name", name}, {"age", age}}.dump()),
        std::chrono::milliseconds(20));
}

}  // namespace

int main() {
    std::optional<examples::ReplayServer> replay;  // only when no model is configured
    const std::vector<std::string> texts{
        "Jason is 30 years old", "Sarah is 25 years old", "Mallory is 40 years old", "Ahmed is 51 years old",
        "Mei is 19 years old",   "Olga is 67 years old",  "Tomas is 33 years old",   "Priya is 28 years old",
        "Kofi is 45 years old",  "Lucia is 38 years old", "Hiro is 22 years old",    "Ines is 59 years old",
    };
    try {
        const auto client = examples::connect(replay, answer);

        instructor::BatchOptions batch{.max_concurrency = 4, .requests_per_minute = 600};
        batch.on_progress = [&](const instructor::BatchProgress& progress) {
            std::cout << "\r" << progress.succeeded + progress.failed << "/" << texts.size() << " done, "
                      << progress.failed << " failed" << std::flush;
        };
        const auto users = instructor::extract_many<UserDetail>(client, texts, {.max_retries = 1}, batch);
        std::cout << "\n";

        for (std::size_t i = 0; i < users.size(); ++i) {
            if (users[i])
                std::cout << "name='" << users[i]->name << "' age=" << users[i]->age << "\n";
            else
                std::cout << "text " << i << " failed: " << users[i].error().what() << "\n";
        }
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
