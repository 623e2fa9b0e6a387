// Together AI, in tools mode: the model is made to call a function whose parameters are the
// schema. The Together example of Instructor's post "Structured Output for Open Source and Local
// LLMs".
//
//     TOGETHER_API_KEY=... ./together
//
// TOGETHER_BASE_URL sends it to another server (the tests point it at a local one).

#include <instructor/instructor.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

struct UserDetail {
    std::string name;
    int age;
};

int main() {
    const char* base_url = std::getenv("TOGETHER_BASE_URL");
    try {
        // The key comes from TOGETHER_API_KEY.
        const auto client = instructor::from_provider("together/mistralai/Mixtral-8x7B-Instruct-v0.1",
                                                      {.base_url = base_url ? base_url : "https://api.together.xyz/v1"},
                                                      instructor::Mode::tools);
        const auto user = client.create<UserDetail>({
            .messages = {instructor::user("Extract Jason is 30 years old")},
        });
        std::cout << "name='" << user.name << "' age=" << user.age << "\n";
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
