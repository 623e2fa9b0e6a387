// llama.cpp's own server (llama-server), in json_schema mode: the server turns the schema into a
// grammar, so the model cannot answer anything but a matching object. Start it with the model of
// Instructor's post "Structured Output for Open Source and Local LLMs":
//
//     llama-server -m openhermes-2.5-mistral-7b.Q4_K_M.gguf --port 8080
//     ./llama_cpp_server
//
// LLAMA_CPP_BASE_URL (default http://127.0.0.1:8080/v1) says where it listens. No key is needed.

#include <instructor/instructor.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

struct UserDetail {
    std::string name;
    int age;
};

int main() {
    const char* base_url = std::getenv("LLAMA_CPP_BASE_URL");
    try {
        const auto client = instructor::from_provider("llama-cpp/openhermes-2.5-mistral-7b",
                                                      {.base_url = base_url ? base_url : "http://127.0.0.1:8080/v1"},
                                                      instructor::Mode::json_schema);
        const auto user = client.create<UserDetail>({
            .messages = {instructor::user("Extract `Jason is 30 years old`")},
        });
        std::cout << "name='" << user.name << "' age=" << user.age << "\n";
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
