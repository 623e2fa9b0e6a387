// A user's file with one create<T>: the struct, a client, one call. What it costs to compile
// beside nlohmann_only.cpp is what instructor-cpp's headers add to a user's build.
#include <instructor/client.hpp>

#include <iostream>
#include <string>

struct UserDetail {
    std::string name;
    int age = 0;
};

int main() {
    const auto client = instructor::from_openai({.base_url = "http://127.0.0.1:1/v1", .api_key = "key"});
    try {
        const auto user = client.create<UserDetail>({.messages = {instructor::user("Jason is 30 years old")}});
        std::cout << user.name << " " << user.age << "\n";
    } catch (const instructor::Error& error) {
        std::cout << error.what() << "\n";
    }
}
