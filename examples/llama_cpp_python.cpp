// A model in the same process, the way Instructor's post "Structured Output for Open Source and
// Local LLMs" drives llama-cpp-python: a function that takes an OpenAI-format chat request and
// returns the OpenAI-format reply (llama-cpp-python's create_chat_completion_openai_v1), spoken to
// in llama-cpp-python's dialect, in json_schema mode. No server, no network.
//
// (examples/in_process.cpp shows the same path re-asking a bad answer.)

#include <instructor/instructor.hpp>

#include <iostream>
#include <string>

struct UserDetail {
    std::string name;
    int age;
};

// Stands in for the model. A real program calls llama.cpp, linked in, here: the chat template
// over request["messages"], a grammar from request["response_format"]["schema"] (UserDetail's JSON
// Schema), then sampling under that grammar. This stand-in answers as such a model would.
nlohmann::json create_chat_completion([[maybe_unused]] const nlohmann::json& request) {
    return {{"choices", {{{"message", {{"role", "assistant"}, {"content", R"({"name": "Jason", "age": 30})"}}},
                          {"finish_reason", "stop"}}}}};
}

int main() {
    try {
        const auto client = instructor::from_callable(create_chat_completion, instructor::Mode::json_schema,
                                                      instructor::provider("llama-cpp-python"));
        const auto user = client.create<UserDetail>({
            .model = "openhermes-2.5-mistral-7b",
            .messages = {instructor::user("Extract `Jason is 30 years old`")},
        });
        std::cout << "name='" << user.name << "' age=" << user.age << "\n";
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
