// The Instructor post's llama-cpp-python block, for real: a GGUF model loaded into this process by
// llama.cpp and sampled under UserDetail's own grammar. No server, no network.
//
//     ./llama_in_process path/to/model.gguf
//
// Built when CMake finds llama.cpp (README: "A model in the process").

#include <instructor/instructor.hpp>
#include <instructor/llama.hpp>

#include <iostream>
#include <string>

struct UserDetail {
    std::string name;
    int age;
};

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: llama_in_process MODEL.gguf\n";
        return 2;
    }
    try {
        const auto client =
            instructor::from_llama({.model_path = argv[1], .context_size = 2048}, instructor::Mode::json_schema);
        const auto user = client.create<UserDetail>({
            .messages = {instructor::user("Extract `Jason is 30 years old`")},
            .temperature = 0.0,
        });
        std::cout << "name='" << user.name << "' age=" << user.age << "\n";
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
