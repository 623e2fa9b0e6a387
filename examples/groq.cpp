// Groq, in md_json mode: the schema goes into the prompt and the answer comes back in a ```json
// block. The Groq example of Instructor's post "Structured Output for Open Source and Local LLMs".
//
//     GROQ_API_KEY=gsk_... ./groq
//
// GROQ_BASE_URL sends it to another server (the tests point it at a local one).

#include <instructor/instructor.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

struct UserDetail {
    std::string name;
    int age;
};

int main() {
    const char* base_url = std::getenv("GROQ_BASE_URL");
    try {
        // The key comes from GROQ_API_KEY. (The post's mixtral-8x7b-32768 has since been retired.)
        const auto client = instructor::from_provider(
            "groq/llama-3.3-70b-versatile", {.base_url = base_url ? base_url : "https://api.groq.com/openai/v1"},
            instructor::Mode::md_json);
        const auto user = client.create<UserDetail>({
            .messages = {instructor::user("Extract Jason is 30 years old")},
        });
        std::cout << "name='" << user.name << "' age=" << user.age << "\n";
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
