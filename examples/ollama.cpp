// Ollama, through its OpenAI-compatible API, in json mode: JSON output forced, the schema in the
// prompt. The Ollama example of Instructor's post "Structured Output for Open Source and Local LLMs".
//
//     ollama run llama2
//     ./ollama
//
// OLLAMA_HOST ("http://host:port", default http://localhost:11434) says where Ollama listens.

#include <instructor/instructor.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

struct UserDetail {
    std::string name;
    int age;
};

int main() {
    const char* host = std::getenv("OLLAMA_HOST");
    try {
        const auto client =
            instructor::from_openai({.base_url = std::string(host ? host : "http://localhost:11434") + "/v1",
                                     .api_key = "ollama"},  // required, but unused
                                    instructor::Mode::json);
        const auto user = client.create<UserDetail>({
            .model = "llama2",
            .messages = {instructor::user("Jason is 30 years old")},
        });
        std::cout << "name='" << user.name << "' age=" << user.age << "\n";
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
