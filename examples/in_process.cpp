// The in-process path: any function that takes an OpenAI-format chat request and returns the
// OpenAI-format reply becomes a client, with every mode and the re-ask loop. This is how a model
// linked into the program (llama.cpp, an SDK) plugs in, as llama-cpp-python's
// create_chat_completion_openai_v1 does for Python Instructor.
//
// Here the "model" is a stand-in that answers badly once, then well, so the re-ask is visible.

#include <instructor/instructor.hpp>

#include <iostream>
#include <string>

struct UserDetail {
    std::string name;
    instructor::Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

// Replace with a call into your in-process model.
nlohmann::json local_model(const nlohmann::json& request) {
    static int calls = 0;
    const bool first = calls++ == 0;
    std::cout << "model asked (" << request["messages"].size() << " messages, response_format "
              << request["response_format"]["type"] << ")\n";
    const std::string answer = first ? R"({"name": "Jason", "age": "thirty"})" : R"({"name": "Jason", "age": 30})";
    return {{"choices", {{{"message", {{"role", "assistant"}, {"content", answer}}}, {"finish_reason", "stop"}}}},
            {"usage", {{"prompt_tokens", 40}, {"completion_tokens", 12}, {"total_tokens", 52}}}};
}

int main() {
    const auto client =
        instructor::from_callable(local_model, instructor::Mode::json_schema, instructor::provider("llama-cpp-python"));
    const auto result = client.create_with_completion<UserDetail>({
        .model = "llama-2-7b",
        .messages = {instructor::user("Extract Jason is 30 years old")},
        .max_retries = 2,
    });
    std::cout << "name='" << result.value.name << "' age=" << result.value.age << "\n"
              << result.completions.size() << " calls, " << result.usage.total_tokens << " tokens in all\n";
}
