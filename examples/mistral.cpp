// Mistral, in mistral_tools mode: a function call forced the way Mistral forces it
// (tool_choice "any"). The Mistral example of Instructor's post "Structured Output for Open Source
// and Local LLMs".
//
//     MISTRAL_API_KEY=... ./mistral
//
// MISTRAL_BASE_URL sends it to another server (the tests point it at a local one).

#include <instructor/instructor.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

struct UserDetail {
    std::string name;
    int age;
};

int main() {
    const char* base_url = std::getenv("MISTRAL_BASE_URL");
    try {
        // The key comes from MISTRAL_API_KEY.
        const auto client = instructor::from_provider("mistral/mistral-large-latest",
                                                      {.base_url = base_url ? base_url : "https://api.mistral.ai/v1"},
                                                      instructor::Mode::mistral_tools);
        const auto user = client.create<UserDetail>({
            .messages = {instructor::user(R"(Extract the following entities: "Jason is 30 years old")")},
        });
        std::cout << "name='" << user.name << "' age=" << user.age << "\n";
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
