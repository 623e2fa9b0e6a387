// A model that thinks before it answers, in the process: free inside its thinking block, held to
// the type's grammar after it, its thinking bounded by a budget. The reasoning streams to its own
// callback, apart from the value, and stays on the result.
//
//     ./llama_thinking path/to/model.gguf
//
// The chat template "bailing-think" opens a <think> block at the end of the prompt, as a
// DeepSeek-R1 distill's does; any model whose own template does that needs no template named.

#include <instructor/instructor.hpp>
#include <instructor/llama.hpp>

#include <iostream>
#include <string>
#include <string_view>

struct UserDetail {
    std::string name;
    int age;
};

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: llama_thinking MODEL.gguf\n";
        return 2;
    }
    try {
        const auto client =
            instructor::from_llama({.model_path = argv[1], .context_size = 2048, .chat_template = "bailing-think"},
                                   instructor::Mode::json_schema);
        const instructor::Request request{
            .messages = {instructor::user("Extract `Jason is 30 years old`")},
            .temperature = 0.0,
            .thinking = instructor::Thinking{.budget_tokens = 24},  // then </think> is forced
        };

        std::size_t thought = 0;
        const auto user = client.create_partial<UserDetail>(
            request, [](const UserDetail&) {}, [&](std::string_view delta) { thought += delta.size(); });
        std::cout << "thought for " << thought << " bytes, then: name='" << user.name << "' age=" << user.age << "\n";

        // The whole reply keeps the reasoning apart from the value.
        const auto extraction = client.create_with_completion<UserDetail>(request);
        std::cout << "reasoning: " << extraction.reasoning().size() << " bytes, "
                  << extraction.completions.back().usage.reasoning_tokens << " tokens\n";
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
