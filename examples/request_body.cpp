// Prints the exact request body a provider is sent for a struct, in a given mode.
//
//     ./request_body                      # groq, md_json
//     ./request_body mistral mistral_tools
//     ./request_body ollama-native json_schema

#include <instructor/instructor.hpp>

#include <iostream>
#include <string>

struct UserDetail {
    std::string name;
    instructor::Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

int main(int argc, char** argv) {
    const std::string provider_name = argc > 1 ? argv[1] : "groq";
    const std::string mode_name = argc > 2 ? argv[2] : "md_json";
    try {
        const instructor::Provider& provider = instructor::provider(provider_name);
        const auto mode = instructor::mode_from_string(mode_name).value_or(provider.default_mode());

        instructor::Request request{
            .model = "llama-3.3-70b-versatile",
            .messages = {instructor::user("Jason is 30 years old")},
            .max_retries = 2,
        };
        request.response_models = {instructor::response_model<UserDetail>()};

        const auto body = provider.build_body(request, mode);
        std::cout << "POST " << provider.default_base_url() << provider.chat_path() << "\n" << body.dump(2) << "\n";
    } catch (const instructor::ConfigurationError& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
