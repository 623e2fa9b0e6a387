// Anyscale Endpoints, in json_schema mode (Anyscale's json_object-with-schema form), as in
// Instructor's post "Structured Output for Open Source and Local LLMs".
//
//     ANYSCALE_API_KEY=esecret_... ./anyscale
//
// Anyscale closed its hosted endpoints in 2024; self-hosted servers that speak the same dialect
// live on: ANYSCALE_BASE_URL points the example at one.

#include <instructor/instructor.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

struct UserDetail {
    std::string name;
    int age;
};

int main() {
    const char* base_url = std::getenv("ANYSCALE_BASE_URL");
    try {
        // The key comes from ANYSCALE_API_KEY.
        const auto client = instructor::from_provider(
            "anyscale/mistralai/Mixtral-8x7B-Instruct-v0.1",
            {.base_url = base_url ? base_url : "https://api.endpoints.anyscale.com/v1"}, instructor::Mode::json_schema);
        const auto user = client.create<UserDetail>({
            .messages = {instructor::system("You are a world class extractor"),
                         instructor::user(R"(Extract the following entities: "Jason is 30 years old")")},
        });
        std::cout << "name='" << user.name << "' age=" << user.age << "\n";
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
